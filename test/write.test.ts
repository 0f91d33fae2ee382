// Output as one set: a reader of the directory sees the old set or the new one, never a mix,
// whatever happens to the writer. Real `lvsc` processes are stopped at each step of a write and
// killed there (SIGKILL), or interrupted (SIGINT, SIGTERM); a directory is locked against a
// second run; nothing lvsc did not write is overwritten, and no link below DIR is followed.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main, type Io } from "../src/cli.js";
import { writeAll, WriteError, writeOutput, type OutputEntry } from "../src/write.js";
import { EXAMPLES, ROOT } from "./helpers.js";

const CLI = join(ROOT, "dist/cli.cjs");
const DR = join(EXAMPLES, "lvs_dr.conf");
const NAT = join(EXAMPLES, "lvs_nat.conf");

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "lvsc-write-"));
}

async function lvsc(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdoutIsTTY: false, stderrIsTTY: false, env: {} };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** What a reader sees at each path: the file's text through any link, or null when absent. */
function view(dir: string, paths: readonly string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const p of paths) {
    try {
      out[p] = readFileSync(join(dir, p), "utf8");
    } catch {
      out[p] = null;
    }
  }
  return out;
}

/** The files `lvsc compile CONF` writes, by a clean run into a fresh directory. */
async function setOf(conf: string): Promise<Record<string, string>> {
  const d = join(tmp(), "out");
  expect((await lvsc(["compile", conf, "-o", d])).code).toBe(0);
  return Object.fromEntries(readdirSync(d).filter((f) => !f.startsWith(".")).map((f) => [f, readFileSync(join(d, f), "utf8")]));
}

/** Which of the two sets a reader sees; fails on a mix. */
function whichSet(dir: string, old: Record<string, string>, next: Record<string, string>): "old" | "new" {
  const paths = [...new Set([...Object.keys(old), ...Object.keys(next)])].sort();
  const seen = view(dir, paths);
  const full = (s: Record<string, string>) => Object.fromEntries(paths.map((p) => [p, s[p] ?? null]));
  if (JSON.stringify(seen) === JSON.stringify(full(old))) return "old";
  if (JSON.stringify(seen) === JSON.stringify(full(next))) return "new";
  const mixed = paths.filter((p) => seen[p] !== full(old)[p]).join(", ");
  throw new Error(`a reader sees a mix: ${mixed} differ from the old set and ${paths.filter((p) => seen[p] !== full(next)[p]).join(", ")} from the new one`);
}

/** Nothing of a run remains but the set readers see and the one before it. */
function expectClean(dir: string, expected: Record<string, string>): void {
  const store = readdirSync(join(dir, ".lvsc")).sort();
  expect(store.filter((n) => !/^\d+$/.test(n))).toEqual(["current"]);
  expect(store.filter((n) => /^\d+$/.test(n)).length).toBeLessThanOrEqual(2);
  const names = readdirSync(dir).filter((n) => n !== ".lvsc").sort();
  expect(names).toEqual(Object.keys(expected).sort());
  for (const n of names) expect(readlinkSync(join(dir, n))).toBe(`.lvsc/current/${n}`);
}

/** `lvsc compile CONF -o DIR` in a child process that stops itself (SIGSTOP) at `point`. */
async function stoppedAt(conf: string, dir: string, point: string, extra: string[] = []): Promise<{ child: ChildProcess; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, "compile", conf, "-o", dir, ...extra], { env: { ...process.env, LVSC_STOP_AT: point }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal !== null ? -1 : code)));
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (b: Buffer) => {
      stderr += b.toString();
      if (stderr.includes(`stopped at ${point}\n`)) resolve();
    });
    void exit.then((c) => reject(new Error(`lvsc exited ${c} before ${point}: ${stderr}`)));
  });
  // the child announces the stop, then stops: wait until it has
  for (let i = 0; i < 200; i++) {
    const state = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]![0];
    if (state === "T" || state === "t") return { child, exit };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`lvsc did not stop at ${point}`);
}

