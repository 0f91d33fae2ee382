// The validated model: canonical, typed values only (never raw token text in a command position).

import type { Span } from "./diagnostics.js";
import type { Address, Family, Iface, IPv4 } from "./net.js";
import type { BfdTimers } from "./bfd-timers.js";
import type { VrrpTimers } from "./vrrp-timers.js";

export type LvsType = "dr" | "nat" | "tun";

// ---- a service's health check (the lvsc extension CHECK, read in src/checks.ts) ----

export const CHECK_KINDS = ["http", "https", "tcp", "dns", "smtp", "script", "none"] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** keepalived's DNS_CHECK query types (check_dns.c, keepalived 2.2.7). */
export const DNS_TYPES = ["A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA"] as const;

/** A service's health check, as CHECK gave it, every default filled in. */
export interface HealthCheck {
  kind: CheckKind;
  /** http/https: the URL path GET asks for. */
  path: string;
  /** http/https: the Host header (keepalived's virtualhost); the real server's address when absent. */
  host: string | undefined;
  /** http/https: the status codes that pass, inclusive. */
  status: { from: number; to: number };
  /** http/https: the MD5 of the body that passes (genhash's form, 32 lower-case hex digits). */
  digest: string | undefined;
  /** dns: the query (keepalived accepts the answer when its rcode is NOERROR). */
  dnsName: string;
  dnsType: (typeof DNS_TYPES)[number];
  /** smtp: the HELO name. */
  helo: string | undefined;
  /** script: an absolute path, run as `<path> <real server address> <port>`. */
  script: string | undefined;
  /** script: the user it runs as. */
  user: string;
  /** The port the check connects to; the real server's own when undefined. */
  port: number | undefined;
  /** Seconds between checks (keepalived's delay_loop, mon's interval). */
  interval: number;
  /** Seconds a check may take (connect_timeout; misc_timeout for a script). */
  timeout: number;
  /** Failed attempts after the first before the server leaves the table (keepalived's retry). */
  retries: number;
  /** Seconds between those attempts (delay_before_retry). */
  retryDelay: number;
  /** 1-based line of the CHECK directive. */
  line: number;
}

/**
 * The address clients connect to. IPv4 or IPv6 (the family is the address's type: a number or a
 * bigint); an IPv6 one has no netmask and no broadcast address.
 */
export interface Vip {
  device: Iface;
  address: Address;
  prefix: number;
  /** IPv4 only. */
  netmask: IPv4 | undefined;
  /** IPv4 only. */
  broadcast: IPv4 | undefined;
}

/** The director's address facing the real servers (the DIP), and its network. */
export interface DirectorInside {
  device: Iface;
  address: Address;
  network: Address;
  prefix: number;
  /** IPv4 only. */
  netmask: IPv4 | undefined;
  /** IPv4 only. */
  broadcast: IPv4 | undefined;
}

/** A default route's next hop (DIRECTOR_DEFAULT_GW, SERVER_DEFAULT_GW). */
export interface Gateway {
  address: Address;
  /** The device it is reached on: only for an IPv6 link-local gateway (`fe80::1 eth0`). */
  device: Iface | undefined;
  /** The 1-based line of its directive in the conf (a dual-stack conf has one line per family). */
  line: number;
}

export interface RealServer {
  /** In the family of its service's VIP (TUN may differ: see mixed families in the README). */
  address: Address;
  /**
   * The address as glibc's inet_ntop writes it (formatAddress), made once: every output
   * writes each real server several times, and formatting IPv6 is not cheap.
   */
  text: string;
  /** Destination port; 0 for a fwmark service means "the packet's own port". */
  port: number;
  weight: number;
  /** 127.0.0.0/8 or ::1: the director serves this one itself (LocalNode). */
  localNode: boolean;
  /** The host as written in the conf (a name or an address). */
  written: string;
  span: Span;
}

export type ServiceProtocol = "tcp" | "udp" | "fwmark";

export interface Persistence {
  /** Seconds, 1..2678400. */
  timeout: number;
  /**
   * Persistence granularity (`ipvsadm -M`) as a prefix length: clients in one prefix stick to
   * one real server. The family's full length (32, 128) by default: each client alone.
   */
  prefix: number;
}

export interface VirtualService {
  /** The VIP this service is on: one SERVICE line gives a service on each of the conf's VIPs. */
  vip: Address;
  protocol: ServiceProtocol;
  /** 0 for fwmark services and for "all ports" services. */
  port: number;
  /** Set for fwmark services only. */
  fwmark: number | undefined;
  /** The service as written (`www`, `80`, `1` for a mark). */
  written: string;
  scheduler: string;
  /** The scheduler's flags (`-b`), in ipvsadm's order; absent or empty for none. */
  schedFlags?: readonly string[] | undefined;
  persistence: Persistence | undefined;
  realServers: RealServer[];
  /** 1-based line of the SERVICE directive. */
  line: number;
  /** The service's CHECK (lvsc extension); lvsc's default check by protocol and port when absent. */
  check?: HealthCheck | undefined;
}

/** A SERVICE line's service before it is set on a VIP (the validator's view of it). */
export type ServiceLine = Omit<VirtualService, "vip">;

