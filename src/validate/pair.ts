// Two directors: DIRECTOR_PAIR, VRRP_ROUTER_ID, VRRP_PREEMPT (lvsc extensions; timers in
// pair-timers.ts).

import type { Directive } from "../ast.js";
import type { Span } from "../diagnostics.js";
import { VRRP_PRIORITIES } from "../directives.js";
import type { Director, Gateway, DirectorPair, LvsType, ServiceLine, VrrpId } from "../model.js";
import { familyOf, formatAddress, inPrefix, type Address } from "../net.js";
import { printable } from "../text.js";
import { derivedRouterId } from "../vrrp-id.js";
import { hostOn, readAddress } from "./address.js";
import type { Context, Located, LocatedDip, LocatedVip, Lookup } from "./context.js";
import { validateVrrpTimers } from "./pair-timers.js";
import { readOnOff } from "./values.js";

/** DIRECTOR_PAIR, VRRP_ROUTER_ID and VRRP_PREEMPT: the pair (when given and sound) and the VRRP id a single director uses too. */
export function validatePair(
  ctx: Context,
  ok: Lookup,
  present: Lookup,
  type: LvsType | undefined,
  vip: LocatedVip | undefined,
  dip: LocatedDip | undefined,
  serverGateway: Located<Gateway> | undefined,
  services: { value: ServiceLine }[],
  /** A dual-stack conf's other VIP and DIP (the other family's): the pair floats them too. */
  more: { vips?: readonly LocatedVip[]; dips?: readonly LocatedDip[] } = {},
): { pair: DirectorPair | undefined; vrrp: VrrpId | undefined } {
  const given = validateVrrpRouterId(ctx, ok("VRRP_ROUTER_ID"));
  const preempt = validateVrrpPreempt(ctx, ok("VRRP_PREEMPT"));
  // An IPv6 address in a VRRP instance's virtual_ipaddress (src/ha.ts vrrpInstances): the
  // instances advertise in the directors' family (the first VIP's), and a device that floats
  // addresses of the other family only has an instance of that family. Such an instance is
  // VRRPv3; an IPv6 address in an IPv4 instance's virtual_ipaddress_excluded is not in the adverts.
  const floated = [...(vip !== undefined ? [vip] : []), ...(more.vips ?? []), ...(dip !== undefined ? [dip] : []), ...(more.dips ?? [])];
  const ipv6 = floated.find(
    (x) =>
      familyOf(x.value.address) === 6 &&
      ((vip !== undefined && familyOf(vip.value.address) === 6) || !floated.some((y) => familyOf(y.value.address) === 4 && y.value.device.device === x.value.device.device)),
  )?.addressSpan;
  const timers = validateVrrpTimers(ctx, ok, present, present("DIRECTOR_PAIR") !== undefined, ipv6);
  const pairDirective = present("DIRECTOR_PAIR");
  const preemptDirective = present("VRRP_PREEMPT");
  if (pairDirective === undefined && preemptDirective !== undefined)
    ctx.report(
      "unused-directive",
      "`VRRP_PREEMPT` has no effect without `DIRECTOR_PAIR`: a single director has no one to take the VIP back from",
      preemptDirective.name.span,
      "remove the line, or name the two directors with `DIRECTOR_PAIR=<director1> <director2>`",
    );
  const vrrp: VrrpId | undefined =
    given !== undefined
      ? { routerId: given.value, given: true, span: given.span }
      : vip !== undefined
        ? { routerId: derivedRouterId(vip.value.address), given: false, span: vip.addressSpan }
        : undefined;
  const d = ok("DIRECTOR_PAIR");
  if (d === undefined) return { pair: undefined, vrrp };
  const f = ctx.fields(d);
  if (f === undefined) return { pair: undefined, vrrp };
  const roles = ["director1", "director2"] as const;
  const directors: Director[] = [];
  f.forEach((field, i) => {
    const address = readAddress(ctx, field, `${roles[i]}'s own address`, ctx.family);
    if (address !== undefined)
      directors.push({ role: roles[i]!, address, written: field.text, priority: VRRP_PRIORITIES[i]!, span: field.span });
  });
  if (directors.length !== 2) return { pair: undefined, vrrp };
  const [d1, d2] = directors as [Director, Director];
  let errors = false;
  const conflict = (who: Director, message: string, hint: string, related?: { message: string; span: Span }[]) => {
    ctx.report("director-address-conflict", message, who.span, hint, related);
    errors = true;
  };
  const own = "each director needs an address of its own that never moves; the VIP and the DIP float between them";
  if (d1.address === d2.address)
    conflict(d2, `director1 and director2 are both \`${formatAddress(d2.address)}\``, "name two hosts: director1 (the MASTER at start), then director2", [
      { message: "director1 given here", span: d1.span },
    ]);
  for (const who of directors) {
    if (vip !== undefined && who.address === vip.value.address)
      conflict(who, `${who.role} \`${who.written}\` is the VIP`, own, [{ message: "VIP given here", span: vip.addressSpan }]);
    else if (dip !== undefined && who.address === dip.value.address)
      conflict(who, `${who.role} \`${who.written}\` is the DIP`, `${own}: the DIP is the real servers' side of the pair, held by the MASTER`, [
        { message: "DIP given here", span: dip.addressSpan },
      ]);
    else if (dip !== undefined) {
      const net = dip.value;
      const cidr = `${formatAddress(net.network)}/${net.prefix}`;
      const hint = `give ${who.role}'s own address on the DIP's network ${cidr}: keepalived sends the pair's VRRP adverts and the connection sync from it`;
      if (!inPrefix(who.address, net.network, net.prefix)) {
        ctx.report("director-outside-network", `${who.role} \`${who.written}\` (${formatAddress(who.address)}) is outside the DIP's network ${cidr}`, who.span, hint);
        errors = true;
      } else if (!hostOn(who.address, net)) {
        ctx.report(
          "director-outside-network",
          `${who.role} \`${who.written}\` is the ${who.address === net.network ? (typeof who.address === "bigint" ? "subnet-router anycast" : "network") : "broadcast"} address of ${cidr}, not a host on it`,
          who.span,
          hint,
        );
        errors = true;
      }
    }
    if (serverGateway !== undefined && who.address === serverGateway.value.address)
      conflict(
        who,
        `${who.role} \`${who.written}\` is the real servers' default gateway`,
        type === "nat"
          ? "VS_NAT real servers route through the floating DIP, which follows the MASTER; a director's own address does not"
          : "a director's own address is no router for the real servers; give the router's address in `SERVER_DEFAULT_GW`",
        [{ message: "SERVER_DEFAULT_GW given here", span: serverGateway.span }],
      );
    const rs = services.flatMap((s) => s.value.realServers).find((r) => r.address === who.address);
    if (rs !== undefined)
      conflict(who, `${who.role} \`${who.written}\` is also a real server (\`${rs.written}\`)`, `${own}; to let the directors serve too, list \`127.0.0.1\` (LocalNode)`, [
        { message: "real server listed here", span: rs.span },
      ]);
  }
  if (errors || vrrp === undefined) return { pair: undefined, vrrp };
  if (timers === undefined) return { pair: undefined, vrrp };
  return { pair: { directors: [d1, d2], preempt: preempt ?? false, timers }, vrrp };
}

/** VRRP_ROUTER_ID: 1..255. */
export function validateVrrpRouterId(ctx: Context, d: Directive | undefined): Located<number> | undefined {
  if (d === undefined) return undefined;
  const f = ctx.fields(d)?.[0];
  if (f === undefined) return undefined;
  const n = /^\d{1,3}$/.test(f.text) ? Number(f.text) : NaN;
  if (n >= 1 && n <= 255 && !(f.text.length > 1 && f.text[0] === "0")) return { value: n, span: f.span };
  ctx.report(
    "invalid-vrrp-router-id",
    `VRRP router id \`${printable(f.text)}\` is not a whole number from 1 to 255`,
    f.span,
    "VRRP names a virtual router with 1..255; without `VRRP_ROUTER_ID`, lvsc uses the VIP's last octet",
  );
  return undefined;
}

/** VRRP_PREEMPT: `on` or `off`. */
export function validateVrrpPreempt(ctx: Context, d: Directive | undefined): boolean | undefined {
  return readOnOff(ctx, d, "invalid-vrrp-preempt", "VRRP_PREEMPT", "`off` (the default): the VIP stays with director2 when director1 returns; `on`: director1 takes it back");
}
