// Writes lvsc's files into a directory as one set: a reader of the directory sees the old set or
// the new one, never a mix, whatever happens to the writer (SIGKILL included). With compile.ts's
// output jobs, the CLI's only path to the file system for output.
//
// The layout, as Kubernetes' atomic writer does it for configuration volumes:
//
//   DIR/rc.lvs_dr -> .lvsc/current/rc.lvs_dr     each file: a relative symbolic link
//   DIR/dr/rc.lvs_dr -> ../.lvsc/current/dr/...  (variants: one directory level)
//   DIR/.lvsc/current -> 7                       the set readers see
//   DIR/.lvsc/7/                                 that set: files, .manifest (paths, targets, modes)
//   DIR/.lvsc/6/                                 the previous set, kept until the next run
//   DIR/.lvsc/lock                               while a run writes: "pid host start-time"
//
// A run locks DIR, clears what a killed run left, writes the new set into DIR/.lvsc/N+1 (each
// file flushed, with its final mode), adds links for new names (a link whose file is not in the
// current set reads as absent, as in the old set), then renames a new `current` link over the
// old one: the commit, one atomic step. Links of files the new set no longer has are removed
// after it (dangling until then, so absent, as in the new set). DIR itself stays the same
// directory, so an NFS export of it and the real servers' mounts stay valid; links are relative,
// so they resolve on an NFS client at any mount point; the previous set is kept so that a client
// that cached the old `current` a moment ago still finds its files.
//
// Never overwritten without --force: anything at a file's path that lvsc did not write (its own
// link, or a regular file with lvsc's header from before this layout). Never followed: a symbolic
// link below DIR (DIR itself is resolved once, so DIR may be a link to the real directory).
// Regular files from before this layout are first linked into a set of their own, unchanged,
// and replaced by links to it, so that the switch stays one step for them too.
//
// Root runs this, so the path must be one no one else can change (issue 17): before anything
// is made, locked or read, every directory from / down to DIR must be owned by root or the
// running user and not writable by group or others (an ancestor may be sticky, as /tmp; DIR and
// DIR/.lvsc may not), and a symbolic link is followed only from a directory that passed. Below
// that, no component can be swapped, and the later steps may go by path name. Modes are set at
// mkdir or with fchmod on a descriptor, never by path. What lvsc reads back from its store is
// input: a lock that is not a regular file is refused unopened, `current` must name a set by its
// number, manifest entries must be names, targets and modes lvsc writes.
//
// Each file is compared with the current set's file while it is streamed (never held whole):
// when all are the same and nothing is removed, the staged set is dropped and nothing changes.
// A run that writes nothing leaves nothing, not even DIR/.lvsc or a DIR it made. checkOutput
// (--check) runs the same checks and comparisons and writes nothing at all.

import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, openSync, promises as fsp, readFileSync, readSync, writeSync, type Stats } from "node:fs";
import { hostname } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { osReason } from "./oserror.js";

/** One file of the set: `rc.lvs_dr`, or `dr/rc.lvs_dr` in a group directory. */
export interface OutputEntry {
  path: string;
  mode: number;
  /** What writes it: a --target (rc, exports, ...), or conf/hosts for variants. */
  target: string;
  /** Its text in pieces, rendered as they are written. */
  chunks(): Iterable<string>;
}

export interface WriteOptions {
  /**
   * What this run is responsible for: the files of these targets in these group directories
   * ("" is DIR itself). A file of the previous set that this run owns and does not write is
   * removed; one it does not own (another --target, the other command's directories) is kept.
   */
  owns: { groups: readonly string[]; targets: readonly string[] };
  /** Replace files at the output paths that lvsc did not write. */
  force?: boolean;
  /** The conf: never overwritten, even with force. */
  input?: string;
  hooks?: WriteHooks;
}

/** Fault injection: called at each named step, so a test can stop or kill the process there. */
export interface WriteHooks {
  at?(point: string): void | Promise<void>;
}

export interface WriteReport {
  /** Every file of the run; `changed` false: the same bytes and mode as in the set readers saw. */
  written: { path: string; mode: number; changed: boolean }[];
  /** Files of the previous set this run owned and did not write again. */
  removed: string[];
  /** A signal that came after the commit, when the write was complete. */
  lateSignal?: string;
  /** Nothing differed from the set readers see: no new set was written. */
  unchanged?: boolean;
}

/** Nothing was changed; one message per problem (each names its file). */
export class WriteError extends Error {
  constructor(readonly messages: string[]) {
    super(messages.join("\n"));
  }
}

/** SIGINT, SIGTERM or SIGHUP before the commit: everything was rolled back. */
export class Interrupted extends Error {
  constructor(
    readonly signal: NodeJS.Signals,
    readonly number: number,
  ) {
    super(`interrupted by ${signal}`);
  }
}

const STORE = ".lvsc";
/** variants' group directories. */
const GROUPS = ["dr", "nat", "tun"];
/** What writes lvsc's files: compile's --targets, variants' conf and hosts. */
const KNOWN_TARGETS = ["rc", "rc-local", "exports", "rules", "keepalived", "mon", "systemd", "sysctl", "topology", "conf", "hosts"];
const SIGNALS: [NodeJS.Signals, number][] = [
  ["SIGINT", 2],
  ["SIGTERM", 15],
  ["SIGHUP", 1],
];
/** How lvsc's files from before this layout begin (their header, or the variants' conf and hosts). */
const OLD_MARK = /Generated by lvsc |converted from VS_[A-Z]+ to VS_[A-Z]+ by lvsc |as lvsc resolved them/;
/** The targets of lvsc's files from before this layout, by name (variants add the conf and hosts). */
function oldTarget(name: string): string | undefined {
  if (/^rc\.lvs_(dr|nat|tun)$/.test(name)) return "rc";
  if (/^rc\.local\.lvs_(dr|nat|tun)$/.test(name)) return "rc-local";
  if (/^lvs_(dr|nat|tun)\.conf$/.test(name)) return "conf";
  const fixed: Record<string, string> = {
    exports: "exports",
    "ipvsadm.rules": "rules",
    "keepalived.conf": "keepalived",
    "mon.cf": "mon",
    "lvs.service": "systemd",
    "90-lvs-realserver.conf": "sysctl",
    hosts: "hosts",
  };
  return Object.hasOwn(fixed, name) ? fixed[name] : undefined;
}
/** The temporary and backup files of the per-file writer this layout replaced. */
const OLD_LEFTOVER = /^\..+\.lvsc-\d+-[0-9a-f]{8}\.(tmp|bak)$/;

interface ManifestEntry {
  path: string;
  target: string;
  mode: number;
}

const fail = (what: string, path: string, e: unknown) => new WriteError([`${what} ${path}: ${osReason(e)}`]);
const code = (e: unknown) => (e as NodeJS.ErrnoException).code;
const exists = (p: string) => fsp.lstat(p).then(
  () => true,
  () => false,
);

/** The link at `path` that points into the current set. */
export function linkTarget(path: string): string {
  return `${"../".repeat(path.split("/").length - 1)}${STORE}/current/${path}`;
}

