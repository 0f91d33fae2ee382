// The files beside the scripts for IPv6 clusters: exports (no brackets), mon.cf (read by mon, with
// the monitors that reach IPv6), the picture and show's text, the JSON model against its schema,
// and variants converting IPv6 clusters.
import { Ajv2020 } from "ajv/dist/2020.js";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { variants, type LvsConfig } from "../src/index.js";
import { HELPERS } from "../src/helpers.js";
import { show } from "../src/show.js";
import { topology, toDot } from "../src/topology.js";
import { renderSvg } from "../src/svg.js";
import { compileText, conf6, EXAMPLE_HOSTS, lintText, lvscRun, readExample, ROOT } from "./helpers.js";
import { needTool } from "./tools.js";

function model(text: string, file = "lvs_dr.conf"): LvsConfig {
  const r = lintText(text, { file });
  if (r.config === undefined) throw new Error(JSON.stringify(r.diagnostics));
  return r.config;
}

function files(text: string, file = "lvs_dr.conf"): Record<string, string> {
  const r = compileText(text, { file, targets: ["exports", "mon"] });
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return Object.fromEntries(r.files.map((f) => [f.path, f.contents]));
}

/** An IPv6 NAT cluster: the VIP outside, the real servers (one on another port) on the DIP's /64. */
const NAT6 = conf6({ 1: "LVS_TYPE=VS_NAT", 3: "VIP=eth0 2001:db8:1::110/64", 4: "DIRECTOR_INSIDEIP=eth1 2001:db8::1/64", 5: "SERVICE=t www rr rs1 rs2:8080", 6: null, 7: null }, [
  "SERVICE=t 443 wlc ppc -M 64 [2001:db8::5]:443",
]);
/** IPv6 in IPv6: the real servers hold the VIP on ip6tnl0. */
const TUN6 = conf6({ 1: "LVS_TYPE=VS_TUN", 6: "SERVER_VIP_DEVICE=ip6tnl0" }, ["SERVICE=f 1 rr rs2   # lvsc-disable-line fwmark-rule-not-generated"]).replace(
  "VIP=",
  "# lvsc-disable-next-line tun6-mtu\nVIP=",
);
/** Every kind of service, persistence with a prefix, UDP, a mark, a port remap-free DR cluster. */
const DR6 = conf6({}, ["SERVICE=t https wlc ppc -M 64 rs1 rs2", "SERVICE=u domain sh rs1 rs2", "SERVICE=f 7 rr rs1,3   # lvsc-disable-line fwmark-rule-not-generated", "SERVICE=t 8080 rr rs1 rs2"]);

describe("exports for an IPv6 cluster", () => {
  const text = files(DR6)["exports"]!;

  it("lists the real servers bare, never in brackets (a bracket is a wildcard in /etc/exports)", () => {
    const line = text.split("\n").find((l) => l.startsWith("/etc/lvs "));
    expect(line).toBe("/etc/lvs 2001:db8::3(ro,sync,no_subtree_check) 2001:db8::4(ro,sync,no_subtree_check)");
  });

  it("mounts from the DIP in brackets, as nfs(5) wants a raw IPv6 server", () => {
    expect(text).toContain("#   mount -t nfs -o ro,nosuid,nodev [2001:db8::1]:/etc/lvs /etc/lvs\n");
  });

  it("writes a pair's share at director1's own IPv6 address", () => {
    const pair = files(conf6({}, ["DIRECTOR_PAIR=2001:db8::11 2001:db8::12"]))["exports"]!;
    expect(pair).toContain("#   mount -t nfs -o ro,nosuid,nodev [2001:db8::11]:/etc/lvs /etc/lvs\n");
    expect(pair).toContain("\n/etc/lvs 2001:db8::12(ro,sync,no_subtree_check) 2001:db8::3(ro,sync,no_subtree_check) 2001:db8::4(ro,sync,no_subtree_check)\n");
  });
});

