// Two directors sharing one cluster through keepalived (the lvsc extension DIRECTOR_PAIR): the
// VRRP instances a cluster runs, and the check across confs linted together. Pure.

import { countErrors, diag, sortDiagnostics, type Diagnostic } from "./diagnostics.js";
import type { LintResult } from "./lint.js";
import type { Director, LvsConfig } from "./model.js";
import { familyOf, formatAddress, inPrefix, networkOfPrefix, type Address, type Family, type Iface, type IPv4 } from "./net.js";

// The derived router id lives below validate.ts, which ha.ts reaches through lint.ts (no cycle);
// exported here too for the importers that find it with the pair's other rules.
export { derivedRouterId } from "./vrrp-id.js";

/**
 * The IPv6 multicast group lvsc gives the connection sync of a pair whose directors' own
 * addresses are IPv6. The kernel's default group, 224.0.0.81, is IPv4: its sending socket binds
 * to an IPv4 address of the device (ip_vs_sync.c bind_mcastif_addr), which an IPv6 cluster's
 * director may lack. No group is assigned to the sync protocol; this one is unassigned, of
 * link-local scope like the default, and keepalived -t accepts it (the kernel joins it on the
 * sync device: the socket is bound to that device).
 */
export const SYNC_GROUP6 = "ff02::8:81";

/** An address a VRRP instance floats: a VIP, or a pair's DIP. */
export interface FloatingAddress {
  role: "vip" | "dip";
  address: Address;
  prefix: number;
  /** IPv4 only. */
  broadcast: IPv4 | undefined;
  device: Iface;
}

/** One VRRP instance of a cluster's keepalived files: the device it runs on and the network its adverts reach. */
export interface VrrpInstance {
  /** `VI_LVS` (one instance), or `VI_VIP` and `VI_DIP` (and `VI_<device>` for a third device). */
  name: string;
  device: string;
  /**
   * The family of its adverts (VRRPv3 over IPv6 or VRRP over IPv4), and of `virtual_ipaddress`:
   * keepalived takes one family per instance, from its addresses.
   */
  family: Family;
  /** The LAN of `device` in `family`: the DIP's network on the DIP's device, else the VIP's. */
  network: Address;
  prefix: number;
  /** What it floats: the VIP, the DIP, or both. */
  holds: ("vip" | "dip")[];
  /** Its addresses of `family` (keepalived's `virtual_ipaddress`), VIPs first. */
  addresses: FloatingAddress[];
  /** Its addresses of the other family (`virtual_ipaddress_excluded`: moved with the instance, not in its adverts). */
  excluded: FloatingAddress[];
}

/**
 * The VRRP instances of a cluster. A single director has one, for the VIP(s). A pair floats the
 * VIP and the DIP: one instance when they share a device, else one per device, the instances in
 * a sync group so that they always move together.
 *
 * Dual stack (an IPv4 and an IPv6 VIP, a DIP of each family): still one instance per device, not
 * one per family. keepalived takes one family per `virtual_ipaddress`, so an instance's adverts
 * go in one family (the directors' own addresses' for a pair, the first VIP's for a single
 * director) and the other family's addresses are in `virtual_ipaddress_excluded`, which keepalived
 * adds and removes with the instance's state and announces (gratuitous ARP, unsolicited NA) as it
 * does the others. Both families then move in one transition by construction: a real server
 * replies to the DIP of its family and a client may come in on either VIP, so an IPv6 DIP left
 * on the old MASTER while the IPv4 one moved would break a family. An instance per family would
 * double the adverts, need a source address of each family on each director (the own address is
 * of one family), and rely on a sync group to keep the families together. A device that has
 * addresses of the other family only gets an instance of that family (keepalived refuses an
 * instance whose `virtual_ipaddress` is empty).
 */
export function vrrpInstances(config: LvsConfig): VrrpInstance[] {
  const vips = config.vips.length > 0 ? config.vips : [config.vip];
  const dips = config.dips.length > 0 ? config.dips : [config.dip];
  const pair = config.pair !== undefined;
  const floating: FloatingAddress[] = [
    ...vips.map((v) => ({ role: "vip" as const, address: v.address, prefix: v.prefix, broadcast: v.broadcast, device: v.device })),
    ...(pair ? dips.map((d) => ({ role: "dip" as const, address: d.address, prefix: d.prefix, broadcast: d.broadcast, device: d.device })) : []),
  ];
  // a pair advertises in its directors' family (their own addresses are the adverts' and the
  // sync's source); a single director in its first VIP's
  const preferred: Family = config.pair !== undefined ? familyOf(config.pair.directors[0].address) : familyOf(vips[0]!.address);
  // the LAN an instance's adverts reach, for the router-id check: a DIP's network where a DIP of
  // the family is on the device (the single director's too: its VIP is on that LAN), else the VIP's
  const lanOf = (device: string, family: Family): { network: Address; prefix: number } => {
    const d = dips.find((x) => x.device.device === device && familyOf(x.address) === family);
    if (d !== undefined) return { network: d.network, prefix: d.prefix };
    const v = floating.find((x) => x.device.device === device && familyOf(x.address) === family)!;
    return { network: networkOfPrefix(v.address, v.prefix), prefix: v.prefix };
  };
  const make = (name: string, device: string, held: FloatingAddress[]): VrrpInstance => {
    const family = held.some((a) => familyOf(a.address) === preferred) ? preferred : familyOf(held[0]!.address);
    const holds: VrrpInstance["holds"] = [];
    if (held.some((a) => a.role === "vip")) holds.push("vip");
    if (held.some((a) => a.role === "dip")) holds.push("dip");
    return {
      name,
      device,
      family,
      ...lanOf(device, family),
      holds,
      addresses: held.filter((a) => familyOf(a.address) === family),
      excluded: held.filter((a) => familyOf(a.address) !== family),
    };
  };
  if (!pair) return [make("VI_LVS", vips[0]!.device.device, floating)];
  const devices = [...new Set(floating.map((a) => a.device.device))];
  if (devices.length === 1) return [make("VI_LVS", devices[0]!, floating)];
  const dipDevice = dips[0]!.device.device;
  const vipDevice = vips[0]!.device.device;
  return devices.map((dev) =>
    make(
      dev === dipDevice ? "VI_DIP" : dev === vipDevice ? "VI_VIP" : `VI_${dev}`,
      dev,
      floating.filter((a) => a.device.device === dev),
    ),
  );
}

