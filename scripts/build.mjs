// Builds dist/ for a fast start: a whole `lvsc` run should cost little more than starting node.
//
// - One bundle per entry point (chevrotain unbundled costs ~0.3 s in imports alone); inside the
//   CLI's bundle, the templates and the writer are evaluated only by the commands that write.
// - Templates compiled at build time (src/precompile.ts, src/template-compiler.ts) into plain
//   generator functions: no template compiler, and no Handlebars, at run time.
// - The man page dist/lvsc.1 and bash/zsh completions in dist/completion/, from src/usage.ts.
// - Type declarations for the library entry.
// - Dependencies: what package.json's `dependencies` names stays external (required from node_modules
//   at run time); everything else the bundles use is bundled, so a build-time package is a devDependency.
import { build } from "esbuild";
import fse from "fs-extra";
import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const gen = `${root}dist/.build`;
const pkg = JSON.parse(await readFile(`${root}package.json`, "utf8"));

/** `import x from "./t.hbs?raw"` -> the file's text, as Vite does in tests. */
const rawPlugin = {
  name: "raw",
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: new URL(args.path.replace(/\?raw$/, ""), `file://${args.resolveDir}/`).pathname,
      namespace: "raw",
    }));
    b.onLoad({ filter: /.*/, namespace: "raw" }, async (args) => ({ contents: await readFile(args.path, "utf8"), loader: "text" }));
  },
};

/** src/templates.ts -> the precompiled module. */
const precompiledPlugin = (file) => ({
  name: "precompiled-templates",
  setup(b) {
    b.onResolve({ filter: /^\.\/templates\.js$/ }, (args) => (args.importer.endsWith("/src/render.ts") ? { path: file } : undefined));
  },
});

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  legalComments: "none",
  logLevel: "warning",
  // what package.json's dependencies name stays in node_modules, and is all that lvsc requires at
  // run time (test/package.test.ts checks it): Graphviz (@viz-js/viz, WebAssembly, a few MB),
  // loaded only to draw (show --format svg). Everything else, chevrotain included, is bundled.
  external: Object.keys(pkg.dependencies ?? {}),
  // CommonJS dependencies call require(); give the ESM bundle one
  banner: { js: 'import { createRequire as __lvscRequire } from "node:module"; const require = __lvscRequire(import.meta.url);' },
};

await fse.remove(`${root}dist`);
await fse.ensureDir(gen);

// 1. precompile the templates with the project's own options and helpers
await build({ ...common, entryPoints: [`${root}src/precompile.ts`], outfile: `${gen}/precompile.mjs`, plugins: [rawPlugin] });
const { precompiledModule, manPage, bashCompletion, zshCompletion } = await import(`${gen}/precompile.mjs`);
await writeFile(`${gen}/templates.precompiled.mjs`, precompiledModule(`${root}src/helpers.ts`));

