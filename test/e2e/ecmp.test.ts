// Real-kernel tests of N active directors behind an ECMP router (issue 21): a router namespace
// runs BIRD with the generated bird.router.conf and 90-lvs-router.conf, three directors run the
// generated rc.lvs_dr and bird.<name>.conf (the VIP announced by BGP, BFD), three real servers run
// rc.lvs_dr in their role and a paced download server, and a client runs 60 long downloads at once
// (guest/ecmp.sh). Checks: the flows spread over the directors; the three tables are the same, in
// the same kernel order, and a client port pinned through each director reaches the same real
// server; a director's link goes down mid-download and every download still completes from one
// real server (withdraw time and extra delays measured); drain, stop and BIRD stopped fail no download.
// Negative controls (sloppy_tcp=0, a reordered table on one director, wlc) must fail the
// download check.
//
//   npx vitest run --config vitest.e2e.config.ts test/e2e/ecmp.test.ts
//   LVSC_E2E_ONLY=ecmp-dies ...   a subset; LVSC_ECMP_REPORT=FILE keeps the figures
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, it } from "vitest";
import type { OutputFile } from "../../src/index.js";
import { mhPick, mhTable } from "./mh.js";
import { bundle, compileInto, scenarioTests, selected, unavailableSuite } from "./suite.js";
import { buildImage, mergeRuns, runVm, unavailable, type VmRun } from "./vm.js";

interface Scenario {
  name: string;
  /** guest/ecmp.sh's MODE */
  mode: "dies" | "drain" | "nosloppy" | "reorder" | "wlc";
  file: string;
  conf: string;
  hosts: string;
  passes: string[];
  /** A negative control: these checks must fail. */
  fails?: string[];
  /** A negative control's break of the compiled files. */
  change?: (f: OutputFile) => string;
  /** A bound on the scenario's run in the VM, in seconds. */
  seconds: number;
}

const HOSTS = [
  "192.0.2.11 director1",
  "192.0.2.12 director2",
  "192.0.2.13 director3",
  "192.0.2.21 rs1",
  "192.0.2.22 rs2",
  "192.0.2.23 rs3",
  "",
].join("\n");

/** The lab's conf: three active directors announcing the VIP to the router 192.0.2.1 by BGP with BFD. */
const conf = (scheduler = "mh -b mh-fallback,mh-port") =>
  [
    "LVS_TYPE=VS_DR",
    "INITIAL_STATE=on",
    "# the VIP is in no LAN's prefix: the router reaches it only through the BGP next hops",
    "VIP=dummy0 203.0.113.10 255.255.255.255 203.0.113.10",
    "DIRECTOR_INSIDEIP=eth0 192.0.2.10 192.0.2.0 255.255.255.0 192.0.2.255",
    "DIRECTOR_ACTIVE=director1 director2 director3",
    "BGP_LOCAL_AS=65010",
    "BGP_PEER=192.0.2.1 65000",
    "BGP_BFD=on",
    "# the real servers out of order: lvsc sorts them, so every director adds them in one order",
    `SERVICE=t www ${scheduler} rs3 rs1 rs2`,
    "SERVER_VIP_DEVICE=lo:0",
    "SERVER_NET_DEVICE=eth0",
    "SERVER_DEFAULT_GW=192.0.2.1",
    "",
  ].join("\n");

const ROUND = (n: number, kind: string) => [`spread-${n}`, `withdraw-${n}`, `${kind}-${n}`, `bgp-${n}`];

const ALL_SCENARIOS: Scenario[] = [
  {
    name: "ecmp-dies",
    mode: "dies",
    file: "lvs_dr.conf",
    conf: conf(),
    hosts: HOSTS,
    passes: ["announced", "rules", "order", "mh-model", "same-choice", ...ROUND(1, "die"), ...ROUND(2, "die"), "bounded"],
    seconds: 600,
  },
  {
    name: "ecmp-drain",
    mode: "drain",
    file: "lvs_dr.conf",
    conf: conf(),
    hosts: HOSTS,
    passes: ["announced", "rules", "order", ...ROUND(1, "drain"), "status-drained", "drain-keeps-table", "start-announces", ...ROUND(2, "stop"), "stop-restores", ...ROUND(3, "bird"), "bounded"],
    seconds: 500,
  },
  // ---- negative controls: each must fail the download check
  {
    name: "broken-ecmp-no-sloppy",
    mode: "nosloppy",
    file: "lvs_dr.conf",
    conf: conf(),
    hosts: HOSTS,
    // the lab turns sloppy_tcp off on every director after start: a survivor answers the dead
    // director's flows with a RST
    passes: ["announced", "rules", "spread-1", "withdraw-1", "bounded"],
    fails: ["die-1"],
    seconds: 400,
  },
  {
    name: "broken-ecmp-reordered",
    mode: "reorder",
    file: "lvs_dr.conf",
    conf: conf(),
    hosts: HOSTS,
    // director3 gets the same real servers added in the opposite order (ipvsadm.reversed.rules):
    // ipvsadm -S -n sorts, so the saves still match, but mh builds another table
    passes: ["announced", "rules", "mh-model", "spread-1", "withdraw-1", "bounded"],
    fails: ["order", "same-choice", "die-1"],
    seconds: 400,
  },
  {
    name: "broken-ecmp-wlc",
    mode: "wlc",
    file: "lvs_dr.conf",
    conf: conf("wlc"),
    hosts: HOSTS,
    passes: ["announced", "rules", "order", "spread-1", "withdraw-1", "bounded"],
    // (mh-model's negative control: a wlc table is not the model's)
    fails: ["mh-model", "same-choice", "die-1"],
    seconds: 400,
  },
];

