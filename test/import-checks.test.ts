// lvsc import of keepalived.conf's health checkers (CHECK) and VRRP timers (VRRP_ADVERT,
// VRRP_VERSION), through the front door: `lvsc import` of an admin's keepalived.conf, then
// `lvsc compile` of the conf it wrote, and the compiled keepalived.conf read back has the same
// checkers, settings and advert_int as the original (and keepalived -t takes it). Then what
// cannot be imported: real servers whose checkers differ, advert_int out of lvsc's range.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importCluster } from "../src/import.js";
import { readKeepalived } from "../src/import-keepalived.js";
import type { ImportRead } from "../src/import-model.js";
import { compile } from "../src/index.js";
import { dirWith, EXAMPLE_HOSTS, GOLDEN_CONFS, lvscInProcess } from "./helpers.js";
import { keepalivedTest, needTool } from "./tools.js";

/** One file for both directors (@main, @backup), written the way an admin writes it, not lvsc. */
const ADMIN = `! two directors, fast failover
global_defs {
    @main router_id lb_main
    @backup router_id lb_backup
    vrrp_version 3
}

vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    @main mcast_src_ip 192.168.0.11
    @backup mcast_src_ip 192.168.0.12
    virtual_router_id 51
    @main priority 150
    @backup priority 100
    advert_int 0.3
    nopreempt
    virtual_ipaddress {
        192.168.0.101/24 dev eth0 label eth0:101
        192.168.0.1/24 dev eth0
    }
}

virtual_server 192.168.0.101 80 {
    delay_loop 2
    lb_algo wrr
    lb_kind DR
    protocol TCP
    virtualhost www.example.com
    real_server 192.168.0.3 80 {
        weight 2
        HTTP_GET {
            url {
                path /health
                status_code 200
            }
            connect_timeout 1
            nb_get_retry 2
            delay_before_retry 1
        }
    }
    real_server 192.168.0.4 80 {
        weight 1
        HTTP_GET {
            url {
                path /health
                status_code 200
            }
            connect_timeout 1
            nb_get_retry 2
            delay_before_retry 1
        }
    }
}

virtual_server 192.168.0.101 443 {
    delay_loop 2
    lvs_sched rr
    lvs_method DR
    protocol TCP
    connect_timeout 2
    real_server 192.168.0.3 443 {
        weight 1
        SSL_GET {
            url {
                path /
                digest 9b3a0c85a887a256d6939da88aabd8cd
            }
        }
    }
    real_server 192.168.0.4 443 {
        weight 1
        SSL_GET {
            url {
                path /
                digest 9b3a0c85a887a256d6939da88aabd8cd
            }
        }
    }
}

virtual_server 192.168.0.101 53 {
    delay_loop 5
    lvs_sched rr
    lvs_method DR
    protocol UDP
    real_server 192.168.0.3 53 {
        weight 1
        DNS_CHECK {
            name example.com
            type A
            connect_timeout 1
        }
    }
    real_server 192.168.0.4 53 {
        weight 1
        DNS_CHECK {
            name example.com
            type A
            connect_timeout 1
        }
    }
}

virtual_server 192.168.0.101 25 {
    delay_loop 10
    lvs_sched rr
    lvs_method DR
    protocol TCP
    real_server 192.168.0.3 25 {
        weight 1
        SMTP_CHECK {
            helo_name director.example.com
            connect_timeout 3
            retry 1
        }
    }
    real_server 192.168.0.4 25 {
        weight 1
        SMTP_CHECK {
            helo_name director.example.com
            connect_timeout 3
            retry 1
        }
    }
}

virtual_server 192.168.0.101 8080 {
    delay_loop 3
    lvs_sched rr
    lvs_method DR
    protocol TCP
    real_server 192.168.0.3 8080 {
        weight 1
        MISC_CHECK {
            misc_path "/bin/true 192.168.0.3 8080"
            misc_timeout 2
            user nobody
        }
    }
    real_server 192.168.0.4 8080 {
        weight 1
        MISC_CHECK {
            misc_path "/bin/true 192.168.0.4 8080"
            misc_timeout 2
            user nobody
        }
    }
}

virtual_server 192.168.0.101 2222 {
    delay_loop 3
    lvs_sched rr
    lvs_method DR
    protocol TCP
    real_server 192.168.0.3 2222 {
        weight 1
        TCP_CHECK {
            connect_port 22
            connect_timeout 3
            retry 0
            delay_before_retry 1
        }
    }
    real_server 192.168.0.4 2222 {
        weight 1
        TCP_CHECK {
            connect_port 22
            connect_timeout 3
            retry 0
            delay_before_retry 1
        }
    }
}

virtual_server 192.168.0.101 23 {
    lvs_sched rr
    lvs_method DR
    protocol TCP
    real_server 192.168.0.3 23 {
        weight 1
    }
    real_server 192.168.0.4 23 {
        weight 1
    }
}
`;

