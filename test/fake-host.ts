// A fake Linux host for running the generated rc scripts here, without root and without
// touching this machine: ip, sysctl, ipvsadm, modprobe, arping and id are stubs that read and
// write a small model of the kernel's state in files (addresses with their primary/secondary
// flags, links, the default route, sysctls, the IPVS table). Every call is logged. The rest of
// the PATH is a whitelist of real tools; a call of any other command is recorded, and the run
// that made it throws (FakeHost.run, FakeHost.sh): a test of a path that needs a tool the fake
// host lacks fails loudly instead of testing something else than it names.
//
// The model follows what the e2e VM showed on Linux 6.1: deleting a primary address deletes
// the secondaries of its subnet (unless promote_secondaries), a sysctl of a missing device
// cannot be read, ipip brings tunl0 (down), ip_vs brings the net.ipv4.vs.* sysctls, and
// ipvsadm -R goes on after a line the kernel refuses, saying so on stderr.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";


/** Address arithmetic for the ip stub. */



/** ipvsadm: -S -n lists the table file; -R (and single commands) apply to it. */

/** The stubs (test/fake-host/), and two small ones. */
const HERE = fileURLToPath(new URL("./fake-host/", import.meta.url));
/** The address arithmetic the ip stub's awk programs share, written into the stub (not read by a `cat` at each call). */
const NET = readFileSync(`${HERE}net.awk`, "utf8");
if (NET.includes("'")) throw new Error("test/fake-host/net.awk: no single quote, it goes in a '...' of the ip stub");
const STUBS: Record<string, string> = {
  ip: readFileSync(`${HERE}ip`, "utf8").replace("@NET@", () => NET),
  sysctl: readFileSync(`${HERE}sysctl`, "utf8"),
  modprobe: readFileSync(`${HERE}modprobe`, "utf8"),
  ipvsadm: readFileSync(`${HERE}ipvsadm`, "utf8"),
  birdcl: readFileSync(`${HERE}birdcl`, "utf8"),
  id: '#!/bin/sh\necho "id $*" >>"$STUB_DIR/calls"\n[ "$1" = -u ] && echo "${STUB_UID:-0}"\n',
  arping: '#!/bin/sh\necho "arping $*" >>"$STUB_DIR/calls"\n',
};

/** The real tools a script may use besides the stubs (POSIX sh builtins aside). */
const TOOLS = ["sh", "awk", "cat", "find", "mkdir", "rmdir", "rm", "mv", "tr", "head", "wc", "sleep", "grep", "env"];
/** Where this machine has them, looked up once per test process (not by a shell per host). */
const REAL: Record<string, string> = (() => {
  const names = [...TOOLS, "flock"];
  const p = spawnSync("sh", ["-c", 'for t; do command -v "$t" || echo; done', "sh", ...names], { encoding: "utf8" });
  const paths = p.stdout.split("\n");
  const real = Object.fromEntries(names.map((t, i) => [t, paths[i] ?? ""]));
  for (const t of TOOLS) if (real[t] === "") throw new Error(`the fake host needs ${t} on this machine's PATH`);
  return real;
})();
/** Tools a script looks for with `command -v` and does without: absent unless a run asks for them. */
const OPTIONAL = ["flock"];

/**
 * Every other command name this machine has (on the PATH that runs the tests, and in the sbin
 * directories the rc script appends to its PATH), each a link to one script that records the
 * call in $STUB_DIR/missing and fails with 127. It comes after the stubs and the tools, so a
 * script that calls a command the fake host lacks neither runs this machine's own tool nor fails
 * quietly behind a 2>/dev/null: FakeHost.run throws, naming it. Made once per test process.
 */
