// keepalived.conf's health checkers -> lvsc's CHECK (src/checks.ts): one real server's checker, its
// timers taken from the checker, else the real server, else the virtual server, else keepalived's
// defaults (keepalived.conf(5) 2.2.7: delay_loop 60 s, connect_timeout 5 s, retry 1 (DNS_CHECK 3,
// MISC_CHECK 0), delay_before_retry 3 s for HTTP_GET and SSL_GET, the delay_loop for DNS_CHECK, 1 s
// otherwise). Pure: the reader (src/import-keepalived.ts) reports what this returns.
//
// Every value goes through applyCheckOption, the validator's own parser of a CHECK option, so a
// check that leaves here is one a CHECK line can say; what it cannot say is a reason, never a guess.

import { applyCheckOption, newCheck } from "./checks.js";
import type { CheckKind, HealthCheck } from "./model.js";
import type { Code } from "./diagnostics.js";
import { clip, type Stmt, type Token } from "./import-keepalived-lex.js";
import type { ImportedCheck } from "./import-model.js";
import { formatIPv4, type IPv4 } from "./net.js";
import { checkerOf, HEALTH_CHECK } from "./plan.js";

/** keepalived's checkers that a CHECK kind says. */
const KINDS: Record<string, CheckKind> = { HTTP_GET: "http", SSL_GET: "https", TCP_CHECK: "tcp", DNS_CHECK: "dns", SMTP_CHECK: "smtp", MISC_CHECK: "script" };

/** A timer keyword and the CHECK option it is. */
const TIMER_KEYS: Record<string, "interval" | "timeout" | "retries" | "retry-delay"> = {
  delay_loop: "interval",
  connect_timeout: "timeout",
  retry: "retries",
  nb_get_retry: "retries",
  delay_before_retry: "retry-delay",
};

/** Said of a checker that is imported, where the conf's check is not quite keepalived's. */
export interface CheckNote {
  at: Token;
  code: Code;
  message: string;
  hint: string;
}

/** One real server's checker: a check a CHECK line says, lvsc's own default, or why neither. */
export type CheckerRead =
  | { ok: true; check: ImportedCheck | "default"; at: Token; notes: CheckNote[] }
  | { ok: false; at: Token; why: string };

/** The service a checker checks: its protocol and port, for keepalived's and lvsc's defaults. */
export interface CheckedService {
  protocol: "tcp" | "udp" | "fwmark";
  port: number;
}

/** What lvsc writes without CHECK (plan.ts checkerOf): a check CHECK can say, or UDP_CHECK/PING_CHECK. */
export function defaultChecker(s: CheckedService): ImportedCheck | "UDP_CHECK" | "PING_CHECK" {
  const checker = checkerOf(s);
  if (checker === "PING_CHECK" || checker === "UDP_CHECK") return checker;
  const { line: _, ...c } = newCheck(checker === "HTTP_GET" ? "http" : "tcp", 0);
  if (c.kind === "http") c.status = { from: 200, to: 499 };
  return c;
}

/** True when `c` is what lvsc writes for the service without a CHECK line. */
export function isDefaultCheck(c: ImportedCheck, s: CheckedService): boolean {
  const d = defaultChecker(s);
  return typeof d !== "string" && JSON.stringify(d) === JSON.stringify(c);
}

/**
 * The real server's checkers (`checkers`), with the timers of the real server (`rsTimers`) and of
 * its virtual server (`vsTimers`), and the virtualhost of each (`rsHost`, `vsHost`).
 */
