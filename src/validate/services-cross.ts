// Across SERVICE lines: a service given twice, firewall marks, real servers that are the VIP or
// the DIP, or off the DIP's network.

import type { LvsType } from "../model.js";
import { familyOf, formatAddress, inPrefix } from "../net.js";
import type { Context, LocatedDip, LocatedVip, ParsedService } from "./context.js";

/** What no single SERVICE line shows: a service given twice, a fwmark's missing rule, real servers that are the VIP or the DIP or off its network. */
export function serviceCrossChecks(
  ctx: Context,
  services: ParsedService[],
  type: LvsType | undefined,
  vip: LocatedVip | undefined,
  dip: LocatedDip | undefined,
): void {
  const seen = new Map<string, ParsedService>();
  for (const s of services) {
    const svc = s.value;
    const key = svc.protocol === "fwmark" ? `fwmark ${svc.fwmark}` : `${svc.protocol} ${svc.port}`;
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.report(
        "duplicate-service",
        svc.protocol === "fwmark"
          ? `firewall mark ${svc.fwmark} already has a service`
          : `${svc.protocol} port ${svc.port} already has a service${first.value.written !== svc.written ? ` (\`${first.value.written}\`)` : ""}`,
        s.field.span,
        "merge the real servers into one SERVICE line",
        [{ message: "first defined here", span: first.field.span }],
      );
    } else seen.set(key, s);

    if (svc.protocol === "fwmark" && vip !== undefined)
      ctx.report(
        "fwmark-rule-not-generated",
        `firewall mark ${svc.fwmark}: lvsc does not write the rule that marks the packets`,
        s.protoField.span,
        `add one on the director, e.g. \`${familyOf(vip.value.address) === 6 ? "ip6tables" : "iptables"} -t mangle -A PREROUTING -d ${formatAddress(vip.value.address)} -p tcp -m multiport --dports 80,443 -j MARK --set-mark ${svc.fwmark}\``,
      );

    for (const rs of svc.realServers) {
      if (vip !== undefined && familyOf(rs.address) !== familyOf(vip.value.address)) {
        // VS_TUN tunnels across families (4in6, 6in4): mixed-families.ts checks what goes with it
        if (type === "tun") continue;
        const v = familyOf(vip.value.address);
        ctx.report(
          "wrong-family",
          `real server \`${rs.written}\` is IPv${familyOf(rs.address)} and the VIP is IPv${v}`,
          rs.span,
          `direct routing and masquerading keep the packet's family, so the kernel refuses this (ipvsadm: "Different address family is allowed only for tunneling servers"): give the real server's IPv${v} address, or use VS_TUN`,
          [{ message: "VIP given here", span: vip.addressSpan }],
        );
        continue;
      }
      if (vip !== undefined && rs.address === vip.value.address) {
        ctx.report("realserver-is-vip", `real server \`${rs.written}\` is the VIP`, rs.span, "list the real servers' own addresses (RIPs)");
        continue;
      }
      if (dip === undefined) continue;
      if (rs.address === dip.value.address) {
        ctx.report(
          "realserver-is-director",
          `real server \`${rs.written}\` is the director's DIP`,
          rs.span,
          "to let the director serve too, list `127.0.0.1` (LocalNode)",
        );
        continue;
      }
      if (rs.localNode || type === undefined || type === "tun") continue;
      if (!inPrefix(rs.address, dip.value.network, dip.value.prefix)) {
        const net = `${formatAddress(dip.value.network)}/${dip.value.prefix}`;
        ctx.report(
          "realserver-outside-network",
          `real server \`${rs.written}\` (${formatAddress(rs.address)}) is outside the director's inside network ${net}`,
          rs.span,
          type === "dr"
            ? "direct routing sends frames on the LAN: real servers must share the DIP's network; use VS_TUN for routed real servers"
            : "VS_NAT real servers use the DIP as their gateway, so they must share its network",
        );
      }
    }
  }
}