// 1b. the man page and the shell completions, from the same description as --help (src/usage.ts);
//     the page's date is the last commit's, so that a build is reproducible
let date = "";
try {
  date = execFileSync("git", ["log", "-1", "--format=%cs"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
} catch {}
await writeFile(`${root}dist/lvsc.1`, manPage(date));
await mkdir(`${root}dist/completion`, { recursive: true });
await writeFile(`${root}dist/completion/lvsc.bash`, bashCompletion());
await writeFile(`${root}dist/completion/_lvsc`, zshCompletion());

// 2. the library: one ESM file
await build({ ...common, entryPoints: [`${root}src/index.ts`], outfile: `${root}dist/index.js`, plugins: [rawPlugin, precompiledPlugin(`${gen}/templates.precompiled.mjs`)] });

// 3. the CLI: CommonJS files loaded through V8 code caches. Node 20 has no compile cache for
//    modules, and compiling ~0.8 MB of JavaScript at every start is a good part of a run; a cache
//    holds the bytecode of everything the warm-up runs below used, and reading it costs time in
//    proportion to its size. So the CLI is two files: dist/lvsc.cjs, everything lint and show
//    need, and dist/lvsc-output.cjs, what only the commands that write need (the templates,
//    compiled to plain JavaScript), loaded when render.ts first runs. A
//    cache built by another V8 is rejected by V8 itself, and the loader then compiles as usual.
const OUTPUT = "./lvsc-output.cjs";
/** In lvsc.cjs, the templates module is a part of lvsc-output.cjs. */
const outputPartsPlugin = {
  name: "output-parts",
  setup(b) {
    b.onResolve({ filter: /^\.\/templates\.js$/ }, (args) => (args.importer.endsWith("/src/render.ts") ? { path: "templates", namespace: "output-part" } : undefined));
    b.onResolve({ filter: /^\.\/lvsc-output\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: "output-part" }, (args) => ({ contents: `module.exports = require(${JSON.stringify(OUTPUT)}).${args.path};`, loader: "js" }));
  },
};
// Whitespace and syntax minified (the identifiers kept, for stack traces): a smaller file
// to read, and to hand to V8 with its cache, and pure ASCII (comments gone; esbuild escapes the
// rest), so that cli.cjs reads it as Latin-1 into a one-byte string: decoding UTF-8 into a
// two-byte string, which one non-ASCII character in a comment caused, cost more than the read.
const cliBundle = { ...common, banner: {}, format: "cjs", minifyWhitespace: true, minifySyntax: true, charset: "ascii" };
await build({
  ...cliBundle,
  entryPoints: [`${root}src/bin.ts`],
  outfile: `${root}dist/lvsc.cjs`,
  plugins: [rawPlugin, outputPartsPlugin],
});
await writeFile(`${gen}/output.mjs`, `export * as templates from "./templates.precompiled.mjs";\n`);
await build({ ...cliBundle, entryPoints: [`${gen}/output.mjs`], outfile: `${root}dist/lvsc-output.cjs`, nodePaths: [`${root}node_modules`] });
for (const f of ["lvsc.cjs", OUTPUT.slice(2)]) {
  const bytes = await readFile(`${root}dist/${f}`);
  const at = bytes.findIndex((b) => b > 0x7f);
  if (at !== -1) throw new Error(`dist/${f}: a byte over 0x7f at offset ${at}; cli.cjs reads the bundles as Latin-1, which needs pure ASCII`);
}
const cli = `${root}dist/cli.cjs`;
await writeFile(cli, `#!/usr/bin/env node
// lvsc's executable: runs dist/lvsc.cjs, and dist/lvsc-output.cjs when a command writes files, each
// with the V8 code cache built next to it (see scripts/build.mjs)
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const Module = require("node:module");
const scripts = [];
function load(name, require_) {
  const file = path.join(__dirname, name);
  let cachedData;
  try {
    cachedData = fs.readFileSync(file + ".cache");
  } catch {}
  const script = new vm.Script(Module.wrap(fs.readFileSync(file, "latin1")), { filename: file, cachedData });
  scripts.push({ file, script });
  // module.require: lodash (in chevrotain) looks for it, else falls back to process.binding()
  const module_ = { exports: {}, require: require_ };
  script.runInThisContext()(module_.exports, require_, module_, file, __dirname);
  return module_.exports;
}
const base = Module.createRequire(path.join(__dirname, "lvsc.cjs"));
let output;
const require_ = (id) => (id === ${JSON.stringify(OUTPUT)} ? (output ??= load(${JSON.stringify(OUTPUT.slice(2))}, base)) : base(id));
if (process.env.LVSC_BUILD_CODE_CACHE === "1")
  process.on("exit", () => {
    for (const { file, script } of scripts) fs.writeFileSync(file + ".cache", script.createCachedData());
  });
load("lvsc.cjs", require_);
`);
await chmod(cli, 0o755);

// warm-up runs: lint, show and compile the examples, then keep the bytecode they used
const warm = await mkdtemp(`${tmpdir()}/lvsc-warm-`);
for (const args of [["lint", `${root}examples`], ["show", `${root}examples/lvs_dr.conf`], ["compile", `${root}examples/lvs_tun.conf`, "-o", warm], ["compile", `${root}examples/lvs_dr.conf`, "-o", warm]]) {
  execFileSync(process.execPath, [cli, ...args], { env: { ...process.env, LVSC_BUILD_CODE_CACHE: "1" }, stdio: "ignore" });
}
await fse.remove(warm);
await fse.remove(gen);

// 4. type declarations
execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
