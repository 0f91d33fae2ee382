// The director's table as ipvsadm prints it: order and layout follow ipvsadm 1.31, as seen on
// the real kernel in the e2e VM (including its signed-integer address comparison).
import { describe, expect, it } from "vitest";
import { ipvsListing, ipvsRules } from "../src/ipvs.js";
import { conf, lintText, natConf } from "./helpers.js";

describe("ipvsadm -S -n form", () => {
  it("sorts services by mark, protocol, address and port, and real servers like ipvsadm", () => {
    const c = lintText(
      natConf([
        "SERVICE=u domain rr rs1",
        "SERVICE=t 443 rr rs2 rs1",
        "SERVICE=t 22 rr 192.168.0.200 192.168.0.3",
      ]),
      { file: "lvs_nat.conf" },
    ).config!;
    expect(ipvsRules(c)).toEqual([
      "-A -t 192.168.0.101:22 -s rr",
      "-a -t 192.168.0.101:22 -r 192.168.0.3:22 -m -w 1",
      "-a -t 192.168.0.101:22 -r 192.168.0.200:22 -m -w 1",
      "-A -t 192.168.0.101:23 -s rr",
      "-a -t 192.168.0.101:23 -r 192.168.0.3:23 -m -w 1",
      "-a -t 192.168.0.101:23 -r 192.168.0.4:23 -m -w 1",
      "-A -t 192.168.0.101:80 -s rr",
      "-a -t 192.168.0.101:80 -r 192.168.0.3:80 -m -w 1",
      "-a -t 192.168.0.101:80 -r 192.168.0.4:80 -m -w 1",
      "-A -t 192.168.0.101:443 -s rr",
      "-a -t 192.168.0.101:443 -r 192.168.0.3:443 -m -w 1",
      "-a -t 192.168.0.101:443 -r 192.168.0.4:443 -m -w 1",
      "-A -u 192.168.0.101:53 -s rr",
      "-a -u 192.168.0.101:53 -r 192.168.0.3:53 -m -w 1",
    ]);
  });

  it("compares addresses as ipvsadm does, with C's int wrap-around (200.x before 10.x)", () => {
    // seen on the VM: `ipvsadm -S -n` lists 200.0.0.1 before 10.0.0.1 in one service
    const c = lintText(
      conf({ 1: "LVS_TYPE=VS_TUN", 5: "SERVICE=t www rr 10.0.0.1 200.0.0.1", 6: null, 7: "SERVER_VIP_DEVICE=tunl0" }),
      { file: "lvs_tun.conf" },
    ).config!;
    expect(ipvsRules(c).slice(1)).toEqual([
      "-a -t 192.168.0.101:80 -r 200.0.0.1:80 -i -w 1 --tun-type ipip",
      "-a -t 192.168.0.101:80 -r 10.0.0.1:80 -i -w 1 --tun-type ipip",
    ]);
  });

  it("writes persistence with its timeout and a mask only when it is not /32", () => {
    const c = lintText(conf({ 5: "SERVICE=t https ppc rs1", 6: "SERVICE=t 0 wrr ppc -t 1800 -M 255.255.255.0 rs1" })).config!;
    expect(ipvsRules(c)).toEqual([
      "-A -t 192.168.0.101:0 -s wrr -p 1800 -M 255.255.255.0",
      "-a -t 192.168.0.101:0 -r 192.168.0.3:0 -g -w 1",
      "-A -t 192.168.0.101:443 -s wlc -p 360",
      "-a -t 192.168.0.101:443 -r 192.168.0.3:443 -g -w 1",
    ]);
  });

  it("lists fwmark services after address services, with port 0 real servers", () => {
    const c = lintText(conf({ 5: "SERVICE=f 7 rr rs1 rs2" })).config!;
    expect(ipvsRules(c)).toEqual([
      "-A -t 192.168.0.101:80 -s rr",
      "-a -t 192.168.0.101:80 -r 192.168.0.3:80 -g -w 1",
      "-a -t 192.168.0.101:80 -r 192.168.0.4:80 -g -w 1",
      "-A -f 7 -s rr",
      "-a -f 7 -r 192.168.0.3:0 -g -w 1",
      "-a -f 7 -r 192.168.0.4:0 -g -w 1",
    ]);
  });

  it("sends LocalNode (the director itself) with -g in every type: the kernel will not masquerade to 127.0.0.1", () => {
    const nat = lintText(natConf(["SERVICE=t smtp rr rs1:2525 localhost"]), { file: "lvs_nat.conf" }).config!;
    expect(ipvsRules(nat).filter((l) => l.includes(":25 "))).toEqual(["-A -t 192.168.0.101:25 -s rr", "-a -t 192.168.0.101:25 -r 127.0.0.1:25 -g -w 1", "-a -t 192.168.0.101:25 -r 192.168.0.3:2525 -m -w 1"]);
    expect(ipvsListing(nat)).toContain("  -> 127.0.0.1:25                 Route   1      0          0         \n");
    const tun = lintText(conf({ 1: "LVS_TYPE=VS_TUN", 5: "SERVICE=t www rr 10.0.0.1 127.0.0.1", 6: null, 7: "SERVER_VIP_DEVICE=tunl0" }), { file: "lvs_tun.conf" }).config!;
    expect(ipvsRules(tun).slice(1)).toEqual(["-a -t 192.168.0.101:80 -r 10.0.0.1:80 -i -w 1 --tun-type ipip", "-a -t 192.168.0.101:80 -r 127.0.0.1:80 -g -w 1"]);
  });

  it("has services only when INITIAL_STATE=off", () => {
    const c = lintText(conf({ 2: "INITIAL_STATE=off" })).config!;
    expect(ipvsRules(c)).toEqual(["-A -t 192.168.0.101:23 -s rr", "-A -t 192.168.0.101:80 -s rr"]);
  });
});

