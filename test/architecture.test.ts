// The shape of src/: no module imports itself through others (a cycle). A cycle makes the order
// modules are evaluated in depend on which one is imported first, and makes the modules on it one
// unit nobody can change alone (the validator's `ha.ts -> lint.ts -> validate.ts -> ha.ts`, issue 18).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DIRECTIVES } from "../src/directives.js";
import { ROOT } from "./helpers.js";

const SRC = join(ROOT, "src");

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [join(dir, e.name)] : [],
  );
}

/**
 * The relative specifiers of a module's top-level `import … from "./x.js"`, `import type …`,
 * `import "./x.js"` and `export … from "./x.js"` statements (each begins a line; the braces of a
 * multi-line import hold no quote or semicolon), and of its `import("./x.js")` (a lazy import, or
 * a type written in place): each is an edge of the module graph all the same.
 */
export function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\b[^;"'`]*?(?:\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) out.push(m[1]!);
  return out;
}

/** The module graph of src/: each file (relative to src/) to the src/ files it imports. */
export function moduleGraph(files: { path: string; text: string }[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const to: string[] = [];
    for (const s of specifiers(f.text)) {
      if (s.includes("?")) continue; // `?raw` text (templates), not a module
      const target = resolve(dirname(f.path), s.replace(/\.js$/, ".ts"));
      if (target.startsWith(SRC + "/")) to.push(relative(SRC, target));
    }
    graph.set(relative(SRC, f.path), [...new Set(to)]);
  }
  return graph;
}

/** Every cycle's modules in import order, the first repeated at the end (one per strongly connected set, found by DFS). */
export function cycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (n: string): void => {
    state.set(n, "open");
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === "open") found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (state.get(m) === undefined) visit(m);
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const n of [...graph.keys()].sort()) if (state.get(n) === undefined) visit(n);
  return found;
}

const files = tsFiles(SRC).map((path) => ({ path, text: readFileSync(path, "utf8") }));
const graph = moduleGraph(files);

describe("the module graph of src/", () => {
  it("reads every relative import as an edge to a file that exists", () => {
    // a specifier the reader missed or resolved wrong would hide a cycle
    const missing = [...graph].flatMap(([from, to]) => to.filter((t) => !existsSync(join(SRC, t))).map((t) => `${from} -> ${t}`));
    expect(missing).toEqual([]);
    // a sample the reader must see: a multi-line import, an `import type`, an `export … from`
    expect(specifiers('import {\n  a,\n  type B,\n} from "./a.js";\nimport type { C } from "../c.js";\nexport { d } from "./d/index.js";\nexport * from "./e.js";\nimport "./f.js";\nconst g = await import("./g.js");\nconst s = "import x from \'./no.js\'";\n')).toEqual([
      "./a.js",
      "../c.js",
      "./d/index.js",
      "./e.js",
      "./f.js",
      "./g.js",
    ]);
    expect(graph.get("lint.ts")?.length).toBeGreaterThan(3);
  });

  it("finds a cycle when there is one", () => {
    const g = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(cycles(g)).toEqual([["a.ts", "b.ts", "c.ts", "a.ts"]]);
  });

  it("has no cycle", () => {
    const found = cycles(graph).map((c) => c.join(" -> "));
    expect(found, `import cycles in src/:\n${found.join("\n")}`).toEqual([]);
  });
});

describe("the map of src/validate/index.ts", () => {
  // its header names, for each directive, the files that check it: `NAME   file.ts (note), file.ts`
  const VALIDATE = join(SRC, "validate");
  const header = readFileSync(join(VALIDATE, "index.ts"), "utf8");
  const rows = [...header.matchAll(/^ \* {3}([A-Z][A-Z0-9_]*) +(.+)$/gm)].map((m) => ({
    name: m[1]!,
    files: [...m[2]!.replace(/\([^)]*\)/g, "").matchAll(/[\w./-]+\.ts/g)].map((f) => f[0]),
  }));

  it("names every directive of src/directives.ts once, and no other", () => {
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(DIRECTIVES).sort());
  });

  it("names files that exist, the first of each row naming the directive", () => {
    for (const { name, files } of rows) {
      expect(files.length, name).toBeGreaterThan(0);
      for (const f of files) expect(existsSync(join(VALIDATE, f)), `${name}: ${f}`).toBe(true);
      // the first file is where the directive's line is read: it says the name (in code or its header)
      expect(readFileSync(join(VALIDATE, files[0]!), "utf8"), `${name}: ${files[0]}`).toContain(name);
    }
  });

  it("covers every file of src/validate/", () => {
    // a new file is a new concern: the map (or the shared files' list under it) says what it checks
    const named = new Set([...header.matchAll(/[\w-]+\.ts/g)].map((m) => m[0]));
    const missing = readdirSync(VALIDATE).filter((f) => f !== "index.ts" && !named.has(f));
    expect(missing).toEqual([]);
  });
});