describe("exportsField and word take IPv6 only in its canonical, validated form", () => {
  it("exportsField: a canonical address or prefix, nothing else with a colon or a bracket", () => {
    for (const ok of ["2001:db8::3", "2001:db8::/64", "::1", "::", "2001:db8::/128", "fe80::/10", "/etc/lvs", "192.168.0.3"]) expect(HELPERS.exportsField(ok)).toBe(ok);
    const bad = [
      "[2001:db8::3]",
      "2001:DB8::3",
      "2001:db8::03",
      "2001:db8:0:0:0:0:0:3",
      "2001:db8::3/129",
      "2001:db8::3/064",
      "2001:db8::3/",
      "fe80::1%eth0",
      ":::",
      "1:2:3:4:5:6:7:8:9",
      "2001:db8::3(rw)",
      "2001:db8::3 *",
      "-2001:db8::3",
      "a:b",
      "0:" + "0".repeat(300) + "::1",
    ];
    for (const v of bad) expect(() => HELPERS.exportsField(v), v).toThrow(/unsafe exports/);
  });

  it("word: `[canonical IPv6]:port` is the only bracket it lets through", () => {
    for (const ok of ["[2001:db8::1]:80", "[::1]:0", "[2001:db8::1]:65535", "2001:db8::1"]) expect(HELPERS.word(ok)).toBe(ok);
    const bad = ["[2001:db8::1]", "[2001:DB8::1]:80", "[::1]:080", "[::1]:65536", "[::1]:80]", "[$(id)]:80", "[2001:db8::1]:80 x", "[2001:db8::1]:80,3;id", "[fe80::1%eth0]:80", "[2001:db8::/64]:80", "[[::1]]:80", "[]:80"];
    for (const v of bad) expect(() => HELPERS.word(v), v).toThrow(/unsafe configuration token/);
  });
});

