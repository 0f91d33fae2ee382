// LvsConfig -> the director's IPVS table, as `ipvsadm -S -n` lines and as an `ipvsadm -L -n` listing. Pure.
//
// Both follow ipvsadm 1.31's own printing code (ipvsadm.c print_service_entry) and its
// sort order (libipvs.c ipvs_cmp_services / ipvs_cmp_dests), so the compiled
// ipvsadm.rules can be diffed byte for byte against `ipvsadm -S -n` on a live director.

import type { LvsConfig, LvsType, RealServer, VirtualService } from "./model.js";
import { familyOf, formatAddressPort, formatIPv4, textPort, words32Of6, maskOfPrefix, type Address } from "./net.js";

const FORWARD_FLAG: Record<LvsType, string> = { dr: "-g", nat: "-m", tun: "-i" };
const FORWARD_NAME: Record<LvsType, string> = { dr: "Route", nat: "Masq", tun: "Tunnel" };
const PROTO_NUMBER = { tcp: 6, udp: 17, fwmark: 6 } as const;

/**
 * How the director sends to a real server: the cluster's method, except LocalNode (a real
 * server at 127.0.0.0/8, the director itself), which is always direct routing. The kernel
 * delivers a `-g` destination on a local address to the director's own socket whatever the
 * cluster's type, while `-m` to 127.0.0.1 is refused (ip_vs_nat_xmit will not translate to a
 * loopback address: every connection scheduled to it fails). `ipvsadm -S` and `-L` print the
 * method as given (`-g`, `Route`), never `Local` as 2.2/2.4 kernels did.
 */
export function forwardingOf(config: LvsConfig, rs: RealServer): LvsType {
  return rs.localNode ? "dr" : config.type;
}

/** `-t 192.168.0.101:80`, `-t [2001:db8::110]:80`, `-u …`, `-f 1` or `-f 1 -6`: how ipvsadm names a virtual service. */
export function serviceSpec(config: LvsConfig, s: VirtualService): string {
  if (s.protocol === "fwmark") return familyOf(s.vip) === 6 ? `-f ${s.fwmark} -6` : `-f ${s.fwmark}`;
  return `${s.protocol === "tcp" ? "-t" : "-u"} ${formatAddressPort(s.vip, s.port)}`;
}

/**
 * C's `int r = a - b` on unsigned 32-bit values, which is what ipvsadm's comparators compute:
 * 200.0.0.1 sorts before 10.0.0.1. When one service's real servers span more than half of the
 * IPv4 space (10.x, 127.x and 200.x together) this is not a total order, and the order ipvsadm
 * prints then depends on the kernel's list order; the set of lines is the same either way.
 */
function cmp32(a: number, b: number): number {
  return (a - b) | 0;
}

/** libipvs.c ipvs_cmp_services: mark, family (AF_INET 2 before AF_INET6 10), protocol, address, port. */
function compareServices(a: VirtualService, b: VirtualService): number {
  return (
    cmp32(a.fwmark ?? 0, b.fwmark ?? 0) ||
    familyOf(a.vip) - familyOf(b.vip) ||
    PROTO_NUMBER[a.protocol] - PROTO_NUMBER[b.protocol] ||
    (a.protocol === "fwmark" ? 0 : ipvsadmCompareAddress(a.vip, b.vip)) ||
    a.port - b.port
  );
}

/** The four 32-bit words of an address as libipvs holds it (union nf_inet_addr: IPv4 in the first, the rest zero). */
function words32(a: Address): [number, number, number, number] {
  if (typeof a === "number") return [a, 0, 0, 0];
  return words32Of6(a);
}

/**
 * ipvs_cmp_dests' address step (libipvs.c): IPv6 compares word by word, each with the wrapping
 * cmp32, so fd00::1 sorts before 2001:db8::1; it switches on the first destination's family
 * only, so an IPv4 one against an IPv6 one compares the first word alone.
 */
export function ipvsadmCompareAddress(a: Address, b: Address): number {
  if (typeof a === "number" && typeof b === "number") return cmp32(a, b);
  return compareWords(typeof a === "number", words32(a), words32(b));
}

/** ipvsadmCompareAddress on the addresses' words; `firstOnly` when the first destination is IPv4. */
function compareWords(firstOnly: boolean, wa: readonly number[], wb: readonly number[]): number {
  if (firstOnly) return cmp32(wa[0]!, wb[0]!);
  for (let i = 0; i < 4; i++) {
    const r = cmp32(wa[i]!, wb[i]!);
    if (r !== 0) return r;
  }
  return 0;
}

function compareDests(a: RealServer, b: RealServer): number {
  return ipvsadmCompareAddress(a.address, b.address) || a.port - b.port;
}

/**
 * A service's real servers sorted with compareDests. With IPv6 among them each address's words
 * are taken once, not at each comparison (every bigint operation allocates); the comparison,
 * compareWords, and so the order, are compareDests' own.
 */
