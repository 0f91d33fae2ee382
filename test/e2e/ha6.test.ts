// ==== IPv6 HA pair (issue 18): two directors over IPv6, VRRPv3, on a real kernel ====
// The generated keepalived.conf and keepalived.backup.conf of an IPv6 DIRECTOR_PAIR run unchanged
// under Debian's keepalived on director1 and director2 (network namespaces in the qemu VM), the
// generated rc script prepares every host, and an IPv6 client checks: steady state, the router's
// neighbour entry for the VIP, a connection that survives a failover through the connection sync
// over ff02::8:81, and failovers (link down, keepalived stopped) measured against the bounds the
// IPv4 pair's fast scenario asserts (test/e2e/ha.test.ts ha-dr-fast: VRRP_ADVERT=0.2, link down
// 1 s, keepalived stopped 0.6 s, medians of 3 runs, each run within twice its bound).
// Negative controls: a wrong virtual_router_id on director2, a router that ignores unsolicited
// neighbour advertisements, no lvs_sync_daemon. Guest script: test/e2e/guest/ha6_dr.sh.
//
//   CI=true npx vitest run --config vitest.e2e.config.ts test/e2e/ha6.test.ts
//   LVSC_E2E_ONLY=ha6-dr-fast ...   a subset
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, it } from "vitest";
import { bundle, compileInto, scenarioTests, selected, unavailableSuite } from "./suite.js";
import { buildImage, mergeRuns, runVm, unavailable, type VmRun } from "./vm.js";

interface Scenario {
  name: string;
  mode: string;
  file: string;
  conf: string;
  hosts: string;
  passes: string[];
  seconds?: number;
  /** More files for the guest script: name → text. */
  extra?: Record<string, string>;
  /** A negative control: change one generated file (path → new text), then these checks must fail. */
  breakFile?: (path: string, text: string) => string;
  fails?: string[];
}

const HOSTS6 = "2001:db8::11 director1\n2001:db8::12 director2\n2001:db8::3 rs1\n2001:db8::4 rs2\n";
const DR6 = [
  "LVS_TYPE=VS_DR",
  "INITIAL_STATE=on",
  "VIP=eth0 2001:db8::101/64",
  "DIRECTOR_INSIDEIP=eth0 2001:db8::1/64",
  "DIRECTOR_DEFAULT_GW=2001:db8::fe",
  "DIRECTOR_PAIR=director1 director2",
  // the fast timers of ha.test.ts's ha-dr-fast (the bounds below are its bounds)
  "VRRP_ADVERT=0.2",
  "SERVICE=t www rr rs1 rs2",
  "# the long-lived connection of the sync check",
  "SERVICE=t 5001 rr rs1 rs2",
  "SERVER_VIP_DEVICE=lo",
  "SERVER_NET_DEVICE=eth0",
  "SERVER_DEFAULT_GW=2001:db8::fe",
  "",
].join("\n");

/** Replaces `from` in the file `only`, failing when it is not there (a vacuous control proves nothing). */
function replaceIn(only: string, from: string | RegExp, to: string) {
  return (path: string, text: string) => {
    if (path !== only) return text;
    const out = text.replace(from, to);
    if (out === text) throw new Error(`negative control matched nothing in ${only}: ${from}`);
    return out;
  };
}

const FAILOVERS = (kind: string, n: number) => Array.from({ length: n }, (_, i) => `failover-${kind}-${i + 1}`);
const MOVED = (kind: string, n: number) => Array.from({ length: n }, (_, i) => `nd-moved-${kind}-${i + 1}`);

