// The diagnostic catalogue, its documentation and its tests stay in step: every code has an
// entry in docs/diagnostics.md whose example conf really produces it, and a test that triggers it.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ALL_CODES, CODES } from "../src/diagnostics.js";
import { EXAMPLE_HOSTS, ROOT } from "./helpers.js";
import { checkConfSet, lint, variants } from "../src/index.js";
import { importCluster } from "../src/import.js";
import { readKeepalived } from "../src/import-keepalived.js";

const DOC = readFileSync(`${ROOT}docs/diagnostics.md`, "utf8");

/**
 * `### \`code\` (severity)` sections with their first ```conf block, its optional file name and
 * the word `variants` when the code comes from converting the conf to the other LVS_TYPEs.
 */
function entries() {
  const out = new Map<string, { severity: string; conf?: string; file?: string; variants?: boolean; hosts?: string; set?: boolean; table?: string; keepalived?: string }>();
  const sections = DOC.split(/^### /m).slice(1);
  for (const s of sections) {
    const m = /^`([a-z0-9-]+)` \((error|warning)\)/.exec(s);
    if (m === null) continue;
    const block = /```conf( \S+)?( variants)?\n([\s\S]*?)```/.exec(s);
    // a ```hosts block: the example is a hosts file, checked with the walkthrough's conf
    const hosts = /```hosts\n([\s\S]*?)```/.exec(s);
    out.set(m[1]!, {
      severity: m[2]!,
      ...(block !== null ? { conf: block[3]!, file: block[1]?.trim(), variants: block[2] !== undefined } : {}),
      ...(hosts !== null ? { conf: "", hosts: hosts[1]! } : {}),
    });
    // ```conf set: several confs, each after a `# ==> NAME` line, linted together
    const set = /```conf set\n([\s\S]*?)```/.exec(s);
    if (set !== null) out.set(m[1]!, { severity: m[2]!, conf: set[1]!, set: true });
    // ```ipvsadm: a table for lvsc import; ```keepalived: a keepalived.conf for it
    const table = /```ipvsadm\n([\s\S]*?)```/.exec(s);
    if (table !== null) out.set(m[1]!, { severity: m[2]!, table: table[1]! });
    const ka = /```keepalived\n([\s\S]*?)```/.exec(s);
    if (ka !== null && table === null) out.set(m[1]!, { severity: m[2]!, keepalived: ka[1]! });
  }
  return out;
}

// A conf block cannot hold these triggers (bytes that are not UTF-8, a 16 MiB file, a 16 KiB line)
const PROSE_ONLY = new Set(["invalid-encoding", "file-too-large", "line-too-long"]);

describe("docs/diagnostics.md", () => {
  const docs = entries();

  it("documents every code of the catalogue, with its severity, and no other", () => {
    expect([...docs.keys()].sort()).toEqual([...ALL_CODES].sort());
    for (const c of ALL_CODES) expect([c, docs.get(c)!.severity]).toEqual([c, CODES[c].severity]);
  });

  it.each(ALL_CODES.filter((c) => !PROSE_ONLY.has(c)))("%s: the example produces the code", (code) => {
    const e = docs.get(code)!;
    if (e.table !== undefined || e.keepalived !== undefined) {
      const r =
        e.table !== undefined
          ? importCluster(e.table, { file: "ipvsadm.rules" })
          : readKeepalived([{ path: "/etc/keepalived/keepalived.conf", text: e.keepalived! }], { load: () => ({ error: "no such file" }), glob: () => [] });
      expect(r.files.flatMap((f) => f.diagnostics.map((d) => d.code))).toContain(code);
      return;
    }
    expect(e.conf, `${code} has no conf example`).toBeDefined();
    const opts = { file: e.file ?? "lvs_dr.conf", hosts: [...(e.hosts !== undefined ? [{ path: "hosts", text: e.hosts }] : []), EXAMPLE_HOSTS] };
    if (e.set === true) {
      const files = e.conf!.split(/^# ==> (\S+)\n/m).slice(1);
      const results = checkConfSet(Array.from({ length: files.length / 2 }, (_, i) => lint(files[2 * i + 1]!, { ...opts, file: files[2 * i]! })));
      expect(results.flatMap((r) => r.diagnostics.map((d) => d.code))).toContain(code);
      return;
    }
    const r = e.variants === true ? variants(e.conf!, opts) : lint(e.conf!, opts);
    const hostsCodes = "hostsResults" in r ? (r.hostsResults ?? []).flatMap((h) => h.diagnostics.map((d) => d.code)) : [];
    expect([...r.diagnostics.map((d) => d.code), ...hostsCodes]).toContain(code);
  });
});

describe("tests", () => {
  it("trigger every code somewhere in test/", () => {
    const tests = readdirSync(`${ROOT}test`)
      .filter((f) => f.endsWith(".test.ts") && f !== "catalogue.test.ts")
      .map((f) => readFileSync(`${ROOT}test/${f}`, "utf8"))
      .join("\n");
    expect(ALL_CODES.filter((c) => !tests.includes(`"${c}"`))).toEqual([]);
  });
});
