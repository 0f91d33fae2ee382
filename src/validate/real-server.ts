// A SERVICE's real server: `host`, `host:port`, `host,weight` or `host:port,weight`, and the model
// object it becomes.

import { subField, type Field } from "../ast.js";
import type { Span } from "../diagnostics.js";
import { MAX_WEIGHT } from "../directives.js";
import { TYPE_NAMES, type LvsType, type RealServer, type ServiceProtocol } from "../model.js";
import { formatAddress, formatIPv6, ipv4At, isHostname, isLinkLocal6, isLoopbackAddress, looksLikeIPv4, type Address } from "../net.js";
import { printable } from "../text.js";
import { readAddress } from "./address.js";
import type { Context } from "./context.js";
import { readPort } from "./ports.js";

/**
 * The number written from `from` to the end of `s` in 1 to `max` decimal digits, else NaN (what
 * /^\d{1,max}$/ and Number() read, without a regex or a substring on the hot path).
 */
function digitsAt(s: string, from: number, max: number): number {
  const n = s.length - from;
  if (n < 1 || n > max) return NaN;
  let v = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
    v = v * 10 + c - 48;
  }
  return v;
}

/**
 * A real server of the model. What it keeps of its field (the host as written, the span) is read
 * from the field when asked for: a large conf has 100,000 real servers, and every object and
 * string less is less work for the garbage collector.
 */
class ConfRealServer implements RealServer {
  readonly #field: Field;
  #text: string | undefined;
  constructor(
    readonly address: Address,
    readonly port: number,
    readonly weight: number,
    field: Field,
  ) {
    this.#field = field;
  }

  get text(): string {
    return (this.#text ??= formatAddress(this.address));
  }

  get localNode(): boolean {
    return isLoopbackAddress(this.address);
  }

  /**
   * The host as written: the field up to its `:port` or `,weight`; an IPv6 address in its
   * canonical form (the text may be any form inet_pton reads, and outputs quote this one).
   */
  get written(): string {
    const text = this.#field.text;
    if (typeof this.address === "bigint") {
      const comma = text.indexOf(",");
      const host = text.charCodeAt(0) === 91 /* [ */ ? text.slice(1, text.indexOf("]")) : comma === -1 ? text : text.slice(0, comma);
      return isHostname(host) ? host : this.text;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 58 /* : */ || c === 44 /* , */) return text.slice(0, i);
    }
    return text;
  }

  get span(): Span {
    return this.#field.span;
  }
}

/** A dual-stack conf's real server written as an address of the family not being read. */
export const OTHER_FAMILY = Symbol("other family");

/** The family a real server field's host is written in: 4 or 6 for an address, undefined for a name. */
function writtenFamily(host: string): 4 | 6 | undefined {
  if (host.charCodeAt(0) === 91 /* [ */ || host.indexOf(":") !== host.lastIndexOf(":")) return 6;
  const end = host.search(/[:,]/);
  return looksLikeIPv4(end === -1 ? host : host.slice(0, end)) ? 4 : undefined;
}

