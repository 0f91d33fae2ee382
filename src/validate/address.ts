// Addresses in a field: an IPv4 address or a host name from the hosts files, a netmask, a
// broadcast address, a host of a network. Every directive that takes an address reads it here.

import type { Field } from "../ast.js";
import type { DirectorInside } from "../model.js";
import {
  broadcastOf,
  formatIPv4,
  formatIPv6,
  inNetwork,
  isHostname,
  looksLikeIPv4,
  looksLikeIPv6,
  maskOfPrefix,
  networkOf,
  parseIPv4,
  parseIPv6,
  prefixOfMask,
  type IPv4,
} from "../net.js";
import { printable } from "../text.js";
import type { Context } from "./context.js";

/** An IPv4 address or a host name resolved from the hosts files. */
export function readAddress(ctx: Context, f: Field, what: string): IPv4 | undefined {
  const text = f.text;
  if (looksLikeIPv6(text) || text.startsWith("[")) {
    ipv6Address(ctx, f, what);
    return undefined;
  }
  if (looksLikeIPv4(text)) {
    const r = parseIPv4(text);
    if (r.ok) return r.value;
    ctx.report("invalid-ipv4", `invalid IPv4 address \`${printable(text)}\` for the ${what}`, f.span, r.reason);
    return undefined;
  }
  if (!isHostname(text)) {
    ctx.report(
      "invalid-host",
      `\`${printable(text)}\` is neither an IPv4 address nor a host name (the ${what})`,
      f.span,
      text.startsWith("-")
        ? "a value cannot start with `-`: a command would read it as an option"
        : "host names use letters, digits, `-`, `_` and `.`",
    );
    return undefined;
  }
  const hosts = ctx.opts.hosts;
  const entry = hosts.v4.get(text.toLowerCase());
  if (entry !== undefined) {
    if (!ctx.names.has(text)) ctx.names.set(text, entry.address);
    return entry.address;
  }
  if (text.toLowerCase() === "localhost") return 0x7f000001;
  const searched = hosts.sources.length > 0 ? `searched ${hosts.sources.join(", ")}` : "no hosts file was given";
  if (hosts.v6Only.has(text.toLowerCase())) {
    ctx.report(
      "unresolved-host",
      `\`${text}\` has only an IPv6 address (the ${what})`,
      f.span,
      `lvsc builds IPv4 clusters; give an IPv4 address (${searched})`,
    );
    return undefined;
  }
  const ignored = hosts.ignored.get(text.toLowerCase());
  if (ignored !== undefined) {
    ctx.report(
      "unresolved-host",
      `cannot resolve host \`${text}\` (the ${what}): its line in ${ignored.path} has an address lvsc refuses`,
      f.span,
      `${ignored.path}:${ignored.line} gives \`${ignored.address}\` (${ignored.reason}${ignored.glibcReads !== undefined ? `; that is ${formatIPv4(ignored.glibcReads)} to glibc` : ""}): write the address there in plain dotted decimal`,
    );
    return undefined;
  }
  const mean = ctx.suggestion("hosts", text, hosts.names);
  ctx.report(
    "unresolved-host",
    `cannot resolve host \`${text}\` (the ${what})`,
    f.span,
    `${mean}${searched}; lvsc never uses DNS: add the name to a hosts file and pass it with \`--hosts FILE\`, or write the address`,
  );
  return undefined;
}

/**
 * An IPv6 address where an address goes: read strictly (net.ts parseIPv6, glibc's grammar), then
 * refused with the one error that says so, its canonical form (as ipvsadm and ip(8) print it) in
 * the message. IPv6 clusters are issue 18's; until the outputs know the family, no IPv6 address
 * reaches a model.
 */
export function ipv6Address(ctx: Context, f: Field, what: string): void {
  const r = parseIPv6(f.text);
  if (!r.ok) {
    ctx.report(
      "invalid-ipv6",
      r.zone === true ? `\`${printable(f.text)}\` has a zone id (the ${what})` : `invalid IPv6 address \`${printable(f.text)}\` for the ${what}`,
      f.span,
      r.reason,
    );
    return;
  }
  const canonical = formatIPv6(r.value);
  ctx.report(
    "ipv6-unsupported",
    `\`${canonical}\` is an IPv6 address (the ${what}); lvsc builds IPv4 clusters only so far`,
    f.span,
    "run this cluster's IPv6 side with keepalived or ipvsadm for now, or give an IPv4 address",
  );
}

/** A dotted netmask of contiguous ones, with its prefix length. */
export function readNetmask(ctx: Context, f: Field): { mask: IPv4; prefix: number } | undefined {
  const r = parseIPv4(f.text);
  if (!r.ok) {
    const prefixText = /^\/?(\d{1,2})$/.exec(f.text)?.[1];
    const hint =
      prefixText !== undefined && Number(prefixText) <= 32
        ? `write the netmask dotted: /${prefixText} is \`${formatIPv4(maskOfPrefix(Number(prefixText)))}\``
        : r.reason;
    ctx.report("invalid-netmask", `invalid netmask \`${printable(f.text)}\``, f.span, hint);
    return undefined;
  }
  const prefix = prefixOfMask(r.value);
  if (prefix === undefined) {
    ctx.report(
      "invalid-netmask",
      `netmask \`${f.text}\` is not contiguous`,
      f.span,
      "a netmask is ones followed by zeros, e.g. `255.255.255.0`",
    );
    return undefined;
  }
  return { mask: r.value, prefix };
}

/** The broadcast address given is the one of `addr`/`prefix`. */
export function broadcastCheck(ctx: Context, addr: IPv4, mask: IPv4, prefix: number, f: Field, bcast: IPv4): void {
  const want = broadcastOf(addr, mask);
  if (bcast === want) return;
  const cidr = `${formatIPv4(addr)}/${prefix}`;
  const isNetwork = bcast === networkOf(addr, mask) && prefix < 31;
  ctx.report(
    "broadcast-mismatch",
    isNetwork
      ? `broadcast \`${f.text}\` is the network address of ${cidr}`
      : `broadcast \`${f.text}\` does not match ${cidr}`,
    f.span,
    `the broadcast address of ${cidr} is \`${formatIPv4(want)}\``,
  );
}

/** A host address of the network (not its network or broadcast address, for prefixes below /31). */
export function hostOn(address: IPv4, net: DirectorInside): boolean {
  if (!inNetwork(address, net.network, net.netmask)) return false;
  return net.prefix >= 31 || (address !== net.network && address !== broadcastOf(net.network, net.netmask));
}
