// System tools that some checks need (shellcheck, keepalived, other awks...). A fresh machine
// has none of them, so a check that needs one is skipped there, visibly: the skip carries a note
// naming the tool and the command that installs it, and test/skip-reporter.ts counts the notes
// in one summary. Under CI=true a missing tool is a failure instead: CI must run every check.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Tool {
  /** The command that shows the tool works (its exit status 0). */
  probe: readonly string[];
  /** The Debian package that provides it. */
  pkg: string;
  /** What the checks that need it prove, for the skip note. */
  why: string;
}

export const TOOLS = {
  shellcheck: { probe: ["shellcheck", "--version"], pkg: "shellcheck", why: "lints every generated script" },
  keepalived: { probe: ["keepalived", "--version"], pkg: "keepalived", why: "keepalived -t checks every generated keepalived.conf" },
  gawk: { probe: ["gawk", "--version"], pkg: "gawk", why: "runs the scripts' awk under GNU awk" },
  "original-awk": { probe: ["sh", "-c", "command -v original-awk"], pkg: "original-awk", why: "runs the scripts' awk under the one true awk" },
  busybox: { probe: ["busybox", "true"], pkg: "busybox-static", why: "runs the scripts' awk under busybox" },
  mawk: { probe: ["mawk", "-W", "version"], pkg: "mawk", why: "runs the scripts' awk under mawk (Debian's default awk)" },
  "fonts-dejavu": {
    probe: ["test", "-e", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"],
    pkg: "fonts-dejavu-core",
    why: "renders the topology pictures with the font they are laid out for",
  },
  mon: { probe: ["sh", "-c", "command -v mon"], pkg: "mon", why: "mon reads every generated mon.cf, and adds the healthy real servers at startup" },
  "systemd-analyze": { probe: ["systemd-analyze", "--version"], pkg: "systemd", why: "systemd-analyze verify checks lvs.service" },
  script: { probe: ["script", "--version"], pkg: "bsdutils", why: "runs lvsc on a pseudo-terminal, where its output is coloured" },
  man: { probe: ["man", "--version"], pkg: "man-db", why: "man -l reads the generated lvsc.1" },
  zsh: { probe: ["zsh", "-c", "zmodload zsh/zpty"], pkg: "zsh", why: "runs the generated zsh completion" },
  patch: { probe: ["patch", "--version"], pkg: "patch", why: "applies compile --check's diff, which must make the new set" },
  // parse-only (`bird -p`): the tests never start BIRD as a daemon on the host
  gcc: {
    probe: ["sh", "-c", "printf '#include <arpa/inet.h>\\nint main(void){return 0;}\\n' | gcc -x c -o /dev/null -"],
    pkg: "gcc libc6-dev",
    why: "compiles ipvsadm's own comparator to check the order of ipvsadm.rules",
  },
  bird: { probe: ["sh", "-c", "test -x /usr/sbin/bird && /usr/sbin/bird --version"], pkg: "bird2", why: "bird -p parses every generated BIRD configuration" },
} as const satisfies Record<string, Tool>;

export type ToolName = keyof typeof TOOLS;

const cache = new Map<ToolName, boolean>();

/** Whether the tool runs on this machine. */
export function has(name: ToolName): boolean {
  let ok = cache.get(name);
  if (ok === undefined) {
    const [cmd, ...args] = TOOLS[name].probe;
    ok = spawnSync(cmd!, args, { stdio: "ignore" }).status === 0;
    cache.set(name, ok);
  }
  return ok;
}

/** The note a skipped check carries; test/skip-reporter.ts parses it back. */
export function skipNote(name: ToolName): string {
  return `needs ${name} (apt-get install ${TOOLS[name].pkg})`;
}

export const CI = process.env["CI"] === "true";

/**
 * Call first in a test that needs `name`: returns when the tool is here; otherwise skips the
 * test with a note naming the tool, or, under CI=true, fails it.
 */
export function needTool(ctx: { skip: (note?: string) => never }, name: ToolName): void {
  if (has(name)) return;
  if (CI) throw new Error(`${name} is missing, and CI=true runs every check: apt-get install ${TOOLS[name].pkg} (${TOOLS[name].why})`);
  ctx.skip(skipNote(name));
}

const isRoot = process.getuid?.() === 0;

/**
 * keepalived -t, inside a network namespace holding eth0 (when root), as test/targets.test.ts runs
 * it, and as PID 1 of a PID namespace: keepalived 2.2.7's -t checks a MISC_CHECK's script as the
 * script's user and then, unless it is PID 1, ends itself with SIGTERM before it reports (seen
 * with strace: kill(getpid(), SIGTERM) after setresuid back to root); the daemon is not affected.
 */
export function keepalivedTest(text: string, interfaces: readonly string[] = ["eth0"]): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "lvsc-ka-"));
  const file = join(dir, "keepalived.conf");
  writeFileSync(file, text);
  const ns = `lvsc-kachk-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const netns = isRoot && spawnSync("ip", ["netns", "add", ns]).status === 0;
  try {
    if (netns) for (const i of interfaces) spawnSync("ip", ["-n", ns, "link", "add", i, "type", "veth", "peer", "name", `${i}p`]);
    const test = ["unshare", "--pid", "--fork", "keepalived", "-t", "-f", file];
    const [cmd, ...args] = netns ? ["ip", "netns", "exec", ns, ...test] : test;
    const p = spawnSync(cmd!, args, { encoding: "utf8" });
    return { status: p.status, output: p.stdout + p.stderr };
  } finally {
    if (netns) spawnSync("ip", ["netns", "del", ns]);
  }
}
