// What both e2e suites share: the scenarios LVSC_E2E_ONLY selects, the bundle a VM runs (the
// guest scripts and each scenario's generated files), the loud skip when the VM cannot run, and
// the tests made of a VM run: every scenario ran to its end, each expected check passed, and
// each negative control was caught by the checks it names.

import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { OutputFile } from "../../src/index.js";
import { CLI } from "../helpers.js";
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

/**
 * Compiles a scenario's conf into `out` (made here) as a user does: the built `lvsc compile`, run as
 * a process, then its files copied the way the README says (`cp -rL out/* DEST/`, which copies the
 * files its links point at). Each file's text then goes through `change` (a negative control's
 * break). The hosts get exactly what the command wrote: a file it loses is missing in the VM.
 */
export function compileInto(s: { name: string; file: string; hosts: string; targets?: string }, conf: string, out: string, change: (f: OutputFile) => string = (f) => f.contents): void {
  const work = mkdtempSync(join(tmpdir(), "lvsc-e2e-compile-"));
  writeFileSync(join(work, s.file), conf);
  writeFileSync(join(work, "hosts"), s.hosts);
  try {
    // (targets: only these files, `--target` as a user gives it)
    const targets = s.targets === undefined ? [] : ["--target", s.targets];
    execFileSync(process.execPath, [CLI, "compile", join(work, s.file), "-o", join(work, "out"), "--hosts", join(work, "hosts"), ...targets], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`${s.name}: lvsc compile failed:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
  }
  mkdirSync(out);
  execFileSync("sh", ["-c", 'cp -rL "$1"/* "$2"/', "sh", join(work, "out"), out]);
  for (const name of readdirSync(out)) {
    const path = join(out, name);
    const f: OutputFile = { path: name, contents: readFileSync(path, "utf8"), mode: statSync(path).mode & 0o777 };
    const text = change(f);
    if (text !== f.contents) writeFileSync(path, text);
  }
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
