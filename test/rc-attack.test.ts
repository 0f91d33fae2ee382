// Issue 17, the rc script's part: each attack of the review on what root runs, rebuilt here as
// a test that fails on the script before the fix. The victim is the generated rc.lvs_dr run as
// root on a fake host (test/fake-host.ts: ip, sysctl, ipvsadm are stubs over files, so nothing
// real changes); the attacker is uid 65534 (nobody), with files chowned to it and steps run
// through setpriv. Where the review needed a race, a hook makes it deterministic: a stand-in
// for find(1), the tool of the script's check, lets the attacker act right after the check.
//
// These tests need root (chown, setpriv, unshare -n): elsewhere vitest lists them as skipped.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileText, readExample } from "./helpers.js";
import { FakeHost, type HostSpec } from "./fake-host.js";

const RC = compileText(readExample("lvs_dr.conf"), { file: "lvs_dr.conf" }).files.find((f) => f.path === "rc.lvs_dr")!.contents;
const REALSERVER: HostSpec = { links: { eth0: "up" }, addrs: ["eth0 192.168.0.3/24"] };
const CLUSTER = "rc.lvs_dr-192.168.0.101";
const BOOT = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
const NOBODY = 65534;
const PWN = "|/home/user/pwn.sh %p";
const ROOT = process.getuid?.() === 0;
const command = (name: string) => spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
const SETPRIV = command("setpriv");
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : command("python3");

/** Calls that change the host (everything else only reads). */
const CHANGING = /^(ip (addr|link|route) (add|del|replace|set)|sysctl -q -w|ipvsadm -[RAEDaed]|modprobe)/;
const changes = (calls: string[]) => calls.filter((c) => CHANGING.test(c));

/** Runs a shell command as the attacker. */
function asNobody(cmd: string, timeout = 10_000) {
  return spawnSync(SETPRIV, [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "sh", "-c", cmd], { encoding: "utf8", timeout });
}

/** A directory of the attacker's own, that root can also reach: /tmp/lvsc-att-XXXXXX, 0755, nobody's. */
function attackerDir(): string {
  const d = mkdtempSync(join(tmpdir(), "lvsc-att-"));
  chmodSync(d, 0o755);
  chownSync(d, NOBODY, NOBODY);
  return d;
}

/** Writes a file (and its directories), as root unless chowned afterwards. */
function put(file: string, text: string): void {
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
}

/**
 * The look-alike state of the review: this cluster holds kernel.core_pattern, whose "original"
 * is a pipe to the attacker's program. A stop that believed it would run
 * `sysctl -w kernel.core_pattern=|/home/user/pwn.sh %p`: code execution as root at the next crash.
 */
function plantCorePattern(state: string, origin: string): void {
  put(join(state, "host", "boot_id"), `${BOOT}\n`);
  put(join(state, "host", "sysctl.kernel.core_pattern", "original"), `${PWN}\n`);
  put(join(state, "host", "sysctl.kernel.core_pattern", "wanted"), "core\n");
  put(join(state, "host", "sysctl.kernel.core_pattern", "holders", CLUSTER), "");
  put(join(state, CLUSTER, "boot_id"), `${BOOT}\n`);
  put(join(state, CLUSTER, "origin"), `${origin}\n`);
  put(join(state, CLUSTER, "role"), "realserver\n");
  put(join(state, CLUSTER, "holds"), "sysctl.kernel.core_pattern\n");
}

function chownTree(path: string, uid: number): void {
  chownSync(path, uid, uid);
  if (lstatSync(path).isDirectory()) for (const e of readdirSync(path)) chownTree(join(path, e), uid);
}

/** A real server of the walkthrough whose kernel.core_pattern is "core". */
function realServer() {
  const h = new FakeHost(REALSERVER);
  h.setSysctl("kernel.core_pattern", "core");
  return { h, rc: h.install(RC, "lvs/rc.lvs_dr") };
}

