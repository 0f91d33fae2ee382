// Shared test helpers: example files, a lint/compile with the examples' hosts file, conf builders.
import { spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compile, lint, type CompileOptions, type HostsSource, type LintOptions, type OutputFile } from "../src/index.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const EXAMPLES = `${ROOT}examples`;
export const EXAMPLE_HOSTS = { path: "examples/hosts", text: readFileSync(`${EXAMPLES}/hosts`, "utf8") };
export const EXAMPLE_CONFS = ["lvs_dr.conf", "lvs_nat.conf", "lvs_tun.conf"] as const;
/** The IPv6 examples (each method), and the dual-stack one. */
export const IPV6_CONFS = ["lvs_dr6.conf", "lvs_nat6.conf", "lvs_tun6.conf", "lvs_dr_dual.conf"] as const;
/** The examples with two directors (DIRECTOR_PAIR). */
export const HA_CONFS = ["lvs_dr_ha.conf", "lvs_nat_ha.conf"] as const;
/** The example with N active directors (DIRECTOR_ACTIVE). */
export const ACTIVE_CONF = "lvs_dr_ecmp.conf";

/**
 * The confs whose files are committed under test/golden/NAME/: the examples, and variants of them
 * that reach other paths of the templates.
 */
export const GOLDEN_CONFS: { name: string; conf: () => string; file: string; opts?: CompileOptions }[] = [
  ...EXAMPLE_CONFS.map((c) => ({ name: c.replace(".conf", ""), conf: () => readExample(c), file: c })),
  // the 2.2-era `hidden` flag in the real servers' rc.local snippet
  { name: "lvs_dr-arp-hidden", conf: () => readExample("lvs_dr.conf"), file: "lvs_dr.conf", opts: { arp: "hidden" } },
  // services only: a monitor adds the real servers
  { name: "lvs_dr-initial-off", conf: () => conf({ 2: "INITIAL_STATE=off" }), file: "lvs_dr.conf" },
  // two directors (DIRECTOR_PAIR): a keepalived file for each, the rc script prepares them
  { name: "lvs_dr_ha", conf: () => readExample("lvs_dr_ha.conf"), file: "lvs_dr_ha.conf" },
  { name: "lvs_nat_ha", conf: () => readExample("lvs_nat_ha.conf"), file: "lvs_nat_ha.conf" },
  { name: "lvs_tun_ha", conf: () => `${readExample("lvs_tun.conf")}DIRECTOR_PAIR=192.168.1.11 192.168.1.12\n`, file: "lvs_tun_ha.conf" },
  // a CHECK of every kind (lvsc extension): keepalived.conf's checkers and mon.cf's monitors
  { name: "lvs_dr-checks", conf: () => checksConf(), file: "lvs_dr.conf" },
  // the same checks on two directors: both keepalived files
  { name: "lvs_dr_ha-checks", conf: () => checksConf(["DIRECTOR_PAIR=director1 director2"], CHECK_LINES.map(withoutMonComment)), file: "lvs_dr.conf" },
  // two directors with fast timers (VRRP_ADVERT): VRRPv3, sub-second adverts, the bounds they give
  { name: "lvs_dr_ha-fast", conf: () => `${readExample("lvs_dr_ha.conf")}VRRP_ADVERT=0.2\n`, file: "lvs_dr_ha.conf" },
  { name: "lvs_nat_ha-fast", conf: () => `${readExample("lvs_nat_ha.conf")}VRRP_ADVERT=0.1\n`, file: "lvs_nat_ha.conf" },
  // N active directors (DIRECTOR_ACTIVE): a bird.conf per director, the router's files, no keepalived
  { name: "lvs_dr_ecmp", conf: () => readExample("lvs_dr_ecmp.conf"), file: "lvs_dr_ecmp.conf" },
  // ... without BFD, with two routers
  {
    name: "lvs_dr_ecmp-bfd-off",
    conf: () => readExample("lvs_dr_ecmp.conf").replace("BGP_BFD=on", "BGP_BFD=off\nBGP_PEER=192.0.2.2 65001"),
    file: "lvs_dr_ecmp.conf",
  },
  // IPv6 (issue 18): the three methods, a pair over IPv6 (VRRPv3), and dual stack
  ...IPV6_CONFS.map((c) => ({ name: c.replace(".conf", ""), conf: () => readExample(c), file: c })),
  { name: "lvs_dr6_ha", conf: () => `${readExample("lvs_dr6.conf")}DIRECTOR_PAIR=2001:db8::11 2001:db8::12\n`, file: "lvs_dr6.conf" },
  { name: "lvs_dr_dual_ha", conf: () => `${readExample("lvs_dr_dual.conf")}DIRECTOR_PAIR=director1 director2\n`, file: "lvs_dr_dual.conf" },
  // mixed families (VS_TUN only): an IPv4 VIP tunnelled to IPv6 real servers (ip6tnl0 in mode any)
  { name: "lvs_tun46", conf: () => readExample("lvs_tun46.conf"), file: "lvs_tun.conf" },
  // ... and the reverse: an IPv6 VIP tunnelled to IPv4 real servers (sit0)
  { name: "lvs_tun64", conf: () => readExample("lvs_tun6.conf").replaceAll("2001:db8:3::11", "192.168.3.11").replaceAll("2001:db8:3::12", "192.168.3.12"), file: "lvs_tun.conf" },
];

