import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/fuzz/campaign.test.ts"],
    testTimeout: 3_600_000,
  },
});
