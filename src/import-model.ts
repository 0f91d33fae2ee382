// What `lvsc import` reads out of a running cluster's own files (an `ipvsadm -S -n` table, a
// keepalived.conf), before it becomes a conf: typed values only, each with the span of the input
// it came from. The readers (src/import-ipvsadm.ts, src/import-keepalived.ts) build it; the
// emitter (src/import-emit.ts) writes conf text from it and never copies input text, so what
// reaches a conf is an address, a number or a name from lvsc's own lists. Pure data.

import type { HealthCheck } from "./model.js";
import type { Diagnostic, Span } from "./diagnostics.js";
import type { IPv4 } from "./net.js";

/** Where in the input a value came from: a keepalived.conf may `include` other files. */
export interface Where {
  file: string;
  span: Span;
}

/** How the director sends a real server its packets: ipvsadm -g, -m, -i (keepalived DR, NAT, TUN). */
export type ForwardingMethod = "dr" | "nat" | "tun";

export interface ImportedServer {
  address: IPv4;
  /** The destination port; the service's own for a fwmark service's 0. */
  port: number;
  /** 0..65535. */
  weight: number;
  method: ForwardingMethod;
  at: Where;
}

export interface ImportedService {
  protocol: "tcp" | "udp" | "fwmark";
  /** The virtual address; undefined for a fwmark service. */
  vip: IPv4 | undefined;
  /** 0 for a fwmark service and for a persistent "all ports" service. */
  port: number;
  fwmark: number | undefined;
  /** A scheduler the kernel has (SCHEDULERS in src/directives.ts). */
  scheduler: string;
  persistence: { timeout: number; netmask: IPv4 } | undefined;
  servers: ImportedServer[];
  /** The check of every real server (keepalived.conf's checkers), when it is not lvsc's default. */
  check?: ImportedCheck | undefined;
  at: Where;
}

/** A service's health check as lvsc's CHECK says it (src/checks.ts), without the conf's line. */
export type ImportedCheck = Omit<HealthCheck, "line">;

/** keepalived's VRRP timers (advert_int, version), as VRRP_ADVERT and VRRP_VERSION say them. */
export interface ImportedVrrpTimers {
  /** advert_int in hundredths of a second, within VRRP_ADVERT's range for `version`. */
  advertCs: number;
  version: 2 | 3;
  /** The advert_int (or version) line; undefined when the input gives neither. */
  at: Where | undefined;
}

/** The VIP as keepalived or `ip -o addr` tells it: the table alone has only the address. */
export interface ImportedVip {
  address: IPv4;
  /** The prefix of the VIP's network (32 when only the address is known). */
  prefix: number | undefined;
  /** The device and, where there is one, the label's suffix (`eth0`, `eth0:101`). */
  device: string | undefined;
  at: Where | undefined;
}

export interface ImportedDip {
  address: IPv4;
  prefix: number;
  device: string;
  at: Where | undefined;
}

/** Two directors sharing the cluster through VRRP (lvsc's DIRECTOR_PAIR). */
export interface ImportedPair {
  director1: IPv4;
  director2: IPv4;
  preempt: boolean;
  at: Where;
}

/** One cluster: the services of one VIP (and the fwmark services that go with it). */
export interface ImportedCluster {
  vip: ImportedVip | undefined;
  dip: ImportedDip | undefined;
  /** VRRP's virtual_router_id, when the input has one. */
  routerId: number | undefined;
  pair: ImportedPair | undefined;
  /** The VRRP instances' timers (keepalived.conf); undefined for a table, or no VRRP instance. */
  vrrp?: ImportedVrrpTimers | undefined;
  /** keepalived's `alpha` (real servers added only once a check passes) means INITIAL_STATE=off. */
  initialState: boolean | undefined;
  services: ImportedService[];
}

/** One input file a reader read (the file given, and each file a keepalived.conf includes). */
export interface ReadFile {
  file: string;
  text: string;
  /** Its problems, at their lines: what the conf cannot express, the defaults applied. */
  diagnostics: Diagnostic[];
}

/** What a reader found: the clusters of the input, and every file it read with its problems. */
export interface ImportRead {
  clusters: ImportedCluster[];
  files: ReadFile[];
}
