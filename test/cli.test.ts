// The lvsc command: exit codes, what is written, inputs of every kind, the output formats'
// honesty about unreadable files, colour, help and option errors, and the built executable.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { main, MAX_FILE_SIZE, type Io } from "../src/cli.js";
import { COMMANDS, optionLabel } from "../src/usage.js";
import { VERSION } from "../src/version.js";
import { checksConf, conf, EXAMPLES, natConf, ROOT } from "./helpers.js";
import { needTool } from "./tools.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function lvsc(args: string[], env: Record<string, string> = {}, tty = false, stdin?: string | Buffer): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    stdoutIsTTY: tty,
    stderrIsTTY: tty,
    env,
    packageRoot: ROOT,
    ...(stdin !== undefined
      ? {
          readStdin: async (limit: number) => {
            const b = Buffer.from(stdin);
            return { bytes: b.subarray(0, limit), truncated: b.length > limit };
          },
        }
      : {}),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const CLI = join(ROOT, "dist/cli.cjs");

/** The built `lvsc` in a child process; `timeout` guards against a hang (a hang is the failure). */
function spawnLvsc(args: string[], opts: { input?: string | Buffer; cwd?: string; env?: Record<string, string> } = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 30_000, maxBuffer: 1 << 26, ...opts, env: { ...process.env, ...opts.env } });
}

