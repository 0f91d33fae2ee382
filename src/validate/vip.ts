// VIP: the address clients use, in configure-lvs's four fields or lvsc's `address/prefix` form
// (the only form for IPv6, which has no netmask and no broadcast address).

import type { Directive, Field } from "../ast.js";
import { DIRECTIVES } from "../directives.js";
import { broadcastOf, looksLikeIPv6, maskOfPrefix, type IPv4 } from "../net.js";
import { printable } from "../text.js";
import { broadcastCheck, readAddress, readCidr, readNetmask } from "./address.js";
import type { Context, LocatedVip } from "./context.js";
import { ipv6Device, readIface } from "./values.js";

/** VIP's four fields (device, address, netmask, broadcast), or the `address/prefix` form. */
export function validateVip(ctx: Context, d: Directive | undefined): LocatedVip | undefined {
  if (d === undefined) return undefined;
  const slash = d.args.findIndex((a) => a.text.includes("/"));
  if (slash === 1) return cidrVip(ctx, d);
  if (d.args[1] !== undefined && looksLikeIPv6(d.args[1].text)) {
    ctx.report(
      "ipv6-needs-prefix",
      `an IPv6 VIP is written \`address/prefix\``,
      d.args.length > 2 ? { start: d.args[1].span.start, end: d.args[d.args.length - 1]!.span.end } : d.args[1].span,
      `IPv6 has no netmask and no broadcast address: \`VIP=${printable(d.args[0]!.text.split(":")[0]!)} ${printable(d.args[1].text)}/64\` (the prefix of the VIP's network)`,
    );
    return undefined;
  }
  const f = ctx.fields(d);
  if (f === undefined) return undefined;
  const [fDev, fAddr, fMask, fBcast] = f as [Field, Field, Field, Field];
  const device = readIface(ctx, fDev, false, "VIP device");
  const address = readAddress(ctx, fAddr, "VIP", 4);
  const mask = readNetmask(ctx, fMask);
  const broadcast = readAddress(ctx, fBcast, "VIP broadcast", 4);
  if (device === undefined || address === undefined || mask === undefined || broadcast === undefined) return undefined;
  if (typeof address === "bigint" || typeof broadcast === "bigint") return undefined; // (family 4 never resolves to IPv6)
  broadcastCheck(ctx, address, mask.mask, mask.prefix, fBcast, broadcast);
  return {
    value: { device, address, netmask: mask.mask, prefix: mask.prefix, broadcast },
    span: d.span,
    addressSpan: fAddr.span,
  };
}

/**
 * `VIP=eth0:101 192.168.0.101/24` or `VIP=eth0 2001:db8::110/64`: lvsc's extension, an IPv4
 * netmask and broadcast derived from the prefix (the four-field form is configure-lvs's own).
 */
function cidrVip(ctx: Context, d: Directive): LocatedVip | undefined {
  const [fDev, fAddr] = d.args as [Field, Field];
  if (d.args.length !== 2) {
    ctx.report(
      "field-count",
      `\`VIP\` with an address/prefix takes 2 fields (device, address/prefix); \`${printable(d.args[2]!.text)}\` is one too many`,
      { start: d.args[2]!.span.start, end: d.args[d.args.length - 1]!.span.end },
      `the prefix gives the netmask and the broadcast: \`VIP=${printable(fDev.text)} ${printable(fAddr.text)}\`, or the four fields of \`${DIRECTIVES["VIP"]!.example}\``,
    );
    return undefined;
  }
  const device = readIface(ctx, fDev, false, "VIP device");
  const cidr = readCidr(ctx, fAddr, "VIP", "VIP=eth0:101 192.168.0.101/24");
  if (device === undefined || cidr === undefined) return undefined;
  if (typeof cidr.address === "bigint") {
    if (!ipv6Device(ctx, device, fDev, "VIP")) return undefined;
    return { value: { device, address: cidr.address, prefix: cidr.prefix, netmask: undefined, broadcast: undefined }, span: d.span, addressSpan: cidr.host.span };
  }
  const netmask: IPv4 = maskOfPrefix(cidr.prefix);
  return {
    value: { device, address: cidr.address, netmask, prefix: cidr.prefix, broadcast: broadcastOf(cidr.address, netmask) },
    span: d.span,
    addressSpan: cidr.host.span,
  };
}
