// LvsConfig -> the validated model as versioned JSON for other tools (`lvsc show --format json`). Pure.
//
// The shape is documented by its JSON Schema, schema/lvsc-model.schema.json (shipped in the
// package). `lvscModel` is the shape's version: a change that could break a reader (a field
// removed, renamed or given another meaning) raises it; new fields do not. IPv6 raised nothing:
// it added fields (vip.family, vips, dips, services[].vip, persistence.prefix) and widened the
// values of others (an IPv6 address, a prefix up to 128, null netmask and broadcast), so every
// IPv4 document keeps each earlier field with its earlier value and meaning.

import { birdPath } from "./bgp.js";
import { forwardingOf } from "./ipvs.js";
import type { DirectorInside, LvsConfig, Vip } from "./model.js";
import { familyOf, formatAddress, maskOfPrefix, type Iface } from "./net.js";

/** The version of the JSON shape, `lvscModel` in every document. */
export const MODEL_VERSION = 1;

export interface ModelJson {
  lvscModel: typeof MODEL_VERSION;
  /** The conf's base name, as the other outputs' headers show it. */
  source: string;
  type: "dr" | "nat" | "tun";
  initialState: "on" | "off";
  /** The first VIP line's. */
  vip: VipJson;
  dip: DipJson;
  /** Every VIP, one per family in a dual-stack conf; `vips[0]` is `vip` (a new field). */
  vips: VipJson[];
  /** A DIP per VIP family, in the VIPs' order; `dips[0]` is `dip` (a new field). */
  dips: DipJson[];
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
    /** The VIP the service is on (a new field): a dual-stack conf has a service per SERVICE line and VIP. */
    vip: string;
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

/**
 * `family` (4 or 6) is a new field; `netmask` and `broadcast` are null for an IPv6 VIP (which has
 * neither), so an IPv4 reader that never met IPv6 reads every IPv4 document as before.
 */
export interface VipJson {
  device: string;
  label: string | null;
  address: string;
  family: 4 | 6;
  prefix: number;
  netmask: string | null;
  broadcast: string | null;
}

export interface DipJson {
  device: string;
  label: string | null;
  address: string;
  network: string;
  prefix: number;
  netmask: string | null;
  broadcast: string | null;
}

const label = (i: Iface) => i.label ?? null;

function vipJson(v: Vip): VipJson {
  return {
    device: v.device.device,
    label: label(v.device),
    address: formatAddress(v.address),
    family: familyOf(v.address),
    prefix: v.prefix,
    netmask: v.netmask === undefined ? null : formatAddress(v.netmask),
    broadcast: v.broadcast === undefined ? null : formatAddress(v.broadcast),
  };
}

function dipJson(d: DirectorInside): DipJson {
  return {
    device: d.device.device,
    label: label(d.device),
    address: formatAddress(d.address),
    network: formatAddress(d.network),
    prefix: d.prefix,
    netmask: d.netmask === undefined ? null : formatAddress(d.netmask),
    broadcast: d.broadcast === undefined ? null : formatAddress(d.broadcast),
  };
}

/** The model as JSON-ready data, services in the conf's order. */
export function modelJson(config: LvsConfig, source: string): ModelJson {
  return {
    lvscModel: MODEL_VERSION,
    source,
    type: config.type,
    initialState: config.initialState ? "on" : "off",
    vip: vipJson(config.vip),
    dip: dipJson(config.dip),
    vips: config.vips.map(vipJson),
    dips: config.dips.map(dipJson),
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
      vip: formatAddress(s.vip),
      port: s.port,
      fwmark: s.fwmark ?? null,
      written: s.written,
      scheduler: s.scheduler,
      schedFlags: [...(s.schedFlags ?? [])],
      persistence: s.persistence === undefined ? null : { timeout: s.persistence.timeout, netmask: familyOf(s.vip) === 4 ? formatAddress(maskOfPrefix(s.persistence.prefix)) : null, prefix: s.persistence.prefix },
      line: s.line,
      realServers: s.realServers.map((rs) => ({
        address: rs.text,
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
