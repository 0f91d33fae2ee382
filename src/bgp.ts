// N active directors behind an ECMP router (the lvsc extension DIRECTOR_ACTIVE): the render
// contexts of each director's BIRD 2 configuration, of the router's, and of the router's
// sysctls. Pure.

import type { ActiveDirector, ActiveDirectors, LvsConfig } from "./model.js";
import { bfdTimersContext, DEFAULT_BFD_TIMERS } from "./bfd-timers.js";
import { formatAddress } from "./net.js";

/** The file names: `bird.<director as written>.conf`; the router's `bird.router.conf` (more peers: `bird.router2.conf`, ...). */
export function birdPath(d: ActiveDirector): string {
  return `bird.${d.written}.conf`;
}

export function routerBirdPath(index: number): string {
  return `bird.router${index === 0 ? "" : String(index + 1)}.conf`;
}

/** A director as a comment names it: `director 192.0.2.11` or `director d1 (192.0.2.11)`. */
export function activeName(d: ActiveDirector): string {
  const address = formatAddress(d.address);
  return d.written === address ? `director ${address}` : `director ${d.written} (${address})`;
}

function shared(config: LvsConfig, active: ActiveDirectors) {
  return {
    vipRoute: `${formatAddress(config.vip.address)}/32`,
    count: String(active.directors.length),
    bfd: active.bfd,
    ...bfdTimersContext(active.bfdTimers ?? DEFAULT_BFD_TIMERS),
    localAs: String(active.localAs),
  };
}

/** The context of one director's bird.conf. */
export function directorBird(config: LvsConfig, active: ActiveDirectors, d: ActiveDirector) {
  return {
    ...shared(config, active),
    name: d.written,
    who: activeName(d),
    self: formatAddress(d.address),
    vipDevice: config.vip.device.device,
    dipDevice: config.dip.device.device,
    peers: active.peers.map((p, i) => ({ protocol: `router${i + 1}`, address: formatAddress(p.address), as: String(p.as) })),
  };
}

/** The context of the Linux router's bird.conf for BGP_PEER number `index`. */
export function routerBird(config: LvsConfig, active: ActiveDirectors, index: number) {
  const peer = active.peers[index]!;
  return {
    ...shared(config, active),
    suffix: index === 0 ? "" : String(index + 1),
    self: formatAddress(peer.address),
    as: String(peer.as),
    directors: active.directors.map((d, i) => ({ protocol: `director${i + 1}`, name: activeName(d), address: formatAddress(d.address) })),
  };
}