function groupOf(path: string): string {
  const i = path.indexOf("/");
  return i === -1 ? "" : path.slice(0, i);
}

/** Writes `files` (in memory) into `dir` as one set, owning their targets. */
export async function writeAll(
  dir: string,
  files: readonly { path: string; contents: string; mode: number; target?: string }[],
  opts: Omit<WriteOptions, "owns"> & { owns?: WriteOptions["owns"] } = {},
): Promise<WriteReport> {
  const entries = files.map((f) => ({ path: f.path, mode: f.mode, target: f.target ?? f.path, chunks: () => [f.contents] }));
  return writeOutput(dir, entries, { owns: opts.owns ?? { groups: [""], targets: entries.map((e) => e.target) }, ...opts });
}

/**
 * Writes `entries` into `dir` as one set that replaces the previous one in one step. The entries
 * are taken one at a time and each is written before the next is asked for, so a caller can
 * build each file's contents only when its turn comes. When every file has the same bytes and
 * mode as in the set readers see (and none would be removed), no new set is written.
 */
export async function writeOutput(dir: string, entries: Iterable<OutputEntry>, opts: WriteOptions): Promise<WriteReport> {
  const made: string[] = [];
  let real: string | undefined;
  let storeMade = false;
  let done = false;
  let signal: NodeJS.Signals | undefined;
  const onSignal = (s: NodeJS.Signals) => {
    signal ??= s;
  };
  for (const [s] of SIGNALS) process.on(s, onSignal);
  try {
    real = (await secureDir(dir, made))!;
    const store = join(real, STORE);
    storeMade = await ensureStore(store, true, opts.hooks);
    const run = new Run(real, store, entries, opts);
    await lock(store);
    try {
      run.interrupted = () => signal;
      const r = await run.go();
      done = true;
      return r;
    } finally {
      if (run.isCommitted) done = true;
      await fsp.unlink(join(store, "lock")).catch(() => undefined);
    }
  } finally {
    for (const [s] of SIGNALS) process.off(s, onSignal);
    // nothing written: nothing left, neither DIR/.lvsc nor the directories this run made
    if (!done) {
      if (storeMade && real !== undefined) await fsp.rmdir(join(real, STORE)).catch(() => undefined);
      for (const d of made.reverse()) await fsp.rmdir(d).catch(() => undefined);
    }
  }
}

/** What a run would do to one file: add it, change it (with a diff), or leave it as it is. */
export interface CheckedFile {
  path: string;
  mode: number;
  status: "add" | "change" | "same";
  /** A unified diff against the file readers see now (headers, hunks): absent when not shown. */
  diff?: string[];
  /** Why there is no diff, or what else changes (the mode, a file taken over). */
  note?: string;
}

export interface CheckReport {
  files: CheckedFile[];
  /** Files of the current set this run owns and would not write again: removed. */
  removed: string[];
}

/** A file larger than this (before or after) is compared, but not held to be diffed. */
export const DIFF_MAX_BYTES = 16 * 1024 * 1024;

/**
 * What `writeOutput` would do, doing none of it: nothing is created, locked or removed. The
 * same checks refuse the same directories and conflicts (a WriteError), and each file is
 * compared, as it is rendered, with the one readers see now through lvsc's links.
 */
export async function checkOutput(dir: string, entries: Iterable<OutputEntry>, opts: Omit<WriteOptions, "hooks">): Promise<CheckReport> {
  const real = await secureDir(dir);
  if (real === undefined) {
    // DIR does not exist yet: every file is new
    const seen = new Set<string>();
    const files: CheckedFile[] = [];
    for (const e of entries) {
      checkName(e.path, opts.owns.groups, seen);
      files.push({ path: e.path, mode: e.mode, status: "add" });
    }
    return { files, removed: [] };
  }
  const store = join(real, STORE);
  const hasStore = (await fsp.lstat(store).catch(() => undefined)) !== undefined;
  if (hasStore) await ensureStore(store, false);
  return new Run(real, store, entries, opts).check(hasStore);
}

/** A name lvsc writes: one or two plain components (a group directory), none hidden, in one of `groups`. */
function plainName(path: string, groups: readonly string[]): boolean {
  const parts = path.split("/");
  return parts.length <= 2 && parts.every((p) => p !== "" && p !== "." && p !== ".." && !p.startsWith(".") && !p.includes("\0")) && groups.includes(parts.length === 2 ? parts[0]! : "");
}

function checkName(path: string, groups: readonly string[], seen: Set<string>): void {
  if (!plainName(path, groups)) throw new WriteError([`refusing to write ${JSON.stringify(path)}: output names are plain file names`]);
  if (seen.has(path)) throw new WriteError([`refusing to write ${path} twice`]);
  seen.add(path);
}

// ----------------- who may change DIR -----------------

const euid = () => process.geteuid?.() ?? 0;

/** "uid 65534 (nobody)": the name from /etc/passwd when it has one. */
function whoIs(uid: number): string {
  let name: string | undefined;
  try {
    for (const line of readFileSync("/etc/passwd", "latin1").split("\n")) {
      const f = line.split(":");
      if (f.length > 2 && f[2] === String(uid)) {
        name = f[0];
        break;
      }
    }
  } catch {}
  return name !== undefined && name !== "" ? `uid ${uid} (${name})` : `uid ${uid}`;
}

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, "0");

/**
 * Whether someone other than root and the user running lvsc could change what a directory
 * holds (rename, replace or add an entry): owned by another user, or writable by its group or
 * by others. An ancestor may be sticky and world-writable, as /tmp (no one can rename another's
 * entry there); DIR itself and DIR/.lvsc may not.
 */
function untrusted(path: string, st: Stats, strict: boolean): string | undefined {
  const me = euid();
  const ownerOk = st.uid === 0 || st.uid === me;
  const writable = (st.mode & 0o022) !== 0 && (strict || (st.mode & 0o1000) === 0);
  if (ownerOk && !writable) return undefined;
  const running = me === 0 ? "root" : `${whoIs(me)} (the user running lvsc) or root`;
  const why = !ownerOk ? `not by ${running}` : `so ${(st.mode & 0o020) !== 0 ? "its group" : ""}${(st.mode & 0o022) === 0o022 ? " and " : ""}${(st.mode & 0o002) !== 0 ? "anyone" : ""} can change it${strict && (st.mode & 0o1000) !== 0 ? " (the sticky bit does not make an output directory safe)" : ""}`;
  return `${path} is owned by ${whoIs(st.uid)} with mode ${octal(st.mode)}, ${why}; lvsc writes only where no one but root and the user running it can rename or replace what it writes, checking every directory from / down as ssh's StrictModes do: chown or chmod it, or write somewhere else`;
}

/** A directory's mode set to 0755 through a descriptor opened without following a link: never by path. */
function fixMode(path: string): void {
  const fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    const st = fstatSync(fd);
    if ((st.mode & 0o7777) !== 0o755) fchmodSync(fd, 0o755);
  } finally {
    closeSync(fd);
  }
}

/** mkdir with mode 0755 whatever the umask (NFS clients, root squashed to nobody, must read it). */
async function mkdirMode(path: string): Promise<void> {
  await fsp.mkdir(path, 0o755);
  fixMode(path);
}

