// lvsc import from an `ipvsadm -S -n` table: what compile writes imports back to a conf that
// compiles to the same table, byte for byte; each thing a conf cannot express is a diagnostic at
// its token; the command writes exactly what the library returns; hostile tables inject nothing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { importCluster, type ImportOptions } from "../src/import.js";
import { compile, lint, type LvsConfig } from "../src/index.js";
import { formatAddress, formatIPv4, inPrefix } from "../src/net.js";
import { FUZZ_HOSTS, validConf } from "./fuzz/arbitraries.js";
import { CLI, EXAMPLE_CONFS, EXAMPLE_HOSTS, HA_CONFS, readExample, readTree } from "./helpers.js";

/** The director's `ip -o addr`, as the conf says it: the DIP on its device, the VIP on its label. */
function ipAddr(c: LvsConfig): string {
  const line = (n: number, dev: string, addr: number, prefix: number, label: string) =>
    `${n}: ${dev}    inet ${formatIPv4(addr)}/${prefix} scope global ${label}\\       valid_lft forever preferred_lft forever\n`;
  return (
    "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n" +
    line(2, c.dip.device.device, c.dip.address as number, c.dip.prefix, c.dip.device.device) +
    line(2, c.vip.device.device, c.vip.address as number, c.vip.prefix, c.vip.device.label ?? c.vip.device.device)
  );
}

/** What the table cannot tell, from the conf: the real servers' VIP device. */
function setFor(c: LvsConfig): Map<string, string> {
  const set = new Map<string, string>();
  if (c.serverVipDevice !== undefined && c.type !== "nat") set.set("SERVER_VIP_DEVICE", c.serverVipDevice.name);
  return set;
}

/** What an admin fills in from the conf, for each directive an import left to fill in. */
function filledIn(c: LvsConfig, names: string[]): Map<string, string> {
  const set = setFor(c);
  const values: Record<string, string> = {
    LVS_TYPE: `VS_${c.type.toUpperCase()}`,
    VIP: `${c.vip.device.name} ${formatAddress(c.vip.address)}/${c.vip.prefix}`,
    DIRECTOR_INSIDEIP: `${c.dip.device.name} ${formatAddress(c.dip.address)} ${formatAddress(c.dip.network)} ${formatIPv4(c.dip.netmask!)} ${formatIPv4(c.dip.broadcast!)}`,
  };
  for (const n of names) if (values[n] !== undefined) set.set(n, values[n]!);
  return set;
}

/** What the table of a conf cannot say, so that an import of it must leave it to fill in. */
function unknowable(c: LvsConfig): string[] {
  const remote = c.initialState && c.services.some((s) => s.realServers.some((r) => !r.localNode));
  const dipHoldsThem = c.services.every((s) => s.realServers.every((r) => r.localNode || inPrefix(r.address, c.dip.network, c.dip.prefix)));
  // with firewall marks only, the table does not name the VIP, so the VIP's address in `ip -o
  // addr` is a candidate DIP too: one of the DIP's width that holds every real server is a tie
  const vipUnknown = c.services.every((s) => s.protocol === "fwmark");
  const tie = vipUnknown && c.vip.prefix === c.dip.prefix && c.vip.prefix < 32 && c.services.every((s) => s.realServers.every((r) => r.localNode || inPrefix(r.address, c.vip.address, c.vip.prefix)));
  return [
    ...(remote ? [] : ["LVS_TYPE"]),
    ...(vipUnknown ? ["VIP"] : []),
    ...(remote && dipHoldsThem && !tie ? [] : ["DIRECTOR_INSIDEIP"]),
  ];
}

const rulesOf = (text: string, file: string, hosts = EXAMPLE_HOSTS) => {
  const r = compile(text, { file, hosts: [hosts], targets: ["rules"] });
  expect(r.errorCount, JSON.stringify(r.diagnostics)).toBe(0);
  return r.files[0]!.contents;
};

/**
 * import(rules) as an admin runs it on the director (its `ip -o addr`, the real servers' VIP
 * device): what it leaves to fill in must be only what the table cannot say, and, filled in from
 * the conf, the import is the conf's cluster again.
 */
function roundTrip(text: string, file: string, hosts = EXAMPLE_HOSTS) {
  const config = lint(text, { file, hosts: [hosts] }).config!;
  const rules = rulesOf(text, file, hosts);
  const opts: ImportOptions = { file: "ipvsadm.rules", hosts: [hosts], addr: { path: "addr", text: ipAddr(config) }, set: setFor(config) };
  const first = importCluster(rules, opts);
  const left = first.confs[0]?.fillIn.filter((n) => n !== "SERVICE") ?? [];
  expect(left.filter((n) => !unknowable(config).includes(n)), "left to fill in, though the table says it").toEqual([]);
  const r = left.length > 0 ? importCluster(rules, { ...opts, set: filledIn(config, left) }) : first;
  return { config, rules, r, left };
}

