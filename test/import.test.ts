// lvsc import of keepalived.conf, end to end: the keepalived files lvsc compiles (a single
// director's, and both of a pair) import back to a conf that compiles to the same keepalived
// files, byte for byte; through the library and through the command.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectFormat, importCluster } from "../src/import.js";
import { compile, lint } from "../src/index.js";
import { formatIPv4 } from "../src/net.js";
import { CLI, EXAMPLE_CONFS, EXAMPLE_HOSTS, HA_CONFS, readExample, readTree } from "./helpers.js";

const keepalivedFiles = (text: string, file: string) =>
  compile(text, { file, hosts: [EXAMPLE_HOSTS], targets: ["keepalived"] }).files.sort((a, b) => (a.path < b.path ? 1 : -1)); // keepalived.conf first

describe("keepalived files lvsc compiled import back to a conf that compiles to the same files", () => {
  it.each([...EXAMPLE_CONFS, ...HA_CONFS])("%s", (file) => {
    const config = lint(readExample(file), { file, hosts: [EXAMPLE_HOSTS] }).config!;
    const [main, backup] = keepalivedFiles(readExample(file), file);
    expect(detectFormat(main!.contents)).toBe("keepalived");
    const set = new Map<string, string>();
    if (config.serverVipDevice !== undefined && config.type !== "nat") set.set("SERVER_VIP_DEVICE", config.serverVipDevice.name);
    // a single director's keepalived.conf floats only the VIP: the DIP is the admin's to give (or --addr's)
    const d = config.dip;
    if (config.pair === undefined) set.set("DIRECTOR_INSIDEIP", [d.device.name, d.address, d.network, d.netmask, d.broadcast].map((x) => (typeof x === "number" ? formatIPv4(x) : x)).join(" "));
    const r = importCluster(main!.contents, { file: "keepalived.conf", hosts: [EXAMPLE_HOSTS], set, ...(backup !== undefined ? { more: [{ path: "keepalived.backup.conf", text: backup.contents }] } : {}) });
    expect(r.errorCount, JSON.stringify(r.files.map((f) => f.diagnostics.map((d) => d.message)))).toBe(0);
    expect(r.confs).toHaveLength(1);
    expect(r.confs[0]!.fillIn).toEqual([]);
    // compiled under the original's name, whose base name the files' headers show
    const again = keepalivedFiles(r.confs[0]!.contents.replace(/^# Imported by .*\n/, ""), file);
    expect(again.map((f) => f.path)).toEqual([main, backup].filter((f) => f !== undefined).map((f) => f!.path));
    // the same files, but for the comments that name the conf's line of each SERVICE
    const lines = (t: string) => t.replace(/^ *! SERVICE on line \d+ of .*\n/gm, "");
    expect(again.map((f) => lines(f.contents))).toEqual([main, backup].filter((f) => f !== undefined).map((f) => lines(f!.contents)));
  });

  it("through the command: both directors' files of a pair give one conf with DIRECTOR_PAIR", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsc-import-ka-"));
    const [main, backup] = keepalivedFiles(readExample("lvs_dr_ha.conf"), "lvs_dr_ha.conf");
    writeFileSync(join(dir, "keepalived.conf"), main!.contents);
    writeFileSync(join(dir, "keepalived.backup.conf"), backup!.contents);
    writeFileSync(join(dir, "hosts.in"), EXAMPLE_HOSTS.text);
    const p = spawnSync(process.execPath, [CLI, "import", join(dir, "keepalived.conf"), join(dir, "keepalived.backup.conf"), "-o", join(dir, "out"), "--hosts", join(dir, "hosts.in"), "--set", "SERVER_VIP_DEVICE=dummy0"], { encoding: "utf8" });
    expect([p.status, p.stderr]).toEqual([0, ""]);
    const lib = importCluster(main!.contents, {
      file: join(dir, "keepalived.conf"),
      more: [{ path: join(dir, "keepalived.backup.conf"), text: backup!.contents }],
      hosts: [{ path: join(dir, "hosts.in"), text: EXAMPLE_HOSTS.text }],
      set: new Map([["SERVER_VIP_DEVICE", "dummy0"]]),
    });
    const out = readTree(join(dir, "out"));
    expect(out.find((f) => f.path === "lvs_dr.conf")!.contents).toBe(lib.confs[0]!.contents);
    expect(lib.confs[0]!.contents).toContain("DIRECTOR_PAIR=192.168.0.11 192.168.0.12\n");
  });
});
