// The files beside the scripts (keepalived.conf, mon.cf, lvs.service, sysctl.d) and the
// NAT/DR/TUN variants of one cluster.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type Io } from "../src/cli.js";
import { lint, TARGETS, variants } from "../src/index.js";
import { compileText, conf, EXAMPLE_CONFS, HA_CONFS, EXAMPLE_HOSTS, EXAMPLES, readExample, routedNatConf } from "./helpers.js";
import { needTool } from "./tools.js";

const isRoot = process.getuid?.() === 0;

/** keepalived -t, inside a network namespace holding the interfaces the file names (when root). */
function keepalivedTest(text: string, interfaces: string[]): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "lvsc-ka-"));
  const file = join(dir, "keepalived.conf");
  writeFileSync(file, text);
  const ns = `lvsc-ka-${process.pid}`;
  const netns = isRoot && spawnSync("ip", ["netns", "add", ns]).status === 0;
  try {
    if (netns) for (const i of interfaces) spawnSync("ip", ["-n", ns, "link", "add", i, "type", "veth", "peer", "name", `${i}p`]);
    const cmd = netns ? ["ip", ["netns", "exec", ns, "keepalived", "-t", "-f", file]] : ["keepalived", ["-t", "-f", file]];
    const p = spawnSync(cmd[0] as string, cmd[1] as string[], { encoding: "utf8" });
    return { status: p.status, output: p.stdout + p.stderr };
  } finally {
    if (netns) spawnSync("ip", ["netns", "del", ns]);
  }
}

// a cluster with every kind of service keepalived must express
const KITCHEN_SINK = conf({ 2: "INITIAL_STATE=off", 5: "SERVICE=f 7 wrr ppc -t 600 rs1,3 rs2", 6: "SERVICE=u domain sh rs1 rs2 127.0.0.1" }, [
  "SERVICE=t 0 wlc ppc -M 255.255.255.0 rs1",
  "SERVICE=t https lc ppc rs1 rs2",
]);

const PAIR = "DIRECTOR_PAIR=director1 director2";

