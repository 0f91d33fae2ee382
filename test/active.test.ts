// N active directors behind an ECMP router (DIRECTOR_ACTIVE, BGP_LOCAL_AS, BGP_PEER, BGP_BFD) and
// the mh scheduler's flags: the lint, the IPVS table every director loads, the BIRD files (parsed
// by BIRD itself), and the rc script's announcement order on a fake host. The kernel and BGP
// in action are the VM lab's (test/e2e).
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { variants } from "../src/index.js";
import { ACTIVE_CONF, compileText, conf, EXAMPLE_HOSTS, lintText, readExample } from "./helpers.js";
import { FakeHost, type HostSpec } from "./fake-host.js";
import { needTool } from "./tools.js";

const ECMP = readExample(ACTIVE_CONF);
const compileEcmp = (text = ECMP) => compileText(text, { file: ACTIVE_CONF });
const filesOf = (text = ECMP) => Object.fromEntries(compileEcmp(text).files.map((f) => [f.path, f.contents]));
/** The example with line `from` (its exact text) replaced by `to`. */
const edit = (from: string, to: string) => {
  if (!ECMP.includes(from)) throw new Error(`not in the example: ${from}`);
  return ECMP.replace(from, to);
};
const codes = (text: string, file = ACTIVE_CONF) => lintText(text, { file }).diagnostics.map((d) => d.code);
const where = (text: string, code: string, file = ACTIVE_CONF) =>
  lintText(text, { file })
    .diagnostics.filter((d) => d.code === code)
    .map((d) => [d.span.start.line, d.span.start.column, d.message]);

describe("the example with three active directors", () => {
  it("lints without a problem", () => {
    expect(lintText(ECMP, { file: ACTIVE_CONF }).diagnostics).toEqual([]);
  });

  it("carries the directors, the AS, the peers and BFD in the model, the directors in the conf's order", () => {
    const c = compileEcmp().compiled!;
    expect(c.active!.directors.map((d) => d.written)).toEqual(["d1", "d2", "d3"]);
    expect({ localAs: c.active!.localAs, peers: c.active!.peers.map((p) => [p.address >>> 0, p.as]), bfd: c.active!.bfd }).toEqual({
      localAs: 65010,
      peers: [[(192 << 24) + (2 << 8) + 1, 65000]].map(([a, as]) => [a! >>> 0, as]),
      bfd: true,
    });
  });
});

describe("the other forwarding methods", () => {
  it("converts to VS_TUN, and refuses VS_NAT at DIRECTOR_ACTIVE (active-nat)", () => {
    const r = variants(ECMP, { file: ACTIVE_CONF, hosts: [EXAMPLE_HOSTS] });
    expect(r.convertible).toEqual(["dr", "tun"]);
    const d = r.diagnostics.find((x) => x.code === "active-nat")!;
    expect([d.span.start.line, d.message]).toEqual([14, "`DIRECTOR_ACTIVE` cannot be converted to VS_NAT"]);
    const tun = variants(ECMP, { file: ACTIVE_CONF, hosts: [EXAMPLE_HOSTS], types: ["tun"] }).variants[0]!;
    expect(tun.config.active?.directors.length).toBe(3);
    expect(tun.files.map((f) => f.path)).toContain("bird.d1.conf");
  });
});

