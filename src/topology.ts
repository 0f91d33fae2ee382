// LvsConfig -> the cluster as a graph (clients, router, director, virtual services, real servers),
// and that graph as Graphviz DOT and as a Mermaid flowchart. Pure. The SVG is DOT laid out by
// Graphviz (src/svg.ts).
//
// Large clusters are summarised so that the picture stays readable: past a few dozen services,
// real servers or links, services that share the same real servers are drawn as one group,
// each group's real servers as one node, and only the first groups are drawn, with a node
// that counts the rest. `lvsc show --format text|json` always lists everything.

import { forwardingOf, persistenceMask } from "./ipvs.js";
import { TYPE_NAMES, type ActiveDirectors, type LvsConfig, type LvsType, type RealServer, type VirtualService } from "./model.js";
import { serverKey, familyOf, formatAddress, formatAddressPort, type Address } from "./net.js";
import { rpFilterDevices, tunnels } from "./tunnels.js";

export type NodeKind = "clients" | "router" | "director" | "local" | "service" | "realserver" | "summary";

export interface GraphNode {
  id: string;
  kind: NodeKind;
  title: string;
  /** Detail lines under the title. */
  lines: string[];
}

export interface GraphEdge {
  /** A node id, or a cluster id for an edge that leaves the whole cluster. */
  from: string;
  to: string;
  label: string;
  /** Drawn dashed: a reply path, or a link that a monitor makes. */
  dashed: boolean;
  /** A reply path: it does not shape the layout. */
  reply?: boolean;
}

export interface GraphCluster {
  id: string;
  label: string;
  nodes: string[];
}

export interface Graph {
  title: string;
  clusters: GraphCluster[];
  /** Every node, those in clusters too, in drawing order. */
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** True when services were grouped (see the module comment). */
  summarised: boolean;
}

/** Past any of these, the picture groups services by their real servers. */
export const DETAIL_LIMITS = { services: 16, realServers: 16, links: 48 };
/** In a summarised picture: groups drawn, and rows listed per node. */
export const SUMMARY_LIMITS = { groups: 12, rows: 6 };

const METHOD: Record<LvsType, string> = { dr: "DR (-g)", nat: "NAT (-m)", tun: "IPIP tunnel (-i)" };

function serviceName(config: LvsConfig, s: VirtualService): string {
  // a dual-stack cluster has a mark's service in each family: say which
  if (s.protocol === "fwmark") return `FWM ${s.fwmark}${config.vips.length > 1 ? ` IPv${familyOf(s.vip)}` : ""} (firewall mark)`;
  const named = /^\d+$/.test(s.written) ? "" : ` ${s.written}`;
  // IPv6 as ipvsadm writes it, [2001:db8::1]:80
  const at = s.port === 0 ? `${formatAddressPort(s.vip, 0).slice(0, -1)}* (every port)` : formatAddressPort(s.vip, s.port);
  return `${s.protocol.toUpperCase()} ${at}${named}`;
}

/** The VIPs as the picture names them: `192.168.0.101`, or `192.168.0.101 and 2001:db8::101`. */
function vipsText(config: LvsConfig): string {
  return config.vips.map((v) => formatAddress(v.address)).join(" and ");
}

function serviceDetails(s: VirtualService): string[] {
  const out = [`scheduler ${s.scheduler}${s.schedFlags !== undefined && s.schedFlags.length > 0 ? ` (${s.schedFlags.join(",")})` : ""}`];
  if (s.persistence !== undefined) {
    const m = persistenceMask(s);
    const mask = m === undefined ? "" : `, mask ${m}`;
    out.push(`persistent ${s.persistence.timeout} s${mask}`);
  }
  return out;
}

/** One line for a service in a group's list. */
function serviceRow(config: LvsConfig, s: VirtualService): string {
  return [serviceName(config, s), s.scheduler, ...(s.persistence !== undefined ? [`persistent ${s.persistence.timeout} s`] : [])].join(", ");
}

function hostName(rs: RealServer): string {
  const addr = rs.text;
  return rs.written === addr ? addr : `${rs.written} ${addr}`;
}

