// The lvsc command: exit codes, what is written (all files or none), modes, and one real spawn.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main, MAX_FILE_SIZE, type Io } from "../src/cli.js";
import { VERSION } from "../src/version.js";
import { conf, EXAMPLES, ROOT } from "./helpers.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function lvsc(args: string[], env: Record<string, string> = {}, tty = false): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdoutIsTTY: tty, stderrIsTTY: tty, env };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "lvsc-cli-"));
}

/** A directory with a conf named lvs_dr.conf and the examples' hosts file beside it. */
function project(text: string): { dir: string; file: string } {
  const dir = tmp();
  writeFileSync(join(dir, "hosts"), readFileSync(join(EXAMPLES, "hosts")));
  const file = join(dir, "lvs_dr.conf");
  writeFileSync(file, text);
  return { dir, file };
}

describe("compile", () => {
  it("writes every file with its mode and exits 0", async () => {
    const out = join(tmp(), "out");
    const r = await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "-o", out]);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      "90-lvs-realserver.conf",
      "exports",
      "ipvsadm.rules",
      "keepalived.conf",
      "lvs.service",
      "mon.cf",
      "rc.local.lvs_dr",
      "rc.lvs_dr",
    ]);
    expect(statSync(join(out, "rc.lvs_dr")).mode & 0o777).toBe(0o755);
    expect(statSync(join(out, "exports")).mode & 0o777).toBe(0o644);
    expect(r.stdout).toContain(`wrote ${join(out, "rc.lvs_dr")} (0755)`);
  });

  it("prints warnings and still writes", async () => {
    const p = project(conf({ 3: "VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.0" }));
    const r = await lvsc(["compile", p.file, "-o", join(p.dir, "out")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning[broadcast-mismatch]");
    expect(existsSync(join(p.dir, "out", "rc.lvs_dr"))).toBe(true);
  });

  it("writes nothing and exits 1 on any error, leaving existing files untouched", async () => {
    const p = project(conf({ 6: "SERVICE=t www rrr rs1 rs2" }));
    const out = join(p.dir, "out");
    mkdirSync(out);
    writeFileSync(join(out, "rc.lvs_dr"), "old\n");
    const r = await lvsc(["compile", p.file, "-o", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error[unknown-scheduler]");
    expect(r.stderr).toContain("nothing was written");
    expect(readdirSync(out)).toEqual(["rc.lvs_dr"]);
    expect(readFileSync(join(out, "rc.lvs_dr"), "utf8")).toBe("old\n");
  });

  it("exits 2 for a missing conf, a missing hosts file and bad options", async () => {
    expect((await lvsc(["compile", "/nonexistent/lvs_dr.conf"])).code).toBe(2);
    expect((await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "--hosts", "/nonexistent/hosts"])).code).toBe(2);
    expect((await lvsc(["compile"])).code).toBe(2);
    expect((await lvsc(["compile", "a", "b"])).code).toBe(2);
    expect((await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "--arp", "weird"])).code).toBe(2);
    expect((await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "--export-dir", "/etc/lvs;reboot"])).code).toBe(2);
    expect((await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "--nope"])).code).toBe(2);
  });

  it("replaces a symbolic link at a target path instead of writing through it", async () => {
    const p = project(conf());
    const out = join(p.dir, "out");
    mkdirSync(out);
    const victim = join(p.dir, "victim");
    writeFileSync(victim, "precious\n");
    symlinkSync(victim, join(out, "rc.lvs_dr"));
    const r = await lvsc(["compile", p.file, "-o", out]);
    expect(r.code).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(lstatSync(join(out, "rc.lvs_dr")).isSymbolicLink()).toBe(false);
  });

  it("refuses to overwrite the conf it reads", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "hosts"), readFileSync(join(EXAMPLES, "hosts")));
    const file = join(dir, "exports"); // a conf unluckily named like an output
    writeFileSync(file, conf());
    const r = await lvsc(["compile", file, "-o", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("refusing to overwrite the input file");
    expect(readFileSync(file, "utf8")).toBe(conf());
    expect(readdirSync(dir).sort()).toEqual(["exports", "hosts"]);
  });

  it("exits 2 and writes nothing when the output directory cannot be written", async () => {
    if (process.getuid?.() === 0) {
      // root ignores permission bits: use a file where the directory should be
      const dir = tmp();
      writeFileSync(join(dir, "out"), "");
      const r = await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "-o", join(dir, "out")]);
      expect(r.code).toBe(2);
      return;
    }
    const dir = tmp();
    chmodSync(dir, 0o500);
    const r = await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "-o", dir]);
    expect(r.code).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses a file too large to be a conf", async () => {
    const p = project("");
    truncateSync(p.file, MAX_FILE_SIZE + 1);
    const r = await lvsc(["lint", p.file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("error[file-too-large]");
  });
});