/** What keepalived does with a file, as the reader sees it: the services, their checks, the timers, the pair. */
function semantics(r: ImportRead) {
  return r.clusters.map((c) => ({
    vip: c.vip?.address,
    pair: c.pair !== undefined ? [c.pair.director1, c.pair.director2, c.pair.preempt] : undefined,
    vrrp: c.vrrp !== undefined ? [c.vrrp.advertCs, c.vrrp.version] : undefined,
    // in the order of the virtual servers' ports (lvsc writes its table sorted)
    services: [...c.services].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port).map((s) => ({ protocol: s.protocol, port: s.port, scheduler: s.scheduler, check: s.check, servers: s.servers.map((d) => [d.address, d.port, d.weight, d.method]) })),
  }));
}

const readOne = (text: string, path = "keepalived.conf") => readKeepalived([{ path, text }], { load: () => ({ error: "no includes" }), glob: () => [] });

/** The diagnostics `lvsc import` printed (stylish, on stderr): code, line of the keepalived.conf, message. */
function printed(stderr: string): { code: string; line: number; message: string }[] {
  return [...stderr.matchAll(/^ *(?:warning|error)\[([a-z0-9-]+)\]: (.*)\n +--> [^\n]*:(\d+):\d+$/gm)].map((m) => ({ code: m[1]!, line: Number(m[3]), message: m[2]! }));
}

/** `lvsc import` of `keepalived.conf` in a new directory, then `lvsc compile` of the conf it wrote. */
async function importThenCompile(text: string, extra: string[] = []) {
  const dir = dirWith({ "keepalived.conf": text });
  const imported = await lvscInProcess(["import", join(dir, "keepalived.conf"), "-o", join(dir, "conf"), "--set", "SERVER_VIP_DEVICE=dummy0", ...extra]);
  const conf = imported.code === 0 ? readFileSync(join(dir, "conf", "lvs_dr.conf"), "utf8") : "";
  const compiled = imported.code === 0 ? await lvscInProcess(["compile", join(dir, "conf", "lvs_dr.conf"), "-o", join(dir, "out"), "--target", "keepalived"]) : undefined;
  const file = (name: string) => readFileSync(join(dir, "out", name), "utf8");
  return { imported, conf, compiled, file };
}

