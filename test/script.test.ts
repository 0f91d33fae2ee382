// The generated script's own logic, run on this host against stub commands (ip, ipvsadm,
// sysctl, modprobe, arping, id come first in PATH, so nothing real is ever changed), and its
// IPVS reconcile program run under every common awk. The real kernel is test/e2e's job.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { compileText, conf, readExample } from "./helpers.js";
import { needTool, type ToolName } from "./tools.js";

const files = (text: string, file = "lvs_dr.conf") => Object.fromEntries(compileText(text, { file }).files.map((f) => [f.path, f.contents]));
const DR = files(readExample("lvs_dr.conf"));

// ---------------------------------------------------------------- stubs

const STUBS: Record<string, string> = {
  id: `[ "$1" = -u ] && echo "\${STUB_UID:-0}"`,
  // no link exists and no address is configured, so start has everything to do
  ip: `case "$*" in
"-4 -o addr show") printf '%b' "$STUB_ADDRS" ;;
"link show dev "*) exit 1 ;;
esac`,
  sysctl: `[ "$1" = -n ] && echo 0`,
  ipvsadm: `case "$*" in
"-S -n") if [ -e "$STUB_DIR/applied" ]; then cat "$STUB_DIR/wanted"; else cat "$STUB_DIR/live"; fi ;;
"-R") cat >"$STUB_DIR/batch"; cp "$STUB_DIR/wanted" "$STUB_DIR/applied"; [ -z "$STUB_R_ERR" ] || echo "$STUB_R_ERR" >&2 ;;
esac`,
  modprobe: "",
  arping: "",
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Every stub call, in order: "ip addr replace …". */
  calls: string[];
  dir: string;
}

function run(script: string, args: string[], env: { addrs?: string; uid?: number; live?: string; wanted?: string; rErr?: string } = {}): Run {
  const dir = mkdtempSync(join(tmpdir(), "lvsc-script-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  for (const [name, body] of Object.entries(STUBS)) {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >>"$STUB_DIR/calls"\n${body}\nexit 0\n`);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(join(dir, "live"), env.live ?? "");
  writeFileSync(join(dir, "wanted"), env.wanted ?? "");
  writeFileSync(join(dir, "rc"), script);
  const p = spawnSync("sh", [join(dir, "rc"), ...args], {
    encoding: "utf8",
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      STUB_DIR: dir,
      STUB_ADDRS: env.addrs ?? "",
      STUB_UID: String(env.uid ?? 0),
      STUB_R_ERR: env.rErr ?? "",
      LVSC_STATE_DIR: join(dir, "state"),
    },
  });
  const calls = existsSync(join(dir, "calls")) ? readFileSync(join(dir, "calls"), "utf8").trimEnd().split("\n") : [];
  return { status: p.status, stdout: p.stdout, stderr: p.stderr, calls, dir };
}

const addr = (a: string) => `2: eth0    inet ${a}/24 brd 192.168.0.255 scope global eth0\\n`;

describe("rc.lvs_dr before it changes anything", () => {
  it("refuses to run when not root", () => {
    const r = run(DR["rc.lvs_dr"]!, ["start"], { uid: 1000, addrs: addr("192.168.0.1") });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("must run as root");
    expect(r.calls.filter((c) => !c.startsWith("id "))).toEqual([]);
  });

  it("refuses a host with none of the cluster's addresses, saying which it looked for", () => {
    const r = run(DR["rc.lvs_dr"]!, ["start"], { addrs: addr("10.9.9.9") });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "rc.lvs_dr: error: this host has none of the cluster's addresses (director: 192.168.0.1; real servers: 192.168.0.3 192.168.0.4); give the role: rc.lvs_dr start director|realserver\n",
    );
    expect(r.calls.some((c) => / (add|replace|set|del) /.test(c) || c.startsWith("sysctl"))).toBe(false);
  });

  it("prints usage and exits 2 for a wrong action or role", () => {
    for (const args of [[], ["restart"], ["start", "router"], ["start", "director", "extra"]]) {
      const r = run(DR["rc.lvs_dr"]!, args, { addrs: addr("192.168.0.1") });
      expect([args, r.status, r.stderr]).toEqual([args, 2, "usage: rc.lvs_dr start|stop|status [director|realserver]\n"]);
    }
  });

  it("never takes 127.0.0.1 for a real server's address, and prefers the director role", () => {
    const local = files(conf({ 6: "SERVICE=t www rr rs1 127.0.0.1" }));
    const lo = run(local["rc.lvs_dr"]!, ["status"], { addrs: "1: lo    inet 127.0.0.1/8 scope host lo\\n" });
    expect(lo.stderr).toContain("none of the cluster's addresses");
    const both = run(DR["rc.lvs_dr"]!, ["status"], { addrs: addr("192.168.0.3") + addr("192.168.0.1"), wanted: DR["ipvsadm.rules"]! });
    expect(both.stdout).toContain("IPVS:");
  });
});

