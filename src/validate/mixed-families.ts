// VS_TUN real servers of the other family than the VIP (an IPv4 VIP tunnelled to IPv6 real
// servers, 4in6, or the reverse, 6in4): what the kernel refuses or makes fragile alongside them.
// docs/ipv6-kernel.md §4 holds the runs on the 6.1 kernel these checks rest on.

import type { Directive } from "../ast.js";
import type { LvsType } from "../model.js";
import { familyOf, formatAddress } from "../net.js";
import type { Context, LocatedVip, ParsedService } from "./context.js";

export function mixedFamilyChecks(
  ctx: Context,
  type: LvsType | undefined,
  vip: LocatedVip | undefined,
  services: ParsedService[],
  pair: Directive | undefined,
  active: Directive | undefined,
): void {
  if (type !== "tun" || vip === undefined) return;
  const v = familyOf(vip.value.address);
  const other = services.flatMap((s) => s.value.realServers).find((rs) => familyOf(rs.address) !== v);
  if (other === undefined) return;
  const o = familyOf(other.address);
  if (pair !== undefined)
    ctx.report(
      "mixed-family-sync",
      `real server \`${other.written}\` is IPv${o}, the VIP IPv${v}, and a pair's directors copy their connections with the sync daemon`,
      other.span,
      "the kernel's sync daemon refuses a table that mixes families (on 6.1, ipvsadm --start-daemon and adding such a real server while it runs both fail: \"Invalid operation\"): give the real servers in the VIP's family, or run one director",
      [{ message: "the pair is given here", span: pair.span }],
    );
  if (active !== undefined)
    ctx.report(
      "ipv6-unsupported",
      `real server \`${other.written}\` is IPv${o}, and N active directors reach their real servers in the VIP's family only`,
      other.span,
      "lvsc's active directors (DIRECTOR_ACTIVE) are one family throughout: give the real servers in the VIP's family",
      [{ message: "DIRECTOR_ACTIVE is given here", span: active.span }],
    );
  // an IPv6 VIP's clusters get the warning at the VIP (network.ts); an IPv4 VIP's, at the first IPv6 real server
  if (v === 4)
    ctx.report(
      "tun6-mtu",
      `real server \`${formatAddress(other.address)}\` is reached over IPv6: VS_TUN adds a 40-byte IPv6 header to each packet, and the outer IPv6 packet is never fragmented`,
      other.span,
      "the director answers a client's packet (sent with DF, as TCP's are) over the link MTU − 40 with ICMP \"fragmentation needed\": let ICMP reach the clients, or raise the MTU of the director→real-server links to 1540; accept this warning once that is so (`# lvsc-disable-next-line tun6-mtu`)",
    );
}