describe("lvsc import then lvsc compile: the same checkers and timers", () => {
  it("an admin's keepalived.conf for two directors, with a checker of every kind and advert_int 0.3", async () => {
    const r = await importThenCompile(ADMIN);
    expect(r.imported.code, r.imported.stderr).toBe(0);
    // what keepalived runs that a conf says otherwise, and nothing more
    expect(r.imported.stderr).not.toContain("error");
    expect(r.conf).toContain("VRRP_ADVERT=0.3\n");
    expect(r.conf).not.toContain("VRRP_VERSION");
    expect(r.conf.match(/^CHECK=.*$/gm)).toEqual([
      "CHECK=t 80 http path:/health host:www.example.com status:200 interval:2 timeout:1 retries:2",
      "CHECK=t 443 https digest:9b3a0c85a887a256d6939da88aabd8cd interval:2 timeout:2 retry-delay:3",
      "CHECK=u 53 dns name:example.com type:A interval:5 timeout:1 retries:3 retry-delay:5",
      "CHECK=t 25 smtp helo:director.example.com interval:10",
      "CHECK=t 8080 script run:/bin/true timeout:2 retries:0",
      "CHECK=t 2222 tcp port:22 retries:0",
      "CHECK=t 23 none",
    ]);
    expect(r.compiled?.code, r.compiled?.stderr).toBe(0);
    const main = r.file("keepalived.conf");
    const backup = r.file("keepalived.backup.conf");
    expect(main).toContain("    version 3\n    advert_int 0.3\n");
    // read back as keepalived reads them: the same services, checks, timers and pair
    const before = semantics(readOne(ADMIN));
    expect(semantics(readKeepalived([{ path: "keepalived.conf", text: main }, { path: "keepalived.backup.conf", text: backup }], { load: () => ({ error: "" }), glob: () => [] }))).toEqual(before);
    expect(before[0]!.vrrp).toEqual([30, 3]);
    expect(before[0]!.services.map((s) => [s.port, s.check?.kind])).toEqual([[23, "none"], [25, "smtp"], [80, "http"], [443, "https"], [2222, "tcp"], [8080, "script"], [53, "dns"]]);
  });

  it("keepalived -t accepts both round-tripped files", async (ctx) => {
    needTool(ctx, "keepalived");
    const r = await importThenCompile(ADMIN);
    for (const name of ["keepalived.conf", "keepalived.backup.conf"]) {
      const t = keepalivedTest(r.file(name));
      expect(t.output, name).toBe("");
      expect(t.status, name).toBe(0);
    }
  });

  // lvsc's own files with CHECK lines and fast timers import back to a conf that compiles to them
  it.each(GOLDEN_CONFS.filter((g) => /-(checks|fast)$/.test(g.name)).map((g) => [g.name, g] as const))("%s: compile, import, compile gives the same keepalived files", (_name, g) => {
    const files = (text: string) => compile(text, { file: g.file, hosts: [EXAMPLE_HOSTS], targets: ["keepalived"] }).files.sort((a, b) => (a.path < b.path ? 1 : -1));
    const [main, backup] = files(g.conf());
    const set = new Map([["SERVER_VIP_DEVICE", "dummy0"]]);
    if (backup === undefined) set.set("DIRECTOR_INSIDEIP", "eth0 192.168.0.1 192.168.0.0 255.255.255.0 192.168.0.255");
    const r = importCluster(main!.contents, { file: "keepalived.conf", hosts: [EXAMPLE_HOSTS], set, ...(backup !== undefined ? { more: [{ path: "keepalived.backup.conf", text: backup.contents }] } : {}) });
    expect(r.errorCount, JSON.stringify(r.files.map((f) => f.diagnostics.map((d) => `${d.code}: ${d.message}`)))).toBe(0);
    expect(r.files.flatMap((f) => f.diagnostics.map((d) => d.code)).filter((c) => c.startsWith("import-checker") || c === "import-vrrp-timers")).toEqual([]);
    const again = files(r.confs[0]!.contents.replace(/^# Imported by .*\n/, ""));
    // the same files, but for the comments that name the conf's lines
    const lines = (t: string) => t.replace(/^ *! (SERVICE|CHECK) on line \d+.*\n/gm, "");
    expect(again.map((f) => lines(f.contents))).toEqual([main, backup].filter((f) => f !== undefined).map((f) => lines(f!.contents)));
  });
});

describe("keepalived's defaults, where the file gives no value", () => {
  it("a MISC_CHECK without misc_timeout gets the virtual server's delay_loop (check_misc.c), not the checker's", () => {
    const text = ADMIN.replace("    delay_loop 3\n    lvs_sched rr\n    lvs_method DR\n    protocol TCP\n    real_server 192.168.0.3 8080", "    delay_loop 7\n    lvs_sched rr\n    lvs_method DR\n    protocol TCP\n    real_server 192.168.0.3 8080")
      .replaceAll("            misc_timeout 2\n", "            delay_loop 2\n");
    const r = readOne(text);
    expect(r.clusters[0]!.services.find((s) => s.port === 8080)!.check).toMatchObject({ kind: "script", interval: 2, timeout: 7, retries: 0 });
    expect(r.files[0]!.diagnostics.filter((d) => d.code === "import-default-applied").map((d) => d.message)).toContain("no `misc_timeout`: keepalived gives the script the virtual server's delay_loop, 7 s");
  });
});

describe("what does not import: lvsc's default instead, and a warning that says why", () => {
  it("real servers whose checkers differ: the service keeps lvsc's own checker, each difference named", async () => {
    const text = ADMIN.replace("                path /health\n                status_code 200\n            }\n            connect_timeout 1\n            nb_get_retry 2\n            delay_before_retry 1\n        }\n    }\n}", "                path /ready\n                status_code 200\n            }\n            connect_timeout 1\n            nb_get_retry 3\n            delay_before_retry 1\n        }\n    }\n}");
    const r = await importThenCompile(text);
    expect(r.imported.code).toBe(0);
    const diags = printed(r.imported.stderr);
    expect(diags.filter((d) => d.code === "import-checker-replaced").map((d) => [d.line, d.message])).toEqual([
      [44, "the check of `192.168.0.4` differs from `192.168.0.3`'s (line 32): `path /ready, not /health`, `retries 3, not 2`; replaced by lvsc's own HTTP_GET of `/`"],
    ]);
    expect(r.conf).not.toMatch(/^CHECK=t 80 /m);
    expect(r.file("keepalived.conf")).toContain("                path /\n                ! any answer but a server error");
  });

  it("a checker CHECK cannot say, and several checkers on one real server", () => {
    const text = ADMIN.replace("        DNS_CHECK {\n            name example.com", "        UDP_CHECK {\n            payload 00\n        }\n        DNS_CHECK {\n            name example.com")
      .replace("        SMTP_CHECK {\n            helo_name director.example.com\n            connect_timeout 3\n            retry 1\n        }\n    }\n}", "        SMTP_CHECK {\n            helo_name director.example.com\n            connect_timeout 0.5\n            retry 1\n        }\n    }\n}");
    const r = importCluster(text, { file: "keepalived.conf", set: new Map([["SERVER_VIP_DEVICE", "dummy0"]]) });
    const msgs = r.files[0]!.diagnostics.filter((d) => d.code === "import-checker-replaced").map((d) => `${d.span.start.line}: ${d.message}`);
    expect(msgs).toEqual([
      "92: 2 checkers on one real server (`UDP_CHECK`, `DNS_CHECK`): lvsc's CHECK is one check a service; replaced by lvsc's own UDP_CHECK",
      "125: `connect_timeout 0.5`: not a CHECK timeout (whole seconds from 1 to 3600); replaced by lvsc's own TCP_CHECK",
    ]);
    expect(r.confs[0]!.contents).not.toMatch(/^CHECK=(u 53|t 25) /m);
  });

  it.each([
    ["advert_int 50 under VRRPv3", "advert_int 0.3", "advert_int 50", "`advert_int 50` is outside VRRPv3's range: seconds to the hundredth from 0.01 to 40.95"],
    ["a fraction under VRRPv2", "    vrrp_version 3\n", "", "`advert_int 0.3` has a fraction under VRRPv2, which counts whole seconds: keepalived rounds it"],
    ["finer than a hundredth", "advert_int 0.3", "advert_int 0.125", "`advert_int 0.125` is finer than a hundredth of a second: keepalived rounds it, VRRP_ADVERT refuses it"],
  ])("%s: import-vrrp-timers, and lvsc's default timers", async (_what, from, to, message) => {
    const r = await importThenCompile(ADMIN.replace(from, to));
    expect(r.imported.code).toBe(0);
    const diags = printed(r.imported.stderr);
    expect(diags.filter((d) => d.code === "import-vrrp-timers").map((d) => d.message)).toEqual([message]);
    expect(r.conf).not.toContain("VRRP_ADVERT");
    expect(r.file("keepalived.conf")).toContain("    advert_int 1\n");
  });

  it("the VIP's and the DIP's instances disagree: the VIP's timers, and a warning at the DIP's", () => {
    const two = ADMIN.replace("        192.168.0.1/24 dev eth0\n", "").replace(
      "virtual_server 192.168.0.101 80 {",
      "vrrp_instance VI_2 {\n    interface eth0\n    @main mcast_src_ip 192.168.0.11\n    @backup mcast_src_ip 192.168.0.12\n    virtual_router_id 51\n    @main priority 150\n    @backup priority 100\n    advert_int 1\n    virtual_ipaddress {\n        192.168.0.1/24 dev eth0\n    }\n}\nvrrp_sync_group G {\n    group {\n        VI_1\n        VI_2\n    }\n}\n\nvirtual_server 192.168.0.101 80 {",
    );
    const r = readOne(two);
    const d = r.files[0]!.diagnostics.filter((x) => x.code === "import-vrrp-timers");
    expect(d.map((x) => `${x.span.start.line}: ${x.message}`)).toEqual(["30: the DIP's instance `VI_2` has advert_int 1, VRRPv3, the VIP's `VI_1` advert_int 0.3, VRRPv3: lvsc gives both instances one VRRP_ADVERT"]);
    expect(r.clusters[0]!.vrrp).toMatchObject({ advertCs: 30, version: 3 });
  });

  it("a single director's fast timers: nothing to take over, import-vrrp-timers", () => {
    const single = readKeepalived([{ path: "keepalived.conf", text: ADMIN }], { configId: "main", load: () => ({ error: "" }), glob: () => [] });
    expect(single.files[0]!.diagnostics.filter((x) => x.code === "import-vrrp-timers").map((x) => x.message)).toEqual([
      "advert_int 0.3, VRRPv3 on a single director: lvsc's keepalived.conf for one director advertises every second, VRRPv2",
    ]);
    expect(single.clusters[0]!.vrrp).toBeUndefined();
  });
});
