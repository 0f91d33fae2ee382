// Root against a local attacker (issue 17, the writer's part): root's lvsc writes only below
// directories that no one but root and the user running it can change, as ssh's StrictModes and
// sudo require of their files. Each exploit is run for real: the directory is prepared by an
// unprivileged user (uid 65534), whose steps run as that user (setpriv), and the races are made
// deterministic with a FIFO at DIR/.lvsc/lock that blocks the victim until the attacker has
// made its move. No step waits on the clock.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES, ROOT } from "./helpers.js";

const CLI = join(ROOT, "dist/cli.cjs");
const DR = join(EXAMPLES, "lvs_dr.conf");
const NOBODY = 65534;
/** A pid no process can have (pid_max is at most 2^22): a lock naming it is stale. */
const DEAD_PID = 4194304;

const root = process.geteuid?.() === 0;
const setpriv = spawnSync("setpriv", ["--version"]).status === 0;
const needs = !root ? "needs root (the victim is root's lvsc)" : !setpriv ? "needs setpriv (util-linux) to run the attacker's steps as uid 65534" : undefined;

/** A directory everyone may enter (the attacker must reach its own directory below it), owned by root. */
function base(): string {
  const d = mkdtempSync(join(tmpdir(), "lvsc-attack-"));
  chmodSync(d, 0o755);
  return d;
}

/** A directory of the attacker's. */
function userDir(path: string): string {
  mkdirSync(path);
  chownSync(path, NOBODY, NOBODY);
  return path;
}

/** A Node script run as uid 65534, with no supplementary groups. */
function asNobody(script: string): ChildProcess {
  return spawn("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, "-e", script], { stdio: ["ignore", "ignore", "pipe"] });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on("exit", (code) => resolve(code));
  });
}

/** Root's lvsc compile, in a child process. */
async function victim(dir: string, extra: string[] = []): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [CLI, "compile", DR, "-o", dir, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
  child.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
  const code = await exited(child);
  return { code, stderr, stdout };
}