/** One real server field of a SERVICE, resolved, with its port (a NAT remap checked) and weight. */
export function readRealServer(ctx: Context, f: Field, protocol: ServiceProtocol | undefined, servicePort: number, type: LvsType | undefined): RealServer | typeof OTHER_FAMILY | undefined {
  if (ctx.dualStack) {
    const w = writtenFamily(f.text);
    if (w !== undefined && w !== ctx.family) return OTHER_FAMILY;
  }
  const text = f.text;
  const shapeHint = "a real server is `host`, `host:port`, `host,weight` or `host:port,weight`";
  if (text.charCodeAt(0) === 45 /* - */) {
    ctx.report("invalid-real-server", `\`${printable(text)}\` is not a real server`, f.span, `${shapeHint}; options belong after \`ppc\``);
    return undefined;
  }
  const comma = text.indexOf(",");
  if (comma !== -1 && text.indexOf(",", comma + 1) !== -1) {
    ctx.report("invalid-real-server", `\`${printable(text)}\` has more than one \`,\``, f.span, shapeHint);
    return undefined;
  }
  const hostEnd = comma === -1 ? text.length : comma;
  let colon: number;
  let hostFrom = 0;
  let host: number;
  if (text.charCodeAt(0) === 91 /* [ */ || text.indexOf(":") !== text.lastIndexOf(":")) {
    // IPv6: `[2001:db8::11]:80,3` (ipvsadm's brackets, only before a port) or `2001:db8::11,3`
    const shape = ipv6Shape(ctx, f, hostEnd, shapeHint);
    if (shape === undefined) return undefined;
    ({ hostFrom, host, colon } = shape);
  } else {
    const firstColon = text.indexOf(":");
    colon = firstColon < hostEnd ? firstColon : -1;
    host = colon === -1 ? hostEnd : colon;
  }
  if (host === hostFrom || (colon !== -1 && colon === hostEnd - 1) || (comma !== -1 && comma === text.length - 1)) {
    ctx.report("invalid-real-server", `\`${printable(text)}\` is not a real server`, f.span, shapeHint);
    return undefined;
  }
  let ok = true;
  // a dotted address is read in place; anything else (a name, IPv6, a mistake) as a field of its own
  const dotted = hostFrom === 0 ? ipv4At(text, 0, host) : -1;
  const hostField = hostFrom === 0 && host === text.length ? f : subField(f, hostFrom, host);
  // VS_TUN may tunnel to a real server of the other family (4in6, 6in4: README, mixed families);
  // a dual-stack conf's sides are one family each
  const address = dotted >= 0 ? dotted : readAddress(ctx, hostField, "real server", ctx.family, type === "tun" && !ctx.dualStack);
  if (address === undefined) ok = false;
  else if (typeof address === "bigint" && isLinkLocal6(address)) {
    ctx.report(
      "link-local-real-server",
      `real server \`${formatIPv6(address)}\` is a link-local address`,
      hostField.span,
      "the kernel refuses a link-local real server (ip_vs_ctl.c: EINVAL, \"address not unicast\"): give the real server's global or unique-local address",
    );
    ok = false;
  }

  let weight = 1;
  if (comma !== -1) {
    // read in place: only a diagnostic needs the weight as a field of its own
    const n = digitsAt(text, comma + 1, 5);
    if (!(n >= 0 && n <= MAX_WEIGHT)) {
      const w = subField(f, comma + 1, text.length);
      ctx.report("invalid-weight", `invalid weight \`${printable(w.text)}\``, w.span, `a weight is a whole number from 0 to ${MAX_WEIGHT} (ipvsadm's range)`);
      ok = false;
    } else {
      weight = n;
      if (n === 0)
        ctx.report(
          "zero-weight",
          "weight 0 sends this real server no new connections",
          subField(f, comma + 1, text.length).span,
          "0 quiesces a server; remove the `,0` when it should take traffic",
        );
    }
  }

  let port = protocol === "fwmark" ? 0 : servicePort;
  if (colon !== -1 && protocol !== undefined) {
    const portField = subField(f, colon + 1, hostEnd);
    const p = readPort(ctx, portField, protocol, "real server");
    if (p === undefined) ok = false;
    else {
      const expected = protocol === "fwmark" ? 0 : servicePort;
      if (p !== expected && type !== undefined && type !== "nat") {
        ctx.report(
          "port-remap-not-supported",
          protocol === "fwmark"
            ? `${TYPE_NAMES[type]} cannot send a fwmark service to port ${p}`
            : `${TYPE_NAMES[type]} cannot send port ${servicePort} to port ${p}`,
          portField.span,
          protocol === "fwmark"
            ? "direct routing and tunnelling keep each packet's port; drop the `:port`, or use VS_NAT"
            : `direct routing and tunnelling keep the port: the real server must listen on ${servicePort} itself; remapping needs VS_NAT`,
        );
        ok = false;
      } else if (p !== expected && address !== undefined && isLoopbackAddress(address)) {
        // VS_NAT can remap a port, but not for LocalNode, which is sent with -g (see ipvs.ts)
        ctx.report(
          "localnode-port-remap",
          protocol === "fwmark"
            ? `the director serves \`${printable(text.slice(0, hostEnd))}\` itself, so it cannot send a fwmark service to port ${p}`
            : `the director serves \`${printable(text.slice(0, hostEnd))}\` itself, so it cannot send port ${servicePort} to port ${p}`,
          portField.span,
          protocol === "fwmark"
            ? "the kernel does not masquerade to a loopback address, so the director's share goes by direct routing, which keeps each packet's port: drop the `:port`"
            : `the kernel does not masquerade to a loopback address, so the director's share goes by direct routing, which keeps the port: make the director's server listen on ${servicePort} and drop \`:${portField.text}\``,
        );
        ok = false;
      } else port = p;
    }
  }
  if (!ok || address === undefined) return undefined;
  return new ConfRealServer(address, port, weight, f);
}

/**
 * Where the host and the port of an IPv6 real server are: `[2001:db8::11]:80,3` (ipvsadm's
 * brackets, which lvsc takes only before a port, as ipvsadm does) or a bare `2001:db8::11,3`
 * (no port: every colon is the address's). A bracket out of place is a malformed server.
 */
function ipv6Shape(ctx: Context, f: Field, hostEnd: number, shapeHint: string): { hostFrom: number; host: number; colon: number } | undefined {
  const text = f.text;
  // made only for a diagnostic: this runs on every IPv6 real server
  const hint = () => `${shapeHint}; an IPv6 one is \`2001:db8::11\`, or \`[2001:db8::11]:80\` with a port`;
  if (text.charCodeAt(0) !== 91) {
    if (text.includes("[") || text.includes("]")) {
      ctx.report("invalid-real-server", `\`${printable(text)}\` is not a real server`, f.span, hint());
      return undefined;
    }
    return { hostFrom: 0, host: hostEnd, colon: -1 };
  }
  const close = text.indexOf("]");
  if (close === -1 || text.indexOf("[", 1) !== -1 || text.indexOf("]", close + 1) !== -1 || close > hostEnd) {
    ctx.report("invalid-real-server", `\`${printable(text)}\` is not a real server`, f.span, hint());
    return undefined;
  }
  if (close + 1 === hostEnd) {
    ctx.report(
      "invalid-ipv6",
      `\`${printable(text.slice(0, close + 1))}\` has brackets but no port`,
      f.span,
      `brackets go only around an address followed by a port (ipvsadm refuses \`[…]\` alone): \`${printable(text.slice(1, close))}\` or \`${printable(text.slice(0, close + 1))}:80\``,
    );
    return undefined;
  }
  if (text.charCodeAt(close + 1) !== 58 /* : */) {
    ctx.report("invalid-real-server", `\`${printable(text)}\` is not a real server`, f.span, hint());
    return undefined;
  }
  return { hostFrom: 1, host: close, colon: close + 1 };
}