let DR_SET: Record<string, string>;
let NAT_SET: Record<string, string>;

beforeAll(async () => {
  DR_SET = await setOf(DR);
  NAT_SET = await setOf(NAT);
});

describe("a write killed or interrupted at each step", () => {
  // DR -> NAT: rc.lvs_nat is new (a link to add), rc.lvs_dr, rc.local.lvs_dr and
  // 90-lvs-realserver.conf go (links to remove), the rest change
  const POINTS = ["locked", "written", "linked:0", "committed", "removed:0", "removed:1", "removed:2", "cleaned"];

  it.each(POINTS)("SIGKILL at %s: a reader sees the old set or the new one, and the next run finishes the job", async (point) => {
    const dir = join(tmp(), "out");
    expect((await lvsc(["compile", DR, "-o", dir])).code).toBe(0);
    const { child, exit } = await stoppedAt(NAT, dir, point);
    const during = whichSet(dir, DR_SET, NAT_SET);
    expect(during).toBe(POINTS.indexOf(point) < POINTS.indexOf("committed") ? "old" : "new");
    child.kill("SIGKILL");
    await exit;
    expect(whichSet(dir, DR_SET, NAT_SET)).toBe(during);
    // the killed run's lock and leftovers do not stop the next one, which removes them
    const again = await lvsc(["compile", NAT, "-o", dir]);
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(whichSet(dir, DR_SET, NAT_SET)).toBe("new");
    expectClean(dir, NAT_SET);
  });

  it.each([
    ["SIGTERM", "written", 143],
    ["SIGINT", "written", 130],
    ["SIGTERM", "linked:0", 143],
    ["SIGINT", "locked", 130],
    ["SIGHUP", "linked:0", 129],
  ] as const)("%s at %s (before the commit) rolls back: the old set, no lock, no leftovers", async (signal, point, code) => {
    const dir = join(tmp(), "out");
    expect((await lvsc(["compile", DR, "-o", dir])).code).toBe(0);
    const { child, exit } = await stoppedAt(NAT, dir, point);
    child.kill(signal);
    child.kill("SIGCONT");
    expect(await exit).toBe(code);
    expect(whichSet(dir, DR_SET, NAT_SET)).toBe("old");
    expectClean(dir, DR_SET);
  });

  it.each(["committed", "removed:1"])("SIGTERM at %s (after the commit): the write completes", async (point) => {
    const dir = join(tmp(), "out");
    expect((await lvsc(["compile", DR, "-o", dir])).code).toBe(0);
    const { child, exit } = await stoppedAt(NAT, dir, point);
    child.kill("SIGTERM");
    child.kill("SIGCONT");
    expect(await exit).toBe(0);
    expectClean(dir, NAT_SET);
  });

  it.each(["written", "adopted:0", "adopted:4", "adopted:7", "linked:0", "committed", "removed:0"])(
    "over an older lvsc's plain files: SIGKILL at %s leaves the old bytes or the new ones",
    async (point) => {
      const dir = join(tmp(), "out");
      mkdirSync(dir);
      // the per-file writer's layout: plain files (ipvsadm.rules has no header: --force)
      for (const [f, text] of Object.entries(DR_SET)) writeFileSync(join(dir, f), text);
      const { child, exit } = await stoppedAt(NAT, dir, point, ["--force"]);
      expect(whichSet(dir, DR_SET, NAT_SET)).toBe(["committed", "removed:0"].includes(point) ? "new" : "old");
      child.kill("SIGKILL");
      await exit;
      expect(["old", "new"]).toContain(whichSet(dir, DR_SET, NAT_SET));
      expect((await lvsc(["compile", NAT, "-o", dir, "--force"])).code).toBe(0);
      expectClean(dir, NAT_SET);
    },
  );
});

