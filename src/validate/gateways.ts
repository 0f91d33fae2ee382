// DIRECTOR_DEFAULT_GW and SERVER_DEFAULT_GW.

import type { Directive } from "../ast.js";
import { TYPE_NAMES, type Gateway, type LvsType } from "../model.js";
import { familyOf, formatAddress, isLinkLocal6, type Iface } from "../net.js";
import { printable } from "../text.js";
import { readAddress } from "./address.js";
import type { Context, Located, LocatedDip, LocatedVip } from "./context.js";
import { ipv6Device, readIface } from "./values.js";

/**
 * A gateway directive: an address, and for IPv6 optionally the device it is reached on
 * (`SERVER_DEFAULT_GW=fe80::1 eth0`), which a link-local gateway needs (`ip -6 route add default
 * via fe80::1` fails with "Egress device not specified"). SERVER_DEFAULT_GW's device defaults
 * to SERVER_NET_DEVICE.
 */
export function readGateway(ctx: Context, d: Directive | undefined, what: string, defaultDevice?: Located<Iface>): Located<Gateway> | undefined {
  if (d === undefined) return undefined;
  const fAddr = d.args[0];
  const twoFields = d.args.length === 2 && fAddr !== undefined && fAddr.text.includes(":");
  const f = twoFields ? fAddr : ctx.fields(d)?.[0];
  if (f === undefined) return undefined;
  const address = readAddress(ctx, f, what, ctx.family);
  if (address === undefined) return undefined;
  let device: Iface | undefined;
  if (twoFields) {
    const fDev = d.args[1]!;
    device = readIface(ctx, fDev, false, `${what}'s device`);
    if (device === undefined || !ipv6Device(ctx, device, fDev, `${what}'s`)) return undefined;
  } else if (typeof address === "bigint" && isLinkLocal6(address)) {
    device = defaultDevice?.value;
    if (device === undefined || device.label !== undefined) {
      ctx.report(
        "link-local-gateway",
        `the ${what} \`${formatAddress(address)}\` is link-local, and no device says where it is`,
        f.span,
        `a link-local address exists on every link: name the device after it, \`${d.name.text}=${printable(f.text)} eth0\`${d.name.text === "SERVER_DEFAULT_GW" ? " (or set SERVER_NET_DEVICE, which it then uses)" : ""}`,
      );
      return undefined;
    }
  }
  return { value: { address, device: device !== undefined ? device : undefined, line: d.line }, span: f.span };
}

/** A gateway in the VIP's family: a default route of the other family would not carry the cluster's replies. */
export function gatewayFamily(ctx: Context, vip: LocatedVip | undefined, gw: Located<Gateway> | undefined, name: string): void {
  if (vip === undefined || gw === undefined) return;
  const want = familyOf(vip.value.address);
  if (familyOf(gw.value.address) === want) return;
  ctx.report(
    "wrong-family",
    `\`${name}\` \`${formatAddress(gw.value.address)}\` is IPv${familyOf(gw.value.address)} and the VIP is IPv${want}`,
    gw.span,
    `the cluster's default route is the VIP's family's: give an IPv${want} gateway`,
    [{ message: "VIP given here", span: vip.addressSpan }],
  );
}

/** SERVER_DEFAULT_GW against the DIP: VS_NAT real servers route through it, the others must not. */
export function gatewayChecks(ctx: Context, type: Located<LvsType> | undefined, dip: LocatedDip | undefined, serverGateway: Located<Gateway> | undefined): void {
  if (type !== undefined && dip !== undefined && serverGateway !== undefined) {
    const isDip = serverGateway.value.address === dip.value.address;
    if (type.value === "nat" && !isDip)
      ctx.report(
        "gateway-not-dip",
        `VS_NAT real servers must route replies through the director, but \`SERVER_DEFAULT_GW\` is \`${formatAddress(serverGateway.value.address)}\``,
        serverGateway.span,
        `write \`SERVER_DEFAULT_GW=${formatAddress(dip.value.address)}\` (the DIP)`,
      );
    if (type.value !== "nat" && isDip)
      ctx.report(
        "gateway-is-dip",
        `${TYPE_NAMES[type.value]} real servers must not use the director as their default gateway`,
        serverGateway.span,
        "replies go straight to the client; use the router's address (the director would drop them as martians)",
      );
  }
}
