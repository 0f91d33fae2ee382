// npm run bench: whole-process timings of `lvsc lint` and `lvsc compile` on confs of growing
// size, against baselines run in the same invocation (bare `node -e 0`; `keepalived -t` on the
// same cluster when keepalived is installed), `show --format svg` (the picture) against lint, and,
// in the real-kernel VM when qemu is here, the director's `start` for 10,000 services x 4 real
// servers against a raw `ipvsadm -R`, and a reload that changes one weight against a bare
// `ipvsadm -S -n` of the same table.
// The goals (start-up; lint 10,000 x 10 against keepalived -t with and without health checks;
// compile 10,000 x 10 against lint) are measured with the commands of each comparison run in
// turn, so that a busy machine slows all alike.
//
//   npm run bench [-- --runs N] [-- --no-vm | --only-vm | --only-goals | --only-ipv6]
//
// The start-up goal runs the installed `lvsc` on PATH (npm link or npm install -g), each run in a
// fresh `sh -c`, as a user's shell runs it; without one on PATH it runs dist/cli.cjs and says so.
//
// A benchmark, not a test: it prints figures and asserts nothing.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem, tmpdir } from "node:os";
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
/** Only issue 16's goals (start-up, lint 10,000 x 10 against keepalived -t): a minute or two. */
const ONLY_GOALS = args.includes("--only-goals");
/** Only issue 18's goals: lint and compile of a 10,000 x 10 IPv6 conf and of a dual-stack one against the IPv4 one. */
const ONLY_IPV6 = args.includes("--only-ipv6");
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

/**
 * cluster() on IPv6 (`2001:db8::/32` addresses, the same shape and text forms: services, weights,
 * persistence with an IPv6 prefix), or dual stack: an IPv4 VIP and an IPv6 VIP serving every
 * service, each real server given by an address of each family.
 */
function cluster6(services: number, realServers: number, dual: boolean): string {
  const lines = ["LVS_TYPE=VS_DR", "INITIAL_STATE=on"];
  if (dual) lines.push("VIP=eth0:101 10.0.0.1 255.0.0.0 10.255.255.255");
  lines.push("VIP=eth0 2001:db8::1/32");
  if (dual) lines.push("DIRECTOR_INSIDEIP=eth0 10.0.0.2 10.0.0.0 255.0.0.0 10.255.255.255");
  lines.push("DIRECTOR_INSIDEIP=eth0 2001:db8::2/32");
  for (let i = 0; i < services; i++) {
    const rs: string[] = [];
    for (let j = 0; j < realServers; j++) {
      if (dual) rs.push(`10.${1 + (i >> 8) % 250}.${i & 255}.${10 + j},${1 + j}`);
      rs.push(`2001:db8:${(1 + (i >> 8) % 250).toString(16)}:${(i & 255).toString(16)}::${(10 + j).toString(16)},${1 + j}`);
    }
    lines.push(`SERVICE=t ${1 + i} wrr ppc -t 600${dual ? "" : " -M 64"} ${rs.join(" ")}`);
  }
  lines.push("SERVER_VIP_DEVICE=lo", "SERVER_NET_DEVICE=eth0", "");
  return lines.join("\n");
}

/**
 * Issue 18's goal: lint and compile of a 10,000 x 10 IPv6 conf within 1.2x of the IPv4 conf of the
 * same size; the dual-stack conf (twice the services and real servers in the kernel's table)
 * against the IPv4 conf too, and against twice its time. The commands take turns.
 */
