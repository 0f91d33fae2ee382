// The lint output formats: stylish for people, json for scripts, GitHub annotations for pull
// requests, SARIF 2.1.0 for code-scanning tools (checked with Microsoft's SARIF validator).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it, vi } from "vitest";
import { CODES } from "../src/diagnostics.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
import { formatGithub, formatJson, formatSarif, formatStylish, type FileResult } from "../src/format.js";
import { lint } from "../src/index.js";
import { EXAMPLE_HOSTS, ROOT } from "./helpers.js";

const FIXTURE = "test/fixtures/lvs_dr.conf.broken";
const TEXT = readFileSync(`${ROOT}${FIXTURE}`, "utf8");

function results(): FileResult[] {
  const r = lint(TEXT, { file: FIXTURE, hosts: [EXAMPLE_HOSTS] });
  return [{ file: FIXTURE, source: TEXT, diagnostics: r.diagnostics, errorCount: r.errorCount, warningCount: r.warningCount }];
}

describe("stylish", () => {
  it("matches the reviewed output (the user-facing contract)", async () => {
    await expect(formatStylish(results())).toMatchFileSnapshot("golden/stylish/lvs_dr.conf.broken.txt");
  });

  it("splits a file's text once, however many diagnostics it has (#8: linear, not quadratic)", () => {
    const text = Array.from({ length: 2000 }, (_, i) => `SERVICE=t ${i + 1} rrr rs1`).join("\n");
    const r = lint(text, { hosts: [EXAMPLE_HOSTS] });
    expect(r.diagnostics.length).toBeGreaterThan(2000);
    const split = vi.spyOn(String.prototype, "split");
    try {
      const out = formatStylish([{ file: "x.conf", source: text, diagnostics: r.diagnostics, errorCount: r.errorCount, warningCount: r.warningCount }]);
      expect(out).toContain("2000 | SERVICE=t 2000 rrr rs1");
      expect(split.mock.contexts.filter((c) => String(c) === text)).toHaveLength(1);
    } finally {
      split.mockRestore();
    }
  });

  it("prints a file that could not be read as an error, never as no problems", () => {
    const out = formatStylish([{ file: "nope.conf", source: undefined, diagnostics: [], errorCount: 1, warningCount: 0, fatal: "cannot read nope.conf: no such file or directory (ENOENT)" }]);
    expect(out).toBe("error: cannot read nope.conf: no such file or directory (ENOENT)\n --> nope.conf\n\n✖ 1 problem (1 error, 0 warnings); 1 file could not be read\n");
  });

  it("escapes control characters in file names", () => {
    const out = formatStylish([{ file: "a\u001b[2Jb\n::error x", source: undefined, diagnostics: [], errorCount: 1, warningCount: 0, fatal: "x" }]);
    expect(out).toContain(" --> a\\x1b[2Jb\\n::error x\n");
    expect(out).not.toContain("\u001b");
  });

  it("frames a long line around the span, with the carets still under it", () => {
    const long = `SERVICE=t www rr ${"rs1 ".repeat(100)}rrr`;
    const r = lint(long, { hosts: [EXAMPLE_HOSTS] });
    const d = r.diagnostics.find((x) => x.code === "unresolved-host")!;
    const out = formatStylish([{ file: "x", source: long, diagnostics: [d], errorCount: 1, warningCount: 0 }]);
    const lines = out.split("\n");
    const code = lines.find((l) => l.startsWith("1 |"))!;
    const carets = lines.find((l) => l.includes("^"))!;
    expect(code.length).toBeLessThan(200);
    expect(code.slice(carets.indexOf("^"), carets.lastIndexOf("^") + 1)).toBe("rrr");
  });
});

describe("json", () => {
  it("is one array of results with 1-based positions, exclusive ends and related locations", () => {
    const out = JSON.parse(formatJson(results()));
    expect(out).toHaveLength(1);
    expect(out[0].file).toBe(FIXTURE);
    expect(out[0].errorCount).toBe(4);
    expect(out[0].warningCount).toBe(1);
    const dup = out[0].diagnostics.find((d: { code: string }) => d.code === "duplicate-service");
    expect(dup).toEqual({
      code: "duplicate-service",
      severity: "error",
      message: "tcp port 23 already has a service (`telnet`)",
      hint: "merge the real servers into one SERVICE line",
      line: 8,
      column: 11,
      endLine: 8,
      endColumn: 13,
      related: [{ message: "first defined here", line: 6, column: 11, endLine: 6, endColumn: 17 }],
    });
  });
});

