// The long fuzz campaign: `npm run fuzz` (LVSC_FUZZ_RUNS cases per generator, default 20000;
// LVSC_FUZZ_SEED to replay). Prints how many cases ran, what they produced and every broken
// property found (deduplicated), and fails if there was any.
import fc from "fast-check";
import { expect, it } from "vitest";
import { compile } from "../../src/index.js";
import { byteInput, FUZZ_HOSTS, mutatedConf, validConf, violations } from "./arbitraries.js";

const RUNS = Number(process.env["LVSC_FUZZ_RUNS"] ?? 20000);
const SEED = Number(process.env["LVSC_FUZZ_SEED"] ?? Date.now() % 2147483647);
const opts = { file: "lvs_fuzz.conf", hosts: [FUZZ_HOSTS] };

it(`fuzz campaign: ${RUNS} cases per generator, seed ${SEED}`, () => {
  const found = new Map<string, string>();
  const codes = new Map<string, number>();
  let cases = 0;
  let clean = 0;
  let rejected = 0;
  let thrown = 0;
  const started = Date.now();
  const generators: [string, fc.Arbitrary<string | Uint8Array>, boolean][] = [
    ["valid", validConf, true],
    ["mutated", mutatedConf, false],
    ["bytes", byteInput, false],
  ];
  for (const [name, arb, mustCompile] of generators) {
    // in chunks, so memory stays flat whatever RUNS is
    for (let done = 0; done < RUNS; done += 1000) {
      for (const input of fc.sample(arb, { numRuns: Math.min(1000, RUNS - done), seed: SEED + done })) {
        cases++;
        const text = typeof input === "string" ? input : new TextDecoder().decode(input).replace(/^\uFEFF/, "");
        try {
          const r = compile(input, opts);
          for (const d of r.diagnostics) codes.set(d.code, (codes.get(d.code) ?? 0) + 1);
          if (r.errorCount > 0) rejected++;
          else clean++;
          const v = violations(text, r) ?? (mustCompile && r.errorCount > 0 ? `a valid conf was refused: ${r.diagnostics[0]!.code}` : undefined);
          if (v !== undefined && !found.has(`${name}: ${v}`)) found.set(`${name}: ${v}`, JSON.stringify(text.slice(0, 400)));
        } catch (e) {
          thrown++;
          const key = `${name}: threw ${(e as Error).message}`;
          if (!found.has(key)) found.set(key, JSON.stringify(text.slice(0, 400)));
        }
      }
    }
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(
    [
      `fuzz campaign, seed ${SEED}: ${cases} cases in ${seconds.toFixed(1)} s (${Math.round(cases / seconds)}/s)`,
      `  compiled clean: ${clean}; refused with diagnostics: ${rejected}; exceptions: ${thrown}`,
      `  diagnostic codes seen (${codes.size}): ${[...codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(", ")}`,
      `  broken properties: ${found.size}`,
      ...[...found].map(([k, v]) => `    ${k}\n      input: ${v}`),
    ].join("\n"),
  );
  expect([...found.keys()]).toEqual([]);
});