/** What start does on every real server, for its node. */
function realServerSetup(config: LvsConfig): string[] {
  const out: string[] = [];
  const v4 = config.vips.filter((v) => familyOf(v.address) === 4);
  const v6 = config.vips.filter((v) => familyOf(v.address) === 6);
  if (config.type !== "nat" && config.serverVipDevice !== undefined) {
    const dev = config.serverVipDevice.name;
    const t = tunnels(config);
    // how each family's VIP reaches the real servers: in its own family, the other (mixed
    // families, README), or both
    const how4 = [...(t.ipipTraffic || !t.ip4in6 ? ["IPIP, ipip module"] : []), ...(t.ip4in6 ? ["IPv4 in IPv6 on ip6tnl0, mode any"] : [])].join("; ");
    const how6 = [...(t.ip6ip6 || !t.sit ? ["IPv6 in IPv6, ip6_tunnel module"] : []), ...(t.sit ? ["IPv6 in IPv4 on sit0, sit module"] : [])].join("; ");
    for (const v of v4) out.push(`VIP ${formatAddress(v.address)}/32 on ${dev}${config.type === "tun" ? ` (${how4})` : ""}`);
    // IPv6: a /128 that skips duplicate address detection; nothing answers neighbour
    // solicitations for an address on a device that faces no network, so no ARP-like sysctls
    for (const v of v6) out.push(`VIP ${formatAddress(v.address)}/128 on ${dev}, nodad${config.type === "tun" ? ` (${how6})` : ""}`);
    if (v4.length > 0) {
      const devs = ["all", ...(config.serverNetDevice !== undefined ? [config.serverNetDevice.device] : [])].join(", ");
      out.push(`ARP hidden: arp_ignore=1, arp_announce=2 (${devs})`);
      const rp = rpFilterDevices(config);
      if (config.type === "tun" && rp.length > 0) out.push(`rp_filter=0 (all, ${rp.join(", ")})`);
    }
    if (v6.length > 0) out.push("IPv6: the VIP off the LAN, never answered for in neighbour discovery");
  }
  if (config.type === "nat") {
    for (const d of config.dips) out.push(`default route via the DIP ${formatAddress(d.address)}`);
    if (v6.length > 0) out.push("IPv6: accept_redirects=0 on each interface");
  }
  else if (config.serverGateway !== undefined) out.push(`default route via ${formatAddress(config.serverGateway.address)}`);
  if (!config.initialState) out.push("added by the monitor once healthy (INITIAL_STATE=off)");
  return out;
}

function link(config: LvsConfig, rs: RealServer): string {
  return `${rs.port === 0 ? "the packet's port" : `:${rs.port}`} w${rs.weight} ${METHOD[forwardingOf(config, rs)]}`;
}

const LOCAL_NODE: GraphNode = { id: "localnode", kind: "local", title: "LocalNode", lines: ["the director serves a share itself (127.0.0.1)"] };

/** LocalNode as the cluster's families write it: 127.0.0.1, ::1, or both. */
function localNode_(config: LvsConfig): GraphNode {
  const families = new Set(config.services.flatMap((s) => s.realServers.filter((rs) => rs.localNode).map((rs) => familyOf(rs.address))));
  if (!families.has(6)) return LOCAL_NODE;
  return { ...LOCAL_NODE, lines: [`the director serves a share itself (${families.has(4) ? "127.0.0.1, ::1" : "::1"})`] };
}

/** `1-200`, `23, 80, 443`: sorted numbers with runs collapsed. */
export function ranges(nums: Iterable<number>): string {
  const sorted = [...new Set(nums)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(j > i + 1 ? `${sorted[i]}-${sorted[j]}` : j === i + 1 ? `${sorted[i]}, ${sorted[j]}` : String(sorted[i]));
    i = j;
  }
  return out.join(", ");
}

