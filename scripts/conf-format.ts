// npm run docs: writes the conf format into the README (section "The conf format in brief",
// between its two marker comments) from src/directives.ts, as `lvsc help conf` and the man page's
// CONF FORMAT section say it. test/conf-format.test.ts fails when the README is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { readmeWithConfFormat } from "../src/usage.js";

// the README's path: scripts/docs.mjs gives it (this file runs bundled, from a temporary directory)
const readme = process.argv[2] ?? "README.md";
const before = readFileSync(readme, "utf8");
const after = readmeWithConfFormat(before);
if (after !== before) writeFileSync(readme, after);
console.log(after !== before ? "wrote the conf format into README.md" : "README.md: the conf format is up to date");