const SCENARIOS = selected(ALL_SCENARIOS);

/** ipvsadm.rules with each service's real servers in the opposite order. */
function reversedRules(rules: string): string {
  const out: string[] = [];
  let servers: string[] = [];
  for (const line of rules.split("\n")) {
    if (line.startsWith("-a ")) {
      servers.push(line);
      continue;
    }
    out.push(...servers.reverse());
    servers = [];
    out.push(line);
  }
  out.push(...servers.reverse());
  return out.join("\n");
}

const CLIENT = "198.51.100.2";
const NAMES = new Map(HOSTS.split("\n").filter((l) => l !== "").map((l) => l.split(" ") as [string, string]));

/** The real servers (address, port) of ipvsadm.rules' first service in the kernel's list order: the reverse of the file's. */
function kernelOrder(rules: string): [string, number][] {
  const servers = rules
    .split("\n")
    .map((l) => / -r (\d+\.\d+\.\d+\.\d+):(\d+) /.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1]!, Number(m[2])] as [string, number]);
  return servers.reverse();
}

/** "PORT NAME" lines: the real server the model of mh picks for each client port. */
const predicted = (table: string[], ports: number[]) => ports.map((p) => `${p} ${NAMES.get(mhPick(table, CLIENT, p)) ?? "?"}\n`).join("");

/** The guest's inputs besides the compiled files: the mode, the client ports and the model's predictions. */
function laneFiles(s: Scenario, out: string): void {
  writeFileSync(join(out, "mode"), `${s.mode}\n`);
  const rules = readFileSync(join(out, "ipvsadm.rules"), "utf8");
  const table = mhTable(kernelOrder(rules));
  let pinned = Array.from({ length: 30 }, (_, i) => 40000 + i);
  if (s.mode === "reorder") {
    const reversed = reversedRules(rules);
    if (reversed === rules) throw new Error(`${s.name}: reversing the real servers changed nothing`);
    writeFileSync(join(out, "ipvsadm.reversed.rules"), reversed);
    // the client ports on which the two orders pick different real servers (about 0.1 %): 60 for
    // the downloads, 12 for the pinned connections
    const other = mhTable(kernelOrder(reversed));
    const differ: number[] = [];
    for (let p = 1024; p < 65536 && differ.length < 72; p++) if (mhPick(table, CLIENT, p) !== mhPick(other, CLIENT, p)) differ.push(p);
    if (differ.length < 72) throw new Error(`${s.name}: only ${differ.length} client ports where the orders differ`);
    writeFileSync(join(out, "download-ports"), differ.slice(0, 60).map((p) => `${p}\n`).join(""));
    pinned = differ.slice(60);
  }
  writeFileSync(join(out, "pinned-ports"), pinned.map((p) => `${p}\n`).join(""));
  writeFileSync(join(out, "pinned-expected"), predicted(table, pinned));
}