/** What the services of a group have in common, as lines for its node. */
function groupDetails(config: LvsConfig, services: VirtualService[]): string[] {
  const out: string[] = [];
  for (const proto of ["tcp", "udp", "fwmark"] as const) {
    const these = services.filter((s) => s.protocol === proto);
    if (these.length === 0) continue;
    const list = ranges(these.map((s) => (proto === "fwmark" ? s.fwmark! : s.port)));
    const shown = list.length > 48 ? `${list.slice(0, list.lastIndexOf(",", 44))}, ...` : list;
    const vips = [...new Set(these.map((s) => s.vip))].map(formatAddress).join(" and ");
    out.push(proto === "fwmark" ? `firewall marks ${shown}` : `${proto.toUpperCase()} ${vips} ports ${shown}`);
  }
  const schedulers = [...new Set(services.map((s) => s.scheduler))];
  out.push(`scheduler${schedulers.length === 1 ? "" : "s"} ${schedulers.join(", ")}`);
  const timeouts = [...new Set(services.map((s) => s.persistence?.timeout ?? 0))];
  if (timeouts.length === 1 && timeouts[0] !== 0) out.push(`persistent ${timeouts[0]} s`);
  else if (timeouts.some((t) => t !== 0)) out.push("some persistent");
  return out;
}

interface ServiceGroup {
  services: VirtualService[];
  /** True: the services share their real servers; false: alike services, each with its own. */
  shared: boolean;
}

/**
 * Services for a summarised picture: those with the same real servers together, in the conf's
 * order; when that still leaves too many groups, services alike in protocol, scheduler,
 * persistence and real-server count and weights together (a generated conf's usual shape).
 */
function groupServices(config: LvsConfig): ServiceGroup[] {
  const byHosts = new Map<string, VirtualService[]>();
  for (const s of config.services) {
    const key = [...new Set(s.realServers.map((rs) => (rs.localNode ? "local" : String(rs.address))))].sort().join(",");
    const g = byHosts.get(key);
    if (g === undefined) byHosts.set(key, [s]);
    else g.push(s);
  }
  if (byHosts.size <= SUMMARY_LIMITS.groups) return [...byHosts.values()].map((services) => ({ services, shared: true }));
  const alike = new Map<string, VirtualService[]>();
  for (const s of config.services) {
    const shape = [
      s.protocol,
      s.scheduler,
      s.persistence?.timeout ?? 0,
      s.persistence?.prefix ?? 0,
      s.realServers.some((rs) => rs.localNode),
      s.realServers.map((rs) => rs.weight).sort((a, b) => a - b).join("/"),
    ].join("|");
    const g = alike.get(shape);
    if (g === undefined) alike.set(shape, [s]);
    else g.push(s);
  }
  return [...alike.values()].map((services) => ({ services, shared: false }));
}

/**
 * N active directors (DIRECTOR_ACTIVE): one node each, in one group, every one with a BGP
 * session to the router(s) and the router's ECMP route to it; the router node names the peers.
 */
function activeDirectors(config: LvsConfig, active: ActiveDirectors, nodes: GraphNode[], edges: GraphEdge[], clusters: GraphCluster[], localNode: boolean): void {
  const vip = formatAddress(config.vip.address);
  const router = nodes.find((n) => n.id === "router")!;
  router.lines = active.peers.map((p) => `${formatAddress(p.address)} (AS ${p.as}): BGP with every director`);
  router.lines.push(`ECMP: one route to ${vip}/32 via ${active.directors.length} directors`);
  const ids = active.directors.map((d, i) => {
    const address = formatAddress(d.address);
    const id = i === 0 ? "director" : `director${i + 1}`;
    nodes.push({
      id,
      kind: "director",
      title: d.written === address ? `director ${address}` : `director ${d.written} ${address}`,
      lines: [`${TYPE_NAMES[config.type]}: ${METHOD[config.type]}`, `VIP ${vip}/32 on ${config.vip.device.device}, ARP hidden`, "sloppy_tcp=1: continues moved flows", `BIRD: announces ${vip}/32 (AS ${active.localAs})`],
    });
    edges.push({ from: "router", to: id, label: `BGP${active.bfd ? " + BFD" : ""}; ECMP next hop ${address}`, dashed: false });
    return id;
  });
  if (localNode) ids.push((nodes.push(localNode_(config)), LOCAL_NODE.id));
  const lan = `${formatAddress(config.dip.network)}/${config.dip.prefix}`;
  clusters.push({
    id: "director_host",
    label: `${active.directors.length} active directors on ${config.dip.device.device} ${lan} (AS ${active.localAs}), one mh table on each; no director holds the DIP ${formatAddress(config.dip.address)}`,
    nodes: ids,
  });
}