export function readChecker(
  checkers: Stmt[],
  rs: { stmt: Stmt; address: IPv4; port: number; rsTimers: Stmt[]; rsHost: Token | undefined },
  vs: { service: CheckedService; vsTimers: Stmt[]; vsHost: Token | undefined },
): CheckerRead {
  if (checkers.length === 0) {
    // keepalived keeps a real server without a checker in the table whatever happens to it
    const { line: _, ...none } = newCheck("none", 0);
    return { ok: true, check: none, at: rs.stmt.key, notes: [] };
  }
  if (checkers.length > 1)
    return { ok: false, at: checkers[1]!.key, why: `${checkers.length} checkers on one real server (${checkers.map((c) => `\`${clip(c.key.text)}\``).join(", ")}): lvsc's CHECK is one check a service` };
  const c = checkers[0]!;
  const name = c.key.text;
  if (name === "UDP_CHECK" || name === "PING_CHECK") return lvscOwn(c, name, rs, vs);
  const kind = KINDS[name];
  if (kind === undefined) return { ok: false, at: c.key, why: `\`${clip(name)}\` has no CHECK kind (CHECK has http, https, tcp, dns, smtp, script and none)` };
  const check: HealthCheck = newCheck(kind, 0);
  const notes: CheckNote[] = [];
  const set = (key: string, t: Token | undefined, kw: Token): string | undefined => {
    if (t === undefined) return `\`${clip(kw.text)}\` without a value`;
    const bad = applyCheckOption(check, key, t.text);
    return bad !== undefined ? `\`${clip(kw.text)} ${clip(t.text)}\`: not a CHECK ${bad.what} (${bad.hint})` : undefined;
  };
  const timers = new Map<string, Stmt>();
  for (const t of [...vs.vsTimers, ...rs.rsTimers]) timers.set(TIMER_KEYS[t.key.text] ?? t.key.text, t);
  let host: Token | undefined = kind === "http" || kind === "https" ? (rs.rsHost ?? vs.vsHost) : undefined;
  let urls = 0;
  let miscTimeout: Stmt | undefined;
  let user: Stmt | undefined;
  for (const b of c.block ?? []) {
    const k = b.key.text;
    const a = b.args[0];
    let why: string | undefined;
    if (k in TIMER_KEYS && !(kind === "script" && k === "connect_timeout")) timers.set(TIMER_KEYS[k]!, b);
    else if (k === "warmup" || k === "log_all_failures")
      notes.push({ at: b.key, code: "import-setting-dropped", message: `\`${clip(k)}\` is dropped: lvsc writes keepalived's default`, hint: k === "warmup" ? "the first check starts after a random delay up to delay_loop; the checks after it are the same" : "keepalived logs only a checker's changes of state" });
    else if (k === "connect_port" && kind !== "script") why = set("port", a, b.key);
    else if (k === "virtualhost" && (kind === "http" || kind === "https")) host = a ?? b.key;
    else if (k === "url" && (kind === "http" || kind === "https")) {
      urls++;
      if (urls > 1) return { ok: false, at: b.key, why: "several `url` blocks: lvsc's CHECK gets one path" };
      for (const u of b.block ?? []) {
        const uk = u.key.text;
        if (uk === "path") why ??= set("path", u.args[0], u.key);
        else if (uk === "digest") why ??= set("digest", u.args[0], u.key);
        else if (uk === "virtualhost") host = u.args[0] ?? u.key;
        else if (uk === "status_code") why ??= u.args.length > 1 ? `\`status_code ${u.args.map((x) => clip(x.text)).join(" ")}\`: lvsc's CHECK takes one status or one range` : set("status", u.args[0], u.key);
        else why ??= `\`${clip(uk)}\` in \`url\`: lvsc's CHECK has no such setting`;
      }
    } else if (k === "type" && kind === "dns") why = set("type", a, b.key);
    else if (k === "name" && kind === "dns") why = set("name", a, b.key);
    else if (k === "helo_name" && kind === "smtp") why = set("helo", a, b.key);
    else if (k === "misc_path" && kind === "script") {
      const words = (a?.text ?? "").trim().split(/\s+/);
      why = set("run", a === undefined ? undefined : { ...a, text: words[0]! }, b.key);
      const args = words.slice(1);
      if (why === undefined && args.length === 0)
        notes.push({ at: b.key, code: "import-checker-replaced", message: `\`misc_path ${clip(a!.text)}\` takes no arguments: lvsc runs the script as \`${clip(words[0]!)} ${formatIPv4(rs.address)} ${rs.port}\``, hint: "check that the script ignores the two arguments (the real server's address and port), or uses them" });
      else if (why === undefined && (args.length !== 2 || args[0] !== formatIPv4(rs.address) || args[1] !== String(rs.port)))
        why = `\`misc_path ${clip(a!.text)}\`: lvsc's CHECK runs the script with the real server's address and port as its arguments, and no others`;
    } else if (k === "misc_timeout" && kind === "script") miscTimeout = b;
    else if (k === "user" && kind === "script") {
      user = b;
      why = b.args.length > 1 ? `\`user ${b.args.map((x) => clip(x.text)).join(" ")}\`: lvsc's CHECK gives a user, not a group` : set("user", a, b.key);
    } else why = `\`${clip(k)}\` in \`${clip(name)}\`: lvsc's CHECK has no such setting`;
    if (why !== undefined) return { ok: false, at: b.key, why };
  }
  if (host !== undefined) {
    if (host.text === "virtualhost") return { ok: false, at: host, why: "`virtualhost` without a value" };
    const why = set("host", host, host);
    if (why !== undefined) return { ok: false, at: host, why };
  }
  if (kind === "script" && check.script === undefined) return { ok: false, at: c.key, why: "a `MISC_CHECK` without `misc_path`" };
  // the timers: the nearest level's, else keepalived's default for this checker
  const interval = timers.get("interval");
  const defaults: Record<string, string> = {
    interval: "60",
    timeout: "5",
    retries: kind === "dns" ? "3" : kind === "script" ? "0" : "1",
    "retry-delay": kind === "http" || kind === "https" ? "3" : "1",
  };
  for (const key of ["interval", "timeout", "retries", "retry-delay"]) {
    const t = key === "timeout" && kind === "script" ? miscTimeout : timers.get(key);
    let text = t?.args[0]?.text ?? defaults[key]!;
    if (t === undefined && key === "retry-delay" && kind === "dns") text = interval?.args[0]?.text ?? defaults.interval!;
    if (t === undefined && key === "timeout" && kind === "script") {
      // check_misc.c: no misc_timeout is the virtual server's delay_loop
      text = vs.vsTimers.filter((x) => x.key.text === "delay_loop").pop()?.args[0]?.text ?? defaults.interval!;
      notes.push({ at: c.key, code: "import-default-applied", message: `no \`misc_timeout\`: keepalived gives the script the virtual server's delay_loop, ${text} s`, hint: `write \`misc_timeout ${text}\`` });
    }
    const bad = applyCheckOption(check, key, text);
    if (bad !== undefined) return { ok: false, at: t?.args[0] ?? t?.key ?? c.key, why: `${t !== undefined ? `\`${clip(t.key.text)} ${clip(text)}\`` : `keepalived's default ${key} ${text}`}: not a CHECK ${bad.what} (${bad.hint})` };
  }
  if (kind === "script" && user === undefined)
    notes.push({ at: c.key, code: "import-checker-replaced", message: "a `MISC_CHECK` without `user`: keepalived runs it as its script_user (else keepalived_script, else root); lvsc's CHECK runs it as `nobody`", hint: "check that the script works as `nobody`, or add `user:<name>` to the imported CHECK" });
  // what lvsc's validator would refuse (src/checks.ts protocolChecks)
  const s = vs.service;
  if (s.protocol === "udp" && (kind === "http" || kind === "https" || kind === "smtp" || kind === "tcp"))
    return { ok: false, at: c.key, why: `\`${clip(name)}\` on a UDP service: lvsc's CHECK ${kind} needs TCP` };
  if ((s.protocol === "fwmark" || s.port === 0) && check.port === undefined && kind !== "script")
    return { ok: false, at: c.key, why: `\`${clip(name)}\` without \`connect_port\` on a service without a port of its own: lvsc's CHECK needs the port` };
  const { line: _, ...imported } = check;
  return { ok: true, check: imported, at: c.key, notes };
}