describe("rc.lvs_dr start, step by step", () => {
  it("hides a real server from ARP before its VIP exists", () => {
    const r = run(DR["rc.lvs_dr"]!, ["start"], { addrs: addr("192.168.0.3") });
    expect(r.status).toBe(0);
    const steps = r.calls.filter((c) => /^(sysctl -q -w|ip (addr|link) (add|replace))/.test(c));
    expect(steps).toEqual([
      "sysctl -q -w net.ipv4.conf.all.arp_ignore=1",
      "sysctl -q -w net.ipv4.conf.all.arp_announce=2",
      "sysctl -q -w net.ipv4.conf.eth0.arp_ignore=1",
      "sysctl -q -w net.ipv4.conf.eth0.arp_announce=2",
      "ip link add dummy0 type dummy",
      "ip addr replace 192.168.0.101/32 dev dummy0",
    ]);
  });

  it("sends the director's whole change in one ipvsadm -R batch that leaves other VIPs alone", () => {
    const live = ["-A -t 10.9.9.9:80 -s wlc", "-a -t 10.9.9.9:80 -r 10.9.9.10:80 -g -w 5", "-A -f 99 -s rr", ""].join("\n");
    const r = run(DR["rc.lvs_dr"]!, ["start"], { addrs: addr("192.168.0.1"), live, wanted: DR["ipvsadm.rules"]! });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c.startsWith("ipvsadm -R"))).toHaveLength(1);
    expect(readFileSync(join(r.dir, "batch"), "utf8")).toBe(
      [
        "-A -t 192.168.0.101:23 -s rr",
        "-A -t 192.168.0.101:80 -s rr",
        "-a -t 192.168.0.101:23 -r 192.168.0.3:23 -g -w 1",
        "-a -t 192.168.0.101:23 -r 192.168.0.4:23 -g -w 1",
        "-a -t 192.168.0.101:80 -r 192.168.0.3:80 -g -w 1",
        "-a -t 192.168.0.101:80 -r 192.168.0.4:80 -g -w 1",
        "",
      ].join("\n"),
    );
    expect(r.calls).not.toContain("ipvsadm -C");
  });

  it("stops with an error when the kernel refused a line of the batch", () => {
    // ipvsadm says so on stderr and goes on; the table then lacks what was refused
    const r = run(DR["rc.lvs_dr"]!, ["start"], { addrs: addr("192.168.0.1"), wanted: "", rErr: "Scheduler not found" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Scheduler not found\n");
    expect(r.stderr).toContain("ipvsadm did not apply every change");
  });

  it("trusts a silent, successful batch without reading the whole table again", () => {
    const r = run(DR["rc.lvs_dr"]!, ["start"], { addrs: addr("192.168.0.1"), wanted: DR["ipvsadm.rules"]! });
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c === "ipvsadm -S -n")).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- the reconcile program

/** The awk program of ipvs_plan(), exactly as emitted. */
function planProgram(script: string): string {
  const m = /-v manage_rs=\S+ '\n([\s\S]*?)\n\t\t}'\n}/.exec(script);
  if (m === null) throw new Error("ipvs_plan's awk program not found");
  return `${m[1]}\n\t\t}`;
}

/**
 * This machine's awk, and every common awk: the tool that provides it (undefined: always here,
 * POSIX requires an awk), and how to run it as POSIX awk.
 */
const AWKS: [ToolName | undefined, string[]][] = [
  [undefined, ["awk"]],
  ["mawk", ["mawk"]],
  ["gawk", ["gawk", "--posix"]],
  ["original-awk", ["original-awk"]],
  ["busybox", ["busybox", "awk"]],
];

function plan(awk: string[], wanted: string, live: string, o: { mode?: string; marks?: string; manage?: string } = {}): string[] {
  const prog = planProgram(DR["rc.lvs_dr"]!);
  const p = spawnSync(
    awk[0]!,
    [...awk.slice(1), "-v", `mode=${o.mode ?? "start"}`, "-v", "vip=192.168.0.101", "-v", `marks=${o.marks ?? ""}`, "-v", `manage_rs=${o.manage ?? "1"}`, prog],
    { input: `${wanted}--\n${live}`, encoding: "utf8" },
  );
  if (p.status !== 0) throw new Error(`${awk.join(" ")}: ${p.stderr}`);
  return p.stdout.split("\n").filter((l) => l !== "");
}

const WANT = DR["ipvsadm.rules"]!;

describe.each(AWKS.map(([tool, a]) => [a.join(" "), tool, a] as const))("ipvs_plan under %s", (_name, tool, awk) => {
  beforeEach((ctx) => {
    if (tool !== undefined) needTool(ctx, tool);
  });

  it("adds everything to an empty table, services first", () => {
    expect(plan(awk, WANT, "")).toEqual(WANT.trimEnd().split("\n").sort((a, b) => (a.startsWith("-A") === b.startsWith("-A") ? 0 : a.startsWith("-A") ? -1 : 1)));
  });

  it("changes nothing when the table is as wanted", () => {
    expect(plan(awk, WANT, WANT)).toEqual([]);
  });

  it("edits in place: a scheduler with -E, a weight with -e, never delete and re-add", () => {
    const live = WANT.replace("-A -t 192.168.0.101:80 -s rr", "-A -t 192.168.0.101:80 -s wlc -p 300").replace("-r 192.168.0.4:23 -g -w 1", "-r 192.168.0.4:23 -g -w 7");
    expect(plan(awk, WANT, live)).toEqual(["-E -t 192.168.0.101:80 -s rr", "-e -t 192.168.0.101:23 -r 192.168.0.4:23 -g -w 1"]);
  });

  it("removes what the conf no longer has: a real server, a service of its VIP", () => {
    const live = WANT + "-a -t 192.168.0.101:80 -r 192.168.0.9:80 -g -w 1\n-A -u 192.168.0.101:53 -s rr\n-a -u 192.168.0.101:53 -r 192.168.0.3:53 -g -w 1\n";
    expect(plan(awk, WANT, live)).toEqual(["-D -u 192.168.0.101:53", "-d -t 192.168.0.101:80 -r 192.168.0.9:80"]);
  });

  it("never touches another VIP or a mark that is not its own", () => {
    const foreign = "-A -t 192.168.0.102:80 -s rr\n-a -t 192.168.0.102:80 -r 192.168.0.3:80 -g -w 1\n-A -f 99 -s rr\n-A -t 192.168.0.1010:80 -s rr\n";
    expect(plan(awk, WANT, WANT + foreign)).toEqual([]);
    expect(plan(awk, WANT, WANT + foreign, { mode: "stop" })).toEqual(["-D -t 192.168.0.101:23", "-D -t 192.168.0.101:80"]);
    expect(plan(awk, "-A -f 7 -s rr\n", "-A -f 7 -s rr\n-A -f 77 -s rr\n", { mode: "stop", marks: "7" })).toEqual(["-D -f 7"]);
  });

  it("with INITIAL_STATE=off, leaves the real servers to the monitor", () => {
    const services = "-A -t 192.168.0.101:23 -s rr\n-A -t 192.168.0.101:80 -s rr\n";
    expect(plan(awk, services, WANT, { manage: "0" })).toEqual([]);
    expect(plan(awk, services, "", { manage: "0" })).toEqual(services.trimEnd().split("\n"));
  });
});
