// Builds dist/: one bundled file per entry point (a whole lvsc run then costs about as much as
// starting node: chevrotain's unbundled import alone takes ~0.3 s), templates inlined as text,
// and type declarations for the library entry.
import { build } from "esbuild";
import { chmod, readFile, rm } from "node:fs/promises";
import { execFileSync } from "node:child_process";

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

await rm(new URL("../dist", import.meta.url), { recursive: true, force: true });
const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  plugins: [rawPlugin],
  legalComments: "none",
  // CommonJS dependencies (handlebars, fs-extra) call require(); give the ESM bundle one
  banner: { js: 'import { createRequire as __lvscRequire } from "node:module"; const require = __lvscRequire(import.meta.url);' },
  logLevel: "warning",
};
await build({ ...common, entryPoints: ["src/bin.ts"], outfile: "dist/cli.js", banner: { js: `#!/usr/bin/env node\n${common.banner.js}` } });
await chmod(new URL("../dist/cli.js", import.meta.url), 0o755);
await build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js" });
execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
