// VIP: the address clients use, in configure-lvs's four fields or lvsc's `address/prefix` form.

import { subField, type Directive, type Field } from "../ast.js";
import { DIRECTIVES } from "../directives.js";
import { broadcastOf, looksLikeIPv6, maskOfPrefix } from "../net.js";
import { printable } from "../text.js";
import { broadcastCheck, ipv6Address, readAddress, readNetmask } from "./address.js";
import type { Context, LocatedVip } from "./context.js";
import { readIface } from "./values.js";

/** VIP's four fields (device, address, netmask, broadcast), or the `address/prefix` form. */
export function validateVip(ctx: Context, d: Directive | undefined): LocatedVip | undefined {
  if (d === undefined) return undefined;
  const slash = d.args.findIndex((a) => a.text.includes("/"));
  if (slash === 1) return cidrVip(ctx, d);
  const f = ctx.fields(d);
  if (f === undefined) return undefined;
  const [fDev, fAddr, fMask, fBcast] = f as [Field, Field, Field, Field];
  const device = readIface(ctx, fDev, false, "VIP device");
  const address = readAddress(ctx, fAddr, "VIP");
  const mask = readNetmask(ctx, fMask);
  const broadcast = readAddress(ctx, fBcast, "VIP broadcast");
  if (device === undefined || address === undefined || mask === undefined || broadcast === undefined) return undefined;
  broadcastCheck(ctx, address, mask.mask, mask.prefix, fBcast, broadcast);
  return {
    value: { device, address, netmask: mask.mask, prefix: mask.prefix, broadcast },
    span: d.span,
    addressSpan: fAddr.span,
  };
}

/**
 * `VIP=eth0:101 192.168.0.101/24`: lvsc's extension, the netmask and broadcast derived from the
 * prefix (the four-field form is configure-lvs's own).
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
  const slash = fAddr.text.indexOf("/");
  const fHost = subField(fAddr, 0, slash);
  const fPrefix = subField(fAddr, slash + 1, fAddr.text.length);
  const device = readIface(ctx, fDev, false, "VIP device");
  if (looksLikeIPv6(fHost.text)) {
    // `2001:db8::110/64`: the IPv6 prefix form, refused as a whole (not as a prefix over 32)
    ipv6Address(ctx, fHost, "VIP");
    return undefined;
  }
  const address = fHost.text === "" ? undefined : readAddress(ctx, fHost, "VIP");
  if (fHost.text === "") ctx.report("invalid-ipv4", "the VIP's address is missing before `/`", fHost.span, "e.g. `VIP=eth0:101 192.168.0.101/24`");
  const prefix = /^(?:0|[1-9][0-9]?)$/.test(fPrefix.text) ? Number(fPrefix.text) : NaN;
  if (!(prefix <= 32))
    ctx.report(
      "invalid-netmask",
      `invalid prefix length \`/${printable(fPrefix.text)}\``,
      fPrefix.text === "" ? fAddr.span : fPrefix.span,
      "a prefix length is a number from 0 to 32, e.g. `/24` for 255.255.255.0",
    );
  if (device === undefined || address === undefined || !(prefix <= 32)) return undefined;
  const netmask = maskOfPrefix(prefix);
  return {
    value: { device, address, netmask, prefix, broadcast: broadcastOf(address, netmask) },
    span: d.span,
    addressSpan: fHost.span,
  };
}
