// CHECK (a health check per service, lvsc extension): what keepalived.conf and mon.cf get for each
// kind, that keepalived -t and mon's own parser accept them, and that the defaults are lvsc's
// checks without CHECK. The lint codes are in test/validate.test.ts's table.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECK_DEFAULTS } from "../src/checks.js";
import { detectionBound } from "../src/checks-plan.js";
import { HEALTH_CHECK } from "../src/plan.js";
import { CHECK_LINES, checksConf, compileText, conf, lintText, withoutMonComment } from "./helpers.js";
import { keepalivedTest, needTool } from "./tools.js";

const isRoot = process.getuid?.() === 0;

/** keepalived -t checks that a MISC_CHECK's script exists (as the user it runs as): here, one that does. */
const onThisHost = (lines: readonly string[]) => lines.map((l) => l.replace("run:/usr/local/lib/lvs/check-app", "run:/bin/true"));

const keepalivedFiles = (text: string) => compileText(text, { targets: ["keepalived"] }).files;

describe("CHECK in keepalived.conf", () => {
  const single = keepalivedFiles(checksConf([], onThisHost(CHECK_LINES)));
  const pair = keepalivedFiles(checksConf(["DIRECTOR_PAIR=director1 director2"], onThisHost(CHECK_LINES.map(withoutMonComment))));

  it.for([...single, ...pair].map((f, i) => [`${i === 0 ? "single director" : "pair"}: ${f.path}`, f.contents] as const))(
    "%s: keepalived -t accepts a check of every kind",
    ([, text], ctx) => {
      needTool(ctx, "keepalived");
      const r = keepalivedTest(text);
      expect(r.output).toBe("");
      expect(r.status).toBe(0);
    },
  );

  it("keepalived -t accepts a digest, a status range, a Host header over TLS, a mark's port and INITIAL_STATE=off", (ctx) => {
    needTool(ctx, "keepalived");
    const text = conf({ 2: "INITIAL_STATE=off" }, [
      "SERVICE=t https rr rs1 rs2",
      "SERVICE=f 1 rr rs1 rs2 # lvsc-disable-line fwmark-rule-not-generated",
      "CHECK=t www http path:/a%20b/c.html digest:9b3a0c85a887a256d6939da88aabd8cd status:200-399 # lvsc-disable-line check-not-in-mon",
      "CHECK=t https https host:www.example.com digest:9B3A0C85A887A256D6939DA88AABD8CD # lvsc-disable-line check-not-in-mon",
      "CHECK=f 1 http port:80 path:/health",
      "CHECK=t telnet smtp retries:0 interval:5",
    ]);
    const [k] = keepalivedFiles(text);
    expect(k!.contents).toContain("                digest 9b3a0c85a887a256d6939da88aabd8cd\n                virtualhost www.example.com\n");
    expect(k!.contents).toContain("    real_server 192.168.0.3 0 {\n        weight 1\n        HTTP_GET {\n            url {\n                path /health\n");
    expect(k!.contents).toContain("            connect_port 80\n");
    const r = keepalivedTest(k!.contents);
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  });

  it("turns script security on, without which the same keepalived -t refuses the script check", (ctx) => {
    needTool(ctx, "keepalived");
    const text = single[0]!.contents;
    expect(text).toContain("    enable_script_security\n");
    const r = keepalivedTest(text.replace("    enable_script_security\n", ""));
    expect(r.output).toContain("SECURITY VIOLATION");
    expect(r.status).not.toBe(0);
    // no script check, no script security
    expect(keepalivedFiles(conf({}, ["CHECK=t www http"]))[0]!.contents).not.toContain("enable_script_security");
  });

  it("writes each kind's checker with its options and timers", () => {
    const k = single[0]!.contents;
    const block = (port: number) => k.slice(k.indexOf(`virtual_server 192.168.0.101 ${port} {`), k.indexOf("\n}\n", k.indexOf(`virtual_server 192.168.0.101 ${port} {`)));
    expect(block(80)).toContain("    delay_loop 2\n");
    expect(block(80)).toContain(
      "        HTTP_GET {\n            url {\n                path /health\n                status_code 200\n                virtualhost www.example.com\n            }\n            connect_timeout 1\n            retry 2\n            delay_before_retry 1\n        }\n",
    );
    expect(block(443)).toContain("        SSL_GET {\n            url {\n                path /health\n                status_code 200-299\n            }\n            connect_timeout 2\n");
    expect(block(53)).toContain("        DNS_CHECK {\n            type A\n            name example.com\n            connect_timeout 1\n            retry 1\n");
    expect(block(25)).toContain("        SMTP_CHECK {\n            helo_name director.example.com\n            connect_timeout 3\n");
    // the script gets the real server as its arguments, in keepalived's quotes, and a user
    expect(block(8080)).toContain('            misc_path "/bin/true 192.168.0.3 8080"\n            misc_timeout 2\n            user nobody\n            retry 1\n');
    expect(block(8080)).not.toContain("connect_timeout");
    expect(block(23)).toContain("        TCP_CHECK {\n            connect_port 23\n            connect_timeout 3\n            retry 0\n");
    // none: the real servers have no checker, so they are always in
    expect(block(22)).not.toMatch(/_CHECK|_GET/);
    expect(block(22)).toContain("    real_server 192.168.0.3 22 {\n        weight 1\n    }\n");
  });

  it("states each check and its bound in seconds above its service", () => {
    const k = single[0]!.contents;
    expect(k).toContain("    ! CHECK on line 15: HTTP_GET of /health (Host: www.example.com), passing on status 200.\n");
    expect(k).toContain("    ! Every 2 s, with 1 s to answer. After 3 failures 1 s apart, a server leaves the table:\n");
    expect(k).toContain("    ! within 4 s when it refuses or fails at once, 7 s when it does not answer.");
    expect(k).toContain("    ! CHECK on line 21: no check: each real server stays in the table whatever happens to it.\n");
    expect(detectionBound({ interval: 2, timeout: 1, retries: 2, retryDelay: 1 })).toEqual({ refused: 4, silent: 7 });
  });

  it("gives both directors of a pair the same checks", () => {
    const strip = (t: string) => t.slice(t.indexOf("! SERVICE on line"));
    expect(pair).toHaveLength(2);
    expect(strip(pair[0]!.contents)).toBe(strip(pair[1]!.contents));
    expect(strip(pair[0]!.contents)).toBe(strip(single[0]!.contents));
  });

  it("keeps lvsc's checks when there is no CHECK, and a CHECK with no options has the same timers", () => {
    expect(CHECK_DEFAULTS).toEqual({ interval: HEALTH_CHECK.delayLoop, timeout: HEALTH_CHECK.connectTimeout, retries: HEALTH_CHECK.retry, retryDelay: HEALTH_CHECK.delayBeforeRetry });
    const plain = keepalivedFiles(conf())[0]!.contents;
    const tcp = keepalivedFiles(conf({}, ["CHECK=t telnet tcp"]))[0]!.contents;
    const body = (t: string) => t.slice(t.indexOf("    delay_loop"), t.indexOf("\n}\n", t.indexOf("    delay_loop")));
    expect(body(tcp)).toBe(body(plain));
  });

  it("refuses, before any file is written, conf text that would be a keepalived keyword or a second script argument", () => {
    for (const line of ["CHECK=t www http path:/x}", 'CHECK=t www http path:"/x y"', "CHECK=t www script run:/bin/sh,-c", "CHECK=t www http host:a;b", "CHECK=t www script run:/bin/true user:root}"]) {
      const r = compileText(conf({}, [line]));
      expect(r.errorCount, line).toBeGreaterThan(0);
      expect(r.files, line).toEqual([]);
    }
  });
});

