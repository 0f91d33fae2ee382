// Real-kernel tests of health checks per service (CHECK, issue 19): the keepalived.conf that
// `lvsc compile` wrote runs unchanged under Debian's keepalived on a director (a network namespace
// in the qemu VM), and real servers turn unhealthy the way each kind of check sees it: an
// application whose /health answers 500 while / answers 200 (HTTP_GET), the same over TLS with a
// self-signed certificate this test makes (SSL_GET), a DNS server answering SERVFAIL (DNS_CHECK;
// test/e2e/dnsd.c, compiled here),
// a script whose exit status says so (MISC_CHECK). Each must leave the table within its check's
// bound and come back when healthy. The negative control is the same lab with lvsc's default
// checks, which keep the unhealthy server in. One VM runs both scenarios.
//
//   npx vitest run --config vitest.e2e.config.ts test/e2e/checks.test.ts
//   LVSC_CHECKS_REPORT=FILE keeps the figures (README, "Health checks")
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe } from "vitest";
import { bundle, compileInto, scenarioTests, selected, unavailableSuite } from "./suite.js";
import { buildImage, runVm, unavailable, type VmRun } from "./vm.js";

const RUNS = 3;
const KINDS = ["http", "https", "dns", "script"] as const;

const HOSTS = "192.168.0.3 rs1\n192.168.0.4 rs2\n";
const base = (checks: string[]) =>
  [
    "LVS_TYPE=VS_DR",
    "INITIAL_STATE=on",
    "VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.255",
    "DIRECTOR_INSIDEIP=eth0 192.168.0.1 192.168.0.0 255.255.255.0 192.168.0.255",
    "SERVICE=t www rr rs1 rs2",
    "SERVICE=t https rr rs1 rs2",
    "SERVICE=u domain rr rs1 rs2",
    "SERVICE=t 8080 rr rs1 rs2",
    "SERVER_VIP_DEVICE=dummy0",
    "SERVER_NET_DEVICE=eth0",
    ...checks,
    "",
  ].join("\n");

/**
 * Fast timers, so that each run takes seconds: a server that fails at once is out within
 * 2 + 1 x 1 = 3 s. The timeout is longer, 5 s: on a loaded machine (load 8 on 2 cores, other VMs
 * beside this one) the TCG guest is slow enough that healthy servers missed 1 s and 3 s timeouts
 * with interval:1, and left the table (first runs of this suite).
 */
const TIMERS = "interval:2 timeout:5 retries:1 retry-delay:1";
const CUSTOM = base([
  `CHECK=t www http path:/health status:200 ${TIMERS}   # lvsc-disable-line check-not-in-mon`,
  `CHECK=t https https path:/health status:200 ${TIMERS}   # lvsc-disable-line check-not-in-mon`,
  `CHECK=u domain dns name:example.com type:A ${TIMERS}`,
  `CHECK=t 8080 script run:/lvs/checks_script.sh ${TIMERS}   # lvsc-disable-line check-not-in-mon`,
]);

interface Scenario {
  name: string;
  mode: "custom" | "default";
  conf: string;
  file: string;
  hosts: string;
  passes: string[];
  fails?: string[];
}

const runs = (what: string) => KINDS.flatMap((k) => Array.from({ length: RUNS }, (_, i) => `${k}-${what}-${i + 1}`));

const ALL_SCENARIOS: Scenario[] = [
  { name: "checks", mode: "custom", conf: CUSTOM, file: "lvs_dr.conf", hosts: HOSTS, passes: ["steady", ...runs("out"), ...runs("back"), "health-500-root-200"] },
  // the negative control: lvsc's default checks (HTTP_GET / 200-499, TCP connects, UDP_CHECK)
  // keep every unhealthy rs2 in the table
  { name: "broken-checks-default", mode: "default", conf: base([]), file: "lvs_dr.conf", hosts: HOSTS, passes: ["steady"], fails: KINDS.map((k) => `${k}-out-1`) },
];
const SCENARIOS = selected(ALL_SCENARIOS);

