// The generated script's own logic, run here on a fake host (test/fake-host.ts: ip, sysctl,
// ipvsadm and modprobe are stubs over a model of the kernel's state, so nothing real is ever
// changed), and its IPVS planner (templates/rc/ipvs-plan.awk) run on its own under every common
// awk. The real kernel is test/e2e's job; these tests pin each behaviour down one by one.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { compileText, conf, natConf, readExample, ROOT } from "./helpers.js";
import { FakeHost, type HostSpec } from "./fake-host.js";
import { needTool, type ToolName } from "./tools.js";

const files = (text: string, file = "lvs_dr.conf", arp?: "hidden") =>
  Object.fromEntries(compileText(text, { file, ...(arp !== undefined ? { arp } : {}) }).files.map((f) => [f.path, f.contents]));
const DR = files(readExample("lvs_dr.conf"));
const RC = DR["rc.lvs_dr"]!;

/** The walkthrough's hosts: the director vs1 (DIP 192.168.0.1) and a real server (rs1, .3). */
const DIRECTOR: HostSpec = { links: { eth0: "up" }, addrs: ["eth0 192.168.0.1/24"] };
const REALSERVER: HostSpec = { links: { eth0: "up" }, addrs: ["eth0 192.168.0.3/24"] };
/** The second cluster of "two clusters on one set of hosts": the walkthrough on VIP .102. */
const DR_B = files(conf({ 3: "VIP=eth0:102 192.168.0.102 255.255.255.0 192.168.0.255" }))["rc.lvs_dr"]!;

/** The NAT director of examples/lvs_nat.conf: outside eth0, inside eth1 (DIP 10.1.1.1). */
const NAT = files(readExample("lvs_nat.conf"), "lvs_nat.conf");
const NAT_DIRECTOR: HostSpec = {
  links: { eth0: "up", eth1: "up" },
  addrs: ["eth0 192.168.1.9/24", "eth1 10.1.1.1/24"],
  route: "default via 192.168.1.1 dev eth0",
};
const natVariant = (vip: string) =>
  files(readExample("lvs_nat.conf").replace("VIP=eth0:110 192.168.1.110", `VIP=eth0:${vip.split(".")[3]} ${vip}`), "lvs_nat.conf")["rc.lvs_nat"]!;

/** Calls that change the host (everything else only reads). */
const CHANGING = /^(ip (addr|link|route) (add|del|replace|set)|sysctl -q -w|ipvsadm -[RAEDaed]|modprobe)/;
const changes = (calls: string[]) => calls.filter((c) => CHANGING.test(c));

describe("the fake host itself", () => {
  it("fails a run loudly that calls a command it does not provide, even one whose error goes to /dev/null", () => {
    // ln is on this machine but not among the fake host's tools; the other is nowhere
    const ln = new FakeHost(DIRECTOR);
    expect(() => ln.run(ln.install("#!/bin/sh\nln -s a b 2>/dev/null || :\n", "ln.sh"), [])).toThrow(/called command\(s\) the fake host does not provide: ln -s a b\./);
    expect(ln.missing()).toEqual(["ln -s a b"]);
    const nowhere = new FakeHost(DIRECTOR);
    expect(() => nowhere.run(nowhere.install("#!/bin/sh\nlvsc-no-such-tool || :\n", "x.sh"), [])).toThrow(/does not provide: lvsc-no-such-tool\./);
    const admin = new FakeHost(DIRECTOR);
    expect(() => admin.sh("ln -s a b || :")).toThrow(/does not provide: ln -s a b\./);
    // and the tools it does provide run
    const fine = new FakeHost(DIRECTOR);
    expect(fine.run(fine.install("#!/bin/sh\nmkdir d && rmdir d && sysctl -n net.ipv4.ip_forward\n", "ok.sh"), []).stdout).toBe("0\n");
  });
});

