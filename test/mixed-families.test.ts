// Mixed families (issue 18): VS_TUN tunnels an IPv4 VIP to IPv6 real servers (4in6: ip6tnl0 in
// mode any) or an IPv6 VIP to IPv4 ones (6in4: sit0); direct routing and masquerading cannot, nor
// a pair's connection sync. What the validator takes and refuses, and what the real servers' side
// of the scripts sets up for each tunnel (test/e2e/e2e.test.ts runs it on the 6.1 kernel).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { variants } from "../src/index.js";
import { familyOf } from "../src/net.js";
import { CLI, compileText, dirWith, EXAMPLE_HOSTS, EXAMPLES, lintText, lvscRun, readExample } from "./helpers.js";

const TUN46 = readExample("lvs_tun46.conf");
/** lvs_tun6.conf (an IPv6 VIP) with IPv4 real servers. */
const TUN64 = readExample("lvs_tun6.conf").replaceAll("2001:db8:3::11", "192.168.3.11").replaceAll("2001:db8:3::12", "192.168.3.12");
const HOSTS46 = { path: "hosts", text: `${EXAMPLE_HOSTS.text}2001:db8:3::21 rs6only\n192.168.1.31 rsboth\n2001:db8:3::31 rsboth\n` };

const errors = (r: { diagnostics: { severity: string; code: string }[] }) => r.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);

function realServerWants(rc: string): string {
  const m = /^realserver_wants\(\) \{\n([\s\S]*?)^\}/m.exec(rc);
  if (m === null) throw new Error("no realserver_wants in the script");
  return m[1]!;
}

function script(text: string, hosts = [EXAMPLE_HOSTS]): string {
  const r = compileText(text, { file: "lvs_tun.conf", hosts, targets: ["rc"] });
  expect(errors(r)).toEqual([]);
  return r.files.find((f) => f.path === "rc.lvs_tun")!.contents;
}

