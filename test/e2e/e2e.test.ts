// Real-kernel tests: the generated rc.lvs_* scripts, unchanged, build DR, NAT and TUN clusters
// of network namespaces inside a qemu VM running Debian's stock kernel (which has IPVS), and a
// client checks what the walkthrough checked by hand. Then the hosts of real life: two clusters
// sharing them, a director that also routes, LocalNode under NAT, a start that fails part way,
// a reboot with persistent state, reloads with a changed conf, and `plan` (guest/shared.sh,
// failed.sh, reboot.sh, reload.sh, plan.sh). Negative controls break the output the way a
// broken template would, and must be caught.
import { readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe } from "vitest";
import type { OutputFile } from "../../src/index.js";
import { bundle, compileInto, scenarioTests, selected, unavailableSuite } from "./suite.js";
import { buildImage, mergeRuns, runVm, unavailable, type VmRun } from "./vm.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

interface Scenario {
  name: string;
  /** The guest script (test/e2e/guest/<topology>.sh) that builds the hosts and runs the checks. */
  topology: "dr" | "nat" | "tun" | "shared" | "failed" | "reboot" | "reload" | "plan" | "dr6" | "nat6" | "tun6" | "dual6" | "tun46";
  /** The script's MODE: for dr.sh http, udp, wrr, off or routing; for nat.sh localnode; for shared.sh dr, nat or tun; for reload.sh vip or weight. */
  mode?: string;
  file: string;
  conf: string;
  hosts: string;
  /** Checks that must be reported and pass. */
  passes: string[];
  /**
   * More confs, each compiled (with the same file name and hosts) into a subdirectory of the
   * scenario: a second cluster on the same hosts, or the conf a reload switches to.
   */
  more?: Record<string, string>;
  /** A bound on the scenario's run in the VM, in seconds (default 300). */
  seconds?: number;
  /** `lvsc compile --target` (default: every file that applies). */
  targets?: string;
  /** A negative control: break the compiled script, then these checks must fail. */
  breakScript?: (rc: string) => string;
  fails?: string[];
}

const WALKTHROUGH_HOSTS = readFileSync(join(ROOT, "examples/hosts"), "utf8");
const WALKTHROUGH = readFileSync(join(ROOT, "examples/lvs_dr.conf"), "utf8");
const COMMON = ["rules", "arp", "status", "idempotent", "hand-made-start", "restored"];

const dr = (services: string[], initial = "on") =>
  [
    "LVS_TYPE=VS_DR",
    `INITIAL_STATE=${initial}`,
    "VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.255",
    "DIRECTOR_INSIDEIP=eth0 192.168.0.1 192.168.0.0 255.255.255.0 192.168.0.255",
    ...services,
    "SERVER_VIP_DEVICE=dummy0",
    "SERVER_NET_DEVICE=eth0",
    "",
  ].join("\n");

const NAT = [
  "LVS_TYPE=VS_NAT",
  "INITIAL_STATE=on",
  "VIP=eth0:110 192.168.1.110 255.255.255.0 192.168.1.255",
  "DIRECTOR_INSIDEIP=eth1 10.1.1.1 10.1.1.0 255.255.255.0 10.1.1.255",
  "DIRECTOR_DEFAULT_GW=192.168.1.254",
  "# rs2's web server listens on 8080: only NAT can remap the port",
  "SERVICE=t www rr rs1:www rs2:8080",
  "SERVER_DEFAULT_GW=10.1.1.1",
  "",
].join("\n");
const NAT_HOSTS = "10.1.1.2 rs1\n10.1.1.3 rs2\n";

const TUN = [
  "LVS_TYPE=VS_TUN",
  "INITIAL_STATE=on",
  "VIP=eth0:110 192.168.1.110 255.255.255.255 192.168.1.110",
  "DIRECTOR_INSIDEIP=eth0 192.168.1.9 192.168.1.0 255.255.255.0 192.168.1.255",
  "DIRECTOR_DEFAULT_GW=192.168.1.254",
  "SERVICE=t www rr rs1 rs2",
  "SERVER_VIP_DEVICE=tunl0",
  "SERVER_NET_DEVICE=eth0",
  "SERVER_DEFAULT_GW=172.16.2.254",
  "",
].join("\n");
const TUN_HOSTS = "172.16.2.11 rs1\n172.16.2.12 rs2\n";

