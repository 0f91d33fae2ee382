// DIRECTOR_INSIDEIP: the director's address facing the real servers (the DIP) and its network.

import type { Directive, Field } from "../ast.js";
import { broadcastOf, formatIPv4, looksLikeIPv6, maskOfPrefix, networkOf, networkOfPrefix, parseIPv4, prefixOfMask, type IPv4 } from "../net.js";
import { printable } from "../text.js";
import { broadcastCheck, readAddress, readCidr, readNetmask } from "./address.js";
import type { Context, LocatedDip } from "./context.js";
import { ipv6Device, readIface } from "./values.js";

/** DIRECTOR_INSIDEIP's five fields: device, address, network, netmask, broadcast. */
export function validateDip(ctx: Context, d: Directive | undefined): LocatedDip | undefined {
  if (d === undefined) return undefined;
  const fAddr1 = d.args[1];
  if (fAddr1 !== undefined && fAddr1.text.includes("/")) return cidrDip(ctx, d);
  if (fAddr1 !== undefined && looksLikeIPv6(fAddr1.text)) {
    ctx.report(
      "ipv6-needs-prefix",
      "an IPv6 DIP is written `address/prefix`",
      d.args.length > 2 ? { start: fAddr1.span.start, end: d.args[d.args.length - 1]!.span.end } : fAddr1.span,
      `IPv6 has no netmask and no broadcast address: \`DIRECTOR_INSIDEIP=${printable(d.args[0]!.text.split(":")[0]!)} ${printable(fAddr1.text)}/64\` (the prefix of the real servers' network)`,
    );
    return undefined;
  }
  const f = ctx.fields(d);
  if (f === undefined) return undefined;
  const [fDev, fAddr, fNet, fMask, fBcast] = f as [Field, Field, Field, Field, Field];
  const device = readIface(ctx, fDev, false, "DIP device");
  const address = readAddress(ctx, fAddr, "DIP", 4);
  if (typeof address === "bigint") return undefined; // (family 4 never resolves to IPv6)
  if (address !== undefined && swappedNetworkAndMask(address, fNet, fMask)) {
    ctx.report(
      "network-mismatch",
      `the network \`${fNet.text}\` and netmask \`${fMask.text}\` are swapped`,
      { start: fNet.span.start, end: fMask.span.end },
      `DIRECTOR_INSIDEIP takes the network before the netmask (unlike VIP): \`${fMask.text} ${fNet.text}\``,
    );
    return undefined;
  }
  const network = readAddress(ctx, fNet, "network", 4);
  const mask = readNetmask(ctx, fMask);
  const broadcast = readAddress(ctx, fBcast, "broadcast", 4);
  if (device === undefined || address === undefined || network === undefined || mask === undefined || broadcast === undefined)
    return undefined;
  if (typeof network === "bigint" || typeof broadcast === "bigint") return undefined;
  const wantNet = networkOf(address, mask.mask);
  if (network !== wantNet) {
    ctx.report(
      "network-mismatch",
      `network \`${fNet.text}\` does not contain ${formatIPv4(address)}/${mask.prefix}`,
      fNet.span,
      `the network of ${formatIPv4(address)}/${mask.prefix} is \`${formatIPv4(wantNet)}\``,
    );
    return undefined;
  }
  broadcastCheck(ctx, address, mask.mask, mask.prefix, fBcast, broadcast);
  return {
    value: { device, address, network, netmask: mask.mask, prefix: mask.prefix, broadcast },
    span: d.span,
    addressSpan: fAddr.span,
  };
}

/**
 * `DIRECTOR_INSIDEIP=eth0 192.168.1.9/24` or `eth0 2001:db8:1::9/64`: lvsc's extension, the
 * network (and, for IPv4, the netmask and broadcast) derived from the prefix.
 */
function cidrDip(ctx: Context, d: Directive): LocatedDip | undefined {
  const [fDev, fAddr] = d.args as [Field, Field];
  if (d.args.length !== 2) {
    ctx.report(
      "field-count",
      `\`DIRECTOR_INSIDEIP\` with an address/prefix takes 2 fields (device, address/prefix); \`${printable(d.args[2]!.text)}\` is one too many`,
      { start: d.args[2]!.span.start, end: d.args[d.args.length - 1]!.span.end },
      `the prefix gives the network: \`DIRECTOR_INSIDEIP=${printable(fDev.text)} ${printable(fAddr.text)}\``,
    );
    return undefined;
  }
  const device = readIface(ctx, fDev, false, "DIP device");
  const cidr = readCidr(ctx, fAddr, "DIP", "DIRECTOR_INSIDEIP=eth0 192.168.1.9/24");
  if (device === undefined || cidr === undefined) return undefined;
  const network = networkOfPrefix(cidr.address, cidr.prefix);
  if (typeof cidr.address === "bigint") {
    if (!ipv6Device(ctx, device, fDev, "DIP")) return undefined;
    return { value: { device, address: cidr.address, network, prefix: cidr.prefix, netmask: undefined, broadcast: undefined }, span: d.span, addressSpan: cidr.host.span };
  }
  const netmask = maskOfPrefix(cidr.prefix);
  return {
    value: { device, address: cidr.address, network, prefix: cidr.prefix, netmask, broadcast: broadcastOf(cidr.address, netmask) },
    span: d.span,
    addressSpan: cidr.host.span,
  };
}

/** `DIRECTOR_INSIDEIP=eth0 192.168.1.9 255.255.255.0 192.168.1.0 …`: the VIP's order, a common slip. */
function swappedNetworkAndMask(address: IPv4, fNet: Field, fMask: Field): boolean {
  const mask = parseIPv4(fNet.text);
  const net = parseIPv4(fMask.text);
  return mask.ok && net.ok && prefixOfMask(mask.value) !== undefined && networkOf(address, mask.value) === net.value && mask.value !== net.value;
}