describe("SIGKILL at random moments", () => {
  it("never leaves a mix (15 writes killed anywhere from start-up to the end)", async () => {
    const t0 = performance.now();
    expect((await lvsc(["compile", NAT, "-o", join(tmp(), "timing")])).code).toBe(0);
    const spawned = spawnSync(process.execPath, [CLI, "compile", NAT, "-o", join(tmp(), "timing2")]);
    expect(spawned.status).toBe(0);
    const whole = Math.max(50, performance.now() - t0);
    const seen = { old: 0, new: 0 };
    for (let i = 0; i < 15; i++) {
      const dir = join(tmp(), "out");
      expect((await lvsc(["compile", DR, "-o", dir])).code).toBe(0);
      const child = spawn(process.execPath, [CLI, "compile", NAT, "-o", dir], { stdio: "ignore" });
      const exit = new Promise((r) => child.on("exit", r));
      await new Promise((r) => setTimeout(r, (whole / 2) * (0.2 + (1.4 * i) / 15)));
      child.kill("SIGKILL");
      await exit;
      seen[whichSet(dir, DR_SET, NAT_SET)]++;
    }
    expect(seen.old + seen.new).toBe(15);
  }, 180_000);
});

describe("adopting files an older lvsc wrote", () => {
  it("replaces regular files with lvsc's header without --force, and refuses one without it", async () => {
    const dir = join(tmp(), "out");
    mkdirSync(dir);
    for (const [f, text] of Object.entries(DR_SET)) writeFileSync(join(dir, f), f === "ipvsadm.rules" ? "# mine\n" : text.replace("0755", "x"));
    const refused = await lvsc(["compile", DR, "-o", dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${join(dir, "ipvsadm.rules")} was not written by lvsc`);
    expect(readFileSync(join(dir, "ipvsadm.rules"), "utf8")).toBe("# mine\n");
    const forced = await lvsc(["compile", DR, "-o", dir, "--force"]);
    expect(forced.code).toBe(0);
    expectClean(dir, DR_SET);
    expect(view(dir, Object.keys(DR_SET))).toEqual(DR_SET);
  });
});

describe("leftovers", () => {
  it("the per-file writer's .tmp and .bak files, and a killed run's staging set, are removed by the next run", async () => {
    const dir = join(tmp(), "out");
    expect((await lvsc(["compile", DR, "-o", dir])).code).toBe(0);
    writeFileSync(join(dir, ".rc.lvs_dr.lvsc-4242-0123abcd.tmp"), "half\n");
    writeFileSync(join(dir, ".exports.lvsc-4242-0123abcd.bak"), "old\n");
    mkdirSync(join(dir, ".lvsc", "new"));
    writeFileSync(join(dir, ".lvsc", "new", "rc.lvs_dr"), "half\n");
    mkdirSync(join(dir, ".lvsc", "9"));
    expect((await lvsc(["compile", DR, "-o", dir])).code).toBe(0);
    expectClean(dir, DR_SET);
  });
});

describe("the lock", () => {
  it("a second run into a directory being written exits 2 and changes nothing; the first completes", async () => {
    const dir = join(tmp(), "out");
    expect((await lvsc(["compile", DR, "-o", dir])).code).toBe(0);
    const { child, exit } = await stoppedAt(NAT, dir, "written");
    const second = await lvsc(["compile", DR, "-o", dir, "--target", "rc"]);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`is being written by another lvsc (pid ${child.pid} on ${hostname()})`);
    child.kill("SIGCONT");
    expect(await exit).toBe(0);
    expectClean(dir, NAT_SET);
  });

  it("a run that finds no .lvsc and then sees another lvsc make it goes on and writes its set (no EEXIST failure)", async () => {
    const dir = join(tmp(), "out");
    // the first run has seen that DIR/.lvsc is missing and stops before its mkdir
    const { child, exit } = await stoppedAt(NAT, dir, "store-missing");
    expect((await lvsc(["compile", DR, "-o", dir])).code).toBe(0);
    child.kill("SIGCONT");
    expect(await exit).toBe(0);
    expectClean(dir, NAT_SET);
  });

  it("two runs started together: each exits 0 or says the directory is locked, and the directory holds one conf's set", async () => {
    for (let round = 0; round < 3; round++) {
      const dir = join(tmp(), "out");
      const run = (conf: string) =>
        new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const c = spawn(process.execPath, [CLI, "compile", conf, "-o", dir], { stdio: ["ignore", "ignore", "pipe"] });
          let stderr = "";
          c.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
          c.on("exit", (code) => resolve({ code, stderr }));
        });
      const [a, b] = await Promise.all([run(DR), run(NAT)]);
      for (const r of [a, b]) if (r.code !== 0) expect([r.code, r.stderr]).toEqual([2, expect.stringContaining("is being written by another lvsc")]);
      expect(a.code === 0 || b.code === 0).toBe(true);
      const seen = whichSet(dir, DR_SET, NAT_SET);
      expectClean(dir, seen === "old" ? DR_SET : NAT_SET);
    }
  });

  it("a lock held by a live process is respected, one from another host names the file to remove", async () => {
    const dir = join(tmp(), "out");
    expect((await lvsc(["compile", DR, "-o", dir])).code).toBe(0);
    const start = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ")[19];
    writeFileSync(join(dir, ".lvsc", "lock"), `${process.pid} ${hostname()} ${start}\n`);
    expect((await lvsc(["compile", NAT, "-o", dir])).stderr).toContain(`another lvsc (pid ${process.pid}`);
    writeFileSync(join(dir, ".lvsc", "lock"), `4242 elsewhere.example 1\n`);
    const r = await lvsc(["compile", NAT, "-o", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`locked by pid 4242 on elsewhere.example, which lvsc cannot check from here; if no lvsc runs there, remove ${join(dir, ".lvsc", "lock")}`);
    expect(whichSet(dir, DR_SET, NAT_SET)).toBe("old");
  });
});

describe("never writing through a link, never over a file lvsc did not write", () => {
  it("refuses a file it did not write, naming it, and replaces it with --force", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "exports"), "/srv/home 10.0.0.0/8(rw)\n");
    const r = await lvsc(["compile", DR, "-o", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`lvsc: ${join(dir, "exports")} was not written by lvsc (no "Generated by lvsc" header); lvsc never overwrites a file it did not write: move it away, or replace it with --force`);
    expect(readFileSync(join(dir, "exports"), "utf8")).toBe("/srv/home 10.0.0.0/8(rw)\n");
    expect(readdirSync(dir).filter((f) => !f.startsWith(".")).sort()).toEqual(["exports"]);
    expect((await lvsc(["compile", DR, "-o", dir, "--force"])).code).toBe(0);
    expect(readFileSync(join(dir, "exports"), "utf8")).toBe(DR_SET["exports"]);
  });

  it("a symbolic link at a file's path: refused, and with --force the link itself is replaced, never its target", async () => {
    const dir = join(tmp(), "out");
    mkdirSync(dir);
    const victim = join(dir, "..", "victim");
    writeFileSync(victim, "precious\n");
    symlinkSync(victim, join(dir, "rc.lvs_dr"));
    const r = await lvsc(["compile", DR, "-o", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, "rc.lvs_dr")} is a symbolic link lvsc did not make (to ${victim}); lvsc never writes through one`);
    expect((await lvsc(["compile", DR, "-o", dir, "--force"])).code).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(readlinkSync(join(dir, "rc.lvs_dr"))).toBe(".lvsc/current/rc.lvs_dr");
  });

  it("variants never follows a symbolic link below DIR (DIR/tun -> another directory)", async () => {
    const base = tmp();
    const fakeetc = join(base, "fakeetc");
    mkdirSync(fakeetc);
    writeFileSync(join(fakeetc, "hosts"), "127.0.0.1 localhost\n");
    writeFileSync(join(fakeetc, "exports"), "/srv 10.0.0.0/8(rw)\n");
    const out = join(base, "vout");
    mkdirSync(out);
    symlinkSync(fakeetc, join(out, "tun"));
    const r = await lvsc(["variants", DR, "-o", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(out, "tun")} is a symbolic link (to ${fakeetc}); lvsc never writes through a link below the output directory`);
    expect(readdirSync(fakeetc).sort()).toEqual(["exports", "hosts"]);
    expect(readFileSync(join(fakeetc, "hosts"), "utf8")).toBe("127.0.0.1 localhost\n");
    expect(existsSync(join(out, "dr"))).toBe(false);
    // --force replaces the link itself with a directory; the directory it named is untouched
    expect((await lvsc(["variants", DR, "-o", out, "--force"])).code).toBe(0);
    expect(lstatSync(join(out, "tun")).isDirectory()).toBe(true);
    expect(readFileSync(join(fakeetc, "exports"), "utf8")).toBe("/srv 10.0.0.0/8(rw)\n");
    expect(readFileSync(join(out, "tun", "rc.lvs_tun"), "utf8")).toContain("#!/bin/sh");
  });

  it("variants refuses a link below DIR/dr too (DIR/dr/hosts -> a file elsewhere)", async () => {
    const base = tmp();
    const out = join(base, "vout");
    mkdirSync(join(out, "dr"), { recursive: true });
    writeFileSync(join(base, "precious"), "x\n");
    symlinkSync(join(base, "precious"), join(out, "dr", "hosts"));
    const r = await lvsc(["variants", DR, "-o", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(out, "dr", "hosts")} is a symbolic link lvsc did not make`);
    expect(readFileSync(join(base, "precious"), "utf8")).toBe("x\n");
  });

  it("DIR itself may be a symbolic link: lvsc writes in the directory it names", async () => {
    const base = tmp();
    mkdirSync(join(base, "real"));
    symlinkSync(join(base, "real"), join(base, "lvs"));
    expect((await lvsc(["compile", DR, "-o", join(base, "lvs")])).code).toBe(0);
    expect(lstatSync(join(base, "lvs")).isSymbolicLink()).toBe(true);
    expectClean(join(base, "real"), DR_SET);
  });

  it("a run replaces the files of the targets it writes and keeps the others", async () => {
    const dir = join(tmp(), "out");
    expect((await lvsc(["compile", DR, "-o", dir])).code).toBe(0);
    const r = await lvsc(["compile", NAT, "-o", dir, "--target", "rc,keepalived"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`removed ${join(dir, "rc.lvs_dr")}`);
    const expected = { ...DR_SET, "rc.lvs_nat": NAT_SET["rc.lvs_nat"]!, "keepalived.conf": NAT_SET["keepalived.conf"]! };
    delete (expected as Record<string, string>)["rc.lvs_dr"];
    expectClean(dir, expected);
    expect(view(dir, Object.keys(expected))).toEqual(expected);
  });
});

describe("writeAll", () => {
  const FILES = [
    { path: "rc.lvs_dr", contents: "new script\n", mode: 0o755 },
    { path: "exports", contents: "new exports\n", mode: 0o644 },
    { path: "ipvsadm.rules", contents: "new rules\n", mode: 0o644 },
  ];

  it("writes every file with its mode, and directories NFS clients can read, whatever the umask", async () => {
    const d = tmp();
    const old = process.umask(0o077);
    try {
      await writeAll(d, FILES);
    } finally {
      process.umask(old);
    }
    expect(readdirSync(d).sort()).toEqual([".lvsc", "exports", "ipvsadm.rules", "rc.lvs_dr"]);
    expect(statSync(join(d, "rc.lvs_dr")).mode & 0o777).toBe(0o755);
    expect(statSync(join(d, "exports")).mode & 0o777).toBe(0o644);
    expect(statSync(join(d, ".lvsc")).mode & 0o777).toBe(0o755);
    expect(statSync(join(d, ".lvsc", "current")).mode & 0o777).toBe(0o755);
  });

  it("makes DIR and the directories it creates above it 0755 whatever the umask (NFS clients must reach the files), through a descriptor", async () => {
    const d = tmp();
    const old = process.umask(0o077);
    try {
      await writeAll(join(d, "a", "b"), FILES);
    } finally {
      process.umask(old);
    }
    for (const p of ["a", "a/b", "a/b/.lvsc", "a/b/.lvsc/1"]) expect([p, statSync(join(d, p)).mode & 0o7777]).toEqual([p, 0o755]);
  });

  it("leaves the old set when a step fails part way", async () => {
    const d = tmp();
    await writeAll(d, FILES);
    const next = FILES.map((f) => ({ ...f, contents: f.contents.replace("new", "newer") }));
    const failing = { at: (p: string) => { if (p === "written") throw new Error("disk on fire"); } };
    await expect(writeAll(d, [...next, { path: "extra", contents: "x\n", mode: 0o644 }], { hooks: failing })).rejects.toThrow("disk on fire");
    expect(view(d, ["rc.lvs_dr", "exports", "ipvsadm.rules", "extra"])).toEqual({ "rc.lvs_dr": "new script\n", exports: "new exports\n", "ipvsadm.rules": "new rules\n", extra: null });
    expect(readdirSync(join(d, ".lvsc")).sort()).toEqual(["1", "current"]);
  });

  it("asks for each file only when the one before is written (so only one is ever held)", async () => {
    const log: string[] = [];
    function* entries(): Generator<OutputEntry> {
      for (const n of ["a", "b", "c"]) {
        log.push(`plan ${n}`);
        yield {
          path: n,
          mode: 0o644,
          target: n,
          *chunks() {
            log.push(`render ${n}`);
            yield `${n}\n`;
          },
        };
      }
    }
    await writeOutput(tmp(), entries(), { owns: { groups: [""], targets: ["a", "b", "c"] } });
    expect(log).toEqual(["plan a", "render a", "plan b", "render b", "plan c", "render c"]);
  });

  it("refuses names that would leave the output directory", async () => {
    const d = tmp();
    for (const path of ["../x", "a/b", "..", ".hidden", ""]) await expect(writeAll(d, [{ path, contents: "", mode: 0o644 }])).rejects.toBeInstanceOf(WriteError);
    expect(readdirSync(d).filter((f) => f !== ".lvsc")).toEqual([]);
  });

  it("leaves no temporary file behind, and keeps one previous set", async () => {
    const d = tmp();
    for (let i = 0; i < 4; i++) await writeAll(d, FILES.map((f) => ({ ...f, contents: `${i}\n` })));
    expect(readdirSync(d).sort()).toEqual([".lvsc", "exports", "ipvsadm.rules", "rc.lvs_dr"]);
    expect(readdirSync(join(d, ".lvsc")).sort()).toEqual(["3", "4", "current"]);
    expect(readlinkSync(join(d, ".lvsc", "current"))).toBe("4");
  });
});

describe("nothing changed, nothing written (issue 16.1)", () => {
  it("a second compile of the same conf writes no new set and says unchanged per file", async () => {
    const dir = join(tmp(), "out");
    expect((await lvsc(["compile", DR, "-o", dir])).code).toBe(0);
    const store = readdirSync(join(dir, ".lvsc")).sort();
    const current = readlinkSync(join(dir, ".lvsc", "current"));
    const r = await lvsc(["compile", DR, "-o", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l !== "").sort()).toEqual(Object.keys(DR_SET).sort().map((f) => `unchanged ${join(dir, f)}`));
    expect(readdirSync(join(dir, ".lvsc")).sort()).toEqual(store);
    expect(readlinkSync(join(dir, ".lvsc", "current"))).toBe(current);
    expectClean(dir, DR_SET);
  });

  it("when some files change: wrote for those, unchanged for the rest, in a new set", async () => {
    const dir = join(tmp(), "out");
    expect((await lvsc(["compile", DR, "-o", dir])).code).toBe(0);
    const r = await lvsc(["compile", DR, "-o", dir, "--arp", "hidden"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n").filter((l) => l !== "");
    expect(lines.filter((l) => l.startsWith("wrote "))).toEqual([`wrote ${join(dir, "rc.local.lvs_dr")} (0644)`]);
    expect(lines.filter((l) => l.startsWith("unchanged ")).length).toBe(Object.keys(DR_SET).length - 1);
    expect(readlinkSync(join(dir, ".lvsc", "current"))).toBe("2");
  });

  it("the same bytes with another mode, or an owned file to remove, is a change", async () => {
    const d = tmp();
    await writeAll(d, [{ path: "a", contents: "x\n", mode: 0o644 }, { path: "b", contents: "y\n", mode: 0o644 }]);
    const mode = await writeAll(d, [{ path: "a", contents: "x\n", mode: 0o755 }, { path: "b", contents: "y\n", mode: 0o644 }]);
    expect(mode.written.map((w) => [w.path, w.changed])).toEqual([["a", true], ["b", false]]);
    expect(readlinkSync(join(d, ".lvsc", "current"))).toBe("2");
    const gone = await writeAll(d, [{ path: "a", contents: "x\n", mode: 0o755 }], { owns: { groups: [""], targets: ["a", "b"] } });
    expect(gone.removed).toEqual(["b"]);
    expect(readlinkSync(join(d, ".lvsc", "current"))).toBe("3");
    const same = await writeAll(d, [{ path: "a", contents: "x\n", mode: 0o755 }], { owns: { groups: [""], targets: ["a", "b"] } });
    expect(same).toMatchObject({ written: [{ path: "a", changed: false }], removed: [] });
    expect(readlinkSync(join(d, ".lvsc", "current"))).toBe("3");
  });

  it("compares while streaming: a file that differs only in its last chunk, or is longer or shorter, is a change", async () => {
    const d = tmp();
    const big = "x".repeat(3 * 1024 * 1024);
    const entry = (tail: string): OutputEntry => ({ path: "f", mode: 0o644, target: "f", chunks: () => [big, big, tail] });
    await writeOutput(d, [entry("end\n")], { owns: { groups: [""], targets: ["f"] } });
    for (const [tail, changed] of [["end\n", false], ["enD\n", true], ["enD\n", false], ["enD\nmore", true], ["enD", true]] as const) {
      const r = await writeOutput(d, [entry(tail)], { owns: { groups: [""], targets: ["f"] } });
      expect([tail, r.written[0]!.changed]).toEqual([tail, changed]);
      expect(readFileSync(join(d, "f"), "utf8").endsWith(tail)).toBe(true);
    }
  });
});

describe("a refused or failed write leaves nothing behind (issue 16.3)", () => {
  it("a conflict with a user's file leaves no DIR/.lvsc", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "exports"), "/srv/home 10.0.0.0/8(rw)\n");
    expect((await lvsc(["compile", DR, "-o", dir])).code).toBe(2);
    expect(readdirSync(dir)).toEqual(["exports"]);
  });

  it("a DIR the run created is removed again", async () => {
    const d = tmp();
    await expect(writeAll(join(d, "a", "b"), [{ path: "../x", contents: "", mode: 0o644 }])).rejects.toBeInstanceOf(WriteError);
    expect(readdirSync(d)).toEqual([]);
    const base = tmp();
    writeFileSync(join(base, "exports"), "mine\n");
    // variants: DIR/dr is made, then DIR/nat/... conflicts
    mkdirSync(join(base, "nat"));
    writeFileSync(join(base, "nat", "exports"), "mine\n");
    expect((await lvsc(["variants", DR, "-o", base])).code).toBe(2);
    expect(readdirSync(base).sort()).toEqual(["exports", "nat"]);
    expect(readdirSync(join(base, "nat"))).toEqual(["exports"]);
  });
});
