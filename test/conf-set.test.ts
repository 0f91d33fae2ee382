// Confs linted together (`lvsc lint DIR`): the code frame of a diagnostic that only the set
// finds, in a file that alone is clean.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type Io } from "../src/cli.js";
import { conf, EXAMPLES } from "./helpers.js";

const HOSTS = join(EXAMPLES, "hosts");

/** The walkthrough's cluster on VIP 192.168.0.<vip>, with extra lines (DIRECTOR_PAIR ... ) at the end. */
const cluster = (vip: number, extra: string[]) => conf({ 3: `VIP=eth0:${vip} 192.168.0.${vip} 255.255.255.0 192.168.0.255` }, extra);

async function lvsc(args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdoutIsTTY: false, stderrIsTTY: false, env: {} };
  return { code: await main(args, io), stdout, stderr };
}

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "lvsc-set-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** What stylish prints under a message for a one-digit line: the location, the line, carets from column `from` to `to` (exclusive). */
const frame = (file: string, line: number, text: string, from: number, to: number) =>
  [` --> ${file}:${line}:${from}`, "  |", `${line} | ${text}`, `  | ${" ".repeat(from - 1)}${"^".repeat(to - from)}`].join("\n") + "\n";

describe("lvsc lint DIR: diagnostics of the set have code frames", () => {
  it("vrrp-router-id-collision: a frame in the file that alone is clean too", async () => {
    const dir = dirWith({ "lvs_dr.conf": cluster(101, []), "lvs_dr.conf.mail": cluster(102, ["VRRP_ROUTER_ID=101"]) });
    const r = await lvsc(["lint", "--hosts", HOSTS, dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(frame(join(dir, "lvs_dr.conf"), 3, "VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.255", 14, 27));
    expect(r.stdout).toContain(frame(join(dir, "lvs_dr.conf.mail"), 9, "VRRP_ROUTER_ID=101", 16, 19));
  });
});
