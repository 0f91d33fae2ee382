// The validated model: canonical, typed values only (never raw token text in a command position).

import type { Span } from "./diagnostics.js";
import type { Iface, IPv4 } from "./net.js";

export type LvsType = "dr" | "nat" | "tun";

export interface Vip {
  device: Iface;
  address: IPv4;
  netmask: IPv4;
  prefix: number;
  broadcast: IPv4;
}

export interface DirectorInside {
  device: Iface;
  address: IPv4;
  network: IPv4;
  netmask: IPv4;
  prefix: number;
  broadcast: IPv4;
}

export interface RealServer {
  address: IPv4;
  /** Destination port; 0 for a fwmark service means "the packet's own port". */
  port: number;
  weight: number;
  /** 127.0.0.0/8: the director serves this one itself (LocalNode). */
  localNode: boolean;
  /** The host as written in the conf (a name or an address). */
  written: string;
  span: Span;
}

export type ServiceProtocol = "tcp" | "udp" | "fwmark";

export interface Persistence {
  /** Seconds, 1..2678400. */
  timeout: number;
  /** Persistence granularity (`ipvsadm -M`), 255.255.255.255 by default. */
  netmask: IPv4;
}

export interface VirtualService {
  protocol: ServiceProtocol;
  /** 0 for fwmark services and for "all ports" services. */
  port: number;
  /** Set for fwmark services only. */
  fwmark: number | undefined;
  /** The service as written (`www`, `80`, `1` for a mark). */
  written: string;
  scheduler: string;
  persistence: Persistence | undefined;
  realServers: RealServer[];
  /** 1-based line of the SERVICE directive. */
  line: number;
}

export interface LvsConfig {
  type: LvsType;
  /** INITIAL_STATE: true adds the real servers at start; false leaves them to a monitor. */
  initialState: boolean;
  vip: Vip;
  dip: DirectorInside;
  directorGateway: IPv4 | undefined;
  services: VirtualService[];
  /** Real servers' device for the VIP (DR/TUN). */
  serverVipDevice: Iface | undefined;
  /** Real servers' NIC facing the director. */
  serverNetDevice: Iface | undefined;
  serverGateway: IPv4 | undefined;
}

export const TYPE_NAMES: Record<LvsType, string> = { dr: "VS_DR", nat: "VS_NAT", tun: "VS_TUN" };
