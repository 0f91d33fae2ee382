// CHECK directives (lvsc extension, issue 19): a health check per service, validated into a typed
// HealthCheck on the service it names. Pure; reports through the validator's callbacks.
//
//   CHECK=t www http path:/health status:200 interval:2 timeout:1 retries:2
//
// A CHECK line names its service as SERVICE does (`t|u <service>` or `f <mark>`), then the check's
// kind, then `key:value` options. The options are `key:value`, not `key=value`: `=` separates the
// directive's name from its value and the conf's grammar has one per line (`:` already joins two
// parts of a field in `rs1:www`). Every value is parsed into a canonical form here and reaches
// keepalived.conf and mon.cf only through the templates' `word` helper, so no conf text can become
// a keepalived keyword, a second argument of a script, or a shell command.

import { subField, type Directive, type Field } from "./ast.js";
import type { Code, Span } from "./diagnostics.js";
import { CHECK_KINDS, DNS_TYPES, type CheckKind, type HealthCheck, type ServiceLine, type ServiceProtocol } from "./model.js";
import { isHostname } from "./net.js";
import { detectionBound } from "./checks-plan.js";
import { printable } from "./text.js";

/**
 * Timers of a CHECK that gives none: those of the checks lvsc writes without CHECK
 * (plan.ts HEALTH_CHECK; test/checks.test.ts checks the two agree).
 */
export const CHECK_DEFAULTS = { interval: 3, timeout: 3, retries: 1, retryDelay: 1 } as const;

/**
 * The bound the README states for a check: a real server that stops answering leaves the table
 * within this many seconds. A CHECK whose timers allow more gets `check-slow-detection`.
 */
export const CHECK_DETECTION_BOUND = 60;

/** Ranges of the timer options (whole seconds; retries a count). */
const TIMER_RANGES = { interval: [1, 3600], timeout: [1, 3600], retries: [0, 100], "retry-delay": [1, 3600] } as const;

/** The options each kind takes, beyond the timers and `port`. */
const KIND_OPTIONS: Record<CheckKind, readonly string[]> = {
  http: ["path", "host", "status", "digest"],
  https: ["path", "host", "status", "digest"],
  tcp: [],
  dns: ["name", "type"],
  smtp: ["helo"],
  script: ["run", "user"],
  none: [],
};
const COMMON_OPTIONS = ["port", "interval", "timeout", "retries", "retry-delay"];

/** The well-known port of a kind, for `check-port-mismatch`. */
const KIND_PORTS: Partial<Record<CheckKind, number>> = { http: 80, https: 443, dns: 53 };

/** What checks.ts needs of the validator: its report and its service-field parsers. */
export interface CheckContext {
  report(code: Code, message: string, span: Span, hint?: string, related?: { message: string; span: Span }[]): void;
  protocol(f: Field): ServiceProtocol | undefined;
  port(f: Field, proto: ServiceProtocol, what: string): number | undefined;
  fwmark(f: Field): number | undefined;
}

/** A parsed CHECK, before it is matched with its service. */
interface ParsedCheck {
  protocol: ServiceProtocol;
  key: string;
  check: HealthCheck;
  /** The service fields, for messages. */
  serviceSpan: Span;
  written: string;
  kindField: Field;
  /** Options as given, for the protocol checks to point at. */
  options: Map<string, Field>;
}

/** A check of `kind` with every option at its default, as a CHECK line that gives none has it. */
export function newCheck(kind: CheckKind, line: number): HealthCheck {
  return {
    kind,
    path: "/",
    host: undefined,
    status: { from: 200, to: 299 },
    digest: undefined,
    dnsName: ".",
    dnsType: "SOA",
    helo: undefined,
    script: undefined,
    user: "nobody",
    port: undefined,
    ...CHECK_DEFAULTS,
    line,
  };
}

const SHAPE = "a check is `CHECK=t|u <service> <kind> [key:value]...` or `CHECK=f <mark> <kind> [key:value]...`";