describe("keepalived.conf", () => {
  const cases = [
    ...EXAMPLE_CONFS.map((c) => [c, readExample(c), c] as const),
    ...HA_CONFS.map((c) => [c, readExample(c), c] as const),
    ["every kind of service", KITCHEN_SINK, "lvs_dr.conf"] as const,
    ["every kind of service, two directors", `${KITCHEN_SINK}${PAIR}\n`, "lvs_dr.conf"] as const,
    ["the NAT variant of the walkthrough", readExample("lvs_dr.conf"), "lvs_dr.conf"] as const,
    ["the NAT variant of the walkthrough's two directors", readExample("lvs_dr_ha.conf"), "lvs_dr_ha.conf"] as const,
    ["the TUN variant of the walkthrough's two directors", readExample("lvs_dr_ha.conf"), "lvs_dr_ha.conf"] as const,
    ["a NAT cluster whose director serves a share (LocalNode)", routedNatConf(["SERVICE=t smtp rr rs1 localhost"]), "lvs_nat.conf"] as const,
  ];

  it.for(cases)("%s: keepalived -t accepts every file without a message", ([name, text, file], ctx) => {
    needTool(ctx, "keepalived");
    const type = name.includes("NAT variant") ? "nat" : name.includes("TUN variant") ? "tun" : undefined;
    const r = compileText(text, { file, targets: ["keepalived"], ...(type !== undefined ? { type } : {}) });
    expect(r.files.map((f) => f.path)).toEqual(r.config?.pair !== undefined ? ["keepalived.conf", "keepalived.backup.conf"] : ["keepalived.conf"]);
    for (const f of r.files) {
      const k = keepalivedTest(f.contents, ["eth0", "eth1"]);
      expect([f.path, k.output]).toEqual([f.path, ""]);
      expect(k.status).toBe(0);
    }
  });

  it("is checked by a keepalived -t that does refuse a broken file", (ctx) => {
    needTool(ctx, "keepalived");
    const r = compileText(readExample("lvs_dr.conf"), { targets: ["keepalived"] });
    const k = keepalivedTest(r.files[0]!.contents.replace("lvs_sched rr", "lvs_sched roundrobin"), ["eth0"]);
    expect(k.status).not.toBe(0);
    expect(k.output).toContain("roundrobin");
  });

  it("sends LocalNode by direct routing under NAT, as the rc script does (the kernel will not masquerade to 127.0.0.1)", () => {
    const k = compileText(routedNatConf(["SERVICE=t smtp rr rs1 localhost"]), { file: "lvs_nat.conf", targets: ["keepalived"] }).files[0]!.contents;
    const block = (addr: string) => k.slice(k.indexOf(`real_server ${addr} 25 {`), k.indexOf("}\n", k.indexOf(`real_server ${addr} 25 {`)));
    expect(block("127.0.0.1")).toContain("        lvs_method DR\n");
    expect(block("192.168.0.3")).not.toContain("lvs_method");
    expect(k).toMatch(/^ {4}lvs_method NAT$/m);
  });

  it("names addresses, not host names, and checks each real server as its service needs", () => {
    const k = compileText(KITCHEN_SINK, { targets: ["keepalived"] }).files[0]!.contents;
    expect(k).not.toMatch(/\brs1\b/);
    expect(k).toContain("virtual_server fwmark 7 {");
    expect(k.match(/^    alpha$/gm)).toHaveLength(4);
    const block = (head: string) => {
      const at = k.indexOf(head);
      return k.slice(at, k.indexOf("\n}\n", at));
    };
    const checkers = (b: string) => b.match(/^ {8}[A-Z]+_(CHECK|GET)(?= \{$)/gm)?.map((c) => c.trim());
    // UDP: keepalived.conf(5) asks for a connect_timeout of at least 4 s
    expect(checkers(block("192.168.0.101 53 {"))).toEqual(["UDP_CHECK", "UDP_CHECK", "UDP_CHECK"]);
    expect(block("192.168.0.101 53 {").match(/connect_timeout (\d+)/g)).toEqual(["connect_timeout 5", "connect_timeout 5", "connect_timeout 5"]);
    // a firewall mark and "every port" have no port to connect to: ping
    expect(checkers(block("fwmark 7 {"))).toEqual(["PING_CHECK", "PING_CHECK"]);
    expect(checkers(block("192.168.0.101 0 {"))).toEqual(["PING_CHECK"]);
    // a web server gets an HTTP GET, any other TCP service a connect
    expect(checkers(block("192.168.0.101 443 {"))).toEqual(["TCP_CHECK", "TCP_CHECK"]);
    const walkthrough = compileText(readExample("lvs_dr.conf"), { targets: ["keepalived"] }).files[0]!.contents;
    const web = walkthrough.slice(walkthrough.indexOf("192.168.0.101 80 {"));
    expect(checkers(web)).toEqual(["HTTP_GET", "HTTP_GET"]);
    expect(checkers(walkthrough.slice(walkthrough.indexOf("192.168.0.101 23 {"), walkthrough.indexOf("192.168.0.101 80 {")))).toEqual(["TCP_CHECK", "TCP_CHECK"]);
    expect(k).toContain("UDP_CHECK and PING_CHECK\n! need 2.0.20 or later.");
  });

  it("tells a single VS_NAT director what keepalived does not set", () => {
    const k = compileText(readExample("lvs_nat.conf"), { file: "lvs_nat.conf", targets: ["keepalived"] }).files[0]!.contents;
    expect(k).toContain("VS_NAT needs net.ipv4.ip_forward=1, and\n! send_redirects=0 on all, default and eth1");
  });
});

describe("keepalived files of a pair of directors", () => {
  const files = (text: string, file: string) => Object.fromEntries(compileText(text, { file, targets: ["keepalived"] }).files.map((f) => [f.path, f.contents]));
  const dr = files(readExample("lvs_dr_ha.conf"), "lvs_dr_ha.conf");
  const nat = files(readExample("lvs_nat_ha.conf"), "lvs_nat_ha.conf");
  const body = (k: string) => k.slice(k.indexOf("global_defs"));

  it("gives director1 and director2 the same cluster, differing only in router_id, priority and advert source", () => {
    for (const pair of [dr, nat]) {
      const a = body(pair["keepalived.conf"]!).split("\n");
      const b = body(pair["keepalived.backup.conf"]!).split("\n");
      expect(a.length).toBe(b.length);
      const differ = a.flatMap((l, i) => (l === b[i] ? [] : [l.trim().split(" ")[0]!, b[i]!.trim().split(" ")[0]!]));
      expect(new Set(differ)).toEqual(new Set(["router_id", "priority", "mcast_src_ip", "!"]));
      // the "!" lines: the comment naming the advert's source address
      expect(differ.filter((w) => w === "!").length).toBe(2);
    }
    expect(dr["keepalived.conf"]).toMatch(/priority 250\n/);
    expect(dr["keepalived.backup.conf"]).toMatch(/priority 200\n/);
    expect(dr["keepalived.conf"]).toContain("mcast_src_ip 192.168.0.11\n");
    expect(dr["keepalived.backup.conf"]).toContain("mcast_src_ip 192.168.0.12\n");
  });

  it("floats the VIP and the DIP: one instance on a shared device, a sync group of two under NAT", () => {
    const k = dr["keepalived.conf"]!;
    expect(k.match(/^vrrp_instance \S+/gm)).toEqual(["vrrp_instance VI_LVS"]);
    expect(k).toContain("        192.168.0.101/24 brd 192.168.0.255 dev eth0 label eth0:101\n        192.168.0.1/24 brd 192.168.0.255 dev eth0\n");
    expect(k).not.toContain("vrrp_sync_group");
    const n = nat["keepalived.conf"]!;
    expect(n).toContain("vrrp_sync_group VG_LVS {\n    group {\n        VI_VIP\n        VI_DIP\n    }\n}");
    expect(n).toMatch(/vrrp_instance VI_VIP \{\n    state BACKUP\n    interface eth0\n    virtual_router_id 51\n/);
    expect(n).toMatch(/vrrp_instance VI_DIP \{\n    state BACKUP\n    interface eth1\n    mcast_src_ip 10\.1\.1\.11\n    virtual_router_id 51\n/);
    expect(n).toContain("        10.1.1.1/24 brd 10.1.1.255 dev eth1\n");
  });

  it("syncs the connection table over the DIP's device, following an instance the file defines", () => {
    // keepalived -t does not check the instance named here
    for (const [k, device, instance] of [
      [dr["keepalived.conf"]!, "eth0", "VI_LVS"],
      [nat["keepalived.backup.conf"]!, "eth1", "VI_DIP"],
    ] as const) {
      expect(k).toContain(`    lvs_sync_daemon ${device} ${instance} id `);
      expect(k).toContain(`vrrp_instance ${instance} {`);
    }
  });

  it("starts both directors as BACKUP: nopreempt by default, preempting with VRRP_PREEMPT=on", () => {
    expect(dr["keepalived.conf"]!.match(/^    state \w+$/gm)).toEqual(["    state BACKUP"]);
    expect(dr["keepalived.conf"]!.match(/^    nopreempt$/gm)).toHaveLength(1);
    expect(nat["keepalived.conf"]!.match(/^    state \w+$/gm)).toEqual(["    state BACKUP", "    state BACKUP"]);
    expect(nat["keepalived.conf"]).not.toMatch(/nopreempt$/m);
    // director1 waits for its health checks before it takes the VIP back
    expect(nat["keepalived.conf"]!.match(/^    preempt_delay \d+$/gm)).toEqual(["    preempt_delay 10", "    preempt_delay 10"]);
    expect(dr["keepalived.conf"]).not.toContain("preempt_delay");
  });

  it("uses VRRP_ROUTER_ID for a single director too", () => {
    const k = compileText(conf({}, ["VRRP_ROUTER_ID=7"]), { targets: ["keepalived"] }).files[0]!.contents;
    expect(k).toContain("    virtual_router_id 7\n");
  });

  it("writes no mon.cf for a pair, whose keepalived checks the real servers", () => {
    expect(compileText(readExample("lvs_dr_ha.conf"), { file: "lvs_dr_ha.conf" }).files.map((f) => f.path)).toEqual([
      "rc.lvs_dr",
      "rc.local.lvs_dr",
      "exports",
      "ipvsadm.rules",
      "keepalived.conf",
      "keepalived.backup.conf",
      "lvs.service",
      "90-lvs-realserver.conf",
    ]);
  });
});

describe("mon.cf", () => {
  const mon = compileText(readExample("lvs_nat.conf"), { file: "lvs_nat.conf", targets: ["mon"] }).files[0]!.contents;

  it("makes each real server its own hostgroup", () => {
    expect(mon.match(/^hostgroup .*/gm)).toEqual(["hostgroup rs_10_1_1_2 10.1.1.2", "hostgroup rs_10_1_1_3 10.1.1.3", "hostgroup rs_10_1_1_4 10.1.1.4", "hostgroup rs_10_1_1_5 10.1.1.5"]);
  });

  it("picks a monitor by port, and removes and re-adds the real server with the right flags", () => {
    expect(mon).toContain("        monitor http.monitor\n");
    // web2's remapped port is checked where it listens
    expect(mon).toContain("        monitor tcp.monitor -p 8080\n");
    expect(mon).toContain("alert virtualserver.alert -A -d -P -t -V 192.168.1.110:80 -R 10.1.1.3:8080");
    expect(mon).toContain("upalert virtualserver.alert -A -a -P -u -V 192.168.1.110:53 -R 10.1.1.4 -T -m -w 1");
  });
});

/** A fresh network namespace (when root), so that nothing mon starts can reach a real network. */
async function inNetns<T>(fn: (exec: string[]) => Promise<T>): Promise<T> {
  const ns = `lvsc-mon-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  if (!isRoot || spawnSync("ip", ["netns", "add", ns]).status !== 0) return fn([]);
  try {
    spawnSync("ip", ["-n", ns, "link", "set", "lo", "up"]);
    return await fn(["ip", "netns", "exec", ns]);
  } finally {
    spawnSync("ip", ["netns", "del", ns]);
  }
}

describe("mon.cf for mon", () => {
  const monArgs = (dir: string, cf: string) => ["mon", "-c", cf, "-p", "0", "-P", "", "-L", dir, "-D", dir, "-A", "/dev/null"];

  it.concurrent.for([...EXAMPLE_CONFS, "INITIAL_STATE=off"])("%s: mon reads it without a config error", async (name, ctx) => {
    needTool(ctx, "mon");
    const text = name === "INITIAL_STATE=off" ? conf({ 2: "INITIAL_STATE=off" }) : readExample(name);
    const file = name === "INITIAL_STATE=off" ? "lvs_dr.conf" : name;
    const dir = mkdtempSync(join(tmpdir(), "lvsc-mon-"));
    writeFileSync(join(dir, "mon.cf"), compileText(text, { file, targets: ["mon"] }).files[0]!.contents);
    // mon exits at once on a config error ("cf error: ..."); a good file leaves it running, its
    // scheduler stopped (-S), until the timeout ends it
    const p = await inNetns(
      (exec) =>
        new Promise<{ status: number | null; stderr: string }>((resolve) => {
          const c = spawn("timeout", ["2", ...exec, ...monArgs(dir, join(dir, "mon.cf")), "-S"], { stdio: ["ignore", "ignore", "pipe"] });
          let stderr = "";
          c.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
          c.on("close", (status) => resolve({ status, stderr }));
        }),
    );
    expect(p.stderr).toBe("");
    expect(p.status).toBe(124);
  });

  it("is refused by mon when broken, so the check above can fail", (ctx) => {
    needTool(ctx, "mon");
    const dir = mkdtempSync(join(tmpdir(), "lvsc-mon-"));
    writeFileSync(join(dir, "mon.cf"), compileText(readExample("lvs_dr.conf"), { targets: ["mon"] }).files[0]!.contents.replace("interval 15s", "interval 15x"));
    const p = spawnSync("timeout", ["2", ...monArgs(dir, join(dir, "mon.cf")), "-S"], { encoding: "utf8" });
    expect(p.stderr).toContain("cf error");
    expect(p.status).not.toBe(124);
  });

  it("with INITIAL_STATE=off, adds the real servers at startup and takes out the one that fails its first check", async (ctx) => {
    needTool(ctx, "mon");
    needTool(ctx, "busybox");
    if (!isRoot) ctx.skip("needs root for a network namespace holding the real servers' addresses");
    const dir = mkdtempSync(join(tmpdir(), "lvsc-mon-"));
    mkdirSync(join(dir, "alert"));
    mkdirSync(join(dir, "www"));
    writeFileSync(join(dir, "www", "index.html"), "real server #1\n");
    // stand-ins for the LVS-HOWTO's virtualserver.alert and for mail: they record their calls
    writeFileSync(join(dir, "alert", "virtualserver.alert"), `#!/bin/sh\necho "$*" >>${dir}/calls\n`, { mode: 0o755 });
    writeFileSync(join(dir, "alert", "mail.alert"), "#!/bin/sh\ncat >/dev/null\n", { mode: 0o755 });
    const cf = compileText(conf({ 2: "INITIAL_STATE=off", 5: null }), { targets: ["mon"] }).files[0]!.contents;
    // the only change: the alerts come from the stand-ins
    writeFileSync(join(dir, "mon.cf"), cf.replace("alertdir   = /usr/lib/mon/alert.d", `alertdir   = ${dir}/alert`));
    const ns = `lvsc-monrun-${process.pid}`;
    const sh = (...a: string[]) => expect(spawnSync(a[0]!, a.slice(1)).status, a.join(" ")).toBe(0);
    sh("ip", "netns", "add", ns);
    const started: ChildProcess[] = [];
    try {
      sh("ip", "-n", ns, "link", "set", "lo", "up");
      sh("ip", "-n", ns, "link", "add", "name", "rsa", "type", "veth", "peer", "name", "rsb");
      sh("ip", "-n", ns, "addr", "add", "192.168.0.3/24", "dev", "rsa");
      sh("ip", "-n", ns, "addr", "add", "192.168.0.4/24", "dev", "rsb");
      sh("ip", "-n", ns, "link", "set", "rsa", "up");
      sh("ip", "-n", ns, "link", "set", "rsb", "up");
      // rs1 serves, rs2 does not
      started.push(spawn("ip", ["netns", "exec", ns, "busybox", "httpd", "-f", "-p", "192.168.0.3:80", "-h", join(dir, "www")], { stdio: "ignore" }));
      started.push(spawn("ip", ["netns", "exec", ns, ...monArgs(dir, join(dir, "mon.cf"))], { stdio: "ignore", detached: true }));
      const calls = () => (existsSync(join(dir, "calls")) ? readFileSync(join(dir, "calls"), "utf8") : "");
      // the first checks run within randstart (2 s); a failing http.monitor takes a moment more,
      // and mon (perl) much more on a busy machine: wait for it up to a minute, no more than it takes
      const until = Date.now() + 60_000;
      while (Date.now() < until && !calls().includes("-d -P -t -V 192.168.0.101:80 -R 192.168.0.4")) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500));
      const lines = calls().trimEnd().split("\n").map((l) => l.replace(/^.* -A /, "-A "));
      expect(lines.sort()).toEqual([
        "-A -a -P -t -V 192.168.0.101:80 -R 192.168.0.3 -T -g -w 1",
        "-A -a -P -t -V 192.168.0.101:80 -R 192.168.0.4 -T -g -w 1",
        "-A -d -P -t -V 192.168.0.101:80 -R 192.168.0.4",
      ]);
    } finally {
      for (const p of started) if (p.pid !== undefined) try { process.kill(p === started[1] ? -p.pid : p.pid, "SIGTERM"); } catch { /* already gone */ }
      spawnSync("ip", ["netns", "del", ns]);
    }
  });
});