describe("which clusters may mix families", () => {
  it("takes a VS_TUN IPv4 VIP with IPv6 real servers, and an IPv6 VIP with IPv4 ones", () => {
    for (const text of [TUN46, TUN64]) {
      const r = lintText(text, { file: "lvs_tun.conf" });
      expect(errors(r)).toEqual([]);
      const vip = familyOf(r.config!.vip.address);
      for (const s of r.config!.services) for (const rs of s.realServers) expect(familyOf(rs.address)).toBe(vip === 4 ? 6 : 4);
    }
  });

  it("refuses DR and NAT across families, at the real server, with a hint that names VS_TUN", () => {
    for (const type of ["VS_DR", "VS_NAT"]) {
      const text = TUN46.replace("LVS_TYPE=VS_TUN", `LVS_TYPE=${type}`).replace("SERVER_VIP_DEVICE=tunl0", type === "VS_DR" ? "SERVER_VIP_DEVICE=dummy0" : "");
      const r = lintText(text, { file: type === "VS_DR" ? "lvs_dr.conf" : "lvs_nat.conf" });
      const d = r.diagnostics.filter((x) => x.code === "wrong-family");
      expect(d.length).toBeGreaterThan(0);
      expect(d[0]!.span.start.line).toBe(text.split("\n").findIndex((l) => l.startsWith("SERVICE=t www")) + 1);
      expect(d[0]!.hint).toContain("VS_TUN");
    }
  });

  it("resolves a TUN real server's name in the VIP's family first, else in the other", () => {
    const text = TUN46.replace("SERVICE=t www rr 2001:db8:3::11 2001:db8:3::12", "SERVICE=t www rr rs6only rsboth");
    const r = lintText(text, { file: "lvs_tun.conf", hosts: [HOSTS46] });
    expect(errors(r)).toEqual([]);
    const www = r.config!.services.find((s) => s.port === 80)!;
    expect(www.realServers.map((rs) => rs.written)).toEqual(["rs6only", "rsboth"]);
    expect(www.realServers.map((rs) => familyOf(rs.address))).toEqual([6, 4]);
  });

  it("refuses mixed families with a pair (the sync daemon), through lvsc compile: exit 1, nothing written", () => {
    const text = `${TUN46}DIRECTOR_PAIR=192.168.1.11 192.168.1.12\n`;
    expect(errors(lintText(text, { file: "lvs_tun.conf" }))).toEqual(["mixed-family-sync"]);
    const cli = lvscRun("compile", text, "lvs_tun.conf");
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain("mixed-family-sync");
    expect(cli.stderr).toContain("sync daemon");
    expect(cli.files).toEqual([]);
  });

  it("refuses mixed families with N active directors", () => {
    const text = readExample("lvs_dr_ecmp.conf").replace("LVS_TYPE=VS_DR", "LVS_TYPE=VS_TUN").replace("rs3.ecmp rs1.ecmp rs2.ecmp", "2001:db8:3::11 2001:db8:3::12 2001:db8:3::13");
    const r = lintText(text, { file: "lvs_tun.conf" });
    expect(r.diagnostics.filter((d) => d.code === "ipv6-unsupported").map((d) => d.message)).toEqual([expect.stringContaining("N active directors")]);
  });

  it("warns (tun6-mtu) at the first IPv6 real server of an IPv4 VIP, unless accepted", () => {
    const r = lintText(TUN46.replace("# lvsc-disable-next-line tun6-mtu\n", ""), { file: "lvs_tun.conf" });
    const w = r.diagnostics.filter((d) => d.code === "tun6-mtu");
    expect(w).toHaveLength(1);
    expect(w[0]!.message).toContain("2001:db8:3::11");
    expect(lintText(TUN46, { file: "lvs_tun.conf" }).diagnostics.filter((d) => d.code === "tun6-mtu")).toEqual([]);
  });

  it("keeps a dual-stack TUN conf one family per VIP (an address of the other family is the other VIP's)", () => {
    const r = lintText(readExample("lvs_dr_dual.conf").replace("LVS_TYPE=VS_DR", "LVS_TYPE=VS_TUN").replace("SERVER_VIP_DEVICE=lo", "SERVER_VIP_DEVICE=ip6tnl0"), { file: "lvs_tun.conf" });
    for (const s of r.config?.services ?? []) for (const rs of s.realServers) expect(familyOf(rs.address)).toBe(familyOf(s.vip));
  });
});