describe("DIRECTOR_ACTIVE lint", () => {
  it("refuses VS_NAT (active-nat): replies cannot return through N directors", () => {
    const text = edit("LVS_TYPE=VS_DR", "LVS_TYPE=VS_NAT");
    expect(where(text, "active-nat", "lvs_nat.conf")).toEqual([[14, 1, "`DIRECTOR_ACTIVE` cannot build a `VS_NAT` cluster"]]);
    expect(compileText(text, { file: "lvs_nat.conf" }).files).toEqual([]);
  });

  it("refuses DIRECTOR_PAIR beside it (active-with-pair)", () => {
    const r = lintText(edit("BGP_LOCAL_AS=65010", "BGP_LOCAL_AS=65010\nDIRECTOR_PAIR=d1 d2"), { file: ACTIVE_CONF });
    const d = r.diagnostics.find((x) => x.code === "active-with-pair")!;
    expect([d.span.start.line, d.message, d.related?.[0]?.span.start.line]).toEqual([14, "`DIRECTOR_ACTIVE` and `DIRECTOR_PAIR` in one conf", 16]);
    expect(r.errorCount).toBeGreaterThan(0);
  });

  it("refuses fewer than two directors (active-too-few) and a director given twice, by name or address", () => {
    expect(where(edit("DIRECTOR_ACTIVE=d1 d2 d3", "DIRECTOR_ACTIVE=d1"), "active-too-few")).toEqual([[14, 17, "`DIRECTOR_ACTIVE` names one director"]]);
    expect(where(edit("DIRECTOR_ACTIVE=d1 d2 d3", "DIRECTOR_ACTIVE=d1 d2 192.0.2.11"), "director-address-conflict")).toEqual([
      [14, 23, "`d1` and `192.0.2.11` are the same director (192.0.2.11)"],
    ]);
    expect(where(edit("DIRECTOR_ACTIVE=d1 d2 d3", "DIRECTOR_ACTIVE=d1 d2 d2"), "director-address-conflict")).toEqual([[14, 23, "director `d2` is given twice"]]);
  });

  it("refuses a director off the DIP's network, or that is the VIP, the DIP, a real server or the gateway", () => {
    expect(where(edit("DIRECTOR_ACTIVE=d1 d2 d3", "DIRECTOR_ACTIVE=d1 198.51.100.7"), "director-outside-network")).toEqual([
      [14, 20, "director 198.51.100.7 is not a host on the DIP's network 192.0.2.0/24"],
    ]);
    const conflicts = where(edit("DIRECTOR_ACTIVE=d1 d2 d3", "DIRECTOR_ACTIVE=d1 192.0.2.10 rs1.ecmp 192.0.2.1"), "director-address-conflict").map((x) => x[2]);
    expect(conflicts).toEqual([
      "director 192.0.2.10 is the DIP",
      "director `rs1.ecmp` (192.0.2.21) is also a real server (`rs1.ecmp`)",
      "director 192.0.2.1 is the real servers' default gateway",
      "BGP peer 192.0.2.1 is the director `192.0.2.1`",
    ]);
  });

  it("needs the VIP as a /32 on a dummy device or lo (active-vip-device), and warns of a VIP inside the LAN (active-vip-on-lan)", () => {
    expect(where(edit("VIP=dummy0 203.0.113.10 255.255.255.255 203.0.113.10", "VIP=eth0:1 203.0.113.10/32"), "active-vip-device")).toEqual([
      [11, 1, "with `DIRECTOR_ACTIVE` the VIP must not be on `eth0:1`, a device that faces a network"],
    ]);
    expect(where(edit("VIP=dummy0 203.0.113.10 255.255.255.255 203.0.113.10", "VIP=dummy0 203.0.113.10/24"), "active-vip-device")).toEqual([
      [11, 1, "with `DIRECTOR_ACTIVE` the VIP must be a /32, not /24"],
    ]);
    expect(codes(edit("VIP=dummy0 203.0.113.10 255.255.255.255 203.0.113.10", "VIP=lo 203.0.113.10/32"))).toEqual([]);
    const onLan = edit("VIP=dummy0 203.0.113.10 255.255.255.255 203.0.113.10", "VIP=dummy0 192.0.2.100/32");
    expect(where(onLan, "active-vip-on-lan")).toEqual([[11, 12, "the VIP 192.0.2.100 is inside the directors' LAN 192.0.2.0/24"]]);
    expect(lintText(onLan, { file: ACTIVE_CONF }).errorCount).toBe(0);
  });

  it("needs BGP_LOCAL_AS and a BGP_PEER, and warns of BGP lines without DIRECTOR_ACTIVE", () => {
    const noBgp = ECMP.replace("BGP_LOCAL_AS=65010\n", "").replace("BGP_PEER=192.0.2.1 65000\n", "");
    expect(where(noBgp, "missing-directive").map((x) => x[2])).toEqual([
      "`DIRECTOR_ACTIVE` needs `BGP_LOCAL_AS`: the directors' AS number",
      "`DIRECTOR_ACTIVE` needs a `BGP_PEER`: a router the directors announce the VIP to",
    ]);
    const single = conf({}, ["BGP_LOCAL_AS=65010", "BGP_PEER=192.168.0.254 65000", "BGP_BFD=off"]);
    expect(lintText(single).diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([
      ["unused-directive", 9],
      ["unused-directive", 10],
      ["unused-directive", 11],
    ]);
  });

  it.each([
    ["0", "AS 0 is reserved"],
    ["23456", "AS_TRANS"],
    ["65535", "reserved (RFC 7300)"],
    ["4294967295", "reserved (RFC 7300)"],
    ["4294967296", "from 1 to 4294967294"],
    ["065010", "from 1 to 4294967294"],
    ["AS65010", "from 1 to 4294967294"],
  ])("refuses the AS number %s (invalid-bgp-as)", (as, hint) => {
    const r = lintText(edit("BGP_LOCAL_AS=65010", `BGP_LOCAL_AS=${as}`), { file: ACTIVE_CONF });
    const d = r.diagnostics.find((x) => x.code === "invalid-bgp-as")!;
    expect([d.span.start.line, d.span.start.column, d.message]).toEqual([15, 14, `\`${as}\` is not a usable AS number`]);
    expect(d.hint).toContain(hint);
  });

  it("accepts 4-byte AS numbers, and refuses a peer in the directors' own AS (iBGP)", () => {
    expect(codes(edit("BGP_LOCAL_AS=65010", "BGP_LOCAL_AS=4200000001"))).toEqual([]);
    expect(where(edit("BGP_PEER=192.0.2.1 65000", "BGP_PEER=192.0.2.1 65010"), "invalid-bgp-as")).toEqual([[16, 20, "BGP peer 192.0.2.1 is in the directors' own AS 65010"]]);
  });

  it("refuses a peer off the DIP's network (bgp-peer-outside-network), a peer given twice, and a BGP_BFD that is not on or off", () => {
    expect(where(edit("BGP_PEER=192.0.2.1 65000", "BGP_PEER=198.51.100.1 65000"), "bgp-peer-outside-network")).toEqual([
      [16, 10, "BGP peer 198.51.100.1 is not on the DIP's network 192.0.2.0/24"],
    ]);
    expect(where(edit("BGP_PEER=192.0.2.1 65000", "BGP_PEER=192.0.2.1 65000\nBGP_PEER=192.0.2.1 65001"), "duplicate-directive")).toEqual([
      [17, 10, "BGP peer 192.0.2.1 is given twice"],
    ]);
    expect(where(edit("BGP_BFD=on", "BGP_BFD=yes"), "invalid-bgp-bfd")).toEqual([[17, 9, "BGP_BFD must be `on` or `off`, not `yes`"]]);
  });

  it("takes BFD's timers from BGP_BFD_TIMERS into every bird file, 300 ms × 3 without it", () => {
    const timers = (t: string) => compileEcmp(edit("BGP_BFD=on", `BGP_BFD=on\nBGP_BFD_TIMERS=${t}`)).files;
    for (const f of timers("500ms 4").filter((x) => x.path.startsWith("bird."))) {
      expect([f.path, /min rx interval (\d+) ms;\n\t\tmin tx interval (\d+) ms;\n\t\tmultiplier (\d+);/.exec(f.contents)?.slice(1)]).toEqual([f.path, ["500", "500", "4"]]);
      expect(f.contents).toContain("500 ms × 4");
      expect(f.contents).toContain("2 s after");
    }
    expect(codes(edit("BGP_BFD=on", "BGP_BFD=on\nBGP_BFD_TIMERS=10ms 1"))).toEqual([]);
    expect(codes(edit("BGP_BFD=on", "BGP_BFD=on\nBGP_BFD_TIMERS=10000ms 255"))).toEqual([]);
  });

  it.each([
    ["0.3 3", "invalid-bgp-bfd-timers", 16, "the BFD interval must be whole milliseconds with `ms`, not `0.3`", "in milliseconds with its unit"],
    ["300ms three", "invalid-bgp-bfd-timers", 22, "the BFD multiplier must be a whole number, not `three`", "packets a side may miss"],
    ["9ms 3", "bgp-bfd-timers-range", 16, "the BFD interval 9 ms is outside 10 ms..10000 ms", "below 10 ms"],
    ["10001ms 3", "bgp-bfd-timers-range", 16, "the BFD interval 10001 ms is outside 10 ms..10000 ms", "BGP_BFD=off"],
    ["300ms 0", "bgp-bfd-timers-range", 22, "the BFD multiplier 0 is outside 1..255", "one byte and 0 is invalid"],
    ["300ms 256", "bgp-bfd-timers-range", 22, "the BFD multiplier 256 is outside 1..255", "one byte"],
  ])("refuses BGP_BFD_TIMERS=%s (%s), at the field", (value, code, column, message, hint) => {
    const r = lintText(edit("BGP_BFD=on", `BGP_BFD=on\nBGP_BFD_TIMERS=${value}`), { file: ACTIVE_CONF });
    const d = r.diagnostics.find((x) => x.code === code)!;
    expect([d.severity, d.span.start.line, d.span.start.column, d.message]).toEqual(["error", 18, column, message]);
    expect(d.hint).toContain(hint);
    expect(r.config).toBeUndefined();
  });

  it("warns of BGP_BFD_TIMERS with BFD off or without DIRECTOR_ACTIVE (unused-directive)", () => {
    expect(where(edit("BGP_BFD=on", "BGP_BFD=off\nBGP_BFD_TIMERS=300ms 3"), "unused-directive")).toEqual([[18, 1, "`BGP_BFD_TIMERS` has no effect with `BGP_BFD=off`"]]);
    expect(codes(conf({ 6: "SERVICE=t www rr rs1:www rs2:www" }) + "BGP_BFD_TIMERS=300ms 3\n", "lvs_dr.conf")).toEqual(["unused-directive"]);
  });
});

describe("schedulers behind N active directors, and mh", () => {
  const service = (s: string) => edit("SERVICE=t www mh -b mh-fallback,mh-port rs3.ecmp rs1.ecmp rs2.ecmp", s);

  it("warns of any scheduler but mh (active-scheduler), at the scheduler, or the service when it is the default", () => {
    expect(where(service("SERVICE=t www wlc rs1.ecmp rs2.ecmp"), "active-scheduler")).toEqual([[20, 15, "`wlc` picks real servers differently on each director"]]);
    expect(where(service("SERVICE=t www rs1.ecmp rs2.ecmp"), "active-scheduler")).toEqual([[20, 11, "`wlc` picks real servers differently on each director"]]);
    // a warning: the lab compiles this conf for its negative control
    expect(compileEcmp(service("SERVICE=t www wlc rs1.ecmp rs2.ecmp")).files.length).toBeGreaterThan(0);
    // a single director may use any scheduler
    expect(codes(conf({ 6: "SERVICE=t www wlc rs1:www rs2:www" }), "lvs_dr.conf")).toEqual([]);
  });

  it("warns of mh without mh-fallback behind N directors, or with a weight-0 real server (mh-without-fallback)", () => {
    expect(where(service("SERVICE=t www mh -b mh-port rs1.ecmp rs2.ecmp"), "mh-without-fallback").map((x) => x.slice(0, 2))).toEqual([[20, 15]]);
    expect(codes(conf({ 6: "SERVICE=t www mh rs1:www rs2:www" }), "lvs_dr.conf")).toEqual([]);
    // (zero-weight is the warning any weight 0 gets)
    expect(codes(conf({ 6: "SERVICE=t www mh rs1:www,0 rs2:www" }), "lvs_dr.conf")).toEqual(["mh-without-fallback", "zero-weight"]);
    expect(codes(conf({ 6: "SERVICE=t www mh -b mh-fallback rs1:www,0 rs2:www" }), "lvs_dr.conf")).toEqual(["zero-weight"]);
  });

  it("warns of more than 40 real servers or weight units in one mh table (mh-table-uneven)", () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `192.0.2.${100 + i}`).join(" ");
    expect(codes(service(`SERVICE=t www mh -b mh-fallback ${many(40)}`))).toEqual([]);
    expect(where(service(`SERVICE=t www mh -b mh-fallback ${many(41)}`), "mh-table-uneven")).toEqual([[20, 15, "`mh` spreads 41 real servers unevenly over its table of 4093"]]);
    // weights count by their greatest common divisor: 20 and 40 are 1 and 2 slots
    expect(codes(service("SERVICE=t www mh -b mh-fallback rs1.ecmp,20 rs2.ecmp,40"))).toEqual([]);
    expect(where(service("SERVICE=t www mh -b mh-fallback rs1.ecmp,40 rs2.ecmp,1"), "mh-table-uneven").map((x) => x[2])).toEqual([
      "`mh` spreads 41 weight units unevenly over its table of 4093",
    ]);
  });

  it.each([
    ["SERVICE=t www mh -b sh-port rs1:www", 21, "`sh-port` is not a flag of the `mh` scheduler"],
    ["SERVICE=t www mh -b mh-port,mh-port rs1:www", 21, "`mh-port` is given twice"],
    ["SERVICE=t www mh -b mh-port, rs1:www", 21, "an empty flag in `-b mh-port,`"],
    ["SERVICE=t www -b mh-port rs1:www", 15, "`-b` without a scheduler"],
    ["SERVICE=t www rr -b mh-port rs1:www", 21, "`mh-port` is not a flag of the `rr` scheduler"],
    ["SERVICE=t www mh -b", 18, "`-b` needs the scheduler's flags"],
  ])("refuses %s (invalid-sched-flag)", (line, column, message) => {
    expect(where(conf({ 6: line }), "invalid-sched-flag", "lvs_dr.conf")).toEqual([[6, column, message]]);
  });
});