describe("mon.cf for an IPv6 cluster", () => {
  const text = files(DR6)["mon.cf"]!;

  it("names hostgroups as mon reads them ([a-zA-Z0-9_.-]+: no colon)", () => {
    expect(text.match(/^hostgroup .*/gm)).toEqual(["hostgroup rs_2001_db8__3 2001:db8::3", "hostgroup rs_2001_db8__4 2001:db8::4"]);
    for (const m of text.matchAll(/^(?:hostgroup|watch) (\S+)/gm)) expect(m[1]).toMatch(/^[a-zA-Z0-9_.-]+$/);
  });

  it("pings where mon's port monitors cannot reach IPv6, and says so", () => {
    expect(text).not.toMatch(/monitor (tcp|http|ftp|telnet|smtp|pop3|nntp|imap)\.monitor/);
    expect(text).toContain("watch rs_2001_db8__3\n    # mon's http.monitor cannot reach IPv6: a ping instead, the port unchecked\n    service tcp80\n        interval 15s\n        monitor fping.monitor\n");
    expect(text).toContain("mon's tcp.monitor cannot reach");
    expect(text).toContain("# IPv6 real servers: mon's own port monitors");
  });

  it("keeps dns.monitor, which asks over IPv6", () => {
    const dns = files(conf6({}, ["SERVICE=u domain rr rs1 rs2", "CHECK=u domain dns name:example.com type:AAAA"]))["mon.cf"]!;
    expect(dns).toContain("monitor dns.monitor -caching_only -query example.com:AAAA");
  });

  it("names services and remapped real servers as ipvsadm does, never `addr:port` bare", () => {
    expect(text).toContain("alert virtualserver.alert -A -d -P -t -V [2001:db8::101]:80 -R 2001:db8::3\n");
    expect(text).toContain("upalert virtualserver.alert -A -a -P -u -V [2001:db8::101]:53 -R 2001:db8::4 -T -g -w 1\n");
    const nat = files(NAT6, "lvs_nat.conf")["mon.cf"]!;
    expect(nat).toContain("-V [2001:db8:1::110]:80 -R [2001:db8::4]:8080 -T -m -w 1\n");
    // a service always in brackets with its port; a real server bare (ipvsadm gives it the service's port) or bracketed
    for (const m of nat.matchAll(/ -V (\S+) -R (\S+)/g)) {
      expect(m[1]).toMatch(/^\[[0-9a-f:]+\]:\d+$/);
      expect(m[2]).toMatch(/^(\[[0-9a-f:]+\]:\d+|[0-9a-f:]+)$/);
    }
  });

  it("writes no alert for an IPv6 firewall mark, which virtualserver.alert's -V cannot name", () => {
    const watch = text.slice(text.indexOf("service fwmark7"), text.indexOf("service", text.indexOf("service fwmark7") + 8));
    expect(watch).not.toContain("virtualserver.alert");
    expect(text).toContain("# IPv6 firewall mark 7: virtualserver.alert names it as -f 7 (the IPv4 service),");
  });

  it("writes an IPv4 cluster's mon.cf as before (no IPv6 note)", () => {
    const v4 = compileText(readExample("lvs_dr.conf"), { targets: ["mon"] }).files[0]!.contents;
    expect(v4).not.toContain("IPv6");
    expect(v4).toContain("hostgroup rs_192_168_0_3 192.168.0.3");
  });

  const monArgs = (dir: string, cf: string) => ["mon", "-c", cf, "-p", "0", "-P", "", "-L", dir, "-D", dir, "-A", "/dev/null", "-S"];
  it.for([
    ["DR", DR6, "lvs_dr.conf"],
    ["NAT", NAT6, "lvs_nat.conf"],
    ["TUN", TUN6, "lvs_tun.conf"],
    ["INITIAL_STATE=off", conf6({ 2: "INITIAL_STATE=off" }), "lvs_dr.conf"],
  ] as const)("%s: mon reads it without a config error", async ([, text, file], ctx) => {
    needTool(ctx, "mon");
    const dir = mkdtempSync(join(tmpdir(), "lvsc-mon6-"));
    writeFileSync(join(dir, "mon.cf"), files(text, file)["mon.cf"]!);
    const p = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const c = spawn("timeout", ["2", ...monArgs(dir, join(dir, "mon.cf"))], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      c.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
      c.on("close", (status) => resolve({ status, stderr }));
    });
    expect(p.stderr).toBe("");
    expect(p.status).toBe(124);
  });

  it("is right that mon's tcp.monitor cannot reach an IPv6 server (and reaches IPv4)", async (ctx) => {
    needTool(ctx, "mon");
    const listen = (host: string) =>
      new Promise<Server>((resolve, reject) => {
        const s = createServer((c) => c.end());
        s.on("error", reject);
        s.listen(0, host, () => resolve(s));
      });
    let v6: Server;
    try {
      v6 = await listen("::1");
    } catch {
      return ctx.skip("no IPv6 loopback here");
    }
    const v4 = await listen("127.0.0.1");
    try {
      const run = (s: Server, host: string) =>
        new Promise<number | null>((resolve) => {
          const port = (s.address() as { port: number }).port;
          spawn("/usr/lib/mon/mon.d/tcp.monitor", ["-p", String(port), "-t", "2", host], { stdio: "ignore" }).on("close", resolve);
        });
      expect(await run(v4, "127.0.0.1")).toBe(0);
      expect(await run(v6, "::1")).not.toBe(0);
    } finally {
      v4.close();
      v6.close();
    }
  });

  it("is right that fping.monitor reaches an IPv6 host (when fping is installed)", (ctx) => {
    needTool(ctx, "mon");
    if (spawnSync("fping", ["-v"]).status !== 0) return ctx.skip("fping is not installed");
    expect(spawnSync("/usr/lib/mon/mon.d/fping.monitor", ["::1"]).status).toBe(0);
  });
});