describe.skipIf(!ROOT || SETPRIV === "")("issue 17: what root's rc script trusts", { timeout: 120_000 }, () => {
  describe("3. the state directory", () => {
    it("refuses a planted kernel.core_pattern in a root-owned state (no race): names the file, changes nothing", () => {
      const { h, rc } = realServer();
      plantCorePattern(h.stateDir, rc);
      const before = h.snapshot();
      const r = h.run(rc, ["stop"]);
      expect(h.sysctl("kernel.core_pattern")).toBe("core");
      expect(changes(r.calls)).toEqual([]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`rc.lvs_dr: error: refusing the state in ${h.stateDir}: ${h.stateDir}/${CLUSTER}/holds: sysctl.kernel.core_pattern is not a setting this script sets.`);
      expect(h.snapshot()).toBe(before);
      // start refuses it just the same, before any change
      const start = h.run(rc, ["start"]);
      expect([start.status, changes(start.calls)]).toEqual([1, []]);
      expect(h.snapshot()).toBe(before);
    });

    it("refuses values the script cannot have written: an original that is not a number or of two lines, a route with words ip never prints, a role of its own", () => {
      const spoils: [string, (state: string) => void, string][] = [
        [
          "arp_ignore's original",
          (s) => writeFileSync(join(s, "host", "sysctl.net.ipv4.conf.all.arp_ignore", "original"), "8 kernel.core_pattern=|/tmp/x\n"),
          `host/sysctl.net.ipv4.conf.all.arp_ignore/original: '8 kernel.core_pattern=|/tmp/x' is not a value this script saves for net.ipv4.conf.all.arp_ignore`,
        ],
        [
          "an original in two lines",
          (s) => writeFileSync(join(s, "host", "sysctl.net.ipv4.conf.all.arp_announce", "original"), "0\n2\n"),
          `host/sysctl.net.ipv4.conf.all.arp_announce/original: it has more than one line`,
        ],
        [
          "the default route's original",
          (s) => {
            put(join(s, "host", "route.default", "original"), "via 10.0.0.1 dev eth0 table 7\n");
            put(join(s, "host", "route.default", "wanted"), "10.0.0.254\n");
            put(join(s, "host", "route.default", "holders", CLUSTER), "");
            writeFileSync(join(s, CLUSTER, "holds"), `${readFileSync(join(s, CLUSTER, "holds"), "utf8")}route.default\n`);
          },
          `host/route.default/original: 'via 10.0.0.1 dev eth0 table 7' is not a value this script saves for the default route`,
        ],
        [
          "the role",
          (s) => writeFileSync(join(s, CLUSTER, "role"), "director; reboot\n"),
          `${CLUSTER}/role: 'director; reboot' is not a value this script saves for the role`,
        ],
      ];
      for (const [what, spoil, message] of spoils) {
        const { h, rc } = realServer();
        expect(h.run(rc, ["start"]).status).toBe(0);
        spoil(h.stateDir);
        const before = h.snapshot();
        const r = h.run(rc, ["stop"]);
        expect([what, r.status, changes(r.calls)]).toEqual([what, 1, []]);
        expect(r.stderr).toContain(`rc.lvs_dr: error: refusing the state in ${h.stateDir}: ${h.stateDir}/${message}.`);
        expect(h.snapshot()).toBe(before);
      }
    });

    it("refuses a state path below a directory another user owns: the tree exchanged after the check cannot be read by name", () => {
      // root's own state of a start, in a directory that the attacker owns
      const { h, rc } = realServer();
      expect(h.run(rc, ["start"]).status).toBe(0);
      const att = attackerDir();
      const state = join(att, "state");
      cpSync(h.stateDir, state, { recursive: true });
      // the attacker's look-alike, beside it
      const fake = join(att, "fake");
      plantCorePattern(fake, rc);
      chownTree(fake, NOBODY);
      // the hook: after the script's last check of the old script (find, the second time: the lock
      // checks first, then load_state), the attacker exchanges the two trees with
      // renameat2(RENAME_EXCHANGE), as the review did
      const exchange = `import ctypes, sys\nlibc = ctypes.CDLL(None, use_errno=True)\nif libc.renameat2(-100, sys.argv[1].encode(), -100, sys.argv[2].encode(), 2) != 0:\n    raise OSError(ctypes.get_errno(), "renameat2")\n`;
      writeFileSync(join(att, "exchange.py"), exchange);
      writeFileSync(
        join(h.bin, "find"),
        `#!/bin/sh\n${join(h.dir, "tools", "find")} "$@"\nrc=$?\nn=$(($(cat "$STUB_DIR/finds" 2>/dev/null || echo 0) + 1))\necho "$n" >"$STUB_DIR/finds"\n` +
          `if [ "$n" = 2 ]; then ${SETPRIV} --reuid=${NOBODY} --regid=${NOBODY} --clear-groups ${PYTHON} ${att}/exchange.py ${state} ${fake} || echo "exchange failed" >&2; fi\nexit $rc\n`,
        { mode: 0o755 },
      );
      const before = h.snapshot();
      const r = h.run(rc, ["stop"], { stateDir: state });
      expect(h.sysctl("kernel.core_pattern")).toBe("core");
      expect(changes(r.calls)).toEqual([]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`rc.lvs_dr: error: refusing the state directory ${state}: ${att} is not owned by root`);
      expect(h.snapshot()).toBe(before);
      // and start, which would build its state there, refuses it before any change too
      const start = h.run(rc, ["start"], { stateDir: join(att, "other") });
      expect([start.status, changes(start.calls)]).toEqual([1, []]);
      expect(start.stderr).toContain(`refusing the state directory ${att}/other: ${att} is not owned by root`);
      expect(existsSync(join(att, "other"))).toBe(false);
    });

    it("refuses a group- or world-writable directory above the state, and a sticky one whose next directory is not root's", () => {
      const { h, rc } = realServer();
      const shared = join(h.dir, "shared");
      mkdirSync(shared);
      chmodSync(shared, 0o777);
      const r = h.run(rc, ["start"], { stateDir: join(shared, "state") });
      expect([r.status, changes(r.calls)]).toEqual([1, []]);
      expect(r.stderr).toContain(`refusing the state directory ${shared}/state: ${shared} is writable by group or others`);
      // sticky, like /tmp: fine when the next directory is root's, refused when it is the attacker's
      chmodSync(shared, 0o1777);
      expect(h.run(rc, ["start"], { stateDir: join(shared, "state") }).status).toBe(0);
      expect(h.run(rc, ["stop"], { stateDir: join(shared, "state") }).status).toBe(0);
      const theirs = join(shared, "theirs");
      mkdirSync(theirs);
      chownSync(theirs, NOBODY, NOBODY);
      const t = h.run(rc, ["start"], { stateDir: join(theirs, "state") });
      expect([t.status, changes(t.calls)]).toEqual([1, []]);
      expect(t.stderr).toContain(`refusing the state directory ${theirs}/state: ${theirs} is not owned by root`);
    });
  });

  it("4. a trailing slash does not make the check follow a symbolic link that it refuses without one", () => {
    const { h, rc } = realServer();
    // a root-owned tree elsewhere, with a host directory that has no boot_id: start "forgets" it with rm -rf
    const elsewhere = join(h.dir, "elsewhere");
    put(join(elsewhere, "host", "precious"), "keep me\n");
    symlinkSync(elsewhere, h.stateDir);
    for (const dir of [h.stateDir, `${h.stateDir}/`, `${h.stateDir}//`]) {
      const r = h.run(rc, ["start"], { stateDir: dir });
      expect([dir, r.status, changes(r.calls)]).toEqual([dir, 1, []]);
      expect(r.stderr).toContain(`${h.stateDir} is a symbolic link`);
      expect(readFileSync(join(elsewhere, "host", "precious"), "utf8")).toBe("keep me\n");
    }
  });

  it("5. refuses a state directory that is not an absolute path: status never runs find -delete", () => {
    const { h, rc } = realServer();
    const cwd = join(h.dir, "cwd");
    put(join(cwd, "-delete"), "");
    put(join(cwd, "precious"), "keep me\n");
    for (const action of ["status", "plan", "start", "stop"]) {
      const r = h.run(rc, [action], { stateDir: "-delete", cwd });
      expect([action, r.status, changes(r.calls)]).toEqual([action, 1, []]);
      expect(r.stderr).toContain("rc.lvs_dr: error: LVSC_STATE_DIR must be an absolute path, not '-delete'");
      expect(readdirSync(cwd).sort()).toEqual(["-delete", "precious"]);
    }
  });

  it("6. creates the state and its lock for root alone: no user can hold the lock and make stop give up", async () => {
    const { h, rc } = realServer();
    chmodSync(h.dir, 0o755);
    expect(h.run(rc, ["start"], { flock: true }).status).toBe(0);
    expect(statSync(join(h.stateDir, "lock")).mode & 0o777).toBe(0o600);
    expect(statSync(h.stateDir).mode & 0o777).toBe(0o700);
    // the attacker tries to take a shared lock on it, and holds it for 10 s
    const holder = spawn(SETPRIV, [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "flock", "-s", "-n", join(h.stateDir, "lock"), "sh", "-c", "echo held; sleep 10"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const outcome = await new Promise<string>((resolve) => {
      holder.stdout.on("data", (b: Buffer) => (b.toString().includes("held") ? resolve("held") : undefined));
      holder.on("exit", (code) => resolve(`exit ${code}`));
    });
    try {
      expect(outcome).not.toBe("held");
      const r = h.run(rc, ["stop"], { flock: true, lockTimeout: 1 });
      expect(r.stderr).not.toContain("gave up");
      expect(r.status).toBe(0);
    } finally {
      holder.kill();
    }
  });

  it("7. reads nothing of the state before checking it: a FIFO at the cluster's boot_id does not hang stop", () => {
    // a host with none of the cluster's addresses: the role comes from the state
    const h = new FakeHost({ links: { eth0: "up" }, addrs: ["eth0 10.9.9.9/24"] });
    const rc = h.install(RC, "lvs/rc.lvs_dr");
    const att = attackerDir();
    const state = join(att, "state");
    const fifo = join(state, CLUSTER, "boot_id");
    expect(asNobody(`mkdir -p ${state}/${CLUSTER} && mkfifo ${fifo}`).status).toBe(0);
    const started = Date.now();
    const p = spawnSync("sh", [rc, "stop"], {
      encoding: "utf8",
      timeout: 5_000,
      env: { PATH: `${h.bin}:${join(h.dir, "tools")}`, STUB_DIR: h.dir, STUB_UID: "0", LVSC_STATE_DIR: state, LVSC_LOCK_TIMEOUT: "1" },
    });
    // (release a reader that the old script left blocked on the FIFO)
    spawnSync("sh", ["-c", `: >${fifo}`], { timeout: 1_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(p.status).toBe(1);
    expect(p.stderr).toContain(`rc.lvs_dr: error: refusing the state directory ${state}: ${att} is not owned by root`);
  });

  describe("9. the environment of a root script", () => {
    it("never runs a command from the caller's PATH (sudo keeping a user's PATH)", () => {
      // the script exactly as compiled (the fake host's copy uses the stubs' PATH), run by real
      // root in a network namespace of its own: status only reads, and finds no address of the
      // cluster there
      const h = new FakeHost();
      const raw = join(h.dir, "raw", "rc.lvs_dr");
      put(raw, RC);
      const att = attackerDir();
      const ran = join(att, "ran");
      for (const tool of ["id", "ip", "awk", "cat", "find", "sysctl", "mkdir", "env", "printf"]) {
        writeFileSync(join(att, tool), `#!/bin/sh\necho "${tool} $*" >>${ran}\nexec ${command(tool)} "$@"\n`, { mode: 0o755 });
      }
      chownTree(att, NOBODY);
      const p = spawnSync(command("unshare"), ["-n", "/bin/sh", raw, "status"], {
        encoding: "utf8",
        env: { PATH: `${att}:/usr/bin:/bin`, LVSC_STATE_DIR: join(h.dir, "state") },
      });
      expect(existsSync(ran) ? readFileSync(ran, "utf8") : "").toBe("");
      expect(p.stderr).toContain("rc.lvs_dr: error: this host has none of the cluster's addresses");
      expect(p.status).toBe(1);
    });

    it("CDPATH does not change the script's path, by which stop knows its state", () => {
      // run by a relative path (sh lvs/rc.lvs_dr), with a CDPATH where the attacker has an lvs
      const { h, rc } = realServer();
      const att = attackerDir();
      mkdirSync(join(att, "lvs"));
      chownTree(att, NOBODY);
      const r = h.run("lvs/rc.lvs_dr", ["start"], { cwd: h.dir, vars: { CDPATH: att } });
      expect(r.status).toBe(0);
      expect(readFileSync(join(h.stateDir, CLUSTER, "origin"), "utf8")).toBe(`${rc}\n`);
      const stop = h.run("lvs/rc.lvs_dr", ["stop"], { cwd: h.dir, vars: { CDPATH: att } });
      expect(stop.stdout).not.toContain(att);
      expect(stop.status).toBe(0);
    });

    it.runIf(command("bash") !== "")("refuses functions exported in its environment, which bash imports even as sh", () => {
      const { h, rc } = realServer();
      const bin = join(h.dir, "bash-as-sh");
      mkdirSync(bin);
      symlinkSync(command("bash"), join(bin, "sh"));
      const mark = join(h.dir, "pwned");
      const before = h.snapshot();
      const r = h.run(rc, ["stop"], { shell: join(bin, "sh"), vars: { "BASH_FUNC_ip%%": `() { echo pwned >>${mark}; }` } });
      expect(existsSync(mark)).toBe(false);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("rc.lvs_dr: error: the environment exports shell functions (BASH_FUNC_");
      expect(h.snapshot()).toBe(before);
    });
  });
});
