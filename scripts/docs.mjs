// npm run docs: draws the pictures of the examples that the README shows (docs/topology/*.svg)
// with the built CLI, exactly as `lvsc show --format svg` draws them, and writes the README's
// conf format from src/directives.ts (scripts/conf-format.ts). test/topology.test.ts and
// test/conf-format.test.ts fail when they are out of date.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
mkdirSync(`${root}docs/topology`, { recursive: true });
for (const name of ["lvs_dr", "lvs_nat", "lvs_tun", "lvs_dr_ha", "lvs_nat_ha"]) {
  // run from examples/, so the pictures' titles name the conf as the README does
  const svg = execFileSync(process.execPath, [`${root}dist/cli.cjs`, "show", `${name}.conf`, "--format", "svg"], { cwd: `${root}examples`, encoding: "utf8" });
  writeFileSync(`${root}docs/topology/${name}.svg`, svg);
  console.log(`wrote docs/topology/${name}.svg`);
}
// the README's conf format, as `lvsc help conf` and the man page say it
execFileSync(process.execPath, [`${root}scripts/run-ts.mjs`, `${root}scripts/conf-format.ts`, `${root}README.md`], { stdio: "inherit" });