const ALL_SCENARIOS: Scenario[] = [
  {
    name: "ha6-dr-fast",
    mode: "fast",
    seconds: 900,
    file: "lvs_dr6.conf",
    conf: DR6,
    hosts: HOSTS6,
    passes: [
      "rules",
      "alternation",
      "placement",
      "nd",
      "failover",
      "connection-survives",
      ...FAILOVERS("link", 3),
      ...MOVED("link", 3),
      "failover-link-median",
      ...FAILOVERS("stop", 3),
      ...MOVED("stop", 3),
      "failover-stop-median",
    ],
  },
  // ---- negative controls ----
  {
    // director2 in another virtual router: it hears no adverts of its own VRID and takes the VIP too
    name: "broken-ha6-dr-vrid",
    mode: "placement",
    file: "lvs_dr6.conf",
    conf: DR6,
    hosts: HOSTS6,
    passes: ["rules"],
    breakFile: replaceIn("keepalived.backup.conf", /^( {4}virtual_router_id) 1$/m, "$1 2"),
    fails: ["placement"],
  },
  {
    // the router drops unsolicited NAs: its entry for the VIP keeps director1's MAC until NUD
    // finds it dead (5 s DELAY, then probes): the failover misses the 1 s bound
    name: "broken-ha6-dr-no-na",
    mode: "fast-link",
    file: "lvs_dr6.conf",
    conf: DR6,
    hosts: HOSTS6,
    extra: { "drop-na": "1\n" },
    passes: ["rules", "placement"],
    fails: ["failover-link-median"],
  },
  {
    name: "broken-ha6-dr-no-sync",
    mode: "conn",
    file: "lvs_dr6.conf",
    conf: DR6,
    hosts: HOSTS6,
    // the failover itself still works: only the connection is lost
    passes: ["rules", "placement", "failover"],
    breakFile: (path, text) => (path.startsWith("keepalived") ? replaceIn(path, /^ {4}lvs_sync_daemon .*\n/m, "")(path, text) : text),
    fails: ["connection-survives"],
  },
];

const SCENARIOS = selected(ALL_SCENARIOS);

function bundleOf(scenarios: Scenario[]): string {
  return bundle(
    "lvsc-e2e-ha6-",
    scenarios,
    (s, out) => {
      compileInto(s, s.conf, out, (f) => (s.breakFile !== undefined ? s.breakFile(f.path, f.contents) : f.contents));
      writeFileSync(join(out, "mode"), `${s.mode}\n`);
      for (const [name, text] of Object.entries(s.extra ?? {})) writeFileSync(join(out, name), text);
    },
    (s) => `${s.name} ha6_dr${s.seconds !== undefined ? ` ${s.seconds}` : ""}`,
  );
}

const missing = unavailable();
const noKeepalived = spawnSync("sh", ["-c", "command -v keepalived"]).status !== 0;
const why =
  missing !== undefined
    ? `missing on this machine: ${missing.commands.join(", ")}`
    : noKeepalived
      ? "missing on this machine: keepalived (copied into the VM image)"
      : undefined;
if (why !== undefined) unavailableSuite("two IPv6 directors on a real kernel (qemu, keepalived)", why, [...(missing?.packages ?? []), ...(noKeepalived ? ["keepalived"] : [])], missing?.commands[0] ?? "keepalived");

// On by default; LVSC_E2E_HA6=0 leaves it out (skipped visibly). It was opt-in while it had run
// only on a loaded 2-core machine (another VM beside it), where keepalived-stopped failovers
// missed the 0.6 s median (0.67 s), as the IPv4 ha-dr-fast did in the same period (0.82 s). On an
// idle machine, as in CI (e2e files run one at a time), all 30 checks pass: stop median 0.27 s
// (bound 0.6 s), link median 0.59 s (bound 1 s), 225 s for the file.
const TITLE6 = "two IPv6 directors on a real kernel (qemu, keepalived)";
const LEFT_OUT = process.env["LVSC_E2E_HA6"] === "0";
if (why === undefined && LEFT_OUT)
  describe(TITLE6, () => {
    it("runs every scenario (left out: LVSC_E2E_HA6=0)", (ctx) => {
      console.warn(`\n*** lvsc e2e, ${TITLE6}: SKIPPED: left out, LVSC_E2E_HA6=0 ***\n`);
      ctx.skip("left out: LVSC_E2E_HA6=0");
    });
  });

describe.skipIf(why !== undefined || LEFT_OUT)(TITLE6, () => {
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
    console.log(`lvsc e2e (two IPv6 directors): ${vm.accel}, ${vm.wallSeconds.toFixed(0)} s wall; ${[...vm.scenarios].map(([n, s]) => `${n} ${s.duration}`).join(", ")}`);
    for (const [name, r] of vm.scenarios)
      for (const [c, d] of r.checks) if (/^failover|^nd-moved|^connection/.test(c)) console.log(`${name} ${c}: ${d.pass ? "pass" : "FAIL"}: ${d.detail}`);
  }, 1_800_000);

  scenarioTests(() => vm, SCENARIOS);
});
// ==== end of the IPv6 HA pair ====