/**
 * DIR's real path, every directory from / down checked as it is reached (after `untrusted`),
 * and symbolic links followed only from a directory already checked (DIR itself may be a link,
 * `/etc/lvs -> /srv/lvs`, and so may a component above it). Below such a path no one but root
 * and the running user can swap a component, so path names are safe to use from then on.
 * Missing directories are made one at a time, 0755 (a recursive mkdir can loop where a
 * directory cannot be made, as in /proc), and listed in `made`; without `made`, nothing is
 * made and a missing directory gives undefined (what --check reports as all new).
 */
async function secureDir(dir: string, made?: string[]): Promise<string | undefined> {
  const given = resolve(dir);
  const todo = given.split(sep).filter((p) => p !== "");
  let cur: string = sep;
  const top = await fsp.lstat(cur);
  const bad = untrusted(cur, top, todo.length === 0);
  if (bad !== undefined) throw new WriteError([`refusing to write into ${given}: ${bad}`]);
  let links = 0;
  while (todo.length > 0) {
    const part = todo.shift()!;
    if (part === ".") continue;
    if (part === "..") {
      cur = dirname(cur);
      continue;
    }
    const next = join(cur, part);
    let st = await fsp.lstat(next).catch((e: unknown) => e as NodeJS.ErrnoException);
    if (st instanceof Error && st.code === "ENOENT") {
      if (made === undefined) return undefined;
      try {
        await fsp.mkdir(next, 0o755);
        fixMode(next);
        made.push(next);
      } catch (e) {
        if (code(e) !== "EEXIST") throw fail("cannot create the directory", next, e);
      }
      st = await fsp.lstat(next).catch((e: unknown) => e as NodeJS.ErrnoException);
    }
    if (st instanceof Error) throw fail("cannot use the directory", next, st);
    if (st.isSymbolicLink()) {
      // in a directory checked above, so no one else can change where it points
      const to = await fsp.stat(next).catch((e: unknown) => e as NodeJS.ErrnoException);
      if (to instanceof Error) throw fail("cannot use the directory", next, to);
      if (!to.isDirectory()) throw new WriteError([`cannot use ${next} as a directory: it is not a directory (ENOTDIR)`]);
      if (++links > 40) throw new WriteError([`cannot use the directory ${next}: too many symbolic links encountered (ELOOP)`]);
      const target = await fsp.readlink(next);
      if (target.startsWith(sep)) cur = sep;
      todo.unshift(...target.split(sep).filter((p) => p !== ""));
      continue;
    }
    if (!st.isDirectory()) throw new WriteError([`cannot use ${next} as a directory: it is not a directory (ENOTDIR)`]);
    cur = next;
    const problem = untrusted(cur, st, todo.every((p) => p === "."));
    if (problem !== undefined) throw new WriteError([`refusing to write into ${given}: ${problem}`]);
  }
  // DIR itself, however it was reached: no sticky exception
  const st = await fsp.lstat(cur);
  const problem = untrusted(cur, st, true);
  if (problem !== undefined) throw new WriteError([`refusing to write into ${given}: ${problem}`]);
  return cur;
}

/**
 * DIR/.lvsc: made (0755) when missing and `create`; else a directory, not a link, that only root
 * or the running user can change. Whether this run made it; false also when it is missing.
 */
async function ensureStore(store: string, create: boolean, hooks?: WriteHooks): Promise<boolean> {
  let st = await fsp.lstat(store).catch((e: unknown) => e as NodeJS.ErrnoException);
  if (st instanceof Error) {
    if (st.code !== "ENOENT") throw fail("cannot use", store, st);
    if (!create) return false;
    await hooks?.at?.("store-missing");
    try {
      await mkdirMode(store);
      return true;
    } catch (e) {
      // another lvsc made it since the lstat (two compiles into a new directory): theirs, not
      // ours, and checked like any directory already there; the lock then decides who writes
      if (code(e) !== "EEXIST") throw fail("cannot create", store, e);
    }
    st = await fsp.lstat(store).catch((e: unknown) => e as NodeJS.ErrnoException);
    if (st instanceof Error) throw fail("cannot use", store, st);
  }
  if (!st.isDirectory()) throw new WriteError([`${store} is not lvsc's directory (${st.isSymbolicLink() ? "a symbolic link" : "not a directory"}); lvsc keeps its files there: move it away`]);
  const problem = untrusted(store, st, true);
  if (problem !== undefined) throw new WriteError([`refusing to write into ${dirname(store)}: ${problem}`]);
  return false;
}

// ----------------- the lock -----------------

/** /proc/PID/stat's start time, "Z" for a zombie, or undefined when there is no such process. */
async function processStart(pid: number): Promise<string | undefined> {
  const stat = await fsp.readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[0] === "Z" || fields[0] === "X" ? "Z" : fields[19];
}

/** Whether the lock's holder runs: a dead one (or a new process with its pid) left a stale lock. */
async function holder(text: string): Promise<{ alive: boolean | undefined; who: string }> {
  const m = /^(\d+) (\S+) (\S+)\n$/.exec(text);
  if (m === null) return { alive: undefined, who: "an unknown process" };
  const [pid, host, start] = [Number(m[1]), m[2]!, m[3]!];
  const who = `pid ${pid} on ${host}`;
  if (host !== hostname()) return { alive: undefined, who };
  const now = await processStart(pid);
  return { alive: now !== undefined && now !== "Z" && (start === "?" || now === start), who };
}

/**
 * Takes DIR/.lvsc/lock, written whole then linked into place (link(2) fails if the lock exists,
 * also over NFS). A lock whose holder died on this host is broken, under a second lock so that
 * two runs never both break it.
 */
async function lock(store: string): Promise<void> {
  const path = join(store, "lock");
  const me = `${process.pid} ${hostname()} ${(await processStart(process.pid)) ?? "?"}\n`;
  const tmp = join(store, `lock.${process.pid}.tmp`);
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await fsp.rm(tmp, { force: true });
      const h = await fsp.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      try {
        await h.writeFile(me);
      } finally {
        await h.close();
      }
      await fsp.link(tmp, path);
      return;
    } catch (e) {
      if (code(e) !== "EEXIST" && code(e) !== "ENOENT") throw fail("cannot lock", store, e);
    } finally {
      await fsp.unlink(tmp).catch(() => undefined);
    }
    const text = await readLock(path);
    if (text === undefined) continue;
    const h = await holder(text);
    if (h.alive === true) throw new WriteError([`${dirname(store)} is being written by another lvsc (${h.who}); try again when it has finished`]);
    if (h.alive === undefined)
      throw new WriteError([`${dirname(store)} is locked by ${h.who}, which lvsc cannot check from here; if no lvsc runs there, remove ${path}`]);
    await breakStale(store, path, text);
  }
  throw new WriteError([`cannot lock ${dirname(store)}: its lock keeps changing`]);
}

/**
 * The lock's text, or undefined when there is none. Anything but a regular file (a FIFO would
 * block the reader until someone writes to it) is refused without being opened.
 */