describe("lvs.service", () => {
  it("passes systemd-analyze verify", (ctx) => {
    needTool(ctx, "systemd-analyze");
    const dir = mkdtempSync(join(tmpdir(), "lvsc-unit-"));
    const unit = compileText(readExample("lvs_dr.conf"), { targets: ["systemd"] }).files[0]!.contents;
    writeFileSync(join(dir, "lvs.service"), unit);
    const p = spawnSync("systemd-analyze", ["verify", join(dir, "lvs.service")], { encoding: "utf8" });
    // the script itself is not installed here, and neither need man nor ipvsadm's page be (verify
    // runs `man ipvsadm` for Documentation=): only complaints about the unit matter
    const complaints = (p.stdout + p.stderr).split("\n").filter((l) => l.includes("lvs.service") && !/is not executable|No such file|Command .* is not|Command 'man .*' failed/.test(l));
    expect(complaints).toEqual([]);
  });
});

describe("sysctl.d file", () => {
  it("holds the real servers' ARP settings (DR) and rp_filter for tunl0, optional until ipip loads (TUN)", () => {
    const dr = compileText(readExample("lvs_dr.conf"), { targets: ["sysctl"] }).files[0]!.contents;
    expect(dr.split("\n").filter((l) => /^[-a-z]/.test(l))).toEqual([
      "net.ipv4.conf.all.arp_ignore = 1",
      "net.ipv4.conf.all.arp_announce = 2",
      "net.ipv4.conf.eth0.arp_ignore = 1",
      "net.ipv4.conf.eth0.arp_announce = 2",
    ]);
    const tun = compileText(readExample("lvs_tun.conf"), { file: "lvs_tun.conf", targets: ["sysctl"] }).files[0]!.contents;
    expect(tun).toContain("\n-net.ipv4.conf.tunl0.rp_filter = 0\n");
    expect(compileText(readExample("lvs_nat.conf"), { file: "lvs_nat.conf", targets: ["sysctl"] }).files).toEqual([]);
  });
});