describe("rc.lvs_dr before it changes anything", () => {
  it("exits 4 (LSB: insufficient privilege) when not root, for every action", () => {
    const h = new FakeHost(DIRECTOR);
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    for (const action of ["start", "stop", "status", "plan"]) {
      const r = h.run(rc, [action], { uid: 1000 });
      expect([action, r.status, r.stderr]).toEqual([action, 4, "rc.lvs_dr: error: must run as root (it reads and changes addresses, routes, sysctls and the IPVS table)\n"]);
      expect(r.calls.filter((c) => !c.startsWith("id "))).toEqual([]);
    }
  });

  it("refuses a host with none of the cluster's addresses, saying which it looked for", () => {
    const h = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 10.9.9.9/24"] });
    const r = h.run(h.install(RC, "lvs/rc.lvs_dr"), ["start"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "rc.lvs_dr: error: this host has none of the cluster's addresses (director: 192.168.0.1; real servers: 192.168.0.3 192.168.0.4); give the role: rc.lvs_dr start director|realserver\n",
    );
    expect(changes(r.calls)).toEqual([]);
  });

  it("prints usage and exits 2 for a wrong action or role", () => {
    const h = new FakeHost(DIRECTOR);
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    for (const args of [[], ["restart"], ["start", "router"], ["start", "director", "extra"]]) {
      const r = h.run(rc, args);
      expect([args, r.status, r.stderr]).toEqual([args, 2, "usage: rc.lvs_dr start|stop|status|plan [director|realserver]\n"]);
    }
  });

  it("never takes 127.0.0.1 for a real server's address, and prefers the director role", () => {
    const local = files(conf({ 6: "SERVICE=t www rr rs1 127.0.0.1" }))["rc.lvs_dr"]!;
    const lo = new FakeHost();
    expect(lo.run(lo.install(local, "rc.lvs_dr"), ["status"]).stderr).toContain("none of the cluster's addresses");
    const both = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 192.168.0.3/24", "eth0 192.168.0.1/24"] });
    expect(both.run(both.install(RC, "rc.lvs_dr"), ["status"]).stdout).toContain("the director of VIP 192.168.0.101");
  });

  it("stops before any change when a device it needs is missing, and says which", () => {
    const h = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 192.168.0.3/24"] });
    const rc = h.install(files(conf({ 8: "SERVER_NET_DEVICE=eth9" }))["rc.lvs_dr"]!, "lvs/rc.lvs_dr");
    const before = h.snapshot();
    const r = h.run(rc, ["start"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("rc.lvs_dr: error: net.ipv4.conf.eth9.arp_ignore: there is no device eth9 on this host\nrc.lvs_dr: nothing was changed on this host\n");
    expect(changes(r.calls)).toEqual([]);
    expect(h.snapshot()).toBe(before);
  });
});

describe("rc.lvs_dr start, step by step", () => {
  it("hides a real server from ARP before its VIP exists", () => {
    const h = new FakeHost(REALSERVER);
    const r = h.run(h.install(RC, "lvs/rc.lvs_dr"), ["start"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(changes(r.calls)).toEqual([
      "sysctl -q -w net.ipv4.conf.all.arp_ignore=1",
      "sysctl -q -w net.ipv4.conf.all.arp_announce=2",
      "sysctl -q -w net.ipv4.conf.eth0.arp_ignore=1",
      "sysctl -q -w net.ipv4.conf.eth0.arp_announce=2",
      "ip link add dummy0 type dummy",
      "ip link set dev dummy0 up",
      "ip addr add 192.168.0.101/32 dev dummy0",
    ]);
  });

  it("sends the director's whole change in one ipvsadm -R batch that leaves other VIPs alone", () => {
    const foreign = ["-A -t 10.9.9.9:80 -s wlc", "-a -t 10.9.9.9:80 -r 10.9.9.10:80 -g -w 5", "-A -f 99 -s rr"];
    const h = new FakeHost({ ...DIRECTOR, ipvs: foreign.join("\n") + "\n" });
    const r = h.run(h.install(RC, "lvs/rc.lvs_dr"), ["start"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c.startsWith("ipvsadm -R"))).toHaveLength(1);
    expect(readFileSync(join(h.dir, "batch"), "utf8")).toBe(
      [
        "-A -t 192.168.0.101:23 -s rr",
        "-A -t 192.168.0.101:80 -s rr",
        "-a -t 192.168.0.101:23 -r 192.168.0.3:23 -g -w 1",
        "-a -t 192.168.0.101:23 -r 192.168.0.4:23 -g -w 1",
        "-a -t 192.168.0.101:80 -r 192.168.0.3:80 -g -w 1",
        "-a -t 192.168.0.101:80 -r 192.168.0.4:80 -g -w 1",
        "",
      ].join("\n"),
    );
    expect(r.calls).not.toContain("ipvsadm -C");
    expect(h.ipvs().slice(0, 3)).toEqual(foreign);
  });

  it("stops with an error when the kernel refused a line of the batch, saying what it changed and that stop undoes it", () => {
    const h = new FakeHost({ ...DIRECTOR, ipvs: "" });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    const before = h.snapshot();
    const r = h.run(rc, ["start"], { refuse: ":80 -s rr" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Invalid operation");
    expect(r.stderr).toContain("rc.lvs_dr: error: ipvsadm did not apply every change; still different: -A -t 192.168.0.101:80 -s rr\n");
    expect(r.stderr).toContain(
      [
        "rc.lvs_dr: start failed (exit status 1) at: ipvsadm -R (6 changes)",
        "rc.lvs_dr: it had already made these changes:",
        "    add VIP 192.168.0.101/24 to eth0",
        "    IPVS: some of 6 change(s)",
        `rc.lvs_dr: each is recorded in ${h.stateDir}: "sh ${rc} stop" undoes them`,
        "",
      ].join("\n"),
    );
    const stop = h.run(rc, ["stop"]);
    expect(stop.status).toBe(0);
    expect(h.snapshot()).toBe(before);
  });

  it("trusts a silent, successful batch without reading the whole table again", () => {
    const h = new FakeHost({ ...DIRECTOR, ipvs: "" });
    const r = h.run(h.install(RC, "lvs/rc.lvs_dr"), ["start"]);
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c === "ipvsadm -S -n")).toHaveLength(1);
  });

  it("changes nothing on a second start", () => {
    const h = new FakeHost({ ...DIRECTOR, ipvs: "" });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    h.run(rc, ["start"]);
    const after = h.snapshot();
    const again = h.run(rc, ["start"]);
    expect(again.status).toBe(0);
    expect(changes(again.calls)).toEqual([]);
    expect(h.snapshot()).toBe(after);
  });
});

describe("forwarding on the director", () => {
  it("DR and TUN directors leave ip_forward and ICMP redirects as they find them", () => {
    for (const ipForward of ["0", "1"]) {
      const h = new FakeHost({ ...DIRECTOR, ipvs: "", sysctls: { "net.ipv4.ip_forward": ipForward } });
      const rc = h.install(RC, "lvs/rc.lvs_dr");
      const r = h.run(rc, ["start"]);
      expect(r.status).toBe(0);
      expect(r.calls.filter((c) => c.startsWith("sysctl -q -w"))).toEqual([]);
      h.run(rc, ["stop"]);
      expect(h.sysctl("net.ipv4.ip_forward")).toBe(ipForward);
    }
    const tun = files(readExample("lvs_tun.conf"), "lvs_tun.conf")["rc.lvs_tun"]!;
    const t = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 192.168.1.9/24"], ipvs: "", route: "default via 192.168.1.254 dev eth0" });
    expect(t.run(t.install(tun, "rc.lvs_tun"), ["start"]).calls.filter((c) => c.startsWith("sysctl -q -w"))).toEqual([]);
  });

  it("a NAT director writes ip_forward and send_redirects only where they differ", () => {
    const h = new FakeHost({ ...NAT_DIRECTOR, ipvs: "", sysctls: { "net.ipv4.ip_forward": "1", "net.ipv4.conf.default.send_redirects": "0" } });
    const rc = h.install(NAT["rc.lvs_nat"]!, "lvs/rc.lvs_nat");
    const r = h.run(rc, ["start"]);
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c.startsWith("sysctl -q -w"))).toEqual(["sysctl -q -w net.ipv4.conf.all.send_redirects=0", "sysctl -q -w net.ipv4.conf.eth1.send_redirects=0"]);
    const stop = h.run(rc, ["stop"]);
    expect(stop.calls.filter((c) => c.startsWith("sysctl -q -w"))).toEqual(["sysctl -q -w net.ipv4.conf.eth1.send_redirects=1", "sysctl -q -w net.ipv4.conf.all.send_redirects=1"]);
    expect(h.sysctl("net.ipv4.ip_forward")).toBe("1");
  });
});

describe("shared hosts: two clusters on one set of hosts", () => {
  it("a real server of two DR clusters keeps hiding the other VIP when one stops, and is as before when both stop", () => {
    const h = new FakeHost(REALSERVER);
    const a = h.install(RC, "a/rc.lvs_dr");
    const b = h.install(DR_B, "b/rc.lvs_dr");
    const before = h.snapshot();
    expect(h.run(a, ["start"]).status).toBe(0);
    const bStart = h.run(b, ["start"]);
    expect(bStart.status).toBe(0);
    // the second cluster finds everything host-wide in place: it adds its VIP only
    expect(changes(bStart.calls)).toEqual(["ip addr add 192.168.0.102/32 dev dummy0"]);
    const stopA = h.run(a, ["stop"]);
    expect(stopA.status).toBe(0);
    expect(changes(stopA.calls)).toEqual(["ip addr del 192.168.0.101/32 dev dummy0"]);
    expect(stopA.stdout).toContain("rc.lvs_dr: kept net.ipv4.conf.all.arp_ignore: still needed by rc.lvs_dr-192.168.0.102\n");
    for (const k of ["all", "eth0"]) expect([h.sysctl(`net.ipv4.conf.${k}.arp_ignore`), h.sysctl(`net.ipv4.conf.${k}.arp_announce`)]).toEqual(["1", "2"]);
    expect(h.addrs()).toContain("dummy0 192.168.0.102/32 primary -");
    expect(h.run(b, ["status"]).status).toBe(0);
    expect(h.run(b, ["stop"]).status).toBe(0);
    expect(h.snapshot()).toBe(before);
  });

  it("never deletes a dummy device that holds an address start did not put there", () => {
    const h = new FakeHost(REALSERVER);
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    h.run(rc, ["start"]);
    h.sh("ip addr add 10.7.7.7/32 dev dummy0");
    const stop = h.run(rc, ["stop"]);
    expect(stop.status).toBe(0);
    expect(stop.stdout).toContain("left link dummy0 up: it holds addresses start did not put there");
    expect(h.links()).toContain("dummy0 up");
    expect(h.sysctl("net.ipv4.conf.all.arp_ignore")).toBe("0");
  });

  it("a TUN real server of two clusters keeps tunl0 up and rp_filter relaxed until the last one stops", () => {
    const tunA = files(readExample("lvs_tun.conf"), "lvs_tun.conf")["rc.lvs_tun"]!;
    const tunB = files(readExample("lvs_tun.conf").replace("VIP=eth0:110 192.168.1.110 255.255.255.255 192.168.1.110", "VIP=eth0:111 192.168.1.111 255.255.255.255 192.168.1.111"), "lvs_tun.conf")["rc.lvs_tun"]!;
    const h = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 172.16.2.11/24"], route: "default via 172.16.2.1 dev eth0", sysctls: { "net.ipv4.conf.all.rp_filter": "1" } });
    h.sh("modprobe ipip");
    const a = h.install(tunA, "a/rc.lvs_tun");
    const b = h.install(tunB, "b/rc.lvs_tun");
    const before = h.snapshot();
    expect(h.run(a, ["start"]).status).toBe(0);
    expect(h.run(b, ["start"]).status).toBe(0);
    expect(changes(h.run(a, ["stop"]).calls)).toEqual(["ip addr del 192.168.1.110/32 dev tunl0"]);
    expect(h.links()).toContain("tunl0 up");
    expect([h.sysctl("net.ipv4.conf.all.rp_filter"), h.route()]).toEqual(["0", "default via 172.16.2.254"]);
    expect(h.run(b, ["stop"]).status).toBe(0);
    expect(h.snapshot()).toBe(before);
  });

  it("a director of two NAT clusters keeps forwarding and its default route until the last one stops", () => {
    const h = new FakeHost({ ...NAT_DIRECTOR, ipvs: "" });
    const a = h.install(natVariant("192.168.1.110"), "a/rc.lvs_nat");
    const b = h.install(natVariant("192.168.1.111"), "b/rc.lvs_nat");
    const before = h.snapshot();
    expect(h.run(a, ["start"]).status).toBe(0);
    expect(h.run(b, ["start"]).status).toBe(0);
    const stopA = h.run(a, ["stop"]);
    expect(changes(stopA.calls)).toEqual(["ipvsadm -R", "ip addr del 192.168.1.110/24 dev eth0"]);
    expect([h.sysctl("net.ipv4.ip_forward"), h.route()]).toEqual(["1", "default via 192.168.1.254"]);
    expect(h.run(b, ["status"]).status).toBe(0);
    const stopB = h.run(b, ["stop"]);
    expect(stopB.calls).toContain("sysctl -q -w net.ipv4.ip_forward=0");
    expect(stopB.calls).toContain("ip route replace default via 192.168.1.1 dev eth0");
    expect(h.snapshot()).toBe(before);
  });

  it("refuses to start a cluster that needs another value of a setting another cluster holds", () => {
    const h = new FakeHost({ ...NAT_DIRECTOR, ipvs: "" });
    const a = h.install(natVariant("192.168.1.110"), "a/rc.lvs_nat");
    const b = h.install(natVariant("192.168.1.111").replace("want_route 192.168.1.254", "want_route 192.168.1.253"), "b/rc.lvs_nat");
    h.run(a, ["start"]);
    const after = h.snapshot();
    const r = h.run(b, ["start"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("rc.lvs_nat: error: the default route: cluster rc.lvs_nat-192.168.1.110 set it to 192.168.1.254 on this host, and this one needs 192.168.1.253; they cannot both run here\n");
    expect(h.snapshot()).toBe(after);
  });
});

describe("a failed start leaves the host recoverable, and says so", () => {
  it("stops at the failing step, names what it changed, and stop then gives the host as it was; a fixed conf starts", () => {
    const h = new FakeHost({ ...NAT_DIRECTOR, ipvs: "", unreachable: ["192.168.1.254"] });
    const rc = h.install(NAT["rc.lvs_nat"]!, "lvs/rc.lvs_nat");
    const before = h.snapshot();
    const r = h.run(rc, ["start"]);
    // the failing command's own status (2) is in the message; the script's is 1, "failed"
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      [
        "Error: Nexthop has invalid gateway.",
        "rc.lvs_nat: start failed (exit status 2) at: default route: via 192.168.1.1 dev eth0 -> via 192.168.1.254",
        "rc.lvs_nat: it had already made these changes:",
        "    sysctl net.ipv4.ip_forward: 0 -> 1",
        "    sysctl net.ipv4.conf.all.send_redirects: 1 -> 0",
        "    sysctl net.ipv4.conf.default.send_redirects: 1 -> 0",
        "    sysctl net.ipv4.conf.eth1.send_redirects: 1 -> 0",
        "    add VIP 192.168.1.110/24 to eth0",
        "    IPVS: 12 change(s)",
        `rc.lvs_nat: each is recorded in ${h.stateDir}: "sh ${rc} stop" undoes them`,
        "",
      ].join("\n"),
    );
    const stop = h.run(rc, ["stop"]);
    expect([stop.status, stop.stderr]).toEqual([0, ""]);
    expect(h.snapshot()).toBe(before);
    // the conf fixed (the gateway it can reach), the same script file starts
    h.install(NAT["rc.lvs_nat"]!.replace("want_route 192.168.1.254", "want_route 192.168.1.1"), "lvs/rc.lvs_nat");
    expect(h.run(rc, ["start"]).status).toBe(0);
  });

  it("keeps temporary files out of what stop reads: a missing NIC leaves no state stop could choke on", () => {
    const h = new FakeHost(REALSERVER);
    const rc = h.install(files(conf({ 8: "SERVER_NET_DEVICE=eth9" }))["rc.lvs_dr"]!, "lvs/rc.lvs_dr");
    const before = h.snapshot();
    expect(h.run(rc, ["start"]).status).toBe(1);
    const stop = h.run(rc, ["stop"]);
    expect([stop.status, stop.stderr]).toEqual([0, ""]);
    expect(stop.stdout).toContain("nothing else to undo");
    expect(h.snapshot()).toBe(before);
    expect(h.run(h.install(RC, "lvs/rc.lvs_dr"), ["start"]).status).toBe(0);
  });

  it("a failing ipvsadm -S -n stops start before any change and stop with an error, never as 'nothing to change'", () => {
    const h = new FakeHost({ ...DIRECTOR, ipvs: "" });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    const start = h.run(rc, ["start"], { listFails: true });
    expect([start.status, changes(start.calls)]).toEqual([1, []]);
    expect(start.stderr).toContain("rc.lvs_dr: error: cannot read the IPVS table: ipvsadm -S -n failed\n");
    h.run(rc, ["start"]);
    const stop = h.run(rc, ["stop"], { listFails: true });
    expect(stop.status).toBe(1);
    expect(stop.stderr).toContain("cannot read the IPVS table");
    expect(stop.stdout).not.toContain("nothing to change");
    expect(h.ipvs()).toHaveLength(6);
  });
});

describe("state across reboots, and whose it is", () => {
  /** What a reboot does to the state: the kernel's side is gone, the files of a persistent LVSC_STATE_DIR stay, from another boot. */
  function reboot(h: FakeHost) {
    for (const d of readdirSync(h.stateDir)) {
      const f = join(h.stateDir, d, "boot_id");
      if (existsSync(f)) writeFileSync(f, "00000000-0000-0000-0000-000000000000\n");
    }
  }

  it("ignores state of an earlier boot: stop keeps the DIP that this boot's OS configured", () => {
    const h = new FakeHost({ links: { eth0: "up" }, ipvs: "" });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    // first boot: the DIP is missing, start adds it (and records that it did)
    expect(h.run(rc, ["start", "director"]).calls).toContain("ip addr add 192.168.0.1/24 brd 192.168.0.255 dev eth0");
    reboot(h);
    h.sh("ip addr del 192.168.0.101/24 dev eth0");
    h.sh("ipvsadm -D -t 192.168.0.101:23 && ipvsadm -D -t 192.168.0.101:80");
    const before = h.snapshot();
    // (the DIP survived the "reboot": this boot's OS configures it)
    const start = h.run(rc, ["start"]);
    expect(start.stdout).toMatch(/ignoring .*\/host: it was written in another boot \(boot_id 00000000-0000-0000-0000-000000000000, now [0-9a-f-]+\); nothing it records is undone/);
    const stop = h.run(rc, ["stop"]);
    expect(stop.calls).not.toContain("ip addr del 192.168.0.1/24 dev eth0");
    expect(h.snapshot()).toBe(before);
  });

  // (giving a file to another user needs root; the script itself runs as root in a user namespace otherwise)
  const spoils = ["group-writable", "world-writable", ...(process.getuid?.() === 0 ? ["not root's"] : []), "a symbolic link"];
  it("refuses state that anyone but root could have written", () => {
    for (const spoil of spoils) {
      const h = new FakeHost(REALSERVER);
      const rc = h.install(RC, "lvs/rc.lvs_dr");
      h.run(rc, ["start"]);
      const host = join(h.stateDir, "host");
      if (spoil === "group-writable") chmodSync(host, 0o775);
      if (spoil === "world-writable") chmodSync(join(h.stateDir, "rc.lvs_dr-192.168.0.101"), 0o757);
      if (spoil === "not root's") chownSync(join(host, "sysctl.net.ipv4.conf.all.arp_ignore", "original"), 1000, 1000);
      if (spoil === "a symbolic link") {
        rmSync(join(host, "sysctl.net.ipv4.conf.all.arp_ignore", "original"));
        spawnSync("ln", ["-s", "/etc/hostname", join(host, "sysctl.net.ipv4.conf.all.arp_ignore", "original")]);
      }
      const before = h.snapshot();
      const r = h.run(rc, ["stop"]);
      expect([spoil, r.status]).toEqual([spoil, 1]);
      expect(r.stderr).toMatch(/rc\.lvs_dr: error: refusing the state in .*: .* is a symbolic link, not owned by root, or writable by group or others\. Find out who wrote it, then remove it\n/);
      expect(h.snapshot()).toBe(before);
    }
  });
});

describe("reload: start with a changed conf", () => {
  it("moves a director from the old VIP to the new one: old VIP and services gone, nothing orphaned", () => {
    const h = new FakeHost({ ...DIRECTOR, ipvs: "-A -t 10.9.9.9:80 -s wlc\n" });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    const before = h.snapshot();
    h.run(rc, ["start"]);
    // the admin edits the conf (VIP .102), compiles it into the same file, and reloads
    h.install(DR_B, "lvs/rc.lvs_dr");
    const reload = h.run(rc, ["start"]);
    expect(reload.status).toBe(0);
    expect(reload.stdout).toContain("this script last set up rc.lvs_dr-192.168.0.101 on this host: moving it to this conf");
    expect(readFileSync(join(h.dir, "batch"), "utf8").split("\n").slice(0, 4)).toEqual([
      "-D -t 192.168.0.101:23",
      "-D -t 192.168.0.101:80",
      "-A -t 192.168.0.102:23 -s rr",
      "-A -t 192.168.0.102:80 -s rr",
    ]);
    expect(changes(reload.calls).filter((c) => c.startsWith("ip "))).toEqual(["ip addr add 192.168.0.102/24 brd 192.168.0.255 dev eth0 label eth0:102", "ip addr del 192.168.0.101/24 dev eth0"]);
    expect(h.ipvs().filter((l) => l.includes("192.168.0.101"))).toEqual([]);
    expect(readdirSync(h.stateDir).sort()).toEqual(["host", "rc.lvs_dr-192.168.0.102"]);
    expect(h.run(rc, ["status"]).status).toBe(0);
    expect(h.run(rc, ["stop"]).status).toBe(0);
    expect(h.snapshot()).toBe(before);
  });

  it("moves a real server's VIP and keeps what both confs need", () => {
    const h = new FakeHost(REALSERVER);
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    const before = h.snapshot();
    h.run(rc, ["start"]);
    h.install(DR_B, "lvs/rc.lvs_dr");
    const reload = h.run(rc, ["start"]);
    expect(changes(reload.calls)).toEqual(["ip addr add 192.168.0.102/32 dev dummy0", "ip addr del 192.168.0.101/32 dev dummy0"]);
    h.run(rc, ["stop"]);
    expect(h.snapshot()).toBe(before);
  });

  it("edits a changed weight in place (one -e), so the other real servers keep their connections", () => {
    const h = new FakeHost({ ...DIRECTOR, ipvs: "" });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    h.run(rc, ["start"]);
    h.install(files(conf({ 6: "SERVICE=t www rr rs1:www rs2:www,3" }))["rc.lvs_dr"]!, "lvs/rc.lvs_dr");
    const reload = h.run(rc, ["start"]);
    expect(changes(reload.calls)).toEqual(["ipvsadm -R"]);
    expect(readFileSync(join(h.dir, "batch"), "utf8")).toBe("-e -t 192.168.0.101:80 -r 192.168.0.4:80 -g -w 3\n");
  });

  it("releases what a changed conf no longer needs (another NIC for the ARP settings)", () => {
    const h = new FakeHost({ links: { eth0: "up", eth1: "up" }, addrs: ["eth0 192.168.0.3/24"] });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    const before = h.snapshot();
    h.run(rc, ["start"]);
    h.install(files(conf({ 8: "SERVER_NET_DEVICE=eth1" }))["rc.lvs_dr"]!, "lvs/rc.lvs_dr");
    const plan = h.run(rc, ["plan"]);
    expect(plan.stdout).toContain("  sysctl net.ipv4.conf.eth0.arp_ignore: 1 -> 0\n");
    const reload = h.run(rc, ["start"]);
    expect(changes(reload.calls)).toEqual([
      "sysctl -q -w net.ipv4.conf.eth1.arp_ignore=1",
      "sysctl -q -w net.ipv4.conf.eth1.arp_announce=2",
      "sysctl -q -w net.ipv4.conf.eth0.arp_announce=0",
      "sysctl -q -w net.ipv4.conf.eth0.arp_ignore=0",
    ]);
    h.run(rc, ["stop"]);
    expect(h.snapshot()).toBe(before);
  });

  it("refuses a VIP that another copy of the script set up, naming it and how to stop it; takes over one whose script is gone", () => {
    const h = new FakeHost(REALSERVER);
    const old = h.install(RC, "old/rc.lvs_dr");
    h.run(old, ["start"]);
    const rc = h.install(RC, "new/rc.lvs_dr");
    const r = h.run(rc, ["start"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`rc.lvs_dr: error: the VIP 192.168.0.101 is set up on this host by ${old} (state ${h.stateDir}/rc.lvs_dr-192.168.0.101); stop it with that script first: sh ${old} stop\n`);
    rmSync(old);
    const again = h.run(rc, ["start"]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`was written by ${old}, which no longer exists: this script takes it over`);
  });

  it("refuses a VIP or firewall mark that another cluster's script serves though its state has another name; takes the services over when that script is gone", () => {
    // a state directory is named after the first VIP: a dual-stack conf's second VIP, another
    // type on the same VIP or a shared mark would otherwise go unnoticed, and each start would
    // delete the other's services
    const h = new FakeHost({ ...DIRECTOR, ipvs: "" });
    const a = h.install(files(conf({ 5: "SERVICE=f 7 rr rs1 rs2" }))["rc.lvs_dr"]!, "a/rc.lvs_dr");
    expect(h.run(a, ["start"]).status).toBe(0);
    const b = h.install(files(conf({ 3: "VIP=eth0:102 192.168.0.102 255.255.255.0 192.168.0.255", 5: "SERVICE=f 7 rr rs1 rs2" }))["rc.lvs_dr"]!, "b/rc.lvs_dr");
    const before = h.snapshot();
    const refusal = `rc.lvs_dr: error: the firewall mark 7 is set up on this host by ${a} (state ${h.stateDir}/rc.lvs_dr-192.168.0.101); stop it with that script first: sh ${a} stop\n`;
    for (const action of ["start", "plan"]) {
      const r = h.run(b, [action]);
      expect([action, r.status]).toEqual([action, 1]);
      expect(r.stderr).toContain(refusal);
      expect(changes(r.calls)).toEqual([]);
    }
    expect(h.snapshot()).toBe(before);
    // a cluster on another VIP and mark is no claim
    const c = h.install(DR_B, "c/rc.lvs_dr");
    expect(h.run(c, ["plan"]).status).toBe(3);
    rmSync(a);
    const taken = h.run(b, ["start"]);
    expect(taken.status).toBe(0);
    expect(taken.stdout).toContain(`the firewall mark 7 was set up by ${a} (state ${h.stateDir}/rc.lvs_dr-192.168.0.101), which no longer exists: this script takes its services over`);
  });
});

describe("status", () => {
  it("checks everything start set on a director, and exits 3 naming what differs", () => {
    const h = new FakeHost({ ...NAT_DIRECTOR, ipvs: "" });
    const rc = h.install(NAT["rc.lvs_nat"]!, "lvs/rc.lvs_nat");
    expect(h.run(rc, ["status"]).status).toBe(3);
    h.run(rc, ["start"]);
    const ok = h.run(rc, ["status"]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain("rc.lvs_nat: everything start sets is in place\n");
    for (const line of ["  ok       net.ipv4.ip_forward = 1", "  ok       net.ipv4.conf.eth1.send_redirects = 0", "  ok       DIP 10.1.1.1/24 is on eth1", "  ok       VIP 192.168.1.110/24 is on eth0", "  ok       default route via 192.168.1.254", "  ok       IPVS: the virtual services of 192.168.1.110 are as wanted"])
      expect(ok.stdout).toContain(`${line}\n`);
    h.setSysctl("net.ipv4.ip_forward", "0");
    h.sh("ip route replace default via 192.168.1.1 dev eth0");
    const bad = h.run(rc, ["status"]);
    expect(bad.status).toBe(3);
    expect(bad.stdout).toContain("  differs  sysctl net.ipv4.ip_forward: 0 -> 1\n");
    expect(bad.stdout).toContain("  differs  default route: via 192.168.1.1 dev eth0 -> via 192.168.1.254\n");
    expect(bad.stdout).toContain("rc.lvs_nat: 2 thing(s) differ from what start sets\n");
    expect(changes(bad.calls)).toEqual([]);
  });
});

describe("plan", () => {
  it("prints what start would change on a director, the exact ipvsadm -R batch included, and changes nothing", () => {
    const h = new FakeHost({ ...NAT_DIRECTOR, ipvs: "" });
    const rc = h.install(NAT["rc.lvs_nat"]!, "lvs/rc.lvs_nat");
    const before = h.snapshot();
    const r = h.run(rc, ["plan"]);
    expect(r.status).toBe(3);
    expect(r.stdout).toBe(
      [
        "rc.lvs_nat: plan for this host, the director of VIP 192.168.1.110 (VS_NAT): what start would change",
        "  sysctl net.ipv4.ip_forward: 0 -> 1",
        "  sysctl net.ipv4.conf.all.send_redirects: 1 -> 0",
        "  sysctl net.ipv4.conf.default.send_redirects: 1 -> 0",
        "  sysctl net.ipv4.conf.eth1.send_redirects: 1 -> 0",
        "  add VIP 192.168.1.110/24 to eth0",
        "  ipvsadm -R, 12 line(s):",
        ...NAT["ipvsadm.rules"]!
          .trimEnd()
          .split("\n")
          .sort((a, b) => Number(b.startsWith("-A")) - Number(a.startsWith("-A")))
          .map((l) => `    ${l}`),
        "  default route: via 192.168.1.1 dev eth0 -> via 192.168.1.254",
        "rc.lvs_nat: 18 change(s) pending: 'rc.lvs_nat start' makes them",
        "",
      ].join("\n"),
    );
    expect(changes(r.calls)).toEqual([]);
    expect(h.snapshot()).toBe(before);
    expect(existsSync(h.stateDir)).toBe(false);
  });

  it("says nothing to change after start, and after a hand edit shows exactly the edit that undoes it", () => {
    const h = new FakeHost({ ...DIRECTOR, ipvs: "" });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    h.run(rc, ["start"]);
    const clean = h.run(rc, ["plan"]);
    expect([clean.status, clean.stdout.split("\n").slice(1)]).toEqual([0, ["rc.lvs_dr: nothing to change", ""]]);
    h.sh("ipvsadm -e -t 192.168.0.101:80 -r 192.168.0.3:80 -g -w 5");
    const drift = h.run(rc, ["plan"]);
    expect(drift.status).toBe(3);
    expect(drift.stdout.split("\n").slice(1)).toEqual(["  ipvsadm -R, 1 line(s):", "    -e -t 192.168.0.101:80 -r 192.168.0.3:80 -g -w 1", "rc.lvs_dr: 1 change(s) pending: 'rc.lvs_dr start' makes them", ""]);
  });

  it("works on a real server, before ipip has brought tunl0", () => {
    const tun = files(readExample("lvs_tun.conf"), "lvs_tun.conf")["rc.lvs_tun"]!;
    const h = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 172.16.2.11/24"], route: "default via 172.16.2.1 dev eth0" });
    const rc = h.install(tun, "lvs/rc.lvs_tun");
    const r = h.run(rc, ["plan"]);
    expect(r.status).toBe(3);
    expect(r.stdout.split("\n").slice(1)).toEqual([
      "  load module ipip",
      "  bring link tunl0 up",
      "  sysctl net.ipv4.conf.tunl0.rp_filter: (no tunl0 yet) -> 0",
      "  sysctl net.ipv4.conf.all.arp_ignore: 0 -> 1",
      "  sysctl net.ipv4.conf.all.arp_announce: 0 -> 2",
      "  sysctl net.ipv4.conf.eth0.arp_ignore: 0 -> 1",
      "  sysctl net.ipv4.conf.eth0.arp_announce: 0 -> 2",
      "  add VIP 192.168.1.110/32 to tunl0",
      "  default route: via 172.16.2.1 dev eth0 -> via 172.16.2.254",
      "rc.lvs_tun: 9 change(s) pending: 'rc.lvs_tun start' makes them",
      "",
    ]);
    expect(changes(r.calls)).toEqual([]);
    h.run(rc, ["start"]);
    expect(h.run(rc, ["plan"]).status).toBe(0);
  });
});

describe("one start or stop at a time", () => {
  const BOOT = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();

  it("waits for a lock another run holds, then gives up with a clear message (mkdir lock, without flock)", () => {
    const h = new FakeHost(REALSERVER);
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    mkdirSync(join(h.stateDir, "lock.d"), { recursive: true });
    writeFileSync(join(h.stateDir, "lock.d", "owner"), `${process.pid} ${BOOT}\n`);
    const r = h.run(rc, ["start"], { lockTimeout: 1 });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`rc.lvs_dr: waiting for another start or stop on this host to finish (lock ${h.stateDir}/lock.d)\n`);
    expect(r.stderr).toBe(
      `rc.lvs_dr: error: another start or stop is running on this host (lock ${h.stateDir}/lock.d); gave up after 1 s. If none is running, remove ${h.stateDir}/lock.d\nrc.lvs_dr: nothing was changed on this host\n`,
    );
    expect(changes(r.calls)).toEqual([]);
  });

  it("refuses a lock timeout that is not a number of seconds, before waiting on anything", () => {
    const h = new FakeHost(REALSERVER);
    const r = h.run(h.install(RC, "lvs/rc.lvs_dr"), ["start"], { lockTimeout: "1m" });
    expect([r.status, changes(r.calls)]).toEqual([1, []]);
    expect(r.stderr).toContain("rc.lvs_dr: error: LVSC_LOCK_TIMEOUT must be a number of seconds, not '1m'\n");
  });

  it("takes over a mkdir lock whose process is gone", () => {
    const h = new FakeHost(REALSERVER);
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    const gone = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim();
    mkdirSync(join(h.stateDir, "lock.d"), { recursive: true });
    writeFileSync(join(h.stateDir, "lock.d", "owner"), `${gone} ${BOOT}\n`);
    const r = h.run(rc, ["start"]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    // broken once (lock.d.break is the breaker's own lock, removed with rmdir), then taken, then released
    expect(r.stdout.split(`removing the stale lock ${h.stateDir}/lock.d of process ${gone}, which is gone\n`)).toHaveLength(2);
    expect(readdirSync(h.stateDir).filter((f) => f.startsWith("lock"))).toEqual([]);
    expect(changes(r.calls)).toContain("ip addr add 192.168.0.101/32 dev dummy0");
  });

  it("uses flock(1) where there is one, with the same timeout", async () => {
    const h = new FakeHost(REALSERVER);
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    mkdirSync(h.stateDir, { recursive: true });
    // another start holding the lock: flock(1) on the same file, until this test lets it go
    // (its stdin closed), however long this start takes to get to the lock on a busy machine
    const holder = spawn("flock", [join(h.stateDir, "lock"), "sh", "-c", "echo held; read _ || :"], { stdio: ["pipe", "pipe", "ignore"] });
    await new Promise((resolve) => holder.stdout.once("data", resolve));
    const r = h.run(rc, ["start"], { flock: true, lockTimeout: 1 });
    holder.stdin.end();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`rc.lvs_dr: error: another start or stop is running on this host (lock ${h.stateDir}/lock); gave up after 1 s.`);
    expect(changes(r.calls)).toEqual([]);
    await new Promise((resolve) => holder.on("close", resolve));
    expect(h.run(rc, ["start"], { flock: true, lockTimeout: 1 }).status).toBe(0);
  });

  it("serializes two clusters' starts on one real server: each original is the host's own", async () => {
    for (const flock of [false, true]) {
      const h = new FakeHost(REALSERVER);
      const a = h.install(RC, "a/rc.lvs_dr");
      const b = h.install(DR_B, "b/rc.lvs_dr");
      const before = h.snapshot();
      // the second waits as long as the first start takes on this machine: the test's own time
      // limit is the guard against a hang, not a 5 s lock timeout
      const runs = [h.spawn(a, ["start"], { flock, lockTimeout: 600 }), h.spawn(b, ["start"], { flock, lockTimeout: 600 })];
      const codes = await Promise.all(runs.map((p) => new Promise((resolve) => p.on("close", resolve))));
      expect([flock, codes]).toEqual([flock, [0, 0]]);
      expect(readFileSync(join(h.stateDir, "host", "sysctl.net.ipv4.conf.all.arp_ignore", "original"), "utf8")).toBe("0\n");
      h.run(a, ["stop"], { flock });
      h.run(b, ["stop"], { flock });
      expect(h.snapshot()).toBe(before);
    }
  });
});

describe("links", () => {
  const ETH1_VIP = files(conf({ 7: "SERVER_VIP_DEVICE=eth1" }))["rc.lvs_dr"]!;

  it("brings down at stop only a link that start brought up for the VIP and that holds nothing else", () => {
    const h = new FakeHost({ links: { eth0: "up", eth1: "down" }, addrs: ["eth0 192.168.0.3/24"] });
    const rc = h.install(ETH1_VIP, "lvs/rc.lvs_dr");
    const before = h.snapshot();
    expect(h.run(rc, ["start"]).calls).toContain("ip link set dev eth1 up");
    expect(h.run(rc, ["stop"]).calls).toContain("ip link set dev eth1 down");
    expect(h.snapshot()).toBe(before);
    h.run(rc, ["start"]);
    h.sh("ip addr add 10.5.5.5/24 dev eth1");
    const stop = h.run(rc, ["stop"]);
    expect(stop.calls).not.toContain("ip link set dev eth1 down");
    expect(stop.stdout).toContain("left link eth1 up: it holds addresses start did not put there");
  });

  it("leaves a director's NIC up when it holds the DIP, though it was down at start", () => {
    const h = new FakeHost({ links: { eth0: "down" }, addrs: ["eth0 192.168.0.1/24"], ipvs: "" });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    h.run(rc, ["start"]);
    const stop = h.run(rc, ["stop"]);
    expect(stop.status).toBe(0);
    expect(h.links()).toContain("eth0 up");
  });

  it("never deletes a primary address whose subnet has other (secondary) addresses: the kernel would delete them too", () => {
    const h = new FakeHost({ links: { eth0: "up" }, ipvs: "" });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    h.run(rc, ["start", "director"]);
    h.sh("ip addr add 192.168.0.50/24 dev eth0");
    const stop = h.run(rc, ["stop"]);
    expect(stop.stdout).toContain("left 192.168.0.1/24 on eth0: deleting it would delete the other addresses of its subnet on eth0 too");
    expect(h.addrs()).toEqual(["lo 127.0.0.1/8 primary -", "eth0 192.168.0.1/24 primary -", "eth0 192.168.0.50/24 secondary -"]);
  });
});

describe("hosts as they come: a fresh kernel, a changed role, someone else's services, a multipath route", () => {
  it("creates dummy0 on a kernel without the dummy module, which makes dummy0 itself when it loads", () => {
    const h = new FakeHost({ ...REALSERVER, dummyUnloaded: true });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    const before = h.snapshot();
    const start = h.run(rc, ["start"]);
    expect([start.status, start.stderr]).toEqual([0, ""]);
    expect(h.links()).toContain("dummy0 up");
    expect(h.addrs()).toContain("dummy0 192.168.0.101/32 primary -");
    expect(h.run(rc, ["status"]).status).toBe(0);
    expect(h.run(rc, ["stop"]).status).toBe(0);
    expect(h.snapshot()).toBe(before);
  });

  it("removes the IPVS services of a director that the same conf now makes a real server, and status sees any left", () => {
    const h = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 192.168.0.1/24", "eth0 192.168.0.3/24"], ipvs: "" });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    expect(h.run(rc, ["start", "director"]).status).toBe(0);
    expect(h.ipvs().length).toBeGreaterThan(0);
    const r = h.run(rc, ["start", "realserver"]);
    expect(r.status).toBe(0);
    expect(h.ipvs()).toEqual([]);
    expect(h.run(rc, ["status", "realserver"]).status).toBe(0);
    // the services put back by hand while the state still says director: status reports them
    h.run(rc, ["start", "director"]);
    const services = h.ipvs();
    h.run(rc, ["start", "realserver"]);
    writeFileSync(join(h.k, "ipvs"), services.map((l) => `${l}\n`).join(""));
    writeFileSync(join(h.stateDir, "rc.lvs_dr-192.168.0.101", "owns"), "192.168.0.101 \n");
    const status = h.run(rc, ["status", "realserver"]);
    expect(status.status).toBe(3);
    expect(status.stdout).toContain("  differs  ipvsadm -R: -D -t 192.168.0.101:");
  });

  it("leaves alone, at a stop without this boot's state, the services that something else set up for the VIP", () => {
    const table = "-A -t 192.168.0.101:80 -s wlc\n-a -t 192.168.0.101:80 -r 192.168.0.3:80 -g -w 1\n";
    const h = new FakeHost({ ...DIRECTOR, ipvs: table });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    const stop = h.run(rc, ["stop"]);
    expect([stop.status, stop.stderr]).toEqual([0, ""]);
    expect(changes(stop.calls)).toEqual([]);
    expect(stop.stdout).toContain("rc.lvs_dr: IPVS: left alone, as this script did not set it up in this boot (ipvsadm -L -n shows what serves 192.168.0.101)\n");
    expect(h.ipvs()).toEqual(table.trim().split("\n"));
  });

  it("refuses, before any change, to replace a multipath default route that stop could not put back", () => {
    const route = "default proto static metric 0\n\tnexthop via 10.1.1.253 dev eth0 weight 1\n\tnexthop via 10.1.1.252 dev eth0 weight 1";
    const h = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 10.1.1.2/24"], route });
    const r = h.run(h.install(NAT["rc.lvs_nat"]!, "lvs/rc.lvs_nat"), ["start"]);
    expect([r.status, changes(r.calls)]).toEqual([1, []]);
    expect(r.stderr).toContain("rc.lvs_nat: error: the default route has several nexthops (or a gateway that is not IPv4): this script sets the default route via 10.1.1.1 and could not put this one back at stop.");
    expect(h.route()).toBe(route);
  });

  it("says so when the only change of a start that failed its checks was loading a module", () => {
    const TUN = files(readExample("lvs_tun.conf"), "lvs_tun.conf");
    const h = new FakeHost({ links: { ens3: "up" }, addrs: ["ens3 172.16.2.11/24"] });
    const r = h.run(h.install(TUN["rc.lvs_tun"]!, "lvs/rc.lvs_tun"), ["start", "realserver"]);
    expect(r.status).toBe(1);
    expect(changes(r.calls)).toEqual(["modprobe ipip"]);
    expect(r.stderr).toContain("rc.lvs_tun: nothing was changed on this host but loading the module(s) ipip (stop never unloads a module)\n");
  });
});

describe("VS_TUN and ipvsadm's --tun-type", () => {
  const TUN = files(readExample("lvs_tun.conf"), "lvs_tun.conf");
  const director = () => new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 192.168.1.9/24"], ipvs: "", route: "default via 192.168.1.254 dev eth0" });

  it("sends --tun-type ipip with ipvsadm 1.30 or later", () => {
    const h = director();
    h.run(h.install(TUN["rc.lvs_tun"]!, "rc.lvs_tun"), ["start"]);
    expect(readFileSync(join(h.dir, "batch"), "utf8")).toContain("-i -w 3 --tun-type ipip\n");
  });

  it("leaves it out for an older ipvsadm (one line it refuses would abort the whole batch), and stays idempotent", () => {
    const h = director();
    const rc = h.install(TUN["rc.lvs_tun"]!, "rc.lvs_tun");
    const old = { ipvsadmVersion: "ipvsadm v1.26 2008/5/15 (compiled with popt and IPVS v1.2.1)" };
    const r = h.run(rc, ["start"], old);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("ipvsadm is older than 1.30 (ipvsadm v1.26 2008/5/15 (compiled with popt and IPVS v1.2.1)): tunnel entries go without --tun-type");
    expect(readFileSync(join(h.dir, "batch"), "utf8")).not.toContain("--tun-type");
    expect(h.run(rc, ["plan"], old).status).toBe(0);
  });

  it("stops before any change when it cannot tell ipvsadm's version", () => {
    const h = director();
    const r = h.run(h.install(TUN["rc.lvs_tun"]!, "rc.lvs_tun"), ["start"], { ipvsadmVersion: "something else" });
    expect([r.status, changes(r.calls)]).toEqual([1, []]);
    expect(r.stderr).toContain("cannot tell the version of ipvsadm from: something else");
  });
});

describe("the rc.local snippet for Linux 2.2 and 2.4 (--arp hidden)", () => {
  it("uses the commands of that era: ifconfig and route, no ip link add or ip addr replace", () => {
    for (const [conf_, file] of [[readExample("lvs_dr.conf"), "lvs_dr.conf"], [readExample("lvs_tun.conf"), "lvs_tun.conf"]] as const) {
      const snippet = Object.entries(files(conf_, file, "hidden")).find(([p]) => p.startsWith("rc.local."))![1];
      expect(snippet).not.toMatch(/^\s*ip /m);
      expect(snippet).toMatch(/^\tifconfig \S+ 192\.168\.[01]\.1[01][01] netmask 255\.255\.255\.255 broadcast \S+ up$/m);
      expect(snippet).toMatch(/^\troute add -host /m);
      expect(snippet.indexOf("/hidden")).toBeLessThan(snippet.indexOf("\tifconfig"));
    }
  });
});

// ---------------------------------------------------------------- the IPVS planner, on its own

const PLANNER = readFileSync(`${ROOT}templates/rc/ipvs-plan.awk`, "utf8");

it("embeds templates/rc/ipvs-plan.awk in the script unchanged", () => {
  const m = /-v tun_type="\$TUN_TYPE" '\n([\s\S]*?)\n\t'\n}/.exec(RC);
  expect(m).not.toBeNull();
  expect(m![1]!.replaceAll(/^\t\t/gm, "")).toBe(PLANNER.trimEnd());
});

/**
 * This machine's awk, and every common awk: the tool that provides it (undefined: always here,
 * POSIX requires an awk), and how to run it as POSIX awk.
 */
const AWKS: [ToolName | undefined, string[]][] = [
  [undefined, ["awk"]],
  ["mawk", ["mawk"]],
  ["gawk", ["gawk", "--posix"]],
  ["original-awk", ["original-awk"]],
  ["busybox", ["busybox", "awk"]],
];

interface PlanVars {
  mode?: string;
  vips?: string;
  marks?: string;
  manage?: string;
  tunType?: string;
}

function plan(awk: string[], wanted: string, live: string, o: PlanVars = {}, kernelOrder?: string): string[] {
  const vars = { mode: o.mode ?? "start", vips: o.vips ?? "192.168.0.101", marks: o.marks ?? "", manage_rs: o.manage ?? "1", tun_type: o.tunType ?? "1" };
  const input = `${wanted}--\n${live}${kernelOrder !== undefined ? `--\n${kernelOrder}` : ""}`;
  const p = spawnSync(awk[0]!, [...awk.slice(1), ...Object.entries(vars).flatMap(([k, v]) => ["-v", `${k}=${v}`]), PLANNER], { input, encoding: "utf8" });
  if (p.status !== 0) throw new Error(`${awk.join(" ")}: ${p.stderr}`);
  return p.stdout.split("\n").filter((l) => l !== "");
}

const WANT = DR["ipvsadm.rules"]!;

describe.each(AWKS.map(([tool, a]) => [a.join(" "), tool, a] as const))("ipvs-plan.awk under %s", (_name, tool, awk) => {
  beforeEach((ctx) => {
    if (tool !== undefined) needTool(ctx, tool);
  });

  it("adds everything to an empty table, services first", () => {
    expect(plan(awk, WANT, "")).toEqual(WANT.trimEnd().split("\n").sort((a, b) => (a.startsWith("-A") === b.startsWith("-A") ? 0 : a.startsWith("-A") ? -1 : 1)));
  });

  it("changes nothing when the table is as wanted", () => {
    expect(plan(awk, WANT, WANT)).toEqual([]);
  });

  it("edits in place: a scheduler with -E, a weight with -e, never delete and re-add", () => {
    const live = WANT.replace("-A -t 192.168.0.101:80 -s rr", "-A -t 192.168.0.101:80 -s wlc -p 300").replace("-r 192.168.0.4:23 -g -w 1", "-r 192.168.0.4:23 -g -w 7");
    expect(plan(awk, WANT, live)).toEqual(["-E -t 192.168.0.101:80 -s rr", "-e -t 192.168.0.101:23 -r 192.168.0.4:23 -g -w 1"]);
  });

  it("removes what the conf no longer has: a real server, a service of its VIP", () => {
    const live = WANT + "-a -t 192.168.0.101:80 -r 192.168.0.9:80 -g -w 1\n-A -u 192.168.0.101:53 -s rr\n-a -u 192.168.0.101:53 -r 192.168.0.3:53 -g -w 1\n";
    expect(plan(awk, WANT, live)).toEqual(["-D -u 192.168.0.101:53", "-d -t 192.168.0.101:80 -r 192.168.0.9:80"]);
  });

  it("never touches another VIP (even one it is a prefix of) or a mark that is not its own", () => {
    const foreign = "-A -t 192.168.0.102:80 -s rr\n-a -t 192.168.0.102:80 -r 192.168.0.3:80 -g -w 1\n-A -f 99 -s rr\n-A -t 192.168.0.1010:80 -s rr\n-A -t [2001:db8::101]:80 -s rr\n";
    expect(plan(awk, WANT, WANT + foreign)).toEqual([]);
    expect(plan(awk, WANT, WANT + foreign, { mode: "stop" })).toEqual(["-D -t 192.168.0.101:23", "-D -t 192.168.0.101:80"]);
    expect(plan(awk, "-A -f 7 -s rr\n", "-A -f 7 -s rr\n-A -f 77 -s rr\n", { mode: "stop", marks: "7" })).toEqual(["-D -f 7"]);
  });

  it("tells mark 1 from IPv6 mark 1 (-f 1 -6), which is not its own", () => {
    const wanted = "-A -f 1 -s rr\n-a -f 1 -r 192.168.0.3:0 -g -w 1\n";
    const live = "-A -f 1 -6 -s wlc\n-a -f 1 -6 -r [2001:db8::3]:0 -g -w 1\n";
    expect(plan(awk, wanted, live, { marks: "1" })).toEqual(["-A -f 1 -s rr", "-a -f 1 -r 192.168.0.3:0 -g -w 1"]);
    expect(plan(awk, wanted, wanted + live, { marks: "1" })).toEqual([]);
    expect(plan(awk, wanted, wanted + live, { marks: "1", mode: "stop" })).toEqual(["-D -f 1"]);
  });

  it("moves the services of a replaced VIP to the new one: deletes the old, adds the new, edits shared marks in place", () => {
    const wanted = WANT.replaceAll("192.168.0.101", "192.168.0.102") + "-A -f 5 -s rr\n-a -f 5 -r 192.168.0.3:0 -g -w 2\n";
    const live = WANT + "-A -f 5 -s rr\n-a -f 5 -r 192.168.0.3:0 -g -w 1\n";
    expect(plan(awk, wanted, live, { vips: "192.168.0.102 192.168.0.101", marks: "5" })).toEqual([
      "-D -t 192.168.0.101:23",
      "-D -t 192.168.0.101:80",
      "-A -t 192.168.0.102:23 -s rr",
      "-A -t 192.168.0.102:80 -s rr",
      "-a -t 192.168.0.102:23 -r 192.168.0.3:23 -g -w 1",
      "-a -t 192.168.0.102:23 -r 192.168.0.4:23 -g -w 1",
      "-a -t 192.168.0.102:80 -r 192.168.0.3:80 -g -w 1",
      "-a -t 192.168.0.102:80 -r 192.168.0.4:80 -g -w 1",
      "-e -f 5 -r 192.168.0.3:0 -g -w 2",
    ]);
  });

  it("with an ipvsadm older than 1.30 (tun_type=0), wants tunnel entries without --tun-type", () => {
    const wanted = "-A -t 192.168.0.101:80 -s rr\n-a -t 192.168.0.101:80 -r 10.0.0.1:80 -i -w 1 --tun-type ipip\n";
    const oldLive = "-A -t 192.168.0.101:80 -s rr\n-a -t 192.168.0.101:80 -r 10.0.0.1:80 -i -w 1\n";
    expect(plan(awk, wanted, oldLive, { tunType: "0" })).toEqual([]);
    expect(plan(awk, wanted, "", { tunType: "0" })).toEqual(["-A -t 192.168.0.101:80 -s rr", "-a -t 192.168.0.101:80 -r 10.0.0.1:80 -i -w 1"]);
  });

  describe("mh: the kernel's order of the real servers is a fresh start's (seen in the VM: newest first)", () => {
    const svc = "-A -t 192.168.0.101:80 -s mh";
    const rs = (last: number) => `-a -t 192.168.0.101:80 -r 192.168.0.${last}:80 -g -w 1`;
    const sorted = (...lasts: number[]) => [svc, ...lasts.map(rs)].join("\n") + "\n";
    /** ipvsadm -L -n --nosort of the service with these real servers, head (newest) first */
    const kernel = (...lasts: number[]) =>
      [
        "IP Virtual Server version 1.2.1 (size=4096)",
        "Prot LocalAddress:Port Scheduler Flags",
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
        "TCP  192.168.0.101:80 mh",
        ...lasts.map((l) => `  -> 192.168.0.${l}:80`.padEnd(32) + " Route   1      0          0"),
      ].join("\n") + "\n";

    it("a real server added between two others: the later ones are deleted and added again after it", () => {
      // fresh with .2 .9: the kernel holds 9, 2; wanted .2 .5 .9 means 9, 5, 2
      expect(plan(awk, sorted(2, 5, 9), sorted(2, 9), {}, kernel(9, 2))).toEqual(["-d -t 192.168.0.101:80 -r 192.168.0.9:80", rs(5), rs(9)]);
    });

    it("a real server added after the others is just added", () => {
      expect(plan(awk, sorted(2, 5, 9), sorted(2, 5), {}, kernel(5, 2))).toEqual([rs(9)]);
    });

    it("a table in another order (an older lvsc, a hand edit) is put in order, and one in order is left alone", () => {
      expect(plan(awk, sorted(2, 5, 9), sorted(2, 5, 9), {}, kernel(5, 9, 2))).toEqual([
        "-d -t 192.168.0.101:80 -r 192.168.0.5:80",
        "-d -t 192.168.0.101:80 -r 192.168.0.9:80",
        rs(5),
        rs(9),
      ]);
      expect(plan(awk, sorted(2, 5, 9), sorted(2, 5, 9), {}, kernel(9, 5, 2))).toEqual([]);
    });

    it("a removed real server leaves the others in order, and a changed weight is still edited in place", () => {
      expect(plan(awk, sorted(2, 9), sorted(2, 5, 9), {}, kernel(9, 5, 2))).toEqual(["-d -t 192.168.0.101:80 -r 192.168.0.5:80"]);
      const heavier = sorted(2, 5, 9).replace("192.168.0.5:80 -g -w 1", "192.168.0.5:80 -g -w 3");
      expect(plan(awk, heavier, sorted(2, 5, 9), {}, kernel(9, 5, 2))).toEqual(["-e -t 192.168.0.101:80 -r 192.168.0.5:80 -g -w 3"]);
    });

    it("other schedulers keep whatever order the kernel has", () => {
      const rr = (t: string) => t.replace(" -s mh", " -s rr");
      expect(plan(awk, rr(sorted(2, 5, 9)), rr(sorted(2, 9)), {}, kernel(9, 2).replace(" mh\n", " rr\n"))).toEqual([rs(5)]);
    });
  });

  it("with INITIAL_STATE=off, leaves the real servers to the monitor", () => {
    const services = "-A -t 192.168.0.101:23 -s rr\n-A -t 192.168.0.101:80 -s rr\n";
    expect(plan(awk, services, WANT, { manage: "0" })).toEqual([]);
    expect(plan(awk, services, "", { manage: "0" })).toEqual(services.trimEnd().split("\n"));
  });
});

// ---------------------------------------------------------------- a pair of directors

describe("rc.lvs_* of a pair of directors (DIRECTOR_PAIR): the host prepared for keepalived", () => {
  const rcOf = (name: string) => files(readExample(name), name)[`rc.lvs_${name.slice(4, name.indexOf("_", 4))}`]!;
  const DR_PAIR = rcOf("lvs_dr_ha.conf");
  const NAT_PAIR = rcOf("lvs_nat_ha.conf");
  /** director2 of examples/lvs_nat_ha.conf, BACKUP: its own addresses only, outside and inside; ip_vs loaded (stop never unloads it). */
  const NAT_DIRECTOR2: HostSpec = {
    links: { eth0: "up", eth1: "up" },
    addrs: ["eth0 192.168.1.12/24", "eth1 10.1.1.12/24"],
    route: "default via 192.168.1.1 dev eth0",
    ipvs: "",
  };

  it("knows a director by its own address, as BACKUP too, and only loads ip_vs on a DR director", () => {
    expect(DR_PAIR).toContain("DIRECTORS='192.168.0.11 192.168.0.12'\n");
    const h = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 192.168.0.12/24"] });
    const r = h.run(h.install(DR_PAIR, "lvs/rc.lvs_dr"), ["start"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // no VIP, no DIP, no IPVS table (keepalived's), and ip_forward left as it is
    expect(changes(r.calls)).toEqual(["modprobe ip_vs"]);
    expect(r.stdout).toContain("the host is ready for keepalived");
  });

  it("prepares a VS_NAT director (forwarding, no redirects, its default route), and stop undoes exactly that", () => {
    const h = new FakeHost(NAT_DIRECTOR2);
    const rc = h.install(NAT_PAIR, "lvs/rc.lvs_nat");
    const before = h.snapshot();
    const r = h.run(rc, ["start"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(changes(r.calls)).toEqual([
      "sysctl -q -w net.ipv4.ip_forward=1",
      "sysctl -q -w net.ipv4.conf.all.send_redirects=0",
      "sysctl -q -w net.ipv4.conf.default.send_redirects=0",
      "sysctl -q -w net.ipv4.conf.eth1.send_redirects=0",
      "ip route replace default via 192.168.1.254",
    ]);
    expect(h.run(rc, ["plan"]).status).toBe(0);
    const s = h.run(rc, ["stop"]);
    expect(s.status).toBe(0);
    // keepalived's VIP, DIP and table are never touched
    expect(changes(s.calls).some((c) => /^ip addr|^ipvsadm/.test(c))).toBe(false);
    expect(h.snapshot()).toEqual(before);
  });

  it("stops before changing anything on a NAT director without an address of its own where the VIP's adverts go out", () => {
    const h = new FakeHost({ links: { eth0: "up", eth1: "up" }, addrs: ["eth1 10.1.1.12/24"] });
    const r = h.run(h.install(NAT_PAIR, "lvs/rc.lvs_nat"), ["start"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("this host has no address of its own on eth0: keepalived sends the VIP's VRRP adverts from it");
    expect(changes(r.calls)).toEqual([]);
    expect(r.stderr).toContain("nothing was changed on this host");
  });

  it("does not take a host with only the floating DIP for a director, and still knows the real servers", () => {
    const h = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 192.168.0.1/24"] });
    const r = h.run(h.install(DR_PAIR, "lvs/rc.lvs_dr"), ["start"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("none of the cluster's addresses (directors: 192.168.0.11 192.168.0.12;");
    const rs = new FakeHost(REALSERVER);
    expect(rs.run(rs.install(DR_PAIR, "lvs/rc.lvs_dr"), ["start"]).status).toBe(0);
  });

  it("says in status whether this director is VRRP MASTER", () => {
    const master = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 192.168.0.11/24", "eth0 192.168.0.101/24", "eth0 192.168.0.1/24"] });
    const rc = master.install(DR_PAIR, "lvs/rc.lvs_dr");
    master.run(rc, ["start"]);
    expect(master.run(rc, ["status"]).stdout).toContain("VRRP MASTER: the VIP 192.168.0.101 and the DIP 192.168.0.1 are here");
    const backup = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 192.168.0.12/24"] });
    expect(backup.run(backup.install(DR_PAIR, "lvs/rc.lvs_dr"), ["status"]).stdout).toContain("not VRRP MASTER");
  });
});