function ipv6Goals(n: number): void {
  const v4 = join(work, "lvs_10k.conf");
  const v6 = join(work, "lvs6_10k.conf");
  const dual = join(work, "lvs_dual_10k.conf");
  writeFileSync(v4, cluster(10_000, 10));
  writeFileSync(v6, cluster6(10_000, 10, false));
  writeFileSync(dual, cluster6(10_000, 10, true));
  console.log(`
IPv6 (issue 18): 10,000 services x 10 real servers, IPv4 against IPv6 and dual stack; ${n} rounds, the commands taking turns; medians, and the range of the rounds' ratios`);
  for (const verb of ["lint", "compile"] as const) {
    const cmd = (f: string) => [process.execPath, CLI, verb, f, "--hosts", "/dev/null", ...(verb === "compile" ? ["-o", join(work, `out6-${f.length}`)] : [])];
    const [t4, t6, td] = rounds([cmd(v4), cmd(v6), cmd(dual)], n);
    const r6 = ratios(t6!, t4!);
    const rd = ratios(td!, t4!);
    const ratio6 = t6!.median / t4!.median;
    console.log(`  lvsc ${verb}: IPv4 ${fmt(t4!.median)}, IPv6 ${fmt(t6!.median)}, dual stack ${fmt(td!.median)} (peak RSS ${t4!.rss?.toFixed(0) ?? "?"} / ${t6!.rss?.toFixed(0) ?? "?"} / ${td!.rss?.toFixed(0) ?? "?"} MiB)`);
    console.log(`    IPv6 / IPv4: ${ratio6.toFixed(2)}x (rounds ${r6.min.toFixed(2)}-${r6.max.toFixed(2)}x; goal <= 1.2x): ${ratio6 <= 1.2 ? "meets the goal" : "MISSES the goal"}`);
    console.log(`    dual stack / IPv4: ${(td!.median / t4!.median).toFixed(2)}x (rounds ${rd.min.toFixed(2)}-${rd.max.toFixed(2)}x; it holds twice the services and real servers: goal <= 2.4x, 1.2 x 2): ${td!.median / t4!.median <= 2.4 ? "meets the goal" : "MISSES the goal"}`);
  }
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

interface Timing {
  /** Wall times (ms) of the rounds, in order. */
  times: number[];
  median: number;
  /** Peak RSS (MiB) of the process sh runs, the highest of three runs under /usr/bin/time; undefined without it. */
  rss: number | undefined;
}

/**
 * Each command once to warm up, then `n` rounds of every command in turn (so that a busy machine
 * slows all alike), then three runs each under /usr/bin/time for the peak RSS.
 */
function rounds(cmds: string[][], n: number): Timing[] {
  const once = (cmd: string[]) => {
    const t = process.hrtime.bigint();
    const p = spawnSync(cmd[0]!, cmd.slice(1), { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    if (p.status !== 0) throw new Error(`${cmd.join(" ")} exited ${p.status}: ${p.stderr}`);
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  for (const c of cmds) once(c);
  const times = cmds.map(() => [] as number[]);
  for (let i = 0; i < n; i++) cmds.forEach((c, k) => times[k]!.push(once(c)));
  return cmds.map((c, k) => ({ times: times[k]!, median: median(times[k]!), rss: peakRss(c) }));
}

/** The highest of three peak RSS figures (MiB), from /usr/bin/time; with `sh -c X`, sh execs X, so the figure is X's. */
function peakRss(cmd: string[]): number | undefined {
  if (!existsSync("/usr/bin/time")) return undefined;
  let peak: number | undefined;
  for (let i = 0; i < 3; i++) {
    const p = spawnSync("/usr/bin/time", ["-f", "%M", ...cmd], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    const kb = Number(p.stderr.trim().split("\n").pop());
    if (Number.isFinite(kb)) peak = Math.max(peak ?? 0, kb / 1024);
  }
  return peak;
}

/** The lowest and highest of the rounds' ratios a/b (round i of a against round i of b). */
function ratios(a: Timing, b: Timing): { min: number; max: number } {
  const r = a.times.map((t, i) => t / b.times[i]!);
  return { min: Math.min(...r), max: Math.max(...r) };
}

/** A word for sh -c. */
const shq = (s: string) => (/^[\w./,:=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/** keepalived.conf without its health-check blocks (`TCP_CHECK { … }` and the like), braces counted. */
function withoutChecks(conf: string): string {
  const out: string[] = [];
  let depth = 0;
  for (const line of conf.split("\n")) {
    if (depth === 0 && /^\s*[A-Z_]+_(CHECK|GET)\s*\{\s*$/.test(line)) depth = 1;
    else if (depth > 0) depth += (line.match(/\{/g)?.length ?? 0) - (line.match(/\}/g)?.length ?? 0);
    else out.push(line);
  }
  return out.join("\n");
}

const has = (c: string) => spawnSync("sh", ["-c", `command -v ${c}`]).status === 0;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const pad = (s: string, n: number) => s.padEnd(n);

console.log(`lvsc bench on ${cpus().length} x ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, node ${process.version}`);
console.log(`medians of ${RUNS} runs after a warm-up (fewer for the largest), whole processes\n`);

const node = measure([process.execPath, "-e", "0"], RUNS);
if (ONLY_IPV6) ipv6Goals(Math.max(5, Math.ceil(RUNS / 2)));
if (!ONLY_VM && !ONLY_GOALS && !ONLY_IPV6) {
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

// ---- the topology picture: Graphviz (WebAssembly) is loaded by show --format svg only
const pictures = [
  { name: "walkthrough (2 x 2)", file: join(ROOT, "examples/lvs_dr.conf"), hosts: [] as string[] },
  { name: "200 x 10", file: join(work, "lvs_200.conf"), hosts: ["--hosts", "/dev/null"], gen: [200, 10] },
];
const picRows: string[][] = [["conf", "command", "median", "vs node -e 0", "vs lvsc lint", "peak RSS"]];
for (const p of pictures) {
  if (p.gen !== undefined) writeFileSync(p.file, cluster(p.gen[0]!, p.gen[1]!));
  const lint = measure([process.execPath, CLI, "lint", p.file, ...p.hosts], RUNS);
  for (const [label, cmd] of [
    ["lvsc lint", [process.execPath, CLI, "lint", p.file, ...p.hosts]],
    ["lvsc show --format svg", [process.execPath, CLI, "show", p.file, ...p.hosts, "--format", "svg"]],
  ] as const) {
    const m = label === "lvsc lint" ? lint : measure([...cmd], RUNS);
    picRows.push([p.name, label, fmt(m.ms), `${(m.ms / node.ms).toFixed(2)}x`, `${(m.ms / lint.ms).toFixed(2)}x`, `${m.rss?.toFixed(0) ?? "?"} MiB`]);
  }
}
console.log("");
const picWidths = picRows[0]!.map((_, i) => Math.max(...picRows.map((r) => r[i]!.length)));
for (const r of picRows) console.log(r.map((c, i) => pad(c, picWidths[i]!)).join("  "));
compileGoals(sizes[2]!.file, Math.max(5, Math.ceil(RUNS / 2)));
ipv6Goals(Math.max(5, Math.ceil(RUNS / 2)));
}

// ---- the goals: start-up, and lint 10,000 x 10 against keepalived -t (issue 16) ----
if (!ONLY_VM && !ONLY_IPV6) {
  const pairs = Math.max(15, RUNS);
  console.log(`\ngoals (issue 16): whole processes as a user runs them, each started by a fresh \`sh -c\`; the commands of each comparison take turns, ${pairs} rounds after a warm-up; medians, and the range of the rounds' ratios`);
  console.log(`  machine load: ${loadavg().map((l) => l.toFixed(2)).join(" ")} (1, 5, 15 min) on ${cpus().length} cores before the goals`);
  const walkthrough = join(ROOT, "examples/lvs_dr.conf");
  // the installed lvsc, as a user runs it: the command on PATH (npm link or npm install -g); without one,
  // this checkout's dist/cli.cjs by its path, said so
  const onPath = spawnSync("sh", ["-c", "command -v lvsc"], { encoding: "utf8" }).stdout.trim();
  const real = onPath !== "" ? realpathSync(onPath) : "";
  const lvscCmd = onPath !== "" ? "lvsc" : shq(CLI);
  if (onPath === "") console.log(`  NOTE: no lvsc on PATH (npm link, or npm install -g .): running ${CLI} by its path instead`);
  else if (real !== realpathSync(CLI)) console.log(`  NOTE: lvsc on PATH is ${onPath} -> ${real}, not this checkout's dist/cli.cjs: the figures are that installation's`);
  else console.log(`  lvsc on PATH: ${onPath} -> ${real}`);
  const out = join(work, "goal-out");
  const sh = (cmd: string) => ["sh", "-c", cmd];
  // NODE_EXTRA_CA_CERTS makes every node parse those certificates before running any JavaScript
  // (a system bundle: most of `node -e 0`'s instructions), which raises the baseline and so lowers
  // every ratio; NODE_OPTIONS changes both sides too. Said, and the start-up measured without the
  // certificates as well.
  const certs = process.env["NODE_EXTRA_CA_CERTS"];
  for (const v of ["NODE_EXTRA_CA_CERTS", "NODE_OPTIONS"]) if (process.env[v] !== undefined) console.log(`  NOTE: ${v}=${process.env[v]} is set: every node process pays for it, node -e 0 as well`);
  const startup = rounds(
    [sh("node -e 0"), sh(`${lvscCmd} compile ${shq(walkthrough)} -o ${shq(out)}`), sh(`${lvscCmd} lint ${shq(walkthrough)}`), sh(`node ${shq(CLI)} compile ${shq(walkthrough)} -o ${shq(out)}`)],
    pairs,
  );
  const [base, compile, lint, direct] = startup;
  const line = (label: string, t: Timing, vs: Timing | undefined, goal?: number) => {
    let s = `    ${pad(label, 48)} ${pad(fmt(t.median), 7)}`;
    if (vs !== undefined) {
      const r = ratios(t, vs);
      s += `  ${(t.median / vs.median).toFixed(2)}x (rounds ${r.min.toFixed(2)}-${r.max.toFixed(2)}x)`;
      if (goal !== undefined) s += t.median / vs.median <= goal ? "  meets the goal" : "  MISSES the goal";
    }
    return s + (t.rss !== undefined ? `  peak RSS ${t.rss.toFixed(0)} MiB` : "");
  };
  console.log(`  start-up, the walkthrough conf (examples/lvs_dr.conf; goal: compile <= 1.3x node -e 0)`);
  console.log(line("sh -c 'node -e 0'", base!, undefined));
  console.log(line("sh -c 'lvsc compile lvs_dr.conf -o DIR'", compile!, base, 1.3));
  console.log(line("sh -c 'lvsc lint lvs_dr.conf'", lint!, base));
  console.log(line("sh -c 'node dist/cli.cjs compile …' (no PATH)", direct!, base));
  if (certs !== undefined) {
    const [bare, bareCompile] = rounds([sh("env -u NODE_EXTRA_CA_CERTS node -e 0"), sh(`env -u NODE_EXTRA_CA_CERTS ${lvscCmd} compile ${shq(walkthrough)} -o ${shq(out)}`)], pairs);
    console.log(`  the same without NODE_EXTRA_CA_CERTS (the node start most users have):`);
    console.log(line("sh -c 'env -u NODE_EXTRA_CA_CERTS node -e 0'", bare!, undefined));
    console.log(line("sh -c 'env -u … lvsc compile lvs_dr.conf -o DIR'", bareCompile!, bare, 1.3));
  }

  const big = join(work, "lvs_10k.conf");
  writeFileSync(big, cluster(10_000, 10));
  const lintBig = sh(`${lvscCmd} lint ${shq(big)} --hosts /dev/null`);
  const bigRounds = Math.max(5, Math.ceil(pairs / 2));
  console.log(`  lint of 10,000 services x 10 real servers (goal: faster than keepalived -t on the same cluster without checks; ${bigRounds} rounds)`);
  if (!has("keepalived")) {
    const [l] = rounds([lintBig], bigRounds);
    console.log(line("lvsc lint", l!, undefined));
    console.log(`    keepalived -t: NOT MEASURED, keepalived is not installed (apt-get install keepalived): the goal is unchecked`);
  } else {
    // keepalived.conf as lvsc writes it (a health check per real server), and the same file
    // without the checks: the same services, weights and persistence
    const ka = join(work, "ka-goal");
    execFileSync(process.execPath, [CLI, "compile", big, "--hosts", "/dev/null", "--target", "keepalived", "-o", ka]);
    const checked = join(ka, "keepalived.conf");
    const unchecked = join(ka, "keepalived-no-checks.conf");
    writeFileSync(unchecked, withoutChecks(readFileSync(checked, "utf8")));
    const version = spawnSync("keepalived", ["--version"], { encoding: "utf8" });
    const [without, lintMs, withChecks] = rounds([sh(`keepalived -t -f ${shq(unchecked)}`), lintBig, sh(`keepalived -t -f ${shq(checked)}`)], bigRounds);
    console.log(`    (${(version.stderr || version.stdout).split("\n")[0]})`);
    console.log(line("keepalived -t, the cluster without checks", without!, undefined));
    console.log(line("keepalived -t, a health check per real server", withChecks!, undefined));
    console.log(line("lvsc lint, against keepalived without checks", lintMs!, without, 1));
    console.log(`    lvsc lint against keepalived with checks: ${(lintMs!.median / withChecks!.median).toFixed(2)}x`);
  }
  // lvsc import of the same 10,000 x 10 cluster: its ipvsadm -S -n table and its keepalived.conf
  // (issue 20), against keepalived -t reading that keepalived.conf, taking turns
  {
    const imp = join(work, "import-goal");
    execFileSync(process.execPath, [CLI, "compile", big, "--hosts", "/dev/null", "--target", "rules,keepalived", "-o", imp]);
    const rules = join(imp, "ipvsadm.rules");
    const kaConf = join(imp, "keepalived.conf");
    const set = "--set 'VIP=eth0:1 10.0.0.1/8' --set 'DIRECTOR_INSIDEIP=eth0 10.0.0.2 10.0.0.0 255.0.0.0 10.255.255.255' --set SERVER_VIP_DEVICE=dummy0";
    const fromTable = sh(`${lvscCmd} import ${shq(rules)} --hosts /dev/null ${set} --force -o ${shq(join(work, "imported-table"))}`);
    const fromKa = sh(`${lvscCmd} import ${shq(kaConf)} --hosts /dev/null ${set} --force -o ${shq(join(work, "imported-ka"))}`);
    console.log(`  lvsc import of the 10,000 x 10 cluster (${bigRounds} rounds)`);
    if (has("keepalived")) {
      const [ka, t, k] = rounds([sh(`keepalived -t -f ${shq(kaConf)}`), fromTable, fromKa], bigRounds);
      console.log(line("keepalived -t of its keepalived.conf", ka!, undefined));
      console.log(line("lvsc import of its ipvsadm -S -n table", t!, ka, undefined));
      console.log(line("lvsc import of its keepalived.conf", k!, ka, undefined));
    } else {
      const [t, k] = rounds([fromTable, fromKa], bigRounds);
      console.log(line("lvsc import of its ipvsadm -S -n table", t!, undefined));
      console.log(line("lvsc import of its keepalived.conf", k!, undefined));
      console.log(`    keepalived -t: NOT MEASURED, keepalived is not installed (apt-get install keepalived)`);
    }
  }
  console.log(`  load after the goals: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

/**
 * Issue 12's goals for compile on 10,000 services x 10 real servers: at most 2x the time of lint
 * on the same conf, at most 300 MiB peak RSS. lint and compile run alternately (so a busy
 * machine slows both alike), each under /usr/bin/time for wall time, CPU time and peak RSS.
 */
function compileGoals(file: string, runs: number): void {
  if (!existsSync("/usr/bin/time")) {
    console.log("\ncompile goals: skipped (needs /usr/bin/time: apt-get install time)");
    return;
  }
  const out = join(work, "goals-out");
  const timed = (args: string[]) => {
    const p = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", process.execPath, CLI, ...args], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    if (p.status !== 0) throw new Error(`lvsc ${args.join(" ")} exited ${p.status}: ${p.stderr}`);
    const [wall, user, sys, kb] = p.stderr.trim().split("\n").pop()!.split(" ").map(Number);
    return { wall: wall! * 1000, cpu: (user! + sys!) * 1000, rss: kb! / 1024 };
  };
  const lint = ["lint", file, "--hosts", "/dev/null"];
  const compile = ["compile", file, "--hosts", "/dev/null", "-o", out];
  timed(lint);
  timed(compile);
  const l: ReturnType<typeof timed>[] = [];
  const c: ReturnType<typeof timed>[] = [];
  for (let i = 0; i < runs; i++) {
    l.push(timed(lint));
    c.push(timed(compile));
  }
  const med = (xs: ReturnType<typeof timed>[], k: "wall" | "cpu" | "rss") => median(xs.map((x) => x[k]));
  const peak = Math.max(...c.map((x) => x.rss));
  const verdict = (ok: boolean) => (ok ? "meets the goal" : "MISSES the goal");
  const wallRatio = med(c, "wall") / med(l, "wall");
  const cpuRatio = med(c, "cpu") / med(l, "cpu");
  console.log(
    `\ncompile 10,000 x 10 against its goals (${runs} alternating runs each; medians):\n` +
      `  lint:    ${fmt(med(l, "wall"))} wall, ${fmt(med(l, "cpu"))} CPU, peak RSS ${med(l, "rss").toFixed(0)} MiB\n` +
      `  compile: ${fmt(med(c, "wall"))} wall, ${fmt(med(c, "cpu"))} CPU, peak RSS ${peak.toFixed(0)} MiB (highest of the runs)\n` +
      `  time:    ${wallRatio.toFixed(2)}x lint wall, ${cpuRatio.toFixed(2)}x lint CPU (goal <= 2x): ${verdict(wallRatio <= 2)}\n` +
      `  memory:  ${peak.toFixed(0)} MiB (goal <= 300 MiB): ${verdict(peak <= 300)}`,
  );
}

// ---- the director's start in the VM ----
const missing = unavailable();
const why = NO_VM ? "--no-vm" : ONLY_GOALS ? "--only-goals" : ONLY_IPV6 ? "--only-ipv6" : missing !== undefined ? `missing: ${missing.commands.join(", ")}; apt-get install ${missing.packages.join(" ")}` : undefined;
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
