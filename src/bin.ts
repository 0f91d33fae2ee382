// Entry point of the `lvsc` executable (bundled to dist/cli.js).
import { main } from "./cli.js";

main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  env: process.env,
}).then((code) => {
  process.exitCode = code;
});