function parseCheck(d: Directive, ctx: CheckContext): ParsedCheck | undefined {
  const [fProto, fService, fKind, ...opts] = d.args;
  if (fProto === undefined || fService === undefined || fKind === undefined) {
    ctx.report("malformed-check", "`CHECK` needs a service and a check kind", d.span, `${SHAPE}, e.g. \`CHECK=t www http path:/health\``);
    return undefined;
  }
  const protocol = ctx.protocol(fProto);
  if (protocol === undefined) return undefined;
  const port = protocol === "fwmark" ? ctx.fwmark(fService) : ctx.port(fService, protocol, "check");
  if (port === undefined) return undefined;
  const kind = fKind.text as CheckKind;
  if (!(CHECK_KINDS as readonly string[]).includes(kind)) {
    ctx.report("invalid-check-kind", `unknown check kind \`${printable(fKind.text)}\``, fKind.span, `a kind is one of ${CHECK_KINDS.map((k) => `\`${k}\``).join(", ")}`);
    return undefined;
  }
  const check = newCheck(kind, d.line);
  const allowed = kind === "none" ? [] : [...KIND_OPTIONS[kind], ...COMMON_OPTIONS];
  const options = new Map<string, Field>();
  let ok = true;
  for (const f of opts) {
    const colon = f.text.indexOf(":");
    const key = colon === -1 ? f.text : f.text.slice(0, colon);
    if (colon === -1 || colon === f.text.length - 1) {
      ctx.report("malformed-check", `\`${printable(f.text)}\` is not \`key:value\``, f.span, allowed.length > 0 ? `options of \`${kind}\`: ${allowed.map((o) => `\`${o}:…\``).join(", ")}` : `\`${kind}\` takes no options`);
      ok = false;
      continue;
    }
    if (!allowed.includes(key)) {
      ctx.report(
        "malformed-check",
        `\`${printable(key)}\` is not an option of a \`${kind}\` check`,
        subField(f, 0, colon).span,
        allowed.length > 0 ? `options of \`${kind}\`: ${allowed.map((o) => `\`${o}:…\``).join(", ")}` : `\`${kind}\` takes no options: the real server stays in the table`,
      );
      ok = false;
      continue;
    }
    const first = options.get(key);
    if (first !== undefined) {
      ctx.report("malformed-check", `\`${key}\` is given twice`, subField(f, 0, colon).span, "give each option once", [{ message: "first given here", span: first.span }]);
      ok = false;
      continue;
    }
    options.set(key, f);
    const value = subField(f, colon + 1, f.text.length);
    if (!setOption(check, key, value, ctx)) ok = false;
  }
  if (kind === "script" && check.script === undefined && ok) {
    ctx.report("malformed-check", "a `script` check needs `run:<absolute path>`", fKind.span, "e.g. `CHECK=t www script run:/usr/local/lib/lvs/check-www`");
    ok = false;
  }
  if (!ok) return undefined;
  const key = protocol === "fwmark" ? `fwmark ${port}` : `${protocol} ${port}`;
  return { protocol, key, check, serviceSpan: { start: fProto.span.start, end: fService.span.end }, written: fService.text, kindField: fKind, options };
}

/** One option's value into the check; false (reported) when it is invalid. */
function setOption(c: HealthCheck, key: string, v: Field, ctx: CheckContext): boolean {
  const bad = applyCheckOption(c, key, v.text);
  if (bad === undefined) return true;
  ctx.report("invalid-check-value", `invalid ${bad.what} \`${printable(v.text)}\``, v.span, bad.hint);
  return false;
}

/**
 * One option's text (`key` one of the kind's options or a timer) into the check, as a CHECK line's
 * would be; what is wrong with it, for a message, when lvsc's validator would refuse it.
 * (src/import-checks.ts uses it so that an imported check is one this validator accepts.)
 */
