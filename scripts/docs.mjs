// npm run docs: draws the pictures of the examples that the README shows (docs/topology/*.svg)
// with the built CLI, exactly as `lvsc show --format svg` draws them. test/topology.test.ts fails
// when they are out of date.
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