/** The files of a directory as a reader sees them (lvsc's store left out). */
function files(dir: string): string[] {
  return readdirSync(dir).filter((f) => f !== ".lvsc").sort();
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
    expect(files(out)).toEqual([
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
    expect(readlinkSync(join(out, "rc.lvs_dr"))).toBe(".lvsc/current/rc.lvs_dr");
  });

  it("needs -o: it never writes into the current directory unasked", async () => {
    const r = await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("lvsc compile: option -o/--out is required: the directory to write into (created if missing)\nTry `lvsc compile --help`.\n");
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
    expect((await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "-o", tmp(), "--hosts", "/nonexistent/hosts"])).code).toBe(2);
    expect((await lvsc(["compile"])).code).toBe(2);
    expect((await lvsc(["compile", "a", "b"])).code).toBe(2);
    expect((await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "--arp", "weird"])).code).toBe(2);
    expect((await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "--export-dir", "/etc/lvs;reboot"])).code).toBe(2);
    expect((await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "--nope"])).code).toBe(2);
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
    expect(files(dir)).toEqual(["exports", "hosts"]);
    // not even with --force
    expect((await lvsc(["compile", file, "-o", dir, "--force"])).stderr).toContain("refusing to overwrite the input file");
    expect(readFileSync(file, "utf8")).toBe(conf());
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
    expect(r.stderr).toContain("permission denied (EACCES)");
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
    expect(r.stdout).toContain("error: cannot read /nonexistent/lvs_x.conf: no such file or directory (ENOENT)");
    expect(r.stdout).not.toContain("no problems");
  });

  it("lints every lvs_*.conf of a directory and gives one total", async () => {
    const r = await lvsc(["lint", EXAMPLES]);
    const confs = readdirSync(EXAMPLES).filter((f) => /^lvs_.*\.conf$/.test(f));
    expect(confs.length).toBeGreaterThan(5);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`✔ no problems in ${confs.length} files\n`);
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
        "Health checks:",
        "TCP  192.168.0.101:23      lvsc default: TCP_CHECK, a TCP connect every 3 s, timeout 3 s, out after 2 failures 1 s apart",
        "TCP  192.168.0.101:80      lvsc default: HTTP_GET of / (status 200-499) every 3 s, timeout 3 s, out after 2 failures 1 s apart",
        "",
      ].join("\n"),
    );
  });

  it("prints each service's effective check: its CHECK line's kind and settings, else lvsc's default", async () => {
    const p = project(checksConf());
    const r = await lvsc(["show", p.file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.slice(r.stdout.indexOf("Health checks:"))).toBe(
      [
        "Health checks:",
        "TCP  192.168.0.101:22      none (CHECK on line 21)",
        "TCP  192.168.0.101:23      tcp port:23 retries:0 (CHECK on line 20)",
        "TCP  192.168.0.101:25      smtp helo:director.example.com (CHECK on line 18)",
        "TCP  192.168.0.101:80      http path:/health host:www.example.com status:200 interval:2 timeout:1 retries:2 (CHECK on line 15)",
        "TCP  192.168.0.101:443     https path:/health interval:2 timeout:2 (CHECK on line 16)",
        "TCP  192.168.0.101:8080    script run:/usr/local/lib/lvs/check-app timeout:2 (CHECK on line 19)",
        "UDP  192.168.0.101:53      dns name:example.com type:A interval:2 timeout:1 (CHECK on line 17)",
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
    for (const c of COMMANDS) expect([c.name, (await lvsc([c.name, "--version"])).stdout]).toEqual([c.name, `lvsc ${VERSION}\n`]);
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
      return Object.fromEntries(files(out).map((f) => [f, readFileSync(join(out, f), "utf8")]));
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
    for (const f of files(out)) expect([f, readFileSync(join(out, f), "utf8")]).toEqual([f, readFileSync(join(ROOT, "test/golden/lvs_dr", f), "utf8")]);
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

describe("inputs of every kind are bounded and never block (#7)", () => {
  beforeAll(() => {
    if (!existsSync(CLI)) execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
  });

  it.each(["/dev/zero", "/dev/urandom"])("lint %s stops at 16 MiB and exits 2", (dev) => {
    const p = spawnLvsc(["lint", dev]);
    expect(p.status).toBe(2);
    expect(p.stdout).toContain(`error: cannot read ${dev}: is a device that gives more than 16 MiB`);
  });

  it("--services /dev/urandom and --hosts /dev/zero: exit 2, naming the file", () => {
    const s = spawnLvsc(["lint", join(EXAMPLES, "lvs_dr.conf"), "--services", "/dev/urandom"]);
    expect([s.status, s.stdout]).toEqual([2, expect.stringContaining("cannot read services file /dev/urandom: is a device that gives more than 16 MiB")]);
    const h = spawnLvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "-o", tmp(), "--hosts", "/dev/zero"]);
    expect([h.status, h.stderr]).toEqual([2, expect.stringContaining("cannot read hosts file /dev/zero: is a device that gives more than 16 MiB")]);
  });

  it("--hosts /dev/null is an empty hosts file", async () => {
    const r = await lvsc(["lint", join(EXAMPLES, "lvs_dr.conf"), "--hosts", "/dev/null", "-f", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)[0].diagnostics[0].code).toBe("unresolved-host");
  });

  it("a FIFO no one writes: refused at once as a conf, --hosts or --services, exit 2", () => {
    const dir = tmp();
    const fifo = join(dir, "lvs_dr.conf");
    execFileSync("mkfifo", [fifo]);
    for (const args of [["lint", fifo], ["show", join(EXAMPLES, "lvs_dr.conf"), "--hosts", fifo], ["lint", join(EXAMPLES, "lvs_dr.conf"), "--services", fifo]]) {
      const p = spawnLvsc(args);
      expect(p.status).toBe(2);
      expect(p.stdout + p.stderr).toContain(`${fifo}: is a FIFO, not a file lvsc reads; to read a pipe, name - and connect it to standard input`);
    }
  });

  it("a hosts FIFO beside the conf does not hang lint", () => {
    const dir = tmp();
    writeFileSync(join(dir, "lvs_dr.conf"), conf());
    execFileSync("mkfifo", [join(dir, "hosts")]);
    const p = spawnLvsc(["lint", join(dir, "lvs_dr.conf")]);
    expect(p.error).toBeUndefined();
    // a hosts file that is there but cannot be read is reported, not skipped
    expect(p.status).toBe(2);
    expect(p.stdout).toContain(`cannot read hosts file ${join(dir, "hosts")}: is a FIFO`);
  });

  it("standard input larger than 16 MiB: exit 2", () => {
    const p = spawnLvsc(["lint", "-"], { input: Buffer.alloc(MAX_FILE_SIZE + 10, 0x20) });
    expect(p.status).toBe(2);
    expect(p.stdout).toContain("standard input gives more than 16 MiB");
  });
});

describe("file system errors are diagnostics: path, OS reason, exit 2 (#9)", () => {
  it("-o /proc/nope: no hang, ENOENT", () => {
    const p = spawnLvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "-o", "/proc/nope"]);
    expect(p.error).toBeUndefined();
    expect(p.status).toBe(2);
    expect(p.stderr).toBe("lvsc: cannot create the directory /proc/nope: no such file or directory (ENOENT)\nlvsc: nothing was written\n");
  });

  it("-o a file, -o below a file, -o a link loop, -o ''", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "somefile"), "x\n");
    symlinkSync(join(dir, "b"), join(dir, "a"));
    symlinkSync(join(dir, "a"), join(dir, "b"));
    const cases: [string, string][] = [
      [join(dir, "somefile"), `lvsc: cannot use ${join(dir, "somefile")} as a directory: it is not a directory (ENOTDIR)`],
      [join(dir, "somefile", "sub"), `lvsc: cannot use ${join(dir, "somefile")} as a directory: it is not a directory (ENOTDIR)`],
      [join(dir, "a", "out"), `lvsc: cannot use the directory ${join(dir, "a")}: too many symbolic links encountered (ELOOP)`],
    ];
    for (const [out, message] of cases) {
      const r = await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "-o", out]);
      expect([r.code, r.stderr]).toEqual([2, `${message}\nlvsc: nothing was written\n`]);
    }
    const empty = await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "-o", ""]);
    expect([empty.code, empty.stderr]).toEqual([2, "lvsc compile: option -o/--out needs a directory name, not an empty string\nTry `lvsc compile --help`.\n"]);
    expect(readFileSync(join(dir, "somefile"), "utf8")).toBe("x\n");
  });

  it("a read-only file system says EROFS", (ctx) => {
    const ro = tmp();
    const script = `mount -t tmpfs -o ro,size=1m tmpfs "$1" || exit 99; "$2" "$3" compile "$4" -o "$1/out"; echo "status $?"`;
    const p = spawnSync("unshare", ["-m", "sh", "-c", script, "sh", ro, process.execPath, CLI, join(EXAMPLES, "lvs_dr.conf")], { encoding: "utf8", timeout: 30_000 });
    if (p.status !== 0 || p.stdout.includes("status 99") || p.error !== undefined) ctx.skip("needs root: mounts a read-only tmpfs in a mount namespace (unshare -m)");
    expect(p.stdout).toBe("status 2\n");
    expect(p.stderr).toBe(`lvsc: cannot create the directory ${ro}/out: read-only file system (EROFS)\nlvsc: nothing was written\n`);
  });
});

