// Real-kernel tests of two directors: the generated keepalived.conf and keepalived.backup.conf
// run unchanged under Debian's keepalived on director1 and director2 (network namespaces in the
// qemu VM), the generated rc script prepares every host, and a client checks what issue 11 asks:
// steady state, failover (keepalived stopped, link down) with its time measured, a connection
// that survives through the connection sync, a real server failing and returning, director1
// coming back, NAT replies through the director that took over, INITIAL_STATE=off. Negative
// controls break the keepalived files the way a faulty template would, and must be caught.
//
//   npx vitest run --config vitest.e2e.config.ts test/e2e/ha.test.ts
//   LVSC_E2E_ONLY=ha-dr-stop,ha-nat-stop ...   a subset; LVSC_HA_REPORT=FILE keeps the figures
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { beforeAll, describe } from "vitest";
import { bundle, compileInto, scenarioTests, selected, unavailableSuite } from "./suite.js";
import { buildImage, mergeRuns, runVm, unavailable, type VmRun } from "./vm.js";

interface Scenario {
  name: string;
  topology: "ha_dr" | "ha_nat";
  mode: string;
  file: string;
  conf: string;
  hosts: string;
  /** Checks that must be reported and pass. */
  passes: string[];
  /** The scenario's bound in the VM, in seconds (run.sh's default: 300). */
  seconds?: number;
  /** More files for the guest script: name → text (the steady run's length). */
  extra?: Record<string, string>;
  /** A negative control: change the keepalived files, then these checks must fail. */
  breakKeepalived?: (text: string) => string;
  fails?: string[];
}

const DR_HOSTS = "192.168.0.11 director1\n192.168.0.12 director2\n192.168.0.3 rs1\n192.168.0.4 rs2\n";
const dr = (initial: "on" | "off") =>
  [
    "LVS_TYPE=VS_DR",
    `INITIAL_STATE=${initial}`,
    "VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.255",
    "DIRECTOR_INSIDEIP=eth0 192.168.0.1 192.168.0.0 255.255.255.0 192.168.0.255",
    "DIRECTOR_DEFAULT_GW=192.168.0.254",
    "DIRECTOR_PAIR=director1 director2",
    "SERVICE=t www rr rs1 rs2",
    "# the long-lived connection of the sync check",
    "SERVICE=t 5001 rr rs1 rs2",
    "SERVER_VIP_DEVICE=dummy0",
    "SERVER_NET_DEVICE=eth0",
    "SERVER_DEFAULT_GW=192.168.0.254",
    "",
  ].join("\n");

const NAT_HOSTS = "10.1.1.2 rs1\n10.1.1.3 rs2\n";
const NAT = [
  "LVS_TYPE=VS_NAT",
  "INITIAL_STATE=on",
  "VIP=eth0:110 192.168.1.110 255.255.255.0 192.168.1.255",
  "DIRECTOR_INSIDEIP=eth1 10.1.1.1 10.1.1.0 255.255.255.0 10.1.1.255",
  "DIRECTOR_DEFAULT_GW=192.168.1.254",
  "DIRECTOR_PAIR=10.1.1.11 10.1.1.12",
  "VRRP_PREEMPT=on",
  "SERVICE=t www rr rs1:www rs2:8080",
  "SERVER_DEFAULT_GW=10.1.1.1",
  "",
].join("\n");

/** Replaces `from` in a keepalived file, failing when it is not there (a vacuous control proves nothing). */
function replace(from: string | RegExp, to: string) {
  return (text: string) => {
    const out = text.replace(from, to);
    if (out === text) throw new Error(`negative control matched nothing: ${from}`);
    return out;
  };
}

const FAILOVERS = (kind: string, n: number) => Array.from({ length: n }, (_, i) => `failover-${kind}-${i + 1}`);

/** The fast timers the sub-second scenarios run: VRRPv3, an advert every 0.2 s (the bound: 0.65 s after the last advert). */
const FAST_ADVERT = process.env["LVSC_HA_ADVERT"] ?? "0.2";
const fastDr = () => `${dr("on")}VRRP_ADVERT=${FAST_ADVERT}\n`;

/** LVSC_HA_STEADY=SECS adds the long steady run (not in CI: see scripts/steady-failover.sh). */
const STEADY = Number(process.env["LVSC_HA_STEADY"] ?? 0);