/**
 * A CHECK for each kind, for the services of checksConf(). Where mon.cf runs a simpler check, the
 * line accepts the warning that says so (a pair has no mon.cf: see withoutMonComment).
 */
export const CHECK_LINES = [
  "CHECK=t www http path:/health status:200 host:www.example.com interval:2 timeout:1 retries:2   # lvsc-disable-line check-not-in-mon",
  "CHECK=t https https path:/health status:200-299 interval:2 timeout:2   # lvsc-disable-line check-not-in-mon",
  "CHECK=u domain dns name:example.com type:A interval:2 timeout:1",
  "CHECK=t smtp smtp helo:director.example.com   # lvsc-disable-line check-not-in-mon",
  "CHECK=t 8080 script run:/usr/local/lib/lvs/check-app timeout:2   # lvsc-disable-line check-not-in-mon",
  "CHECK=t telnet tcp port:23 retries:0",
  "CHECK=t ssh none",
] as const;

/** A CHECK line without its `lvsc-disable-line` comment. */
export function withoutMonComment(line: string): string {
  return line.replace(/ +# lvsc-disable-line .*$/, "");
}

/** The walkthrough's cluster with a service for each kind of check, and the CHECK lines. */
export function checksConf(extra: string[] = [], checks: readonly string[] = CHECK_LINES): string {
  return conf({}, [
    "SERVICE=t https rr rs1:https rs2:https",
    "SERVICE=u domain rr rs1:domain rs2:domain",
    "SERVICE=t smtp rr rs1:smtp rs2:smtp",
    "SERVICE=t 8080 rr rs1:8080 rs2:8080",
    "SERVICE=t ssh rr rs1 rs2",
    "# what healthy means, per service",
    ...checks,
    ...extra,
  ]);
}

/** `lvsc ARGS` in this process (no terminal, no environment): its exit code and what it printed. */
export async function lvscInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import("../src/cli.js");
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (x) => (stdout += x), stderr: (x) => (stderr += x), stdoutIsTTY: false, stderrIsTTY: false, env: {} });
  return { code, stdout, stderr };
}

/** A new directory holding `files` (name -> text). */
export function dirWith(files: Record<string, string>, prefix = "lvsc-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The built command, as `npm link` installs it. */
export const CLI = join(ROOT, "dist/cli.cjs");

/** What a run of the lvsc command wrote, read back as a user reads it (through lvsc's links). */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Every file below the output directory but lvsc's own `.lvsc/`, sorted by path. */
  files: OutputFile[];
  dir: string;
}

/** The command-line options that ask the CLI for what `opts` asks the library for. */
export function cliArgs(opts: CompileOptions): string[] {
  return [
    ...(opts.type !== undefined ? ["--type", opts.type] : []),
    ...(opts.types !== undefined ? ["--type", opts.types.join(",")] : []),
    ...(opts.arp !== undefined ? ["--arp", opts.arp] : []),
    ...(opts.exportDir !== undefined ? ["--export-dir", opts.exportDir] : []),
    ...(opts.targets !== undefined ? ["--target", opts.targets.join(",")] : []),
  ];
}

/**
 * Runs `lvsc compile` (or `variants`) as a process on `text` saved as `file` in a new directory,
 * with `hosts` as its only hosts file, into a new output directory; returns what it wrote.
 */