/** The conf with its VIP line replaced: the same cluster on another VIP. */
function withVip(conf: string, vip: string): string {
  const out = conf.replace(/^VIP=.*$/m, vip);
  if (out === conf) throw new Error(`no VIP line to replace with ${vip}`);
  return out;
}

/** Removes lines matching `re` from a script, failing if none matched (a vacuous control proves nothing). */
function dropLines(re: RegExp) {
  return (rc: string) => {
    const out = rc
      .split("\n")
      .filter((l) => !re.test(l))
      .join("\n");
    if (out === rc) throw new Error(`negative control matched nothing: ${re}`);
    return out;
  };
}

function replace(from: string, to: string) {
  return (rc: string) => {
    if (!rc.includes(from)) throw new Error(`negative control matched nothing: ${from}`);
    return rc.replaceAll(from, to);
  };
}

/** An mh service, then the conf a reload switches to: a real server (192.168.0.2) sorted before the others. */
const MH_RELOAD = {
  file: "lvs_dr.conf",
  conf: dr(["SERVICE=t www rr rs1 rs2", "SERVICE=t 7001 mh rs1 rs2"]),
  more: { next: dr(["SERVICE=t www rr rs1 rs2", "SERVICE=t 7001 mh 192.168.0.2 rs1 rs2"]) },
  hosts: WALKTHROUGH_HOSTS,
  seconds: 480,
};

