// LvsConfig -> the validated model as versioned JSON for other tools (`lvsc show --format json`). Pure.
//
// The shape is documented by its JSON Schema, schema/lvsc-model.schema.json (shipped in the
// package). `lvscModel` is the shape's version: a change that could break a reader (a field
// removed, renamed or given another meaning) raises it; new fields do not.

import { birdPath } from "./bgp.js";
import { forwardingOf } from "./ipvs.js";
import type { LvsConfig } from "./model.js";
import { familyOf, formatAddress, maskOfPrefix, type Iface } from "./net.js";

/** The version of the JSON shape, `lvscModel` in every document. */
export const MODEL_VERSION = 1;

export interface ModelJson {
  lvscModel: typeof MODEL_VERSION;
  /** The conf's base name, as the other outputs' headers show it. */
  source: string;
  type: "dr" | "nat" | "tun";
  initialState: "on" | "off";
  /**
   * `family` (4 or 6) is a new field; `netmask` and `broadcast` are null for an IPv6 VIP (which has
   * neither), so an IPv4 reader that never met IPv6 reads every IPv4 document as before.
   */
  vip: { device: string; label: string | null; address: string; family: 4 | 6; prefix: number; netmask: string | null; broadcast: string | null };
  dip: { device: string; label: string | null; address: string; network: string; prefix: number; netmask: string | null; broadcast: string | null };
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
    /** `prefix` (new) is the granularity as a prefix length; `netmask` its dotted IPv4 form, null for IPv6. */
    persistence: { timeout: number; netmask: string | null; prefix: number } | null;
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
      address: formatAddress(config.vip.address),
      prefix: config.vip.prefix,
      family: familyOf(config.vip.address),
      netmask: config.vip.netmask === undefined ? null : formatAddress(config.vip.netmask),
      broadcast: config.vip.broadcast === undefined ? null : formatAddress(config.vip.broadcast),
    },
    dip: {
      device: config.dip.device.device,
      label: label(config.dip.device),
      address: formatAddress(config.dip.address),
      network: formatAddress(config.dip.network),
      prefix: config.dip.prefix,
      netmask: config.dip.netmask === undefined ? null : formatAddress(config.dip.netmask),
      broadcast: config.dip.broadcast === undefined ? null : formatAddress(config.dip.broadcast),
    },
    directorGateway: config.directorGateway === undefined ? null : formatAddress(config.directorGateway.address),
    realServerSetup: {
      vipDevice: config.type === "nat" || config.serverVipDevice === undefined ? null : config.serverVipDevice.name,
      netDevice: config.serverNetDevice?.name ?? null,
      gateway: config.type === "nat" ? formatAddress(config.dip.address) : config.serverGateway === undefined ? null : formatAddress(config.serverGateway.address),
    },
    pair:
      config.pair === undefined
        ? null
        : {
            directors: config.pair.directors.map((d) => ({ role: d.role, address: formatAddress(d.address), written: d.written, priority: d.priority })),
            preempt: config.pair.preempt,
            advertInterval: config.pair.timers.advertCs / 100,
            vrrpVersion: config.pair.timers.version,
          },
    active:
      config.active === undefined
        ? null
        : {
            directors: config.active.directors.map((d) => ({ address: formatAddress(d.address), written: d.written, birdConf: birdPath(d) })),
            localAs: config.active.localAs,
            peers: config.active.peers.map((p) => ({ address: formatAddress(p.address), as: p.as })),
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
      persistence: s.persistence === undefined ? null : { timeout: s.persistence.timeout, netmask: familyOf(s.vip) === 4 ? formatAddress(maskOfPrefix(s.persistence.prefix)) : null, prefix: s.persistence.prefix },
      line: s.line,
      realServers: s.realServers.map((rs) => ({
        address: formatAddress(rs.address),
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
