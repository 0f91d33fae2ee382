import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "test/fuzz/campaign.test.ts", "node_modules/**"],
    // A guard against a hang, not a measure of speed: the slowest tests (test/script.test.ts, a
    // dozen rc script runs on the fake host each; test/cli.test.ts, several dist/cli.cjs each) take
    // a few seconds on an idle machine and several times that beside other CPU-bound work, and a
    // test that fails because the machine is busy fails CI for no reason. A hang still fails, in
    // two minutes. The same for beforeAll/afterAll (test/write.test.ts compiles in one).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // vitest's summary, then a counted line for checks skipped for want of a system tool
    reporters: ["default", "./test/skip-reporter.ts"],
  },
});
