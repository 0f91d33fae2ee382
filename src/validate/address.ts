// Addresses in a field: an IPv4 address or a host name from the hosts files, a netmask, a
// broadcast address, a host of a network. Every directive that takes an address reads it here.

import { subField, type Field } from "../ast.js";
import type { DirectorInside } from "../model.js";
import {
  isV4Mapped,
  type Address,
  type Family,
  type IPv6,
  broadcastOf,
  formatIPv4,
  formatIPv6,
  inPrefix,
  isHostname,
  isMulticast6,
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

/**
 * An address (IPv4, or IPv6 in glibc's grammar) or a host name resolved from the hosts files.
 * A name resolves in `family` (the cluster's, from its VIP): its IPv4 line for 4, its IPv6 line
 * for 6; with no family given (the VIP itself), its IPv4 line, else its IPv6 one. Whether the
 * address's family fits where it stands is the caller's check.
 * `eitherFamily` (a VS_TUN real server, which the kernel may tunnel across families): an address
 * of the other family is taken too, and a name with no line in `family` resolves in the other.
 */
export function readAddress(ctx: Context, f: Field, what: string, family?: Family, eitherFamily = false): Address | undefined {
  const text = f.text;
  if (looksLikeIPv6(text) || text.startsWith("[")) {
    const a = ipv6Address(ctx, f, what);
    return a !== undefined && family === 4 && !eitherFamily ? wrongFamily(ctx, f, what, 6) : a;
  }
  if (looksLikeIPv4(text)) {
    const r = parseIPv4(text);
    if (r.ok) return family === 6 && !eitherFamily ? wrongFamily(ctx, f, what, 4) : r.value;
    ctx.report("invalid-ipv4", `invalid IPv4 address \`${printable(text)}\` for the ${what}`, f.span, r.reason);
    return undefined;
  }
  if (!isHostname(text)) {
    ctx.report(
      "invalid-host",
      `\`${printable(text)}\` is neither an IP address nor a host name (the ${what})`,
      f.span,
      text.startsWith("-")
        ? "a value cannot start with `-`: a command would read it as an option"
        : "host names use letters, digits, `-`, `_` and `.`",
    );
    return undefined;
  }
  const hosts = ctx.opts.hosts;
  const key = text.toLowerCase();
  const v4 = family === 6 ? undefined : hosts.v4.get(key);
  const v6 = family === 4 || (family === undefined && v4 !== undefined) ? undefined : hosts.v6.get(key);
  const entry = v4 ?? v6 ?? (eitherFamily ? (family === 4 ? hosts.v6.get(key) : family === 6 ? hosts.v4.get(key) : undefined) : undefined);
  if (entry !== undefined) {
    if (typeof entry.address === "bigint" && !usableIPv6(ctx, entry.address, f, what, `${entry.path}:${entry.line} gives it`)) return undefined;
    // a dual-stack conf resolves a name once per family: each address goes into the hosts file a
    // variant writes
    const known = ctx.names.get(text);
    if (known === undefined) ctx.names.set(text, [entry.address]);
    else if (!known.includes(entry.address)) known.push(entry.address);
    return entry.address;
  }
  if (key === "localhost") return family === 6 ? 1n : 0x7f000001;
  const searched = hosts.sources.length > 0 ? `searched ${hosts.sources.join(", ")}` : "no hosts file was given";
  if (family === 4 && hosts.v6.has(key)) {
    ctx.report(
      "wrong-family",
      `\`${text}\` has only an IPv6 address (the ${what}), and this cluster's VIP is IPv4`,
      f.span,
      `add an IPv4 line for it to a hosts file, or give an IPv4 address (${searched})`,
    );
    return undefined;
  }
  if (family === 6 && hosts.v4.has(key)) {
    ctx.report(
      "wrong-family",
      `\`${text}\` has only an IPv4 address (the ${what}), and this cluster's VIP is IPv6`,
      f.span,
      `add an IPv6 line for it to a hosts file (a host may have one of each), or give an IPv6 address (${searched})`,
    );
    return undefined;
  }
  const ignored = hosts.ignored.get(key);
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

/** An address written in the other family than the one `what` must have. */
function wrongFamily(ctx: Context, f: Field, what: string, is: Family): undefined {
  const want = is === 4 ? 6 : 4;
  ctx.report(
    "wrong-family",
    `\`${printable(f.text)}\` is an IPv${is} address, and the ${what} must be IPv${want} (the VIP's family)`,
    f.span,
    `${what === "real server" ? "direct routing and masquerading keep the packet's family (only VS_TUN may reach a real server of the other family)" : "one cluster is one family"}: give the ${what}'s IPv${want} address${is === 6 ? ", or make the VIP IPv6 (`VIP=eth0 2001:db8::110/64`)" : ""}`,
  );
  return undefined;
}

/**
 * An IPv6 address where an address goes: read strictly (net.ts parseIPv6, glibc's grammar; zone
 * ids and brackets refused), then refused if it is an IPv4-mapped one (`::ffff:a.b.c.d`: the
 * kernel's IPv6 services never see such a packet; write the IPv4 address).
 */
export function ipv6Address(ctx: Context, f: Field, what: string): IPv6 | undefined {
  const r = parseIPv6(f.text);
  if (!r.ok) {
    ctx.report(
      "invalid-ipv6",
      r.zone === true ? `\`${printable(f.text)}\` has a zone id (the ${what})` : `invalid IPv6 address \`${printable(f.text)}\` for the ${what}`,
      f.span,
      r.reason,
    );
    return undefined;
  }
  return usableIPv6(ctx, r.value, f, what, "written") ? r.value : undefined;
}

/** An IPv6 address a cluster can use: not IPv4-mapped, not unspecified, not multicast. */
function usableIPv6(ctx: Context, a: IPv6, f: Field, what: string, source: string): boolean {
  if (isV4Mapped(a)) {
    ctx.report(
      "ipv6-mapped",
      `\`${formatIPv6(a)}\` is an IPv4-mapped IPv6 address (the ${what}; ${source})`,
      f.span,
      `IPv4 packets never reach IPv6 services or real servers as \`::ffff:…\`: write the IPv4 address \`${formatIPv4(Number(a & 0xffffffffn))}\` in an IPv4 cluster`,
    );
    return false;
  }
  if (a === 0n || isMulticast6(a)) {
    ctx.report(
      "invalid-ipv6",
      `\`${formatIPv6(a)}\` is ${a === 0n ? "the unspecified address" : "a multicast address"} (the ${what}; ${source})`,
      f.span,
      "give a unicast address of the host",
    );
    return false;
  }
  return true;
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

/**
 * A host address of the network: inside it, and not its network or broadcast address (IPv4
 * prefixes below /31), nor its subnet-router anycast address (IPv6 prefixes below /127).
 */
export function hostOn(address: Address, net: DirectorInside): boolean {
  if (!inPrefix(address, net.network, net.prefix)) return false;
  if (typeof address === "bigint") return net.prefix >= 127 || address !== net.network;
  return net.prefix >= 31 || (address !== net.network && address !== broadcastOf(net.network as IPv4, maskOfPrefix(net.prefix)));
}

/**
 * `address/prefix`, the CIDR form of VIP and DIRECTOR_INSIDEIP (lvsc's extension; the only form
 * for IPv6, which has no netmask): the address, and a prefix length for its family.
 */
export function readCidr(ctx: Context, fAddr: Field, what: string, example: string): { address: Address; prefix: number; host: Field } | undefined {
  const slash = fAddr.text.indexOf("/");
  const fHost = subField(fAddr, 0, slash);
  const fPrefix = subField(fAddr, slash + 1, fAddr.text.length);
  const address = fHost.text === "" ? undefined : readAddress(ctx, fHost, what, ctx.family);
  if (fHost.text === "") ctx.report("invalid-ipv4", `the ${what}'s address is missing before \`/\``, fHost.span, `e.g. \`${example}\``);
  const max = looksLikeIPv6(fHost.text) ? 128 : 32;
  const prefix = /^(?:0|[1-9][0-9]{0,2})$/.test(fPrefix.text) ? Number(fPrefix.text) : NaN;
  if (!(prefix <= max))
    ctx.report(
      "invalid-netmask",
      `invalid prefix length \`/${printable(fPrefix.text)}\``,
      fPrefix.text === "" ? fAddr.span : fPrefix.span,
      max === 32 ? "a prefix length is a number from 0 to 32, e.g. `/24` for 255.255.255.0" : "an IPv6 prefix length is a number from 0 to 128, e.g. `/64`",
    );
  if (address === undefined || !(prefix <= max)) return undefined;
  return { address, prefix, host: fHost };
}

/** An address where lvsc takes only IPv4 (`what` says where): an IPv6 one is refused with `why`. */
export function readIPv4Only(ctx: Context, f: Field, what: string, why: string): IPv4 | undefined {
  const a = looksLikeIPv6(f.text) || f.text.startsWith("[") ? ipv6Address(ctx, f, what) : readAddress(ctx, f, what, 4);
  if (a === undefined) return undefined;
  if (typeof a !== "bigint") return a;
  ctx.report("ipv6-unsupported", `\`${formatIPv6(a)}\` is an IPv6 address (the ${what}); ${why}`, f.span, "give an IPv4 address");
  return undefined;
}
