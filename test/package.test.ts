// package.json tells the truth about dependencies (issue 16): `dependencies` are exactly the
// packages the built files require from node_modules at run time, and a production install of the
// packed tarball (`npm install --omit=dev`: no chevrotain, Handlebars, fs-extra, esbuild) runs.
// Everything else the bundles use is bundled by scripts/build.mjs, so it is a devDependency.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fse from "fs-extra";
import { describe, expect, it } from "vitest";
import { EXAMPLES, ROOT } from "./helpers.js";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const BUILTIN = new Set(builtinModules);

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`); undefined for a relative path or a Node builtin. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  const name = specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
  return BUILTIN.has(name) ? undefined : name;
}

/** The packages a built file requires at run time: require("x"), import("x"), and ESM import/export … from "x". */
export function requiredPackages(code: string): Set<string> {
  const found = new Set<string>();
  const patterns = [/\brequire\(\s*"([^"]+)"\s*\)/g, /\bimport\(\s*"([^"]+)"\s*\)/g, /^\s*(?:import|export)\b[^;"']*?\bfrom\s*"([^"]+)"/gm, /^\s*import\s*"([^"]+)"/gm];
  for (const re of patterns)
    for (const m of code.matchAll(re)) {
      const p = packageOf(m[1]!);
      if (p !== undefined) found.add(p);
    }
  return found;
}

/** The files the package runs: the executable, what it loads, and the library entry. */
function builtFiles(): string[] {
  return readdirSync(join(ROOT, "dist"))
    .filter((f) => f.endsWith(".cjs") || f.endsWith(".js"))
    .map((f) => join(ROOT, "dist", f));
}

describe("package.json's dependencies", () => {
  it("finds the packages a file requires, and only those", () => {
    const code = [
      `var a=require("node:fs"),b=require("util"),c=require("./lvsc-output.cjs");`,
      `const v=require("@viz-js/viz/lib/x.js");await import("chevrotain");`,
      `import { x } from "handlebars";`,
      `export * from "fs-extra";`,
      `const s = "not from \\"a-string\\"";`,
    ].join("\n");
    expect([...requiredPackages(code)].sort()).toEqual(["@viz-js/viz", "chevrotain", "fs-extra", "handlebars"]);
  });

  it("are exactly what the built files require at run time", () => {
    const files = builtFiles();
    expect(files.map((f) => f.slice(ROOT.length))).toEqual(expect.arrayContaining(["dist/cli.cjs", "dist/lvsc.cjs", "dist/lvsc-output.cjs", "dist/index.js"]));
    const required = new Map<string, string[]>();
    for (const f of files) for (const p of requiredPackages(readFileSync(f, "utf8"))) required.set(p, [...(required.get(p) ?? []), f.slice(ROOT.length)]);
    expect(Object.fromEntries([...required].sort())).toEqual(Object.fromEntries(Object.keys(pkg.dependencies ?? {}).sort().map((d) => [d, expect.any(Array)])));
  });

  it("and devDependencies never both list a package", () => {
    const both = Object.keys(pkg.dependencies ?? {}).filter((d) => d in (pkg.devDependencies ?? {}));
    expect(both).toEqual([]);
  });

  // npm pack of the dist/ that `npm test` has just built (--ignore-scripts: no second build), then a
  // production install into an empty directory, from npm's cache when it has the packages
  it("a production install (npm install --omit=dev of the packed tarball) compiles the walkthrough", { timeout: 240_000 }, async () => {
    const dir = join(tmpdir(), `lvsc-install-${process.pid}`);
    await fse.remove(dir);
    await fse.ensureDir(join(dir, "app"));
    try {
      const npm = (args: string[], cwd: string) => execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      const packed = JSON.parse(npm(["pack", "--ignore-scripts", "--json", "--pack-destination", dir], ROOT)) as { filename: string }[];
      const tarball = join(dir, packed[0]!.filename);
      await fse.outputJson(join(dir, "app", "package.json"), { name: "lvsc-install-check", private: true });
      npm(["install", "--omit=dev", "--prefer-offline", "--ignore-scripts", tarball], join(dir, "app"));

      // what was installed: lvsc and its dependencies' trees, none of the build's packages
      const installed = readdirSync(join(dir, "app", "node_modules")).flatMap((n) => (n.startsWith("@") ? readdirSync(join(dir, "app", "node_modules", n)).map((s) => `${n}/${s}`) : [n]));
      for (const dev of Object.keys(pkg.devDependencies ?? {})) expect(installed).not.toContain(dev);
      for (const dep of Object.keys(pkg.dependencies ?? {})) expect(installed).toContain(dep);

      const out = join(dir, "out");
      const bin = join(dir, "app", "node_modules", ".bin", Object.keys(pkg.bin)[0]!);
      const r = spawnSync(bin, ["compile", join(EXAMPLES, "lvs_dr.conf"), "-o", out], { encoding: "utf8" });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
      // the same files as this checkout's build writes
      const here = join(dir, "here");
      execFileSync(process.execPath, [join(ROOT, "dist/cli.cjs"), "compile", join(EXAMPLES, "lvs_dr.conf"), "-o", here]);
      const files = (d: string) => readdirSync(d).filter((f) => !f.startsWith("."));
      expect(files(out)).toEqual(files(here));
      for (const f of files(here)) expect([f, readFileSync(join(out, f), "utf8")]).toEqual([f, readFileSync(join(here, f), "utf8")]);
      // and lint, through the same installed executable
      expect(spawnSync(bin, ["lint", join(EXAMPLES, "lvs_dr.conf")], { encoding: "utf8" }).status).toBe(0);
    } finally {
      await fse.remove(dir);
    }
  });
});