describe("an unreadable input is an error in every format, never next to \"no problems\" (#10)", () => {
  const nope = "/nonexistent/nope.conf";
  const reason = "cannot read /nonexistent/nope.conf: no such file or directory (ENOENT)";

  it("stylish", async () => {
    const r = await lvsc(["lint", nope]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(`error: ${reason}\n --> ${nope}\n\n✖ 1 problem (1 error, 0 warnings); 1 file could not be read\n`);
  });

  it("json: an entry with the error", async () => {
    const r = await lvsc(["lint", nope, join(EXAMPLES, "lvs_dr.conf"), "-f", "json"]);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout);
    expect(out[1]).toEqual({ file: nope, errorCount: 1, warningCount: 0, error: reason, diagnostics: [] });
    expect(r.stderr).toBe(`lvsc: ${reason}\n`);
  });

  it("github: an ::error line", async () => {
    const r = await lvsc(["lint", nope, "-f", "github"]);
    expect(r.stdout).toBe(`::error file=${nope.replace(/\//g, "/")},title=lvsc%3A file not checked::${reason}\n`);
  });

  it("sarif: a tool execution notification, and the run did not succeed", async () => {
    const r = await lvsc(["lint", nope, "-f", "sarif"]);
    const inv = JSON.parse(r.stdout).runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications).toEqual([{ level: "error", message: { text: reason }, locations: [{ physicalLocation: { artifactLocation: { uri: "file:///nonexistent/nope.conf" } } }] }]);
  });

  it("an unreadable --hosts file too", async () => {
    const r = await lvsc(["lint", join(EXAMPLES, "lvs_dr.conf"), "--hosts", "/nonexistent/hosts"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("error: cannot read hosts file /nonexistent/hosts: no such file or directory (ENOENT)");
    expect(r.stdout).not.toContain("no problems");
  });
});

describe("- is standard input (#11)", () => {
  const hosts = join(EXAMPLES, "hosts");

  it("lint -, with --hosts", async () => {
    expect(await lvsc(["lint", "-", "--hosts", hosts], {}, false, conf())).toEqual({ code: 0, stdout: "✔ no problems\n", stderr: "" });
    const bad = await lvsc(["lint", "-", "--hosts", hosts], {}, false, conf({ 1: "LVS_TYPE=VS_DRR" }));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(" --> <stdin>:1:10");
  });

  it("compile - writes the files, their headers naming stdin", async () => {
    const out = join(tmp(), "out");
    const r = await lvsc(["compile", "-", "-o", out, "--hosts", hosts], {}, false, conf());
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, "rc.lvs_dr"), "utf8")).toContain("Generated by lvsc 0.1.0 from stdin.");
  });

  it("show -", async () => {
    const r = await lvsc(["show", "-", "--hosts", hosts], {}, false, conf());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("TCP  192.168.0.101:80 rr");
  });

  it("through a pipe to the built executable", () => {
    const p = spawnLvsc(["lint", "-", "--hosts", hosts], { input: conf() });
    expect([p.status, p.stdout]).toEqual([0, "✔ no problems\n"]);
  });

  it("standard input is read once", async () => {
    const r = await lvsc(["lint", "-", "-"], {}, false, conf());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("standard input (-) can be read only once");
  });
});

