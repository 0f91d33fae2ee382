// Property-based fuzzing, bounded for `npm test` (the long campaign: `npm run fuzz`).
// For every input, lint and compile never throw; they return files or at least one error, never
// both; every diagnostic span lies inside the file; no message carries a control character.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compile } from "../src/index.js";
import { byteInput, FUZZ_HOSTS, mutatedConf, validConf, violations } from "./fuzz/arbitraries.js";
import { FUZZ_HOSTS6, FUZZ_TARGETS6, mutatedConf6, nonCanonicalIPv6, validConf6 } from "./fuzz/ipv6.js";

const RUNS = Number(process.env["LVSC_FUZZ_RUNS"] ?? 300);
const SEED = process.env["LVSC_FUZZ_SEED"] !== undefined ? Number(process.env["LVSC_FUZZ_SEED"]) : undefined;
const params = { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) };
const opts = { file: "lvs_fuzz.conf", hosts: [FUZZ_HOSTS] };
const opts6 = { file: "lvs_fuzz6.conf", hosts: [FUZZ_HOSTS6], targets: FUZZ_TARGETS6 };

describe("fuzzing", () => {
  it("compiles every valid conf from the grammar, and its scripts pass sh -n", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsc-fuzz-"));
    let n = 0;
    fc.assert(
      fc.property(validConf, (text) => {
        const r = compile(text, opts);
        expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        expect(violations(text, r)).toBeUndefined();
        // sh -n on a sample: a process per case would dominate the run time
        if (n++ % 25 === 0)
          for (const f of r.files.filter((x) => x.path.startsWith("rc."))) {
            writeFileSync(join(dir, f.path), f.contents);
            execFileSync("sh", ["-n", join(dir, f.path)]);
          }
      }),
      params,
    );
  });

  it("never throws and keeps its promises on mutated confs", () => {
    fc.assert(
      fc.property(mutatedConf, (text) => {
        const r = compile(text, opts);
        expect(violations(text, r)).toBeUndefined();
      }),
      params,
    );
  });

  it("never throws on bytes, valid UTF-8 or not", () => {
    fc.assert(
      fc.property(byteInput, (bytes) => {
        const r = compile(bytes, opts);
        const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, "");
        expect(violations(text, r)).toBeUndefined();
      }),
      params,
    );
  });

  it("finds a non-canonical IPv6 address in a file, so the checks below can fail", () => {
    expect(nonCanonicalIPv6("ip addr add 2001:db8::1/128 dev lo\n-a -t [2001:db8::101]:80 -r [::1]:80 awk /:80:/")).toBeUndefined();
    for (const bad of ["2001:DB8::1", "2001:db8:0:0:0:0:0:1", "2001:db8::01", "[2001:db8:0::1]:80", "::ffff:c000:201"]) expect(nonCanonicalIPv6(`x ${bad} y`), bad).toBeDefined();
  });

  it("compiles every valid IPv6 conf, whatever text form its addresses take, into canonical addresses only", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsc-fuzz6-"));
    let n = 0;
    fc.assert(
      fc.property(validConf6, (text) => {
        const r = compile(text, opts6);
        expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        expect(violations(text, r)).toBeUndefined();
        for (const f of r.files) expect([f.path, nonCanonicalIPv6(f.contents)]).toEqual([f.path, undefined]);
        if (n++ % 25 === 0)
          for (const f of r.files.filter((x) => x.path.startsWith("rc."))) {
            writeFileSync(join(dir, f.path), f.contents);
            execFileSync("sh", ["-n", join(dir, f.path)]);
          }
      }),
      params,
    );
  });

  it("refuses IPv6 junk in any field of an IPv6 conf, or emits only canonical addresses", () => {
    fc.assert(
      fc.property(mutatedConf6, (text) => {
        const r = compile(text, opts6);
        expect(violations(text, r)).toBeUndefined();
        for (const f of r.files) {
          expect([f.path, nonCanonicalIPv6(f.contents)]).toEqual([f.path, undefined]);
          for (const code of ["$(id)", "%eth0", "]:99999"]) expect(f.contents).not.toContain(code);
        }
      }),
      params,
    );
  });
});