describe("ipvsadm -L -n form", () => {
  it("prints persistence, masks, fwmarks and forwarding names in ipvsadm's columns", () => {
    const c = lintText(conf({ 5: "SERVICE=f 7 rr rs1,3", 6: "SERVICE=t https wlc ppc -t 60 -M 255.255.0.0 rs2" })).config!;
    expect(ipvsListing(c)).toBe(
      [
        "Prot LocalAddress:Port Scheduler Flags",
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
        "TCP  192.168.0.101:443 wlc persistent 60 mask 255.255.0.0",
        "  -> 192.168.0.4:443              Route   1      0          0         ",
        "FWM  7 rr",
        "  -> 192.168.0.3:0                Route   3      0          0         ",
        "",
      ].join("\n"),
    );
  });
});

describe("ipvsadm's order of real servers, wrap included", () => {
  // ipvs_cmp_dests (libipvs.c, ipvsadm 1.31) as C computes it: compiled here and run against the model
  const C = String.raw`
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
int main(void) {
  char a[64], b[64];
  while (scanf("%63s %63s", a, b) == 2) {
    int af = strchr(a, ':') ? AF_INET6 : AF_INET;
    uint32_t x[4] = {0}, y[4] = {0};
    inet_pton(strchr(a, ':') ? AF_INET6 : AF_INET, a, x);
    inet_pton(strchr(b, ':') ? AF_INET6 : AF_INET, b, y);
    int r = 0, i;
    if (af == AF_INET6) for (i = 0; !r && i < 4; i++) r = ntohl(x[i]) - ntohl(y[i]);
    else r = ntohl(x[0]) - ntohl(y[0]);
    printf("%d\n", r < 0 ? -1 : r > 0 ? 1 : 0);
  }
  return 0;
}`;

  it("fd00::1 sorts before 2001:db8::1 and 192.168.1.1 before 10.0.0.1, as ipvsadm -S prints them", async () => {
    const { ipvsadmCompareAddress } = await import("../src/ipvs.js");
    const { parseAddress } = await import("../src/net.js");
    const a = (s: string) => {
      const r = parseAddress(s);
      if (!r.ok) throw new Error(s);
      return r.value;
    };
    expect(ipvsadmCompareAddress(a("fd00::1"), a("2001:db8::1"))).toBeLessThan(0);
    expect(ipvsadmCompareAddress(a("192.168.1.1"), a("10.0.0.1"))).toBeLessThan(0);
    expect(ipvsadmCompareAddress(a("172.16.0.1"), a("192.168.1.1"))).toBeLessThan(0);
    expect(ipvsadmCompareAddress(a("2001:db8::2"), a("2001:db8::10"))).toBeLessThan(0);
  });

  it("agrees with ipvs_cmp_dests compiled from its C on 2,000 address pairs of both families", async (ctx) => {
    const { execFileSync } = await import("node:child_process");
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { needTool } = await import("./tools.js");
    needTool(ctx, "gcc");
    const { ipvsadmCompareAddress } = await import("../src/ipvs.js");
    const { parseAddress, formatAddress } = await import("../src/net.js");
    const dir = mkdtempSync(join(tmpdir(), "lvsc-cmp-"));
    try {
      writeFileSync(join(dir, "cmp.c"), C);
      execFileSync("gcc", ["-O0", "-o", join(dir, "cmp"), join(dir, "cmp.c")]);
      // a deterministic spread: words near 0, near 2^31 and near 2^32, in both families
      let seed = 20261202;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 1) / 2 ** 31;
      const word = () => [0, 1, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, Math.floor(rnd() * 2 ** 32)][Math.floor(rnd() * 7)]!;
      const v4 = () => word();
      const v6 = () => BigInt(word()) << 96n | BigInt(word()) << 64n | BigInt(word()) << 32n | BigInt(word());
      const pairs: [string, string][] = [];
      for (let i = 0; i < 2000; i++) {
        const first = rnd() < 0.5 ? v4() : v6();
        const second = rnd() < 0.1 ? (typeof first === "number" ? v6() : v4()) : typeof first === "number" ? v4() : v6();
        pairs.push([formatAddress(first), formatAddress(second)]);
      }
      const out = execFileSync(join(dir, "cmp"), { input: pairs.map((p) => p.join(" ")).join("\n") + "\n" }).toString().trim().split("\n");
      const a = (s: string) => {
        const r = parseAddress(s);
        if (!r.ok) throw new Error(s);
        return r.value;
      };
      const ours = pairs.map(([x, y]) => String(Math.sign(ipvsadmCompareAddress(a(x), a(y)))));
      expect(ours).toEqual(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