describe("a table lvsc compiled imports back to a conf that compiles to the same table", () => {
  it.each([...EXAMPLE_CONFS, ...HA_CONFS])("%s", (file) => {
    const { rules, r, left } = roundTrip(readExample(file), file);
    expect(r.errorCount, JSON.stringify(r.files.map((f) => f.diagnostics))).toBe(0);
    expect(r.confs).toHaveLength(1);
    // the tunnel's real servers are in another data centre: which address faces them, the table cannot say
    expect(left).toEqual(file === "lvs_tun.conf" ? ["DIRECTOR_INSIDEIP"] : []);
    const again = compile(r.confs[0]!.contents, { file: r.confs[0]!.path, hosts: [{ path: "hosts", text: r.hosts?.contents ?? "" }], targets: ["rules"] });
    expect(again.errorCount).toBe(0);
    expect(again.files[0]!.contents).toBe(rules);
  });

  it("names the real servers as the hosts file does, and writes the names it used beside the conf", () => {
    const { r } = roundTrip(readExample("lvs_nat.conf"), "lvs_nat.conf");
    expect(r.confs[0]!.contents).toContain("SERVICE=t 80 wlc web1,3 web2:8080\n");
    expect(r.hosts!.contents).toMatch(/^10\.1\.1\.2\tweb1$/m);
  });

  it("for generated confs (property)", () => {
    fc.assert(
      fc.property(validConf, (text) => {
        const type = /^LVS_TYPE=VS_(\w+)/.exec(text)![1]!.toLowerCase();
        const file = `lvs_${type}.conf`;
        const { config, rules, r } = roundTrip(text, file, FUZZ_HOSTS);
        expect(r.errorCount, JSON.stringify(r.files.map((f) => f.diagnostics))).toBe(0);
        const conf = r.confs[0]!;
        if (!config.initialState) {
          // a table of services only: the real servers are the admin's to name
          expect(conf.fillIn).toContain("SERVICE");
          return;
        }
        expect(conf.fillIn).toEqual([]);
        const again = compile(conf.contents, { file: conf.path, hosts: [{ path: "hosts", text: r.hosts?.contents ?? "" }], targets: ["rules"] });
        expect(again.errorCount, JSON.stringify(again.diagnostics)).toBe(0);
        expect(again.files[0]!.contents).toBe(rules);
      }),
      { numRuns: 150, seed: 1202 },
    );
  });
});

const OPTS: ImportOptions = { file: "t.rules" };
const codes = (table: string, opts: ImportOptions = OPTS) => {
  const r = importCluster(table, opts);
  return r.files.flatMap((f) => f.diagnostics.map((d) => [d.code, `${d.span.start.line}:${d.span.start.column}`]));
};

