// readKeepalived: every keepalived.conf lvsc writes reads back to the cluster it came from; each
// lexing form keepalived has; each diagnostic code at its file, line and column; hostile input.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALL_CODES, type Diagnostic } from "../src/diagnostics.js";
import { derivedRouterId } from "../src/ha.js";
import { readKeepalived, type KeepalivedReadOptions } from "../src/import-keepalived.js";
import type { ImportedCluster, ImportRead } from "../src/import-model.js";
import type { LvsConfig } from "../src/model.js";
import { compile, lint } from "../src/index.js";
import { maskOfPrefix } from "../src/net.js";
import { FUZZ_HOSTS, validConf } from "./fuzz/arbitraries.js";
import { EXAMPLE_CONFS, EXAMPLE_HOSTS, HA_CONFS, readExample, ROOT } from "./helpers.js";

// ---- a file system in memory ----

type Files = Record<string, string>;

function globRegex(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 1);
      if (close === -1) re += "\\[";
      else {
        re += `[${pattern.slice(i + 1, close).replace(/\\/g, "\\\\")}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function fs(files: Files, counter?: { loads: number; globs: number }): KeepalivedReadOptions {
  return {
    load: (p) => {
      if (counter) counter.loads++;
      return p in files ? { text: files[p]! } : { error: "no such file" };
    },
    glob: (pattern) => {
      if (counter) counter.globs++;
      const re = globRegex(pattern);
      return Object.keys(files)
        .filter((f) => re.test(f))
        .sort();
    },
  };
}

function read(files: Files, entries: string[], opts: Partial<KeepalivedReadOptions> = {}): ImportRead {
  return readKeepalived(
    entries.map((p) => ({ path: p, text: files[p]! })),
    { ...fs(files), ...opts },
  );
}

/** One file `/etc/keepalived/keepalived.conf`. */
function one(text: string, opts: Partial<KeepalivedReadOptions> = {}, more: Files = {}): ImportRead {
  const path = "/etc/keepalived/keepalived.conf";
  return read({ [path]: text, ...more }, [path], opts);
}

function diags(r: ImportRead): (Diagnostic & { file: string })[] {
  return r.files.flatMap((f) => f.diagnostics.map((d) => ({ ...d, file: f.file })));
}

/** `code file:line:column` for every diagnostic, in order. */
function where(r: ImportRead): string[] {
  return diags(r)
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start.offset - b.span.start.offset))
    .map((d) => `${d.code} ${d.file.replace("/etc/keepalived/", "")}:${d.span.start.line}:${d.span.start.column}`);
}

function codes(r: ImportRead): string[] {
  return diags(r).map((d) => d.code);
}

function fixtureFiles(dir: string, mount: string): Files {
  const out: Files = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out[`${mount}/${relative(dir, p)}`] = readFileSync(p, "utf8");
    }
  };
  walk(dir);
  return out;
}

// ---- what a validated conf says the import must give ----

function expected(config: LvsConfig) {
  const method = config.type;
  const services = [...config.services].map((s) => ({
    protocol: s.protocol,
    vip: s.protocol === "fwmark" ? undefined : config.vip.address,
    port: s.port,
    fwmark: s.fwmark,
    scheduler: s.scheduler,
    persistence: s.persistence === undefined ? undefined : { timeout: s.persistence.timeout, netmask: maskOfPrefix(s.persistence.prefix) },
    servers: s.realServers.map((d) => ({ address: d.address as number, port: d.port, weight: d.weight, method: d.localNode ? "dr" : method })).sort(byServer),
  }));
  return {
    vip: { address: config.vip.address, prefix: config.vip.prefix, device: config.vip.device.name },
    dip: config.pair === undefined ? undefined : { address: config.dip.address, prefix: config.dip.prefix, device: config.dip.device.name },
    routerId: config.vrrp?.routerId ?? derivedRouterId(config.vip.address),
    pair: config.pair === undefined ? undefined : { director1: config.pair.directors[0].address, director2: config.pair.directors[1].address, preempt: config.pair.preempt },
    initialState: config.initialState,
    services: services.sort(byService),
  };
}

function got(c: ImportedCluster) {
  return {
    vip: c.vip === undefined ? undefined : { address: c.vip.address, prefix: c.vip.prefix, device: c.vip.device },
    dip: c.dip === undefined ? undefined : { address: c.dip.address, prefix: c.dip.prefix, device: c.dip.device },
    routerId: c.routerId,
    pair: c.pair === undefined ? undefined : { director1: c.pair.director1, director2: c.pair.director2, preempt: c.pair.preempt },
    initialState: c.initialState,
    services: c.services
      .map((s) => ({
        protocol: s.protocol,
        vip: s.vip,
        port: s.port,
        fwmark: s.fwmark,
        scheduler: s.scheduler,
        persistence: s.persistence,
        servers: s.servers.map((d) => ({ address: d.address, port: d.port, weight: d.weight, method: d.method })).sort(byServer),
      }))
      .sort(byService),
  };
}

function byServer(a: { address: number; port: number }, b: { address: number; port: number }) {
  return a.address - b.address || a.port - b.port;
}
function byService(a: { protocol: string; port: number; fwmark: number | undefined }, b: { protocol: string; port: number; fwmark: number | undefined }) {
  return a.protocol.localeCompare(b.protocol) || a.port - b.port || (a.fwmark ?? 0) - (b.fwmark ?? 0);
}

/** Compiles the conf, reads its keepalived file(s) back, and compares with the validated model. */
function roundTrip(text: string, file: string, hosts = EXAMPLE_HOSTS) {
  const c = compile(text, { file, hosts: [hosts] });
  expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const config = lint(text, { file, hosts: [hosts] }).config!;
  const kfiles = c.files.filter((f) => f.path === "keepalived.conf" || f.path === "keepalived.backup.conf");
  const files: Files = Object.fromEntries(kfiles.map((f) => [`/etc/lvs/${f.path}`, f.contents]));
  const r = read(files, Object.keys(files));
  return { r, config };
}

describe("lvsc's own keepalived files read back to the cluster they came from", () => {
  it.each([...EXAMPLE_CONFS, ...HA_CONFS])("%s", (name) => {
    const { r, config } = roundTrip(readExample(name), name);
    expect(diags(r)).toEqual([]);
    expect(r.clusters).toHaveLength(1);
    expect(got(r.clusters[0]!)).toEqual(expected(config));
    if (config.pair !== undefined) expect(r.files.map((f) => f.file)).toEqual(["/etc/lvs/keepalived.conf", "/etc/lvs/keepalived.backup.conf"]);
  });

  it("a pair's files read in either order give director1 first (the higher priority)", () => {
    const text = readExample("lvs_nat_ha.conf");
    const c = compile(text, { file: "lvs_nat_ha.conf", hosts: [EXAMPLE_HOSTS] });
    const files: Files = Object.fromEntries(c.files.filter((f) => f.path.startsWith("keepalived")).map((f) => [`/k/${f.path}`, f.contents]));
    const a = read(files, ["/k/keepalived.conf", "/k/keepalived.backup.conf"]);
    const b = read(files, ["/k/keepalived.backup.conf", "/k/keepalived.conf"]);
    expect(got(b.clusters[0]!)).toEqual(got(a.clusters[0]!));
    expect(a.clusters[0]!.pair!.director1).toBe(lint(text, { file: "lvs_nat_ha.conf", hosts: [EXAMPLE_HOSTS] }).config!.pair!.directors[0].address);
  });

  it("one file of an lvsc pair alone: one director, and a warning to pass both files", () => {
    const c = compile(readExample("lvs_dr_ha.conf"), { file: "lvs_dr_ha.conf", hosts: [EXAMPLE_HOSTS] });
    const backup = c.files.find((f) => f.path === "keepalived.backup.conf")!.contents;
    const r = one(backup);
    expect(r.clusters[0]!.pair).toBeUndefined();
    expect(codes(r)).toEqual(["import-pair-peer-unknown"]);
    const line = backup.split("\n").findIndex((l) => l.includes("mcast_src_ip")) + 1;
    expect(where(r)).toEqual([`import-pair-peer-unknown keepalived.conf:${line}:5`]);
  });

  it("fuzzed confs, single and paired (fixed seed)", () => {
    const pairConf = fc.tuple(validConf, fc.boolean(), fc.constantFrom("on", "off")).map(([t, pair, preempt]) => {
      const eol = t.includes("\r\n") ? "\r\n" : "\n";
      return pair ? `${t}DIRECTOR_PAIR=192.168.0.11 192.168.0.12${eol}VRRP_PREEMPT=${preempt}${eol}` : t;
    });
    fc.assert(
      fc.property(pairConf, (text) => {
        const l = lint(text, { file: "fuzz.conf", hosts: [FUZZ_HOSTS] });
        fc.pre(l.config !== undefined && l.diagnostics.every((d) => d.severity !== "error"));
        const { r, config } = roundTrip(text, "fuzz.conf", FUZZ_HOSTS);
        expect(diags(r)).toEqual([]);
        expect(r.clusters).toHaveLength(1);
        expect(got(r.clusters[0]!)).toEqual(expected(config));
      }),
      { seed: 20261202, numRuns: 150 },
    );
  });
});

// ---- lexing, as keepalived reads ----

const PAIR = fixtureFiles(`${ROOT}test/fixtures/keepalived/pair`, "/etc/keepalived");

describe("lexing: the pair fixture (include with a glob and relative paths, @id, $VAR multi-line, ~SEQ, ~LST, braces, comments, quotes)", () => {
  it("read with no config id: once per id, merged into a pair", () => {
    const r = read(PAIR, ["/etc/keepalived/keepalived.conf"]);
    expect(diags(r)).toEqual([]);
    expect(r.files.map((f) => f.file)).toEqual(["/etc/keepalived/keepalived.conf", "/etc/keepalived/conf.d/10-telnet.conf", "/etc/keepalived/conf.d/20-www.conf"]);
    const c = r.clusters[0]!;
    const ip = (s: string) => s.split(".").reduce((n, o) => n * 256 + Number(o), 0);
    expect(got(c)).toEqual({
      vip: { address: ip("192.168.0.101"), prefix: 24, device: "eth0:101" },
      dip: { address: ip("192.168.0.1"), prefix: 24, device: "eth0" },
      routerId: 101,
      pair: { director1: ip("192.168.0.11"), director2: ip("192.168.0.12"), preempt: false },
      initialState: true,
      services: [
        { protocol: "tcp", vip: ip("192.168.0.101"), port: 23, fwmark: undefined, scheduler: "rr", persistence: undefined, servers: [3, 4].map((h) => ({ address: ip(`192.168.0.${h}`), port: 23, weight: 1, method: "dr" })) },
        { protocol: "tcp", vip: ip("192.168.0.101"), port: 80, fwmark: undefined, scheduler: "wrr", persistence: { timeout: 600, netmask: ip("255.255.255.0") }, servers: [{ address: ip("192.168.0.3"), port: 80, weight: 2, method: "dr" }, { address: ip("192.168.0.4"), port: 80, weight: 1, method: "dr" }] },
      ],
    });
    // where each value came from: the included file, the use of the parameter, the line of the brace
    expect(c.services[0]!.at.file).toBe("/etc/keepalived/conf.d/10-telnet.conf");
    expect(c.services[0]!.at.span.start).toMatchObject({ line: 10, column: 1 });
    // real servers made by `~SEQ(N, 3, 4) $RS` point at `$RS`
    expect(c.services[0]!.servers.map((s) => [s.at.file, s.at.span.start.line, s.at.span.start.column])).toEqual([
      ["/etc/keepalived/conf.d/10-telnet.conf", 15, 19],
      ["/etc/keepalived/conf.d/10-telnet.conf", 15, 19],
    ]);
    expect(c.services[1]!.at.span.start).toMatchObject({ line: 14, column: 1 });
    // `${VIP}/24 ...` on line 17 of keepalived.conf; the director's address on its @main line
    expect(c.vip!.at).toMatchObject({ file: "/etc/keepalived/keepalived.conf", span: { start: { line: 17, column: 9 } } });
    expect(c.pair!.at).toMatchObject({ file: "/etc/keepalived/keepalived.conf", span: { start: { line: 11, column: 10 } } });
  });

  it("read for one config id: that director alone, which names no peer", () => {
    const r = read(PAIR, ["/etc/keepalived/keepalived.conf"], { configId: "backup" });
    expect(where(r)).toEqual(["import-pair-peer-unknown keepalived.conf:12:10"]);
    expect(r.clusters[0]!.pair).toBeUndefined();
    expect(r.clusters[0]!.services).toHaveLength(2);
  });

  it("a comment line inside a multi-line definition does not end it; an empty line does", () => {
    const r = one(`$RS= \\
    real_server 10.0.0.2 80 { \\
# a comment
        weight 7 \\
    }

$NEXT= \\
    weight 8 \\

${VS("    $RS\n")}`);
    expect(r.clusters[0]!.services[0]!.servers[0]!.weight).toBe(7);
  });

  it("`@^ID` lines are kept for every other id, `@ID` lines only for ID", () => {
    const text = `vrrp_instance V {\n    interface eth0\n@^b  mcast_src_ip 10.0.0.11\n@b   mcast_src_ip 10.0.0.12\n    virtual_ipaddress {\n        10.0.0.1/24 dev eth0\n    }\n}\n${VS(RS)}`;
    for (const [id, own] of [["a", "10.0.0.11"], ["b", "10.0.0.12"]] as const) {
      const r = one(text, { configId: id });
      expect(diags(r).map((d) => d.message)).toEqual([`this file is one director's of a pair (\`${own}\`), and the other director is not known`]);
    }
  });

  it("keepalived.conf(5)'s multi-line $INSTANCE with @ lines inside, repeated by ~SEQ: one cluster per VIP", () => {
    const text = `$INSTANCE= \\
vrrp_instance VI_\${NUM} { \\
    interface eth\${NUM} \\
    @high priority 130 \\
    @low priority 120 \\
    virtual_router_id \${NUM} \\
    virtual_ipaddress { \\
        10.0.\${NUM}.254/24 \\
    } \\
}
~SEQ(NUM, 1, 2) $INSTANCE
${VS(RS, "virtual_server 10.0.1.254 80")}${VS(RS, "virtual_server 10.0.2.254 80")}`;
    const r = one(text, { configId: "high" });
    expect(r.clusters.map((c) => [c.vip?.address, c.vip?.prefix, c.vip?.device, c.routerId])).toEqual([
      [0x0a0001fe, 24, "eth1", 1],
      [0x0a0002fe, 24, "eth2", 2],
    ]);
    expect(diags(r)).toEqual([]);
  });

  it("`!` and `#` start comments anywhere outside quotes; `\\#` is the character", () => {
    const r = one(`global_defs { router_id "a!b#c" } ! the rest is a comment {{{
virtual_server 10.0.0.1 80 { # {
    lvs_sched rr   ! lvs_sched bogus
    lvs_method DR
    protocol TCP
    real_server 10.0.0.2 80 { weight 2 }
}
vrrp_instance VI_1 {
    interface eth0
    virtual_ipaddress {
        10.0.0.1/24 dev eth0
    }
    frobnicate \\#x
}
`);
    expect(r.clusters[0]!.services[0]!.servers[0]!.weight).toBe(2);
    // the real server has no checker (keepalived keeps it in the table: CHECK none), and `frobnicate` is unknown: nothing else
    expect(r.clusters[0]!.services[0]!.check?.kind).toBe("none");
    expect(where(r)).toEqual(["import-unknown-keyword keepalived.conf:13:5"]);
  });

  it("a `\\` continues a line; a brace may open on the next line", () => {
    const r = one(`virtual_server \\
   10.0.0.1 \\
   80
{
    lvs_sched \\
        wrr
    lvs_method DR
    protocol TCP
    real_server 10.0.0.2 80 {
        weight 5
        TCP_CHECK {
            connect_timeout 3
        }
    }
}
`);
    expect(r.clusters[0]!.services[0]).toMatchObject({ port: 80, scheduler: "wrr" });
    expect(r.clusters[0]!.services[0]!.servers[0]!.weight).toBe(5);
  });

  it("~LST with one variable, ~SEQx in hex, ${NAME} next to text, recursive parameters", () => {
    const r = one(`$BASE=10.0.\${SUB}
$SUB=0
virtual_server \${BASE}.1 443 {
    lvs_sched rr
    lvs_method DR
    protocol TCP
    ~LST(H, 2, 3, 4) real_server \${BASE}.$H 443 { weight 1 }
    ~SEQx(M, 10, 11) frobnicate_$M
}
`);
    const s = r.clusters[0]!.services[0]!;
    expect(s.vip).toBe(0x0a000001);
    expect(s.servers.map((d) => d.address & 255)).toEqual([2, 3, 4]);
    expect(diags(r).filter((d) => d.code === "import-unknown-keyword").map((d) => d.message)).toEqual([
      "`frobnicate_a` is not a keyword lvsc knows in `virtual_server`",
      "`frobnicate_b` is not a keyword lvsc knows in `virtual_server`",
    ]);
  });
});

