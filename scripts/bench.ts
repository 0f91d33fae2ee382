// npm run bench: whole-process timings of `lvsc lint` and `lvsc compile` on confs of growing
// size, against baselines run in the same invocation (bare `node -e 0`; `keepalived -t` on the
// same cluster when keepalived is installed), and, in the real-kernel VM when qemu is here, the
// director's `start` for 10,000 services x 4 real servers against a raw `ipvsadm -R`, and a
// reload that changes one weight against a bare `ipvsadm -S -n` of the same table.
//
//   npm run bench [-- --runs N] [-- --no-vm | --only-vm]
//
// A benchmark, not a test: it prints figures and asserts nothing.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildImage, runVm, unavailable } from "../test/e2e/vm.js";

// the project: this file's parent, or (bundled by scripts/run-ts.mjs) the directory npm runs in
const ROOT = ((dir) => (existsSync(join(dir, "package.json")) ? dir : `${process.cwd()}/`))(fileURLToPath(new URL("..", import.meta.url)));
const CLI = join(ROOT, "dist/cli.cjs");
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf("--runs") + 1] ?? "") || 10;
const NO_VM = args.includes("--no-vm");
const ONLY_VM = args.includes("--only-vm");
const work = mkdtempSync(join(tmpdir(), "lvsc-bench-"));

/**
 * A DR cluster of `services` x `realServers`, numeric addresses only (no hosts file involved).
 * `reweigh` gives one real server (service `reweigh`, its first) another weight: the conf of a reload.
 */