describe("what a conf cannot express is a diagnostic at its token, and nothing is written", () => {
  it.each([
    ["an IPv6 service", "-A -t [2001:db8::1]:80 -s rr -p 360 -M 64\n", [["import-ipv6", "1:7"]]],
    ["an IPv6 firewall mark", "-A -f 1 -6 -s rr\n", [["import-ipv6", "1:9"]]],
    ["SCTP", "-A --sctp-service 192.0.2.1:80 -s rr\n", [["import-sctp", "1:4"]]],
    ["scheduler flags", "-A -t 192.0.2.1:80 -s sh -b sh-fallback,sh-port\n-a -t 192.0.2.1:80 -r 192.0.2.10:80 -g -w 1\n", [["import-ipvs-option", "1:26"]]],
    ["a persistence engine", "-A -u 192.0.2.1:5060 -s rr -p 360 --pe sip\n", [["import-ipvs-option", "1:35"]]],
    ["one-packet scheduling", "-A -u 192.0.2.1:53 -s rr -o\n", [["import-ipvs-option", "1:26"]]],
    ["a GUE tunnel", "-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 192.0.2.10:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n", [["import-tunnel-type", "2:56"], ["import-tunnel-type", "2:60"], ["import-tunnel-type", "2:76"]]],
    ["a forwarding method ipvsadm could not name", "-A -t 10.10.11.77:80 -s rr\n-a -t 10.10.11.77:80 -r 10.10.11.66:80 (null) -w 100\n", [["import-forwarding-method", "2:40"]]],
    ["mixed methods", "-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 192.0.2.10:80 -g -w 1\n-a -t 192.0.2.1:80 -r 192.0.2.11:80 -m -w 1\n", [["import-mixed-methods", "3:1"]]],
    ["a table saved without -n", "-A -t 10.0.0.1:http -s rr\n-a -t 10.0.0.1:http -r web9:http -g -w 1\n", [["import-unresolved-name", "2:24"]]],
    ["an unknown scheduler", "-A -t 192.0.2.1:80 -s wrrr\n", [["import-unknown-scheduler", "1:23"]]],
    ["a weight out of range", "-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 192.0.2.10:80 -g -w 70000\n", [["import-invalid-value", "2:43"]]],
    ["a service added twice", "-A -t 192.0.2.1:80 -s rr\n-A -t 192.0.2.1:80 -s wlc\n", [["import-duplicate", "2:1"]]],
    ["a server before its service", "-a -t 192.0.2.1:80 -r 192.0.2.10:80 -g -w 1\n", [["import-syntax", "1:1"]]],
    ["a command that edits a table", "-C\n", [["import-syntax", "1:1"]]],
    ["an empty table", "", [["import-syntax", "1:1"]]],
  ])("%s", (_name, table, expected) => {
    expect(codes(table)).toEqual(expected);
    expect(importCluster(table, OPTS).confs).toEqual([]);
  });

  it("warns, and imports, what a conf does not keep but the table as configured does not need", () => {
    const table = "-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 192.0.2.10:80 -g -w 0 -x 100 -y 10\n-a -t 192.0.2.1:80 -r 192.0.2.11:80 -g -w 1\n";
    expect(codes(table)).toEqual([["import-quiesced-server", "2:43"], ["import-setting-dropped", "2:45"], ["import-setting-dropped", "2:52"]]);
    const r = importCluster(table, OPTS);
    expect(r.confs[0]!.contents).toContain("SERVICE=t 80 rr 192.0.2.10,0 192.0.2.11\n");
  });

  it("puts a firewall mark of a table with several VIPs in a conf of its own, its VIP left to fill in", () => {
    const table = "-A -f 7 -s rr\n-a -f 7 -r 192.0.2.10:0 -g -w 1\n-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 192.0.2.10:80 -g -w 1\n-A -t 192.0.2.2:80 -s rr\n-a -t 192.0.2.2:80 -r 192.0.2.10:80 -g -w 1\n";
    const r = importCluster(table, OPTS);
    expect(codes(table)).toEqual([["import-fwmark-vip-unknown", "1:1"]]);
    expect(r.confs.map((c) => c.path)).toEqual(["lvs_dr.conf.192.0.2.1", "lvs_dr.conf.192.0.2.2", "lvs_dr.conf.fwmark"]);
    expect(r.confs[2]!.fillIn).toContain("VIP");
  });

  it("reads what ipvsadm -R reads: long options, `--opt=value`, `ipvsadm` words, comments, defaults", () => {
    const table = "# saved\nipvsadm --add-service --tcp-service 192.0.2.1:80 --scheduler=wrr --persistent\nipvsadm -a -t 192.0.2.1:80 --real-server 192.0.2.10 --masquerading --weight=3\n";
    const r = importCluster(table, OPTS);
    expect(codes(table)).toEqual([]);
    expect(r.confs[0]!.contents).toContain("LVS_TYPE=VS_NAT\n");
    expect(r.confs[0]!.contents).toContain("SERVICE=t 80 wrr ppc 192.0.2.10,3\n");
  });

  it("leaves what the table does not say to fill in, and says so, never guessing", () => {
    const r = importCluster("-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 192.0.2.10:80 -i -w 1 --tun-type ipip\n", OPTS);
    expect(r.confs[0]!.fillIn).toEqual(["VIP", "DIRECTOR_INSIDEIP", "SERVER_VIP_DEVICE"]);
    expect(r.confs[0]!.contents).toContain("# lvsc import: VIP=<device> 192.0.2.1/<prefix>\n");
    // and the conf, as written, is one that lint flags until each is filled in
    const l = lint(r.confs[0]!.contents, { file: "lvs_tun.conf" });
    expect(l.diagnostics.filter((d) => d.code === "missing-directive").map((d) => d.message)).toEqual([
      "missing `VIP`",
      "missing `DIRECTOR_INSIDEIP`",
      expect.stringContaining("`SERVER_VIP_DEVICE`"),
    ]);
  });
});

