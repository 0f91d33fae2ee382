// What both e2e suites share: the scenarios LVSC_E2E_ONLY selects, the bundle a VM runs (the
// guest scripts and each scenario's generated files), the loud skip when the VM cannot run, and
// the tests made of a VM run: every scenario ran to its end, each expected check passed, and
// each negative control was caught by the checks it names.

import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile, type OutputFile } from "../../src/index.js";
import { CI } from "../tools.js";
import type { VmRun } from "./vm.js";

const GUEST = fileURLToPath(new URL("./guest", import.meta.url));

/** LVSC_E2E_ONLY=name,name runs a subset (while working on one scenario). */
export function selected<S extends { name: string }>(all: S[]): S[] {
  const only = (process.env["LVSC_E2E_ONLY"] ?? "").split(",").filter((n) => n !== "");
  return only.length > 0 ? all.filter((s) => only.includes(s.name)) : all;
}

/**
 * The bundle a VM runs, in a new directory: lvs/ holds the guest scripts, a directory per
 * scenario that `fill` writes into, and the index of scenarios, a `line` each.
 */
export function bundle<S extends { name: string }>(prefix: string, scenarios: S[], fill: (s: S, out: string) => void, line: (s: S) => string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const lvs = join(dir, "lvs");
  mkdirSync(lvs);
  cpSync(GUEST, lvs, { recursive: true });
  for (const s of scenarios) fill(s, join(lvs, s.name));
  writeFileSync(join(lvs, "scenarios"), scenarios.map((s) => `${line(s)}\n`).join(""));
  return dir;
}

/** Compiles a scenario's conf with lvsc into `out` (made here), each file's text through `change`. */
export function compileInto(s: { name: string; file: string; hosts: string }, conf: string, out: string, change: (f: OutputFile) => string = (f) => f.contents): void {
  const r = compile(conf, { file: s.file, hosts: [{ path: "hosts", text: s.hosts }] });
  if (r.errorCount > 0) throw new Error(`${s.name}: ${JSON.stringify(r.diagnostics)}`);
  mkdirSync(out);
  for (const f of r.files) writeFileSync(join(out, f.path), change(f), { mode: f.mode });
}

/**
 * When the VM cannot run here (`why`): said loudly, for a skipped real-kernel test must never
 * look like a passed one, and a failure under CI=true.
 */
export function unavailableSuite(title: string, why: string, packages: string[], first: string): void {
  console.warn(`\n*** lvsc e2e, ${title}: SKIPPED: ${why} ***\n`);
  describe(title, () => {
    it("runs every scenario", (ctx) => {
      if (CI) throw new Error(`CI=true runs the real-kernel tests, but ${why}: apt-get install ${packages.join(" ")}`);
      ctx.skip(`needs ${first} (apt-get install ${packages.join(" ")})`);
    });
  });
}

export interface ScenarioChecks {
  name: string;
  /** checks that must pass */
  passes: string[];
  /** a negative control: checks that must fail on its broken output */
  fails?: string[];
}

/** `vm()` is read when the tests run, after the suite's beforeAll has booted the VMs. */
export function scenarioTests(vm: () => VmRun, scenarios: readonly ScenarioChecks[]): void {
  it("boots and runs every scenario to its end", () => {
    expect(vm().booted, `the VM did not boot:\n${vm().console.slice(-4000)}`).toBe(true);
    expect(vm().timedOut, `the VM timed out:\n${vm().console.slice(-4000)}`).toBe(false);
    for (const s of scenarios) expect(vm().scenarios.get(s.name)?.exit, `${s.name} did not finish`).toBe(0);
  });

  const check = (s: ScenarioChecks, name: string) => {
    const r = vm().scenarios.get(s.name);
    const c = r?.checks.get(name);
    expect(c, `check ${name} was not reported; console:\n${r?.log ?? vm().console.slice(-4000)}`).toBeDefined();
    return { c: c!, log: r!.log };
  };

  describe.each(scenarios)("$name", (s) => {
    it.each(s.passes)("%s", (name) => {
      const { c, log } = check(s, name);
      expect(c.pass, `${name}: ${c.detail}\n--- console of ${s.name} ---\n${log}`).toBe(true);
    });
  });

  describe.each(scenarios.filter((s) => s.fails !== undefined))("negative control $name", (s) => {
    it.each(s.fails!)("is caught by %s", (name) => {
      const { c } = check(s, name);
      expect(c.pass, `the broken output passed ${name}: ${c.detail}`).toBe(false);
    });
  });
}
