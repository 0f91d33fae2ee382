// The files beside the scripts (keepalived.conf, mon.cf, lvs.service, sysctl.d) and the
// NAT/DR/TUN variants of one cluster.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type Io } from "../src/cli.js";
import { lint, TARGETS, variants } from "../src/index.js";
import { compileText, conf, EXAMPLE_CONFS, EXAMPLE_HOSTS, EXAMPLES, readExample } from "./helpers.js";
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

describe("keepalived.conf", () => {
  const cases = [
    ...EXAMPLE_CONFS.map((c) => [c, readExample(c), c] as const),
    ["every kind of service", KITCHEN_SINK, "lvs_dr.conf"] as const,
    ["the NAT variant of the walkthrough", readExample("lvs_dr.conf"), "lvs_dr.conf"] as const,
  ];

  it.for(cases)("%s: keepalived -t accepts it without a message", ([name, text, file], ctx) => {
    needTool(ctx, "keepalived");
    const r = compileText(text, { file, targets: ["keepalived"], ...(name.includes("NAT variant") ? { type: "nat" as const } : {}) });
    expect(r.files.map((f) => f.path)).toEqual(["keepalived.conf"]);
    const k = keepalivedTest(r.files[0]!.contents, ["eth0", "eth1"]);
    expect(k.output).toBe("");
    expect(k.status).toBe(0);
  });

  it("is checked by a keepalived -t that does refuse a broken file", (ctx) => {
    needTool(ctx, "keepalived");
    const r = compileText(readExample("lvs_dr.conf"), { targets: ["keepalived"] });
    const k = keepalivedTest(r.files[0]!.contents.replace("lvs_sched rr", "lvs_sched roundrobin"), ["eth0"]);
    expect(k.status).not.toBe(0);
    expect(k.output).toContain("roundrobin");
  });

  it("names addresses, not host names, and checks each real server as its service needs", () => {
    const k = compileText(KITCHEN_SINK, { targets: ["keepalived"] }).files[0]!.contents;
    expect(k).not.toMatch(/\brs1\b/);
    expect(k).toContain("virtual_server fwmark 7 {");
    expect(k.match(/^    alpha$/gm)).toHaveLength(4);
    const udp = k.slice(k.indexOf("192.168.0.101 53 {"), k.indexOf("}\n\n", k.indexOf("192.168.0.101 53 {")));
    expect(udp).toContain("UDP_CHECK");
    const mark = k.slice(k.indexOf("fwmark 7 {"));
    expect(mark.slice(0, mark.indexOf("}\n\n"))).toContain("PING_CHECK");
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
    expect(TARGETS).toHaveLength(8);
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