describe("a hostile table injects nothing", () => {
  it.each([
    "-A -t 192.0.2.1:80 -s rr;reboot\n",
    "-A -t $(reboot):80 -s rr\n",
    "-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r `id`:80 -g -w 1\n",
    "-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 192.0.2.10:80 -g -w 1'\n",
    "-A -f 1\u0000 -s rr\n",
    "-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 192.0.2.10:80 -g -w 1 -x $(touch /tmp/x)\n",
  ])("%j", (table) => {
    const r = importCluster(table, OPTS);
    expect(r.errorCount).toBeGreaterThan(0);
    expect(r.confs).toEqual([]);
  });

  it("writes only addresses, numbers and lvsc's own words for any table (property)", () => {
    const junk = fc.string({ unit: "binary", maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("-A -t 192.0.2.1:80 -s rr", "-a -t 192.0.2.1:80 -r 192.0.2.10:80 -g -w 1", "-A -u 192.0.2.1:53 -s wlc -p", "-a -u 192.0.2.1:53 -r 192.0.2.11 -m"), junk), { maxLength: 6 }), (lines) => {
        const table = lines.map(([l, j]) => `${l} ${j}\n`).join("");
        const r = importCluster(table, OPTS);
        for (const c of r.confs)
          for (const line of c.contents.split("\n")) if (!line.startsWith("#") && line !== "") expect(line).toMatch(/^[A-Z_]+=[A-Za-z0-9 _.:/,-]*$/);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe("lvsc import (the command) writes exactly what the library returns", () => {
  const lvsc = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", input, env: { ...process.env, NO_COLOR: "1" } });

  it.each([...EXAMPLE_CONFS, ...HA_CONFS])("for the table of %s", (file) => {
    const config = lint(readExample(file), { file, hosts: [EXAMPLE_HOSTS] }).config!;
    const dir = mkdtempSync(join(tmpdir(), "lvsc-import-"));
    writeFileSync(join(dir, "ipvsadm.rules"), rulesOf(readExample(file), file));
    writeFileSync(join(dir, "addr"), ipAddr(config));
    writeFileSync(join(dir, "hosts.in"), EXAMPLE_HOSTS.text);
    // the tunnel's DIP, which its table cannot say, filled in as an admin would
    const given = filledIn(config, file === "lvs_tun.conf" ? ["DIRECTOR_INSIDEIP"] : []);
    const set = [...given].flatMap(([k, v]) => ["--set", `${k}=${v}`]);
    const p = lvsc(["import", join(dir, "ipvsadm.rules"), "-o", join(dir, "out"), "--addr", join(dir, "addr"), "--hosts", join(dir, "hosts.in"), ...set]);
    expect([p.status, p.stderr]).toEqual([0, ""]);
    const lib = importCluster(readFileSync(join(dir, "ipvsadm.rules"), "utf8"), {
      file: join(dir, "ipvsadm.rules"),
      hosts: [{ path: join(dir, "hosts.in"), text: EXAMPLE_HOSTS.text }],
      addr: { path: join(dir, "addr"), text: ipAddr(config) },
      set: given,
    });
    const want = [...lib.confs.map((c) => ({ path: c.path, contents: c.contents, mode: 0o644 })), ...(lib.hosts !== undefined ? [{ ...lib.hosts, mode: 0o644 }] : [])].sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(readTree(join(dir, "out"))).toEqual(want);
    // and what it wrote lints clean where it is, with the hosts file it wrote beside it
    const l = lvsc(["lint", join(dir, "out")]);
    expect([l.status, l.stdout]).toEqual([0, expect.stringContaining("no problems")]);
  });

  it("exits 3 when the confs have lines to fill in, and names them", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsc-import-"));
    const p = lvsc(["import", "-", "-o", join(dir, "out"), "--hosts", "/dev/null"], "-A -t 192.0.2.1:80 -s rr\n-a -t 192.0.2.1:80 -r 192.0.2.10:80 -g -w 1\n");
    expect(p.status).toBe(3);
    expect(p.stderr).toContain("lvs_dr.conf: fill in VIP, DIRECTOR_INSIDEIP and SERVER_VIP_DEVICE");
  });

  it("exits 1 and writes nothing for a table with errors, in every format", () => {
    for (const fmt of ["stylish", "json", "github", "sarif"]) {
      const dir = mkdtempSync(join(tmpdir(), "lvsc-import-"));
      const p = lvsc(["import", "-", "-o", join(dir, "out"), "--hosts", "/dev/null", "--format", fmt], "-A -t [2001:db8::1]:80 -s rr\n");
      expect(p.status).toBe(1);
      expect(p.stdout + p.stderr).toContain("import-ipv6");
      expect(readTree(join(dir, "out"))).toEqual([]);
    }
  });

  it("refuses a --set that is no directive, or a value with shell text", () => {
    for (const set of ["FOO=1", "SERVICE=t 80 rr a", "SERVER_VIP_DEVICE=dummy0;reboot", "VIP=$(id)"]) {
      const p = lvsc(["import", "-", "-o", join(tmpdir(), "never"), "--set", set], "-A -t 192.0.2.1:80 -s rr\n");
      expect([set, p.status]).toEqual([set, 2]);
    }
  });
});