const ALL_SCENARIOS: Scenario[] = [
  {
    name: "dr-walkthrough",
    topology: "dr",
    mode: "http",
    file: "lvs_dr.conf",
    conf: WALKTHROUGH,
    hosts: WALKTHROUGH_HOSTS,
    passes: [...COMMON, "alternation", "alternation-telnet", "method", "missing-command", "not-root"],
  },
  { name: "nat", topology: "nat", file: "lvs_nat.conf", conf: NAT, hosts: NAT_HOSTS, passes: [...COMMON, "alternation", "method"] },
  { name: "tun", topology: "tun", file: "lvs_tun.conf", conf: TUN, hosts: TUN_HOSTS, passes: [...COMMON, "alternation", "method"] },
  {
    name: "dr-udp",
    topology: "dr",
    mode: "udp",
    file: "lvs_dr.conf",
    conf: dr(["SERVICE=u domain rr rs1 rs2", "SERVICE=t www rr rs1 rs2"]),
    hosts: WALKTHROUGH_HOSTS,
    passes: [...COMMON, "alternation", "method"],
  },
  {
    name: "dr-initial-off",
    topology: "dr",
    mode: "off",
    file: "lvs_dr.conf",
    conf: dr(["SERVICE=t www rr rs1 rs2"], "off"),
    hosts: WALKTHROUGH_HOSTS,
    passes: [...COMMON, "no-real-servers", "monitor-adds", "monitor-owns"],
  },
  {
    name: "dr-wrr",
    topology: "dr",
    mode: "wrr",
    file: "lvs_dr.conf",
    conf: dr(["SERVICE=t www wrr rs1,3 rs2,1"]),
    hosts: WALKTHROUGH_HOSTS,
    passes: [...COMMON, "split"],
  },
  // ---- shared, reloaded, failed and rebooted hosts (issue 10); each failed with the rc script before it ----
  {
    name: "shared-dr",
    topology: "shared",
    mode: "dr",
    file: "lvs_dr.conf",
    conf: WALKTHROUGH,
    more: { b: withVip(WALKTHROUGH, "VIP=eth0:102 192.168.0.102 255.255.255.0 192.168.0.255") },
    hosts: WALKTHROUGH_HOSTS,
    seconds: 480,
    passes: ["alternation", "alternation-b", "alternation-b-after-a-stopped", "arp-b-after-a-stopped", "restored"],
  },
  {
    name: "shared-nat",
    topology: "shared",
    mode: "nat",
    file: "lvs_nat.conf",
    conf: NAT,
    more: { b: withVip(NAT, "VIP=eth0:111 192.168.1.111 255.255.255.0 192.168.1.255") },
    hosts: NAT_HOSTS,
    seconds: 480,
    passes: ["alternation", "alternation-b", "alternation-b-after-a-stopped", "forwarding-kept", "status-b", "status-sees-forwarding", "restored"],
  },
  {
    name: "shared-tun",
    topology: "shared",
    mode: "tun",
    file: "lvs_tun.conf",
    conf: TUN,
    more: { b: withVip(TUN, "VIP=eth0:111 192.168.1.111 255.255.255.255 192.168.1.111") },
    hosts: TUN_HOSTS,
    seconds: 480,
    passes: ["alternation", "alternation-b", "alternation-b-after-a-stopped", "arp-b-after-a-stopped", "restored"],
  },
  {
    name: "dr-routing-director",
    topology: "dr",
    mode: "routing",
    file: "lvs_dr.conf",
    conf: WALKTHROUGH,
    hosts: WALKTHROUGH_HOSTS,
    passes: [...COMMON, "alternation", "method", "forwarding-kept"],
  },
  {
    name: "nat-localnode",
    topology: "nat",
    mode: "localnode",
    file: "lvs_nat.conf",
    conf: NAT.replace("SERVICE=t www rr rs1:www rs2:8080", "SERVICE=t www rr rs1:www localhost"),
    hosts: NAT_HOSTS,
    passes: [...COMMON, "alternation", "method"],
  },
  {
    name: "failed-start",
    topology: "failed",
    file: "lvs_dr.conf",
    // the director cannot reach this router (a late failure); the real servers have no eth9 (an early one)
    conf: WALKTHROUGH.replace("SERVER_NET_DEVICE=eth0", "SERVER_NET_DEVICE=eth9") + "DIRECTOR_DEFAULT_GW=10.99.99.99\n",
    more: { fixed: WALKTHROUGH },
    hosts: WALKTHROUGH_HOSTS,
    seconds: 480,
    passes: ["failure-report", "refused-before-change", "stop-after-failure", "stopped-as-before", "fixed-starts", "arp", "status", "idempotent", "hand-made-start", "restored"],
  },
  {
    name: "reboot-persistent-state",
    topology: "reboot",
    file: "lvs_dr.conf",
    conf: WALKTHROUGH,
    hosts: WALKTHROUGH_HOSTS,
    seconds: 420,
    passes: ["dip-added", "stale-state-ignored", "alternation", "dip-kept", "secondary-kept", "restored"],
  },
  {
    name: "reload-vip",
    topology: "reload",
    mode: "vip",
    file: "lvs_dr.conf",
    conf: WALKTHROUGH,
    more: { next: withVip(WALKTHROUGH, "VIP=eth0:102 192.168.0.102 255.255.255.0 192.168.0.255") },
    hosts: WALKTHROUGH_HOSTS,
    seconds: 480,
    passes: ["alternation", "no-orphan", "alternation-after-reload", "arp", "status", "idempotent", "hand-made-start", "restored"],
  },
  {
    name: "reload-keeps-connection",
    topology: "reload",
    mode: "weight",
    file: "lvs_dr.conf",
    conf: dr(["SERVICE=t www rr rs1 rs2", "SERVICE=t 7000 rr rs1 rs2"]),
    more: { "next-rs1": dr(["SERVICE=t www rr rs1 rs2", "SERVICE=t 7000 rr rs1,3 rs2"]), "next-rs2": dr(["SERVICE=t www rr rs1 rs2", "SERVICE=t 7000 rr rs1 rs2,3"]) },
    hosts: WALKTHROUGH_HOSTS,
    seconds: 480,
    passes: ["alternation", "connected", "one-edit", "connection-survives", "weight-changed", "status", "idempotent", "hand-made-start", "restored"],
  },
  {
    name: "reload-mh-order",
    topology: "reload",
    mode: "mh",
    ...MH_RELOAD,
    passes: ["alternation", "connected", "mh-order-after-reload", "connection-survives", "alternation-after-reload", "mh-order-fresh", "status", "idempotent", "hand-made-start", "restored"],
  },
  {
    // the planner without its mh rule: the added real server goes first, as the kernel puts it
    name: "broken-reload-mh-order",
    topology: "reload",
    mode: "mh",
    ...MH_RELOAD,
    passes: ["alternation", "connected", "connection-survives", "mh-order-fresh", "restored"],
    breakScript: replace(" || (key in readd)", ""),
    fails: ["mh-order-after-reload"],
  },
  {
    name: "plan",
    topology: "plan",
    file: "lvs_dr.conf",
    conf: WALKTHROUGH,
    hosts: WALKTHROUGH_HOSTS,
    seconds: 480,
    passes: [
      "plan-director",
      "plan-realserver",
      "plan-changes-nothing",
      "plan-writes-no-state",
      "plan-after-start",
      "plan-shows-drift",
      "plan-after-undo",
      "alternation",
      "arp",
      "status",
      "idempotent",
      "hand-made-start",
      "restored",
    ],
  },
  // ---- negative controls: each breaks the output as a faulty template would ----
  {
    name: "broken-dr-no-arp-hiding",
    topology: "dr",
    mode: "http",
    file: "lvs_dr.conf",
    conf: WALKTHROUGH,
    hosts: WALKTHROUGH_HOSTS,
    // everything else still works: only the broken part is caught
    passes: ["rules", "idempotent", "restored"],
    breakScript: dropLines(/want_sysctl net\.ipv4\.conf\.\w+\.arp_(ignore|announce)/),
    // the ARP check sees it. (The script's own status checks the settings its start makes, from
    // the same list, so a template that forgets one forgets to check it too: status catching a
    // setting changed behind start's back is shared-nat's status-sees-forwarding.)
    fails: ["arp"],
  },
  {
    name: "broken-nat-wrong-gateway",
    topology: "nat",
    file: "lvs_nat.conf",
    conf: NAT,
    hosts: NAT_HOSTS,
    passes: ["rules", "arp", "idempotent", "restored"],
    breakScript: replace("want_route 10.1.1.1", "want_route 10.1.1.254"),
    fails: ["alternation"],
  },
  {
    name: "broken-tun-strict-rp-filter",
    topology: "tun",
    file: "lvs_tun.conf",
    conf: TUN,
    hosts: TUN_HOSTS,
    passes: ["rules", "arp", "idempotent", "restored"],
    breakScript: dropLines(/want_sysctl net\.ipv4\.conf\.\w+\.rp_filter 0/),
    fails: ["alternation"],
  },
];

