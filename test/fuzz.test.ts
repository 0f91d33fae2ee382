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

const RUNS = Number(process.env["LVSC_FUZZ_RUNS"] ?? 300);
const SEED = process.env["LVSC_FUZZ_SEED"] !== undefined ? Number(process.env["LVSC_FUZZ_SEED"]) : undefined;
const params = { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) };
const opts = { file: "lvs_fuzz.conf", hosts: [FUZZ_HOSTS] };

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
});