/** One director of a pair: a host of its own, which holds the VIP and the DIP only while it is MASTER. */
export interface Director {
  /** `director1` (written first: MASTER when the pair starts) or `director2`. */
  role: "director1" | "director2";
  /** The director's own address, on the DIP's network; it never moves. */
  address: Address;
  /** As written in the conf (a name or an address). */
  written: string;
  /** keepalived's VRRP priority: director1's is the higher. */
  priority: number;
  span: Span;
}

/**
 * Two directors sharing one cluster (the lvsc extension `DIRECTOR_PAIR`, with `VRRP_ROUTER_ID` and
 * `VRRP_PREEMPT`). Both run keepalived with the same virtual services and health checks. The
 * MASTER holds the floating addresses, the VIP and the DIP, which move together to the other
 * director when it fails (one VRRP instance on the DIP's device, plus one on the VIP's device
 * when that is another device, the two in one sync group); the IPVS connection table is copied
 * from the MASTER to the BACKUP over the DIP's device. Each director keeps its own address.
 *
 * For a picture: client → VIP (on the MASTER) → real servers, with the two directors side by
 * side on the DIP's network, `directors[0]` the one that is MASTER at start.
 */
export interface DirectorPair {
  /** director1, then director2. */
  directors: [Director, Director];
  /** VRRP_PREEMPT=on: director1 takes the addresses back when it returns. Off (the default): they stay. */
  preempt: boolean;
  /** VRRP_ADVERT and VRRP_VERSION: the adverts' interval and VRRP version, the same in both files. */
  timers: VrrpTimers;
}

export interface LvsConfig {
  type: LvsType;
  /** INITIAL_STATE: true adds the real servers at start; false leaves them to a monitor. */
  initialState: boolean;
  /** The first VIP line's. */
  vip: Vip;
  /** Every VIP: one, or two of different families (dual stack); `vips[0]` is `vip`. */
  vips: Vip[];
  /** The first DIRECTOR_INSIDEIP line's. */
  dip: DirectorInside;
  /** A DIP per VIP family, in the VIPs' order; `dips[0]` is `dip`. */
  dips: DirectorInside[];
  /** The family of the first VIP (a dual-stack cluster has both: see `vips`). */
  family: Family;
  /** DIRECTOR_DEFAULT_GW of the first VIP's family. */
  directorGateway: Gateway | undefined;
  services: VirtualService[];
  /** Real servers' device for the VIP (DR/TUN). */
  serverVipDevice: Iface | undefined;
  /** Real servers' NIC facing the director. */
  serverNetDevice: Iface | undefined;
  /** SERVER_DEFAULT_GW of the first VIP's family. */
  serverGateway: Gateway | undefined;
  /** Dual stack: the gateways of the second VIP's family (a second DIRECTOR_DEFAULT_GW or SERVER_DEFAULT_GW line). */
  gateways2?: { director: Gateway | undefined; server: Gateway | undefined } | undefined;
  /** DIRECTOR_PAIR: two directors and keepalived; absent for a single director. */
  pair?: DirectorPair | undefined;
  /** DIRECTOR_ACTIVE: N active directors announcing the VIP by BGP; absent otherwise. */
  active?: ActiveDirectors | undefined;
  /** The VRRP router id of the cluster's keepalived files (single director or pair). */
  vrrp?: VrrpId | undefined;
}

/** One of N active directors (DIRECTOR_ACTIVE): a host of its own, always holding the VIP. */
export interface ActiveDirector {
  /** The director's own address on the DIP's network: its BGP router id and next hop. */
  address: IPv4;
  /** As written in the conf (a name or an address): its bird.<written>.conf. */
  written: string;
  span: Span;
}

/** A router every active director peers with (BGP_PEER). */
export interface BgpPeer {
  address: IPv4;
  as: number;
  span: Span;
}

/**
 * N active directors behind an ECMP router (the lvsc extension `DIRECTOR_ACTIVE`, with
 * `BGP_LOCAL_AS`, `BGP_PEER` and `BGP_BFD`). Each holds the VIP on a device that faces no
 * network, runs the same IPVS table (`mh`, real servers in one canonical order) and announces
 * the VIP /32 to the routers by BGP (BIRD 2); the routers spread flows over the directors by
 * ECMP. No connection sync: `mh` and sloppy TCP let any director continue any flow.
 */
export interface ActiveDirectors {
  /** In the conf's order. */
  directors: ActiveDirector[];
  localAs: number;
  peers: BgpPeer[];
  bfd: boolean;
  /** The BFD sessions' timers (with `bfd`); absent: DEFAULT_BFD_TIMERS (300 ms × 3). */
  bfdTimers?: BfdTimers | undefined;
}

/** A VRRP router id (virtual_router_id): every VRRP instance of the cluster uses it, each on its own network. */
export interface VrrpId {
  /** 1..255. */
  routerId: number;
  /** True when VRRP_ROUTER_ID gave it; else it is the VIP's last octet (1 for .0). */
  given: boolean;
  /** VRRP_ROUTER_ID's value, or the VIP's address it was derived from. */
  span: Span;
}

export const TYPE_NAMES: Record<LvsType, string> = { dr: "VS_DR", nat: "VS_NAT", tun: "VS_TUN" };

/** The forwarding methods in lvsc's order (variants' directories, option values). */
export const LVS_TYPES: readonly LvsType[] = ["dr", "nat", "tun"];