// ---- IPv6 (issue 18): DR, NAT66 and TUN6 clusters on lib6.sh's lab addresses (guest/dr6.sh,
// nat6.sh, tun6.sh), each with the negative controls that prove its checks can fail ----

// every file `lvsc compile` writes, as a user compiles it (exports were missing until the
// compiler wrote IPv6 exports lines)
const TARGETS6 = "all";
const V6_COMMON = ["role-detected", "rules", "status", "idempotent", "hand-made-start", "restored"];

const DR6 = [
  "LVS_TYPE=VS_DR",
  "INITIAL_STATE=on",
  "VIP=eth0 2001:db8:0:1::110/128",
  "DIRECTOR_INSIDEIP=eth0 2001:db8:0:1::9/64",
  "DIRECTOR_DEFAULT_GW=2001:db8:0:1::254",
  "SERVICE=t www rr rs1 rs2",
  "SERVER_VIP_DEVICE=lo",
  "SERVER_NET_DEVICE=eth0",
  "SERVER_DEFAULT_GW=2001:db8:0:1::254",
  "",
].join("\n");
const DR6_HOSTS = "2001:db8:0:1::11 rs1\n2001:db8:0:1::12 rs2\n";

// the director's VIP device takes router advertisements, and its default route is the router's RA
const NAT66 = [
  "LVS_TYPE=VS_NAT",
  "INITIAL_STATE=on",
  "VIP=eth0 2001:db8:0:1::110/64",
  "DIRECTOR_INSIDEIP=eth1 2001:db8:0:2::1/64",
  "SERVICE=t www rr rs1 rs2",
  "SERVER_NET_DEVICE=eth0",
  "SERVER_DEFAULT_GW=2001:db8:0:2::1",
  "",
].join("\n");
// one network: the VIP (with the client's gateway 2001:db8:0:c::1) and the DIP on the director's eth0
const NAT66_FLAT = NAT66.replace("VIP=eth0 2001:db8:0:1::110/64", "VIP=eth0 2001:db8:0:c::110/64").replace("DIRECTOR_INSIDEIP=eth1", "DIRECTOR_INSIDEIP=eth0");
const V6_RS_HOSTS = "2001:db8:0:2::11 rs1\n2001:db8:0:2::12 rs2\n";