describe("lint", () => {
  it("exits 0 for clean files and files with warnings only", async () => {
    expect((await lvsc(["lint", join(EXAMPLES, "lvs_dr.conf")])).code).toBe(0);
    const p = project(conf({ 2: null }));
    const r = await lvsc(["lint", p.file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("warning[missing-initial-state]");
  });

  it("exits 1 on errors and when warnings exceed --max-warnings", async () => {
    const bad = project(conf({ 1: "LVS_TYPE=VS_DRR" }));
    expect((await lvsc(["lint", bad.file])).code).toBe(1);
    const warn = project(conf({ 2: null }));
    expect((await lvsc(["lint", warn.file, "--max-warnings", "0"])).code).toBe(1);
    expect((await lvsc(["lint", warn.file, "--max-warnings", "1"])).code).toBe(0);
  });

  it("exits 2 for a missing file: a missing file is never a pass", async () => {
    const r = await lvsc(["lint", join(EXAMPLES, "lvs_dr.conf"), "/nonexistent/lvs_x.conf"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no such file or directory");
  });

  it("lints every lvs_*.conf of a directory and gives one total", async () => {
    const r = await lvsc(["lint", EXAMPLES]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("✔ no problems in 5 files\n");
  });

  it("prints a code frame with the span underlined and the hint", async () => {
    const p = project(conf({ 6: "SERVICE=t www rrr rs1:www rs2:www" }));
    const r = await lvsc(["lint", p.file]);
    expect(r.stdout).toBe(
      [
        "error[unknown-scheduler]: unknown scheduler `rrr`",
        ` --> ${p.file}:6:15`,
        "  |",
        "6 | SERVICE=t www rrr rs1:www rs2:www",
        "  |               ^^^",
        "  = hint: did you mean `rr`? schedulers: rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos; if `rrr` is a real server, it is not in the hosts files",
        "",
        "✖ 1 problem (1 error, 0 warnings)",
        "",
      ].join("\n"),
    );
  });

  it("colours only on a terminal, and never with NO_COLOR", async () => {
    const p = project(conf({ 1: "LVS_TYPE=VS_DRR" }));
    expect((await lvsc(["lint", p.file], {}, true)).stdout).toContain("\u001b[");
    expect((await lvsc(["lint", p.file], { NO_COLOR: "1" }, true)).stdout).not.toContain("\u001b[");
    expect((await lvsc(["lint", p.file], {}, false)).stdout).not.toContain("\u001b[");
  });

  it("reads only the --hosts files when they are given", async () => {
    const p = project(conf());
    // the hosts file beside the conf would resolve rs1; an empty --hosts file must win
    const empty = join(p.dir, "empty-hosts");
    writeFileSync(empty, "");
    const r = await lvsc(["lint", p.file, "--hosts", empty, "--format", "json"]);
    expect(r.code).toBe(1);
    const codes = JSON.parse(r.stdout)[0].diagnostics.map((d: { code: string }) => d.code);
    expect(new Set(codes)).toEqual(new Set(["unresolved-host"]));
  });
});

describe("show", () => {
  it("prints the director's table in the layout of ipvsadm -L -n", async () => {
    const r = await lvsc(["show", join(EXAMPLES, "lvs_dr.conf")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "Prot LocalAddress:Port Scheduler Flags",
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
        "TCP  192.168.0.101:23 rr",
        "  -> 192.168.0.3:23               Route   1      0          0         ",
        "  -> 192.168.0.4:23               Route   1      0          0         ",
        "TCP  192.168.0.101:80 rr",
        "  -> 192.168.0.3:80               Route   1      0          0         ",
        "  -> 192.168.0.4:80               Route   1      0          0         ",
        "",
      ].join("\n"),
    );
  });

  it("exits 1 with diagnostics on stderr for a bad conf", async () => {
    const p = project(conf({ 1: "LVS_TYPE=VS_DRR" }));
    const r = await lvsc(["show", p.file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("invalid-lvs-type");
  });
});

describe("help", () => {
  it.each(["compile", "variants", "lint", "show"])("lvsc %s --help prints the command's usage and exits 0", async (cmd) => {
    const r = await lvsc([cmd, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: lvsc ${cmd}`);
  });

  it("prints the overview with --help and `help`, and the version with --version", async () => {
    expect((await lvsc(["--help"])).stdout).toContain("lvsc compile CONF");
    expect((await lvsc(["help", "lint"])).stdout).toContain("Usage: lvsc lint");
    expect((await lvsc(["--version"])).stdout).toBe(`lvsc ${VERSION}\n`);
    expect((await lvsc(["frobnicate"])).code).toBe(2);
    expect((await lvsc([])).code).toBe(2);
  });

  it("has the version of package.json", () => {
    expect(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version).toBe(VERSION);
  });
});

describe("the built executable", () => {
  beforeAll(() => {
    if (!existsSync(join(ROOT, "dist/cli.cjs"))) execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
  });

  it("runs as `lvsc` and exits with the code main() returns", () => {
    const ok = spawnSync(join(ROOT, "dist/cli.cjs"), ["lint", join(EXAMPLES, "lvs_dr.conf")], { encoding: "utf8" });
    expect([ok.status, ok.stdout]).toEqual([0, "✔ no problems\n"]);
    const missing = spawnSync(join(ROOT, "dist/cli.cjs"), ["lint", "/nonexistent.conf"], { encoding: "utf8" });
    expect(missing.status).toBe(2);
  });

  it("writes byte-identical files whatever TZ, LANG and the current directory", () => {
    const outs = [
      { TZ: "UTC", LANG: "C", LC_ALL: "C", cwd: "/" },
      { TZ: "Asia/Tokyo", LANG: "de_DE.UTF-8", LC_ALL: "tr_TR.UTF-8", cwd: tmp() },
    ].map(({ cwd, ...env }) => {
      const out = join(tmp(), "out");
      const p = spawnSync(join(ROOT, "dist/cli.cjs"), ["compile", join(EXAMPLES, "lvs_dr.conf"), "-o", out], { cwd, env: { ...process.env, ...env }, encoding: "utf8" });
      expect(p.status).toBe(0);
      return Object.fromEntries(readdirSync(out).sort().map((f) => [f, readFileSync(join(out, f), "utf8")]));
    });
    expect(outs[1]).toEqual(outs[0]);
  });

  it("lints a directory in name order, whatever order the files were created in", async () => {
    const a = tmp();
    const b = tmp();
    const names = ["lvs_dr.conf", "lvs_nat.conf.old", "lvs_tun.conf"];
    for (const n of names) writeFileSync(join(a, n), conf({ 1: "LVS_TYPE=VS_DRR" }));
    for (const n of [...names].reverse()) writeFileSync(join(b, n), conf({ 1: "LVS_TYPE=VS_DRR" }));
    const ra = (await lvsc(["lint", a, "--format", "json", "--hosts", join(EXAMPLES, "hosts")])).stdout;
    const rb = (await lvsc(["lint", b, "--format", "json", "--hosts", join(EXAMPLES, "hosts")])).stdout;
    expect(JSON.parse(ra).map((r: { file: string }) => r.file.split("/").pop())).toEqual(names);
    expect(rb.replaceAll(b, "DIR")).toBe(ra.replaceAll(a, "DIR"));
  });

  it("writes exactly the golden files, from precompiled templates", () => {
    const out = join(tmp(), "out");
    expect(spawnSync(join(ROOT, "dist/cli.cjs"), ["compile", join(EXAMPLES, "lvs_dr.conf"), "-o", out]).status).toBe(0);
    for (const f of readdirSync(out)) expect([f, readFileSync(join(out, f), "utf8")]).toEqual([f, readFileSync(join(ROOT, "test/golden/lvs_dr", f), "utf8")]);
  });

  it("stops quietly when its reader closes the pipe early", () => {
    const p = spawnSync("sh", ["-c", `"${join(ROOT, "dist/cli.cjs")}" compile "${join(EXAMPLES, "lvs_dr.conf")}" -o "${tmp()}" | true`], { encoding: "utf8" });
    expect(p.stderr).toBe("");
  });

  it("is an executable file with a node shebang", () => {
    expect(readFileSync(join(ROOT, "dist/cli.cjs"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(statSync(join(ROOT, "dist/cli.cjs")).mode & 0o111).not.toBe(0);
  });
});