describe("--target", () => {
  it("writes every file that applies by default, and only the chosen ones on request", () => {
    expect(compileText(readExample("lvs_dr.conf")).files.map((f) => f.path)).toEqual([
      "rc.lvs_dr",
      "rc.local.lvs_dr",
      "exports",
      "ipvsadm.rules",
      "keepalived.conf",
      "mon.cf",
      "lvs.service",
      "90-lvs-realserver.conf",
    ]);
    expect(compileText(readExample("lvs_nat.conf"), { file: "lvs_nat.conf" }).files.map((f) => f.path)).toEqual([
      "rc.lvs_nat",
      "exports",
      "ipvsadm.rules",
      "keepalived.conf",
      "mon.cf",
      "lvs.service",
    ]);
    expect(compileText(readExample("lvs_dr.conf"), { targets: ["keepalived", "rc"] }).files.map((f) => f.path)).toEqual(["rc.lvs_dr", "keepalived.conf"]);
    // N active directors: a bird.conf per director and the router's files; no keepalived, no mon.cf
    expect(compileText(readExample("lvs_dr_ecmp.conf"), { file: "lvs_dr_ecmp.conf" }).files.map((f) => f.path)).toEqual([
      "rc.lvs_dr",
      "rc.local.lvs_dr",
      "exports",
      "ipvsadm.rules",
      "lvs.service",
      "90-lvs-realserver.conf",
      "bird.d1.conf",
      "bird.d2.conf",
      "bird.d3.conf",
      "bird.router.conf",
      "90-lvs-router.conf",
    ]);
    expect(compileText(readExample("lvs_dr_ecmp.conf"), { file: "lvs_dr_ecmp.conf", targets: ["router"] }).files.map((f) => f.path)).toEqual(["bird.router.conf", "90-lvs-router.conf"]);
    // the new targets write nothing for a single director
    expect(compileText(readExample("lvs_dr.conf"), { targets: ["bird", "router"] }).files).toEqual([]);
    expect(TARGETS).toHaveLength(10);
  });
});

