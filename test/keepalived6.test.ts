// keepalived.conf for IPv6 clusters, a single director and a pair (DIRECTOR_PAIR), and the
// dual-stack form ha.ts and the template already write (a VIP and a DIP of each family): what
// the files say, and keepalived 2.2.7's -t accepting every one of them.
import { describe, expect, it } from "vitest";
import { checkConfSet, vrrpInstances } from "../src/ha.js";
import type { LvsConfig } from "../src/model.js";
import { planOutputs } from "../src/plan.js";
import { renderChunks } from "../src/render.js";
import { compileText, conf6, lintText, readExample } from "./helpers.js";
import { keepalivedTest as keepalivedTestOn, needTool } from "./tools.js";

/** keepalived -t in a namespace with the devices the IPv6 confs name (test/tools.ts keepalivedTest). */
const keepalivedTest = (text: string) => keepalivedTestOn(text, ["eth0", "eth1"]);

const PAIR6 = "DIRECTOR_PAIR=2001:db8::11 2001:db8::12";

/** An IPv6 cluster with every kind of service keepalived must express. */
const KITCHEN_SINK6 = conf6({}, [
  "SERVICE=t https rr ppc -M 64 rs1 rs2",
  "SERVICE=u domain sh rs1 rs2",
  "SERVICE=f 7 wrr ppc -t 600 2001:db8::3,3 rs2",
  "SERVICE=t 0 wlc ppc rs1",
]);

/** The files of a conf's keepalived target, by path. */
function files(text: string, opts: { type?: "dr" | "nat" | "tun"; file?: string } = {}): Record<string, string> {
  const r = compileText(text, { targets: ["keepalived"], ...opts });
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return Object.fromEntries(r.files.map((f) => [f.path, f.contents]));
}

/** The lines of a keepalived.conf that are not comments. */
function code(text: string): string[] {
  return text.split("\n").filter((l) => !/^\s*!/.test(l) && l.trim() !== "");
}

/** The block that starts at `head` (up to its closing brace at the same indentation). */
function block(text: string, head: string): string {
  const start = text.indexOf(head);
  expect(start, `no \`${head}\``).toBeGreaterThanOrEqual(0);
  const lineStart = text.lastIndexOf("\n", start) + 1;
  const indent = /^ */.exec(text.slice(lineStart))![0];
  const end = text.indexOf(`\n${indent}}\n`, start);
  return text.slice(lineStart, end + indent.length + 3);
}

/**
 * A dual-stack cluster as the validator will give it (a VIP and a DIP of each family, each
 * SERVICE on both VIPs): an IPv4 and an IPv6 conf's models joined, `first` giving the first VIP.
 */
function dualStack(first: "ipv4" | "ipv6", pair: boolean): LvsConfig {
  const v4 = lintText(
    readExample("lvs_dr_ha.conf")
      .replace("DIRECTOR_PAIR=director1 director2", pair ? "DIRECTOR_PAIR=192.168.0.11 192.168.0.12" : "")
      .replace(/^VRRP.*$/gm, ""),
  ).config!;
  const v6 = lintText(
    conf6({ 6: "SERVER_VIP_DEVICE=dummy0" }, [...(pair ? [PAIR6] : []), "SERVICE=t telnet rr rs1:telnet rs2:telnet"]),
  ).config!;
  expect(v4).toBeDefined();
  expect(v6).toBeDefined();
  const [a, b] = first === "ipv4" ? [v4, v6] : [v6, v4];
  return { ...a, vips: [a.vip, b.vip], dips: [a.dip, b.dip], services: [...a.services, ...b.services] };
}

function render(config: LvsConfig): Record<string, string> {
  const plans = planOutputs(config, { source: "lvs_dr.conf", version: "0", arp: "sysctl", exportDir: "/etc/lvs", targets: ["keepalived"] });
  return Object.fromEntries(plans.map((p) => [p.path, [...renderChunks(p)].join("")]));
}

