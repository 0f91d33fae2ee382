// Entry point of the `lvsc` executable (bundled to dist/lvsc.cjs, run by dist/cli.cjs).
import { dirname } from "node:path";
import { main } from "./cli.js";

// `lvsc lint ... | head`: a reader that stops early is not an error worth a stack trace
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });

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
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  env: process.env,
  readStdin,
  // dist/lvsc.cjs: the package is dist's parent
  packageRoot: dirname(__dirname),
  ...(process.env["LVSC_STOP_AT"] !== undefined ? { stopAt: process.env["LVSC_STOP_AT"] } : {}),
}).then((code) => {
  process.exitCode = code;
});