const ALL_SCENARIOS: Scenario[] = [
  {
    name: "ha-dr-stop",
    topology: "ha_dr",
    mode: "stop",
    file: "lvs_dr.conf",
    conf: dr("on"),
    hosts: DR_HOSTS,
    passes: ["rules", "alternation", "placement", "arp", "prepare-status", "idempotent", ...FAILOVERS("stop", 2), "director1-returns", "restored"],
  },
  { name: "ha-dr-link", topology: "ha_dr", mode: "link", file: "lvs_dr.conf", conf: dr("on"), hosts: DR_HOSTS, passes: ["rules", "alternation", "placement", ...FAILOVERS("link", 2)] },
  { name: "ha-dr-conn", topology: "ha_dr", mode: "conn", file: "lvs_dr.conf", conf: dr("on"), hosts: DR_HOSTS, passes: ["rules", "placement", "failover", "connection-survives"] },
  {
    name: "ha-dr-rs",
    topology: "ha_dr",
    mode: "rs",
    file: "lvs_dr.conf",
    conf: dr("on"),
    hosts: DR_HOSTS,
    passes: ["rules", ...[1, 2, 3].flatMap((n) => [`rs-removal-${n}`, `rs-return-${n}`]), "alternation-after"],
  },
  {
    name: "ha-dr-off",
    topology: "ha_dr",
    mode: "off",
    file: "lvs_dr.conf",
    conf: dr("off"),
    hosts: DR_HOSTS,
    passes: ["initial-off-healthy-added", "initial-off-unhealthy-left-out", "initial-off-late-server-added", "alternation"],
  },
  {
    name: "ha-nat-stop",
    topology: "ha_nat",
    mode: "stop",
    file: "lvs_nat.conf",
    conf: NAT,
    hosts: NAT_HOSTS,
    passes: ["rules", "alternation", "placement", "arp", "prepare-status", ...[1, 2].flatMap((n) => [`failover-stop-${n}`, `replies-through-director2-${n}`, `director1-returns-${n}`]), "restored"],
  },
  {
    name: "ha-nat-link",
    topology: "ha_nat",
    mode: "link",
    file: "lvs_nat.conf",
    conf: NAT,
    hosts: NAT_HOSTS,
    passes: [...[1, 2].flatMap((n) => [`failover-link-${n}`, `replies-through-director2-${n}`, `director1-returns-${n}`])],
  },
  // ---- sub-second failover (VRRP_ADVERT): link down within 1 s, keepalived stopped within 0.6 s ----
  {
    name: "ha-dr-fast",
    topology: "ha_dr",
    mode: "fast",
    // six failovers, each followed by a switch back: near run.sh's 300 s on a loaded machine
    seconds: 600,
    file: "lvs_dr.conf",
    conf: fastDr(),
    hosts: DR_HOSTS,
    // each run within twice its bound, the median within the bound (guest/ha_lib.sh failover_median)
    passes: ["rules", "placement", ...FAILOVERS("link", 3), "failover-link-median", ...FAILOVERS("stop", 3), "failover-stop-median"],
  },
  ...(STEADY > 0
    ? [
        {
          name: "ha-dr-steady",
          topology: "ha_dr" as const,
          mode: "steady",
          seconds: STEADY + 600,
          file: "lvs_dr.conf",
          conf: fastDr(),
          hosts: DR_HOSTS,
          extra: { "steady-seconds": `${STEADY}\n` },
          passes: ["rules", "placement", "steady-master", "steady-requests"],
        },
        {
          // the same run with the default timers, beside it: what the load alone does
          name: "ha-dr-steady-default",
          topology: "ha_dr" as const,
          mode: "steady",
          seconds: STEADY + 600,
          file: "lvs_dr.conf",
          conf: dr("on"),
          hosts: DR_HOSTS,
          extra: { "steady-seconds": `${STEADY}\n` },
          passes: ["rules", "placement", "steady-master", "steady-requests"],
        },
      ]
    : []),
  // ---- negative controls ----
  {
    // the default timers (advert_int 1) cannot meet the fast scenario's 1 s bound on a link failure
    name: "broken-ha-dr-default-timers",
    topology: "ha_dr",
    mode: "fast-link",
    file: "lvs_dr.conf",
    conf: dr("on"),
    hosts: DR_HOSTS,
    passes: ["rules", "placement"],
    // about 3 s a failover (3 adverts of 1 s): the median misses the 1 s bound
    fails: ["failover-link-median"],
  },
  {
    name: "broken-ha-dr-no-sync",
    topology: "ha_dr",
    mode: "nosync",
    file: "lvs_dr.conf",
    conf: dr("on"),
    hosts: DR_HOSTS,
    // the failover itself still works: only the connection is lost
    passes: ["rules", "failover"],
    breakKeepalived: replace(/^ {4}lvs_sync_daemon .*\n/m, ""),
    fails: ["connection-survives"],
  },
  {
    name: "broken-ha-nat-static-dip",
    topology: "ha_nat",
    mode: "static-dip",
    file: "lvs_nat.conf",
    conf: NAT,
    hosts: NAT_HOSTS,
    passes: ["alternation", "vip-moved"],
    // the DIP no longer floats: VI_DIP holds some other address, and the lab puts the DIP on director1
    breakKeepalived: replace("        10.1.1.1/24 brd 10.1.1.255 dev eth1\n", "        10.1.1.99/24 brd 10.1.1.255 dev eth1\n"),
    fails: ["nat-failover"],
  },
];