const TUN6 = [
  "LVS_TYPE=VS_TUN",
  "INITIAL_STATE=on",
  "# lvsc-disable-next-line tun6-mtu",
  "VIP=eth0 2001:db8:0:1::110/128",
  "DIRECTOR_INSIDEIP=eth0 2001:db8:0:1::9/64",
  "DIRECTOR_DEFAULT_GW=2001:db8:0:1::254",
  "SERVICE=t www rr rs1 rs2",
  "SERVER_VIP_DEVICE=lo",
  "SERVER_NET_DEVICE=eth0",
  "SERVER_DEFAULT_GW=2001:db8:0:2::254",
  "",
].join("\n");

/** The real servers' VIP on their NIC instead of lo (as a template that took SERVER_NET_DEVICE for it would). */
const RS_VIP_ON_NIC = replace("want_addr lo 2001:db8:0:1::110/128 '' '' VIP", "want_addr eth0 2001:db8:0:1::110/128 '' '' VIP");

const IPV6_SCENARIOS: Scenario[] = [
  {
    name: "dr6",
    topology: "dr6",
    file: "lvs_dr.conf",
    conf: DR6,
    hosts: DR6_HOSTS,
    targets: TARGETS6,
    passes: [...V6_COMMON, "no-tentative", "no-dadfailed", "alternation", "method", "forwarding-off", "nd-director", "nd-rs1-silent", "nd-rs2-silent", "nd-rs-silent"],
  },
  {
    // the VIP on the real servers' eth0 (still nodad): they answer neighbour solicitations for it
    name: "broken-dr6-vip-on-nic",
    topology: "dr6",
    mode: "control nd",
    file: "lvs_dr.conf",
    conf: DR6,
    hosts: DR6_HOSTS,
    targets: TARGETS6,
    passes: ["rules"],
    breakScript: RS_VIP_ON_NIC,
    fails: ["nd-rs1-silent", "nd-rs2-silent", "nd-rs-silent"],
  },
  {
    // the same address with duplicate address detection on the director's and the real servers' NICs
    name: "broken-dr6-dad",
    topology: "dr6",
    mode: "control dad",
    file: "lvs_dr.conf",
    conf: DR6,
    hosts: DR6_HOSTS,
    targets: TARGETS6,
    passes: ["rules"],
    breakScript: (rc) => dropLines(/^\s*set -- "\$@" nodad$/)(RS_VIP_ON_NIC(rc)),
    fails: ["no-tentative", "no-dadfailed"],
  },
  {
    name: "nat66",
    topology: "nat6",
    file: "lvs_nat.conf",
    conf: NAT66,
    hosts: V6_RS_HOSTS,
    targets: TARGETS6,
    passes: [...V6_COMMON, "alternation", "method", "forwarding-on", "rs1-no-redirects", "rs2-no-redirects", "accept-ra-2", "ra-route-kept"],
  },
  {
    // forwarding on while the VIP's device has accept_ra=1: the kernel drops the RA default route
    name: "broken-nat66-accept-ra",
    topology: "nat6",
    mode: "control",
    file: "lvs_nat.conf",
    conf: NAT66,
    hosts: V6_RS_HOSTS,
    targets: TARGETS6,
    passes: ["rules", "forwarding-on"],
    breakScript: dropLines(/want_sysctl net\.ipv6\.conf\.eth0\.accept_ra /),
    fails: ["accept-ra-2", "ra-route-kept", "alternation"],
  },
  {
    name: "nat66-flat",
    topology: "nat6",
    mode: "flat",
    file: "lvs_nat.conf",
    conf: NAT66_FLAT,
    hosts: V6_RS_HOSTS,
    targets: TARGETS6,
    passes: [...V6_COMMON, "alternation", "method", "forwarding-on", "rs1-no-redirects", "rs2-no-redirects", "redirects-sent", "rs1-route-kept"],
  },
  {
    // the real servers take the director's redirects: their replies go to the client un-NATed
    name: "broken-nat66-flat-redirects",
    topology: "nat6",
    mode: "flat control",
    file: "lvs_nat.conf",
    conf: NAT66_FLAT,
    hosts: V6_RS_HOSTS,
    targets: TARGETS6,
    passes: ["rules", "forwarding-on", "redirects-sent"],
    breakScript: dropLines(/want_sysctl net\.ipv6\.conf\.eth0\.accept_redirects 0/),
    fails: ["alternation", "rs1-no-redirects", "rs1-route-kept"],
  },
  {
    name: "tun6",
    topology: "tun6",
    file: "lvs_tun.conf",
    conf: TUN6,
    hosts: V6_RS_HOSTS,
    targets: TARGETS6,
    passes: [...V6_COMMON, "alternation", "method", "ip6tnl0-up", "nd-director", "no-dadfailed"],
  },
  {
    // ip6tnl0 left down: the real servers drop the tunnelled packets
    name: "broken-tun6-no-ip6tnl0",
    topology: "tun6",
    mode: "control",
    file: "lvs_tun.conf",
    conf: TUN6,
    hosts: V6_RS_HOSTS,
    targets: TARGETS6,
    passes: ["rules"],
    breakScript: dropLines(/want_link_up ip6tnl0/),
    fails: ["alternation", "ip6tnl0-up"],
  },
];
// mixed families (guest/tun46.sh): tun6's lab, an IPv4 VIP to IPv6 real servers and the reverse
const TUN46 = [
  "LVS_TYPE=VS_TUN",
  "INITIAL_STATE=on",
  "VIP=eth0:110 198.51.100.110 255.255.255.255 198.51.100.110",
  "DIRECTOR_INSIDEIP=eth0 198.51.100.9 198.51.100.0 255.255.255.0 198.51.100.255",
  "DIRECTOR_DEFAULT_GW=198.51.100.254",
  "# lvsc-disable-next-line tun6-mtu",
  "SERVICE=t www rr rs1 rs2",
  "SERVER_VIP_DEVICE=tunl0",
  "SERVER_NET_DEVICE=eth0",
  "SERVER_DEFAULT_GW=203.0.113.254",
  "",
].join("\n");
const TUN64 = TUN6;
const V4_RS_HOSTS = "203.0.113.11 rs1\n203.0.113.12 rs2\n";
IPV6_SCENARIOS.push(
  {
    name: "tun46",
    topology: "tun46",
    mode: "46",
    file: "lvs_tun.conf",
    conf: TUN46,
    hosts: V6_RS_HOSTS,
    targets: TARGETS6,
    passes: [...V6_COMMON, "alternation", "method", "ip6tnl0-any", "ip6tnl0-rp-filter"],
  },
  {
    // ip6tnl0 left IPv6-in-IPv6 only: the real servers drop the IPv4 in IPv6
    name: "broken-tun46-mode",
    topology: "tun46",
    mode: "46 control",
    file: "lvs_tun.conf",
    conf: TUN46,
    hosts: V6_RS_HOSTS,
    targets: TARGETS6,
    passes: ["rules", "role-detected"],
    breakScript: dropLines(/^\s*want_tunnel_mode ip6tnl0 any$/),
    fails: ["alternation", "ip6tnl0-any"],
  },
  {
    name: "tun64",
    topology: "tun46",
    mode: "64",
    file: "lvs_tun.conf",
    conf: TUN64,
    hosts: V4_RS_HOSTS,
    targets: TARGETS6,
    passes: [...V6_COMMON, "alternation", "method", "sit0-up"],
  },
  {
    // sit0 left down: the real servers drop the IPv6 in IPv4
    name: "broken-tun64-sit0-down",
    topology: "tun46",
    mode: "64 control",
    file: "lvs_tun.conf",
    conf: TUN64,
    hosts: V4_RS_HOSTS,
    targets: TARGETS6,
    passes: ["rules", "role-detected"],
    breakScript: dropLines(/want_link_up sit0/),
    fails: ["alternation", "sit0-up"],
  },
);
// dual stack (guest/dual6.sh): dr6's lab with IPv4 too
const DR46 = [
  "LVS_TYPE=VS_DR",
  "INITIAL_STATE=on",
  "VIP=eth0:110 198.51.100.110 255.255.255.0 198.51.100.255",
  "VIP=eth0 2001:db8:0:1::110/128",
  "DIRECTOR_INSIDEIP=eth0 198.51.100.9 198.51.100.0 255.255.255.0 198.51.100.255",
  "DIRECTOR_INSIDEIP=eth0 2001:db8:0:1::9/64",
  "DIRECTOR_DEFAULT_GW=198.51.100.254",
  "DIRECTOR_DEFAULT_GW=2001:db8:0:1::254",
  "SERVICE=t www rr rs1 rs2",
  "SERVER_VIP_DEVICE=lo",
  "SERVER_NET_DEVICE=eth0",
  "SERVER_DEFAULT_GW=198.51.100.254",
  "SERVER_DEFAULT_GW=2001:db8:0:1::254",
  "",
].join("\n");
/** DR46 without its IPv6 lines: the same cluster on IPv4 only. */
const DR4_OF_DUAL = DR46.split("\n")
  .filter((l) => !l.includes(":0:1::"))
  .join("\n");