/** Everything below `dir`, with each entry's type, owner and mode: to show that nothing was touched. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const n of readdirSync(d).sort()) {
      const st = lstatSync(join(d, n));
      out.push(`${rel}${n} ${st.isDirectory() ? "d" : st.isSymbolicLink() ? "l" : st.isFIFO() ? "p" : "f"} ${st.uid} ${(st.mode & 0o7777).toString(8)} ${st.nlink}`);
      if (st.isDirectory()) walk(join(d, n), `${rel}${n}/`);
    }
  };
  walk(dir, "");
  return out;
}

describe.skipIf(needs !== undefined)("a directory the attacker owns or prepared", () => {
  it("the FIFO at .lvsc/lock, the swap of .lvsc for a link and a stale lock line: root never follows it into the victim directory", async () => {
    const b = base();
    // the victim: a root-owned directory with sets of its own (think /var/lib/something)
    const target = join(b, "victim");
    mkdirSync(join(target, "15"), { recursive: true });
    mkdirSync(join(target, "new"));
    writeFileSync(join(target, "15", "precious"), "root's\n");
    writeFileSync(join(target, "new", "precious"), "root's too\n");
    const before = tree(target);
    // the attacker's DIR, its .lvsc and a FIFO where the lock goes
    const dir = userDir(join(b, "out"));
    const att = userDir(join(b, "att"));
    const store = join(dir, ".lvsc");
    expect(spawnSync("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "sh", "-c", 'mkdir "$1" && mkfifo "$1/lock"', "sh", store]).status).toBe(0);
    // the attacker blocks until root opens the lock to read it, then swaps .lvsc and feeds it a stale line
    const attacker = asNobody(`
      const fs = require("fs"), os = require("os");
      const fd = fs.openSync(${JSON.stringify(join(store, "lock"))}, "w");
      fs.writeFileSync(${JSON.stringify(join(att, "opened"))}, "");
      fs.renameSync(${JSON.stringify(store)}, ${JSON.stringify(store + ".old")});
      fs.symlinkSync(${JSON.stringify(target)}, ${JSON.stringify(store)});
      fs.writeSync(fd, "${DEAD_PID} " + os.hostname() + " 1\\n");
      fs.closeSync(fd);
    `);
    const r = await victim(dir);
    attacker.kill("SIGKILL"); // still blocked in open(2) when root never opened the FIFO
    await exited(attacker);
    // root's lvsc refused the directory, named its owner and mode, and never opened the FIFO
    expect(tree(target)).toEqual(before);
    expect(existsSync(join(att, "opened"))).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dir} is owned by uid ${NOBODY}`);
    expect(r.stderr).toContain("mode 0755");
    expect(lstatSync(join(store, "lock")).isFIFO()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([".lvsc"]);
  });

  it("a manifest in the attacker's store (current -> its set, a group directory linked to a root-only one): root hard-links nothing", async () => {
    const b = base();
    const secrets = join(b, "secrets");
    mkdirSync(secrets, { mode: 0o700 });
    writeFileSync(join(secrets, "shadow"), "root:$6$secret\n", { mode: 0o600 });
    const dir = userDir(join(b, "out"));
    const script = `mkdir -p "$1/.lvsc/1" && ln -s 1 "$1/.lvsc/current" && ln -s "$2" "$1/.lvsc/1/dr" && printf '%s' '{"lvsc":1,"files":[{"path":"dr/shadow","target":"conf","mode":420}]}' > "$1/.lvsc/1/.manifest"`;
    expect(spawnSync("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "sh", "-c", script, "sh", dir, secrets]).status).toBe(0);
    const before = tree(dir);
    const r = await victim(dir);
    expect(statSync(join(secrets, "shadow")).nlink).toBe(1);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dir} is owned by uid ${NOBODY}`);
    expect(tree(dir)).toEqual(before);
  });

  it("a root-owned DIR below a directory the attacker owns (/home/user/out): refused, the attacker's directory named", async () => {
    const b = base();
    const home = userDir(join(b, "home"));
    const dir = join(home, "out");
    mkdirSync(dir);
    const r = await victim(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${home} is owned by uid ${NOBODY}`);
    expect(readdirSync(dir)).toEqual([]);
    // and a DIR lvsc would create there: not created
    const r2 = await victim(join(home, "new", "out"));
    expect(r2.code).toBe(2);
    expect(readdirSync(home)).toEqual(["out"]);
  });

  it("DIR given as a link that lives in the attacker's directory: refused, though the link names a root directory", async () => {
    const b = base();
    const real = join(b, "real");
    mkdirSync(real);
    const home = userDir(join(b, "home"));
    symlinkSync(real, join(home, "lvs"));
    const r = await victim(join(home, "lvs"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${home} is owned by uid ${NOBODY}`);
    expect(readdirSync(real)).toEqual([]);
  });
});

describe.skipIf(!root)("modes: no one else may change DIR, DIR/.lvsc or a directory above them", () => {
  it("DIR writable by its group or by others is refused, with the sticky bit too; an ancestor may be sticky (/tmp)", async () => {
    for (const mode of [0o775, 0o757, 0o1777]) {
      const dir = join(base(), "out");
      mkdirSync(dir);
      chmodSync(dir, mode);
      const r = await victim(dir);
      expect([r.code, r.stderr]).toEqual([2, expect.stringContaining(`${dir} is owned by uid 0 (root) with mode ${mode.toString(8).padStart(4, "0")}`)]);
      expect(readdirSync(dir)).toEqual([]);
    }
    // below a sticky, world-writable directory owned by root: allowed
    const sticky = join(base(), "tmp");
    mkdirSync(sticky);
    chmodSync(sticky, 0o1777);
    expect((await victim(join(sticky, "out"))).code).toBe(0);
  });

  it("an ancestor writable by others without the sticky bit is refused", async () => {
    const b = base();
    const open = join(b, "open");
    mkdirSync(open);
    chmodSync(open, 0o777);
    const r = await victim(join(open, "out"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${open} is owned by uid 0 (root) with mode 0777`);
    expect(readdirSync(open)).toEqual([]);
  });

  it("DIR/.lvsc owned by another user, or writable by others, is refused", async () => {
    for (const prepare of [(s: string) => chownSync(s, NOBODY, NOBODY), (s: string) => chmodSync(s, 0o777)]) {
      const dir = join(base(), "out");
      mkdirSync(join(dir, ".lvsc"), { recursive: true });
      prepare(join(dir, ".lvsc"));
      const r = await victim(dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${join(dir, ".lvsc")} is owned by uid`);
      expect(readdirSync(join(dir, ".lvsc"))).toEqual([]);
    }
  });
});

describe.skipIf(!root)("what lvsc reads back from its own store", () => {
  it("a lock that is not a regular file (a FIFO) is refused without being opened", async () => {
    const b = base();
    const dir = join(b, "out");
    mkdirSync(join(dir, ".lvsc"), { recursive: true });
    expect(spawnSync("mkfifo", [join(dir, ".lvsc", "lock")]).status).toBe(0);
    // a writer that gets through open(2) only when someone opens the FIFO to read; it says so first
    const mark = join(b, "opened");
    const writer = spawn(process.execPath, ["-e", `const fs = require("fs"); const fd = fs.openSync(${JSON.stringify(join(dir, ".lvsc", "lock"))}, "w"); fs.writeFileSync(${JSON.stringify(mark)}, ""); fs.closeSync(fd);`], { stdio: "ignore" });
    const r = await victim(dir);
    writer.kill("SIGKILL");
    await exited(writer);
    expect(existsSync(mark)).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, ".lvsc", "lock")} is not a regular file (a FIFO)`);
  });

  it("a manifest entry that leaves the set, or names an unknown target or a strange mode, is refused", async () => {
    for (const entry of [
      { path: "../../outside", target: "conf", mode: 0o644 },
      { path: "dr/../../x", target: "conf", mode: 0o644 },
      { path: ".hidden", target: "conf", mode: 0o644 },
      { path: "notes", target: "no such target", mode: 0o644 },
      { path: "notes", target: "conf", mode: 0o4755 },
      { path: "notes", target: "conf", mode: 0o666 },
    ]) {
      const b = base();
      writeFileSync(join(b, "outside"), "x\n");
      const dir = join(b, "out");
      mkdirSync(join(dir, ".lvsc", "1"), { recursive: true });
      symlinkSync("1", join(dir, ".lvsc", "current"));
      writeFileSync(join(dir, ".lvsc", "1", ".manifest"), JSON.stringify({ lvsc: 1, files: [entry] }));
      const before = tree(b);
      const r = await victim(dir);
      expect([r.code, r.stderr]).toEqual([2, expect.stringContaining(`${join(dir, ".lvsc", "1", ".manifest")} is not a manifest lvsc wrote`)]);
      expect(tree(b)).toEqual(before);
    }
  });

  it("`current` that does not name a set by its number is refused, and no set is removed", async () => {
    const dir = join(base(), "out");
    mkdirSync(join(dir, ".lvsc", "3"), { recursive: true });
    writeFileSync(join(dir, ".lvsc", "3", ".manifest"), JSON.stringify({ lvsc: 1, files: [] }));
    symlinkSync("../../elsewhere", join(dir, ".lvsc", "current"));
    const r = await victim(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, ".lvsc", "current")} is not lvsc's link (it points to ../../elsewhere)`);
    expect(existsSync(join(dir, ".lvsc", "3", ".manifest"))).toBe(true);
  });
});

describe("the writer changes modes only through an open descriptor", () => {
  it("src/write.ts has no chmod, chown or lchown by path (a directory swapped for a link after mkdir must not get its mode)", () => {
    const src = readFileSync(join(ROOT, "src/write.ts"), "utf8");
    expect(src.match(/\b(fsp\.|fs\.)?(l?chmod|l?chown)(Sync)?\(/g) ?? []).toEqual([]);
  });
});