describe("colour and escaping (#12)", () => {
  const bad = () => project(conf({ 1: "LVS_TYPE=VS_DRR" })).file;
  const colored = async (args: string[], env: Record<string, string>, tty: boolean) => (await lvsc(["lint", bad(), ...args], env, tty)).stdout.includes("\u001b[");

  it("--color and --no-color win, the last one given", async () => {
    expect(await colored(["--color"], {}, false)).toBe(true);
    expect(await colored(["--no-color"], {}, true)).toBe(false);
    expect(await colored(["--no-color", "--color"], {}, false)).toBe(true);
    expect(await colored(["--color", "--no-color"], { FORCE_COLOR: "1" }, true)).toBe(false);
  });

  it("FORCE_COLOR forces it either way, TERM=dumb and NO_COLOR turn it off", async () => {
    expect(await colored([], { FORCE_COLOR: "1" }, false)).toBe(true);
    expect(await colored([], { FORCE_COLOR: "0" }, true)).toBe(false);
    expect(await colored([], { TERM: "dumb" }, true)).toBe(false);
    expect(await colored([], { NO_COLOR: "1" }, true)).toBe(false);
    expect(await colored([], { TERM: "xterm-256color" }, true)).toBe(true);
  });

  it("a file name cannot start a line or send an escape sequence", async () => {
    const dir = tmp();
    const name = join(dir, "x\n::error file=a.conf::pwned\u001b[2J.conf");
    writeFileSync(name, conf({ 1: "LVS_TYPE=VS_DRR" }));
    for (const fmt of ["stylish", "github"]) {
      const r = await lvsc(["lint", name, "-f", fmt, "--hosts", join(EXAMPLES, "hosts")]);
      expect(r.stdout).not.toContain("\u001b");
      expect(r.stdout.split("\n").filter((l) => l.startsWith("::error file=a.conf"))).toEqual([]);
    }
    expect((await lvsc(["lint", name])).stdout).toContain("x\\n::error file=a.conf::pwned\\x1b[2J.conf:1:10");
    const missing = await lvsc(["compile", `${name}.missing`, "-o", tmp()]);
    expect(missing.stderr).not.toContain("\u001b");
    expect(missing.stderr.split("\n").length).toBe(2);
    // an output directory's name in write errors and in the files written
    const out = join(dir, "o\n::error file=b::x\u001b[2J");
    mkdirSync(out);
    writeFileSync(join(out, "exports"), "mine\n");
    const refused = await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "-o", out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).not.toContain("\u001b");
    expect(refused.stderr.split("\n").filter((l) => !l.startsWith("lvsc: ") && l !== "")).toEqual([]);
    const written = await lvsc(["compile", join(EXAMPLES, "lvs_dr.conf"), "-o", out, "--force"]);
    expect(written.stdout).not.toContain("\u001b");
    expect(written.stdout.split("\n").filter((l) => !l.startsWith("wrote ") && l !== "")).toEqual([]);
  });
});