describe("the IPVS table", () => {
  it("is written as ipvsadm 1.31 saves it: the flags last, in its order, whatever order the conf gives", () => {
    const rules = (line: string) => compileText(conf({ 6: line }), { targets: ["rules"] }).files[0]!.contents;
    expect(rules("SERVICE=t www mh -b mh-port,mh-fallback rs1:www rs2:www").split("\n").filter((l) => l.includes(":80 "))).toEqual([
      "-A -t 192.168.0.101:80 -s mh -b mh-fallback,mh-port",
      "-a -t 192.168.0.101:80 -r 192.168.0.3:80 -g -w 1",
      "-a -t 192.168.0.101:80 -r 192.168.0.4:80 -g -w 1",
    ]);
    // after -p and -M, as print_service_entry prints them
    expect(rules("SERVICE=t www sh -b sh-port ppc -t 600 -M 255.255.255.0 rs1:www").split("\n").find((l) => l.includes(":80 "))).toBe(
      "-A -t 192.168.0.101:80 -s sh -p 600 -M 255.255.255.0 -b sh-port",
    );
  });

  it("is the same on every director whatever order the conf lists the real servers in: sorted as ipvsadm lists them", () => {
    const a = filesOf();
    const b = filesOf(edit("rs3.ecmp rs1.ecmp rs2.ecmp", "rs2.ecmp rs3.ecmp rs1.ecmp"));
    expect(a["ipvsadm.rules"]).toBe(
      "-A -t 203.0.113.10:80 -s mh -b mh-fallback,mh-port\n-a -t 203.0.113.10:80 -r 192.0.2.21:80 -g -w 1\n-a -t 203.0.113.10:80 -r 192.0.2.22:80 -g -w 1\n-a -t 203.0.113.10:80 -r 192.0.2.23:80 -g -w 1\n",
    );
    expect(b["ipvsadm.rules"]).toBe(a["ipvsadm.rules"]);
    const heredoc = (rc: string) => rc.slice(rc.indexOf("<<'IPVS_RULES'"), rc.indexOf("\nIPVS_RULES\n"));
    expect(heredoc(b["rc.lvs_dr"]!)).toBe(heredoc(a["rc.lvs_dr"]!));
    expect(heredoc(a["rc.lvs_dr"]!)).toContain(a["ipvsadm.rules"]!.trimEnd());
  });

  it("gives the active directors one keepalived.conf for checks only: inhibit_on_failure, the quorum scripts run the rc script's health", (ctx) => {
    const ka = filesOf()["keepalived.conf"]!;
    expect(ka).not.toMatch(/vrrp_instance|lvs_sync_daemon/);
    expect(ka).toMatch(/\n {4}inhibit_on_failure\n {4}quorum_up "\/etc\/lvs\/rc\.lvs_dr health"\n {4}quorum_down "\/etc\/lvs\/rc\.lvs_dr health"\n/);
    // the real servers in the table's order, so a keepalived that builds the table (started
    // first) makes the same one as the rc script's ipvsadm -R
    expect([...ka.matchAll(/real_server (\S+) 80/g)].map((m) => m[1])).toEqual(["192.0.2.21", "192.0.2.22", "192.0.2.23"]);
    needTool(ctx, "keepalived");
    const file = join(mkdtempSync(join(tmpdir(), "lvsc-ka-")), "keepalived.conf");
    writeFileSync(file, ka);
    const r = spawnSync("keepalived", ["-t", "-f", file], { encoding: "utf8" });
    expect([r.status, r.stdout + r.stderr]).toEqual([0, ""]);
  });

  it("gives keepalived the flags as its keywords", () => {
    const ka = compileText(conf({ 6: "SERVICE=t www mh -b mh-fallback,mh-port rs1:www rs2:www" }), { targets: ["keepalived"] }).files[0]!.contents;
    expect(ka).toMatch(/lvs_sched mh\n {4}mh-fallback\n {4}mh-port\n/);
  });
});

