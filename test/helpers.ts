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
  // N active directors (DIRECTOR_ACTIVE): a bird.conf per director, the router's files, no keepalived
  { name: "lvs_dr_ecmp", conf: () => readExample("lvs_dr_ecmp.conf"), file: "lvs_dr_ecmp.conf" },
  // ... without BFD, with two routers
  {
    name: "lvs_dr_ecmp-bfd-off",
    conf: () => readExample("lvs_dr_ecmp.conf").replace("BGP_BFD=on", "BGP_BFD=off\nBGP_PEER=192.0.2.2 65001"),
    file: "lvs_dr_ecmp.conf",
  },
];

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

/** A NAT cluster on two networks: the VIP outside (eth0:110, 192.168.1.0/24), the real servers inside. */
export function routedNatConf(extra: string[] = []): string {
  return conf({ 1: "LVS_TYPE=VS_NAT", 3: "VIP=eth0:110 192.168.1.110 255.255.255.0 192.168.1.255", 7: null, 8: null }, extra);
}

/** A NAT cluster on the same addresses (one network: lint warns `one-network-nat`). */
export function natConf(extra: string[] = []): string {
  return conf({ 1: "LVS_TYPE=VS_NAT", 7: null, 8: null }, extra);
}