async function readLock(path: string): Promise<string | undefined> {
  const st = await fsp.lstat(path).catch((e: unknown) => e as NodeJS.ErrnoException);
  if (st instanceof Error) {
    if (st.code === "ENOENT") return undefined;
    throw fail("cannot read the lock", path, st);
  }
  if (!st.isFile()) throw new WriteError([`${path} is not a regular file (${kind(st)}); lvsc's lock is one, so lvsc does not open it: remove it`]);
  let h: fsp.FileHandle;
  try {
    h = await fsp.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if (code(e) === "ENOENT") return undefined;
    throw fail("cannot read the lock", path, e);
  }
  try {
    const now = await h.stat();
    if (!now.isFile()) throw new WriteError([`${path} is not a regular file (${kind(now)}); lvsc's lock is one, so lvsc does not open it: remove it`]);
    const b = Buffer.alloc(4096);
    const { bytesRead } = await h.read(b, 0, b.length, 0);
    return b.subarray(0, bytesRead).toString("utf8");
  } finally {
    await h.close();
  }
}

function kind(st: Stats): string {
  if (st.isFIFO()) return "a FIFO";
  if (st.isSymbolicLink()) return "a symbolic link";
  if (st.isDirectory()) return "a directory";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  return "not a regular file";
}

async function breakStale(store: string, path: string, stale: string): Promise<void> {
  const guard = join(store, "lock.break");
  try {
    await fsp.mkdir(guard);
  } catch (e) {
    if (code(e) !== "EEXIST") throw fail("cannot lock", store, e);
    // another run breaks it now; a guard older than a minute was left by a killed run
    const st = await fsp.stat(guard).catch(() => undefined);
    if (st !== undefined && Date.now() - st.mtimeMs > 60_000) await fsp.rmdir(guard).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    return;
  }
  try {
    if ((await readLock(path)) === stale) await fsp.unlink(path);
  } finally {
    await fsp.rmdir(guard).catch(() => undefined);
  }
}

// ----------------- one run -----------------

type State = "new" | "ours" | "adopt";

interface Written {
  path: string;
  mode: number;
  target: string;
  /** The same bytes, mode and target as the current set's file, and lvsc's link at its path. */
  same: boolean;
}

class Run {
  interrupted: () => NodeJS.Signals | undefined = () => undefined;
  private committed = false;
  get isCommitted(): boolean {
    return this.committed;
  }
  /** The set readers see now, and its files. */
  private current: number | undefined;
  private currentFiles: ManifestEntry[] = [];
  /** The set kept for NFS clients after the commit. */
  private keep: number | undefined;
  private readonly written: Written[] = [];
  private readonly states = new Map<string, State>();
  /** Links and directories this run made before the commit: removed on rollback. */
  private readonly created: string[] = [];
  private readonly staging: string;
  private staged = false;
  /** lvsc's regular files from before this layout that this run does not write: adopted too. */
  private adoptOnly: ManifestEntry[] = [];
  /** Group directories' symbolic links replaced under --force, restored on rollback. */
  private readonly replacedLinks: [string, string][] = [];

  constructor(
    private readonly dir: string,
    private readonly store: string,
    private readonly entries: Iterable<OutputEntry>,
    private readonly opts: WriteOptions,
  ) {
    this.staging = join(store, "new");
  }

  async go(): Promise<WriteReport> {
    try {
      await this.at("locked");
      await this.recover();
      const carried = await this.writeSet();
      const removed = [...new Set([...this.currentFiles, ...this.adoptOnly].map((m) => m.path))].filter((p) => !this.states.has(p) && !carried.includes(p));
      if (await this.unchanged(removed, carried)) {
        await fsp.rm(this.staging, { recursive: true, force: true });
        this.staged = false;
        return { written: this.written.map(({ path, mode }) => ({ path, mode, changed: false })), removed: [], unchanged: true };
      }
      await this.at("written");
      if ([...this.states.values()].includes("adopt") || this.adoptOnly.length > 0) await this.adopt();
      const n = (this.current ?? 0) + 1;
      await fsp.rename(this.staging, this.gen(n));
      this.staged = false;
      this.created.push(this.gen(n));
      await syncDir(this.store);
      await this.link(carried);
      await this.commit(n);
      await this.cleanup(removed);
      await this.at("cleaned");
      const late = this.interrupted();
      return { written: this.written.map(({ path, mode, same }) => ({ path, mode, changed: !same })), removed, ...(late !== undefined ? { lateSignal: late } : {}) };
    } catch (e) {
      if (!this.committed) await this.rollback();
      if (e instanceof WriteError || e instanceof Interrupted) throw e;
      const err = e as NodeJS.ErrnoException;
      if (err.syscall !== undefined) throw new WriteError([`cannot write to ${this.dir}: ${osReason(e)}${err.path !== undefined ? ` (${err.path})` : ""}`]);
      throw e;
    }
  }

  /** A named step: the test hook, then a signal that came meanwhile stops the run (before the commit). */
  private async at(point: string): Promise<void> {
    await this.opts.hooks?.at?.(point);
    this.stopIfSignalled();
  }

  private stopIfSignalled(): void {
    const s = this.interrupted();
    if (s !== undefined && !this.committed) throw new Interrupted(s, SIGNALS.find(([n]) => n === s)![1]);
  }

  private gen(n: number): string {
    return join(this.store, String(n));
  }

  // ---- what a killed run left ----

  private async recover(): Promise<void> {
    const names = await fsp.readdir(this.store);
    this.current = await this.readCurrent();
    if (this.current !== undefined) this.currentFiles = await this.manifest(this.current);
    // sets other than the current one and the one before it were left by a killed run
    const gens = names.filter((n) => /^\d+$/.test(n)).map(Number);
    const previous = Math.max(-1, ...gens.filter((g) => this.current !== undefined && g < this.current));
    for (const g of gens) if (g !== this.current && g !== previous) await fsp.rm(this.gen(g), { recursive: true, force: true });
    for (const n of names) if (n === "new" || n === "current.new" || /^lock\.\d+\.tmp$/.test(n)) await fsp.rm(join(this.store, n), { recursive: true, force: true });
    // links to files the current set does not have (a killed run made them), and the old
    // writer's temporary files
    const groups = new Set(["", ...this.opts.owns.groups, ...this.currentFiles.map((m) => groupOf(m.path))]);
    const have = new Set(this.currentFiles.map((m) => m.path));
    for (const g of groups) {
      const d = join(this.dir, g);
      if (g !== "" && !(await fsp.lstat(d).catch(() => undefined))?.isDirectory()) continue;
      const list = await fsp.readdir(d).catch(() => [] as string[]);
      for (const n of list) {
        const rel = g === "" ? n : `${g}/${n}`;
        if (OLD_LEFTOVER.test(n)) {
          await fsp.unlink(join(d, n)).catch(() => undefined);
          continue;
        }
        if (n.endsWith(".lvsc-link") || ((await fsp.readlink(join(d, n)).catch(() => undefined)) === linkTarget(rel) && !have.has(rel)))
          await fsp.unlink(join(d, n)).catch(() => undefined);
      }
    }
  }