describe("keepalived.conf for an IPv6 single director", () => {
  const k = files(KITCHEN_SINK6)["keepalived.conf"]!;

  it("names each virtual and real server by address and port, two words, no brackets", () => {
    expect(k).toContain("\nvirtual_server 2001:db8::101 80 {\n");
    expect(k).toContain("\nvirtual_server 2001:db8::101 443 {\n");
    expect(k).toContain("\nvirtual_server 2001:db8::101 53 {\n");
    expect(k).toContain("\n    real_server 2001:db8::3 80 {\n");
    expect(k).toContain("\n    real_server 2001:db8::4 53 {\n");
    // keepalived reads `[2001:db8::101]:80` as an invalid address and skips the virtual server
    expect(code(k).filter((l) => l.includes("["))).toEqual([]);
  });

  it("writes the protocol of every address service (keepalived's default is UDP)", () => {
    expect(block(k, "virtual_server 2001:db8::101 80 {")).toContain("\n    protocol TCP\n");
    expect(block(k, "virtual_server 2001:db8::101 0 {")).toContain("\n    protocol TCP\n");
    expect(block(k, "virtual_server 2001:db8::101 53 {")).toContain("\n    protocol UDP\n");
    const services = code(k).filter((l) => l.startsWith("virtual_server ") && !l.startsWith("virtual_server fwmark"));
    expect(services.length).toBe(4);
    expect(code(k).filter((l) => l.startsWith("    protocol ")).length).toBe(services.length);
  });

  it("gives an IPv6 fwmark service its family, and persistence a prefix length", () => {
    const fw = block(k, "virtual_server fwmark 7 {");
    expect(fw).toContain("\n    ip_family inet6\n");
    expect(fw).toContain("\n    real_server 2001:db8::3 0 {\n        weight 3\n");
    expect(block(k, "virtual_server 2001:db8::101 443 {")).toContain("\n    persistence_granularity 64\n");
    // the default, each client alone (/128), is keepalived's too: nothing written
    expect(block(k, "virtual_server 2001:db8::101 0 {")).not.toContain("persistence_granularity");
  });

  it("floats the VIP without brd or label, deprecated, in a VRRPv3 instance", () => {
    const vi = block(k, "vrrp_instance VI_LVS {");
    expect(vi).toContain("\n    version 3\n");
    expect(code(vi)).toContain("        2001:db8::101/64 dev eth0 preferred_lft 0");
    expect(vi).not.toContain("brd");
    expect(vi).not.toContain("virtual_ipaddress_excluded");
    expect(k).toContain("\n    router_id lvs_2001_db8__101\n");
  });

  it("says which Host header HTTP_GET sends an IPv6 real server", () => {
    expect(block(k, "virtual_server 2001:db8::101 80 {")).toContain("! Over IPv6 the request carries Host: [address]:port, the real server's (RFC 2732).");
    const custom = files(conf6({}, ["CHECK=t www http path:/health"]))["keepalived.conf"]!;
    expect(custom).toContain("! Without host:, the request carries Host: [address]:port, the real server's (RFC 2732).");
    expect(files(conf6({}, ["CHECK=t www http path:/health host:www.example.com"]))["keepalived.conf"]).not.toContain("Without host:");
  });

  it("writes the NAT66 host preparation keepalived does not do, not IPv4's", () => {
    const nat = files(conf6({ 1: "LVS_TYPE=VS_NAT", 4: "DIRECTOR_INSIDEIP=eth1 2001:db8:1::1/64", 5: "SERVICE=t www rr [2001:db8:1::3]:80", 6: null, 7: null }), {})["keepalived.conf"]!;
    expect(nat).toContain("net.ipv6.conf.all.forwarding=1");
    expect(nat).not.toContain("net.ipv4.ip_forward");
    expect(nat).toContain("\n    lvs_method NAT\n");
  });
});

