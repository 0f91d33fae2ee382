// A SERVICE's (and a CHECK's) protocol, port or service name, and firewall mark.

import type { Field } from "../ast.js";
import type { Span } from "../diagnostics.js";
import { MAX_FWMARK, SERVICE_NAME_HINTS } from "../directives.js";
import type { ServiceProtocol } from "../model.js";
import { lookupService, type Protocol } from "../services.js";
import { printable } from "../text.js";
import type { Context } from "./context.js";

/** A SERVICE's (or CHECK's) protocol field: `t`, `u` or `f`. */
export function readProtocol(ctx: Context, f: Field): ServiceProtocol | undefined {
  switch (f.text) {
    case "t":
      return "tcp";
    case "u":
      return "udp";
    case "f":
      return "fwmark";
  }
  const lower = f.text.toLowerCase();
  const meant = lower === "tcp" ? "t" : lower === "udp" ? "u" : lower === "fwmark" || lower === "fwm" ? "f" : undefined;
  ctx.report(
    "invalid-protocol",
    `unknown protocol \`${printable(f.text)}\``,
    f.span,
    meant !== undefined ? `write \`${meant}\`` : "`t` (tcp), `u` (udp) or `f` (firewall mark)",
  );
  return undefined;
}

/** A firewall mark: 1..MAX_FWMARK. */
export function readFwmark(ctx: Context, f: Field): number | undefined {
  const n = /^\d{1,10}$/.test(f.text) ? Number(f.text) : NaN;
  if (n >= 1 && n <= MAX_FWMARK) return n;
  ctx.report(
    "invalid-fwmark",
    `invalid firewall mark \`${printable(f.text)}\``,
    f.span,
    `a mark is a whole number from 1 to ${MAX_FWMARK}; ipvsadm 1.31 saves larger marks as negative numbers it cannot restore`,
  );
  return undefined;
}

/** A port number or a service name looked up for `proto` (a fwmark real server tries tcp, then udp). */
export function readPort(ctx: Context, f: Field | { text: string; span: Span }, proto: ServiceProtocol, what: string): number | undefined {
  const text = f.text;
  if (/^\d+$/.test(text)) {
    const n = text.length <= 5 ? Number(text) : NaN;
    if (n <= 65535 && !(text.length > 1 && text[0] === "0")) return n;
    ctx.report("invalid-port", `invalid port \`${printable(text)}\` for the ${what}`, f.span, "a port is a number from 0 to 65535, without leading zeros");
    return undefined;
  }
  const table = ctx.opts.services;
  const protos: Protocol[] = proto === "fwmark" ? ["tcp", "udp"] : [proto];
  for (const p of protos) {
    const n = lookupService(table, text, p);
    if (n !== undefined) return n;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(text)) {
    ctx.report("invalid-port", `invalid port \`${printable(text)}\` for the ${what}`, f.span, "give a port number or a service name such as `http`");
    return undefined;
  }
  if (proto !== "fwmark") {
    const other: Protocol = proto === "tcp" ? "udp" : "tcp";
    const otherPort = lookupService(table, text, other);
    if (otherPort !== undefined) {
      ctx.report(
        "unknown-service",
        `\`${text}\` is not a ${proto} service (it is ${otherPort}/${other} only)`,
        f.span,
        `write the port number if you mean ${otherPort}/${proto}, e.g. \`${proto === "udp" ? "u" : "t"} ${otherPort}\``,
      );
      return undefined;
    }
  }
  const known = SERVICE_NAME_HINTS[text.toLowerCase()];
  const mean = known !== undefined ? `did you mean \`${known}\`? ` : ctx.suggestion("services", text, table.names);
  ctx.report(
    "unknown-service",
    `unknown service \`${text}\` for the ${what}`,
    f.span,
    `${mean}searched ${table.source}; write the port number, or pass a services file with \`--services FILE\``,
  );
  return undefined;
}