describe("github", () => {
  it("writes one workflow command per problem, on its line and columns", () => {
    const lines = formatGithub(results()).trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(
      `::warning file=${FIXTURE},line=4,col=42,endLine=4,endColumn=53,title=lvsc broadcast-mismatch::broadcast \`192.168.0.0\` is the network address of 192.168.0.101/24 (hint: the broadcast address of 192.168.0.101/24 is \`192.168.0.255\`)`,
    );
  });

  it("escapes what would end a property or the message", () => {
    const r: FileResult = {
      file: "a,b:c%.conf",
      source: undefined,
      diagnostics: [{ code: "syntax-error", severity: "error", message: "x\ny%z", span: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 1 } } }],
      errorCount: 1,
      warningCount: 0,
    };
    expect(formatGithub([r])).toBe("::error file=a%2Cb%3Ac%25.conf,line=1,col=1,endLine=1,endColumn=2,title=lvsc syntax-error::x%0Ay%25z\n");
  });
});

describe("sarif", () => {
  const require = createRequire(import.meta.url);
  // Microsoft's SARIF multitool: its validate command checks SARIF's own rules (SARIF1xxx), and
  // its package ships the SARIF 2.1.0 JSON schema, checked here with ajv
  const multitool: string = require("@microsoft/sarif-multitool");
  const schema = JSON.parse(readFileSync(join(dirname(multitool), "sarif-2.1.0.json"), "utf8"));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const validSchema = ajv.compile(schema);

  function schemaErrors(log: unknown): string[] {
    return validSchema(log) ? [] : (validSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  }

  function ruleErrors(text: string): string[] {
    const dir = mkdtempSync(join(tmpdir(), "lvsc-sarif-"));
    writeFileSync(join(dir, "in.sarif"), text);
    const p = spawnSync(multitool, ["validate", join(dir, "in.sarif"), "-o", join(dir, "out.sarif"), "--quiet"], {
      encoding: "utf8",
      env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1" },
      timeout: 120_000,
    });
    if (p.status !== 0) return [`multitool exited ${p.status}: ${p.stdout}${p.stderr}`];
    const log = JSON.parse(readFileSync(join(dir, "out.sarif"), "utf8"));
    return (log.runs[0].results ?? [])
      .filter((r: { level?: string }) => r.level === "error")
      .map((r: { ruleId: string; message: { arguments?: string[] } }) => `${r.ruleId} ${JSON.stringify(r.message.arguments)}`);
  }

  const unread: FileResult = { file: "/srv/missing.conf", source: undefined, diagnostics: [], errorCount: 1, warningCount: 0, fatal: "cannot read /srv/missing.conf: no such file or directory (ENOENT)" };
  const log = () =>
    formatSarif([...results(), { ...results()[0]!, file: `/srv/lvs conf/${FIXTURE}` }, unread], { helpUriBase: "file:///usr/lib/node_modules/lvsc/docs/diagnostics.md" });

  it("is valid against the SARIF 2.1.0 JSON schema, with a relative and an absolute file", () => {
    expect(schemaErrors(JSON.parse(log()))).toEqual([]);
  });

  it("passes the SARIF multitool's rules", () => {
    expect(ruleErrors(log())).toEqual([]);
  }, 120_000);

  it("is checked by validators that do catch broken logs", () => {
    const bad = JSON.parse(log());
    delete bad.version;
    bad.runs[0].results[0].level = "fatal";
    expect(schemaErrors(bad)).toEqual([" must have required property 'version'", "/runs/0/results/0/level must be equal to one of the allowed values"]);
    const slash = JSON.parse(log());
    slash.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = "/srv/x.conf";
    expect(ruleErrors(JSON.stringify(slash))).toEqual([expect.stringMatching(/^SARIF1004 /)]);
  }, 120_000);

  it("has a rule for every code, and results that point at them", () => {
    const l = JSON.parse(log());
    const rules = l.runs[0].tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual(Object.keys(CODES));
    for (const r of l.runs[0].results) expect(rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(l.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: FIXTURE },
      region: { startLine: 4, startColumn: 42, endLine: 4, endColumn: 53 },
    });
    expect(l.runs[0].results[5].locations[0].physicalLocation.artifactLocation.uri).toBe(`file:///srv/lvs%20conf/${FIXTURE}`);
    expect(rules[0].helpUri).toBe(`file:///usr/lib/node_modules/lvsc/docs/diagnostics.md#${rules[0].id}`);
  });

  it("reports a file it could not read as a tool execution notification, and the run as unsuccessful", () => {
    const inv = JSON.parse(log()).runs[0].invocations;
    expect(inv).toEqual([
      {
        executionSuccessful: false,
        toolExecutionNotifications: [{ level: "error", message: { text: unread.fatal }, locations: [{ physicalLocation: { artifactLocation: { uri: "file:///srv/missing.conf" } } }] }],
      },
    ]);
    expect(JSON.parse(formatSarif(results())).runs[0].invocations).toEqual([{ executionSuccessful: true }]);
  });
});