describe("CHECK in mon.cf", () => {
  const mon = compileText(checksConf(), { targets: ["mon"] }).files[0]!.contents;
  const service = (name: string) => {
    const i = mon.indexOf(`    service ${name}\n`);
    return mon.slice(i, mon.indexOf("            alert ", i));
  };

  it("runs each kind's monitor, at the check's interval, after its failures", () => {
    expect(service("tcp80")).toBe("    service tcp80\n        interval 2s\n        monitor http.monitor -p 80 -t 1 -u /health\n        allow_empty_group\n        period wd {Sun-Sat}\n            alertafter 3\n");
    expect(service("tcp443")).toContain("monitor tcp.monitor -p 443 -t 2\n");
    expect(service("udp53")).toContain("monitor dns.monitor -caching_only -query example.com:A -timeout 1\n");
    expect(service("tcp25")).toContain("monitor smtp.monitor -p 25 -t 3\n");
    // a script: mon's default monitor for the port
    expect(service("tcp8080")).toContain("monitor tcp.monitor -p 8080\n");
    // retries:0, the first failure alerts
    expect(service("tcp23")).not.toContain("alertafter");
    // none: not watched
    expect(mon).not.toContain("service tcp22");
  });

  it("warns where mon cannot run the check as keepalived does", () => {
    const r = lintText(checksConf([], CHECK_LINES.map(withoutMonComment)));
    expect(r.diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([
      ["check-not-in-mon", 15],
      ["check-not-in-mon", 16],
      ["check-not-in-mon", 18],
      ["check-not-in-mon", 19],
    ]);
    // a pair has no mon.cf
    expect(lintText(checksConf(["DIRECTOR_PAIR=director1 director2"], CHECK_LINES.map(withoutMonComment))).diagnostics).toEqual([]);
  });

  it("is read by mon without a config error", async (ctx) => {
    needTool(ctx, "mon");
    const dir = mkdtempSync(join(tmpdir(), "lvsc-mon-"));
    writeFileSync(join(dir, "mon.cf"), mon);
    const args = ["mon", "-c", join(dir, "mon.cf"), "-p", "0", "-P", "", "-L", dir, "-D", dir, "-A", "/dev/null", "-S"];
    // mon exits at once on a config error; a good file leaves it running (its scheduler stopped) until the timeout
    const ns = `lvsc-monchk-${process.pid}`;
    const netns = isRoot && spawnSync("ip", ["netns", "add", ns]).status === 0;
    try {
      const p = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const c = spawn("timeout", ["2", ...(netns ? ["ip", "netns", "exec", ns] : []), ...args], { stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        c.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
        c.on("close", (status) => resolve({ status, stderr }));
      });
      expect(p.stderr).toBe("");
      expect(p.status).toBe(124);
      // and the same mon refuses a broken alertafter, so the check above can fail
      writeFileSync(join(dir, "mon.cf"), mon.replace("alertafter 3", "alertafter x"));
      const bad = spawnSync("timeout", ["2", ...args], { encoding: "utf8" });
      expect(bad.stderr).toContain("cf error");
    } finally {
      if (netns) spawnSync("ip", ["netns", "del", ns]);
    }
  });
});