  /** The set `current` names: a link to a number, the name of a set; undefined when there is none. */
  async readCurrent(): Promise<number | undefined> {
    const path = join(this.store, "current");
    const st = await fsp.lstat(path).catch((e: unknown) => e as NodeJS.ErrnoException);
    if (st instanceof Error) {
      if (st.code === "ENOENT") return undefined;
      throw fail("cannot read", path, st);
    }
    if (!st.isSymbolicLink()) throw new WriteError([`${path} is not lvsc's link (${kind(st)}); move it away`]);
    const to = await fsp.readlink(path);
    if (!/^[1-9]\d{0,8}$/.test(to)) throw new WriteError([`${path} is not lvsc's link (it points to ${JSON.stringify(to).slice(1, -1)}); lvsc's names a set in ${this.store} by its number: move it away`]);
    if (!(await fsp.lstat(this.gen(Number(to))).catch(() => undefined))?.isDirectory()) throw new WriteError([`${path} points to ${to}, which is not a set in ${this.store}; move it away`]);
    return Number(to);
  }

  /**
   * A set's manifest, each entry checked as the names this run writes are (plain names in lvsc's
   * group directories), with a target lvsc knows and a mode lvsc gives (no one but the owner
   * writes, no set-id bit): a manifest is input too.
   */
  private async manifest(n: number): Promise<ManifestEntry[]> {
    const path = join(this.gen(n), ".manifest");
    const refuse = (why: string) => new WriteError([`${path} is not a manifest lvsc wrote (${why}); lvsc will not use the set it describes: move ${this.gen(n)} and ${join(this.store, "current")} away`]);
    let text: string;
    try {
      const h = await fsp.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      try {
        const st = await h.stat();
        if (!st.isFile()) throw refuse(kind(st));
        if (st.size > 64 * 1024 * 1024) throw refuse("too large");
        text = await h.readFile("utf8");
      } finally {
        await h.close();
      }
    } catch (e) {
      if (e instanceof WriteError) throw e;
      throw refuse(osReason(e));
    }
    let files: unknown;
    try {
      files = (JSON.parse(text) as { files?: unknown }).files;
    } catch {
      throw refuse("not JSON");
    }
    if (!Array.isArray(files)) throw refuse("no list of files");
    const groups = ["", ...GROUPS, ...this.opts.owns.groups];
    const targets = new Set([...KNOWN_TARGETS, ...this.opts.owns.targets]);
    const seen = new Set<string>();
    const out: ManifestEntry[] = [];
    for (const [i, f] of (files as unknown[]).entries()) {
      const m = f as Partial<ManifestEntry> | null;
      const where = `entry ${i + 1}`;
      if (typeof m !== "object" || m === null || typeof m.path !== "string" || typeof m.target !== "string" || typeof m.mode !== "number") throw refuse(`${where} is not a file`);
      if (!plainName(m.path, groups) || seen.has(m.path)) throw refuse(`${where}: ${JSON.stringify(m.path)} is not a plain file name of lvsc's`);
      if (!targets.has(m.target)) throw refuse(`${where}: ${JSON.stringify(m.target)} is not a target`);
      if (!Number.isInteger(m.mode) || (m.mode & ~0o755) !== 0 || (m.mode & 0o600) !== 0o600) throw refuse(`${where}: mode ${m.mode.toString(8)} is not a mode lvsc gives`);
      seen.add(m.path);
      out.push({ path: m.path, target: m.target, mode: m.mode });
    }
    return out;
  }

  // ---- the new set ----

  /**
   * Every entry, each checked where it goes then written into the staging directory; after a
   * problem, the rest are only checked (all problems in one run). Returns the current set's
   * files kept in the new one.
   */
  private async writeSet(): Promise<string[]> {
    await mkdirMode(this.staging);
    this.staged = true;
    const problems: string[] = [];
    const seen = new Set<string>();
    const input = this.opts.input !== undefined ? await fsp.stat(this.opts.input).catch(() => undefined) : undefined;
    const groups = new Map<string, string | undefined>();
    const manifest: ManifestEntry[] = [];
    for (const e of this.entries) {
      checkName(e.path, this.opts.owns.groups, seen);
      const problem = await this.classify(e, input, groups);
      if (problem !== undefined) problems.push(problem);
      if (problems.length > 0) continue;
      const to = join(this.staging, e.path);
      await mkdirMode(dirname(to)).catch((err: unknown) => {
        if (code(err) !== "EEXIST") throw err;
      });
      const was = this.states.get(e.path) === "ours" ? this.currentFiles.find((m) => m.path === e.path) : undefined;
      const like = was !== undefined && was.mode === e.mode && was.target === e.target ? new SameBytes(join(this.gen(this.current!), e.path)) : undefined;
      await this.writeFile(to, e, like);
      this.written.push({ path: e.path, mode: e.mode, target: e.target, same: like?.end() ?? false });
      manifest.push({ path: e.path, target: e.target, mode: e.mode });
    }
    if (problems.length > 0) throw new WriteError(problems);
    // the current set's files that this run does not own stay; those it owns and did not write go
    const owned = (m: ManifestEntry) => this.opts.owns.groups.includes(groupOf(m.path)) && this.opts.owns.targets.includes(m.target);
    const carried: string[] = [];
    for (const m of this.currentFiles) {
      if (seen.has(m.path) || owned(m)) continue;
      await this.linkInto(join(this.gen(this.current!), m.path), join(this.staging, m.path));
      manifest.push(m);
      carried.push(m.path);
    }
    // and so do an older lvsc's files (regular files with its header), which join the old set first
    // (a killed run may have left some of them listed in the current set, not yet linked)
    this.adoptOnly = (await this.olderFiles()).filter((m) => !seen.has(m.path));
    for (const m of this.adoptOnly) {
      if (owned(m) || carried.includes(m.path)) continue;
      await this.linkInto(join(this.dir, m.path), join(this.staging, m.path));
      manifest.push(m);
      carried.push(m.path);
    }
    await this.finishSet(this.staging, manifest);
    return carried;
  }

  /** Regular files with lvsc's header at the names lvsc writes, in DIR and the group directories. */
  private async olderFiles(): Promise<ManifestEntry[]> {
    const out: ManifestEntry[] = [];
    for (const g of new Set(["", ...this.opts.owns.groups])) {
      const d = join(this.dir, g);
      if (g !== "" && !(await fsp.lstat(d).catch(() => undefined))?.isDirectory()) continue;
      for (const n of await fsp.readdir(d).catch(() => [] as string[])) {
        const target = oldTarget(n);
        if (target === undefined || (g === "" && (target === "conf" || target === "hosts"))) continue;
        const st = await fsp.lstat(join(d, n)).catch(() => undefined);
        if (st?.isFile() !== true || !(await this.oldLvscFile(join(d, n)))) continue;
        out.push({ path: g === "" ? n : `${g}/${n}`, target, mode: st.mode & 0o777 });
      }
    }
    return out;
  }