describe("keepalived.conf for an IPv6 pair", () => {
  const f = files(`${KITCHEN_SINK6}${PAIR6}\n`);
  const [main, backup] = [f["keepalived.conf"]!, f["keepalived.backup.conf"]!];

  it("writes a file for each director, differing only in router_id and priority", () => {
    expect(Object.keys(f)).toEqual(["keepalived.conf", "keepalived.backup.conf"]);
    const a = code(main);
    const b = code(backup);
    expect(a.length).toBe(b.length);
    const diff = a.flatMap((l, i) => (l !== b[i] ? [[l, b[i]]] : []));
    expect(diff).toEqual([
      ["    router_id lvs_2001_db8__101_director1", "    router_id lvs_2001_db8__101_director2"],
      ["    priority 250", "    priority 200"],
    ]);
    expect(main).toContain("the two files differ only in\n! router_id and priority.\n");
  });

  it("floats the VIP and the DIP in one VRRPv3 instance, adverts from the link-local address", () => {
    const vi = block(main, "vrrp_instance VI_LVS {");
    expect(vi).toContain("\n    version 3\n");
    // RFC 5798: an IPv6 advert's source is the link-local address; keepalived takes it itself
    expect(vi).not.toContain("mcast_src_ip");
    expect(code(vi)).toEqual(expect.arrayContaining(["        2001:db8::101/64 dev eth0 preferred_lft 0", "        2001:db8::1/64 dev eth0 preferred_lft 0"]));
    expect(main).not.toContain("vrrp_sync_group");
    // VRRPv3's bounds in the header: the version keepalived runs
    expect(main).toContain("VRRPv3, plus director2's skew of");
  });

  it("syncs connections over an IPv6 multicast group", () => {
    expect(main).toContain("\n    lvs_sync_daemon eth0 VI_LVS id 1 group ff02::8:81\n");
  });

  it("gives each device its own instance, in a sync group, when the VIP is on another one", () => {
    const two = files(`${conf6({ 3: "VIP=eth1 2001:db8:5::101/64" })}${PAIR6}\n`)["keepalived.conf"]!;
    expect(block(two, "vrrp_sync_group VG_LVS {")).toContain("        VI_VIP\n        VI_DIP\n");
    expect(code(block(two, "vrrp_instance VI_VIP {"))).toContain("        2001:db8:5::101/64 dev eth1 preferred_lft 0");
    expect(code(block(two, "vrrp_instance VI_DIP {"))).toContain("        2001:db8::1/64 dev eth0 preferred_lft 0");
    expect(two).toContain("\n    lvs_sync_daemon eth0 VI_DIP id 1 group ff02::8:81\n");
    expect(two).not.toContain("mcast_src_ip");
  });

  it("keeps an IPv4 pair's files as they were: VRRPv2, mcast_src_ip, the default sync group", () => {
    const k = files(readExample("lvs_dr_ha.conf"))["keepalived.conf"]!;
    expect(k).toContain("\n    mcast_src_ip 192.168.0.11\n");
    expect(k).not.toContain("version 3");
    expect(k).not.toContain("preferred_lft");
    expect(k).toMatch(/\n {4}lvs_sync_daemon eth0 VI_LVS id 101\n/);
  });
});

