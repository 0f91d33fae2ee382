import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "test/fuzz/campaign.test.ts", "node_modules/**"],
    // the CLI tests spawn the built dist/cli.js once; everything else runs in-process
    testTimeout: 20000,
    // vitest's summary, then a counted line for checks skipped for want of a system tool
    reporters: ["default", "./test/skip-reporter.ts"],
  },
});
