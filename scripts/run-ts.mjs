// Runs a TypeScript script (npm run bench) by bundling it with esbuild first: Node 20 cannot
// run TypeScript itself, and the benchmark reuses the e2e harness, which is TypeScript.
import { build } from "esbuild";
import { mkdtemp, rm } from "node:fs/promises";
import { mkdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const [entry, ...args] = process.argv.slice(2);
// inside the project, so that the bundle's external packages (chevrotain...) resolve from its node_modules
const cache = fileURLToPath(new URL("../node_modules/.cache/", import.meta.url));
mkdirSync(cache, { recursive: true });
const dir = await mkdtemp(`${cache}lvsc-run-`);
const out = `${dir}/script.mjs`;
await build({
  entryPoints: [entry],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile: out,
  packages: "external",
  logLevel: "warning",
});
process.argv = [process.argv[0], entry, ...args];
try {
  await import(pathToFileURL(out).href);
} finally {
  await rm(dir, { recursive: true, force: true });
}