let missingBin: string | undefined;
function missingCommands(): string {
  if (missingBin !== undefined) return missingBin;
  const dir = mkdtempSync(join(tmpdir(), "lvsc-missing-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  const script = join(dir, "missing");
  writeFileSync(
    script,
    '#!/bin/sh\nn=${0##*/}\necho "$n $*" >>"$STUB_DIR/missing"\necho "fake host: $n: not found (test/fake-host.ts does not provide it)" >&2\nexit 127\n',
    { mode: 0o755 },
  );
  const provided = new Set([...Object.keys(STUBS), ...TOOLS, ...OPTIONAL]);
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
  for (const d of new Set(dirs.filter((d) => d.startsWith("/")))) {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      continue;
    }
    for (const name of names) {
      if (provided.has(name) || existsSync(join(bin, name))) continue;
      symlinkSync(script, join(bin, name));
    }
  }
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  missingBin = bin;
  return bin;
}

/** The shell's own "not found" (dash: `x: 12: rmdir: not found`; bash: `x: line 12: rmdir: command not found`), for names this machine lacks too. */
const NOT_FOUND = /: (?:line )?\d+: ([^\s:]+): (?:command )?not found$/gm;

export interface HostSpec {
  /** Links and whether they are up: { eth0: "up" }. lo is always there, up. */
  links?: Record<string, "up" | "down">;
  /** Addresses, "dev cidr" ("eth0 192.168.0.1/24"), primary or secondary as the kernel would make them. */
  addrs?: string[];
  /** The default route, as `ip route show` prints it ("default via 10.0.0.254 dev eth0"). */
  route?: string;
  /** Sysctls beyond the defaults (every conf.<link> key exists; values as a fresh kernel has them). */
  sysctls?: Record<string, string>;
  /** The IPVS table in ipvsadm -S -n form; ip_vs is loaded when this is given. */
  ipvs?: string;
  /** Gateways the kernel refuses ("Nexthop has invalid gateway"). */
  unreachable?: string[];
  /** The dummy module is not loaded: the first `ip link add … type dummy` loads it, and it makes dummy0 itself. */
  dummyUnloaded?: boolean;
  /** BIRD runs, its protocol vip in this state (birdcl stub); absent: BIRD does not answer. */
  bird?: "up" | "down";
}

export interface RunEnv {
  uid?: number;
  /** ipvsadm -R refuses lines containing this text. */
  refuse?: string;
  /** ipvsadm -S -n fails. */
  listFails?: boolean;
  ipvsadmVersion?: string;
  lockTimeout?: number | string;
  /** Also offer util-linux flock(1) on the PATH (otherwise the script must use its mkdir lock). */
  flock?: boolean;
  role?: string;
  /** LVSC_STATE_DIR for this run instead of the host's own stateDir ("" leaves it unset). */
  stateDir?: string;
  /** The working directory of the run. */
  cwd?: string;
  /** More environment variables (an attacker's, in test/rc-attack.test.ts). */
  vars?: Record<string, string>;
  /** The shell that runs the script instead of sh (bash, for what only bash does). */
  shell?: string;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The stub calls of this run, in order: "ip addr add …". */
  calls: string[];
}

/**
 * The rc script sets PATH to the system directories (a root script never runs what the
 * caller's PATH offers): here, where the stubs must stand in for ip, sysctl and ipvsadm, that
 * one line becomes PATH=$PATH, the stubs' PATH. Any other PATH line is an error, never a run
 * of the host's real tools. test/rc-attack.test.ts runs the script unchanged.
 */
export const SYSTEM_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
export function withFakePath(script: string): string {
  const lines = script.split("\n");
  const at = lines.flatMap((l, i) => (/^\s*(export\s+)?PATH=/.test(l) ? [i] : []));
  if (at.length === 0) return script;
  if (at.length !== 1 || lines[at[0]!] !== SYSTEM_PATH) throw new Error(`fake host: unexpected PATH line(s) in the script: ${at.map((i) => lines[i]).join(" | ")}`);
  lines[at[0]!] = "PATH=$PATH";
  return lines.join("\n");
}

const PER_LINK = { arp_ignore: "0", arp_announce: "0", rp_filter: "0", send_redirects: "1", promote_secondaries: "0", forwarding: "0" } as const;

export class FakeHost {
  readonly dir: string;
  readonly k: string;
  readonly bin: string;
  readonly stateDir: string;

  constructor(spec: HostSpec = {}) {
    this.dir = mkdtempSync(join(tmpdir(), "lvsc-host-"));
    this.k = join(this.dir, "k");
    this.bin = join(this.dir, "bin");
    this.stateDir = join(this.dir, "state");
    mkdirSync(join(this.k, "sysctl"), { recursive: true });
    mkdirSync(this.bin);
    mkdirSync(join(this.dir, "tools"));
    mkdirSync(join(this.dir, "tools-flock"));
    for (const [name, body] of Object.entries(STUBS)) {
      writeFileSync(join(this.bin, name), body);
      chmodSync(join(this.bin, name), 0o755);
    }
    writeFileSync(join(this.dir, "net.awk"), NET);
    for (const t of TOOLS) symlinkSync(REAL[t]!, join(this.dir, "tools", t));
    if (REAL["flock"] !== "") symlinkSync(REAL["flock"]!, join(this.dir, "tools-flock", "flock"));

    const links = { lo: "up", ...spec.links } as Record<string, string>;
    writeFileSync(join(this.k, "links"), Object.entries(links).map(([l, s]) => `${l} ${s}\n`).join(""));
    writeFileSync(join(this.k, "addrs"), "lo 127.0.0.1/8 primary -\n");
    // the stub decides primary or secondary, as for a script's own ip addr add: one shell for all
    if (spec.addrs !== undefined && spec.addrs.length > 0) this.sh(spec.addrs.map((a) => `ip addr add ${a.split(" ")[1]} dev ${a.split(" ")[0]}`).join(" && "));
    writeFileSync(join(this.k, "route"), spec.route ?? "");
    writeFileSync(join(this.k, "unreachable"), (spec.unreachable ?? []).map((g) => `${g}\n`).join(""));
    if (spec.dummyUnloaded === true) writeFileSync(join(this.k, "dummy-unloaded"), "");
    if (spec.bird !== undefined) writeFileSync(join(this.k, "bird"), `${spec.bird}\n`);
    const sysctls: Record<string, string> = { "net.ipv4.ip_forward": "0" };
    for (const dev of ["all", "default", ...Object.keys(links)]) for (const [p, v] of Object.entries(PER_LINK)) sysctls[`net.ipv4.conf.${dev}.${p}`] = v;
    Object.assign(sysctls, spec.sysctls);
    for (const [key, v] of Object.entries(sysctls)) this.setSysctl(key, v);
    writeFileSync(join(this.k, "ipvs"), spec.ipvs ?? "");
    if (spec.ipvs !== undefined) for (const [key, v] of Object.entries({ amemthresh: "1024", sloppy_tcp: "0", sloppy_sctp: "0", expire_nodest_conn: "0" })) this.setSysctl(`net.ipv4.vs.${key}`, v);
    writeFileSync(join(this.dir, "calls"), "");
  }

  private env(env: RunEnv): NodeJS.ProcessEnv {
    return {
      PATH: `${this.bin}:${join(this.dir, env.flock === true ? "tools-flock" : "tools")}:${join(this.dir, "tools")}:${missingCommands()}`,
      STUB_DIR: this.dir,
      STUB_UID: String(env.uid ?? 0),
      STUB_REFUSE: env.refuse ?? "",
      STUB_S_FAIL: env.listFails === true ? "1" : "",
      STUB_IPVSADM_VERSION: env.ipvsadmVersion ?? "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)",
      ...(env.stateDir !== "" ? { LVSC_STATE_DIR: env.stateDir ?? this.stateDir } : {}),
      LVSC_LOCK_TIMEOUT: String(env.lockTimeout ?? 5),
      ...(env.role !== undefined ? { LVS_ROLE: env.role } : {}),
      ...env.vars,
    };
  }

  /** The command line that runs `script` as root: directly when this process is root, else in a user namespace where it is. */
  private argv(file: string, args: string[], shell = "sh"): string[] {
    return process.getuid?.() === 0 ? [shell, file, ...args] : ["unshare", "-r", shell, file, ...args];
  }

  /** Installs a script at `name` in this host's directory (its path is the script's identity). */
  install(script: string, name: string): string {
    const file = join(this.dir, name);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, withFakePath(script), { mode: 0o755 });
    return file;
  }

  run(file: string, args: string[], env: RunEnv = {}): Run {
    const before = this.calls().length;
    const [cmd, ...rest] = this.argv(file, args, env.shell);
    const p = spawnSync(cmd!, rest, { encoding: "utf8", env: this.env(env), ...(env.cwd !== undefined ? { cwd: env.cwd } : {}) });
    this.checkCommands(`${file} ${args.join(" ")}`, p.stderr);
    return { status: p.status, stdout: p.stdout, stderr: p.stderr, calls: this.calls().slice(before) };
  }

  /** The calls, so far, of commands this fake host does not provide ("rmdir /tmp/…/lock.d.break"): a background run's too. */
  missing(): string[] {
    const f = join(this.dir, "missing");
    return existsSync(f) ? readFileSync(f, "utf8").split("\n").filter((l) => l !== "") : [];
  }

  /** Fails the test, loudly, when a run called a command the fake host lacks: what it tests is then not what ran. */
  private checkCommands(what: string, stderr: string): void {
    const missing = [...this.missing(), ...[...stderr.matchAll(NOT_FOUND)].map((m) => m[1]!)];
    if (missing.length > 0)
      throw new Error(`${what}: called command(s) the fake host does not provide: ${missing.join("; ")}. Add the tool to TOOLS (or a stub) in test/fake-host.ts.\n${stderr}`);
  }

  /** Starts a run in the background (for lock tests). */
  spawn(file: string, args: string[], env: RunEnv = {}) {
    const [cmd, ...rest] = this.argv(file, args, env.shell);
    return spawn(cmd!, rest, { env: this.env(env), stdio: ["ignore", "pipe", "pipe"], ...(env.cwd !== undefined ? { cwd: env.cwd } : {}) });
  }

  /** Runs a command with the stubs first in PATH (to change the fake host as an admin would). */
  sh(command: string): string {
    const p = spawnSync("sh", ["-c", command], { encoding: "utf8", env: this.env({}) });
    this.checkCommands(command, p.stderr);
    if (p.status !== 0) throw new Error(`${command}: ${p.stderr}`);
    return p.stdout;
  }

  calls(): string[] {
    const f = join(this.dir, "calls");
    return existsSync(f) ? readFileSync(f, "utf8").split("\n").filter((l) => l !== "") : [];
  }

  sysctl(key: string): string | undefined {
    const f = join(this.k, "sysctl", key.replaceAll("/", "%"));
    return existsSync(f) ? readFileSync(f, "utf8").trim() : undefined;
  }

  setSysctl(key: string, value: string): void {
    writeFileSync(join(this.k, "sysctl", key.replaceAll("/", "%")), `${value}\n`);
  }

  /** Everything start and stop may change, for before/after comparisons. */
  snapshot(): string {
    const sysctls = readdirSync(join(this.k, "sysctl"))
      .sort()
      .map((k) => `${k}=${readFileSync(join(this.k, "sysctl", k), "utf8").trim()}`);
    return [
      "links:",
      readFileSync(join(this.k, "links"), "utf8"),
      "addrs:",
      readFileSync(join(this.k, "addrs"), "utf8"),
      "route:",
      this.route(),
      "ipvs:",
      readFileSync(join(this.k, "ipvs"), "utf8").split("\n").filter((l) => l !== "").sort().join("\n"),
      "sysctls:",
      ...sysctls,
    ].join("\n");
  }

  addrs(): string[] {
    return readFileSync(join(this.k, "addrs"), "utf8").split("\n").filter((l) => l !== "");
  }

  ipvs(): string[] {
    return readFileSync(join(this.k, "ipvs"), "utf8").split("\n").filter((l) => l !== "");
  }

  route(): string {
    return readFileSync(join(this.k, "route"), "utf8").trim();
  }

  links(): string[] {
    return readFileSync(join(this.k, "links"), "utf8").split("\n").filter((l) => l !== "");
  }
}
