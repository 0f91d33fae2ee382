// DIRECTOR_DEFAULT_GW and SERVER_DEFAULT_GW.

import type { Directive } from "../ast.js";
import { TYPE_NAMES, type LvsType } from "../model.js";
import { formatIPv4, type IPv4 } from "../net.js";
import { readAddress } from "./address.js";
import type { Context, Located, LocatedDip } from "./context.js";

/** A directive whose one field is an address (a gateway). */
export function singleAddress(ctx: Context, d: Directive | undefined, what: string): Located<IPv4> | undefined {
  if (d === undefined) return undefined;
  const f = ctx.fields(d)?.[0];
  if (f === undefined) return undefined;
  const a = readAddress(ctx, f, what);
  return a === undefined ? undefined : { value: a, span: f.span };
}

/** SERVER_DEFAULT_GW against the DIP: VS_NAT real servers route through it, the others must not. */
export function gatewayChecks(ctx: Context, type: Located<LvsType> | undefined, dip: LocatedDip | undefined, serverGateway: Located<IPv4> | undefined): void {
  if (type !== undefined && dip !== undefined && serverGateway !== undefined) {
    const isDip = serverGateway.value === dip.value.address;
    if (type.value === "nat" && !isDip)
      ctx.report(
        "gateway-not-dip",
        `VS_NAT real servers must route replies through the director, but \`SERVER_DEFAULT_GW\` is \`${formatIPv4(serverGateway.value)}\``,
        serverGateway.span,
        `write \`SERVER_DEFAULT_GW=${formatIPv4(dip.value.address)}\` (the DIP)`,
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
