// Diagnostic model and the one catalogue of diagnostic codes; pure data, no I/O.

/** Severity of a diagnostic. Errors block every output file; warnings never do. */
export type Severity = "error" | "warning";

/** A point in the source. `line` and `column` are 1-based; `offset` is 0-based (UTF-16 units). */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

/** A source range; `end` is exclusive. */
export interface Span {
  start: Position;
  end: Position;
}

/** A secondary location, e.g. the first definition of a duplicate. */
export interface RelatedLocation {
  message: string;
  span: Span;
}

export interface Diagnostic {
  code: Code;
  severity: Severity;
  /** Lower-case, no trailing period, source text in backticks. */
  message: string;
  span: Span;
  /** The only place that says how to fix the problem. */
  hint?: string;
  related?: RelatedLocation[];
}

interface CodeInfo {
  severity: Severity;
  /** One-line description, used for SARIF rules and the docs index. */
  summary: string;
}

/**
 * Every diagnostic lvsc can emit. Codes are stable: never reuse a retired one.
 * docs/diagnostics.md documents each; test/catalogue.test.ts keeps the two in step.
 */
export const CODES = {
  // ---- input and syntax ----
  "invalid-encoding": { severity: "error", summary: "the file is not valid UTF-8 text" },
  "unexpected-character": { severity: "error", summary: "a character that can never appear in a conf file" },
  "unterminated-quote": { severity: "error", summary: "a double quote that is not closed on the same line" },
  "syntax-error": { severity: "error", summary: "a line that does not have the shape NAME=value" },
  "missing-equals": { severity: "error", summary: "a directive name without `=`" },
  "missing-directive-name": { severity: "error", summary: "a line that starts with `=`" },
  "file-too-large": { severity: "error", summary: "a file larger than any conf needs" },
  "line-too-long": { severity: "error", summary: "a line longer than lvsc accepts" },
  // ---- directives ----
  "unknown-directive": { severity: "error", summary: "a directive name configure-lvs does not know" },
  "duplicate-directive": { severity: "error", summary: "a directive other than SERVICE given twice" },
  "missing-directive": { severity: "error", summary: "a required directive is absent" },
  "missing-initial-state": { severity: "warning", summary: "INITIAL_STATE is absent, so `on` is assumed" },
  "deprecated-directive": { severity: "warning", summary: "an old spelling of a directive" },
  "unused-directive": { severity: "warning", summary: "a directive that has no effect for this LVS_TYPE" },
  "field-count": { severity: "error", summary: "a directive with too few or too many fields" },
  "type-filename-mismatch": { severity: "warning", summary: "LVS_TYPE disagrees with the file name" },
  // ---- values ----
  "invalid-lvs-type": { severity: "error", summary: "LVS_TYPE is not VS_DR, VS_NAT or VS_TUN" },
  "invalid-initial-state": { severity: "error", summary: "INITIAL_STATE is not `on` or `off`" },
  "invalid-ipv4": { severity: "error", summary: "a malformed IPv4 address" },
  "invalid-netmask": { severity: "error", summary: "a malformed or non-contiguous netmask" },
  "invalid-interface": { severity: "error", summary: "an invalid network interface name" },
  "invalid-host": { severity: "error", summary: "a value that is neither an IP address nor a host name" },
  "invalid-ipv6": { severity: "error", summary: "a malformed IPv6 address (or one with a zone id, or brackets without a port)" },
  "ipv6-unsupported": { severity: "error", summary: "an IPv6 address where lvsc takes only IPv4 (N active directors, BGP peers)" },
  "ipv6-mapped": { severity: "error", summary: "an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`)" },
  "ipv6-needs-prefix": { severity: "error", summary: "an IPv6 VIP or DIP without `/prefix` (IPv6 has no netmask)" },
  "ipv6-label": { severity: "error", summary: "an alias label (`eth0:1`) on an IPv6 address's device" },
  "wrong-family": { severity: "error", summary: "an address of the other family than the VIP's where the kernel needs one family" },
  "link-local-real-server": { severity: "error", summary: "a link-local (fe80::/10) real server, which the kernel refuses" },
  "link-local-gateway": { severity: "error", summary: "a link-local gateway without the device it is reached on" },
  "vip-prefix-takeover": { severity: "warning", summary: "an IPv6 VIP prefix that contains the real servers' own network" },
  "mixed-family-sync": { severity: "error", summary: "VS_TUN real servers of the other family than the VIP together with a pair's connection sync, which the kernel refuses" },
  "tun6-mtu": { severity: "warning", summary: "TUN to IPv6 real servers: 40 bytes of outer header and no fragmentation" },
  "unresolved-host": { severity: "error", summary: "a host name not found in the hosts files" },
  "unsupported-tp": { severity: "error", summary: "the 2.2-kernel transparent-proxy (`TP`) device" },
  // ---- SERVICE ----
  "invalid-protocol": { severity: "error", summary: "a SERVICE protocol other than t, u or f" },
  "unknown-service": { severity: "error", summary: "a service name not in the services table for its protocol" },
  "invalid-port": { severity: "error", summary: "a port outside 0..65535 or malformed" },
  "zero-port-without-persistence": { severity: "error", summary: "port 0 (all ports) without `ppc`" },
  "unknown-scheduler": { severity: "error", summary: "a scheduler the kernel does not have" },
  "malformed-service": { severity: "error", summary: "a SERVICE line whose options are out of shape" },
  "invalid-persistence-timeout": { severity: "error", summary: "a `ppc -t` timeout outside 1..2678400 seconds" },
  "invalid-fwmark": { severity: "error", summary: "a firewall mark outside 1..2147483647" },
  "missing-real-servers": { severity: "error", summary: "a SERVICE with no real servers" },
  "invalid-real-server": { severity: "error", summary: "a real server not of the form host[:port][,weight]" },
  "invalid-weight": { severity: "error", summary: "a weight outside 0..65535" },
  "zero-weight": { severity: "warning", summary: "a real server with weight 0 gets no new connections" },
  "port-remap-not-supported": { severity: "error", summary: "a real-server port that differs from the service port under DR or TUN" },
  "localnode-port-remap": { severity: "error", summary: "a LocalNode real server (the director itself) with a port other than the service's" },
  "duplicate-service": { severity: "error", summary: "two SERVICE lines for the same protocol and port (or mark)" },
  "duplicate-real-server": { severity: "error", summary: "the same real server twice in one SERVICE" },
  "fwmark-rule-not-generated": { severity: "warning", summary: "a fwmark service needs a marking rule lvsc does not write" },
  // ---- cross checks ----
  "vip-equals-dip": { severity: "error", summary: "the VIP and the DIP are the same address" },
  "network-mismatch": { severity: "error", summary: "a network address that is not address AND netmask" },
  "broadcast-mismatch": { severity: "warning", summary: "a broadcast address that does not match address and netmask" },
  "realserver-outside-network": { severity: "error", summary: "a DR or NAT real server outside the director's inside network" },
  "realserver-is-vip": { severity: "error", summary: "a real server whose address is the VIP" },
  "realserver-is-director": { severity: "warning", summary: "a real server whose address is the DIP" },
  "gateway-not-dip": { severity: "error", summary: "VS_NAT real servers' default gateway is not the DIP" },
  "gateway-is-dip": { severity: "error", summary: "VS_DR or VS_TUN real servers' default gateway is the DIP" },
  "vip-device-answers-arp": { severity: "error", summary: "the real servers' VIP device is the NIC that must not answer ARP for the VIP" },
  "vip-outside-director-networks": { severity: "warning", summary: "a /32 VIP on none of the director's networks: routers reach it only through a route of their own" },
  "one-network-nat": { severity: "warning", summary: "VS_NAT with the VIP on the real servers' network: replies to clients there bypass the director" },
  // ---- hosts files ----
  "ignored-hosts-entry": { severity: "warning", summary: "a hosts file line whose address lvsc refuses, so its names do not resolve" },
  // ---- lvsc-disable comments ----
  "unused-disable-comment": { severity: "warning", summary: "an lvsc-disable comment that accepts no warning" },
  "invalid-disable-comment": { severity: "warning", summary: "an lvsc-disable comment that names no code, an unknown code, or an error" },
  // ---- two directors (lvsc extension DIRECTOR_PAIR) ----
  "director-outside-network": { severity: "error", summary: "a director of DIRECTOR_PAIR or DIRECTOR_ACTIVE whose own address is not a host on the DIP's network" },
  "director-address-conflict": { severity: "error", summary: "a director's own address that is also another director's, the VIP, the DIP, a real server or a BGP peer" },
  "invalid-vrrp-router-id": { severity: "error", summary: "a VRRP_ROUTER_ID outside 1..255" },
  "invalid-vrrp-preempt": { severity: "error", summary: "VRRP_PREEMPT is not `on` or `off`" },
  "invalid-vrrp-advert": { severity: "error", summary: "a VRRP_ADVERT that is not seconds keepalived can send: outside its version's range, or finer than a hundredth" },
  "invalid-vrrp-version": { severity: "error", summary: "VRRP_VERSION is not `2` or `3`" },
  "vrrp-v2-fraction": { severity: "error", summary: "VRRP_VERSION=2 with a VRRP_ADVERT that has a fraction: VRRPv2 counts whole seconds" },
  "vrrp-router-id-collision": { severity: "error", summary: "two clusters linted together would use one VRRP router id on one network" },
  "director-pair-shared": { severity: "error", summary: "two clusters linted together name the same director in DIRECTOR_PAIR: a host runs one keepalived and one sync daemon" },
  "vrrp-v2-ipv6": { severity: "error", summary: "VRRP_VERSION=2 on a pair whose VRRP adverts are IPv6: VRRP over IPv6 is version 3" },
  // ---- health checks per service (lvsc extension CHECK) ----
  "malformed-check": { severity: "error", summary: "a CHECK line out of shape: no kind, an option that is not `key:value`, not the kind's, or given twice" },
  "invalid-check-kind": { severity: "error", summary: "a CHECK kind other than http, https, tcp, dns, smtp, script or none" },
  "invalid-check-value": { severity: "error", summary: "a CHECK option's value out of shape or range: a path, a status, a timer, a script path..." },
  "check-unknown-service": { severity: "error", summary: "a CHECK naming a service that no SERVICE line has" },
  "duplicate-check": { severity: "error", summary: "two CHECK lines for one service" },
  "check-protocol-mismatch": { severity: "error", summary: "a check that cannot work over its service: HTTP, HTTPS, SMTP or TCP on UDP; a port check without a port" },
  "check-port-mismatch": { severity: "warning", summary: "a DNS check on a port other than 53, HTTP on 443 or HTTPS on 80" },
  "check-slow-detection": { severity: "warning", summary: "CHECK timers that keep a silent real server in the table longer than the documented bound" },
  "check-not-in-mon": { severity: "warning", summary: "a CHECK that mon.cf cannot express as keepalived.conf does: mon.cf runs a simpler check" },
  // ---- N active directors (lvsc extension DIRECTOR_ACTIVE) and mh ----
  "active-nat": { severity: "error", summary: "DIRECTOR_ACTIVE with VS_NAT: the real servers' replies cannot return through N directors" },
  "active-with-pair": { severity: "error", summary: "a conf with both DIRECTOR_PAIR and DIRECTOR_ACTIVE" },
  "active-too-few": { severity: "error", summary: "DIRECTOR_ACTIVE with fewer than two directors" },
  "active-vip-device": { severity: "error", summary: "with DIRECTOR_ACTIVE, a VIP that is not a /32 on dummy or lo: every director holds it, none may answer ARP for it" },
  "active-vip-on-lan": { severity: "warning", summary: "with DIRECTOR_ACTIVE, a VIP inside the directors' LAN, which the router and the real servers would ARP for" },
  "active-scheduler": { severity: "warning", summary: "a scheduler other than mh behind N active directors: each director would pick another real server for a moved flow" },
  "mh-without-fallback": { severity: "warning", summary: "mh without mh-fallback where a real server has weight 0 (or N active directors quiesce failing ones): its clients get no server" },
  "mh-table-uneven": { severity: "warning", summary: "more real servers (weight units) than the kernel's mh table of 4093 serves within 1 %" },
  "invalid-sched-flag": { severity: "error", summary: "a -b scheduler flag that its scheduler does not have, given twice, or without a scheduler" },
  "invalid-bgp-as": { severity: "error", summary: "an AS number outside 1..4294967294, or a reserved one (23456, 65535)" },
  "bgp-peer-outside-network": { severity: "error", summary: "a BGP_PEER that is not a host on the DIP's network" },
  "invalid-bgp-bfd": { severity: "error", summary: "BGP_BFD is not `on` or `off`" },
  "invalid-bgp-bfd-timers": { severity: "error", summary: "BGP_BFD_TIMERS is not an interval in milliseconds (`300ms`) and a whole multiplier" },
  "bgp-bfd-timers-range": { severity: "error", summary: "a BGP_BFD_TIMERS interval outside 10..10000 ms or a multiplier outside 1..255" },
  // ---- conversion to another LVS_TYPE ----
  "gateway-removed": { severity: "warning", summary: "a VS_NAT conf's SERVER_DEFAULT_GW (the DIP) is dropped when converting to DR or TUN" },
  // ---- lvsc import: what a running cluster's table or keepalived.conf says that a conf cannot ----
  "import-syntax": { severity: "error", summary: "input that is not of its format: a table line out of shape, keepalived.conf text keepalived cannot read" },
  "import-limit-exceeded": { severity: "error", summary: "keepalived.conf input past lvsc's bounds: includes too deep or too many, parameters through themselves, a huge ~SEQ" },
  "import-include-loop": { severity: "error", summary: "a keepalived.conf include that includes a file already being read" },
  "import-include-missing": { severity: "warning", summary: "a keepalived.conf include that matches no file, or a file that cannot be read" },
  "import-config-id": { severity: "warning", summary: "keepalived.conf `@ID` lines read without a config id" },
  "import-invalid-value": { severity: "error", summary: "an address, port, mark, weight, timeout or netmask out of shape or range" },
  "import-unresolved-name": { severity: "error", summary: "a host or service name (a table saved without -n) that no hosts or services file gives" },
  "import-duplicate": { severity: "error", summary: "a service or real server given twice in a table" },
  "import-ipv6": { severity: "error", summary: "an IPv6 virtual or real server, which a conf cannot express yet" },
  "import-sctp": { severity: "error", summary: "an SCTP virtual service" },
  "import-virtual-server-group": { severity: "error", summary: "a keepalived.conf virtual_server_group, many services lvsc cannot write as one" },
  "import-tunnel-type": { severity: "error", summary: "a GUE or GRE tunnel, or tunnel checksum options: lvsc tunnels with IPIP only" },
  "import-ipvs-option": { severity: "error", summary: "an IPVS scheduling option a conf cannot express (one-packet scheduling, scheduler flags, persistence engines)" },
  "import-unknown-scheduler": { severity: "error", summary: "a scheduler the kernel does not have" },
  "import-forwarding-method": { severity: "error", summary: "a forwarding method lvsc cannot send by: a kernel fork's `(null)`, or LocalNode by -m or -i" },
  "import-mixed-methods": { severity: "error", summary: "one cluster's real servers reached by different forwarding methods (beyond LocalNode)" },
  "import-pair-mismatch": { severity: "error", summary: "two keepalived.conf files of a pair that do not describe one cluster" },
  "import-default-applied": { severity: "warning", summary: "a keepalived default that differs from ipvsadm's, applied as keepalived applies it" },
  "import-setting-dropped": { severity: "warning", summary: "a setting a conf has no place for, which does not change the table (thresholds, notify scripts, ...)" },
  "import-checker-replaced": { severity: "warning", summary: "a keepalived.conf health check a CHECK line cannot say, or that differs between a service's real servers: replaced by lvsc's own" },
  "import-vrrp-timers": { severity: "warning", summary: "keepalived.conf VRRP timers a conf cannot write: outside VRRP_ADVERT's range, different in the VIP's and the DIP's instances, or on a single director" },
  "import-unknown-keyword": { severity: "warning", summary: "a keepalived.conf keyword lvsc does not know, left out" },
  "import-vip-not-floating": { severity: "warning", summary: "a keepalived.conf virtual server address that no VRRP instance holds" },
  "import-pair-peer-unknown": { severity: "warning", summary: "one director's keepalived.conf of a pair, without the other director" },
  "import-quiesced-server": { severity: "warning", summary: "a real server of weight 0: quiesced by hand, or by a monitor that found it down" },
  "import-fwmark-vip-unknown": { severity: "warning", summary: "a firewall-mark service of a table with several VIPs: its conf's VIP is left to fill in" },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

export const ALL_CODES = Object.keys(CODES) as Code[];

/** Builds a diagnostic with the catalogue's severity. */
export function diag(code: Code, message: string, span: Span, extra?: { hint?: string; related?: RelatedLocation[] }): Diagnostic {
  const d: Diagnostic = { code, severity: CODES[code].severity, message, span };
  if (extra?.hint !== undefined) d.hint = extra.hint;
  if (extra?.related !== undefined && extra.related.length > 0) d.related = extra.related;
  return d;
}

export function countErrors(diagnostics: readonly Diagnostic[]): number {
  let n = 0;
  for (const d of diagnostics) if (d.severity === "error") n++;
  return n;
}

/** Orders diagnostics by position, then code, so output is stable whatever order checks ran in. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      a.span.start.offset - b.span.start.offset ||
      a.span.end.offset - b.span.end.offset ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}

export const START_OF_FILE: Span = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};