describe("the real servers' tunnels", () => {
  it("4in6: ip6_tunnel, ip6tnl0 up and in mode any, rp_filter off on it and all; no ip6ip6 or IP-in-IP comment", () => {
    const w = realServerWants(script(TUN46));
    expect(w).toContain("want_module ip6_tunnel\n\twant_link_up ip6tnl0");
    expect(w).toContain("want_tunnel_mode ip6tnl0 any");
    expect(w).toContain("want_sysctl net.ipv4.conf.ip6tnl0.rp_filter 0");
    expect(w).toContain("want_sysctl net.ipv4.conf.all.rp_filter 0");
    // tunl0 holds the VIP: ipip makes it, but no IP in IP comes, so its rp_filter stays
    expect(w).toContain("want_module ipip");
    expect(w).not.toContain("net.ipv4.conf.tunl0.rp_filter");
    expect(w).not.toContain("IPv6 in IPv6: the director");
    expect(w).not.toContain("IP-in-IP: the director");
    expect(w).toContain("tunl0 holds the VIP (SERVER_VIP_DEVICE)");
    // the mode is set after the device is up, and before the VIP
    expect(w.indexOf("want_link_up ip6tnl0")).toBeLessThan(w.indexOf("want_tunnel_mode"));
    expect(w.indexOf("want_tunnel_mode")).toBeLessThan(w.indexOf("want_addr tunl0"));
  });

  it("6in4: sit and sit0 up, no ip6tnl0 and no IPv4 sysctls", () => {
    const w = realServerWants(script(TUN64));
    expect(w).toContain("want_module sit\n\twant_link_up sit0");
    expect(w).not.toContain("ip6tnl0");
    expect(w).not.toContain("want_module ipip");
    expect(w).not.toContain("rp_filter");
  });

  it("leaves single-family TUN as it was: no tunnel mode, no sit", () => {
    for (const name of ["lvs_tun.conf", "lvs_tun6.conf"]) {
      const rc = script(readExample(name));
      expect(rc).not.toContain("want_tunnel_mode");
      expect(realServerWants(rc)).not.toContain("sit0");
    }
  });

  it("tells hosts apart by addresses of both families when the real servers are of the other", () => {
    const rc = script(TUN46);
    expect(rc).toContain("# It tells them apart by this host's addresses:");
    expect(rc).toContain('addrs=$(ip -o addr show) || die "cannot list this host\'s addresses (ip -o addr show failed)"');
    expect(script(readExample("lvs_tun.conf"))).toContain("addrs=$(ip -4 -o addr show)");
  });

  it("keeps ip6tnl0's mode any out of the boot-time sysctl file, and says so", () => {
    const r = compileText(TUN46, { file: "lvs_tun.conf", targets: ["sysctl", "rc-local"] });
    const sysctl = r.files.find((f) => f.path === "90-lvs-realserver.conf")!.contents;
    expect(sysctl).toContain("-net.ipv4.conf.ip6tnl0.rp_filter = 0");
    expect(sysctl).toContain("ip6tnl0's mode any (IPv4 in IPv6) is\n# not a sysctl");
    const local = r.files.find((f) => f.path === "rc.local.lvs_tun")!.contents;
    expect(local).toContain("ip -6 tunnel change ip6tnl0 mode any");
  });
});

describe("variants of a mixed-family TUN cluster", () => {
  it("refuses DR and NAT, each at the real server (library and lvsc variants agree)", () => {
    const lib = variants(TUN46, { file: "lvs_tun.conf", hosts: [EXAMPLE_HOSTS] });
    const libCodes = lib.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);
    expect(libCodes).toContain("wrong-family");
    const cli = lvscRun("variants", TUN46, "lvs_tun.conf");
    expect(cli.stderr).toContain("wrong-family");
    expect(cli.stderr).toContain("2001:db8:3::11");
  });
});

describe("the picture of a mixed-family TUN cluster (lvsc show)", () => {
  /** `lvsc show -f mermaid` of `text`, run as a process with the examples' hosts file. */
  function picture(text: string): string {
    const dir = dirWith({ "lvs_tun.conf": text });
    const r = spawnSync(process.execPath, [CLI, "show", join(dir, "lvs_tun.conf"), "-f", "mermaid", "--hosts", join(EXAMPLES, "hosts")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  }

  it("says each real server unwraps IPv4 in IPv6 on ip6tnl0 (mode any) with rp_filter off there, not tunl0", () => {
    const p = picture(TUN46);
    expect(p).toContain("VIP 192.168.1.110/32 on tunl0 (IPv4 in IPv6 on ip6tnl0, mode any)");
    expect(p).toContain("rp_filter=0 (all, ip6tnl0)");
    expect(p).not.toContain("rp_filter=0 (all, tunl0");
  });

  it("says each real server unwraps IPv6 in IPv4 on sit0, and keeps single-family TUN as it was", () => {
    expect(picture(TUN64)).toContain("(IPv6 in IPv4 on sit0, sit module)");
    const tun = picture(readExample("lvs_tun.conf"));
    expect(tun).toContain("(IPIP, ipip module)");
    expect(tun).toContain("rp_filter=0 (all, tunl0)");
    expect(picture(readExample("lvs_tun6.conf"))).toContain("(IPv6 in IPv6, ip6_tunnel module)");
  });
});
