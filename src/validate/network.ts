// Where the VIP sits among the director's networks: not the DIP, on a network a router reaches
// by ARP (DR), off the real servers' network (NAT).

import type { DirectorInside, LvsType } from "../model.js";
import { familyOf, formatAddress, inPrefix, networkOfPrefix } from "../net.js";
import type { Context, Located, LocatedDip, LocatedVip } from "./context.js";

/** The VIP and the DIP are different addresses. */
export function vipIsNotDip(ctx: Context, vip: LocatedVip | undefined, dip: LocatedDip | undefined): void {
  if (vip !== undefined && dip !== undefined && familyOf(vip.value.address) !== familyOf(dip.value.address)) {
    ctx.report(
      "wrong-family",
      `the DIP \`${formatAddress(dip.value.address)}\` is IPv${familyOf(dip.value.address)} and the VIP \`${formatAddress(vip.value.address)}\` is IPv${familyOf(vip.value.address)}`,
      dip.addressSpan,
      "the director reaches the real servers in the VIP's family: give a DIP of that family",
      [{ message: "VIP given here", span: vip.addressSpan }],
    );
    return;
  }
  if (vip !== undefined && dip !== undefined && vip.value.address === dip.value.address)
    ctx.report(
      "vip-equals-dip",
      `the VIP and the DIP are both \`${formatAddress(vip.value.address)}\``,
      vip.addressSpan,
      "the VIP is the address clients use; the DIP is the director's own address facing the real servers",
      [{ message: "DIP given here", span: dip.addressSpan }],
    );
}

/** Where the VIP sits among the director's networks: the DIP's, and the one the VIP's own netmask gives. */
export function networkChecks(ctx: Context, type: LvsType, vip: LocatedVip, dip: Located<DirectorInside>): void {
  const v = vip.value;
  const dipNet = `${formatAddress(dip.value.network)}/${dip.value.prefix}`;
  const vipInDipNet = inPrefix(v.address, dip.value.network, dip.value.prefix);
  // DR: the router finds the director by ARP on the LAN it shares with the real servers. A VIP
  // with a netmask of its own puts a network on the director's VIP device (the router's side); a
  // /32 VIP outside the DIP's network is on no network of the director, and only a route on the
  // router (which lvsc does not write) can send its packets there.
  const host = familyOf(v.address) === 6 ? 128 : 32;
  if (type === "dr" && v.prefix === host && !vipInDipNet)
    ctx.report(
      "vip-outside-director-networks",
      `the VIP ${formatAddress(v.address)}/${host} is on none of the director's networks (its inside network is ${dipNet})`,
      vip.addressSpan,
      `a router finds the VIP by ARP (IPv6: neighbour discovery) only on a network it shares with the director: give the VIP the netmask or prefix of its network (e.g. \`255.255.255.0\`, \`/64\`), or an address in ${dipNet}; with a route on the router to the director, accept this warning (\`# lvsc-disable-next-line vip-outside-director-networks\`)`,
      [{ message: "the director's inside network", span: dip.span }],
    );
  if (familyOf(v.address) === 6) ipv6NetworkChecks(ctx, type, vip, dip);
  // NAT on one network: the real servers reach clients on their own network directly, so the
  // replies skip the director, which would have rewritten their source to the VIP, and the
  // clients' connections hang (the LVS-HOWTO's one-network NAT)
  if (type === "nat" && (vipInDipNet || inPrefix(dip.value.address, v.address, v.prefix)))
    ctx.report(
      "one-network-nat",
      `VS_NAT with the VIP ${formatAddress(v.address)} on the real servers' network ${dipNet}`,
      vip.addressSpan,
      `replies to clients on ${dipNet} go straight from the real servers, not back through the director, and those connections hang: put the VIP on the director's outside network (another device and network), or keep clients off ${dipNet}`,
      [{ message: "the real servers' network (the DIP's)", span: dip.span }],
    );
}

/** What only an IPv6 cluster can get wrong among the director's networks. */
function ipv6NetworkChecks(ctx: Context, type: LvsType, vip: LocatedVip, dip: Located<DirectorInside>): void {
  const v = vip.value;
  const d = dip.value;
  // A VIP prefix on another device that covers the DIP's network: the kernel gets two routes to
  // the real servers (the VIP device's wins when its address came last), and the director's own
  // traffic to them leaves by the wrong device.
  if (v.prefix < 128 && v.device.device !== d.device.device && inPrefix(d.network, v.address, Math.min(v.prefix, d.prefix)))
    ctx.report(
      "vip-prefix-takeover",
      `the VIP's prefix ${formatAddress(networkOfPrefix(v.address, v.prefix))}/${v.prefix} on ${v.device.device} covers the real servers' network ${formatAddress(d.network)}/${d.prefix} on ${d.device.device}`,
      vip.addressSpan,
      `the director would get a route to the real servers through ${v.device.device} too: give the VIP the prefix of its own network (one that does not contain ${formatAddress(d.network)}/${d.prefix}), or /128`,
      [{ message: "the DIP's network", span: dip.span }],
    );
  // IPv6 in IPv6 adds a 40-byte header, and IPVS never fragments IPv6 (ip_vs_xmit.c sends
  // "packet too big" back to the client instead: the pmtu_disc=0 escape is IPv4's only)
  if (type === "tun")
    ctx.report(
      "tun6-mtu",
      "VS_TUN over IPv6 adds a 40-byte header to each packet, and IPv6 is never fragmented on the way",
      vip.addressSpan,
      "the director answers a client's packet over the link MTU − 40 with ICMPv6 \"packet too big\": let ICMPv6 reach the clients (path MTU discovery), or raise the MTU of the director→real-server links to 1540; accept this warning once that is so (`# lvsc-disable-next-line tun6-mtu`)",
    );
}