/** UDP_CHECK and PING_CHECK: no CHECK kind says them; lvsc's own, when it is that, with its settings. */
function lvscOwn(c: Stmt, name: "UDP_CHECK" | "PING_CHECK", rs: { rsTimers: Stmt[] }, vs: { service: CheckedService; vsTimers: Stmt[] }): CheckerRead {
  const own = defaultChecker(vs.service);
  if (own !== name) return { ok: false, at: c.key, why: `\`${name}\` has no CHECK kind: lvsc checks ${typeof own === "string" ? "a service without a port with PING_CHECK" : "a TCP service with HTTP_GET or TCP_CHECK"}` };
  const want: Record<string, string> = {
    delay_loop: String(HEALTH_CHECK.delayLoop),
    connect_timeout: String(name === "UDP_CHECK" ? HEALTH_CHECK.udpConnectTimeout : HEALTH_CHECK.connectTimeout),
    retry: String(HEALTH_CHECK.retry),
    delay_before_retry: String(HEALTH_CHECK.delayBeforeRetry),
  };
  const have: Record<string, string> = { delay_loop: "60", connect_timeout: "5", retry: "1", delay_before_retry: "1" };
  for (const t of [...vs.vsTimers, ...rs.rsTimers, ...(c.block ?? [])]) {
    const k = t.key.text === "nb_get_retry" ? "retry" : t.key.text;
    if (k in have) have[k] = t.args[0]?.text ?? "";
    else if (t.key.text !== "warmup" && t.key.text !== "log_all_failures" && (c.block ?? []).includes(t)) return { ok: false, at: t.key, why: `\`${clip(t.key.text)}\` in \`${name}\`: lvsc's own ${name} has no such setting` };
  }
  const differs = Object.keys(want).filter((k) => have[k] !== want[k]);
  if (differs.length > 0)
    return { ok: false, at: c.key, why: `\`${name}\` with ${differs.map((k) => `${k} ${clip(have[k]!)}`).join(", ")}: no CHECK kind says ${name}, and lvsc's own has ${differs.map((k) => `${k} ${want[k]}`).join(", ")}` };
  return { ok: true, check: "default", at: c.key, notes: [] };
}

/** What differs between two real servers' checks, in CHECK's words: `path /a, not /b`. */
export function checkDifferences(a: ImportedCheck, b: ImportedCheck): string[] {
  const show = (c: ImportedCheck, k: keyof ImportedCheck): string => {
    const v = c[k];
    if (v === undefined) return "none";
    if (typeof v === "object") return v.from === v.to ? String(v.from) : `${v.from}-${v.to}`;
    return String(v);
  };
  const names: Partial<Record<keyof ImportedCheck, string>> = { dnsName: "name", dnsType: "type", script: "run", retryDelay: "retry-delay" };
  if (a.kind !== b.kind) return [`kind ${a.kind}, not ${b.kind}`];
  return (Object.keys(a) as (keyof ImportedCheck)[]).filter((k) => show(a, k) !== show(b, k)).map((k) => `${names[k] ?? k} ${show(a, k)}, not ${show(b, k)}`);
}