describe("commands, help and option errors (#13)", () => {
  it("a mistyped command gets a suggestion", async () => {
    const r = await lvsc(["compil"]);
    expect([r.code, r.stderr]).toEqual([2, "lvsc: unknown command `compil`; did you mean `compile`?\nTry `lvsc --help`.\n"]);
    expect((await lvsc(["help", "lnt"])).stderr).toContain("did you mean `lint`?");
  });

  it("help help, and help for every command", async () => {
    const r = await lvsc(["help", "help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: lvsc help [COMMAND]");
    for (const c of COMMANDS) expect((await lvsc(["help", c.name])).stdout).toBe((await lvsc([c.name, "--help"])).stdout);
  });

  it("help's tables are aligned: every row's columns start where the first row's do", async () => {
    for (const c of COMMANDS) {
      const lines = (await lvsc(["help", c.name])).stdout.split("\n");
      const tables: string[][] = [];
      for (const l of lines) {
        if (/^  \S/.test(l)) (tables[tables.length - 1] ??= []).push(l);
        else if (l === "" || !l.startsWith("  ")) tables.push([]);
      }
      for (const rows of tables.filter((t) => t.length > 1)) {
        const starts = (l: string) => [...l.matchAll(/ {2,}(\S)/g)].map((m) => m.index! + m[0].length - 1);
        const first = starts(rows[0]!);
        for (const row of rows) expect([c.name, starts(row).slice(0, first.length)]).toEqual([c.name, first]);
      }
    }
    const compile = (await lvsc(["help", "compile"])).stdout;
    expect(compile).toContain("  keepalived  keepalived.conf         the same services for keepalived, with health checks\n");
  });

  it.each([
    [["compile", "x.conf", "-o", "d", "--nope"], "lvsc compile: unknown option `--nope`\n"],
    [["compile", "x.conf", "-o", "d", "--ouput", "d"], "lvsc compile: unknown option `--ouput`; did you mean `--out`?\n"],
    [["compile", "x.conf", "-o", "d", "--arp", "weird"], "lvsc compile: option --arp must be sysctl or hidden, not `weird`\n"],
    [["compile", "x.conf", "-o", "d", "--type", "lvs"], "lvsc compile: option -t/--type must be dr, nat or tun, not `lvs`\n"],
    [["compile", "x.conf", "-o", "d", "--target", "nginx"], "lvsc compile: option --target must be rc, rc-local, exports, rules, keepalived, mon, systemd, sysctl, bird, router, topology or all, not `nginx`\n"],
    [["compile", "x.conf", "-o"], "lvsc compile: option -o/--out needs a value: DIR\n"],
    [["compile", "x.conf", "-o", "d", "--force=yes"], "lvsc compile: option --force takes no value\n"],
    [["lint", "x.conf", "--format", "xml"], "lvsc lint: option -f/--format must be stylish, json, github or sarif, not `xml`\n"],
    [["lint", "x.conf", "--max-warnings", "many"], "lvsc lint: option --max-warnings must be a whole number, not `many`\n"],
    [["show", "x.conf", "--format", "svgg"], "lvsc show: option -f/--format must be text, svg, dot, mermaid or json, not `svgg`; did you mean `svg`?\n"],
    [["variants", "x.conf"], "lvsc variants: option -o/--out is required: the directory to write into (created if missing)\n"],
  ])("lvsc %j: one wording, lower case, a pointer to the command's help", async (args, message) => {
    const r = await lvsc(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${message}Try \`lvsc ${args[0]} --help\`.\n`);
  });
});

describe("--target that writes nothing for the conf (#14)", () => {
  it("is an error that names the targets that apply, and writes nothing", async () => {
    const p = project(conf());
    p.file = join(p.dir, "lvs_nat.conf");
    writeFileSync(p.file, natConf());
    const out = join(p.dir, "out");
    const r = await lvsc(["compile", p.file, "-o", out, "--target", "rc-local"]);
    expect(r.code).toBe(2);
    // after the conf's own warnings (this NAT cluster has one network: one-network-nat)
    expect(r.stderr.slice(r.stderr.indexOf("lvsc compile:"))).toBe(
      "lvsc compile: target rc-local writes nothing for this VS_NAT conf; targets that apply: rc, exports, rules, keepalived, mon, systemd\nTry `lvsc compile --help`.\n",
    );
    expect(existsSync(out)).toBe(false);
    expect((await lvsc(["compile", p.file, "-o", out, "--target", "rc,sysctl"])).stderr).toContain("target sysctl writes nothing");
  });

  it("variants: only when no type has the file", async () => {
    const out = join(tmp(), "out");
    const r = await lvsc(["variants", join(EXAMPLES, "lvs_dr.conf"), "-o", out, "--target", "rc-local"]);
    expect(r.code).toBe(0);
    expect(files(join(out, "dr"))).toContain("rc.local.lvs_dr");
    expect(existsSync(join(out, "nat", "rc.local.lvs_nat"))).toBe(false);
  });
});

describe("variants of a conf that converts only partly", () => {
  it("names the types it converts to, and how to write them, and writes nothing", async () => {
    const out = join(tmp(), "out");
    const r = await lvsc(["variants", join(EXAMPLES, "lvs_tun.conf"), "-o", out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`lvsc: this conf converts only to VS_TUN; to write it: lvsc variants ${join(EXAMPLES, "lvs_tun.conf")} -o ${out} --type tun\n`);
    expect(existsSync(out)).toBe(false);
  });

  it("writes only the types --type names, as the README says for the examples", async () => {
    const out = join(tmp(), "out");
    const r = await lvsc(["variants", join(EXAMPLES, "lvs_tun.conf"), "-o", out, "--type", "tun"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(files(out)).toEqual(["tun"]);
    expect(files(join(out, "tun"))).toContain("lvs_tun.conf");
    expect((await lvsc(["variants", join(EXAMPLES, "lvs_nat.conf"), "-o", join(tmp(), "o"), "-t", "nat"])).code).toBe(0);
  });

  it("leaves the other types' directories alone when --type names some", async () => {
    const out = join(tmp(), "out");
    expect((await lvsc(["variants", join(EXAMPLES, "lvs_dr.conf"), "-o", out])).code).toBe(0);
    const r = await lvsc(["variants", join(EXAMPLES, "lvs_dr.conf"), "-o", out, "--type", "nat,tun"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("removed");
    expect(files(join(out, "dr"))).toContain("rc.lvs_dr");
    expect(readFileSync(join(out, "dr", "rc.lvs_dr"), "utf8")).toContain("Generated by lvsc");
  });

  it("refuses a type that is not one", async () => {
    const r = await lvsc(["variants", join(EXAMPLES, "lvs_dr.conf"), "-o", join(tmp(), "o"), "--type", "dr,ipip"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ipip");
  });
});

describe("the package (#18)", () => {
  it("--version prints one line, for every command", async () => {
    for (const args of [["--version"], ["-V"], ...COMMANDS.map((c) => [c.name, "--version"])]) expect((await lvsc(args)).stdout).toMatch(/^lvsc \d+\.\d+\.\d+\n$/);
  });

  it("SARIF rules link to docs/diagnostics.md in the package, or to --help-uri-base", async () => {
    const local = JSON.parse((await lvsc(["lint", join(EXAMPLES, "lvs_dr.conf"), "-f", "sarif"])).stdout).runs[0].tool.driver.rules;
    expect(local[0].helpUri).toBe(`${pathToFileURL(join(ROOT, "docs", "diagnostics.md")).href}#${local[0].id}`);
    expect(existsSync(join(ROOT, "docs", "diagnostics.md"))).toBe(true);
    const site = JSON.parse((await lvsc(["lint", join(EXAMPLES, "lvs_dr.conf"), "-f", "sarif", "--help-uri-base", "https://lvsc.example/docs/diagnostics.html"])).stdout);
    expect(site.runs[0].tool.driver.rules[3].helpUri).toBe(`https://lvsc.example/docs/diagnostics.html#${site.runs[0].tool.driver.rules[3].id}`);
    expect((await lvsc(["lint", "x", "-f", "sarif", "--help-uri-base", "not a url"])).code).toBe(2);
  });

  it("npm pack ships docs, the LICENSE, the man page and the completions", () => {
    const p = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    const paths = (JSON.parse(p.stdout)[0].files as { path: string }[]).map((f) => f.path);
    for (const f of ["LICENSE", "README.md", "docs/diagnostics.md", "dist/lvsc.1", "dist/completion/lvsc.bash", "dist/completion/_lvsc", "dist/cli.cjs"]) expect(paths).toContain(f);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect([pkg.license, pkg.man]).toEqual(["MIT", ["./dist/lvsc.1"]]);
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^MIT License\n/);
  });

  it("the man page has every command and option of --help, and man reads it without a warning", (ctx) => {
    const page = readFileSync(join(ROOT, "dist/lvsc.1"), "utf8");
    for (const c of COMMANDS) {
      expect(page).toContain(`.SS "lvsc ${c.synopsis.replace(/-/g, "\\-")}"`);
      for (const o of c.options) expect(page).toContain(`\\fB\\-\\-${o.long.replace(/-/g, "\\-")}\\fR`);
    }
    needTool(ctx, "man");
    const p = spawnSync("man", ["--warnings", "-l", join(ROOT, "dist/lvsc.1")], { encoding: "utf8", env: { ...process.env, MANWIDTH: "100", MAN_KEEP_FORMATTING: "" } });
    expect(p.stderr).toBe("");
    expect(p.status).toBe(0);
    for (const c of COMMANDS) for (const o of c.options) expect(p.stdout).toContain(optionLabel(o).split(" ")[0]!.replace(/,$/, ""));
  });

  it("bash completion completes commands, options and their values", () => {
    const script = `source "$1"
t() { COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _lvsc; echo "\${COMPREPLY[*]}"; }
t lvsc co; t lvsc compile --ta; t lvsc compile --target r; t lvsc lint -f s; t lvsc help v; t lvsc variants --a`;
    const p = spawnSync("bash", ["-c", script, "bash", join(ROOT, "dist/completion/lvsc.bash")], { encoding: "utf8" });
    expect(p.stdout).toBe("compile\n--target\nrc rc-local rules router\nstylish sarif\nvariants\n--arp\n");
  });

  it("bash completion passes shellcheck", (ctx) => {
    needTool(ctx, "shellcheck");
    const p = spawnSync("shellcheck", ["-s", "bash", join(ROOT, "dist/completion/lvsc.bash")], { encoding: "utf8" });
    expect(p.stdout + p.stderr).toBe("");
    expect(p.status).toBe(0);
  });

  // zpty -r with a pattern waits for that output however slow the machine is (no sleeps); the
  // spawn's timeout is only a guard against a completion that never comes
  it("zsh completion completes an option and its value", (ctx) => {
    needTool(ctx, "zsh");
    const script = `zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='>'; fpath=($1 \\$fpath); autoload -U compinit; compinit -u; lvsc(){}; print -r -- RE''ADY"
zpty -r z junk '*READY*'
zpty -w -n z $'lvsc compile --targ\\t'
zpty -r z out '*--target*'; print -r -- "$out"
zpty -w -n z $'\\C-u'
zpty -w -n z $'lvsc compile --target rc-l\\t'
zpty -r z out '*rc-local*'; print -r -- "$out"
zpty -d z`;
    const p = spawnSync("zsh", ["-c", script, "zsh", join(ROOT, "dist/completion")], { encoding: "utf8", timeout: 110_000 });
    expect(p.stdout).toContain("lvsc compile --target");
    expect(p.stdout).toContain("lvsc compile --target rc-local");
  });
});
