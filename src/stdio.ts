// The executable's output: straight to the file descriptor, falling back to Node's stream only when
// the descriptor is a full non-blocking pipe. Used by bin.ts alone.
import { fstatSync, statSync, writeSync } from "node:fs";

/**
 * A writer for fd 1 or 2. `process.stdout` and `process.stderr` are streams whose creation loads
 * Node's stream modules, ~3 ms each at every start, and lint writes one short report. When the
 * descriptor is a non-blocking pipe that is full (EAGAIN: a parent shared its own non-blocking pipe),
 * the rest of the output, and everything after it, goes through Node's stream, which waits for the
 * reader; the order is kept. A reader that is gone (EPIPE, `lvsc lint … | head`) ends the process
 * quietly, as it did with the stream.
 */
export function fdWriter(
  fd: number,
  stream: () => NodeJS.WritableStream,
  write: (fd: number, buffer: Uint8Array, offset: number) => number = writeSync,
  exit: (code: number) => void = (code) => process.exit(code),
): (s: string) => void {
  let out: NodeJS.WritableStream | undefined;
  const quit = () => exit(typeof process.exitCode === "number" ? process.exitCode : 0);
  return (s) => {
    if (out !== undefined) {
      out.write(s);
      return;
    }
    const bytes = Buffer.from(s, "utf8");
    let done = 0;
    try {
      while (done < bytes.length) done += write(fd, bytes, done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EPIPE") return quit();
      if (code !== "EAGAIN") throw e;
      out = stream();
      out.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code === "EPIPE") return quit();
        throw err;
      });
      out.write(bytes.subarray(done));
    }
  };
}

/**
 * Whether fd is a terminal, without loading Node's tty module (which loads its net and stream
 * modules: ~4 ms) unless fd is a character device other than /dev/null: output to a file, a pipe
 * or /dev/null, as in CI and in benchmarks, never needs it.
 */
export function isTerminal(fd: number, tty: () => { isatty(fd: number): boolean } = () => require("node:tty") as typeof import("node:tty")): boolean {
  let st;
  try {
    st = fstatSync(fd);
  } catch {
    return false; // closed
  }
  if (!st.isCharacterDevice()) return false;
  try {
    if (st.rdev === statSync("/dev/null").rdev) return false;
  } catch {}
  return tty().isatty(fd);
}