export function applyCheckOption(c: HealthCheck, key: string, t: string): { what: string; hint: string } | undefined {
  const bad = (what: string, hint: string) => ({ what, hint });
  // a check's own alphabet: the conf's without `[ ]` (the lexer passes them for IPv6 real servers)
  if (!/^[A-Za-z0-9_.:,/+@%-]+$/.test(t)) return bad(key, "a check's value holds only letters, digits and `_ . : , / + @ % -`");
  switch (key) {
    case "path":
      // the alphabet above: no blank, quote, bracket, `?` or `#` can reach here
      if (!t.startsWith("/") || t.length > 255 || /%(?![0-9A-Fa-f]{2})/.test(t) || t.includes("//"))
        return bad("URL path", "a path starts with `/`, at most 255 characters; `%` only as a %XX escape; no query string (`?` cannot appear in a conf)");
      c.path = t;
      return undefined;
    case "host":
      if (!isHostname(t)) return bad("Host header", "a host name such as `www.example.com`, sent as the request's Host header");
      c.host = t.toLowerCase();
      return undefined;
    case "status": {
      const m = /^([1-5]\d\d)(?:-([1-5]\d\d))?$/.exec(t);
      if (m === null || (m[2] !== undefined && Number(m[2]) < Number(m[1])))
        return bad("status", "a status from 100 to 599, or a range such as `200-299`, the smaller first");
      c.status = { from: Number(m[1]), to: Number(m[2] ?? m[1]) };
      return undefined;
    }
    case "digest":
      if (!/^[0-9a-fA-F]{32}$/.test(t)) return bad("digest", "the MD5 of the page, 32 hex digits, as `genhash` prints it");
      c.digest = t.toLowerCase();
      return undefined;
    case "name":
      if (t !== "." && !isHostname(t)) return bad("DNS name", "a domain name such as `example.com`, or `.` for the root");
      c.dnsName = t.toLowerCase();
      return undefined;
    case "type": {
      const u = t.toUpperCase();
      if (!(DNS_TYPES as readonly string[]).includes(u)) return bad("DNS query type", `keepalived's DNS_CHECK asks for one of ${DNS_TYPES.join(", ")}`);
      c.dnsType = u as HealthCheck["dnsType"];
      return undefined;
    }
    case "helo":
      if (!isHostname(t)) return bad("HELO name", "a host name such as `director.example.com`");
      c.helo = t.toLowerCase();
      return undefined;
    case "run":
      if (!/^(\/[A-Za-z0-9_.+@-]+)+$/.test(t) || /\/\.\.?(\/|$)/.test(t) || t.length > 255)
        return bad("script path", "an absolute path of the director, such as `/usr/local/lib/lvs/check-www`: no `.` or `..` parts, no `%`, `:` or `,`");
      c.script = t;
      return undefined;
    case "user":
      if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(t)) return bad("user name", "a user of the director such as `nobody`; the script runs as that user");
      c.user = t;
      return undefined;
    case "port": {
      const n = /^[1-9]\d{0,4}$/.test(t) ? Number(t) : NaN;
      if (!(n <= 65535)) return bad("port", "a port number from 1 to 65535: the check connects there instead of the real server's port");
      c.port = n;
      return undefined;
    }
    default: {
      const [lo, hi] = TIMER_RANGES[key as keyof typeof TIMER_RANGES];
      const n = /^\d{1,5}$/.test(t) ? Number(t) : NaN;
      if (!(n >= lo && n <= hi)) return bad(key, key === "retries" ? `a count from ${lo} to ${hi}` : `whole seconds from ${lo} to ${hi}`);
      if (key === "interval") c.interval = n;
      else if (key === "timeout") c.timeout = n;
      else if (key === "retries") c.retries = n;
      else c.retryDelay = n;
      return undefined;
    }
  }
}

