// `lvsc lint` end to end, in process: accepted warnings and --max-warnings, problems in hosts
// files shown at their own file and line in every format, and a hosts file that cannot be read.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { conf, dirWith, EXAMPLES, lvscInProcess } from "./helpers.js";

const lvsc = lvscInProcess;

const HOSTS = join(EXAMPLES, "hosts");

describe("--max-warnings 0", () => {
  it("passes a fwmark conf whose warning is accepted on its line", async () => {
    const dir = dirWith({ "lvs_dr.conf": conf({ 5: "# lvsc-disable-next-line fwmark-rule-not-generated -- our firewall marks 80 and 443", 6: "SERVICE=f 1 rr rs1 rs2" }) });
    const r = await lvsc(["lint", "--max-warnings", "0", "--hosts", HOSTS, join(dir, "lvs_dr.conf")]);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, "✔ no problems\n", ""]);
  });

  it("still fails the same conf without the comment", async () => {
    const dir = dirWith({ "lvs_dr.conf": conf({ 6: "SERVICE=f 1 rr rs1 rs2" }) });
    const r = await lvsc(["lint", "--max-warnings", "0", "--hosts", HOSTS, join(dir, "lvs_dr.conf")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("warning[fwmark-rule-not-generated]");
  });

  it("counts the warnings over the limit in the singular for one, the plural above (issue 16)", async () => {
    const one = dirWith({ "lvs_dr.conf": conf({ 6: "SERVICE=f 1 rr rs1 rs2" }) });
    const r1 = await lvsc(["lint", "--max-warnings", "0", "--hosts", HOSTS, join(one, "lvs_dr.conf")]);
    expect([r1.code, r1.stderr]).toEqual([1, "lvsc: 1 warning, more than --max-warnings 0\n"]);
    expect(r1.stdout).toMatch(/\n⚠ 1 problem \(0 errors, 1 warning\)\n$/);
    const two = dirWith({ "lvs_dr.conf": conf({ 5: "SERVICE=f 2 rr rs1 rs2", 6: "SERVICE=f 1 rr rs1 rs2" }) });
    const r2 = await lvsc(["lint", "--max-warnings", "1", "--hosts", HOSTS, join(two, "lvs_dr.conf")]);
    expect([r2.code, r2.stderr]).toEqual([1, "lvsc: 2 warnings, more than --max-warnings 1\n"]);
    expect(r2.stdout).toMatch(/\n⚠ 2 problems \(0 errors, 2 warnings\)\n$/);
  });
});

describe("hosts files", () => {
  const badHosts = "# site hosts\n192.168.0.3 rs1\n0300.0250.0.5 octal1\n192.168.0.4 rs2\n";

  it("show a line lvsc ignores at its own file and line, once for all the confs that read it", async () => {
    const dir = dirWith({ "lvs_dr.conf": conf(), "lvs_dr.conf.copy": conf(), hosts: badHosts });
    const r = await lvsc(["lint", dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`--> ${join(dir, "hosts")}:3:1`);
    expect(r.stdout).toContain("3 | 0300.0250.0.5 octal1");
    expect(r.stdout.match(/ignored-hosts-entry/g)).toHaveLength(1);
    const json = JSON.parse((await lvsc(["lint", dir, "--format", "json"])).stdout) as { file: string; diagnostics: { code: string; line: number }[] }[];
    expect(json.map((f) => [f.file, f.diagnostics.map((d) => [d.code, d.line])])).toEqual([
      [join(dir, "lvs_dr.conf"), []],
      [join(dir, "hosts"), [["ignored-hosts-entry", 3]]],
      [join(dir, "lvs_dr.conf.copy"), []],
    ]);
    const github = (await lvsc(["lint", dir, "--format", "github"])).stdout;
    expect(github).toContain(`::warning file=${join(dir, "hosts")},line=3,col=1`);
    const sarif = JSON.parse((await lvsc(["lint", dir, "--format", "sarif"])).stdout) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    expect(sarif.runs[0]!.results.map((x) => [x.ruleId, x.locations[0]!.physicalLocation.artifactLocation.uri])).toEqual([
      ["ignored-hosts-entry", `file://${join(dir, "hosts")}`],
    ]);
  });

  it("count towards --max-warnings", async () => {
    const dir = dirWith({ "lvs_dr.conf": conf(), hosts: badHosts });
    expect((await lvsc(["lint", "--max-warnings", "0", join(dir, "lvs_dr.conf")])).code).toBe(1);
  });

  it("beside the conf, when unreadable, are reported and not skipped", async () => {
    const dir = dirWith({ "lvs_dr.conf": conf() });
    mkdirSync(join(dir, "hosts")); // unreadable as a file, even by root
    const r = await lvsc(["lint", join(dir, "lvs_dr.conf")]);
    expect(r.code).toBe(2);
    // stylish shows an unreadable input among the results, on stdout
    expect(r.stdout).toContain(`cannot read hosts file ${join(dir, "hosts")}`);
    // --hosts chooses the files instead
    expect((await lvsc(["lint", join(dir, "lvs_dr.conf"), "--hosts", HOSTS])).code).toBe(0);
  });
});