async function lvsc(args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdoutIsTTY: false, stderrIsTTY: false, env: {} };
  return { code: await main(args, io), stdout, stderr };
}

describe("variants", () => {
  const opts = { file: "lvs_dr.conf", hosts: [EXAMPLE_HOSTS] };

  it("writes the walkthrough as DR, NAT and TUN, each conf linting clean where it is written", async () => {
    const out = mkdtempSync(join(tmpdir(), "lvsc-variants-"));
    const r = await lvsc(["variants", join(EXAMPLES, "lvs_dr.conf"), "-o", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const t of ["dr", "nat", "tun"]) {
      expect(readdirSync(join(out, t))).toContain(`lvs_${t}.conf`);
      expect(readdirSync(join(out, t))).toContain(`rc.lvs_${t}`);
      const l = await lvsc(["lint", join(out, t, `lvs_${t}.conf`), "--format", "json"]);
      const codes = (JSON.parse(l.stdout) as { diagnostics: { code: string }[] }[])[0]!.diagnostics.map((d) => d.code);
      // the walkthrough's client shares the real servers' network, which NAT cannot serve
      expect([t, codes]).toEqual([t, t === "nat" ? ["one-network-nat"] : []]);
    }
  });

  it.each(["nat", "tun"] as const)("converts the walkthrough to %s, saying what changed and why", async (t) => {
    const v = variants(readExample("lvs_dr.conf"), opts).variants.find((x) => x.type === t)!;
    await expect(v.conf.contents).toMatchFileSnapshot(`golden/variants/lvs_dr-as-${t}.conf`);
  });

  it("compiles a converted conf into the same files as compile --type", () => {
    const v = variants(readExample("lvs_dr.conf"), opts).variants.find((x) => x.type === "tun")!;
    const direct = compileText(readExample("lvs_dr.conf"), { type: "tun" });
    expect(direct.files).toEqual(v.files);
    const relinted = compileText(v.conf.contents, { file: "lvs_tun.conf" });
    expect(relinted.files).toEqual(v.files);
  });

  it("refuses a port remap under DR and TUN, per real server, and writes nothing", async () => {
    const r = variants(readExample("lvs_nat.conf"), { ...opts, file: "lvs_nat.conf" });
    expect(r.variants).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.span.start.line, d.span.start.column])).toEqual([
      ["port-remap-not-supported", 13, 30],
      ["port-remap-not-supported", 13, 30],
      ["gateway-removed", 20, 1],
      ["gateway-removed", 20, 1],
    ]);
    const out = mkdtempSync(join(tmpdir(), "lvsc-variants-"));
    const c = await lvsc(["variants", join(EXAMPLES, "lvs_nat.conf"), "-o", out]);
    expect(c.code).toBe(1);
    expect(readdirSync(out)).toEqual([]);
  });

  it("refuses DR and NAT for real servers off the director's network", () => {
    const r = variants(readExample("lvs_tun.conf"), { ...opts, file: "lvs_tun.conf" });
    const codes = new Set(r.diagnostics.map((d) => d.code));
    expect(codes).toEqual(new Set(["realserver-outside-network"]));
    expect(r.diagnostics.some((d) => d.message.includes("which VS_DR needs"))).toBe(true);
    expect(r.diagnostics.some((d) => d.message.includes("which VS_NAT needs"))).toBe(true);
  });

  it("sets the NAT gateway to the DIP and drops it again for DR", () => {
    const nat = compileText(readExample("lvs_dr.conf"), { type: "nat", targets: ["rc"] }).files[0]!.contents;
    expect(nat).toContain("want_route 192.168.0.1\n");
    const back = variants(readExample("lvs_nat.conf").replace("web2:8080,1", "web2,1"), { ...opts, file: "lvs_nat.conf" });
    const dr = back.variants.find((v) => v.type === "dr")!;
    expect(dr.conf.contents).not.toMatch(/^SERVER_DEFAULT_GW/m);
    expect(dr.conf.contents).toMatch(/^SERVER_VIP_DEVICE=dummy0$/m);
    expect(lint(dr.conf.contents, { file: "lvs_dr.conf", hosts: [EXAMPLE_HOSTS] }).errorCount).toBe(0);
  });
});

it("compile --type writes the other method's file set", async () => {
  const out = mkdtempSync(join(tmpdir(), "lvsc-type-"));
  const r = await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "--type", "nat", "-o", out, "--target", "rc,rules"]);
  expect(r.code).toBe(0);
  expect(readdirSync(out).filter((f) => f !== ".lvsc").sort()).toEqual(["ipvsadm.rules", "rc.lvs_nat"]);
  expect(readFileSync(join(out, "ipvsadm.rules"), "utf8")).toContain(" -m -w 1\n");
  expect((await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "--type", "lvs"])).code).toBe(2);
  expect((await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "--target", "nginx"])).code).toBe(2);
});

// The rc script of a pair, run against stub commands (nothing real is changed): on a director it
// only prepares the host for keepalived, whether or not that director holds the VIP right now.