describe("the picture and show's text of an IPv6 cluster", () => {
  it("shows IPv6 addresses, /prefixes and no netmask, broadcast or ARP lines", () => {
    const g = topology(model(DR6), "lvs_dr.conf");
    const text = JSON.stringify(g);
    expect(text).toContain("VIP 2001:db8::101/64 on eth0, nodad, deprecated");
    expect(text).toContain("DIP 2001:db8::1/64 on eth0");
    expect(text).toContain("TCP [2001:db8::101]:80 www");
    expect(text).toContain("VIP 2001:db8::101/128 on lo, nodad");
    expect(text).not.toMatch(/ARP|arp_|netmask|broadcast|\/32/);
  });

  it("shows NAT66's forwarding and the real servers' redirects, and TUN's ip6_tunnel", () => {
    const nat = JSON.stringify(topology(model(NAT6, "lvs_nat.conf"), "lvs_nat.conf"));
    expect(nat).toContain("IPv6 forwarding=1 (all): the real servers' gateway");
    expect(nat).toContain("IPv6: accept_redirects=0 on each interface");
    expect(nat).not.toContain("ip_forward");
    const tun = JSON.stringify(topology(model(TUN6, "lvs_tun.conf"), "lvs_tun.conf"));
    expect(tun).toContain("VIP 2001:db8::101/128 on ip6tnl0, nodad (IPv6 in IPv6, ip6_tunnel module)");
    expect(tun).not.toContain("rp_filter");
  });

  it("lays out the longest IPv6 addresses without a Graphviz warning", async () => {
    const long = conf6(
      {
        1: "LVS_TYPE=VS_NAT",
        3: "VIP=eth0 2001:db8:1234:5678:9abc:def0:1234:5678/64",
        4: "DIRECTOR_INSIDEIP=eth1 2001:db8:aaaa:bbbb:cccc:dddd:eeee:1/64",
        5: "SERVICE=t www rr [2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff]:8080 2001:db8:aaaa:bbbb:cccc:dddd:eeee:fffe",
        6: null,
        7: null,
      },
      ["SERVICE=t 0 wlc ppc -M 48 2001:db8:aaaa:bbbb:cccc:dddd:eeee:fffd ::1"],
    );
    const { svg, warnings } = await renderSvg(toDot(topology(model(long, "lvs_nat.conf"), "lvs_nat.conf")));
    expect(warnings).toEqual([]);
    expect(svg).toContain("[2001:db8:1234:5678:9abc:def0:1234:5678]:* (every port)");
    expect(svg).toContain("the director serves a share itself (::1)");
  });

  it("keeps show's health-check column aligned for IPv6 names", async () => {
    const text = await show(model(DR6), "text", "lvs_dr.conf");
    const rows = text.slice(text.indexOf("Health checks:\n") + 15).trimEnd().split("\n");
    const at = rows.map((r) => r.search(/ (lvsc default|http|tcp|dns|none)/));
    expect(new Set(at).size).toBe(1);
    expect(rows[0]).toMatch(/^TCP  \[2001:db8::101\]:80 +lvsc default: HTTP_GET/);
  });
});

