// Runs a TypeScript script (npm run bench) by bundling it with esbuild first: Node 20 cannot
// run TypeScript itself, and the benchmark reuses the e2e harness, which is TypeScript.
import { build } from "esbuild";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";

const [entry, ...args] = process.argv.slice(2);
const dir = await mkdtemp(`${tmpdir()}/lvsc-run-`);
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
