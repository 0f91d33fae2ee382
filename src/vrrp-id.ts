// The VRRP router id of a cluster when the conf gives none (VRRP_ROUTER_ID): one rule for the
// validator, the planner and the importer. Pure; imports only the address type.

import type { IPv4 } from "./net.js";

/** The VRRP router id lvsc derives from the VIP: its last octet (1 for an address ending in .0). */
export function derivedRouterId(vip: IPv4): number {
  return (vip & 255) === 0 ? 1 : vip & 255;
}