describe("the BIRD configurations", () => {
  const files = filesOf();
  const birds = Object.keys(files).filter((p) => p.startsWith("bird."));

  it("are one per director, named as the conf names it, and the router's", () => {
    expect(birds).toEqual(["bird.d1.conf", "bird.d2.conf", "bird.d3.conf", "bird.router.conf"]);
  });

  it.for(birds)("BIRD 2 parses %s (bird -p)", (path, ctx) => {
    needTool(ctx, "bird");
    const file = join(mkdtempSync(join(tmpdir(), "lvsc-bird-")), path);
    writeFileSync(file, files[path]!);
    const r = spawnSync("/usr/sbin/bird", ["-p", "-c", file], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it.for([["BGP_BFD=on", "BGP_BFD=off\nBGP_PEER=192.0.2.2 4200000001"]])("BIRD 2 parses the files without BFD and with a second router", ([from, to], ctx) => {
    needTool(ctx, "bird");
    const more = filesOf(edit(from!, to!));
    const dir = mkdtempSync(join(tmpdir(), "lvsc-bird-"));
    const paths = Object.keys(more).filter((p) => p.startsWith("bird."));
    expect(paths).toEqual(["bird.d1.conf", "bird.d2.conf", "bird.d3.conf", "bird.router.conf", "bird.router2.conf"]);
    for (const p of paths) {
      writeFileSync(join(dir, p), more[p]!);
      const r = spawnSync("/usr/sbin/bird", ["-p", "-c", join(dir, p)], { encoding: "utf8" });
      expect([p, r.status, r.stdout + r.stderr]).toEqual([p, 0, ""]);
      expect(more[p]).not.toMatch(/^\s*bfd on;|^protocol bfd/m);
    }
  });

  it("is checked by a bird -p that does refuse a broken file", (ctx) => {
    needTool(ctx, "bird");
    const file = join(mkdtempSync(join(tmpdir(), "lvsc-bird-")), "broken.conf");
    writeFileSync(file, files["bird.d1.conf"]!.replace("disabled yes;", "disabled yes"));
    const r = spawnSync("/usr/sbin/bird", ["-p", "-c", file], { encoding: "utf8" });
    expect(r.status).not.toBe(0);
  });

  it("start each director withdrawn, announce only the VIP /32, to every peer, with BFD, from its own address", () => {
    const d2 = files["bird.d2.conf"]!;
    expect(d2).toMatch(/^router id 192\.0\.2\.12;$/m);
    expect(d2).toMatch(/protocol static vip \{\n\tdisabled yes;\n\tipv4;\n(\t#.*\n)*\troute 203\.0\.113\.10\/32 blackhole;\n\}/);
    expect(d2).toMatch(/protocol bgp router1 \{\n\tlocal 192\.0\.2\.12 as 65010;\n\tneighbor 192\.0\.2\.1 as 65000;\n/);
    expect(d2).toMatch(/\tbfd on;\n\tipv4 \{\n\t\timport none;\n\t\texport where proto = "vip";\n/);
    // 300 ms x 3 (0.9 s), the same on the router: 100 ms x 3 went down in every run of the qemu lab
    expect(d2).toMatch(/protocol bfd \{\n\tinterface "eth0" \{\n\t\tmin rx interval 300 ms;\n\t\tmin tx interval 300 ms;\n\t\tmultiplier 3;/);
    expect(files["bird.router.conf"]).toMatch(/protocol bfd \{\n\tinterface "\*" \{\n\t\tmin rx interval 300 ms;\n\t\tmin tx interval 300 ms;\n\t\tmultiplier 3;/);
  });

  it("give the router one ECMP route from every director, taking nothing but the VIP /32", () => {
    const r = files["bird.router.conf"]!;
    expect(r).toMatch(/protocol kernel \{\n\tipv4 \{\n\t\timport none;\n\t\texport where source = RTS_BGP;\n\t\};\n\tmerge paths on;\n\}/);
    expect(r).toMatch(/import where net = 203\.0\.113\.10\/32;/);
    expect([...r.matchAll(/protocol bgp (\w+) from director \{\n\tneighbor ([\d.]+) as 65010;/g)].map((m) => [m[1], m[2]])).toEqual([
      ["director1", "192.0.2.11"],
      ["director2", "192.0.2.12"],
      ["director3", "192.0.2.13"],
    ]);
    expect(files["90-lvs-router.conf"]).toMatch(/^net\.ipv4\.ip_forward = 1\nnet\.ipv4\.fib_multipath_hash_policy = 1\n$/m);
  });
});

describe("rc.lvs_dr on an active director (fake host)", () => {
  const RC = filesOf()["rc.lvs_dr"]!;
  const D2: HostSpec = { links: { eth0: "up" }, addrs: ["eth0 192.0.2.12/24"], route: "default via 192.0.2.1 dev eth0", bird: "down" };
  /** The calls that change the host or the announcement, in order. */
  const steps = (calls: string[]) =>
    calls
      .filter((c) => /^(ip (addr|link) (add|del|set)|sysctl -q -w|ipvsadm -R|birdcl (en|dis)able)/.test(c))
      .map((c) => c.replace(/^sysctl -q -w (\S+)=.*/, "sysctl $1"));

  it("finds itself by its own address, sets sloppy TCP, loads the table, and announces the VIP last", () => {
    const h = new FakeHost(D2);
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    const r = h.run(rc, ["start"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("rc.lvs_dr: starting the director");
    expect(steps(r.calls)).toEqual([
      "sysctl net.ipv4.vs.sloppy_tcp",
      "sysctl net.ipv4.vs.sloppy_sctp",
      "sysctl net.ipv4.vs.expire_nodest_conn",
      "sysctl net.ipv4.conf.all.arp_ignore",
      "sysctl net.ipv4.conf.all.arp_announce",
      "sysctl net.ipv4.conf.eth0.arp_ignore",
      "sysctl net.ipv4.conf.eth0.arp_announce",
      "ip link add dummy0 type dummy",
      "ip link set dev dummy0 up",
      "ip addr add 203.0.113.10/32 dev dummy0",
      "ipvsadm -R",
      "birdcl enable vip",
    ]);
    expect(h.sh("ipvsadm -S -n")).toBe(filesOf()["ipvsadm.rules"]);
    expect(h.sh("birdcl show protocols vip")).toMatch(/^vip +Static +master4 +up /m);
    // a second start changes nothing
    expect(steps(h.run(rc, ["start"]).calls)).toEqual([]);
    const st = h.run(rc, ["status"]);
    expect([st.status, st.stdout]).toEqual([0, expect.stringContaining("ok       BGP: the VIP 203.0.113.10 is announced")]);
  });

  it("refuses to start, changing nothing, when BIRD does not answer", () => {
    const h = new FakeHost({ ...D2, bird: undefined });
    const r = h.run(h.install(RC, "lvs/rc.lvs_dr"), ["start"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("BIRD does not answer on its control socket, or has no protocol vip");
    expect(steps(r.calls)).toEqual([]);
  });

  it("withdraws the VIP first on stop, then removes the table and restores every setting", () => {
    const h = new FakeHost(D2);
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    h.run(rc, ["start"]);
    const r = h.run(rc, ["stop"]);
    expect(r.status).toBe(0);
    const s = steps(r.calls);
    expect(s[0]).toBe("birdcl disable vip");
    expect(s[1]).toBe("ipvsadm -R");
    expect(s).toContain("sysctl net.ipv4.vs.sloppy_tcp");
    expect(h.sh("ipvsadm -S -n")).toBe("");
    expect(h.sh("sysctl -n net.ipv4.vs.sloppy_tcp")).toBe("0\n");
    expect(h.sh("birdcl show protocols vip")).toMatch(/^vip +Static +master4 +down /m);
  });

  it("drains: withdraws the announcement and leaves the table; plan and status then say it is not announced; start announces again", () => {
    const h = new FakeHost(D2);
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    h.run(rc, ["start"]);
    const d = h.run(rc, ["drain"]);
    expect([d.status, steps(d.calls)]).toEqual([0, ["birdcl disable vip"]]);
    expect(h.sh("ipvsadm -S -n")).toBe(filesOf()["ipvsadm.rules"]);
    const plan = h.run(rc, ["plan"]);
    expect([plan.status, plan.stdout]).toEqual([3, expect.stringContaining("BGP: announce the VIP 203.0.113.10 (birdcl enable vip)")]);
    const st = h.run(rc, ["status"]);
    expect([st.status, st.stdout]).toEqual([3, expect.stringContaining("differs  BGP: announce the VIP 203.0.113.10")]);
    expect(steps(h.run(rc, ["start"]).calls)).toEqual(["birdcl enable vip"]);
  });

  it("health (keepalived's quorum scripts): withdraws while no real server has a weight above 0, announces again after, and keeps a drained director withdrawn", () => {
    const h = new FakeHost(D2);
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    h.run(rc, ["start"]);
    // keepalived quiesces two of the three: the VIP stays announced
    h.sh("ipvsadm -e -t 203.0.113.10:80 -r 192.0.2.21:80 -g -w 0 && ipvsadm -e -t 203.0.113.10:80 -r 192.0.2.22:80 -g -w 0");
    expect(steps(h.run(rc, ["health"]).calls)).toEqual([]);
    // ... and the last: withdrawn, the table (and its order) untouched
    h.sh("ipvsadm -e -t 203.0.113.10:80 -r 192.0.2.23:80 -g -w 0");
    const down = h.run(rc, ["health"]);
    expect([down.status, steps(down.calls)]).toEqual([0, ["birdcl disable vip"]]);
    expect(h.sh("ipvsadm -S -n").split("\n").filter((l) => l.startsWith("-a")).map((l) => l.split(" ")[4])).toEqual(["192.0.2.21:80", "192.0.2.22:80", "192.0.2.23:80"]);
    // one passes again: announced
    h.sh("ipvsadm -e -t 203.0.113.10:80 -r 192.0.2.22:80 -g -w 1");
    expect(steps(h.run(rc, ["health"]).calls)).toEqual(["birdcl enable vip"]);
    // drained: health leaves it withdrawn, start announces again
    h.run(rc, ["drain"]);
    const drained = h.run(rc, ["health"]);
    expect([drained.status, steps(drained.calls), drained.stdout]).toEqual([0, [], expect.stringContaining("health: drained")]);
    expect(steps(h.run(rc, ["start"]).calls)).toContain("birdcl enable vip");
    // a second health after start: already announced, nothing to do
    expect(steps(h.run(rc, ["health"]).calls)).toEqual([]);
  });

  it("health before start announces nothing", () => {
    const h = new FakeHost(D2);
    const r = h.run(h.install(RC, "lvs/rc.lvs_dr"), ["health"]);
    expect([r.status, r.stdout, steps(r.calls)]).toEqual([0, "rc.lvs_dr: health: rc.lvs_dr start has not run in this boot: nothing to announce\n", []]);
  });

  it("start leaves the VIP withdrawn while no real server has a weight above 0 (INITIAL_STATE=off: keepalived adds them)", () => {
    const h = new FakeHost(D2);
    const r = h.run(h.install(filesOf(edit("INITIAL_STATE=on", "INITIAL_STATE=off"))["rc.lvs_dr"]!, "lvs/rc.lvs_dr"), ["start"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("the VIP stays withdrawn");
    expect(r.calls.filter((c) => c.startsWith("birdcl e"))).toEqual([]);
  });

  it("is a real server's script too: drain there is refused, start sets up the real server", () => {
    const h = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 192.0.2.22/24"], route: "default via 192.0.2.1 dev eth0" });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    const d = h.run(rc, ["drain"]);
    expect([d.status, d.stderr]).toEqual([1, "rc.lvs_dr: error: drain is for a director: this host is a realserver\n"]);
    const r = h.run(rc, ["start"]);
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c.startsWith("birdcl"))).toEqual([]);
  });
});
