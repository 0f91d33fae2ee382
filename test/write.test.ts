// Atomic output: all files or none, even when a write fails half way.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeAll, WriteError } from "../src/write.js";

const FILES = [
  { path: "rc.lvs_dr", contents: "new script\n", mode: 0o755 },
  { path: "exports", contents: "new exports\n", mode: 0o644 },
  { path: "ipvsadm.rules", contents: "new rules\n", mode: 0o644 },
];

function dir(): string {
  return mkdtempSync(join(tmpdir(), "lvsc-write-"));
}

describe("writeAll", () => {
  it("writes every file with its mode, whatever the umask", async () => {
    const d = dir();
    const old = process.umask(0o077);
    try {
      await writeAll(d, FILES);
    } finally {
      process.umask(old);
    }
    expect(readdirSync(d).sort()).toEqual(["exports", "ipvsadm.rules", "rc.lvs_dr"]);
    expect(statSync(join(d, "rc.lvs_dr")).mode & 0o777).toBe(0o755);
    expect(statSync(join(d, "exports")).mode & 0o777).toBe(0o644);
  });

  it("puts every file back when a rename fails part way", async () => {
    const d = dir();
    writeFileSync(join(d, "rc.lvs_dr"), "old script\n");
    writeFileSync(join(d, "exports"), "old exports\n");
    const failOnThird = { beforeRename: (_t: string, i: number) => { if (i === 2) throw new Error("disk on fire"); } };
    await expect(writeAll(d, FILES, { hooks: failOnThird })).rejects.toBeInstanceOf(WriteError);
    expect(readdirSync(d).sort()).toEqual(["exports", "rc.lvs_dr"]);
    expect(readFileSync(join(d, "rc.lvs_dr"), "utf8")).toBe("old script\n");
    expect(readFileSync(join(d, "exports"), "utf8")).toBe("old exports\n");
  });

  it("refuses names that would leave the output directory", async () => {
    const d = dir();
    for (const path of ["../x", "a/b", "..", ".hidden"])
      await expect(writeAll(d, [{ path, contents: "", mode: 0o644 }])).rejects.toBeInstanceOf(WriteError);
    expect(readdirSync(d)).toEqual([]);
  });

  it("leaves no temporary file behind", async () => {
    const d = dir();
    await writeAll(d, FILES);
    await writeAll(d, FILES);
    expect(readdirSync(d).filter((f) => f.startsWith("."))).toEqual([]);
  });
});