const DUAL_HOSTS = "198.51.100.11 rs1\n198.51.100.12 rs2\n2001:db8:0:1::11 rs1\n2001:db8:0:1::12 rs2\n";

IPV6_SCENARIOS.push(
  {
    name: "dual-stack",
    topology: "dual6",
    mode: "dual",
    file: "lvs_dr.conf",
    conf: DR46,
    hosts: DUAL_HOSTS,
    targets: TARGETS6,
    passes: [...V6_COMMON, "alternation4", "alternation6", "both-at-once", "method4", "method6", "arp", "nd-director", "no-dadfailed"],
  },
  {
    // a stop that undoes only the IPv4 addresses: the IPv6 VIPs and DIP stay
    name: "broken-dual-stack-stop-ipv4-only",
    topology: "dual6",
    mode: "dual control",
    file: "lvs_dr.conf",
    conf: DR46,
    hosts: DUAL_HOSTS,
    targets: TARGETS6,
    passes: ["role-detected"],
    breakScript: replace(
      'act "delete address $cidr from $dev (start added it)" ip addr del "$cidr" dev "$dev"',
      'case $cidr in *:*) ;; *) act "delete address $cidr from $dev (start added it)" ip addr del "$cidr" dev "$dev" ;; esac',
    ),
    fails: ["restored"],
  },
  {
    name: "shared-ipv4-ipv6",
    topology: "dual6",
    mode: "shared",
    file: "lvs_dr.conf",
    conf: DR4_OF_DUAL,
    more: { b: DR6, c: DR46 },
    hosts: DUAL_HOSTS,
    targets: TARGETS6,
    seconds: 480,
    passes: [
      "rules",
      "alternation",
      "alternation-b",
      "rules-b-after-a-stopped",
      "alternation-b-after-a-stopped",
      "nd-b-after-a-stopped",
      "status-b-after-a-stopped",
      "c-refused",
      "c-changed-nothing",
      "c-unchecked-not-refused",
      "rules-a-after-b-stopped",
      "alternation-a-after-b-stopped",
      "arp-a-after-b-stopped",
      "status-a-after-b-stopped",
      "restored",
    ],
  },
);
// ---- end of the IPv6 block ----

