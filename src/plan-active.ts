// The render plans and rc-script facts of N active directors (the lvsc extension
// DIRECTOR_ACTIVE): each director's bird.conf, the router's files, the directors' sysctls. Pure.

import { birdPath, directorBird, routerBird, routerBirdPath } from "./bgp.js";
import type { LvsConfig } from "./model.js";
import { formatAddress } from "./net.js";
import { arpHiding, type RenderPlan, type SysctlGroup } from "./plan-types.js";

/** The sysctls of an active director: IPVS picks flows up mid-stream, and the VIP is hidden from ARP. */
export function activeSysctls(config: LvsConfig): SysctlGroup[] {
  const devices = ["all", config.dip.device.device];
  return [
    {
      comment: [
        "DIRECTOR_ACTIVE: the router moves flows between directors (one dies, is drained, or a",
        "route changes). sloppy_tcp=1 (sloppy_sctp=1) lets IPVS create a connection for any",
        "packet, not only a SYN (INIT): this director then continues a flow another one began,",
        "to the same real server (mh). Without it, its own TCP stack resets such flows.",
      ],
      sysctls: [
        { key: "net.ipv4.vs.sloppy_tcp", value: "1" },
        { key: "net.ipv4.vs.sloppy_sctp", value: "1" },
      ],
    },
    {
      comment: [
        "A connection whose real server was removed is expired at its next packet, which is",
        "then scheduled anew (with sloppy_tcp, to a server that answers, at once with a RST),",
        "instead of being dropped silently until it times out.",
      ],
      sysctls: [{ key: "net.ipv4.vs.expire_nodest_conn", value: "1" }],
    },
    {
      comment: [
        "Every director holds the VIP: none may answer ARP for it (arp_ignore=1) or send it in",
        "its own ARP requests (arp_announce=2). The router reaches the VIP by the BGP routes.",
        "Set before the VIP appears.",
      ],
      sysctls: arpHiding(devices),
    },
  ];
}

/** What the rc script needs on an active director; `isActive: false` otherwise. */
export function activeFacts(config: LvsConfig) {
  const a = config.active;
  if (a === undefined) return { isActive: false, activeDirectors: "", activeText: "", activeVipCidr: "", vipIsDummy: false };
  return {
    isActive: true,
    activeDirectors: a.directors.map((d) => formatAddress(d.address)).join(" "),
    activeText: a.directors.map((d) => formatAddress(d.address)).join(" "),
    activeVipCidr: `${formatAddress(config.vip.address)}/32`,
    vipIsDummy: /^dummy/.test(config.vip.device.device),
  };
}

/** bird.<director>.conf for each active director. */
export function birdFiles(config: LvsConfig, common: Record<string, unknown>): RenderPlan[] | undefined {
  const a = config.active;
  if (a === undefined) return undefined;
  return a.directors.map((d) => ({ target: "bird", template: "bird.conf", path: birdPath(d), mode: 0o644, context: { ...common, ...directorBird(config, a, d) } }));
}

/** The Linux router's bird.conf (one per BGP_PEER) and sysctls. */
export function routerFiles(config: LvsConfig, common: Record<string, unknown>): RenderPlan[] | undefined {
  const a = config.active;
  if (a === undefined) return undefined;
  return [
    ...a.peers.map((_, i) => ({ target: "router" as const, template: "bird.router.conf" as const, path: routerBirdPath(i), mode: 0o644, context: { ...common, ...routerBird(config, a, i) } })),
    { target: "router", template: "router-sysctl.conf", path: "90-lvs-router.conf", mode: 0o644, context: { ...common, count: String(a.directors.length) } },
  ];
}
