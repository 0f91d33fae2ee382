// The tunnels a VS_TUN cluster's real servers unwrap, by the families of its VIPs and real
// servers (mixed families: README). The rc script, rc.local, the sysctl file and the picture all
// read them from here. Pure.

import type { LvsConfig } from "./model.js";
import { familyOf } from "./net.js";

export interface Tunnels {
  ipip: boolean;
  /** IP in IP packets come (ipip may be there for SERVER_VIP_DEVICE=tunl0 alone) */
  ipipTraffic: boolean;
  ip6ip6: boolean;
  ip4in6: boolean;
  sit: boolean;
}
const tunnelsOf = new WeakMap<LvsConfig, Tunnels>();

/**
 * The tunnels a VS_TUN cluster's real servers unwrap, by the families of each service's VIP and
 * of its real servers (docs/ipv6-kernel.md §3, §4): IP in IP on tunl0 (ipip); IPv6 in IPv6 on
 * ip6tnl0 (ip6_tunnel); IPv4 in IPv6 on ip6tnl0 too, once it is `mode any` (the module makes it
 * IPv6-in-IPv6 only); IPv6 in IPv4 on sit0 (sit). Every real server sets up every tunnel the
 * cluster uses. SERVER_VIP_DEVICE=tunl0 (or ip6tnl0) needs its module and device up too.
 */
export function tunnels(config: LvsConfig): Tunnels {
  let t = tunnelsOf.get(config);
  if (t !== undefined) return t;
  t = { ipip: false, ipipTraffic: false, ip6ip6: false, ip4in6: false, sit: false };
  tunnelsOf.set(config, t);
  if (config.type !== "tun") return t;
  for (const s of config.services) {
    const v = familyOf(s.vip);
    for (const rs of s.realServers) {
      if (rs.localNode) continue;
      const r = familyOf(rs.address);
      if (v === 4) {
        if (r === 4) t.ipip = t.ipipTraffic = true;
        else t.ip4in6 = true;
      } else if (r === 6) t.ip6ip6 = true;
      else t.sit = true;
    }
  }
  const dev = config.serverVipDevice?.device;
  if (dev === "tunl0") t.ipip = true;
  if (dev === "ip6tnl0") t.ip6ip6 = true;
  // a cluster of LocalNode entries only still gets its VIP family's tunnel, as before
  if (!t.ipip && !t.ip6ip6 && !t.ip4in6 && !t.sit)
    for (const v of config.vips) {
      if (familyOf(v.address) === 4) t.ipip = t.ipipTraffic = true;
      else t.ip6ip6 = true;
    }
  return t;
}

/** The devices where a VS_TUN real server gets IPv4 packets unwrapped: tunl0 (IP in IP), ip6tnl0 (IPv4 in IPv6). */
export function rpFilterDevices(config: LvsConfig): string[] {
  const t = tunnels(config);
  return [...(t.ipipTraffic ? ["tunl0"] : []), ...(t.ip4in6 ? ["ip6tnl0"] : [])];
}
