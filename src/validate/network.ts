// Where the VIP sits among the director's networks: not the DIP, on a network a router reaches
// by ARP (DR), off the real servers' network (NAT).

import type { DirectorInside, LvsType } from "../model.js";
import { formatIPv4, inNetwork } from "../net.js";
import type { Context, Located, LocatedDip, LocatedVip } from "./context.js";

/** The VIP and the DIP are different addresses. */
export function vipIsNotDip(ctx: Context, vip: LocatedVip | undefined, dip: LocatedDip | undefined): void {
  if (vip !== undefined && dip !== undefined && vip.value.address === dip.value.address)
    ctx.report(
      "vip-equals-dip",
      `the VIP and the DIP are both \`${formatIPv4(vip.value.address)}\``,
      vip.addressSpan,
      "the VIP is the address clients use; the DIP is the director's own address facing the real servers",
      [{ message: "DIP given here", span: dip.addressSpan }],
    );
}

/** Where the VIP sits among the director's networks: the DIP's, and the one the VIP's own netmask gives. */
export function networkChecks(ctx: Context, type: LvsType, vip: LocatedVip, dip: Located<DirectorInside>): void {
  const v = vip.value;
  const dipNet = `${formatIPv4(dip.value.network)}/${dip.value.prefix}`;
  const vipInDipNet = inNetwork(v.address, dip.value.network, dip.value.netmask);
  // DR: the router finds the director by ARP on the LAN it shares with the real servers. A VIP
  // with a netmask of its own puts a network on the director's VIP device (the router's side); a
  // /32 VIP outside the DIP's network is on no network of the director, and only a route on the
  // router (which lvsc does not write) can send its packets there.
  if (type === "dr" && v.prefix === 32 && !vipInDipNet)
    ctx.report(
      "vip-outside-director-networks",
      `the VIP ${formatIPv4(v.address)}/32 is on none of the director's networks (its inside network is ${dipNet})`,
      vip.addressSpan,
      `a router finds the VIP by ARP only on a network it shares with the director: give the VIP the netmask of its network (e.g. \`255.255.255.0\`), or an address in ${dipNet}; with a route on the router to the director, accept this warning (\`# lvsc-disable-next-line vip-outside-director-networks\`)`,
      [{ message: "the director's inside network", span: dip.span }],
    );
  // NAT on one network: the real servers reach clients on their own network directly, so the
  // replies skip the director, which would have rewritten their source to the VIP, and the
  // clients' connections hang (the LVS-HOWTO's one-network NAT)
  if (type === "nat" && (vipInDipNet || inNetwork(dip.value.address, v.address, v.netmask)))
    ctx.report(
      "one-network-nat",
      `VS_NAT with the VIP ${formatIPv4(v.address)} on the real servers' network ${dipNet}`,
      vip.addressSpan,
      `replies to clients on ${dipNet} go straight from the real servers, not back through the director, and those connections hang: put the VIP on the director's outside network (another device and network), or keep clients off ${dipNet}`,
      [{ message: "the real servers' network (the DIP's)", span: dip.span }],
    );
}
