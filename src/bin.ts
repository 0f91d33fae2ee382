// Entry point of the `lvsc` executable (bundled to dist/lvsc.cjs, run by dist/cli.cjs).
import { dirname } from "node:path";
import { main } from "./cli.js";
import { fdWriter, isTerminal } from "./stdio.js";

// no process.stdout, process.stderr or tty module unless needed: see stdio.ts (it also ends quietly on EPIPE)

/** Standard input up to `limit` bytes: reading stops there, so `lvsc lint - </dev/zero` ends. */
function readStdin(limit: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (truncated: boolean) => {
      process.stdin.off("data", onData).off("end", onEnd).off("error", reject);
      process.stdin.pause();
      process.stdin.destroy();
      resolve({ bytes: Buffer.concat(chunks, Math.min(size, limit)), truncated });
    };
    const onData = (b: Buffer) => {
      chunks.push(b);
      size += b.length;
      if (size > limit) done(true);
    };
    const onEnd = () => done(false);
    process.stdin.on("data", onData).on("end", onEnd).on("error", reject);
  });
}

main(process.argv.slice(2), {
  stdout: fdWriter(1, () => process.stdout),
  stderr: fdWriter(2, () => process.stderr),
  stdoutIsTTY: isTerminal(1),
  stderrIsTTY: isTerminal(2),
  env: process.env,
  readStdin,
  // dist/lvsc.cjs: the package is dist's parent
  packageRoot: dirname(__dirname),
  ...(process.env["LVSC_STOP_AT"] !== undefined ? { stopAt: process.env["LVSC_STOP_AT"] } : {}),
}).then((code) => {
  process.exitCode = code;
});