/**
 * The `key:value` options of a check that differ from its kind's defaults, in the order the README
 * gives them: what a CHECK line needs to say for parseCheck to build this check again.
 */
export function checkOptions(c: Omit<HealthCheck, "line">): string[] {
  const d = newCheck(c.kind, 0);
  const out: string[] = [];
  const put = (key: string, value: string | number | undefined, def: string | number | undefined) => {
    if (value !== undefined && value !== def) out.push(`${key}:${value}`);
  };
  if (c.kind === "http" || c.kind === "https") {
    put("path", c.path, d.path);
    put("host", c.host, undefined);
    const status = (s: HealthCheck["status"]) => (s.from === s.to ? String(s.from) : `${s.from}-${s.to}`);
    put("status", status(c.status), status(d.status));
    put("digest", c.digest, undefined);
  } else if (c.kind === "dns") {
    put("name", c.dnsName, d.dnsName);
    put("type", c.dnsType, d.dnsType);
  } else if (c.kind === "smtp") put("helo", c.helo, undefined);
  else if (c.kind === "script") {
    put("run", c.script, undefined);
    put("user", c.user, d.user);
  }
  if (c.kind === "none") return out;
  put("port", c.port, undefined);
  put("interval", c.interval, d.interval);
  put("timeout", c.timeout, d.timeout);
  put("retries", c.retries, d.retries);
  put("retry-delay", c.retryDelay, d.retryDelay);
  return out;
}

/**
 * Every CHECK of the conf, matched with its service (`services` by protocol and port, or mark):
 * the check is set on the service's model. `hasMon`: the conf gets a mon.cf (a single director),
 * so what mon cannot express is reported. `allServices`: every SERVICE line is valid (else a CHECK
 * naming a broken one is not reported again).
 */
export function applyChecks(
  directives: readonly Directive[],
  services: readonly { value: ServiceLine; field: Field }[],
  ctx: CheckContext,
  hasMon: boolean,
  allServices: boolean,
): void {
  const byKey = new Map<string, { value: ServiceLine; field: Field }>();
  for (const s of services) {
    const v = s.value;
    byKey.set(v.protocol === "fwmark" ? `fwmark ${v.fwmark}` : `${v.protocol} ${v.port}`, s);
  }
  const seen = new Map<string, ParsedCheck>();
  for (const d of directives) {
    if (d.broken) continue;
    const p = parseCheck(d, ctx);
    if (p === undefined) continue;
    const service = byKey.get(p.key);
    if (service === undefined) {
      if (!allServices) continue;
      const list = [...byKey.keys()].map((k) => `\`${k.replace(/^(tcp|udp|fwmark) /, (_, x: string) => (x === "tcp" ? "t " : x === "udp" ? "u " : "f "))}\``);
      ctx.report(
        "check-unknown-service",
        `\`CHECK\` names ${p.key.replace(/^fwmark/, "firewall mark")}${p.written !== p.key.split(" ")[1] ? ` (\`${p.written}\`)` : ""}, which no \`SERVICE\` has`,
        p.serviceSpan,
        list.length > 0 ? `the conf's services: ${list.join(", ")}` : "add the SERVICE line first",
      );
      continue;
    }
    const first = seen.get(p.key);
    if (first !== undefined) {
      ctx.report("duplicate-check", `the service \`${p.written}\` has a \`CHECK\` already`, p.serviceSpan, "keep one CHECK per service; keepalived and mon run one check per real server", [
        { message: "first CHECK here", span: first.serviceSpan },
      ]);
      continue;
    }
    seen.set(p.key, p);
    if (!protocolChecks(p, service.value, ctx)) continue;
    timerChecks(p, ctx);
    if (hasMon) monChecks(p, ctx);
    service.value.check = p.check;
  }
}