function bundleOf(scenarios: Scenario[]): string {
  return bundle(
    "lvsc-e2e-ecmp-",
    scenarios,
    (s, out) => {
      compileInto(s, s.conf, out, s.change);
      laneFiles(s, out);
    },
    (s) => `${s.name} ecmp ${s.seconds}`,
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** A number after `label` in a passed check's detail. */
function figure(vm: VmRun, scenario: string, check: string, label: RegExp): number | undefined {
  const d = vm.scenarios.get(scenario)?.checks.get(check);
  const m = d?.pass === true ? label.exec(d.detail) : null;
  return m === null ? undefined : Number(m[1]);
}

const missing = unavailable();
const noBird = spawnSync("sh", ["-c", "for b in bird birdc; do command -v $b >/dev/null || [ -x /usr/sbin/$b ] || exit 1; done"]).status !== 0;
const why =
  missing !== undefined
    ? `missing on this machine: ${missing.commands.join(", ")}`
    : noBird
      ? "missing on this machine: bird, birdc (bird2, copied into the VM image)"
      : undefined;
const TITLE = "N active directors behind an ECMP router (qemu, BIRD)";
if (why !== undefined) unavailableSuite(TITLE, why, [...(missing?.packages ?? []), ...(noBird ? ["bird2"] : [])], missing?.commands[0] ?? "bird");
// On by default, in CI too; LVSC_E2E_ECMP=0 leaves it out, visibly. Its BFD sessions (300 ms x 3)
// need a host that gives the TCG guest its core: CI runs the e2e files one at a time, and there the
// whole lab passed (2026-12-02 13:25, idle 2-core machine, 55 of 55 checks, 361 s). With other VMs
// on the host (load average 7) the guest pauses for 0.3 to 1.1 s (a nice -20 probe in it saw the
// gaps) and BFD takes the router's sessions down, even at 500 ms x 3; a failed bgp-N check says so.
const OPT_OUT = process.env["LVSC_E2E_ECMP"] === "0";
if (why === undefined && OPT_OUT)
  describe(TITLE, () => {
    it("runs every scenario (left out: LVSC_E2E_ECMP=0)", (ctx) => {
      console.warn(`\n*** lvsc e2e, ${TITLE}: SKIPPED: LVSC_E2E_ECMP=0 ***\n`);
      ctx.skip("left out: LVSC_E2E_ECMP=0");
    });
  });

describe.skipIf(why !== undefined || OPT_OUT)(TITLE, () => {
  let vm: VmRun;

  beforeAll(async () => {
    const image = buildImage();
    const jobs = Math.max(1, Math.min(Number(process.env["LVSC_E2E_JOBS"] ?? availableParallelism()), SCENARIOS.length));
    const groups: Scenario[][] = Array.from({ length: jobs }, () => []);
    SCENARIOS.forEach((s, i) => groups[i % jobs]!.push(s));
    const timeoutMs = Number(process.env["LVSC_E2E_TIMEOUT"] ?? 1500) * 1000;
    vm = mergeRuns(await Promise.all(groups.map((g) => runVm(image, bundleOf(g), { timeoutMs }))));
    const log = process.env["LVSC_E2E_LOG"];
    if (log !== undefined && log !== "") writeFileSync(log, vm.console);
    console.log(`lvsc e2e (ECMP): ${vm.accel}, ${vm.wallSeconds.toFixed(0)} s wall; ${[...vm.scenarios].map(([n, s]) => `${n} ${s.duration}`).join(", ")}`);
    // the figures for the README: medians over the rounds of the passing scenarios
    const rounds: [string, string][] = [
      ["ecmp-dies", "1"],
      ["ecmp-dies", "2"],
    ];
    const rows: [string, (number | undefined)[]][] = [
      ["director dies (link down): router's route withdrawn, s", rounds.map(([s, n]) => figure(vm, s, `withdraw-${n}`, /^([\d.]+) s\b/))],
      ["director dies: extra delay of its flows, s", rounds.map(([s, n]) => figure(vm, s, `die-${n}`, /flows median (-?[\d.]+) s/))],
      ["director dies: extra delay of flows moved between survivors, s", rounds.map(([s, n]) => figure(vm, s, `die-${n}`, /movers median (-?[\d.]+) s/))],
      ["director dies: flows moved between survivors", rounds.map(([s, n]) => figure(vm, s, `die-${n}`, /flows, (\d+) others moved/))],
      ["drain (rc.lvs_dr drain): route withdrawn, s", [figure(vm, "ecmp-drain", "withdraw-1", /^([\d.]+) s\b/)]],
      ["stop (rc.lvs_dr stop): route withdrawn, s", [figure(vm, "ecmp-drain", "withdraw-2", /^([\d.]+) s\b/)]],
      ["BIRD stopped (SIGTERM): route withdrawn, s", [figure(vm, "ecmp-drain", "withdraw-3", /^([\d.]+) s\b/)]],
    ];
    const lines = rows.flatMap(([what, all]) => {
      const xs = all.filter((x): x is number => x !== undefined);
      return xs.length === 0 ? [] : [`${what}: median ${median(xs).toFixed(2)} over ${xs.length} (${xs.map((x) => x.toFixed(2)).join(", ")})`];
    });
    console.log(lines.join("\n"));
    const report = process.env["LVSC_ECMP_REPORT"];
    if (report !== undefined && report !== "") writeFileSync(report, `${vm.accel}\n${lines.join("\n")}\n`);
  }, 1_800_000);

  scenarioTests(() => vm, SCENARIOS);
});
