// Host side of the real-kernel tests: build (or reuse) the VM image, pack a scenario bundle
// into a second initramfs archive, boot qemu with no network device, read the results.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// this directory; when bundled (npm run bench runs through esbuild), the project's copy of it
const HERE = ((dir) => (existsSync(join(dir, "build-image.sh")) ? dir : join(process.cwd(), "test/e2e")))(fileURLToPath(new URL(".", import.meta.url)));

export interface Check {
  pass: boolean;
  detail: string;
}

export interface ScenarioResult {
  /** Exit status of the scenario script, or undefined if it never ended (VM timeout). */
  exit: number | undefined;
  duration: string;
  checks: Map<string, Check>;
  /** The scenario's part of the console, for failure messages. */
  log: string;
}

export interface VmRun {
  accel: string;
  booted: boolean;
  timedOut: boolean;
  wallSeconds: number;
  console: string;
  scenarios: Map<string, ScenarioResult>;
}

/** The host commands the VM image is built from, and the Debian package of each. */
const NEEDED: Record<string, string> = {
  "qemu-system-x86_64": "qemu-system-x86",
  "apt-get": "apt",
  "dpkg-deb": "dpkg",
  depmod: "kmod",
  kmod: "kmod",
  cpio: "cpio",
  busybox: "busybox-static",
  ipvsadm: "ipvsadm",
  socat: "socat",
  dash: "dash",
  mawk: "mawk",
};

/** What the real-kernel tests miss here: the commands and the packages that provide them. */
export function unavailable(): { commands: string[]; packages: string[] } | undefined {
  const commands = Object.keys(NEEDED).filter((c) => spawnSync("sh", ["-c", `command -v ${c}`]).status !== 0);
  if (commands.length === 0) return undefined;
  return { commands, packages: [...new Set(commands.map((c) => NEEDED[c]!))] };
}

/** Builds the kernel + base initramfs once (cached outside the repo); returns its directory. */
export function buildImage(): string {
  return execFileSync("sh", [join(HERE, "build-image.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

/** Packs `dir` (which holds `lvs/`) as a gzip newc cpio archive, appended after the base one. */
export function packOverlay(dir: string, out: string): void {
  const list = execFileSync("find", ["lvs"], { cwd: dir });
  const cpio = execFileSync("cpio", ["-o", "-H", "newc", "--quiet"], { cwd: dir, input: list, maxBuffer: 1 << 28 });
  writeFileSync(out, execFileSync("gzip", ["-1"], { input: cpio, maxBuffer: 1 << 28 }));
}

/**
 * KVM only where it really works: this machine's /dev/kvm may be PVM-based, which hangs stock
 * kernels, so KVM is tried only without kvm_pvm, and TCG is always the fallback.
 */
function accelerators(): string[] {
  const forced = process.env["LVSC_E2E_ACCEL"];
  if (forced !== undefined && forced !== "") return [forced];
  const kvmUsable = existsSync("/dev/kvm") && !existsSync("/sys/module/kvm_pvm");
  return kvmUsable ? ["kvm", "tcg"] : ["tcg"];
}

const MARK = "LVSC-E2E ";

export function parseConsole(text: string): Map<string, ScenarioResult> {
  const scenarios = new Map<string, ScenarioResult>();
  let current: { name: string; lines: string[] } | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    const at = line.indexOf(MARK);
    const m = at === -1 ? "" : line.slice(at + MARK.length);
    let r: RegExpExecArray | null;
    if ((r = /^SCENARIO (\S+) BEGIN/.exec(m)) !== null) {
      current = { name: r[1]!, lines: [] };
      scenarios.set(r[1]!, { exit: undefined, duration: "", checks: new Map(), log: "" });
      continue;
    }
    if (current !== undefined) current.lines.push(line);
    if ((r = /^CHECK (\S+) (\S+) (PASS|FAIL) ?(.*)$/.exec(m)) !== null) {
      scenarios.get(r[1]!)?.checks.set(r[2]!, { pass: r[3] === "PASS", detail: r[4] ?? "" });
    } else if ((r = /^SCENARIO (\S+) END (\d+) (\S+)/.exec(m)) !== null) {
      const s = scenarios.get(r[1]!);
      if (s !== undefined) {
        s.exit = Number(r[2]);
        s.duration = r[3]!;
      }
    }
    if (current !== undefined) scenarios.get(current.name)!.log = current.lines.join("\n");
  }
  return scenarios;
}

function boot(accel: string, image: string, initrd: string, timeoutMs: number, bootTimeoutMs: number): Promise<VmRun> {
  const args = [
    "-accel", accel,
    "-m", "1024",
    "-smp", "1",
    "-nodefaults", "-no-user-config", "-display", "none", "-serial", "stdio",
    // no network device at all: nothing can leave the guest
    "-nic", "none",
    "-no-reboot",
    "-kernel", join(image, "vmlinuz"),
    "-initrd", initrd,
    // no_timer_check: a TCG guest on a busy host can miss the kernel's early IO-APIC timer check
    // and panic ("IO-APIC + timer doesn't work!", seen with four guests on two cores)
    "-append", "console=ttyS0 quiet loglevel=3 panic=-1 no_timer_check",
  ];
  if (accel === "kvm") args.push("-cpu", "host");
  const started = Date.now();
  return new Promise((resolve) => {
    const qemu = spawn("qemu-system-x86_64", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let booted = false;
    let timedOut = false;
    const kill = () => {
      timedOut = true;
      qemu.kill("SIGKILL");
    };
    const total = setTimeout(kill, timeoutMs);
    const bootTimer = setTimeout(() => {
      if (!booted) kill();
    }, bootTimeoutMs);
    qemu.stdout.on("data", (b: Buffer) => {
      out += b.toString("utf8");
      if (!booted && out.includes(`${MARK}BOOTED`)) booted = true;
    });
    qemu.stderr.on("data", (b: Buffer) => (out += b.toString("utf8")));
    qemu.on("close", () => {
      clearTimeout(total);
      clearTimeout(bootTimer);
      resolve({
        accel,
        booted,
        timedOut,
        wallSeconds: (Date.now() - started) / 1000,
        console: out,
        scenarios: parseConsole(out),
      });
    });
  });
}

/** Boots the VM image with the bundle in `dir` (holding `lvs/`) and returns what the guest reported. */
export async function runVm(image: string, dir: string, opts: { timeoutMs: number }): Promise<VmRun> {
  const overlay = join(dir, "overlay.cpio.gz");
  packOverlay(dir, overlay);
  const initrd = join(dir, "initrd.gz");
  writeFileSync(initrd, Buffer.concat([readFileSync(join(image, "base.cpio.gz")), readFileSync(overlay)]));
  let last: VmRun | undefined;
  for (const accel of accelerators()) {
    last = await boot(accel, image, initrd, opts.timeoutMs, accel === "kvm" ? 30_000 : 120_000);
    if (last.booted) return last;
  }
  return last!;
}

/** Results of VMs run side by side, as one. */
export function mergeRuns(runs: VmRun[]): VmRun {
  return {
    accel: [...new Set(runs.map((r) => r.accel))].join("+"),
    booted: runs.every((r) => r.booted),
    timedOut: runs.some((r) => r.timedOut),
    wallSeconds: Math.max(...runs.map((r) => r.wallSeconds)),
    console: runs.map((r, i) => `===== VM ${i + 1} =====\n${r.console}`).join("\n"),
    scenarios: new Map(runs.flatMap((r) => [...r.scenarios])),
  };
}
