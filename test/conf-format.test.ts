// The conf format offline (issue 16 §2): help compile says which keepalived file is whose.
import { describe, expect, it } from "vitest";
import { main, type Io } from "../src/cli.js";

async function lvsc(args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdoutIsTTY: false, stderrIsTTY: false, env: {} };
  return { code: await main(args, io), stdout, stderr };
}

const words = (s: string) => s.replace(/\s+/g, " ").trim();

describe("help compile", () => {
  it("says that a DIRECTOR_PAIR conf writes keepalived.conf for director1 and keepalived.backup.conf for director2", async () => {
    const text = words((await lvsc(["help", "compile"])).stdout);
    expect(text).toContain("A conf with DIRECTOR_PAIR (two directors) gets two keepalived files: keepalived.conf for director1 and keepalived.backup.conf for director2");
  });
});
