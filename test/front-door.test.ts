// The front door: what `lvsc compile` and `lvsc variants` write (the built command, run as a
// process, read back through its links) is exactly what the library's compile() and variants()
// return — the same names, the same bytes, the same modes — for every example, every golden conf
// and fuzzed confs. The golden files and the library's tests prove the command's files only
// because of this.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile, variants, type CompileOptions, type HostsSource, type OutputFile } from "../src/index.js";
import { FUZZ_HOSTS, validConf } from "./fuzz/arbitraries.js";
import { EXAMPLE_CONFS, EXAMPLE_HOSTS, GOLDEN_CONFS, HA_CONFS, lvscRun, readExample } from "./helpers.js";

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
