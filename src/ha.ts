// Two directors sharing one cluster through keepalived (the lvsc extension DIRECTOR_PAIR): the
// VRRP instances a cluster runs, and the check across confs linted together. Pure.

import { countErrors, diag, sortDiagnostics, type Diagnostic } from "./diagnostics.js";
import type { LintResult } from "./lint.js";
import type { Director, LvsConfig } from "./model.js";
import { formatAddress, inPrefix, networkOfPrefix, type Address } from "./net.js";

// The derived router id lives below validate.ts, which ha.ts reaches through lint.ts (no cycle);
// exported here too for the importers that find it with the pair's other rules.
export { derivedRouterId } from "./vrrp-id.js";

/** One VRRP instance of a cluster's keepalived files: the device it runs on and the network its adverts reach. */
export interface VrrpInstance {
  /** `VI_LVS` (one instance), or `VI_VIP` and `VI_DIP`. */
  name: string;
  device: string;
  /** The LAN of `device`: the DIP's network on the DIP's device, else the VIP's. */
  network: Address;
  prefix: number;
  /** What it floats: the VIP, the DIP, or both. */
  holds: ("vip" | "dip")[];
}

/**
 * The VRRP instances of a cluster. A single director has one, for the VIP. A pair floats the
 * VIP and the DIP: one instance when they share a device, else one per device, the two in a
 * sync group so that they always move together.
 */
export function vrrpInstances(config: LvsConfig): VrrpInstance[] {
  const { vip, dip } = config;
  const onVipDevice = (holds: VrrpInstance["holds"], name: string): VrrpInstance =>
    vip.device.device === dip.device.device
      ? { name, device: dip.device.device, network: dip.network, prefix: dip.prefix, holds }
      : { name, device: vip.device.device, network: networkOfPrefix(vip.address, vip.prefix), prefix: vip.prefix, holds };
  if (config.pair === undefined) return [onVipDevice(["vip"], "VI_LVS")];
  if (vip.device.device === dip.device.device) return [onVipDevice(["vip", "dip"], "VI_LVS")];
  return [onVipDevice(["vip"], "VI_VIP"), { name: "VI_DIP", device: dip.device.device, network: dip.network, prefix: dip.prefix, holds: ["dip"] }];
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