/** Kinds that cannot work over the service's protocol or port. False when it is an error. */
function protocolChecks(p: ParsedCheck, s: ServiceLine, ctx: CheckContext): boolean {
  const { kind } = p.check;
  if (s.protocol === "udp" && (kind === "http" || kind === "https" || kind === "smtp" || kind === "tcp")) {
    ctx.report(
      "check-protocol-mismatch",
      `a \`${kind}\` check needs TCP, but \`${p.written}\` is a UDP service`,
      p.kindField.span,
      "use `dns` for a DNS server, `script` for another UDP protocol, or `none`",
    );
    return false;
  }
  const port = p.check.port ?? (s.protocol === "fwmark" || s.port === 0 ? undefined : s.port);
  if (port === undefined && kind !== "none" && kind !== "script") {
    ctx.report(
      "check-protocol-mismatch",
      `a \`${kind}\` check needs a port, and ${s.protocol === "fwmark" ? `firewall mark ${s.fwmark}` : "this service"} has none of its own`,
      p.kindField.span,
      `add \`port:<n>\`, the real servers' port that the check connects to, e.g. \`port:${KIND_PORTS[kind] ?? 80}\``,
    );
    return false;
  }
  // a DNS check on a port that is not DNS's, or HTTP on HTTPS's port and the other way round
  const expected = KIND_PORTS[kind];
  const other = (Object.keys(KIND_PORTS) as CheckKind[]).find((k) => KIND_PORTS[k] === port);
  if (port !== undefined && expected !== undefined && port !== expected && (kind === "dns" || other !== undefined))
    ctx.report(
      "check-port-mismatch",
      `a \`${kind}\` check on port ${port}, ${other !== undefined ? `which is ${other}'s` : "which is not DNS's 53"}`,
      p.kindField.span,
      other !== undefined
        ? `did you mean \`${other}\`? If the port really speaks ${kind}, accept it with \`# lvsc-disable-line check-port-mismatch\``
        : `DNS_CHECK sends its query over UDP to port ${port}; if a DNS server really answers there, accept it with \`# lvsc-disable-line check-port-mismatch\``,
    );
  return true;
}

/** Timers that make detection slower than the documented bound. */
function timerChecks(p: ParsedCheck, ctx: CheckContext): void {
  const c = p.check;
  if (c.kind === "none") return;
  const b = detectionBound(c);
  if (b.silent > CHECK_DETECTION_BOUND) {
    const timers = ["interval", "timeout", "retries", "retry-delay"].map((k) => p.options.get(k)).filter((f): f is Field => f !== undefined);
    const span = timers.length > 0 ? { start: timers[0]!.span.start, end: timers[timers.length - 1]!.span.end } : p.kindField.span;
    ctx.report(
      "check-slow-detection",
      `a real server that stops answering would stay in the table up to ${b.silent} s, more than the ${CHECK_DETECTION_BOUND} s bound`,
      span,
      `interval + (retries + 1) x timeout + retries x retry-delay = ${c.interval} + ${c.retries + 1} x ${c.timeout} + ${c.retries} x ${c.retryDelay}; shorten them`,
    );
  }
}

/** What mon (mon.cf) cannot check as keepalived does. */
function monChecks(p: ParsedCheck, ctx: CheckContext): void {
  const c = p.check;
  const say = (what: string, instead: string) =>
    ctx.report("check-not-in-mon", `mon.cf cannot ${what}`, p.kindField.span, `${instead}; keepalived.conf has the check as written`);
  if (c.kind === "https") say("check HTTPS", "its service runs tcp.monitor, a TCP connect to the port");
  else if (c.kind === "script") say("run a script check", "mon runs only the monitors of its mon.d; its service runs the default monitor");
  else if (c.kind === "http" && (p.options.has("status") || p.options.has("host") || p.options.has("digest")))
    say("check a status, a Host header or a digest", "its http.monitor gets the path and passes 200, 301, 302 and 401");
  else if (c.kind === "smtp" && c.helo !== undefined) say("send a HELO name", "its smtp.monitor reads the greeting");
}