describe("keepalived.conf for a dual-stack cluster (one instance per device, the other family excluded)", () => {
  it("advertises in the directors' family, IPv4, with the IPv6 addresses in virtual_ipaddress_excluded", () => {
    const k = render(dualStack("ipv4", true))["keepalived.conf"]!;
    const vi = block(k, "vrrp_instance VI_LVS {");
    expect(vi).toContain("\n    mcast_src_ip 192.168.0.11\n");
    expect(code(block(vi, "virtual_ipaddress {"))).toEqual([
      "    virtual_ipaddress {",
      "        192.168.0.101/24 brd 192.168.0.255 dev eth0 label eth0:101",
      "        192.168.0.1/24 brd 192.168.0.255 dev eth0",
      "    }",
    ]);
    expect(code(block(vi, "virtual_ipaddress_excluded {"))).toEqual([
      "    virtual_ipaddress_excluded {",
      "        2001:db8::101/64 dev eth0 preferred_lft 0",
      "        2001:db8::1/64 dev eth0 preferred_lft 0",
      "    }",
    ]);
    // the IPv4 sync group, as for an IPv4 pair; each service on each VIP
    expect(k).toMatch(/\n {4}lvs_sync_daemon eth0 VI_LVS id 101\n/);
    expect(k).toContain("\nvirtual_server 192.168.0.101 80 {\n");
    expect(k).toContain("\nvirtual_server 2001:db8::101 80 {\n");
    expect(k).toContain("! The VRRP MASTER holds the VIPs 192.168.0.101 and 2001:db8::101 and the DIPs\n! 192.168.0.1 and 2001:db8::1.");
  });

  it("advertises in IPv6 when the directors are IPv6, with the IPv4 addresses excluded", () => {
    const k = render(dualStack("ipv6", true))["keepalived.conf"]!;
    const vi = block(k, "vrrp_instance VI_LVS {");
    expect(vi).not.toContain("mcast_src_ip");
    expect(code(block(vi, "virtual_ipaddress {"))).toEqual(["    virtual_ipaddress {", "        2001:db8::101/64 dev eth0 preferred_lft 0", "        2001:db8::1/64 dev eth0 preferred_lft 0", "    }"]);
    expect(code(block(vi, "virtual_ipaddress_excluded {"))).toEqual([
      "    virtual_ipaddress_excluded {",
      "        192.168.0.101/24 brd 192.168.0.255 dev eth0 label eth0:101",
      "        192.168.0.1/24 brd 192.168.0.255 dev eth0",
      "    }",
    ]);
    expect(k).toContain("group ff02::8:81\n");
  });

  it("is what the validator's dual stack gives: examples/lvs_dr_dual.conf with a pair", () => {
    const f = files(`${readExample("lvs_dr_dual.conf")}DIRECTOR_PAIR=192.168.0.11 192.168.0.12\n`);
    const vi = block(f["keepalived.conf"]!, "vrrp_instance VI_LVS {");
    expect(code(block(vi, "virtual_ipaddress_excluded {"))).toEqual(["    virtual_ipaddress_excluded {", "        2001:db8::101/64 dev eth0 preferred_lft 0", "        2001:db8::1/64 dev eth0 preferred_lft 0", "    }"]);
    expect(f["keepalived.conf"]).toContain("\nvirtual_server 2001:db8::101 80 {\n");
    // IPv4 adverts: VRRP_VERSION=2 is fine there
    expect(lintText(`${readExample("lvs_dr_dual.conf")}DIRECTOR_PAIR=192.168.0.11 192.168.0.12\nVRRP_VERSION=2\n`).diagnostics.map((d) => d.code)).not.toContain("vrrp-v2-ipv6");
  });

  it("gives a single director one instance, in the first VIP's family", () => {
    const k = render(dualStack("ipv6", false))["keepalived.conf"]!;
    const vi = block(k, "vrrp_instance VI_LVS {");
    expect(vi).toContain("\n    version 3\n");
    expect(code(block(vi, "virtual_ipaddress {"))).toEqual(["    virtual_ipaddress {", "        2001:db8::101/64 dev eth0 preferred_lft 0", "    }"]);
    expect(code(block(vi, "virtual_ipaddress_excluded {"))).toEqual(["    virtual_ipaddress_excluded {", "        192.168.0.101/24 brd 192.168.0.255 dev eth0 label eth0:101", "    }"]);
  });

  it("vrrpInstances: a device with addresses of the other family only gets an instance of that family", () => {
    const c = dualStack("ipv4", true);
    const six = { ...c.vips[1]!, device: { name: "eth1", device: "eth1", label: undefined } };
    const instances = vrrpInstances({ ...c, vips: [c.vips[0]!, six] });
    expect(instances.map((x) => [x.name, x.device, x.family, x.addresses.length, x.excluded.length])).toEqual([
      ["VI_DIP", "eth0", 4, 2, 1],
      ["VI_eth1", "eth1", 6, 1, 0],
    ]);
    // the router-id check compares each instance's LAN in its own family
    expect(instances[1]!.network).toBe(0x20010db8000000000000000000000000n);
  });
});

describe("VRRP router ids of IPv6 clusters linted together", () => {
  const set = (a: string, b: string) => checkConfSet([lintText(a, { file: "a.conf" }), lintText(b, { file: "b.conf" })]).flatMap((r) => r.diagnostics.map((d) => d.code)).filter((c) => c === "vrrp-router-id-collision");

  it("collide on one IPv6 network (both ids from a VIP ending in 01)", () => {
    expect(set(conf6(), conf6({ 3: "VIP=eth0 2001:db8::201/64" }))).toEqual(["vrrp-router-id-collision", "vrrp-router-id-collision"]);
  });

  it("do not collide on different IPv6 networks, nor across families (VRRP over IPv4 and over IPv6 are apart)", () => {
    expect(set(conf6(), conf6({ 3: "VIP=eth0 2001:db8:1::201/64", 4: "DIRECTOR_INSIDEIP=eth0 2001:db8:1::1/64" }))).toEqual([]);
    const v4 = `${readExample("lvs_dr.conf")}VRRP_ROUTER_ID=1\n`;
    expect(set(conf6(), v4)).toEqual([]);
    // the control: the same id on one IPv4 network does collide
    expect(set(v4, `${readExample("lvs_dr.conf").replace("192.168.0.101 255", "192.168.0.102 255")}VRRP_ROUTER_ID=1\n`)).toContain("vrrp-router-id-collision");
  });
});