/** A self-signed certificate and its key, in one PEM file (socat's cert=), made with the host's openssl. */
function certificate(): string {
  const dir = mkdtempSync(join(tmpdir(), "lvsc-e2e-cert-"));
  // an EC key: its TLS handshake costs the slow guest less than RSA's
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=rs.lvsc.test", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
  return readFileSync(join(dir, "cert.pem"), "utf8") + readFileSync(join(dir, "key.pem"), "utf8");
}

/** The DNS real server (test/e2e/dnsd.c), a static binary made with the host's gcc. */
function dnsd(): string {
  const out = join(mkdtempSync(join(tmpdir(), "lvsc-e2e-dnsd-")), "dnsd");
  execFileSync("gcc", ["-static", "-O2", "-o", out, fileURLToPath(new URL("./dnsd.c", import.meta.url))], { stdio: "inherit" });
  return out;
}

function bundleOf(scenarios: Scenario[]): string {
  const pem = certificate();
  const dns = dnsd();
  return bundle(
    "lvsc-e2e-checks-",
    scenarios,
    (s, out) => {
      compileInto(s, s.conf, out);
      writeFileSync(join(out, "mode"), `${s.mode}\n`);
      // the default mode needs one run per kind: rs2 staying in is the result
      writeFileSync(join(out, "runs"), `${s.mode === "custom" ? RUNS : 1}\n`);
      writeFileSync(join(out, "rs.pem"), pem);
      copyFileSync(dns, join(out, "dnsd"));
    },
    (s) => `${s.name} checks ${s.mode === "custom" ? 1200 : 600}`,
  );
}

/** Seconds measured by a check: the first "N s" of its detail. */
function seconds(vm: VmRun, scenario: string, check: string): number | undefined {
  const d = vm.scenarios.get(scenario)?.checks.get(check);
  const m = d?.pass === true ? /([\d.]+) s\b/.exec(d.detail) : null;
  return m === null ? undefined : Number(m[1]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const missing = unavailable();
// gcc with a static libc (libc6-dev) builds the DNS real server
const noTool = ["keepalived", "openssl", "gcc"].filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
const why =
  missing !== undefined ? `missing on this machine: ${missing.commands.join(", ")}` : noTool.length > 0 ? `missing on this machine: ${noTool.join(", ")} (keepalived is copied into the VM image; openssl makes the certificate; gcc the DNS server)` : undefined;
if (why !== undefined) unavailableSuite("health checks per service on a real kernel (qemu, keepalived)", why, [...(missing?.packages ?? []), ...noTool], missing?.commands[0] ?? noTool[0]!);

describe.skipIf(why !== undefined)("health checks per service on a real kernel (qemu, keepalived)", () => {
  let vm: VmRun;

  beforeAll(async () => {
    const image = buildImage();
    const timeoutMs = Number(process.env["LVSC_E2E_TIMEOUT"] ?? 2100) * 1000;
    vm = await runVm(image, bundleOf(SCENARIOS), { timeoutMs });
    const log = process.env["LVSC_E2E_LOG"];
    if (log !== undefined && log !== "") writeFileSync(log, vm.console);
    console.log(`lvsc e2e (health checks): ${vm.accel}, ${vm.wallSeconds.toFixed(0)} s wall; ${[...vm.scenarios].map(([n, s]) => `${n} ${s.duration}`).join(", ")}`);
    // the figures of the README's failover table: a real server out, by the kind of its check
    const lines = KINDS.flatMap((k) => {
      const out = Array.from({ length: RUNS }, (_, i) => seconds(vm, "checks", `${k}-out-${i + 1}`)).filter((x): x is number => x !== undefined);
      const back = Array.from({ length: RUNS }, (_, i) => seconds(vm, "checks", `${k}-back-${i + 1}`)).filter((x): x is number => x !== undefined);
      const f = (xs: number[]) => `median ${median(xs).toFixed(2)} s over ${xs.length} (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
      return [...(out.length > 0 ? [`${k}: real server out ${f(out)}`] : []), ...(back.length > 0 ? [`${k}: back in ${f(back)}`] : [])];
    });
    console.log(lines.join("\n"));
    const report = process.env["LVSC_CHECKS_REPORT"];
    if (report !== undefined && report !== "") writeFileSync(report, `${vm.accel}\n${lines.join("\n")}\n`);
  }, 2_200_000);

  scenarioTests(() => vm, SCENARIOS);
});