/** The cluster as a graph; deterministic: the same conf gives the same graph. */
export function topology(config: LvsConfig, source: string): Graph {
  // every VIP (one per family in a dual-stack cluster), and the first DIP's address
  const vip = vipsText(config);
  const theVip = `the VIP${config.vips.length > 1 ? "s" : ""} ${vip}`;
  const dip = formatAddress(config.dip.address);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const clusters: GraphCluster[] = [];
  const add = (n: GraphNode) => (nodes.push(n), n.id);

  // ---- outside: clients and the router
  add({ id: "clients", kind: "clients", title: "clients", lines: [`connect to ${theVip}`] });
  const gw = config.directorGateway ?? (config.type !== "nat" ? config.serverGateway : undefined);
  add({
    id: "router",
    kind: "router",
    title: "router",
    lines:
      config.directorGateway !== undefined
        ? [`${formatAddress(config.directorGateway.address)}: the director's default route`]
        : gw !== undefined
          ? [`${formatAddress(gw.address)}: the real servers' default route`]
          : ["(the conf names no gateway)"],
  });
  edges.push({ from: "clients", to: "router", label: "", dashed: false });

  // ---- the director
  const vipDev = config.vip.device.label !== undefined ? `${config.vip.device.device} (label ${config.vip.device.label})` : config.vip.device.device;
  const dipDev = config.dip.device.label !== undefined ? `${config.dip.device.device} (label ${config.dip.device.label})` : config.dip.device.device;
  const pair = config.pair;
  const floats = pair !== undefined ? " (floating)" : "";
  const device = (d: { device: { device: string; label: string | undefined } }) => (d.device.label !== undefined ? `${d.device.device} (label ${d.device.label})` : d.device.device);
  // an IPv6 address is added as /prefix with nodad and preferred_lft 0, never the director's source address
  const v6Note = (a: Address) => (familyOf(a) === 6 ? ", nodad, deprecated" : "");
  const directorLines = [
    `${TYPE_NAMES[config.type]}: ${METHOD[config.type]}`,
    ...config.vips.map((v, i) => `VIP ${formatAddress(v.address)}/${v.prefix} on ${i === 0 ? vipDev : device(v)}${floats}${v6Note(v.address)}`),
    ...config.dips.map((d, i) => `DIP ${formatAddress(d.address)}/${d.prefix} on ${i === 0 ? dipDev : device(d)}${floats}`),
  ];
  if (config.type === "nat") {
    if (config.vips.some((v) => familyOf(v.address) === 4)) directorLines.push("ip_forward=1, send_redirects=0: the real servers' gateway");
    if (config.vips.some((v) => familyOf(v.address) === 6)) directorLines.push("IPv6 forwarding=1 (all): the real servers' gateway");
  }
  if (config.directorGateway !== undefined) directorLines.push(`default route via ${formatAddress(config.directorGateway.address)}`);
  const localNode = config.services.some((s) => s.realServers.some((rs) => rs.localNode));
  const active = config.active;
  if (active !== undefined) activeDirectors(config, active, nodes, edges, clusters, localNode);
  else if (pair === undefined) {
    const director = add({ id: "director", kind: "director", title: "director", lines: directorLines });
    edges.push({ from: "router", to: director, label: `to ${theVip}`, dashed: false });
    // a LocalNode real server is the director itself: drawn in one box with it
    if (localNode) clusters.push({ id: "director_host", label: "the director host", nodes: [director, add(localNode_(config))] });
  } else {
    // two directors (DIRECTOR_PAIR): the VRRP MASTER holds the VIP and the DIP and does the work
    const [d1, d2] = pair.directors;
    const own = (d: typeof d1) => `${d.role} ${d.written === formatAddress(d.address) ? "" : `${d.written} `}${formatAddress(d.address)}`;
    const director = add({ id: "director", kind: "director", title: own(d1), lines: [`VRRP MASTER at start (priority ${d1.priority})`, ...directorLines] });
    const backup = add({
      id: "director2",
      kind: "director",
      title: own(d2),
      lines: [`VRRP BACKUP (priority ${d2.priority})`, "takes the VIP and the DIP when the MASTER fails", "holds the same table, and the MASTER's connections (sync)"],
    });
    const routerId = config.vrrp?.routerId;
    clusters.push({
      id: "director_host",
      label: `two directors, keepalived${routerId !== undefined ? ` (VRRP router id ${routerId})` : ""}, ${pair.preempt ? "director1 takes the VIP back" : "no preemption"}`,
      nodes: [director, backup, ...(localNode ? [add(localNode_(config))] : [])],
    });
    edges.push({ from: "router", to: director, label: `to ${theVip}`, dashed: false });
    edges.push({ from: "router", to: backup, label: "after a failover", dashed: true });
    edges.push({ from: director, to: backup, label: "VRRP adverts, connection sync", dashed: true, reply: true });
  }
  // N active directors all run the table: the services hang from the group of them
  const director = active !== undefined ? "director_host" : "director";

  // ---- services and real servers
  const hosts = new Map<number | string, RealServer>();
  let links = 0;
  for (const s of config.services)
    for (const rs of s.realServers) {
      links++;
      if (!rs.localNode && !hosts.has(serverKey(rs))) hosts.set(serverKey(rs), rs);
    }
  const detailed = config.services.length <= DETAIL_LIMITS.services && hosts.size <= DETAIL_LIMITS.realServers && links <= DETAIL_LIMITS.links;
  const svcCluster: GraphCluster = { id: "services", label: `virtual services on ${vip}`, nodes: [] };
  const rsCluster: GraphCluster = { id: "realservers", label: "real servers", nodes: [] };
  clusters.push(svcCluster, rsCluster);
  const setup = realServerSetup(config);
  const off = !config.initialState;

  if (detailed) {
    config.services.forEach((s, i) => {
      const id = `svc${i + 1}`;
      svcCluster.nodes.push(add({ id, kind: "service", title: serviceName(config, s), lines: serviceDetails(s) }));
      edges.push({ from: director, to: id, label: "", dashed: false });
    });
    let n = 0;
    const hostId = new Map<number | string, string>();
    for (const [key, rs] of hosts) {
      const id = `rs${++n}`;
      hostId.set(key, id);
      rsCluster.nodes.push(add({ id, kind: "realserver", title: hostName(rs), lines: setup }));
    }
    config.services.forEach((s, i) => {
      for (const rs of s.realServers)
        edges.push({ from: `svc${i + 1}`, to: rs.localNode ? "localnode" : hostId.get(serverKey(rs))!, label: link(config, rs), dashed: off });
    });
  } else {
    const shown = groupServices(config).slice(0, SUMMARY_LIMITS.groups + 1);
    const rest = shown.length > SUMMARY_LIMITS.groups ? groupServices(config).slice(SUMMARY_LIMITS.groups) : [];
    shown.slice(0, SUMMARY_LIMITS.groups).forEach((g, i) => {
      const sid = `group${i + 1}`;
      const one = g.services.length === 1 ? g.services[0]! : undefined;
      svcCluster.nodes.push(
        add({ id: sid, kind: "service", title: one !== undefined ? serviceName(config, one) : `${g.services.length} services`, lines: one !== undefined ? serviceDetails(one) : groupDetails(config, g.services) }),
      );
      edges.push({ from: director, to: sid, label: "", dashed: false });
      const members = new Map<number | string, RealServer>();
      const weights: number[] = [];
      let samePort = true;
      let local = false;
      for (const s of g.services)
        for (const rs of s.realServers) {
          weights.push(rs.weight);
          if (rs.port !== s.port) samePort = false;
          if (rs.localNode) local = true;
          else if (!members.has(serverKey(rs))) members.set(serverKey(rs), rs);
        }
      const w = Math.min(...weights) === Math.max(...weights) ? `w${weights[0]}` : `w${Math.min(...weights)}-${Math.max(...weights)}`;
      const label = `${samePort ? "the service's port" : "ports as listed"}, ${w}, ${METHOD[config.type]}`;
      if (local) edges.push({ from: sid, to: "localnode", label: "LocalNode", dashed: off });
      if (members.size === 0) return;
      const rid = `${sid}_rs`;
      const hostsList = [...members.values()];
      const list = hostsList.slice(0, SUMMARY_LIMITS.rows).map(hostName);
      if (hostsList.length > list.length) list.push(`... and ${hostsList.length - list.length} more`);
      const perService = g.services.length > 1 && g.shared === false ? [`${g.services[0]!.realServers.length} per service`] : [];
      rsCluster.nodes.push(
        add({
          id: rid,
          kind: "realserver",
          title: hostsList.length === 1 ? hostName(hostsList[0]!) : `${hostsList.length} real servers`,
          lines: hostsList.length === 1 ? setup : [...list, ...perService, ...setup],
        }),
      );
      edges.push({ from: sid, to: rid, label, dashed: off });
    });
    if (rest.length > 0) {
      const services = rest.reduce((n, g) => n + g.services.length, 0);
      const restHosts = new Set(rest.flatMap((g) => g.services.flatMap((s) => s.realServers.filter((rs) => !rs.localNode).map((rs) => serverKey(rs)))));
      svcCluster.nodes.push(
        add({
          id: "more",
          kind: "summary",
          title: `... and ${rest.length} more group${rest.length === 1 ? "" : "s"}`,
          lines: [`${services} services, ${restHosts.size} real servers`, "lvsc show --format text lists them all"],
        }),
      );
      edges.push({ from: director, to: "more", label: "", dashed: false });
    }
  }
  // how the real servers' replies reach the clients: one edge for all of them
  if (rsCluster.nodes.length > 0)
    edges.push(
      config.type === "nat"
        ? { from: rsCluster.id, to: director, label: "replies via the DIP (default route)", dashed: true, reply: true }
        : {
            from: rsCluster.id,
            to: "router",
            label: `replies from the VIP${config.serverGateway !== undefined ? ` via ${formatAddress(config.serverGateway.address)}` : ""}, bypassing the director${config.active !== undefined ? "s" : ""}`,
            dashed: true,
            reply: true,
          },
    );
  const totals = `${config.services.length} service${config.services.length === 1 ? "" : "s"}, ${hosts.size} real server${hosts.size === 1 ? "" : "s"}`;
  return { title: `${source}: ${TYPE_NAMES[config.type]}, VIP${config.vips.length > 1 ? "s" : ""} ${vip}, ${totals}${detailed ? "" : " (summarised)"}`, clusters, nodes, edges, summarised: !detailed };
}

