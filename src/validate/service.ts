// SERVICE: one virtual service, its protocol, port or mark, scheduler, flags, persistence and
// real servers (each real server in real-server.ts).

import type { Directive, Field } from "../ast.js";
import { DEFAULT_PERSISTENCE_TIMEOUT, DEFAULT_SCHEDULER, MAX_PERSISTENCE_TIMEOUT, SCHEDULERS } from "../directives.js";
import type { LvsType, Persistence, RealServer } from "../model.js";
import { formatAddressPort } from "../net.js";
import { didYouMean, printable } from "../text.js";
import { readNetmask } from "./address.js";
import type { Context, ParsedService } from "./context.js";
import { readFwmark, readPort, readProtocol } from "./ports.js";
import { OTHER_FAMILY, readRealServer } from "./real-server.js";
import { readSchedFlags } from "./sched-flags.js";

const SCHEDULER_SET: ReadonlySet<string> = new Set(SCHEDULERS);

/** One SERVICE line; undefined when any of its fields is wrong (each reported). */
export function validateService(ctx: Context, d: Directive, type: LvsType | undefined): ParsedService | undefined {
  const f = d.args;
  const fProto = f[0];
  const fService = f[1];
  if (fProto === undefined || fService === undefined) {
    ctx.report(
      "malformed-service",
      fProto === undefined ? "`SERVICE` has no value" : "`SERVICE` needs a service and at least one real server",
      fProto === undefined ? d.span : fProto.span,
      "`SERVICE=t|u <service> [scheduler] [ppc [-t secs] [-M mask]] <realserver>...`, e.g. `SERVICE=t www rr rs1 rs2`",
    );
    return undefined;
  }
  let errors = false;
  const protocol = readProtocol(ctx, fProto);
  if (protocol === undefined) errors = true;

  // service port or fwmark
  let port = 0;
  let fwmark: number | undefined;
  if (protocol === "fwmark") {
    fwmark = readFwmark(ctx, fService);
    if (fwmark === undefined) errors = true;
  } else if (protocol !== undefined) {
    const p = readPort(ctx, fService, protocol, "service");
    if (p === undefined) errors = true;
    else port = p;
  }

  // scheduler
  let i = 2;
  let scheduler = DEFAULT_SCHEDULER;
  const fSched = f[i];
  let schedField: Field | undefined;
  if (fSched !== undefined && SCHEDULER_SET.has(fSched.text)) {
    scheduler = fSched.text;
    schedField = fSched;
    i++;
  } else if (fSched !== undefined && looksLikeScheduler(ctx, fSched)) {
    const mean = didYouMean(fSched.text, SCHEDULERS);
    ctx.report(
      "unknown-scheduler",
      `unknown scheduler \`${fSched.text}\``,
      fSched.span,
      `${mean !== undefined ? `${mean} ` : ""}schedulers: ${SCHEDULERS.join(", ")}; if \`${fSched.text}\` is a real server, it is not in the hosts files`,
    );
    errors = true;
    i++;
  }

  // scheduler flags (-b)
  let schedFlags: string[] | undefined;
  if (f[i]?.text === "-b") {
    const r = readSchedFlags(ctx, f[i]!, f[i + 1], schedField !== undefined ? scheduler : undefined);
    if (r === undefined) errors = true;
    else schedFlags = r;
    i += f[i + 1] !== undefined ? 2 : 1;
  }

  // persistence
  let persistence: Persistence | undefined;
  if (f[i]?.text === "ppc") {
    persistence = { timeout: DEFAULT_PERSISTENCE_TIMEOUT, prefix: ctx.family === 6 ? 128 : 32 };
    i++;
    const seen = new Set<string>();
    while (f[i] !== undefined && f[i]!.text.startsWith("-")) {
      const opt = f[i]!;
      const value = f[i + 1];
      if (opt.text !== "-t" && opt.text !== "-M") {
        ctx.report("malformed-service", `unknown persistence option \`${printable(opt.text)}\``, opt.span, "`ppc` takes `-t <seconds>` and `-M <netmask>`");
        errors = true;
        // skip its value too, so that it is not read as a real server
        i += value !== undefined && /^[0-9.]+$/.test(value.text) ? 2 : 1;
        continue;
      }
      if (seen.has(opt.text)) {
        ctx.report("malformed-service", `\`${opt.text}\` is given twice`, opt.span, "give each persistence option once");
        errors = true;
      }
      seen.add(opt.text);
      if (value === undefined) {
        ctx.report("malformed-service", `\`${opt.text}\` needs a value`, opt.span, opt.text === "-t" ? "e.g. `ppc -t 1800`" : "e.g. `ppc -M 255.255.255.0`");
        errors = true;
        i++;
        break;
      }
      if (opt.text === "-t") {
        const t = /^\d+$/.test(value.text) ? Number(value.text) : NaN;
        if (!(t >= 1 && t <= MAX_PERSISTENCE_TIMEOUT)) {
          ctx.report(
            "invalid-persistence-timeout",
            `persistence timeout \`${printable(value.text)}\` is not a number of seconds from 1 to ${MAX_PERSISTENCE_TIMEOUT}`,
            value.span,
            `ipvsadm accepts 1..${MAX_PERSISTENCE_TIMEOUT} (31 days); without \`-t\` the timeout is ${DEFAULT_PERSISTENCE_TIMEOUT}`,
          );
          errors = true;
        } else persistence.timeout = t;
      } else if (ctx.family === 6) {
        // ipvsadm reads -M of an IPv6 service as a prefix length (ipvsadm.c: "illegal ipv6 netmask")
        const p = /^(?:[1-9][0-9]?|1[01][0-9]|12[0-8])$/.test(value.text) ? Number(value.text) : NaN;
        if (Number.isNaN(p)) {
          ctx.report("invalid-netmask", `invalid IPv6 persistence prefix \`${printable(value.text)}\``, value.span, "an IPv6 service's `-M` is a prefix length from 1 to 128, e.g. `ppc -M 64`: clients in one /64 stick to one real server");
          errors = true;
        } else persistence!.prefix = p;
      } else {
        const m = readNetmask(ctx, value);
        if (m === undefined) errors = true;
        else persistence!.prefix = m.prefix;
      }
      i += 2;
    }
  } else if (f[i] !== undefined && (f[i]!.text === "-t" || f[i]!.text === "-M")) {
    ctx.report("malformed-service", `\`${f[i]!.text}\` without \`ppc\``, f[i]!.span, `persistence options follow \`ppc\`: \`ppc ${f[i]!.text} …\``);
    return undefined;
  }

  if (protocol !== "fwmark" && protocol !== undefined && port === 0 && persistence === undefined && !errors) {
    ctx.report(
      "zero-port-without-persistence",
      "port 0 (every port) needs persistence",
      fService.span,
      "add `ppc` after the scheduler, e.g. `SERVICE=t 0 wrr ppc -t 1800 rs1`; ipvsadm refuses a zero port otherwise",
    );
    errors = true;
  }

  // real servers
  const rsFields = f.slice(i);
  if (rsFields.length === 0) {
    ctx.report(
      "missing-real-servers",
      `service \`${printable(fService.text)}\` has no real servers`,
      { start: fProto.span.start, end: f[f.length - 1]!.span.end },
      "list at least one real server after the service, e.g. `SERVICE=t www rr rs1 rs2`",
    );
    return undefined;
  }
  const realServers: RealServer[] = [];
  // duplicates: a scan for the usual handful of real servers, a map for long lists
  const byKey = rsFields.length > 16 ? new Map<number | string, RealServer>() : undefined;
  for (const rf of rsFields) {
    const rs = readRealServer(ctx, rf, protocol, port, type);
    if (rs === OTHER_FAMILY) continue;
    if (rs === undefined) {
      errors = true;
      continue;
    }
    const key = byKey === undefined ? 0 : typeof rs.address === "bigint" ? `${rs.text}:${rs.port}` : rs.address * 65536 + rs.port;
    let first = byKey?.get(key);
    if (byKey === undefined) for (const o of realServers) if (o.address === rs.address && o.port === rs.port) first = o;
    if (first !== undefined) {
      ctx.report(
        "duplicate-real-server",
        `real server \`${formatAddressPort(rs.address, rs.port)}\` is listed twice in this service`,
        rf.span,
        first.written === rs.written ? "remove one" : `\`${first.written}\` and \`${rs.written}\` are the same server; remove one`,
        [{ message: "first listed here", span: first.span }],
      );
      errors = true;
      continue;
    }
    byKey?.set(key, rs);
    realServers.push(rs);
  }
  if (!errors && realServers.length === 0) {
    // (dual stack: every real server was written as an address of the other family)
    ctx.report(
      "missing-real-servers",
      `service \`${printable(fService.text)}\` has no IPv${ctx.family} real server, and the conf has an IPv${ctx.family} VIP`,
      { start: fProto.span.start, end: f[f.length - 1]!.span.end },
      "a dual-stack cluster serves each service on both VIPs: name real servers that have a line of each family in the hosts file, or add their addresses of this family",
    );
    return undefined;
  }
  if (errors || protocol === undefined) return undefined;
  return {
    value: { protocol, port, fwmark, written: fService.text, scheduler, ...(schedFlags !== undefined ? { schedFlags } : {}), persistence, realServers, line: d.line },
    field: fService,
    protoField: fProto,
    schedField,
  };
}

/** A bare lower-case word in the scheduler position that is not a known host is read as a misspelt scheduler. */
function looksLikeScheduler(ctx: Context, f: Field): boolean {
  if (f.text === "ppc" || !/^[a-z]{1,16}$/.test(f.text)) return false;
  return !ctx.opts.hosts.v4.has(f.text) && f.text !== "localhost";
}