// ---- each code at its place ----

const VS = (body: string, head = "virtual_server 10.0.0.1 80") => `${head} {\n    lvs_sched rr\n    lvs_method DR\n    protocol TCP\n${body}}\n`;
const RS = "    real_server 10.0.0.2 80 {\n        weight 1\n        HTTP_GET {\n            url {\n                path /\n                status_code 200-499\n            }\n        }\n    }\n";

describe("codes, at file:line:column", () => {
  it.each<[string, string, string[]]>([
    ["import-syntax", `${VS(RS)}}\n`, ["import-vip-not-floating keepalived.conf:1:16", "import-syntax keepalived.conf:15:1"]],
    // the block is read to the end of the file, as far as it goes: no protocol, no real servers
    ["import-syntax", `virtual_server 10.0.0.1 80 {\n    lvs_sched rr\n`, ["import-default-applied keepalived.conf:1:1", "import-default-applied keepalived.conf:1:1", "import-syntax keepalived.conf:1:28"]],
    ["import-syntax", `global_defs {\n    router_id "unclosed\n}\n`, ["import-syntax keepalived.conf:2:15"]],
    ["import-ipv6", VS("    real_server 2001:db8::2 80 {\n    }\n"), ["import-ipv6 keepalived.conf:5:17"]],
    ["import-sctp", `virtual_server 10.0.0.1 80 {\n    protocol SCTP\n${RS}}\n`, ["import-sctp keepalived.conf:2:14"]],
    ["import-virtual-server-group", `virtual_server_group G {\n    10.0.0.1-3 80\n}\nvirtual_server group G {\n}\n`, ["import-virtual-server-group keepalived.conf:1:1", "import-virtual-server-group keepalived.conf:4:16"]],
    ["import-tunnel-type", `virtual_server 10.0.0.1 80 {\n    lvs_method TUN type gre\n${RS}}\n`, ["import-tunnel-type keepalived.conf:2:25"]],
    ["import-ipvs-option", `virtual_server 10.0.0.1 80 {\n    lvs_sched sh\n    sh-port\n${RS}}\n`, ["import-ipvs-option keepalived.conf:3:5"]],
    ["import-unknown-scheduler", `virtual_server 10.0.0.1 80 {\n    lvs_sched fastest\n${RS}}\n`, ["import-unknown-scheduler keepalived.conf:2:15"]],
    ["import-invalid-value", VS("    real_server 10.0.0.2 99999 {\n    }\n"), ["import-invalid-value keepalived.conf:5:26"]],
    ["import-mixed-methods", VS(`${RS}    real_server 10.0.0.3 80 {\n        weight 1\n        lvs_method NAT\n        HTTP_GET {\n            url {\n                path /\n                status_code 200-499\n            }\n        }\n    }\n`), ["import-vip-not-floating keepalived.conf:1:16", "import-mixed-methods keepalived.conf:14:5"]],
    ["import-default-applied", `virtual_server 10.0.0.1 53 {\n    real_server 10.0.0.2 53 {\n        UDP_CHECK {\n            connect_timeout 5\n        }\n    }\n}\n`, ["import-default-applied keepalived.conf:1:1", "import-default-applied keepalived.conf:1:1", "import-default-applied keepalived.conf:1:1", "import-vip-not-floating keepalived.conf:1:16", "import-default-applied keepalived.conf:2:5", "import-checker-replaced keepalived.conf:3:9"]],
    ["import-setting-dropped", VS(`    sorry_server 10.0.0.9 80\n    quorum 2\n${RS}`), ["import-vip-not-floating keepalived.conf:1:16", "import-setting-dropped keepalived.conf:5:5", "import-setting-dropped keepalived.conf:6:5"]],
    // a script without arguments, no user: imported, with what lvsc runs differently
    ["import-checker-replaced", VS("    real_server 10.0.0.2 80 {\n        weight 1\n        MISC_CHECK {\n            misc_path /bin/true\n            misc_timeout 2\n        }\n    }\n"), ["import-vip-not-floating keepalived.conf:1:16", "import-checker-replaced keepalived.conf:7:9", "import-checker-replaced keepalived.conf:8:13"]],
    // a checker CHECK cannot say: lvsc's own instead
    ["import-checker-replaced", VS("    real_server 10.0.0.2 80 {\n        weight 1\n        FILE_CHECK {\n        }\n    }\n"), ["import-vip-not-floating keepalived.conf:1:16", "import-checker-replaced keepalived.conf:7:9"]],
    ["import-unknown-keyword", `frobnicate 1\n`, ["import-unknown-keyword keepalived.conf:1:1"]],
    ["import-vip-not-floating", VS(RS), ["import-vip-not-floating keepalived.conf:1:16"]],
    ["import-config-id", `@main global_defs {\n@main }\n`, ["import-config-id keepalived.conf:1:1"]],
  ])("%s", (_code, text, want) => {
    expect(where(one(text))).toEqual(want);
  });

  it("import-default-applied: each of keepalived's defaults, as keepalived applies it", () => {
    const r = one(`virtual_server 10.0.0.1 0 {
    real_server 10.0.0.2 {
        PING_CHECK {
        }
    }
    real_server 10.0.0.2 {
    }
}
virtual_server 10.0.0.1 81 {
    lvs_method DR
    protocol TCP
    lvs_sched rr
    persistence_timeout
    real_server 10.0.0.3 8080 {
        weight 1
        TCP_CHECK {
        }
    }
}
virtual_server 10.0.0.1 82 {
    lvs_sched rr
}
`);
    const msgs = diags(r).filter((d) => d.code === "import-default-applied").map((d) => `${d.span.start.line}: ${d.message}`);
    expect(msgs).toEqual([
      "1: no `protocol`: keepalived's default UDP applied",
      "1: port 0 without persistence: keepalived makes it persistent for 360 s",
      "1: no `lvs_sched`: keepalived's default `wlc` applied",
      "1: no `lvs_method`: keepalived's default NAT applied",
      "2: no `weight`: keepalived's default 1 applied",
      "6: the real server `10.0.0.2` is given twice: keepalived removes the second",
      "13: `persistence_timeout` without a value: keepalived's 360 s applied",
      "14: port 8080 differs from the virtual server's 81 under DR: keepalived resets it to 81",
      "20: no `protocol`: keepalived's default UDP applied",
      "20: a virtual server without real servers: keepalived ignores it",
    ]);
    const [udp, tcp] = r.clusters[0]!.services;
    expect(udp).toMatchObject({ protocol: "udp", port: 0, scheduler: "wlc", persistence: { timeout: 360 } });
    // NAT, no port: the service's (0); a single server, the duplicate removed
    expect(udp!.servers).toMatchObject([{ port: 0, weight: 1, method: "nat" }]);
    expect(tcp).toMatchObject({ port: 81, persistence: { timeout: 360 } });
    expect(tcp!.servers).toMatchObject([{ port: 81, method: "dr" }]);
    expect(r.clusters[0]!.services).toHaveLength(2);
  });

  it("LocalNode by DR under a NAT cluster is not a mixed method", () => {
    const r = one(`virtual_server 10.0.0.1 80 {
    lvs_sched rr
    lvs_method NAT
    protocol TCP
${RS}    real_server 127.0.0.1 80 {
        weight 1
        lvs_method DR
        HTTP_GET {
            url {
                path /
                status_code 200-499
            }
        }
    }
}
`);
    expect(codes(r)).toEqual(["import-vip-not-floating"]);
    expect(r.clusters[0]!.services[0]!.servers.map((s) => s.method)).toEqual(["nat", "dr"]);
  });

  it("alpha → initialState false", () => {
    const r = one(VS(`    alpha\n${RS}`));
    expect(r.clusters[0]!.initialState).toBe(false);
  });

  it("import-pair-mismatch: two files that build different tables", () => {
    const base = (port: number, prio: number, src: string) => `vrrp_instance V {\n    interface eth0\n    priority ${prio}\n    mcast_src_ip ${src}\n    virtual_ipaddress {\n        10.0.0.1/24 dev eth0\n    }\n}\n${VS(RS, `virtual_server 10.0.0.1 ${port}`)}`;
    const files = { "/a/keepalived.conf": base(80, 200, "10.0.0.11"), "/a/keepalived.backup.conf": base(81, 100, "10.0.0.12") };
    const r = read(files, ["/a/keepalived.conf", "/a/keepalived.backup.conf"]);
    // at the backup's virtual server on port 81 (line 9), which the other file does not have
    expect(where(r).filter((w) => w.startsWith("import-pair"))).toEqual(["import-pair-mismatch /a/keepalived.backup.conf:9:1"]);
    expect(r.clusters[0]!.pair).toBeUndefined();
    const ok = read({ ...files, "/a/keepalived.backup.conf": base(80, 100, "10.0.0.12") }, ["/a/keepalived.backup.conf", "/a/keepalived.conf"]);
    expect(codes(ok)).toEqual([]);
    expect(ok.clusters[0]!.pair).toMatchObject({ director1: 0x0a00000b, director2: 0x0a00000c, preempt: true });
  });

  it("a single pair file whose unicast_peer names the other director is a pair", () => {
    const r = one(`vrrp_instance V {\n    interface eth0\n    unicast_src_ip 10.0.0.11\n    unicast_peer {\n        10.0.0.12\n    }\n    virtual_ipaddress {\n        10.0.0.1/24 dev eth0\n    }\n}\n${VS(RS)}`);
    expect(codes(r)).toEqual([]);
    expect(r.clusters[0]!.pair).toMatchObject({ director1: 0x0a00000b, director2: 0x0a00000c });
  });

  it("import-include-missing, import-include-loop: in the including file, at the include line", () => {
    expect(where(one(`include conf.d/*.conf\n`))).toEqual(["import-include-missing keepalived.conf:1:9"]);
    const r = one(`include a.conf\n`, {}, { "/etc/keepalived/a.conf": "  include sub/b.conf\n", "/etc/keepalived/sub/b.conf": "include ../a.conf\n" });
    expect(where(r)).toEqual(["import-include-loop sub/b.conf:1:9"]);
    const self = one(`include keepalived.conf\n`);
    expect(where(self)).toEqual(["import-include-loop keepalived.conf:1:9"]);
  });

  it("import-limit-exceeded: a parameter through itself", () => {
    expect(where(one(`$A=\${A}x\nfrobnicate \${A}\n`))).toEqual(["import-limit-exceeded keepalived.conf:2:12"]);
  });
});

