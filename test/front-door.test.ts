// The front door: what `lvsc compile` and `lvsc variants` write (the built command, run as a
// process, read back through its links) is exactly what the library's compile() and variants()
// return — the same names, the same bytes, the same modes — for every example, every golden conf
// and fuzzed confs. The golden files and the library's tests prove the command's files only
// because of this.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkConfSet, compile, formatJson, lint, show, variants, type CompileOptions, type FileResult, type HostsSource, type OutputFile, type ShowFormat } from "../src/index.js";
import { FUZZ_HOSTS, validConf } from "./fuzz/arbitraries.js";
import { CLI, conf, EXAMPLE_CONFS, EXAMPLE_HOSTS, EXAMPLES as EXAMPLES_DIR, GOLDEN_CONFS, HA_CONFS, lvscRun, readExample } from "./helpers.js";

interface Case {
  name: string;
  text: string;
  file: string;
  opts: CompileOptions;
  hosts: HostsSource;
}

const sorted = (files: readonly OutputFile[]) => [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

/** The library's files for a case, as the command would lay them out in its directory. */
function libraryCompile(c: Case): OutputFile[] | undefined {
  const r = compile(c.text, { file: c.file, hosts: [c.hosts], ...c.opts });
  return r.errorCount > 0 ? undefined : sorted(r.files);
}

function libraryVariants(c: Case): OutputFile[] | undefined {
  const r = variants(c.text, { file: c.file, hosts: [c.hosts], ...c.opts });
  if (r.errorCount > 0) return undefined;
  return sorted(
    r.variants.flatMap((v) => [
      { path: `${v.type}/${v.conf.path}`, contents: v.conf.contents, mode: 0o644 },
      ...(v.hosts !== undefined ? [{ path: `${v.type}/${v.hosts.path}`, contents: v.hosts.contents, mode: 0o644 }] : []),
      ...v.files.map((f) => ({ ...f, path: `${v.type}/${f.path}` })),
    ]),
  );
}

/** Compares the command with the library on one case: both write the same set, or both refuse. */
function agree(command: "compile" | "variants", c: Case): void {
  const lib = command === "compile" ? libraryCompile(c) : libraryVariants(c);
  const cli = lvscRun(command, c.text, c.file, c.opts, c.hosts);
  if (lib === undefined) {
    expect(cli.status, `${c.name}: the library refused it, the command did not:\n${cli.stdout}`).toBe(1);
    expect(cli.files, `${c.name}: the command wrote files for a conf with errors`).toEqual([]);
    return;
  }
  expect(cli.status, `${c.name}: ${cli.stderr}`).toBe(0);
  // names first, so that a lost file reads as one, then every byte and mode
  expect(cli.files.map((f) => f.path)).toEqual(lib.map((f) => f.path));
  expect(cli.files).toEqual(lib);
}

const EXAMPLES: Case[] = [...EXAMPLE_CONFS, ...HA_CONFS].map((f) => ({ name: f, text: readExample(f), file: f, opts: {}, hosts: EXAMPLE_HOSTS }));
const GOLDEN: Case[] = GOLDEN_CONFS.map((g) => ({ name: g.name, text: g.conf(), file: g.file, opts: g.opts ?? {}, hosts: EXAMPLE_HOSTS }));

/** Fuzzed confs, the same ones every run (a fixed seed), with the options a user may add. */
const option = fc.record({
  type: fc.option(fc.constantFrom("dr", "nat", "tun") as fc.Arbitrary<"dr" | "nat" | "tun">, { nil: undefined }),
  arp: fc.option(fc.constantFrom("sysctl", "hidden") as fc.Arbitrary<"sysctl" | "hidden">, { nil: undefined }),
  exportDir: fc.option(fc.constantFrom("/etc/lvs", "/srv/lvs-conf"), { nil: undefined }),
  pair: fc.boolean(),
});
const FUZZED: Case[] = fc.sample(fc.tuple(validConf, option), { numRuns: 16, seed: 20261202 }).map(([text, o], i) => {
  const opts: CompileOptions = {};
  if (o.type !== undefined) opts.type = o.type;
  if (o.arp !== undefined) opts.arp = o.arp;
  if (o.exportDir !== undefined) opts.exportDir = o.exportDir;
  // a pair of directors in every other conf: the keepalived target then writes two files
  const conf = o.pair ? `${text.trimEnd()}\nDIRECTOR_PAIR=192.168.0.11 192.168.0.12\n` : text;
  const type = /^LVS_TYPE=VS_(\w+)/.exec(conf)![1]!.toLowerCase();
  return { name: `fuzzed #${i}`, text: conf, file: `lvs_${type}.conf`, opts, hosts: FUZZ_HOSTS };
});

describe("lvsc compile writes exactly the library's files", () => {
  it.each(EXAMPLES)("for the example $name", (c) => agree("compile", c));
  it.each(GOLDEN)("for the golden conf $name", (c) => agree("compile", c));
  it.each(FUZZED)("for $name", (c) => agree("compile", c));
  it.each([
    ["keepalived", ["keepalived"]],
    ["rc and rules", ["rc", "rules"]],
  ] as const)("for a pair of directors with --target %s", (_name, targets) => agree("compile", { ...EXAMPLES.find((e) => e.name === "lvs_dr_ha.conf")!, opts: { targets } }));

  it("gives a pair of directors both keepalived files", () => {
    for (const f of HA_CONFS) {
      const cli = lvscRun("compile", readExample(f), f);
      expect(cli.files.map((x) => x.path)).toEqual(expect.arrayContaining(["keepalived.conf", "keepalived.backup.conf"]));
      expect(cli.stdout).toContain("keepalived.backup.conf");
    }
  });
});

describe("lvsc variants writes exactly the library's variants", () => {
  it.each(EXAMPLES.filter((c) => c.name === "lvs_dr.conf" || c.name === "lvs_dr_ha.conf"))("for the example $name", (c) => agree("variants", c));
  it.each(FUZZED.slice(0, 6))("for $name", (c) => agree("variants", { ...c, opts: { ...c.opts, type: undefined } }));
  it.each([
    ["lvs_tun.conf", ["tun"]],
    ["lvs_nat.conf", ["nat"]],
    ["lvs_dr.conf", ["tun", "dr"]],
    ["lvs_tun.conf", ["dr", "tun"]],
  ] as const)("for the example %s with --type %s", (file, types) => agree("variants", { ...EXAMPLES.find((e) => e.name === file)!, opts: { types } }));
});

const lvsc = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", maxBuffer: 1 << 26, env: { ...process.env, NO_COLOR: "1" } });
const HOSTS_FILE = join(EXAMPLES_DIR, "hosts");

describe("lvsc show prints exactly what the library's show() returns", () => {
  it.each((["text", "json", "dot", "mermaid"] as ShowFormat[]).flatMap((f) => [...EXAMPLE_CONFS, ...HA_CONFS].map((c) => [c, f] as const)))("for %s as %s", async (file, fmt) => {
    const config = lint(readExample(file), { file, hosts: [EXAMPLE_HOSTS] }).config!;
    const p = lvsc(["show", join(EXAMPLES_DIR, file), "--format", fmt, "--hosts", HOSTS_FILE]);
    expect([p.status, p.stderr]).toEqual([0, ""]);
    expect(p.stdout).toBe(await show(config, fmt, file));
  });
});

describe("lvsc lint reports exactly what the library's lint() and checkConfSet() find", () => {
  /** What cmdLint builds from the library: each file's result checked as one set, then each hosts file's problems once. */
  function library(files: { path: string; text: string }[]): string {
    const results = files.map((f) => lint(f.text, { file: f.path, hosts: [{ path: HOSTS_FILE, text: EXAMPLE_HOSTS.text }] }));
    const checked = checkConfSet(results);
    const out: FileResult[] = [];
    results.forEach((r, i) => {
      const c = checked[i]!;
      out.push({ file: c.file, source: files[i]!.text, diagnostics: c.diagnostics, errorCount: c.errorCount, warningCount: c.warningCount });
      for (const h of r.hostsResults ?? []) if (!out.some((x) => x.file === h.file)) out.push(h);
    });
    return formatJson(out);
  }

  it("for the examples' directory", () => {
    const names = [...EXAMPLE_CONFS, ...HA_CONFS].sort();
    const p = lvsc(["lint", "--format", "json", "--hosts", HOSTS_FILE, ...names.map((n) => join(EXAMPLES_DIR, n))]);
    expect(p.stdout).toBe(library(names.map((n) => ({ path: join(EXAMPLES_DIR, n), text: readExample(n) }))));
  });

  it("for confs with errors and warnings, and two clusters that collide", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsc-lint-agree-"));
    const files = [
      { name: "lvs_a.conf", text: conf({ 3: "VIP=eth0:101 192.168.0.300 255.255.255.0 192.168.0.255", 5: "SERVICE=t telnet rr nohost:telnet" }) },
      { name: "lvs_b.conf", text: conf({ 2: null }, ["SERVER_LVS_DEVICE=dummy0"]) },
      { name: "lvs_c.conf", text: `${readExample("lvs_dr_ha.conf")}VRRP_ROUTER_ID=7\n` },
      { name: "lvs_d.conf", text: readExample("lvs_dr_ha.conf").replace("VIP=eth0:101 192.168.0.101", "VIP=eth0:102 192.168.0.102") + "VRRP_ROUTER_ID=7\n" },
    ].map((f) => ({ path: join(dir, f.name), text: f.text }));
    for (const f of files) writeFileSync(f.path, f.text);
    const p = lvsc(["lint", "--format", "json", "--hosts", HOSTS_FILE, ...files.map((f) => f.path)]);
    expect(p.status).toBe(1);
    const lib = library(files);
    expect(lib).toContain("vrrp-router-id-collision");
    expect(p.stdout).toBe(lib);
  });
});