  /** What is at an entry's path now: a problem, or its state recorded. */
  private async classify(e: OutputEntry, input: import("node:fs").Stats | undefined, groups: Map<string, string | undefined>): Promise<string | undefined> {
    const force = this.opts.force === true;
    const g = groupOf(e.path);
    if (g !== "" && !groups.has(g)) groups.set(g, await this.checkGroup(g, force));
    const gp = groups.get(g);
    if (gp === "replace") {
      this.states.set(e.path, "new");
      return undefined;
    }
    if (gp !== undefined) {
      groups.set(g, "reported");
      return gp === "reported" ? undefined : gp;
    }
    const full = join(this.dir, e.path);
    const st = await fsp.lstat(full).catch((err: unknown) => err as NodeJS.ErrnoException);
    if (st instanceof Error) {
      this.states.set(e.path, "new");
      return st.code === "ENOENT" ? undefined : `cannot use ${full}: ${osReason(st)}`;
    }
    if (input !== undefined) {
      const t = await fsp.stat(full).catch(() => undefined);
      if (t !== undefined && t.dev === input.dev && t.ino === input.ino) return `refusing to overwrite the input file ${this.opts.input} with ${e.path}`;
    }
    if (st.isSymbolicLink()) {
      const to = await fsp.readlink(full);
      if (to === linkTarget(e.path)) this.states.set(e.path, "ours");
      else if (force) this.states.set(e.path, "adopt");
      else return `${full} is a symbolic link lvsc did not make (to ${to}); lvsc never writes through one: remove it, or replace the link itself with --force`;
      return undefined;
    }
    if (st.isDirectory()) return `${full} is a directory; lvsc replaces only files`;
    if ((st.isFile() && (await this.oldLvscFile(full))) || force) {
      this.states.set(e.path, "adopt");
      return undefined;
    }
    return `${full} was not written by lvsc (${st.isFile() ? 'no "Generated by lvsc" header' : "not a regular file"}); lvsc never overwrites a file it did not write: move it away, or replace it with --force`;
  }

  /** A group directory (variants' dr/, nat/, tun/): undefined when usable, "replace" under --force, else the problem. */
  private async checkGroup(g: string, force: boolean): Promise<string | undefined> {
    const full = join(this.dir, g);
    const st = await fsp.lstat(full).catch(() => undefined);
    if (st === undefined || st.isDirectory()) return undefined;
    if (force) return "replace";
    return st.isSymbolicLink()
      ? `${full} is a symbolic link (to ${await fsp.readlink(full)}); lvsc never writes through a link below the output directory: remove it, or replace the link itself with --force`
      : `${full} is not a directory; move it away, or replace it with --force`;
  }

