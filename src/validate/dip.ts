// DIRECTOR_INSIDEIP: the director's address facing the real servers (the DIP) and its network.

import { subField, type Directive, type Field } from "../ast.js";
import { formatIPv4, looksLikeIPv6, networkOf, parseIPv4, prefixOfMask, type IPv4 } from "../net.js";
import { broadcastCheck, ipv6Address, readAddress, readNetmask } from "./address.js";
import type { Context, LocatedDip } from "./context.js";
import { readIface } from "./values.js";

/** DIRECTOR_INSIDEIP's five fields: device, address, network, netmask, broadcast. */
export function validateDip(ctx: Context, d: Directive | undefined): LocatedDip | undefined {
  if (d === undefined) return undefined;
  const fIpv6 = d.args[1];
  if (fIpv6 !== undefined && looksLikeIPv6(fIpv6.text)) {
    // an IPv6 DIP (`eth0 2001:db8::1/64`, or the five fields): one error, not a count of fields
    const slash = fIpv6.text.indexOf("/");
    ipv6Address(ctx, slash === -1 ? fIpv6 : subField(fIpv6, 0, slash), "DIP");
    return undefined;
  }
  const f = ctx.fields(d);
  if (f === undefined) return undefined;
  const [fDev, fAddr, fNet, fMask, fBcast] = f as [Field, Field, Field, Field, Field];
  const device = readIface(ctx, fDev, false, "DIP device");
  const address = readAddress(ctx, fAddr, "DIP");
  if (address !== undefined && swappedNetworkAndMask(address, fNet, fMask)) {
    ctx.report(
      "network-mismatch",
      `the network \`${fNet.text}\` and netmask \`${fMask.text}\` are swapped`,
      { start: fNet.span.start, end: fMask.span.end },
      `DIRECTOR_INSIDEIP takes the network before the netmask (unlike VIP): \`${fMask.text} ${fNet.text}\``,
    );
    return undefined;
  }
  const network = readAddress(ctx, fNet, "network");
  const mask = readNetmask(ctx, fMask);
  const broadcast = readAddress(ctx, fBcast, "broadcast");
  if (device === undefined || address === undefined || network === undefined || mask === undefined || broadcast === undefined)
    return undefined;
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

/** `DIRECTOR_INSIDEIP=eth0 192.168.1.9 255.255.255.0 192.168.1.0 …`: the VIP's order, a common slip. */
function swappedNetworkAndMask(address: IPv4, fNet: Field, fMask: Field): boolean {
  const mask = parseIPv4(fNet.text);
  const net = parseIPv4(fMask.text);
  return mask.ok && net.ok && prefixOfMask(mask.value) !== undefined && networkOf(address, mask.value) === net.value && mask.value !== net.value;
}