export function lvscRun(command: "compile" | "variants", text: string, file: string, opts: CompileOptions = {}, hosts: HostsSource = EXAMPLE_HOSTS): CliRun {
  const work = mkdtempSync(join(tmpdir(), "lvsc-cli-"));
  writeFileSync(join(work, file), text);
  writeFileSync(join(work, "hosts.input"), hosts.text);
  const dir = join(work, "out");
  const r = spawnSync(process.execPath, [CLI, command, join(work, file), "-o", dir, "--hosts", join(work, "hosts.input"), ...cliArgs(opts)], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, files: readTree(dir), dir };
}

/** The files below `dir` (none when it does not exist), read through symbolic links, `.lvsc/` left out. */
export function readTree(dir: string): OutputFile[] {
  const out: OutputFile[] = [];
  const walk = (rel: string) => {
    let names: string[];
    try {
      names = readdirSync(join(dir, rel));
    } catch {
      return;
    }
    for (const n of names.sort()) {
      if (rel === "" && n === ".lvsc") continue;
      const path = rel === "" ? n : `${rel}/${n}`;
      const full = join(dir, path);
      if (lstatSync(full).isDirectory()) walk(path);
      else out.push({ path, contents: readFileSync(full, "utf8"), mode: statSync(full).mode & 0o777 });
    }
  };
  walk("");
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function readExample(name: string): string {
  return readFileSync(`${EXAMPLES}/${name}`, "utf8");
}

export function lintText(text: string | Uint8Array, opts: LintOptions = {}) {
  return lint(text, { hosts: [EXAMPLE_HOSTS], file: "lvs_dr.conf", ...opts });
}

export function compileText(text: string | Uint8Array, opts: CompileOptions = {}) {
  return compile(text, { hosts: [EXAMPLE_HOSTS], file: "lvs_dr.conf", ...opts });
}

/** The walkthrough's cluster, one directive per line (line N is BASE[N-1]). */
export const BASE = [
  "LVS_TYPE=VS_DR",
  "INITIAL_STATE=on",
  "VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.255",
  "DIRECTOR_INSIDEIP=eth0 192.168.0.1 192.168.0.0 255.255.255.0 192.168.0.255",
  "SERVICE=t telnet rr rs1:telnet rs2:telnet",
  "SERVICE=t www rr rs1:www rs2:www",
  "SERVER_VIP_DEVICE=dummy0",
  "SERVER_NET_DEVICE=eth0",
] as const;

/** BASE with lines replaced (1-based; null deletes) and lines appended. */
export function conf(replace: Record<number, string | null> = {}, append: string[] = []): string {
  const lines: (string | null)[] = [...BASE];
  for (const [k, v] of Object.entries(replace)) lines[Number(k) - 1] = v;
  return [...lines.filter((l): l is string => l !== null), ...append].join("\n") + "\n";
}

/** BASE as an IPv6 cluster (rs1 and rs2 resolve to their IPv6 lines in examples/hosts). */
export const BASE6 = [
  "LVS_TYPE=VS_DR",
  "INITIAL_STATE=on",
  "VIP=eth0 2001:db8::101/64",
  "DIRECTOR_INSIDEIP=eth0 2001:db8::1/64",
  "SERVICE=t www rr rs1 rs2",
  "SERVER_VIP_DEVICE=lo",
  "SERVER_NET_DEVICE=eth0",
] as const;

/** BASE6 with lines replaced (1-based; null deletes) and lines appended. */
export function conf6(replace: Record<number, string | null> = {}, append: string[] = []): string {
  const lines: (string | null)[] = [...BASE6];
  for (const [k, v] of Object.entries(replace)) lines[Number(k) - 1] = v;
  return [...lines.filter((l): l is string => l !== null), ...append].join("\n") + "\n";
}

/** A NAT cluster on two networks: the VIP outside (eth0:110, 192.168.1.0/24), the real servers inside. */
export function routedNatConf(extra: string[] = []): string {
  return conf({ 1: "LVS_TYPE=VS_NAT", 3: "VIP=eth0:110 192.168.1.110 255.255.255.0 192.168.1.255", 7: null, 8: null }, extra);
}

/** A NAT cluster on the same addresses (one network: lint warns `one-network-nat`). */
export function natConf(extra: string[] = []): string {
  return conf({ 1: "LVS_TYPE=VS_NAT", 7: null, 8: null }, extra);
}