  private async oldLvscFile(path: string): Promise<boolean> {
    const h = await fsp.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      const b = Buffer.alloc(1024);
      const { bytesRead } = await h.read(b, 0, b.length, 0);
      return OLD_MARK.test(b.subarray(0, bytesRead).toString("latin1"));
    } finally {
      await h.close();
    }
  }

  /**
   * One file of the new set, flushed, with its final mode. Synchronous writes of 1 MiB: an
   * asynchronous write goes through libuv's thread pool, and on a busy machine each hop waits
   * for a thread to be scheduled (a 60 MB set took 18 s of waiting for 4 s of work). Between
   * writes, the event loop gets a turn, so that a signal is seen.
   */
  private async writeFile(path: string, e: OutputEntry, like?: SameBytes): Promise<void> {
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    } catch (err) {
      throw fail("cannot create", path, err);
    }
    try {
      await this.pump(e, (b) => {
        let off = 0;
        while (off < b.length) off += writeSync(fd, b, off, b.length - off);
        like?.feed(b);
      });
      fchmodSync(fd, e.mode); // explicit: the umask must not change a script's mode
      fsyncSync(fd);
    } catch (err) {
      if (err instanceof Interrupted || err instanceof WriteError || (err as NodeJS.ErrnoException).syscall === undefined) throw err;
      throw fail("cannot write", path, err);
    } finally {
      try {
        closeSync(fd);
      } catch {}
    }
  }

  /** An entry's text, rendered chunk by chunk and handed on in buffers of about 1 MiB. */
  private async pump(e: OutputEntry, sink: (b: Buffer) => void): Promise<void> {
    let pending = "";
    const flush = async () => {
      if (pending === "") return;
      const b = Buffer.from(pending, "utf8");
      pending = "";
      sink(b);
      await new Promise((r) => setImmediate(r));
      this.stopIfSignalled();
    };
    for (const chunk of e.chunks()) {
      pending += chunk;
      if (pending.length >= 1024 * 1024) await flush();
    }
    await flush();
  }

  // ---- --check: what a run would do ----

  async check(hasStore: boolean): Promise<CheckReport> {
    if (hasStore) {
      this.current = await this.readCurrent();
      if (this.current !== undefined) this.currentFiles = await this.manifest(this.current);
    }
    const problems: string[] = [];
    const seen = new Set<string>();
    const input = this.opts.input !== undefined ? await fsp.stat(this.opts.input).catch(() => undefined) : undefined;
    const groups = new Map<string, string | undefined>();
    const files: CheckedFile[] = [];
    for (const e of this.entries) {
      checkName(e.path, this.opts.owns.groups, seen);
      const problem = await this.classify(e, input, groups);
      if (problem !== undefined) problems.push(problem);
      if (problems.length > 0) continue;
      files.push(await this.checkFile(e));
    }
    if (problems.length > 0) throw new WriteError(problems);
    const owned = (m: ManifestEntry) => this.opts.owns.groups.includes(groupOf(m.path)) && this.opts.owns.targets.includes(m.target);
    const removed: string[] = [];
    for (const m of this.currentFiles) {
      if (seen.has(m.path)) continue;
      if (owned(m)) removed.push(m.path);
      else if (!(await exists(join(this.dir, m.path)))) files.push({ path: m.path, mode: m.mode, status: "add", note: "kept from the current set; its link in DIR is missing" });
    }
    for (const m of (await this.olderFiles()).filter((f) => !seen.has(f.path))) {
      if (removed.includes(m.path) || this.currentFiles.some((c) => c.path === m.path)) continue;
      if (owned(m)) removed.push(m.path);
      else files.push({ path: m.path, mode: m.mode, status: "change", note: "an older lvsc's file, taken over unchanged: it becomes a link into the set" });
    }
    return { files, removed };
  }

  /** One entry against what readers see at its path now. */
  private async checkFile(e: OutputEntry): Promise<CheckedFile> {
    const state = this.states.get(e.path);
    const full = join(this.dir, e.path);
    let old: string | undefined;
    let note: string | undefined;
    if (state === "ours") {
      const was = this.currentFiles.find((m) => m.path === e.path);
      if (was !== undefined) {
        old = join(this.gen(this.current!), e.path);
        if (was.mode !== e.mode) note = `mode ${octal(was.mode)} -> ${octal(e.mode)}`;
      }
    } else if (state === "adopt") {
      const st = await fsp.lstat(full).catch(() => undefined);
      if (st?.isFile() === true) {
        old = full;
        note = (await this.oldLvscFile(full).catch(() => false)) ? "an older lvsc's file: it becomes a link into the set" : "replaces a file lvsc did not write (--force)";
      } else note = "replaces a symbolic link lvsc did not make (--force)";
    }
    if (old === undefined && note === undefined) return { path: e.path, mode: e.mode, status: "add" };
    const like = new SameBytes(old, DIFF_MAX_BYTES);
    await this.pump(e, (b) => like.feed(b));
    const sameBytes = like.end();
    if (sameBytes && note === undefined) return { path: e.path, mode: e.mode, status: "same" };
    const out: CheckedFile = { path: e.path, mode: e.mode, status: "change", ...(note !== undefined ? { note } : {}) };
    if (sameBytes || old === undefined) return out;
    const after = like.text();
    const size = (await fsp.lstat(old).catch(() => undefined))?.size ?? Infinity;
    if (after === undefined || size > DIFF_MAX_BYTES) {
      out.note = `${note !== undefined ? `${note}; ` : ""}over ${DIFF_MAX_BYTES / 1024 / 1024} MiB, not diffed here: compile into an empty directory and diff the two`;
      return out;
    }
    const before = await readSmall(old);
    out.diff = unifiedDiff(before, after, e.path);
    return out;
  }

  /** Whether this run would leave readers exactly what they see now: then no set is written. */
  private unchanged(removed: string[], carried: string[]): Promise<boolean> | boolean {
    if (this.current === undefined || removed.length > 0 || this.adoptOnly.length > 0) return false;
    if (!this.written.every((w) => w.same && this.states.get(w.path) === "ours")) return false;
    // a kept file whose link is gone would get it back
    return Promise.all(carried.map((p) => exists(join(this.dir, p)))).then((all) => all.every((x) => x));
  }

  private async linkInto(from: string, to: string): Promise<void> {
    await mkdirMode(dirname(to)).catch((e: unknown) => {
      if (code(e) !== "EEXIST") throw e;
    });
    try {
      await fsp.link(from, to);
    } catch (e) {
      if (code(e) !== "EXDEV" && code(e) !== "EPERM") throw e;
      await fsp.copyFile(from, to);
    }
  }

  /** The manifest, then every directory of the set flushed. */
  private async finishSet(gen: string, manifest: ManifestEntry[]): Promise<void> {
    const h = await fsp.open(join(gen, ".manifest"), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      await h.writeFile(JSON.stringify({ lvsc: 1, files: manifest }, null, 1) + "\n");
      fchmodSync(h.fd, 0o644);
      await h.sync();
    } finally {
      await h.close();
    }
    for (const d of new Set(manifest.map((m) => dirname(join(gen, m.path))))) await syncDir(d);
    await syncDir(gen);
  }

  // ---- files from before this layout ----

  /**
   * Files at output paths that are not lvsc's links (its own older files, or anything under
   * --force): a set of their own first, the current one plus them, unchanged; then each is
   * replaced by a link to that set, so a reader sees the same bytes throughout.
   */
  private async adopt(): Promise<void> {
    const n = (this.current ?? 0) + 1;
    const gen = this.gen(n);
    await mkdirMode(gen);
    this.created.push(gen);
    const adopted = [...this.written.filter((e) => this.states.get(e.path) === "adopt"), ...this.adoptOnly];
    const names = new Set(adopted.map((e) => e.path));
    const files: ManifestEntry[] = [];
    for (const m of this.currentFiles) {
      if (names.has(m.path)) continue;
      await this.linkInto(join(this.gen(this.current!), m.path), join(gen, m.path));
      files.push(m);
    }
    for (const e of adopted) {
      await this.linkInto(join(this.dir, e.path), join(gen, e.path));
      files.push({ path: e.path, target: e.target, mode: e.mode });
    }
    await this.finishSet(gen, files);
    await this.flip(n);
    this.created.pop();
    this.current = n;
    this.currentFiles = files;
    for (const [i, e] of adopted.entries()) {
      const full = join(this.dir, e.path);
      const tmp = join(dirname(full), `.${e.path.split("/").pop()}.lvsc-link`);
      await fsp.rm(tmp, { force: true });
      await fsp.symlink(linkTarget(e.path), tmp);
      await fsp.rename(tmp, full);
      if (this.states.has(e.path)) this.states.set(e.path, "ours");
      await this.at(`adopted:${i}`);
    }
    // the staged set was numbered after the adopted one
    await syncDir(this.dir);
  }

  // ---- links for new names ----

  private async link(carried: string[]): Promise<void> {
    const todo = [...this.written.map((e) => e.path).filter((p) => this.states.get(p) === "new"), ...carried];
    const dirs = new Set<string>();
    let i = 0;
    for (const path of todo) {
      const full = join(this.dir, path);
      const group = groupOf(path);
      if (group !== "") {
        const gdir = join(this.dir, group);
        const st = await fsp.lstat(gdir).catch(() => undefined);
        if (st !== undefined && !st.isDirectory()) {
          // --force, checked before anything was written; a link is put back on rollback
          if (st.isSymbolicLink()) this.replacedLinks.push([gdir, await fsp.readlink(gdir)]);
          await fsp.unlink(gdir);
        }
        if (st === undefined || !st.isDirectory()) {
          await mkdirMode(gdir);
          this.created.push(gdir);
        }
        dirs.add(gdir);
      }
      if (carried.includes(path) && (await exists(full))) continue; // ours already, or the user's now
      await fsp.symlink(linkTarget(path), full);
      this.created.push(full);
      await this.at(`linked:${i++}`);
    }
    for (const d of dirs) await syncDir(d);
    await syncDir(this.dir);
  }

  // ---- the commit ----

  private async flip(n: number): Promise<void> {
    const tmp = join(this.store, "current.new");
    await fsp.rm(tmp, { force: true });
    await fsp.symlink(String(n), tmp);
    await fsp.rename(tmp, join(this.store, "current"));
    await syncDir(this.store);
  }

  private async commit(n: number): Promise<void> {
    this.stopIfSignalled();
    await this.flip(n);
    this.committed = true;
    this.keep = this.current;
    this.current = n;
    await this.at("committed");
  }

  // ---- after the commit: best effort, the next run finishes what this one could not ----

  private async cleanup(removed: string[]): Promise<void> {
    for (const [i, path] of removed.entries()) {
      const full = join(this.dir, path);
      if ((await fsp.readlink(full).catch(() => undefined)) === linkTarget(path)) await fsp.unlink(full).catch(() => undefined);
      await this.at(`removed:${i}`);
    }
    for (const g of new Set(removed.map(groupOf))) if (g !== "") await fsp.rmdir(join(this.dir, g)).catch(() => undefined);
    const names = await fsp.readdir(this.store).catch(() => [] as string[]);
    for (const n of names)
      if (/^\d+$/.test(n) && Number(n) !== this.current && Number(n) !== this.keep) await fsp.rm(this.gen(Number(n)), { recursive: true, force: true }).catch(() => undefined);
    await syncDir(this.dir);
    await syncDir(this.store);
  }

  // ---- before the commit: undo ----

  private async rollback(): Promise<void> {
    for (const p of this.created.reverse()) {
      const st = await fsp.lstat(p).catch(() => undefined);
      if (st?.isSymbolicLink()) await fsp.unlink(p).catch(() => undefined);
      else if (st?.isDirectory()) await (p.startsWith(this.store + sep) ? fsp.rm(p, { recursive: true, force: true }) : fsp.rmdir(p)).catch(() => undefined);
    }
    for (const [path, to] of this.replacedLinks) await fsp.symlink(to, path).catch(() => undefined);
    if (this.staged) await fsp.rm(this.staging, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** A file lvsc's own store holds, read without following a link. */
async function readSmall(path: string): Promise<string> {
  const h = await fsp.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    return await h.readFile("utf8");
  } finally {
    await h.close();
  }
}

// ----------------- the diff of --check -----------------

/** A run of lines replaced: a[a0..a1) by b[b0..b1). */
interface Block {
  a0: number;
  a1: number;
  b0: number;
  b1: number;
}

/** Lines without their newlines; a last line without one is marked with a NUL (no conf text has one). */
function splitLines(t: string): string[] {
  if (t === "") return [];
  const lines = t.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  else lines[lines.length - 1] += "\0";
  return lines;
}

/**
 * The blocks that turn a[aLo..aHi) into b[bLo..bHi): Myers' O(ND) shortest edit script. When
 * the two differ by more than the diff may cost (a large change to a large file), one block
 * replaces the whole range: still a correct diff, only not the shortest.
 */
function editBlocks(a: readonly string[], b: readonly string[], aLo: number, aHi: number, bLo: number, bHi: number): Block[] {
  const n = aHi - aLo;
  const m = bHi - bLo;
  if (n === 0 || m === 0) return n + m === 0 ? [] : [{ a0: aLo, a1: aHi, b0: bLo, b1: bHi }];
  const maxD = Math.min(n + m, 2000, Math.max(64, Math.floor(20_000_000 / (n + m))));
  const off = maxD + 1;
  const v = new Int32Array(2 * maxD + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  search: for (let d = 0; d <= maxD; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[aLo + x] === b[bLo + y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break search;
      }
    }
    trace.push(v.slice(off - d, off + d + 1));
  }
  if (found < 0) return [{ a0: aLo, a1: aHi, b0: bLo, b1: bHi }];
  const ops: number[] = []; // 0 same, 1 delete, 2 insert; backwards
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d - 1]!;
    const at = (k: number) => prev[k + d - 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push(0);
      x--;
      y--;
    }
    ops.push(x === prevX ? 2 : 1);
    x = prevX;
    y = prevY;
  }
  const blocks: Block[] = [];
  let i = aLo;
  let j = bLo;
  let cur: Block | undefined;
  for (let t = ops.length - 1 + (x > 0 ? x : 0); t >= 0; t--) {
    const op = t >= ops.length ? 0 : ops[t]!;
    if (op === 0) {
      if (cur !== undefined) blocks.push(cur);
      cur = undefined;
      i++;
      j++;
      continue;
    }
    cur ??= { a0: i, a1: i, b0: j, b1: j };
    if (op === 1) cur.a1 = ++i;
    else cur.b1 = ++j;
  }
  if (cur !== undefined) blocks.push(cur);
  return blocks;
}

