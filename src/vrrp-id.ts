// The VRRP router id of a cluster when the conf gives none (VRRP_ROUTER_ID): one rule for the
// validator, the planner and the importer. Pure; imports only the address type.

import type { Address } from "./net.js";

/** The VRRP router id lvsc derives from the VIP: its last byte (1 for an address ending in 0). */
export function derivedRouterId(vip: Address): number {
  const last = typeof vip === "bigint" ? Number(vip & 0xffn) : vip & 255;
  return last === 0 ? 1 : last;
}