// ---- docs/diagnostics.md: each import code's ```keepalived example gives its code ----

describe("docs/diagnostics.md keepalived examples", () => {
  const doc = readFileSync(`${ROOT}docs/diagnostics.md`, "utf8");
  const examples = new Map<string, string>();
  for (const s of doc.split(/^### /m).slice(1)) {
    const m = /^`(import-[a-z0-9-]+)` \((error|warning)\)/.exec(s);
    const block = /```keepalived\n([\s\S]*?)```/.exec(s);
    if (m !== null && block !== null) examples.set(m[1]!, block[1]!);
  }
  // the reader's codes (the ipvsadm reader may add import-* codes of its own, documented its way)
  const importCodes = [
    "import-syntax", "import-limit-exceeded", "import-include-loop", "import-include-missing", "import-config-id",
    "import-invalid-value", "import-ipv6", "import-sctp", "import-virtual-server-group", "import-tunnel-type",
    "import-ipvs-option", "import-unknown-scheduler", "import-mixed-methods", "import-pair-mismatch",
    "import-default-applied", "import-setting-dropped", "import-checker-replaced", "import-vrrp-timers", "import-unknown-keyword",
    "import-vip-not-floating", "import-pair-peer-unknown",
  ] as const;
  it("the catalogue has the reader's codes, each with a keepalived example", () => {
    expect(importCodes.filter((c) => !(ALL_CODES as readonly string[]).includes(c))).toEqual([]);
    expect(importCodes.filter((c) => !examples.has(c))).toEqual([]);
  });
  it.each(importCodes)("%s", (code) => {
    const r = one(examples.get(code)!);
    expect(codes(r)).toContain(code);
    // every message: lower-case, no trailing period, with a hint
    for (const d of diags(r)) {
      expect(d.message, d.message).toMatch(/^[a-z0-9`]/);
      expect(d.message, d.message).not.toMatch(/\.$/);
      expect(d.hint, d.message).toBeTruthy();
    }
  });
});

// ---- hostile input ----

describe("hostile input", () => {
  const SAFE = /^[A-Za-z0-9_.:-]*$/;
  function typedOnly(r: ImportRead) {
    // every string that leaves the reader is a scheduler of SCHEDULERS, a protocol, a method or a checked device
    for (const c of r.clusters) {
      for (const d of [c.vip?.device, c.dip?.device]) if (d !== undefined) expect(d).toMatch(SAFE);
      for (const s of c.services) {
        expect(["tcp", "udp", "fwmark"]).toContain(s.protocol);
        expect(s.scheduler).toMatch(/^[a-z]+$/);
        for (const d of s.servers) expect(["dr", "nat", "tun"]).toContain(d.method);
      }
    }
  }

  it.each([
    ["an address with a command", VS("    real_server 10.0.0.2;reboot 80 {\n    }\n"), "import-invalid-value"],
    ["a port with a command", VS("    real_server 10.0.0.2 $(reboot) {\n    }\n"), "import-invalid-value"],
    ["a device with a command", `vrrp_instance V {\n    interface "eth0;reboot"\n    virtual_ipaddress {\n        10.0.0.1/24 dev \`id\`\n    }\n}\n`, "import-invalid-value"],
    ["a label with a space", `vrrp_instance V {\n    interface eth0\n    virtual_ipaddress {\n        10.0.0.1/24 dev eth0 label "eth0 x"\n    }\n}\n${VS(RS)}`, "import-invalid-value"],
    ["a scheduler with a command", `virtual_server 10.0.0.1 80 {\n    lvs_sched "rr;reboot"\n${RS}}\n`, "import-unknown-scheduler"],
    ["a huge weight", VS("    real_server 10.0.0.2 80 {\n        weight 99999999999999999999\n    }\n"), "import-invalid-value"],
    ["a huge timeout", VS(`    persistence_timeout 4294967296\n${RS}`), "import-invalid-value"],
    ["a huge fwmark", `virtual_server fwmark 4294967296 {\n${RS}}\n`, "import-invalid-value"],
    ["a NUL", `virtual_server 10.0.0.1\u0000 80 {\n}\n`, "import-syntax"],
    ["a label of another device", `vrrp_instance V {\n    interface eth0\n    virtual_ipaddress {\n        10.0.0.1/24 dev eth0 label eth1:x\n    }\n}\n${VS(RS)}`, "import-invalid-value"],
    ["an octal-looking address", VS("    real_server 010.0.0.2 80 {\n    }\n"), "import-invalid-value"],
  ])("%s: refused, nothing of it imported", (_what, text, code) => {
    const r = one(text);
    expect(codes(r)).toContain(code);
    typedOnly(r);
    for (const c of r.clusters) for (const s of c.services) for (const d of s.servers) expect(d.address).toBe(0x0a000002);
  });

  it("an include chain 100 files deep stops at the depth limit, reported once", () => {
    const files: Files = {};
    for (let i = 0; i < 100; i++) files[`/k/${i}.conf`] = `include ${i + 1}.conf\n`;
    const counter = { loads: 0, globs: 0 };
    const r = readKeepalived([{ path: "/k/0.conf", text: files["/k/0.conf"]! }], { ...fs(files, counter) });
    expect(codes(r)).toEqual(["import-limit-exceeded"]);
    expect(counter.loads).toBeLessThanOrEqual(16);
  });

  it("an include loop through three files is reported, not followed", () => {
    const files: Files = { "/k/a.conf": "include b.conf\n", "/k/b.conf": "include c.conf\n", "/k/c.conf": "include a.conf\n" };
    const r = read(files, ["/k/a.conf"]);
    expect(where(r)).toEqual(["import-include-loop /k/c.conf:1:9"]);
  });

  it("a glob matching 5000 files reads at most 256 of them", () => {
    const files: Files = { "/k/keepalived.conf": "include conf.d/*.conf\n" };
    for (let i = 0; i < 5000; i++) files[`/k/conf.d/${String(i).padStart(4, "0")}.conf`] = `frobnicate_${i} 1\n`;
    const counter = { loads: 0, globs: 0 };
    const r = readKeepalived([{ path: "/k/keepalived.conf", text: files["/k/keepalived.conf"]! }], { ...fs(files, counter) });
    expect(counter.loads).toBeLessThanOrEqual(256);
    expect(codes(r).filter((c) => c === "import-limit-exceeded")).toHaveLength(1);
    expect(where(r).filter((w) => w.startsWith("import-limit"))).toEqual(["import-limit-exceeded /k/keepalived.conf:1:9"]);
  });

  it("csh braces in an include that expand past the bound", () => {
    const r = one(`include {a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}.conf\n`);
    expect(codes(r)).toEqual(["import-limit-exceeded"]);
  });

  it("~SEQ of a billion lines and nested ~LSTs are bounded", () => {
    expect(codes(one(`~SEQ(N, 1, 1000000000) frobnicate $N\n`))).toEqual(["import-limit-exceeded"]);
    const nested = one(`~SEQ(A, 1, 1000) ~SEQ(B, 1, 1000) ~SEQ(C, 1, 1000) x $A\n`);
    expect(codes(nested)).toContain("import-limit-exceeded");
  });

  it("a parameter doubling itself stops at the line-length bound", () => {
    const defs = Array.from({ length: 40 }, (_, i) => `$P${i + 1}=\${P${i}} \${P${i}}`).join("\n");
    const r = one(`$P0=x\n${defs}\nfrobnicate \${P40}\n`);
    expect(codes(r)).toContain("import-limit-exceeded");
  });

  it("braces nested 10,000 deep", () => {
    const r = one(`${"a {\n".repeat(10_000)}${"}\n".repeat(10_000)}`);
    expect(codes(r)).toContain("import-limit-exceeded");
  });
});