const SCENARIOS = selected([...ALL_SCENARIOS, ...IPV6_SCENARIOS]);

/** Compiles each scenario's conf (and its `more` confs) with lvsc and lays out the bundle a VM runs. */
function bundleOf(scenarios: Scenario[]): string {
  return bundle(
    "lvsc-e2e-",
    scenarios,
    (s, out) => {
      const change = (f: OutputFile) => (s.breakScript !== undefined && f.path.startsWith("rc.lvs_") ? s.breakScript(f.contents) : f.contents);
      compileInto(s, s.conf, out, change);
      for (const [name, conf] of Object.entries(s.more ?? {})) compileInto(s, conf, join(out, name), change);
      writeFileSync(join(out, "mode"), `${s.mode ?? ""}\n`);
    },
    (s) => `${s.name} ${s.topology} ${s.seconds ?? 300}`,
  );
}

const seconds = (s: Scenario) => s.seconds ?? 300;
// one VM per core (TCG runs a guest on one host thread; LVSC_E2E_JOBS overrides), the longest
// scenarios first, each to the VM with the least to do
const JOBS = Math.max(1, Math.min(Number(process.env["LVSC_E2E_JOBS"] ?? availableParallelism()), SCENARIOS.length));
const GROUPS: Scenario[][] = Array.from({ length: JOBS }, () => []);
for (const s of [...SCENARIOS].sort((a, b) => seconds(b) - seconds(a))) {
  const load = (g: Scenario[]) => g.reduce((n, x) => n + seconds(x), 0);
  GROUPS.reduce((min, g) => (load(g) < load(min) ? g : min)).push(s);
}
const HOOK_TIMEOUT_MS = (300 + Math.max(...GROUPS.map((g) => g.reduce((n, s) => n + seconds(s), 0)))) * 1000;