describe("keepalived -t", () => {
  const cases: [string, () => Record<string, string>][] = [
    ["an IPv6 single director with every kind of service", () => files(KITCHEN_SINK6)],
    ["an IPv6 pair with every kind of service", () => files(`${KITCHEN_SINK6}${PAIR6}\n`)],
    ["an IPv6 pair, the VIP on another device", () => files(`${conf6({ 3: "VIP=eth1 2001:db8:5::101/64" })}${PAIR6}\n`)],
    ["an IPv6 pair with fast timers", () => files(`${conf6()}${PAIR6}\nVRRP_ADVERT=0.2\n`)],
    ["an IPv6 NAT pair", () => files(`${conf6({ 1: "LVS_TYPE=VS_NAT", 4: "DIRECTOR_INSIDEIP=eth1 2001:db8:1::1/64", 5: "SERVICE=t www rr [2001:db8:1::3]:80", 6: null, 7: null })}DIRECTOR_PAIR=2001:db8:1::11 2001:db8:1::12\n`)],
    ["an IPv6 TUN pair", () => files(`${conf6({ 1: "LVS_TYPE=VS_TUN", 6: "SERVER_VIP_DEVICE=ip6tnl0" })}${PAIR6}\n`, { file: "lvs_tun.conf" })],
    ["IPv6 with a CHECK of every kind", () => files(conf6({}, ["SERVICE=t https rr rs1 rs2", "SERVICE=u domain rr rs1 rs2", "SERVICE=t smtp rr rs1 rs2", "SERVICE=t 8080 rr rs1 rs2", "CHECK=t www http path:/health status:200", "CHECK=t https https", "CHECK=u domain dns name:example.com type:AAAA", "CHECK=t smtp smtp helo:director.example.com", "CHECK=t 8080 script run:/bin/true"]))],
    ["a dual-stack pair advertising in IPv4", () => render(dualStack("ipv4", true))],
    ["a dual-stack pair advertising in IPv6", () => render(dualStack("ipv6", true))],
    ["a dual-stack single director", () => render(dualStack("ipv6", false))],
    ["examples/lvs_dr_dual.conf (the validator's dual stack)", () => files(readExample("lvs_dr_dual.conf"))],
    ["examples/lvs_dr_dual.conf with two IPv4 directors", () => files(`${readExample("lvs_dr_dual.conf")}DIRECTOR_PAIR=192.168.0.11 192.168.0.12\n`)],
  ];

  it.for(cases)("accepts %s, every file, without a message", ([, make], ctx) => {
    needTool(ctx, "keepalived");
    for (const [path, text] of Object.entries(make())) {
      const k = keepalivedTest(text);
      expect([path, k.output]).toEqual([path, ""]);
      expect(k.status).toBe(0);
    }
  });

  it("refuses what lvsc never writes: a bracketed IPv6 virtual server", (ctx) => {
    needTool(ctx, "keepalived");
    const k = files(conf6())["keepalived.conf"]!;
    const broken = keepalivedTest(k.replace("virtual_server 2001:db8::101 80 {", "virtual_server [2001:db8::101]:80 {"));
    expect(broken.status).not.toBe(0);
    expect(broken.output).toContain("Invalid virtual server IP address [2001:db8::101]:80");
  });

  it("refuses what lvsc never writes: IPv4 and IPv6 in one virtual_ipaddress", (ctx) => {
    needTool(ctx, "keepalived");
    const k = render(dualStack("ipv4", true))["keepalived.conf"]!;
    const mixed = k.replace("    }\n    ! the IPv6 addresses", "        2001:db8::101/64 dev eth0\n    }\n    ! the IPv6 addresses");
    const broken = keepalivedTest(mixed);
    expect(broken.output).toContain("address family must match VRRP instance");
  });
});