const SCENARIOS = selected(ALL_SCENARIOS);

/** Compiles each scenario's conf with lvsc and lays out the bundle a VM runs. */
function bundleOf(scenarios: Scenario[]): string {
  return bundle(
    "lvsc-e2e-ha-",
    scenarios,
    (s, out) => {
      compileInto(s, s.conf, out, (f) => (s.breakKeepalived !== undefined && f.path.startsWith("keepalived") ? s.breakKeepalived(f.contents) : f.contents));
      writeFileSync(join(out, "mode"), `${s.mode}\n`);
      for (const [name, text] of Object.entries(s.extra ?? {})) writeFileSync(join(out, name), text);
    },
    (s) => `${s.name} ${s.topology}${s.seconds !== undefined ? ` ${s.seconds}` : ""}`,
  );
}

/** Seconds measured by a check: the first "N s" of its detail. */
function seconds(vm: VmRun, scenario: string, check: string): number | undefined {
  const d = vm.scenarios.get(scenario)?.checks.get(check);
  // a failover past its bound still measured its time: the figures count it too
  const m = d !== undefined && (d.pass || /^[\d.]+ s from the fault/.test(d.detail)) ? /([\d.]+) s\b/.exec(d.detail) : null;
  return m === null ? undefined : Number(m[1]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const missing = unavailable();
const noKeepalived = spawnSync("sh", ["-c", "command -v keepalived"]).status !== 0;
const why =
  missing !== undefined
    ? `missing on this machine: ${missing.commands.join(", ")}`
    : noKeepalived
      ? "missing on this machine: keepalived (copied into the VM image)"
      : undefined;
if (why !== undefined) unavailableSuite("two directors on a real kernel (qemu, keepalived)", why, [...(missing?.packages ?? []), ...(noKeepalived ? ["keepalived"] : [])], missing?.commands[0] ?? "keepalived");

describe.skipIf(why !== undefined)("two directors on a real kernel (qemu, keepalived)", () => {
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
    console.log(`lvsc e2e (two directors): ${vm.accel}, ${vm.wallSeconds.toFixed(0)} s wall; ${[...vm.scenarios].map(([n, s]) => `${n} ${s.duration}`).join(", ")}`);
    // the figures the README's Performance section reports
    const figures: [string, [string, string][]][] = [
      ["failover, keepalived stopped (DR, NAT)", [...FAILOVERS("stop", 2).map((c) => ["ha-dr-stop", c]), ...FAILOVERS("stop", 2).map((c) => ["ha-nat-stop", c])] as [string, string][]],
      ["failover, link down (DR, NAT inside link)", [...FAILOVERS("link", 2).map((c) => ["ha-dr-link", c]), ...FAILOVERS("link", 2).map((c) => ["ha-nat-link", c])] as [string, string][]],
      ["real server out of the table", [1, 2, 3].map((n) => ["ha-dr-rs", `rs-removal-${n}`])],
      ["real server back in the table", [1, 2, 3].map((n) => ["ha-dr-rs", `rs-return-${n}`])],
      ["INITIAL_STATE=off: healthy server in the table", [["ha-dr-off", "initial-off-healthy-added"]]],
      [`fast timers (VRRP_ADVERT=${FAST_ADVERT}): failover, link down (DR)`, FAILOVERS("link", 3).map((c) => ["ha-dr-fast", c])],
      [`fast timers (VRRP_ADVERT=${FAST_ADVERT}): failover, keepalived stopped (DR)`, FAILOVERS("stop", 3).map((c) => ["ha-dr-fast", c])],
      ["default timers, against the 1 s bound: failover, link down (DR)", FAILOVERS("link", 3).map((c) => ["broken-ha-dr-default-timers", c])],
    ];
    const lines = figures.flatMap(([what, checks]) => {
      const xs = checks.map(([s, c]) => seconds(vm, s, c)).filter((x): x is number => x !== undefined);
      return xs.length === 0 ? [] : [`${what}: median ${median(xs).toFixed(2)} s over ${xs.length} (${xs.map((x) => x.toFixed(2)).join(", ")})`];
    });
    for (const [scenario, timers] of [
      ["ha-dr-steady", `VRRP_ADVERT=${FAST_ADVERT}`],
      ["ha-dr-steady-default", "default timers"],
    ])
      for (const c of ["steady-master", "steady-requests"]) {
        const d = vm.scenarios.get(scenario!)?.checks.get(c);
        if (d !== undefined) lines.push(`steady run (${timers}), ${c}: ${d.pass ? "pass" : "FAIL"}: ${d.detail}`);
      }
    console.log(lines.join("\n"));
    const report = process.env["LVSC_HA_REPORT"];
    if (report !== undefined && report !== "") writeFileSync(report, `${vm.accel}\n${lines.join("\n")}\n`);
  }, 1_800_000);

  scenarioTests(() => vm, SCENARIOS);
});