const missing = unavailable();
const why = missing === undefined ? undefined : `missing on this machine: ${missing.commands.join(", ")}`;
if (why !== undefined) unavailableSuite("real kernel (qemu, Debian's linux-image-amd64)", why, missing!.packages, missing!.commands[0]!);

describe.skipIf(why !== undefined)("real kernel (qemu, Debian's linux-image-amd64)", () => {
  let vm: VmRun;

  beforeAll(async () => {
    const image = buildImage();
    // each VM's time bound: its scenarios' bounds and a boot; LVSC_E2E_TIMEOUT (seconds) overrides
    const timeoutMs = (g: Scenario[]) => Number(process.env["LVSC_E2E_TIMEOUT"] ?? 120 + g.reduce((n, s) => n + seconds(s), 0)) * 1000;
    vm = mergeRuns(await Promise.all(GROUPS.map((g) => runVm(image, bundleOf(g), { timeoutMs: timeoutMs(g) }))));
    // LVSC_E2E_LOG=FILE keeps the whole serial console for a look afterwards
    const log = process.env["LVSC_E2E_LOG"];
    if (log !== undefined && log !== "") writeFileSync(log, vm.console);
    const summary = [...vm.scenarios].map(([n, s]) => `${n} ${s.duration}`).join(", ");
    console.log(`lvsc e2e: ${vm.accel}, ${vm.wallSeconds.toFixed(0)} s wall; ${summary}`);
  }, HOOK_TIMEOUT_MS);

  scenarioTests(() => vm, SCENARIOS);
});
