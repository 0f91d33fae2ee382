import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 1_200_000,
    // one file at a time: each boots its own VMs (one per core), and two files at once would
    // put four TCG guests on two cores
    fileParallelism: false,
    reporters: ["default", "./test/skip-reporter.ts"],
  },
});
