// The tests both e2e suites make of a VM run: every scenario ran to its end, each expected check
// passed, and each negative control was caught by the checks it names.

import { describe, expect, it } from "vitest";
import type { VmRun } from "./vm.js";

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