/**
 * A unified diff of two texts ("--- a/PATH", "+++ b/PATH", hunks with `context` lines around
 * each change), as diff -u and patch(1) read it; [] when they are the same.
 */
export function unifiedDiff(before: string, after: string, path: string, context = 3): string[] {
  if (before === after) return [];
  const a = splitLines(before);
  const b = splitLines(after);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const blocks = editBlocks(a, b, pre, a.length - suf, pre, b.length - suf);
  const out = [`--- a/${path}`, `+++ b/${path}`];
  const line = (sign: string, text: string) => {
    if (text.endsWith("\0")) out.push(sign + text.slice(0, -1), "\\ No newline at end of file");
    else out.push(sign + text);
  };
  const range = (start: number, len: number) => (len === 1 ? `${start + 1}` : `${len === 0 ? start : start + 1},${len}`);
  for (let i = 0; i < blocks.length; ) {
    let j = i;
    while (j + 1 < blocks.length && blocks[j + 1]!.a0 - blocks[j]!.a1 <= 2 * context) j++;
    const first = blocks[i]!;
    const last = blocks[j]!;
    const aStart = Math.max(0, first.a0 - context);
    const aEnd = Math.min(a.length, last.a1 + context);
    const bStart = first.b0 - (first.a0 - aStart);
    const bEnd = last.b1 + (aEnd - last.a1);
    out.push(`@@ -${range(aStart, aEnd - aStart)} +${range(bStart, bEnd - bStart)} @@`);
    let pos = aStart;
    for (let t = i; t <= j; t++) {
      const bl = blocks[t]!;
      for (; pos < bl.a0; pos++) line(" ", a[pos]!);
      for (let p = bl.a0; p < bl.a1; p++) line("-", a[p]!);
      for (let p = bl.b0; p < bl.b1; p++) line("+", b[p]!);
      pos = bl.a1;
    }
    for (; pos < aEnd; pos++) line(" ", a[pos]!);
    i = j + 1;
  }
  return out;
}

/**
 * Compares a file being written, buffer by buffer, with a file of the current set, reading the
 * same number of bytes of it each time: nothing is held but the buffer in hand.
 */
class SameBytes {
  private fd: number | undefined;
  private scratch = Buffer.alloc(0);
  private same = true;
  /** The first bytes of the new file, kept up to `keep` bytes (--check's diff), else dropped. */
  readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private overflow = false;
  bytes = 0;

  constructor(
    path: string | undefined,
    private readonly keep = 0,
  ) {
    if (path === undefined) {
      this.same = false;
      return;
    }
    try {
      this.fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      if (!fstatSync(this.fd).isFile()) this.differ();
    } catch {
      this.differ();
    }
  }

  private differ(): void {
    this.same = false;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  feed(b: Buffer): void {
    this.bytes += b.length;
    if (this.keep > 0 && !this.overflow) {
      if (this.keptBytes + b.length > this.keep) {
        this.overflow = true;
        this.kept.length = 0;
      } else {
        this.kept.push(Buffer.from(b));
        this.keptBytes += b.length;
      }
    }
    if (!this.same || this.fd === undefined) return;
    if (this.scratch.length < b.length) this.scratch = Buffer.alloc(b.length);
    let got = 0;
    while (got < b.length) {
      const n = readSync(this.fd, this.scratch, got, b.length - got, null);
      if (n === 0) break;
      got += n;
    }
    if (got !== b.length || this.scratch.compare(b, 0, b.length, 0, got) !== 0) this.differ();
  }

  /** Whether the two were the same to the end (the old file has no more bytes). */
  end(): boolean {
    if (this.same && this.fd !== undefined) {
      const n = readSync(this.fd, Buffer.alloc(1), 0, 1, null);
      if (n !== 0) this.same = false;
    }
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return this.same;
  }

  /** The new file's text, when it was kept whole. */
  text(): string | undefined {
    return this.keep > 0 && !this.overflow ? Buffer.concat(this.kept).toString("utf8") : undefined;
  }
}

async function syncDir(path: string): Promise<void> {
  const d = await fsp.open(path, constants.O_RDONLY | constants.O_DIRECTORY).catch(() => undefined);
  if (d === undefined) return;
  await d.sync().catch(() => undefined);
  await d.close().catch(() => undefined);
}