describe("the JSON model of an IPv6 cluster", () => {
  const schema = JSON.parse(readFileSync(join(ROOT, "schema/lvsc-model.schema.json"), "utf8"));
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  const json = async (text: string, file = "lvs_dr.conf") => JSON.parse(await show(model(text, file), "json", file));

  it.each([
    ["DR", DR6, "lvs_dr.conf"],
    ["NAT", NAT6, "lvs_nat.conf"],
    ["TUN", TUN6, "lvs_tun.conf"],
    ["pair", conf6({}, ["DIRECTOR_PAIR=2001:db8::11 2001:db8::12"]), "lvs_dr.conf"],
    ["gateway", conf6({}, ["SERVER_DEFAULT_GW=2001:db8::fe", "DIRECTOR_DEFAULT_GW=2001:db8::fe"]), "lvs_dr.conf"],
  ])("%s validates against the shipped JSON Schema, lvscModel 1", async (_n, text, file) => {
    const doc = await json(text, file);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.lvscModel).toBe(1);
  });

  it("gives the family, null netmask and broadcast, a persistence prefix, and each service's VIP", async () => {
    const doc = await json(DR6);
    expect(doc.vip).toEqual({ device: "eth0", label: null, address: "2001:db8::101", family: 6, prefix: 64, netmask: null, broadcast: null });
    expect(doc.dip).toEqual({ device: "eth0", label: null, address: "2001:db8::1", network: "2001:db8::", prefix: 64, netmask: null, broadcast: null });
    expect(doc.vips).toEqual([doc.vip]);
    expect(doc.dips).toEqual([doc.dip]);
    const https = doc.services.find((s: { port: number }) => s.port === 443);
    expect(https.persistence).toEqual({ timeout: 360, netmask: null, prefix: 64 });
    expect(https.vip).toBe("2001:db8::101");
    expect(https.realServers[0].address).toBe("2001:db8::3");
  });

  it("keeps an IPv4 document's fields and values, the new ones beside them", async () => {
    const doc = await json(readExample("lvs_dr.conf"));
    expect(doc.vip).toEqual({ device: "eth0", label: "eth0:101", address: "192.168.0.101", family: 4, prefix: 24, netmask: "255.255.255.0", broadcast: "192.168.0.255" });
    expect(doc.services[0].persistence).toBe(null);
    expect(doc.services[0].vip).toBe("192.168.0.101");
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });

  it("refuses what lvsc never writes: brackets, upper case, a zone, a netmask on IPv6, IPv6 under family 4, a prefix past 32 for IPv4", async () => {
    const good = await json(DR6);
    const broken: [string, (d: typeof good) => void][] = [
      ["brackets", (d) => (d.services[0].realServers[0].address = "[2001:db8::3]")],
      ["upper case", (d) => (d.vip.address = "2001:DB8::101")],
      ["a zone", (d) => (d.dip.address = "fe80::1%eth0")],
      ["a port", (d) => (d.services[0].vip = "[2001:db8::101]:80")],
      [":::", (d) => (d.directorGateway = ":::")],
      ["nine groups", (d) => (d.services[0].realServers[0].address = "1:2:3:4:5:6:7:8:9")],
      ["five hex digits", (d) => (d.services[0].realServers[0].address = "2001:db8::12345")],
      ["a netmask on IPv6", (d) => (d.vip.netmask = "255.255.255.0")],
      ["a broadcast on IPv6", (d) => (d.dip.broadcast = "192.168.0.255")],
      ["IPv6 under family 4", (d) => (d.vip.family = 4)],
      ["a prefix past 128", (d) => (d.vip.prefix = 129)],
      ["persistence without its prefix", (d) => delete d.services[1].persistence.prefix],
    ];
    for (const [what, change] of broken) {
      const doc = structuredClone(good);
      change(doc);
      expect(validate(doc), what).toBe(false);
    }
    const v4 = await json(readExample("lvs_dr.conf"));
    v4.vip.prefix = 64;
    expect(validate(v4), "an IPv4 prefix past 32").toBe(false);
  });
});

