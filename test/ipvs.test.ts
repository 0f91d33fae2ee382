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
