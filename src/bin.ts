// Entry point of the `lvsc` executable (bundled to dist/lvsc.cjs, run by dist/cli.cjs).
import { main } from "./cli.js";
import { fdWriter, isTerminal } from "./stdio.js";

// no process.stdout, process.stderr or tty module unless needed: see stdio.ts
main(process.argv.slice(2), {
  stdout: fdWriter(1, () => process.stdout),
  stderr: fdWriter(2, () => process.stderr),
  stdoutIsTTY: isTerminal(1),
  stderrIsTTY: isTerminal(2),
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