function sortDests(dests: RealServer[]): RealServer[] {
  if (!dests.some((d) => typeof d.address === "bigint")) return [...dests].sort(compareDests);
  const keyed = dests.map((d) => ({ d, w: words32(d.address) }));
  keyed.sort((a, b) => compareWords(typeof a.d.address === "number", a.w, b.w) || a.d.port - b.d.port);
  return keyed.map((k) => k.d);
}

/** sortedTable's answer per config: rc.lvs, ipvsadm.rules and keepalived.conf each read it. */
const sorted = new WeakMap<LvsConfig, { service: VirtualService; dests: RealServer[] }[]>();

/** Services and their real servers in the order ipvsadm lists them. */
export function sortedTable(config: LvsConfig): { service: VirtualService; dests: RealServer[] }[] {
  let t = sorted.get(config);
  if (t === undefined) sorted.set(config, (t = [...config.services].sort(compareServices).map((service) => ({ service, dests: sortDests(service.realServers) }))));
  return t;
}

/**
 * ipvsadm's `-M` as it prints it: an IPv4 netmask dotted, an IPv6 one as its prefix length;
 * nothing for the host's full length (each client alone, the default).
 */
export function persistenceMask(s: VirtualService): string | undefined {
  if (s.persistence === undefined) return undefined;
  const six = familyOf(s.vip) === 6;
  const p = s.persistence.prefix;
  if (p === (six ? 128 : 32)) return undefined;
  return six ? String(p) : formatIPv4(maskOfPrefix(p));
}

function serviceOptions(s: VirtualService): string {
  if (s.persistence === undefined) return "";
  const mask = persistenceMask(s);
  return ` -p ${s.persistence.timeout}${mask !== undefined ? ` -M ${mask}` : ""}`;
}


/**
 * The table the director has after `start`, in `ipvsadm -S -n` form. With INITIAL_STATE=off
 * only the services are there: a monitor adds the real servers.
 */
export function ipvsRules(config: LvsConfig): string[] {
  return [...ipvsRuleLines(config)];
}

/** ipvsRules() a line at a time: a large table's lines are made as they are written. */
export function* ipvsRuleLines(config: LvsConfig): Generator<string, void, undefined> {
  for (const { service, dests } of sortedTable(config)) {
    const spec = serviceSpec(config, service);
    // ipvsadm 1.31 prints the flags last (print_service_entry), in the order of print_sched_flags
    const flags = service.schedFlags !== undefined && service.schedFlags.length > 0 ? ` -b ${service.schedFlags.join(",")}` : "";
    yield `-A ${spec} -s ${service.scheduler}${serviceOptions(service)}${flags}`;
    if (!config.initialState) continue;
    // ipvsadm 1.31 saves tunnel destinations with their encapsulation; lvsc uses plain IPIP
    for (const d of dests) {
      const method = forwardingOf(config, d);
      const tunnel = method === "tun" ? " --tun-type ipip" : "";
      yield `-a ${spec} -r ${textPort(d.text, d.port)} ${FORWARD_FLAG[method]} -w ${d.weight}${tunnel}`;
    }
  }
}

/** How `ipvsadm -L -n` names a virtual service: `TCP  192.168.0.101:80`, `TCP  [2001:db8::110]:80`, `FWM  1`, `FWM  1 IPv6`. */
export function listingName(config: LvsConfig, s: VirtualService): string {
  if (s.protocol === "fwmark") return familyOf(s.vip) === 6 ? `FWM  ${s.fwmark} IPv6` : `FWM  ${s.fwmark}`;
  return `${s.protocol.toUpperCase()}  ${formatAddressPort(s.vip, s.port)}`;
}

/** The same table in the layout of `ipvsadm -L -n` (without its kernel version line). */
export function ipvsListing(config: LvsConfig): string {
  const out: string[] = [
    "Prot LocalAddress:Port Scheduler Flags",
    "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
  ];
  for (const { service, dests } of sortedTable(config)) {
    // ipvsadm cuts the names to 33 and 28 characters for IPv4 only (print_service_entry)
    const six = familyOf(service.vip) === 6;
    const name = six ? listingName(config, service) : listingName(config, service).slice(0, 33);
    let line = `${name} ${service.scheduler}`;
    if (service.schedFlags !== undefined && service.schedFlags.length > 0) line += ` (${service.schedFlags.join(",")})`;
    if (service.persistence !== undefined) {
      line += ` persistent ${service.persistence.timeout}`;
      const mask = persistenceMask(service);
      if (mask !== undefined) line += ` mask ${mask}`;
    }
    out.push(line);
    if (!config.initialState) continue;
    for (const d of dests) {
      const dest = six ? textPort(d.text, d.port) : textPort(d.text, d.port).slice(0, 28);
      out.push(
        `  -> ${dest.padEnd(28)} ${FORWARD_NAME[forwardingOf(config, d)].padEnd(7)} ${String(d.weight).padEnd(6)} ${"0".padEnd(10)} ${"0".padEnd(10)}`,
      );
    }
  }
  return out.join("\n") + "\n";
}