function overlaps(a: VrrpInstance, b: VrrpInstance): boolean {
  return inPrefix(a.network, b.network, Math.min(a.prefix, b.prefix));
}

/**
 * Checks confs linted together (`lvsc lint DIR`, or several files) as one set of clusters:
 *
 * - two clusters whose VRRP instances would share a router id on one network would take each
 *   other's adverts for their own, and one of them would lose its VIP;
 * - two pairs that share a director: a host runs one keepalived (one
 *   /etc/keepalived/keepalived.conf, and lvsc writes a whole one per cluster) and one connection
 *   sync daemon, so one pair of directors carries one cluster.
 *
 * Confs with the same VIP are versions of one cluster (only one of them runs), so they never
 * clash. Returns the results with the new diagnostics added, in the same order.
 */
export function checkConfSet(results: readonly LintResult[]): LintResult[] {
  const clusters = results.map((r) => (r.config?.vrrp !== undefined ? { r, config: r.config, vrrp: r.config.vrrp, instances: vrrpInstances(r.config) } : undefined));
  const added = new Map<LintResult, Diagnostic[]>();
  const add = (r: LintResult, d: Diagnostic) => added.set(r, [...(added.get(r) ?? []), d]);
  sharedDirectors(results, add);
  clusters.forEach((a, i) => {
    if (a === undefined) return;
    for (const b of clusters.slice(i + 1)) {
      if (b === undefined || b.vrrp.routerId !== a.vrrp.routerId || b.config.vip.address === a.config.vip.address) continue;
      const shared = a.instances.find((x) => b.instances.some((y) => overlaps(x, y)));
      if (shared === undefined) continue;
      const net = `${formatAddress(shared.network)}/${shared.prefix}`;
      for (const [self, other] of [
        [a, b],
        [b, a],
      ] as const) {
        const where = `${other.r.file} (VIP ${formatAddress(other.config.vip.address)}, line ${other.vrrp.span.start.line})`;
        const d = diag(
          "vrrp-router-id-collision",
          `VRRP router id ${self.vrrp.routerId} on ${net} is also the router id of ${where}`,
          self.vrrp.span,
          {
            hint: self.vrrp.given
              ? "give one of the two clusters another `VRRP_ROUTER_ID` (1..255), unused on this network"
              : `the id comes from the VIP's last octet; give one of the two clusters its own, e.g. \`VRRP_ROUTER_ID=${freeId(clusters.map((c) => c?.vrrp.routerId))}\``,
          },
        );
        add(self.r, d);
      }
    }
  });
  return results.map((r) => {
    const extra = added.get(r);
    if (extra === undefined) return r;
    const diagnostics = sortDiagnostics([...r.diagnostics, ...extra]);
    const errorCount = countErrors(diagnostics);
    return { ...r, diagnostics, errorCount, warningCount: diagnostics.length - errorCount, config: errorCount > 0 ? undefined : r.config };
  });
}

/**
 * director-pair-shared: two pairs (of clusters with different VIPs) with a director in common,
 * compared by address (a conf may name a director, another give its address). Each conf gets the
 * diagnostic at its DIRECTOR_PAIR field(s) of the shared director(s), naming the other conf.
 */
function sharedDirectors(results: readonly LintResult[], add: (r: LintResult, d: Diagnostic) => void): void {
  const pairs = results.flatMap((r) => (r.config?.pair !== undefined ? [{ r, config: r.config, directors: r.config.pair.directors }] : []));
  pairs.forEach((a, i) => {
    for (const b of pairs.slice(i + 1)) {
      if (b.config.vip.address === a.config.vip.address) continue;
      for (const [self, other] of [
        [a, b],
        [b, a],
      ] as const) {
        const shared = self.directors.filter((d) => other.directors.some((o) => o.address === d.address));
        if (shared.length === 0) continue;
        const named = (d: Director) => (d.written === formatAddress(d.address) ? `${d.role} ${d.written}` : `${d.role} \`${d.written}\` (${formatAddress(d.address)})`);
        const where = `${other.r.file} (VIP ${formatAddress(other.config.vip.address)}, DIRECTOR_PAIR at line ${other.directors[0].span.start.line})`;
        const both = shared.length === 2;
        const span = { start: shared[0]!.span.start, end: shared[shared.length - 1]!.span.end };
        add(
          self.r,
          diag(
            "director-pair-shared",
            `${shared.map(named).join(" and ")} ${both ? "are also the directors" : "is also a director"} of ${where}`,
            span,
            {
              hint: `one keepalived runs per host, with one /etc/keepalived/keepalived.conf (this cluster's or the other's, not both), and one connection sync daemon: give one of the two clusters ${both ? "directors" : "a director"} of its own`,
            },
          ),
        );
      }
    }
  });
}

/** The lowest router id no cluster of the set uses. */
function freeId(used: (number | undefined)[]): number {
  for (let id = 1; id <= 255; id++) if (!used.includes(id)) return id;
  return 1;
}