// ---------------------------------------------------------------- DOT

const FILL: Record<NodeKind, string> = {
  clients: "#eeeeee",
  router: "#eeeeee",
  director: "#d8e8f8",
  local: "#d8e8f8",
  service: "#fdf3d0",
  realserver: "#dff2df",
  summary: "#ffffff",
};

/** Text for an HTML-like Graphviz label. */
function html(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** A double-quoted DOT string. */
function quoted(s: string): string {
  return `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

function dotNode(n: GraphNode, indent: string): string {
  const rows = [`<B>${html(n.title)}</B>`, ...n.lines.map(html)].join('<BR ALIGN="LEFT"/>');
  const shape = n.kind === "clients" ? "ellipse" : n.kind === "router" ? "hexagon" : "box";
  return `${indent}${n.id} [shape=${shape}, fillcolor=${quoted(FILL[n.kind])}, label=<${rows}<BR ALIGN="LEFT"/>>];`;
}

/** The graph in Graphviz's DOT language, laid out left to right. */
export function toDot(g: Graph): string {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const clustered = new Set(g.clusters.flatMap((c) => c.nodes));
  const out = [
    "digraph lvs {",
    `  graph [rankdir=TB, fontname="DejaVu Sans", fontsize=12, labelloc=t, label=${quoted(g.title)}, nodesep=0.3, ranksep=0.7, pad=0.3, newrank=true, compound=true];`,
    '  node [style="rounded,filled", fontname="DejaVu Sans", fontsize=10, margin="0.15,0.08", color="#555555"];',
    '  edge [fontname="DejaVu Sans", fontsize=9, color="#555555"];',
  ];
  for (const n of g.nodes) if (!clustered.has(n.id)) out.push(dotNode(n, "  "));
  for (const c of g.clusters) {
    if (c.nodes.length === 0) continue;
    out.push(`  subgraph cluster_${c.id} {`, `    label=${quoted(c.label)};`, '    style="rounded"; color="#999999";');
    for (const id of c.nodes) out.push(dotNode(byId.get(id)!, "    "));
    out.push("  }");
  }
  const clusters = new Map(g.clusters.map((c) => [c.id, c]));
  for (const e of g.edges) {
    // an edge from a cluster leaves from its first node, clipped at the cluster's border
    const cluster = clusters.get(e.from);
    const from = cluster !== undefined ? cluster.nodes[0]! : e.from;
    const attrs = [
      ...(e.label !== "" ? [`label=${quoted(e.label)}`] : []),
      ...(cluster !== undefined ? [`ltail=cluster_${cluster.id}`] : []),
      ...(e.dashed ? ["style=dashed"] : []),
      ...(e.reply === true ? ["constraint=false"] : []),
    ];
    out.push(`  ${from} -> ${e.to}${attrs.length > 0 ? ` [${attrs.join(", ")}]` : ""};`);
  }
  out.push("}");
  return out.join("\n") + "\n";
}

// ---------------------------------------------------------------- Mermaid

/** Text inside a Mermaid "..." label: quotes and markup characters as entity codes. */
function mermaidText(s: string): string {
  return s.replaceAll("&", "#amp;").replaceAll('"', "#quot;").replaceAll("<", "#lt;").replaceAll(">", "#gt;");
}

function mermaidNode(n: GraphNode, indent: string): string {
  const label = [`<b>${mermaidText(n.title)}</b>`, ...n.lines.map(mermaidText)].join("<br/>");
  const [open, close] = n.kind === "clients" ? ["([", "])"] : n.kind === "router" ? ["{{", "}}"] : ["[", "]"];
  return `${indent}${n.id}${open}"${label}"${close}`;
}

/** The same graph as a Mermaid flowchart, for wikis and READMEs that render Mermaid. */
export function toMermaid(g: Graph): string {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const clustered = new Set(g.clusters.flatMap((c) => c.nodes));
  const out = ["---", `title: ${mermaidText(g.title)}`, "---", "flowchart LR"];
  for (const n of g.nodes) if (!clustered.has(n.id)) out.push(mermaidNode(n, "  "));
  for (const c of g.clusters) {
    if (c.nodes.length === 0) continue;
    out.push(`  subgraph ${c.id}["${mermaidText(c.label)}"]`);
    for (const id of c.nodes) out.push(mermaidNode(byId.get(id)!, "    "));
    out.push("  end");
  }
  for (const e of g.edges) {
    const arrow = e.dashed ? "-.->" : "-->";
    out.push(`  ${e.from} ${arrow}${e.label !== "" ? `|"${mermaidText(e.label)}"|` : ""} ${e.to}`);
  }
  for (const kind of Object.keys(FILL) as NodeKind[]) {
    const ids = g.nodes.filter((n) => n.kind === kind).map((n) => n.id);
    if (ids.length > 0) out.push(`  classDef ${kind} fill:${FILL[kind]},stroke:#555555`, `  class ${ids.join(",")} ${kind}`);
  }
  return out.join("\n") + "\n";
}
