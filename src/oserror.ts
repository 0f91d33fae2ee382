// The operating system's reason for a failed call, as people read it: "read-only file system (EROFS)".

import { getSystemErrorMap } from "node:util";

export function osReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (typeof err.errno === "number") {
    const known = getSystemErrorMap().get(err.errno);
    if (known !== undefined) return `${known[1]} (${known[0]})`;
  }
  if (err.code !== undefined) return `${err.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "")} (${err.code})`;
  return String(err.message ?? e);
}
