// Golden files: every file `lvsc compile` writes for every example, committed under test/golden/
// as real files that are reviewed like code. The files are the ones the command wrote (run as a
// process, read back through its links), so a file the command loses is a golden file without a
// match. Every script also goes through `sh -n` and shellcheck.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileText, conf, EXAMPLE_CONFS, GOLDEN_CONFS, lvscRun, readExample } from "./helpers.js";
import { nonCanonicalIPv6 } from "./fuzz/ipv6.js";
import { needTool } from "./tools.js";

const GOLDEN = fileURLToPath(new URL("./golden", import.meta.url));

function isScript(path: string): boolean {
  return path.startsWith("rc.");
}

describe.each(GOLDEN_CONFS)("$name", (v) => {
  const r = lvscRun("compile", v.conf(), v.file, v.opts);

  it("compiles without errors", () => {
    expect(r.stderr.includes("error"), r.stderr).toBe(false);
    expect(r.status).toBe(0);
    expect(r.files.length).toBeGreaterThanOrEqual(3);
  });

  it("writes every file of its golden directory, and no other", () => {
    expect(r.files.map((f) => f.path)).toEqual(readdirSync(join(GOLDEN, v.name)).sort());
  });

  it.each(r.files.map((f) => [f.path, f] as const))("%s matches its golden file", async (_path, f) => {
    await expect(f.contents).toMatchFileSnapshot(`golden/${v.name}/${f.path}`);
  });

  it("writes IPv6 addresses only as inet_ntop prints them, in code and in comments alike", () => {
    for (const f of r.files) expect([f.path, nonCanonicalIPv6(f.contents)]).toEqual([f.path, undefined]);
  });

  it("gives every script mode 0755 and every other file 0644", () => {
    for (const f of r.files) expect([f.path, f.mode]).toEqual([f.path, isScript(f.path) && !f.path.startsWith("rc.local") ? 0o755 : 0o644]);
  });

  const scripts = r.files.filter((f) => isScript(f.path));
  const scriptFile = (f: { path: string; contents: string }) => {
    const file = join(mkdtempSync(join(tmpdir(), "lvsc-golden-")), f.path);
    writeFileSync(file, f.contents);
    return file;
  };
  it.each(scripts.map((f) => [f.path, f] as const))("%s passes sh -n", (_path, f) => {
    execFileSync("sh", ["-n", scriptFile(f)]);
  });
  it.for(scripts.map((f) => [f.path, f] as const))("%s passes shellcheck", ([, f], ctx) => {
    needTool(ctx, "shellcheck");
    const file = scriptFile(f);
    const sc = spawnSync("shellcheck", ["--shell=sh", "--severity=style", file], { encoding: "utf8" });
    expect(sc.stdout + sc.stderr).toBe("");
    expect(sc.status).toBe(0);
  });
});

describe("determinism", () => {
  it("gives byte-identical files for the same input", () => {
    for (const c of EXAMPLE_CONFS) {
      const a = compileText(readExample(c), { file: c }).files;
      const b = compileText(readExample(c), { file: c }).files;
      expect(b).toEqual(a);
    }
  });

  it("names only the conf's base name in headers, not the directory it was compiled from", () => {
    const a = compileText(readExample("lvs_dr.conf"), { file: "/home/a/lvs_dr.conf" }).files;
    const b = compileText(readExample("lvs_dr.conf"), { file: "lvs_dr.conf" }).files;
    expect(a).toEqual(b);
  });
});

describe("what the scripts do", () => {
  const files = Object.fromEntries(compileText(readExample("lvs_dr.conf")).files.map((f) => [f.path, f.contents]));
  const rc = files["rc.lvs_dr"]!;

  it("never flushes the IPVS table", () => {
    expect(rc).not.toMatch(/ipvsadm\s+(-C|--clear)/);
    expect(rc).not.toMatch(/ipvsadm-restore/);
  });

  it("embeds exactly the rules of ipvsadm.rules", () => {
    const heredoc = /<<'IPVS_RULES'\n([\s\S]*?)IPVS_RULES\n/.exec(rc)![1];
    expect(heredoc).toBe(files["ipvsadm.rules"]);
  });

  it("hides the VIP from ARP before the VIP is added on a real server", () => {
    const body = rc.slice(rc.indexOf("realserver_wants()"));
    expect(body.indexOf("arp_announce")).toBeGreaterThan(0);
    expect(body.indexOf("arp_announce")).toBeLessThan(body.indexOf("want_addr dummy0 192.168.0.101/32"));
    const snippet = files["rc.local.lvs_dr"]!;
    expect(snippet.indexOf("arp_announce")).toBeLessThan(snippet.indexOf("ip addr replace"));
  });

  it("uses today's tools only", () => {
    for (const [name, f] of Object.entries(files)) if (name.startsWith("rc.")) expect(f).not.toMatch(/\b(ifconfig|route add|ipchains)\b|ipvsadm .*-R 192/);
  });

  it("writes a valid exports(5) line: options right after each client", () => {
    const line = files["exports"]!.split("\n").find((l) => l.startsWith("/"))!;
    expect(line).toBe("/etc/lvs 192.168.0.3(ro,sync,no_subtree_check) 192.168.0.4(ro,sync,no_subtree_check)");
  });

  it("names every real server in REAL_SERVERS, but only a few in comments", () => {
    const rs = Array.from({ length: 20 }, (_, i) => `192.168.0.${10 + i}`);
    const big = Object.fromEntries(compileText(conf({ 6: `SERVICE=t www rr ${rs.join(" ")}` })).files.map((f) => [f.path, f.contents]));
    expect(big["rc.lvs_dr"]).toContain(`REAL_SERVERS='192.168.0.3 192.168.0.4 ${rs.join(" ")}'`);
    expect(big["rc.lvs_dr"]).toContain("#   real servers   192.168.0.3 192.168.0.4 192.168.0.10 192.168.0.11 192.168.0.12 192.168.0.13 ... and 16 more\n");
  });

  it("has a pair's real servers and director2 mount director1's own address, never the floating DIP", () => {
    const r = lvscRun("compile", readExample("lvs_dr_ha.conf"), "lvs_dr_ha.conf", { targets: ["exports"] });
    const text = r.files.find((f) => f.path === "exports")!.contents;
    // the DIP moves to director2 at a failover: a mount made through it would go stale
    expect(text).toContain("mount -t nfs -o ro,nosuid,nodev 192.168.0.11:/etc/lvs /etc/lvs\n");
    expect(text).not.toMatch(/192\.168\.0\.1:/);
    // director2 runs the same script and reads keepalived.backup.conf from the share
    expect(text.split("\n").find((l) => l.startsWith("/"))).toBe("/etc/lvs 192.168.0.12(ro,sync,no_subtree_check) 192.168.0.3(ro,sync,no_subtree_check) 192.168.0.4(ro,sync,no_subtree_check)");
    expect(text).toContain("on director1 (192.168.0.11) only");
  });

  it("has a single director's real servers mount the DIP", () => {
    const text = compileText(readExample("lvs_dr.conf"), { targets: ["exports"] }).files[0]!.contents;
    expect(text).toContain("mount -t nfs -o ro,nosuid,nodev 192.168.0.1:/etc/lvs /etc/lvs\n");
  });

  it("writes no exports file when every real server is the director itself", () => {
    const r = compileText(conf({ 5: "SERVICE=t telnet rr 127.0.0.1", 6: null }));
    expect(r.files.map((f) => f.path)).not.toContain("exports");
  });
});