function cluster(services: number, realServers: number, reweigh?: number): string {
  const lines = [
    "LVS_TYPE=VS_DR",
    "INITIAL_STATE=on",
    "VIP=eth0:101 10.0.0.1 255.0.0.0 10.255.255.255",
    "DIRECTOR_INSIDEIP=eth0 10.0.0.2 10.0.0.0 255.0.0.0 10.255.255.255",
  ];
  for (let i = 0; i < services; i++) {
    const rs: string[] = [];
    for (let j = 0; j < realServers; j++) rs.push(`10.${1 + (i >> 8) % 250}.${i & 255}.${10 + j},${i === reweigh && j === 0 ? 9 : 1 + j}`);
    lines.push(`SERVICE=t ${1 + i} wrr ppc -t 600 ${rs.join(" ")}`);
  }
  lines.push("SERVER_VIP_DEVICE=dummy0", "SERVER_NET_DEVICE=eth0", "");
  return lines.join("\n");
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Median wall time (ms) of `runs` runs after one warm-up, and the peak RSS (MiB) of one more. */
function measure(cmd: string[], runs: number): { ms: number; rss: number | undefined } {
  const run = () => {
    const t = process.hrtime.bigint();
    const p = spawnSync(cmd[0]!, cmd.slice(1), { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (p.status !== 0) throw new Error(`${cmd.join(" ")} exited ${p.status}: ${p.stderr}`);
    return ms;
  };
  run();
  const times = Array.from({ length: runs }, run);
  let rss: number | undefined;
  if (existsSync("/usr/bin/time")) {
    const p = spawnSync("/usr/bin/time", ["-f", "%M", ...cmd], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const kb = Number(p.stderr.trim().split("\n").pop());
    if (Number.isFinite(kb)) rss = kb / 1024;
  }
  return { ms: median(times), rss };
}

const has = (c: string) => spawnSync("sh", ["-c", `command -v ${c}`]).status === 0;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const pad = (s: string, n: number) => s.padEnd(n);

console.log(`lvsc bench on ${cpus().length} x ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, node ${process.version}`);
console.log(`medians of ${RUNS} runs after a warm-up (fewer for the largest), whole processes\n`);

const node = measure([process.execPath, "-e", "0"], RUNS);
if (!ONLY_VM) {
console.log(`baseline  node -e 0: ${fmt(node.ms)}, peak RSS ${node.rss?.toFixed(0) ?? "?"} MiB\n`);

const sizes = [
  { name: "walkthrough (2 x 2)", file: join(ROOT, "examples/lvs_dr.conf"), rs: 4, runs: RUNS, hosts: [] as string[] },
  { name: "1,000 x 10", file: join(work, "lvs_1k.conf"), rs: 10_000, runs: RUNS, hosts: ["--hosts", "/dev/null"], gen: [1000, 10] },
  { name: "10,000 x 10", file: join(work, "lvs_10k.conf"), rs: 100_000, runs: Math.max(3, Math.ceil(RUNS / 3)), hosts: ["--hosts", "/dev/null"], gen: [10_000, 10] },
];
const rows: string[][] = [["conf", "command", "median", "vs node -e 0", "vs keepalived -t", "peak RSS", "per 1,000 real servers"]];
const lintMs: number[] = [];
for (const s of sizes) {
  if (s.gen !== undefined) writeFileSync(s.file, cluster(s.gen[0]!, s.gen[1]!));
  const out = join(work, "out");
  let keepalived: { ms: number; rss: number | undefined } | undefined;
  if (has("keepalived")) {
    execFileSync(process.execPath, [CLI, "compile", s.file, ...s.hosts, "--target", "keepalived", "-o", join(work, "ka")]);
    keepalived = measure(["keepalived", "-t", "-f", join(work, "ka", "keepalived.conf")], s.runs);
    rows.push([s.name, "keepalived -t", fmt(keepalived.ms), `${(keepalived.ms / node.ms).toFixed(2)}x`, "1.00x", `${keepalived.rss?.toFixed(0) ?? "?"} MiB`, fmt((keepalived.ms / s.rs) * 1000)]);
  }
  for (const [label, cmd] of [
    ["lvsc lint", [process.execPath, CLI, "lint", s.file, ...s.hosts]],
    ["lvsc compile", [process.execPath, CLI, "compile", s.file, ...s.hosts, "-o", out]],
  ] as const) {
    const m = measure([...cmd], s.runs);
    if (label === "lvsc lint") lintMs.push(m.ms);
    rows.push([
      s.name,
      label,
      fmt(m.ms),
      `${(m.ms / node.ms).toFixed(2)}x`,
      keepalived !== undefined ? `${(m.ms / keepalived.ms).toFixed(2)}x` : "-",
      `${m.rss?.toFixed(0) ?? "?"} MiB`,
      fmt((m.ms / s.rs) * 1000),
    ]);
  }
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows) console.log(r.map((c, i) => pad(c, widths[i]!)).join("  "));
const growth = lintMs[2]! / lintMs[1]!;
const growthNet = (lintMs[2]! - node.ms) / (lintMs[1]! - node.ms);
console.log(`\ngrowth, lint 10,000 x 10 against 1,000 x 10 (10x the input): ${growth.toFixed(1)}x whole process, ${growthNet.toFixed(1)}x without node's start`);
}

// ---- the director's start in the VM ----
const missing = unavailable();
const why = NO_VM ? "--no-vm" : missing !== undefined ? `missing: ${missing.commands.join(", ")}; apt-get install ${missing.packages.join(" ")}` : undefined;
if (why !== undefined) {
  console.log(`\nVM: skipped (${why})`);
} else {
  const dir = mkdtempSync(join(tmpdir(), "lvsc-bench-vm-"));
  const lvs = join(dir, "lvs");
  cpSync(join(ROOT, "test/e2e/guest"), lvs, { recursive: true });
  mkdirSync(join(lvs, "perf"));
  writeFileSync(join(work, "lvs_10kx4.conf"), cluster(10_000, 4));
  mkdirSync(join(work, "next"));
  execFileSync(process.execPath, [CLI, "compile", join(work, "lvs_10kx4.conf"), "--hosts", "/dev/null", "--target", "rc,rules", "-o", join(lvs, "perf")]);
  // the reload's conf: one weight changed, compiled into perf/next/
  writeFileSync(join(work, "next", "lvs_10kx4.conf"), cluster(10_000, 4, 5_000), { flag: "w" });
  execFileSync(process.execPath, [CLI, "compile", join(work, "next", "lvs_10kx4.conf"), "--hosts", "/dev/null", "--target", "rc", "-o", join(lvs, "perf", "next")]);
  writeFileSync(join(lvs, "perf", "mode"), "\n");
  writeFileSync(join(lvs, "scenarios"), "perf perf 1800\n");
  const vm = await runVm(buildImage(), dir, { timeoutMs: 1_800_000 });
  const line = /LVSC-E2E PERF (.*)/.exec(vm.console)?.[1];
  const rules = vm.scenarios.get("perf")?.checks.get("rules");
  if (line === undefined) console.log(`\nVM: no result (booted ${vm.booted}, timed out ${vm.timedOut})\n${vm.console.slice(-2000)}`);
  else {
    const f = Object.fromEntries(line.split(" ").map((kv) => kv.split("=") as [string, string]));
    console.log(
      `\nVM (${vm.accel}, kernel in qemu): 10,000 services x 4 real servers, ${f["rules"]} ipvsadm lines\n` +
        `  raw ipvsadm -R:            ${f["raw"]} s\n` +
        `  rc.lvs_dr start:           ${f["start"]} s  (${(Number(f["start"]) / Number(f["raw"])).toFixed(2)}x raw; one ipvsadm -R batch, after reading the live table once)\n` +
        `  second start (no change):  ${f["second_start"]} s\n` +
        `  table equals ipvsadm.rules: ${rules?.pass === true ? "yes" : `NO (${rules?.detail ?? "not checked"})`}\n` +
        `  bare ipvsadm -S -n:         ${f["save"]} s  (the same table)\n` +
        `  reload, one weight changed: ${f["reload"]} s  (${(Number(f["reload"]) / Number(f["save"])).toFixed(2)}x ipvsadm -S -n; ${f["reload_changes"]} change(s), ${f["reload_edits"]} of them ipvsadm -e)`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}
rmSync(work, { recursive: true, force: true });
