// LvsConfig -> the validated model as versioned JSON for other tools (`lvsc show --format json`). Pure.
//
// The shape is documented by its JSON Schema, schema/lvsc-model.schema.json (shipped in the
// package). `lvscModel` is the shape's version: a change that could break a reader (a field
// removed, renamed or given another meaning) raises it; new fields do not.

import { birdPath } from "./bgp.js";
import { forwardingOf } from "./ipvs.js";
import type { LvsConfig } from "./model.js";
import { formatIPv4, type Iface } from "./net.js";

/** The version of the JSON shape, `lvscModel` in every document. */
export const MODEL_VERSION = 1;

export interface ModelJson {
  lvscModel: typeof MODEL_VERSION;
  /** The conf's base name, as the other outputs' headers show it. */
  source: string;
  type: "dr" | "nat" | "tun";
  initialState: "on" | "off";
  vip: { device: string; label: string | null; address: string; prefix: number; netmask: string; broadcast: string };
  dip: { device: string; label: string | null; address: string; network: string; prefix: number; netmask: string; broadcast: string };
  directorGateway: string | null;
  realServerSetup: { vipDevice: string | null; netDevice: string | null; gateway: string | null };
  /** DIRECTOR_PAIR: two directors under keepalived, director1 first; null for a single director. */
  pair: { directors: { role: "director1" | "director2"; address: string; written: string; priority: number }[]; preempt: boolean; advertInterval: number; vrrpVersion: 2 | 3 } | null;
  /** DIRECTOR_ACTIVE: N active directors announcing the VIP by BGP; null otherwise (a new field: lvscModel stays 1). */
  active: { directors: { address: string; written: string; birdConf: string }[]; localAs: number; peers: { address: string; as: number }[]; bfd: boolean } | null;
  /** The VRRP router id of the keepalived files, and whether VRRP_ROUTER_ID gave it (else the VIP's last octet). */
  vrrp: { routerId: number; given: boolean } | null;
  services: {
    protocol: "tcp" | "udp" | "fwmark";
    port: number;
    fwmark: number | null;
    written: string;
    scheduler: string;
    /** `-b`'s flags in ipvsadm's order; empty for none (a new field). */
    schedFlags: string[];
    persistence: { timeout: number; netmask: string } | null;
    line: number;
    realServers: {
      address: string;
      port: number;
      weight: number;
      forwarding: "dr" | "nat" | "tun";
      localNode: boolean;
      written: string;
      line: number;
      column: number;
    }[];
  }[];
}

const label = (i: Iface) => i.label ?? null;

/** The model as JSON-ready data, services in the conf's order. */
export function modelJson(config: LvsConfig, source: string): ModelJson {
  return {
    lvscModel: MODEL_VERSION,
    source,
    type: config.type,
    initialState: config.initialState ? "on" : "off",
    vip: {
      device: config.vip.device.device,
      label: label(config.vip.device),
      address: formatIPv4(config.vip.address),
      prefix: config.vip.prefix,
      netmask: formatIPv4(config.vip.netmask),
      broadcast: formatIPv4(config.vip.broadcast),
    },
    dip: {
      device: config.dip.device.device,
      label: label(config.dip.device),
      address: formatIPv4(config.dip.address),
      network: formatIPv4(config.dip.network),
      prefix: config.dip.prefix,
      netmask: formatIPv4(config.dip.netmask),
      broadcast: formatIPv4(config.dip.broadcast),
    },
    directorGateway: config.directorGateway === undefined ? null : formatIPv4(config.directorGateway),
    realServerSetup: {
      vipDevice: config.type === "nat" || config.serverVipDevice === undefined ? null : config.serverVipDevice.name,
      netDevice: config.serverNetDevice?.name ?? null,
      gateway: config.type === "nat" ? formatIPv4(config.dip.address) : config.serverGateway === undefined ? null : formatIPv4(config.serverGateway),
    },
    pair:
      config.pair === undefined
        ? null
        : {
            directors: config.pair.directors.map((d) => ({ role: d.role, address: formatIPv4(d.address), written: d.written, priority: d.priority })),
            preempt: config.pair.preempt,
            advertInterval: config.pair.timers.advertCs / 100,
            vrrpVersion: config.pair.timers.version,
          },
    active:
      config.active === undefined
        ? null
        : {
            directors: config.active.directors.map((d) => ({ address: formatIPv4(d.address), written: d.written, birdConf: birdPath(d) })),
            localAs: config.active.localAs,
            peers: config.active.peers.map((p) => ({ address: formatIPv4(p.address), as: p.as })),
            bfd: config.active.bfd,
          },
    vrrp: config.vrrp === undefined ? null : { routerId: config.vrrp.routerId, given: config.vrrp.given },
    services: config.services.map((s) => ({
      protocol: s.protocol,
      port: s.port,
      fwmark: s.fwmark ?? null,
      written: s.written,
      scheduler: s.scheduler,
      schedFlags: [...(s.schedFlags ?? [])],
      persistence: s.persistence === undefined ? null : { timeout: s.persistence.timeout, netmask: formatIPv4(s.persistence.netmask) },
      line: s.line,
      realServers: s.realServers.map((rs) => ({
        address: formatIPv4(rs.address),
        port: rs.port,
        weight: rs.weight,
        forwarding: forwardingOf(config, rs),
        localNode: rs.localNode,
        written: rs.written,
        line: rs.span.start.line,
        column: rs.span.start.column,
      })),
    })),
  };
}