describe("variants of IPv6 clusters", () => {
  const convert = (text: string, file = "lvs_dr.conf") => variants(text, { hosts: [EXAMPLE_HOSTS], file, targets: ["rules"] });
  const confOf = (r: ReturnType<typeof convert>, type: string) => r.variants.find((v) => v.type === type)?.conf.contents ?? "";

  it("converts DR to NAT (the DIP as the real servers' gateway) and to TUN (ip6tnl0)", () => {
    const r = convert(conf6());
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(confOf(r, "nat")).toContain("\nSERVER_DEFAULT_GW=2001:db8::1\n");
    expect(confOf(r, "tun")).toContain("# lvsc: VS_TUN real servers unwrap the director's IPv6-in-IPv6 packets on ip6tnl0 and hold the VIP there (was lo)\nSERVER_VIP_DEVICE=ip6tnl0\n");
    expect(r.variants.find((v) => v.type === "nat")!.files[0]!.contents).toContain("-a -t [2001:db8::101]:80 -r [2001:db8::3]:80 -m -w 1");
  });

  it("converts a dual-stack DR conf to NAT with each family's DIP as its gateway, and back to DR without either (library and lvsc variants agree)", () => {
    const dual = readExample("lvs_dr_dual.conf");
    const nat = confOf(convert(dual, "lvs_dr_dual.conf"), "nat");
    expect(nat).toContain("\nSERVER_DEFAULT_GW=192.168.0.1\n");
    expect(nat).toContain("\nSERVER_DEFAULT_GW=2001:db8::1\n");
    const cli = lvscRun("variants", dual, "lvs_dr_dual.conf", { types: ["nat"] });
    expect(cli.status, cli.stderr).toBe(0);
    const file = (path: string) => cli.files.find((f) => f.path === path)?.contents ?? "";
    expect(file("nat/lvs_nat.conf")).toBe(nat);
    // the variant's hosts file names each real server once per family, so the directory stands on its own
    const hosts = file("nat/hosts");
    for (const line of ["192.168.0.3\trs1", "2001:db8::3\trs1", "192.168.0.4\trs2", "2001:db8::4\trs2"]) expect(hosts).toContain(`\n${line}\n`);
    const rc = file("nat/rc.lvs_nat");
    expect(rc).toContain("\twant_route 192.168.0.1\n");
    expect(rc).toContain("\twant_route 2001:db8::1\n");
    const back = variants(nat, { hosts: [{ path: "hosts", text: hosts }], file: "lvs_nat.conf", targets: ["rules"] });
    expect(back.diagnostics.filter((d) => d.code === "gateway-removed").map((d) => d.message)).toEqual([
      "`SERVER_DEFAULT_GW=192.168.0.1` (the DIP) is left out of the VS_DR conf",
      "`SERVER_DEFAULT_GW=192.168.0.1` (the DIP) is left out of the VS_TUN conf",
      "`SERVER_DEFAULT_GW=2001:db8::1` (the DIP) is left out of the VS_DR conf",
      "`SERVER_DEFAULT_GW=2001:db8::1` (the DIP) is left out of the VS_TUN conf",
    ]);
    expect(confOf(back, "dr")).not.toMatch(/^SERVER_DEFAULT_GW=/m);
    // a gateway written as a name goes with the family it resolved in, not the one its text looks like
    const named = dual.replace("SERVER_NET_DEVICE=eth0", "SERVER_NET_DEVICE=eth0\nSERVER_DEFAULT_GW=router6\nSERVER_DEFAULT_GW=192.168.0.254");
    const withRouter = { path: "hosts", text: `${EXAMPLE_HOSTS.text}2001:db8::fe\trouter6\n` };
    const natNamed = confOf(variants(named, { hosts: [withRouter], file: "lvs_dr_dual.conf", targets: ["rules"] }), "nat");
    expect(natNamed).toContain("(was router6)\nSERVER_DEFAULT_GW=2001:db8::1\n");
    expect(natNamed).toContain("(was 192.168.0.254)\nSERVER_DEFAULT_GW=192.168.0.1\n");
    // TUN of a dual-stack conf: both VIPs on ip6tnl0, which the validator takes for IPv6 (tunl0 it refuses)
    expect(confOf(convert(dual, "lvs_dr_dual.conf"), "tun")).toContain("and hold both VIPs on ip6tnl0 (was lo)\nSERVER_VIP_DEVICE=ip6tnl0\n");
  });

  it("converts TUN back to DR on dummy0", () => {
    const r = convert(TUN6, "lvs_tun.conf");
    expect(confOf(r, "dr")).toContain("never answers neighbour solicitations (was ip6tnl0)\nSERVER_VIP_DEVICE=dummy0\n");
  });

  it("refuses DR and NAT for an IPv6 real server off the DIP's /64, naming the network", () => {
    const r = convert(conf6({ 1: "LVS_TYPE=VS_TUN", 5: "SERVICE=t www rr rs1 2001:db8:9::11", 6: "SERVER_VIP_DEVICE=ip6tnl0" }).replace("VIP=", "# lvsc-disable-next-line tun6-mtu\nVIP="), "lvs_tun.conf");
    const msgs = r.diagnostics.filter((d) => d.code === "realserver-outside-network").map((d) => d.message);
    expect(msgs).toEqual([
      "real server `2001:db8:9::11` (2001:db8:9::11) is outside the director's inside network 2001:db8::1/64, which VS_DR needs",
      "real server `2001:db8:9::11` (2001:db8:9::11) is outside the director's inside network 2001:db8::1/64, which VS_NAT needs",
    ]);
    expect(r.convertible).toEqual(["tun"]);
  });
});
