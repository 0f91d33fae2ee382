// LvsConfig -> one render context per output file (the targets table). Pure.

import { forwardingOf, ipvsRuleLines, persistenceMask, sortedTable } from "./ipvs.js";
import { TYPE_NAMES, type Director, type DirectorInside, type LvsConfig, type Vip, type LvsType, type RealServer, type VirtualService } from "./model.js";
import { SYNC_GROUP6, vrrpInstances, type FloatingAddress, type VrrpInstance } from "./ha.js";
import { derivedRouterId } from "./vrrp-id.js";
import { checkComment as customCheckComment, keepalivedCheck, monCheck } from "./checks-plan.js";
import { DOWN_TIMER_ADVERTS, failoverBounds, formatCs, isDefaultTimers, type VrrpTimers } from "./vrrp-timers.js";
import { activeFacts, activeSysctls, birdFiles, routerFiles } from "./plan-active.js";
import { arpHiding, confKey, TARGETS, type RenderPlan, type SysctlGroup, type Target } from "./plan-types.js";
import { rpFilterDevices, tunnels } from "./tunnels.js";
import { familyOf, formatAddress, formatAddressPort, serverKey, textPort, type Address, type Family } from "./net.js";

// for plan.ts's importers (render.ts, compile.ts, the CLI, the public types)
export { TARGETS, type RenderPlan, type Target, type TemplateName } from "./plan-types.js";

/** How the real servers hide the VIP from ARP in the rc.local snippet. */
export type ArpMethod = "sysctl" | "hidden";

export interface EmitOptions {
  /** Shown in headers: the conf's base name. */
  source: string;
  version: string;
  arp: ArpMethod;
  /** The conf directory: shared with the real servers over NFS, and where lvs.service finds the script. */
  exportDir: string;
  /** Which files to plan; all that apply to the conf when undefined. */
  targets?: readonly Target[] | undefined;
}

/** An output file in memory: only the CLI writes it to disk. */
export interface OutputFile {
  path: string;
  contents: string;
  mode: number;
}

const TITLES: Record<LvsType, string> = {
  dr: "direct routing (LVS-DR)",
  nat: "network address translation (LVS-NAT)",
  tun: "IP tunnelling (LVS-TUN)",
};

const FORWARD_NAMES: Record<LvsType, string> = {
  dr: "direct routing, ipvsadm -g",
  nat: "masquerading, ipvsadm -m",
  tun: "IPIP tunnelling, ipvsadm -i",
};

/**
 * VS_NAT over IPv6 (NAT66): the director forwards the replies. Turning IPv6 forwarding on makes
 * the kernel delete the default routes it learnt from router advertisements, and ignore further
 * ones, on every interface whose accept_ra is not 2 (addrconf.c, route.c rt6_purge_dflt_routers):
 * a director that takes its default route from RAs would lose it. So the VIP's device, where the
 * router is, takes RAs even while forwarding (accept_ra=2) when it takes them now (1), and
 * before forwarding goes on; a device with accept_ra=0 keeps 0 (its default route is static).
 * IPv6 has no send_redirects: the real servers refuse redirects instead (serverSysctls).
 */
function nat66Sysctls(vip: Vip): SysctlGroup[] {
  return [
    {
      comment: [
        "VS_NAT over IPv6: forwarding on deletes the default routes learnt from router",
        "advertisements on devices whose accept_ra is not 2: where the VIP's device takes RAs",
        "(accept_ra=1), it keeps taking them (2), set before forwarding goes on.",
      ],
      sysctls: [{ key: confKey(vip.device.device, "accept_ra", 6), value: "2", keep: "0" }],
    },
    {
      comment: [
        "VS_NAT over IPv6: the real servers' replies come back through the director, which",
        "rewrites their source address to the VIP, so the director must forward IPv6.",
      ],
      sysctls: [{ key: "net.ipv6.conf.all.forwarding", value: "1" }],
    },
  ];
}

/** The families of the cluster's VIPs, the first VIP's first (two for dual stack). */
function families(config: LvsConfig): Family[] {
  return config.vips.map((v) => familyOf(v.address));
}

/** Which families the cluster serves, for the templates' family-dependent lines. */
function familyFlags(config: LvsConfig): { hasIpv4: boolean; hasIpv6: boolean } {
  const f = families(config);
  return { hasIpv4: f.includes(4), hasIpv6: f.includes(6) };
}

function directorSysctls(config: LvsConfig): SysctlGroup[] {
  if (config.active !== undefined) return activeSysctls(config);
  if (config.type === "nat")
    return config.vips.flatMap((v, i) => (familyOf(v.address) === 6 ? nat66Sysctls(v) : nat44Sysctls(config.dips[i]!)));
  // Nothing to set: forcing ip_forward=0 would break a director that also routes (or serves a
  // NAT cluster), and send_redirects=1 would fight a NAT cluster's 0 on the same host.
  const name = TYPE_NAMES[config.type];
  return [
    {
      comment: [
        `${name}: replies go from the real servers straight to the client: the director forwards`,
        "nothing for this cluster, so it leaves ip_forward and ICMP redirects as it finds them",
        "(this host may route, or direct a NAT cluster, for other reasons).",
      ],
      sysctls: [],
    },
  ];
}

function nat44Sysctls(dip: DirectorInside): SysctlGroup[] {
    return [
      {
        comment: [
          "VS_NAT: the real servers' replies come back through the director, which rewrites",
          "their source address to the VIP, so the director must forward.",
        ],
        sysctls: [{ key: "net.ipv4.ip_forward", value: "1" }],
      },
      {
        comment: [
          "VS_NAT: the director is the real servers' gateway. ICMP redirects would tell them",
          "to send replies straight to the client, bypassing the translation: turn them off",
          "(a redirect is sent when all or the device allows it, so both must be 0).",
        ],
        sysctls: ["all", "default", dip.device.device].map((dev) => ({ key: confKey(dev, "send_redirects"), value: "0" })),
      },
    ];
}

function serverSysctls(config: LvsConfig): SysctlGroup[] {
  return families(config).flatMap((f) => (f === 6 ? serverSysctls6(config) : serverSysctls4(config)));
}

function serverSysctls6(config: LvsConfig): SysctlGroup[] {
  // neighbour discovery answers only for the receiving interface's addresses, and solicits
  // from the outgoing one's: the VIP on lo, dummy0 or ip6tnl0 is hidden without any setting
  if (config.type !== "nat" || config.serverNetDevice === undefined) return [];
  return [
      {
        comment: [
          "VS_NAT over IPv6: the director forwards replies out of the device they came in on, and",
          "IPv6 has no send_redirects to stop it telling this host to reach the client directly,",
          "bypassing the translation. So this host refuses redirects: per device, as the kernel",
          "reads it (net.ipv6.conf.all.accept_redirects does not carry to existing devices).",
        ],
        sysctls: [{ key: confKey(config.serverNetDevice.device, "accept_redirects", 6), value: "0" }],
      },
    ];
}

function serverSysctls4(config: LvsConfig): SysctlGroup[] {
  if (config.type === "nat") return [];
  const out: SysctlGroup[] = [];
  // IPv4 in IPv6 arrives on ip6tnl0, where IPv4's reverse-path filter applies as on tunl0
  const tunDevices = rpFilterDevices(config);
  if (tunDevices.length > 0)
    out.push({
      comment:
        tunDevices.length === 1
          ? [
              `Unwrapped packets arrive on ${tunDevices[0]} from clients that the routing table reaches through`,
              "another NIC: reverse-path filtering would drop them. The kernel uses the higher of the",
              "all and the device value, so both are relaxed.",
            ]
          : [
              `Unwrapped packets arrive on ${tunDevices.join(" and ")} from clients that the routing table`,
              "reaches through another NIC: reverse-path filtering would drop them. The kernel uses",
              "the higher of the all and the device value, so all three are relaxed.",
            ],
      sysctls: ["all", ...tunDevices].map((dev) => ({ key: confKey(dev, "rp_filter"), value: "0" })),
    });
  const devices = ["all", ...(config.serverNetDevice !== undefined ? [config.serverNetDevice.device] : [])];
  out.push({
    comment: [
      "ARP, before the VIP appears: arp_ignore=1 answers ARP only for addresses on the",
      "interface the request came in on (never for the VIP), and arp_announce=2 keeps the VIP",
      "out of this host's own ARP requests. Set later, there would be a moment when this host",
      "answers the router's ARP for the VIP and takes the director's traffic.",
    ],
    sysctls: arpHiding(devices),
  });
  return out;
}

/** /proc/sys path of a sysctl key in dotted or slash form. */
function procPath(key: string): string {
  return `/proc/sys/${key.includes("/") ? key : key.replaceAll(".", "/")}`;
}

/**
 * A list a template reads one item at a time ({{#each}} takes any iterable): its items are made
 * afresh at each reading and never held together. A cluster of 100,000 real servers would
 * otherwise hold tens of megabytes of render context per file while the file is written.
 */
function lazy<T>(make: () => Iterable<T>): Iterable<T> {
  return { [Symbol.iterator]: () => make()[Symbol.iterator]() };
}

/** lazy() of `items` mapped by `f`, with a plain iterator: a generator costs several times more per item. */
function lazyMap<T, U>(items: () => Iterable<T>, f: (x: T) => U): Iterable<U> {
  return {
    [Symbol.iterator](): Iterator<U> {
      const it = items()[Symbol.iterator]();
      return {
        next(): IteratorResult<U> {
          const r = it.next();
          return r.done === true ? { done: true, value: undefined } : { done: false, value: f(r.value) };
        },
      };
    },
  };
}

/** The RIPs of a conf, worked out once: every file's header lists them, and a big cluster has 100,000. */
const ripsOf = new WeakMap<LvsConfig, { list: string[]; all: string; short: string }>();

function rips(config: LvsConfig): { list: string[]; all: string; short: string } {
  let r = ripsOf.get(config);
  if (r !== undefined) return r;
  const seen = new Set<number | string>();
  const list: string[] = [];
  for (const s of config.services)
    for (const rs of s.realServers)
      if (!rs.localNode && !seen.has(serverKey(rs))) {
        seen.add(serverKey(rs));
        list.push(rs.text);
      }
  // as one word list, and as a comment shows them
  ripsOf.set(config, (r = { list, all: list.join(" "), short: abbreviated(list) }));
  return r;
}

/** The real servers' own addresses (RIPs), in order of first appearance; LocalNode entries excluded. */
export function realServerAddresses(config: LvsConfig): string[] {
  return rips(config).list;
}

export function programName(type: LvsType): string {
  return `rc.lvs_${type}`;
}

/** A list for a comment: all of a short one, the start and a count of a long one. */
function abbreviated(items: string[], max = 8): string {
  return items.length <= max ? items.join(" ") : `${items.slice(0, max - 2).join(" ")} ... and ${items.length - (max - 2)} more`;
}

/** The facts every file's context shares. */
function common(config: LvsConfig, opts: EmitOptions) {
  const r = rips(config);
  return {
    prog: programName(config.type),
    title: TITLES[config.type],
    typeName: TYPE_NAMES[config.type],
    version: opts.version,
    source: opts.source,
    vip: formatAddress(config.vip.address),
    dip: formatAddress(config.dip.address),
    realServers: r.all,
    realServersText: r.short,
  };
}

/** tunnels() as the templates' flags (they read one name at a time). */
function tunnelFlags(config: LvsConfig) {
  const t = tunnels(config);
  return { tunIpip: t.ipip, tunIpipTraffic: t.ipipTraffic, tunIp6tnl: t.ip6ip6 || t.ip4in6, tunIp6ip6: t.ip6ip6, tun4in6: t.ip4in6, tunSit: t.sit };
}

/** Whether any address the rc script tells hosts apart by (DIPs, directors, real servers) is IPv4, IPv6. */
function roleFamilies(config: LvsConfig): { roleIpv4: boolean; roleIpv6: boolean } {
  const f = new Set<Family>(config.dips.map((d) => familyOf(d.address)));
  for (const d of config.pair?.directors ?? []) f.add(familyOf(d.address));
  for (const d of config.active?.directors ?? []) f.add(familyOf(d.address));
  for (const s of config.services) for (const rs of s.realServers) if (!rs.localNode) f.add(familyOf(rs.address));
  return { roleIpv4: f.has(4), roleIpv6: f.has(6) };
}

/** The real servers' VIP device, as the rc script and the rc.local snippet use it. */
function serverVip(config: LvsConfig) {
  const dev = config.type !== "nat" ? config.serverVipDevice : undefined;
  if (dev === undefined)
    return { hasServerVip: false, serverVipDevice: "", serverVipLabel: "", serverVips: [], serverVipIsDummy: false, serverVipIsTunnel: false };
  return {
    hasServerVip: true,
    serverVipDevice: dev.device,
    serverVipLabel: dev.label ?? "",
    // every VIP (dual stack: one per family), each as a host address
    serverVips: config.vips.map((v) => ({ cidr: `${formatAddress(v.address)}/${familyOf(v.address) === 6 ? 128 : 32}`, is6: familyOf(v.address) === 6, label: familyOf(v.address) === 6 ? "" : (dev.label ?? "") })),
    serverVipIsDummy: /^dummy/.test(dev.device),
    // under TUN, the script brings tunl0 up itself before it gets the VIP
    serverVipIsTunnel: config.type === "tun" && (dev.device === "tunl0" || dev.device === "ip6tnl0"),
  };
}

/** The director's addresses of one family: its DIP and its VIP (a single-stack cluster has one side). */
function directorSide(config: LvsConfig, i: number) {
  const vip = config.vips[i]!;
  const dip = config.dips[i]!;
  const gw = i === 0 ? config.directorGateway : config.gateways2?.director;
  const is6 = familyOf(vip.address) === 6;
  return {
    is6,
    family: is6 ? "IPv6" : "IPv4",
    dipCidr: `${formatAddress(dip.address)}/${dip.prefix}`,
    dipBroadcast: dip.broadcast !== undefined ? formatAddress(dip.broadcast) : "",
    dipDevice: dip.device.device,
    dipLabel: dip.device.label ?? "",
    vipCidr: `${formatAddress(vip.address)}/${vip.prefix}`,
    vipBroadcast: vip.broadcast !== undefined ? formatAddress(vip.broadcast) : "",
    vipDevice: vip.device.device,
    vipLabel: vip.device.label ?? "",
    directorGateway: gw !== undefined ? formatAddress(gw.address) : "",
    directorGatewayDevice: gw?.device?.device ?? "",
  };
}

/** The real servers' default route in one family: the DIP for NAT, else SERVER_DEFAULT_GW. */
function serverRoute(config: LvsConfig, i: number) {
  const gw = i === 0 ? config.serverGateway : config.gateways2?.server;
  if (config.type === "nat")
    return {
      gateway: formatAddress(config.dips[i]!.address),
      device: "",
      comment: ["VS_NAT: replies must go back through the director, which rewrites their source", "address to the VIP: the default route goes via the DIP."],
    };
  if (gw === undefined) return undefined;
  return { gateway: formatAddress(gw.address), device: gw.device?.device ?? "", comment: ["SERVER_DEFAULT_GW: replies leave through this router, straight to the client."] };
}

function rcScript(config: LvsConfig, opts: EmitOptions): RenderPlan {
  const c = common(config, opts);
  const rsSysctls = serverSysctls(config);
  return {
    target: "rc",
    template: "rc.lvs.sh",
    path: c.prog,
    mode: 0o755,
    context: {
      ...c,
      ...serverVip(config),
      stateName: `${c.prog}-${c.vip}`,
      // what the state's owns file records: every VIP (dual stack: one per family)
      vipsWords: config.vips.map((v) => formatAddress(v.address)).join(" "),
      sides: config.vips.map((_, i) => directorSide(config, i)),
      serverRoutes: config.vips.map((_, i) => serverRoute(config, i)).filter((r) => r !== undefined),
      ...familyFlags(config),
      // an IPv6 mark is another service than the IPv4 mark of the same number (`-f 1 -6`)
      marks: config.services.filter((s) => s.fwmark !== undefined).map((s) => (familyOf(s.vip) === 6 ? `${s.fwmark}-6` : String(s.fwmark))).join(" "),
      initialStateOn: config.initialState,
      manageRealServers: config.initialState ? "1" : "0",
      // mh builds its table from the kernel's order of the real servers: the planner reads it
      hasMh: config.services.some((s) => s.scheduler === "mh"),
      forwardName: FORWARD_NAMES[config.type],
      rules: lazy(() => ipvsRuleLines(config)),
      directorSysctls: directorSysctls(config),
      vipDevice: config.vip.device.device,
      vipLabel: config.vip.device.label ?? "",
      dipDevice: config.dip.device.device,
      directorGateway: config.directorGateway !== undefined ? formatAddress(config.directorGateway.address) : "",
      directorGatewayDevice: config.directorGateway?.device?.device ?? "",
      isTun: config.type === "tun",
      ...tunnelFlags(config),
      ...roleFamilies(config),
      serverSysctls: rsSysctls,
      // a blank line before the VIP's lines when something comes before them
      serverVipAfterOthers: config.type === "tun" || rsSysctls.length > 0,
      ...haFacts(config),
      ...activeFacts(config),
    },
  };
}

/**
 * What the rc script needs on a director of a pair (DIRECTOR_PAIR): the directors' own addresses,
 * for its role; the VIP's device when it is not the DIP's (its VRRP instance needs an address of
 * the host's own there). Empty for a single director.
 */
function haFacts(config: LvsConfig) {
  const pair = config.pair;
  if (pair === undefined) return { haPair: false, directors: "", directorsText: "", haVipDevice: "" };
  return {
    haPair: true,
    directors: pair.directors.map((d) => formatAddress(d.address)).join(" "),
    directorsText: pair.directors.map((d) => `${d.role} ${formatAddress(d.address)}`).join(" and "),
    haVipDevice: config.vip.device.device !== config.dip.device.device ? config.vip.device.device : "",
  };
}

function rcLocal(config: LvsConfig, opts: EmitOptions): RenderPlan | undefined {
  const sv = serverVip(config);
  if (!sv.hasServerVip) return undefined;
  // (the hidden flag is IPv4's ARP: IPv6 needs no hiding)
  const hidden = opts.arp === "hidden" && config.family === 4;
  const groups: SysctlGroup[] = hidden
    ? [
        ...serverSysctls(config).filter((g) => g.sysctls.some((x) => x.key.endsWith("rp_filter"))),
        {
          comment: [
            "Linux 2.2 (and patched 2.4) kernels: the hidden flag stops a device from answering",
            "ARP for its addresses. Set before the VIP appears, or there is a moment when this",
            "host answers ARP for the VIP and takes the director's traffic.",
          ],
          sysctls: [
            { key: confKey("all", "hidden"), value: "1" },
            { key: confKey(sv.serverVipDevice, "hidden"), value: "1" },
          ],
        },
      ]
    : serverSysctls(config);
  return {
    target: "rc-local",
    template: "rc.local.sh",
    path: `rc.local.lvs_${config.type}`,
    mode: 0o644,
    context: {
      ...common(config, opts),
      ...sv,
      hidden,
      // ifconfig names an address label as its device (lo:0)
      ifconfigDevice: sv.serverVipLabel !== "" ? sv.serverVipLabel : sv.serverVipDevice,
      isTun: config.type === "tun",
      ...tunnelFlags(config),
      ...familyFlags(config),
      groups: groups.map((g) => ({
        comment: g.comment,
        sysctls: g.sysctls.map((x) => ({ value: x.value, assignment: `${x.key}=${x.value}`, procPath: procPath(x.key) })),
      })),
    },
  };
}

function exportsLine(config: LvsConfig, opts: EmitOptions): RenderPlan | undefined {
  const realServers = realServerAddresses(config);
  // an exports line with no client would export to every host: write none instead
  if (realServers.length === 0) return undefined;
  // the NFS server as mount(8) takes it before `:/path`: an IPv6 address in brackets (nfs(5));
  // the exports line's clients stay bare (exports(5): a bracket there is a wildcard)
  const mountHost = (a: Address) => (familyOf(a) === 6 ? `[${formatAddress(a)}]` : formatAddress(a));
  // A pair: the share is director1's, at its own address. The DIP floats: a mount made through it
  // would reach director2's NFS server after a failover, with other file handles (ESTALE).
  // director2 mounts it too: it runs the same script and reads keepalived.backup.conf from it.
  const pair = config.pair;
  // N active directors: nobody holds the DIP; the first director shares it with the others
  const active = config.active;
  if (active !== undefined) {
    const others = active.directors.slice(1).map((d) => formatAddress(d.address));
    return {
      target: "exports",
      template: "exports",
      path: "exports",
      mode: 0o644,
      context: {
        ...common(config, opts),
        exportDir: opts.exportDir,
        clients: [...others, ...realServers.filter((a) => !others.includes(a))],
        server: formatAddress(active.directors[0]!.address),
        serverMount: mountHost(active.directors[0]!.address),
        otherMounts: [],
        crossFamily: "",
        isPair: false,
        director2: "",
        isActive: true,
        otherDirectors: others.join(" "),
      },
    };
  }
  const server = pair !== undefined ? formatAddress(pair.directors[0].address) : formatAddress(config.dip.address);
  const serverMount = mountHost(pair !== undefined ? pair.directors[0].address : config.dip.address);
  // dual stack, single director: a real server reached only in the other family mounts through
  // that family's DIP (a pair's share stays at director1's own address)
  const otherMounts =
    pair === undefined
      ? config.dips
          .filter((d) => familyOf(d.address) !== familyOf(config.dip.address))
          .map((d) => ({ family: `IPv${familyOf(d.address)}`, server: mountHost(d.address) }))
      : [];
  // VS_TUN to real servers of the other family than the DIP: they must mount over that family,
  // from a director address the conf does not give (the DIP is the VIP's family)
  const dipFamily = familyOf(config.dip.address);
  const crossFamily = config.dips.every((d) => familyOf(d.address) === dipFamily) && realServers.some((a) => a.includes(":") !== (dipFamily === 6)) ? `IPv${dipFamily === 6 ? 4 : 6}` : "";
  const director2 = pair !== undefined ? formatAddress(pair.directors[1].address) : undefined;
  const clients = director2 !== undefined ? [director2, ...realServers.filter((a) => a !== director2)] : realServers;
  return {
    target: "exports",
    template: "exports",
    path: "exports",
    mode: 0o644,
    context: { ...common(config, opts), exportDir: opts.exportDir, clients, server, serverMount, otherMounts, crossFamily, isPair: pair !== undefined, director2: director2 ?? "", isActive: false, otherDirectors: "" },
  };
}

function rules(config: LvsConfig): RenderPlan {
  return { target: "rules", template: "ipvsadm.rules", path: "ipvsadm.rules", mode: 0o644, context: { rules: lazy(() => ipvsRuleLines(config)) } };
}

const KEEPALIVED_METHOD: Record<LvsType, string> = { dr: "DR", nat: "NAT", tun: "TUN" };

/**
 * The health checks keepalived runs on each real server, from both directors of a pair: every
 * DELAY_LOOP seconds, and a real server leaves the table after RETRY + 1 failed attempts
 * DELAY_BEFORE_RETRY apart. A server that refuses connections is out within DELAY_LOOP +
 * DELAY_BEFORE_RETRY seconds; one that does not answer at all within DELAY_LOOP +
 * (RETRY + 1) * connect_timeout + DELAY_BEFORE_RETRY.
 */
export const HEALTH_CHECK = {
  delayLoop: 3,
  /** TCP_CHECK and HTTP_GET. */
  connectTimeout: 3,
  /** UDP_CHECK learns of a dead host from ICMP and ARP timeouts: keepalived.conf(5) asks for at least 4 s. */
  udpConnectTimeout: 5,
  retry: 1,
  delayBeforeRetry: 1,
} as const;

/**
 * With VRRP_PREEMPT=on, director1 waits this long before it takes the VIP back from director2:
 * by then its health checks have run (every HEALTH_CHECK.delayLoop s) and put the healthy real
 * servers back in its table (after a link failure they were all taken out), and its sync
 * thread has received the connections that passed traffic meanwhile.
 */
export const PREEMPT_DELAY = 2 * HEALTH_CHECK.delayLoop + HEALTH_CHECK.connectTimeout + 1;

/** The checker fitted to a real server of a service: by protocol, and by port for web servers. */
export function checkerOf(s: Pick<VirtualService, "protocol" | "port">): "HTTP_GET" | "TCP_CHECK" | "UDP_CHECK" | "PING_CHECK" {
  // no port to connect to (fwmark, every port): only whether the host answers ping
  if (s.protocol === "fwmark" || s.port === 0) return "PING_CHECK";
  if (s.protocol === "udp") return "UDP_CHECK";
  return s.port === 80 ? "HTTP_GET" : "TCP_CHECK";
}

/** How long a failing real server stays in the table, for the comment above its service. */
function checkComment(check: ReturnType<typeof checkerOf>, timeout: number, six = false): string[] {
  const h = HEALTH_CHECK;
  const refused = h.delayLoop + h.retry * h.delayBeforeRetry;
  const silent = h.delayLoop + (h.retry + 1) * timeout + h.retry * h.delayBeforeRetry;
  const what = { HTTP_GET: "an HTTP GET of /", TCP_CHECK: "a TCP connect", UDP_CHECK: "a UDP datagram", PING_CHECK: "a ping" }[check];
  const first = `${check}: ${what} to each real server every ${h.delayLoop} s. After ${h.retry + 1} failures ${h.delayBeforeRetry} s apart,`;
  const back = "it comes back at its first success.";
  if (check === "PING_CHECK") return [first, `a server leaves the table (within ${silent} s of the host going silent)`, back, ...(six ? ["Over IPv6 the ping is an ICMPv6 echo request."] : [])];
  const closed = check === "UDP_CHECK" ? "its port is closed" : "it refuses connections";
  const lines = [first, `a server leaves the table: within ${refused} s when ${closed}, ${silent} s when`, `it does not answer. ${back[0]!.toUpperCase()}${back.slice(1)}`];
  // keepalived's check_http.c writes an IPv6 literal in brackets (RFC 2732): a server that
  // refuses that Host answers 400, which still passes (any answer but a server error)
  if (six && check === "HTTP_GET") lines.push("Over IPv6 the request carries Host: [address]:port, the real server's (RFC 2732).");
  return lines;
}

/** A director as a comment names it: `director1 (192.168.0.11)` or `director1 (lb1, 192.168.0.11)`. */
function directorName(d: Director): string {
  const address = formatAddress(d.address);
  return d.written === address || d.written === d.role ? `${d.role} (${address})` : `${d.role} (${d.written}, ${address})`;
}

/**
 * A floating address in keepalived's virtual_ipaddress form. IPv6 has no broadcast address, and
 * takes no label (keepalived ignores one with an error; the validator refuses it). keepalived adds
 * an IPv6 address without DAD (`nodad` is its default: the other director is not a duplicate),
 * and deprecates it (preferred_lft 0) by itself only when it is a /128: a /64 VIP or DIP would be
 * preferred as the source of this host's own connections to the real servers (the longest
 * matching prefix, RFC 6724 rule 8, ties going to the address added last), so that health
 * checks and NFS would leave from the VIP, whose replies the DR and TUN real servers keep (they
 * hold the VIP themselves), or from the DIP, which moves away at failover. Deprecated, the
 * address still takes traffic and answers neighbour solicitations; lvsc writes preferred_lft 0
 * on every IPv6 floating address, whatever its prefix.
 */
function floating(a: FloatingAddress) {
  const six = familyOf(a.address) === 6;
  return {
    cidr: `${formatAddress(a.address)}/${a.prefix}`,
    broadcast: a.broadcast !== undefined ? formatAddress(a.broadcast) : "",
    device: a.device.device,
    label: six ? "" : (a.device.label ?? ""),
    deprecated: six,
  };
}

function keepalived(config: LvsConfig, opts: EmitOptions): RenderPlan[] {
  const c = common(config, opts);
  /** `A`, `A and B`, `A, B and C`: for a comment. */
  const andList = (items: string[]) => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`);
  const vips = config.vips.length > 0 ? config.vips : [config.vip];
  const dips = config.dips.length > 0 ? config.dips : [config.dip];
  const service = ({ service: s, dests }: ReturnType<typeof sortedTable>[number]) => {
    const check = checkerOf(s);
    const six = familyOf(s.vip) === 6;
    const timeout = check === "UDP_CHECK" ? HEALTH_CHECK.udpConnectTimeout : HEALTH_CHECK.connectTimeout;
    const realServer = (d: RealServer) => {
      // LocalNode goes by direct routing whatever the cluster's method (see forwardingOf)
      const method = forwardingOf(config, d);
      return { address: d.text, port: String(d.port), weight: String(d.weight), method: method !== config.type ? KEEPALIVED_METHOD[method] : "" };
    };
    return {
      line: String(s.line),
      isFwmark: s.protocol === "fwmark",
      fwmark: String(s.fwmark ?? ""),
      // keepalived takes the address and the port as two words, IPv6 without brackets
      address: formatAddress(s.vip),
      port: String(s.port),
      protocol: s.protocol.toUpperCase(),
      // a fwmark service has no address: keepalived takes its family from the real servers (all
      // but tunnelled ones), else from persistence_granularity's form, else IPv4: say it
      ipFamily: s.protocol === "fwmark" && six ? "inet6" : "",
      scheduler: s.scheduler,
      // keepalived's keywords for ipvsadm's -b flags (mh-fallback, mh-port, sh-fallback, sh-port)
      schedFlags: s.schedFlags ?? [],
      persistent: s.persistence !== undefined,
      timeout: String(s.persistence?.timeout ?? ""),
      // a netmask for IPv4, a prefix length for IPv6 (check_parser.c pgr_handler)
      granularity: persistenceMask(s) ?? "",
      // the checker's block in each real_server; HTTP_GET also names the URL it gets
      check,
      http: check === "HTTP_GET",
      connectTimeout: String(timeout),
      // active directors quiesce (inhibit_on_failure) rather than remove
      checkComment: (s.check !== undefined ? customCheckComment(s.check, s) : checkComment(check, timeout, six)).map((l) => (config.active !== undefined ? l.replace("a server leaves the table", "a server's weight goes to 0") : l)),
      // the service's CHECK, when the conf gives one (templates/keepalived.conf.hbs writes it instead)
      custom: s.check !== undefined ? keepalivedCheck(s.check) : false,
      delayLoop: String(s.check !== undefined && s.check.kind !== "none" ? s.check.interval : HEALTH_CHECK.delayLoop),
      realServers: lazyMap(() => dests, realServer),
    };
  };
  const services = lazyMap(() => sortedTable(config), service);
  const vrrp = config.vrrp ?? { routerId: derivedRouterId(config.vip.address), given: false };
  const families = new Set([...vips, ...dips].map((x) => familyOf(x.address)));
  const v4 = families.has(4);
  const v6 = families.has(6);
  const vipText = andList(vips.map((v) => formatAddress(v.address)));
  const dipText = andList(dips.map((d) => formatAddress(d.address)));
  // keepalived's router_id is a name: the VIP's address with `_` for its dots or colons
  const routerBase = `lvs_${c.vip.replace(/[.:]/g, "_")}`;
  const instance = (x: VrrpInstance) => {
    const addresses = x.addresses.map(floating);
    const excluded = x.excluded.map(floating);
    return { addresses, excluded, hasExcluded: excluded.length > 0, v6Addresses: x.family === 6, v6Excluded: x.family === 4 && excluded.length > 0, excludedFamily: x.family === 4 ? "IPv6" : "IPv4" };
  };
  const single = instance(vrrpInstances({ ...config, pair: undefined })[0]!);
  const shared = {
    ...c,
    vipText,
    dipText,
    vips: vips.length > 1 ? "VIPs" : "VIP",
    // a dual-stack conf's header names the addresses of both families
    dualStack: vips.length > 1 || dips.length > 1,
    vipWord: vips.length > 1 ? "VIPs" : "VIP",
    dipWord: dips.length > 1 ? "DIPs" : "DIP",
    takes: vips.length > 1 || dips.length > 1 ? "them all" : "both",
    vrid: String(vrrp.routerId),
    vridGiven: vrrp.given,
    vipDevice: config.vip.device.device,
    // a single director's IPv6 instance: keepalived runs VRRPv3 for it whatever the default
    singleV3: familyOf(config.vip.address) === 6,
    method: KEEPALIVED_METHOD[config.type],
    alpha: !config.initialState,
    isNat: config.type === "nat",
    natV4: config.type === "nat" && v4,
    natV6: config.type === "nat" && v6,
    // what the rc script does for NAT that keepalived does not, in the pair's header
    natPrep: !v6 ? ", turns on ip_forward and turns off send_redirects" : !v4 ? ", turns on IPv6 forwarding" : ", turns on ip_forward and IPv6 forwarding, turns off send_redirects",
    natDevice: config.dip.device.device,
    services,
    // a script check (CHECK=... script): keepalived 2.2 refuses to run it without this
    scriptSecurity: config.services.some((s) => s.check?.kind === "script"),
    timers: {
      delayLoop: String(HEALTH_CHECK.delayLoop),
      retry: String(HEALTH_CHECK.retry),
      delayBeforeRetry: String(HEALTH_CHECK.delayBeforeRetry),
    },
  };
  // N active directors: one file for all of them, checks only (no VRRP): a failing real server
  // is quiesced (weight 0) and the quorum scripts ask the rc script to re-check the announcement
  if (config.active !== undefined)
    return [
      {
        target: "keepalived",
        template: "keepalived.conf",
        path: "keepalived.conf",
        mode: 0o644,
        context: { ...shared, pair: false, active: true, rcPath: `${opts.exportDir}/${c.prog}`, path: "keepalived.conf", routerId: `${routerBase}_active` },
      },
    ];
  const pair = config.pair;
  if (pair === undefined)
    return [
      {
        target: "keepalived",
        template: "keepalived.conf",
        path: "keepalived.conf",
        mode: 0o644,
        context: { ...shared, ...single, pair: false, active: false, rcPath: "", path: "keepalived.conf", routerId: routerBase },
      },
    ];
  const instances = vrrpInstances(config);
  const syncInstance = instances.find((i) => i.holds.includes("dip"))!;
  const paths = ["keepalived.conf", "keepalived.backup.conf"];
  // the directors' own addresses' family: the adverts' and the connection sync's
  const ownSix = familyOf(pair.directors[0].address) === 6;
  const holdsText = (x: VrrpInstance) => {
    const held = [...x.addresses, ...x.excluded];
    const n = (role: "vip" | "dip") => held.filter((a) => a.role === role).length;
    const name = (role: "vip" | "dip") => `${role.toUpperCase()}${n(role) > 1 ? "s" : ""}`;
    return n("vip") > 0 && n("dip") > 0 ? `The ${name("vip")} and the ${name("dip")}` : n("dip") > 0 ? `The ${name("dip")}` : `The ${name("vip")}`;
  };
  return pair.directors.map((self, i) => {
    const peer = pair.directors[1 - i]!;
    return {
      target: "keepalived" as const,
      template: "keepalived.conf" as const,
      path: paths[i]!,
      mode: 0o644,
      context: {
        ...shared,
        pair: true,
        active: false,
        rcPath: "",
        path: paths[i]!,
        peerPath: paths[1 - i]!,
        routerId: `${routerBase}_${self.role}`,
        self: { role: self.role, name: directorName(self), address: formatAddress(self.address), priority: String(self.priority) },
        peer: { role: peer.role, name: directorName(peer), address: formatAddress(peer.address) },
        preempt: pair.preempt,
        preemptDelay: String(PREEMPT_DELAY),
        ...vrrpTimersContext(pair.timers),
        rcProg: c.prog,
        syncDevice: syncInstance.device,
        syncInstance: syncInstance.name,
        syncMcastGroup: ownSix ? SYNC_GROUP6 : "",
        // the files differ in mcast_src_ip too when an instance sends from the director's own (IPv4) address
        srcDiffers: instances.some((x) => x.holds.includes("dip") && x.family === 4 && !ownSix),
        syncGroup: instances.length > 1,
        instanceNames: instances.map((x) => x.name),
        instances: instances.map((x) => ({
          name: x.name,
          device: x.device,
          holdsVip: x.holds.includes("vip"),
          holdsDip: x.holds.includes("dip"),
          holdsText: holdsText(x),
          six: x.family === 6,
          // the IPv4 instance on the DIP's device sends from the director's own address, which
          // lint checked is on that network; on another device, from the host's own address
          // there. VRRP over IPv6 sends from the device's link-local address (RFC 5798
          // 5.1.2.1), which keepalived picks itself when no mcast_src_ip is given.
          sourceAddress: x.holds.includes("dip") && x.family === 4 && !ownSix ? formatAddress(self.address) : "",
          ...instance(x),
        })),
      },
    };
  });
}

/**
 * What a pair's keepalived files say of their VRRP timers (VRRP_ADVERT, VRRP_VERSION): the
 * advert_int and version lines, and the failover bounds the header states. keepalived's
 * defaults (1 s, VRRPv2) keep the files as they were before the timers could be set.
 */
function vrrpTimersContext(t: VrrpTimers) {
  const b = failoverBounds(t);
  const advert = formatCs(t.advertCs);
  return {
    timersDefault: isDefaultTimers(t),
    advertInt: advert,
    vrrpV3: t.version === 3,
    vrrpVersion: String(t.version),
    advertEvery: isDefaultTimers(t) ? "every second" : `every ${advert} s, VRRPv${t.version}`,
    downAdverts: String(DOWN_TIMER_ADVERTS),
    downBound: b.down,
    stopBound: b.stop,
    skew: b.skew,
  };
}

/** mon's monitor for a real server's port: by well-known port, else a TCP connect, else ping. */
const MONITORS: Record<number, string> = { 21: "ftp.monitor", 23: "telnet.monitor", 25: "smtp.monitor", 80: "http.monitor", 110: "pop3.monitor", 119: "nntp.monitor", 143: "imap.monitor" };

/**
 * The monitors of Debian's mon 1.2.0 that reach IPv4 only: tcp.monitor opens a PF_INET socket to
 * inet_aton's address, http, ftp, smtp, pop3, nntp and imap to gethostbyname's, and
 * telnet.monitor's Net::Telnet connects as `ipv4` unless told otherwise. Each one run against a
 * server listening on [::1] reported it failed. fping.monitor (fping 5 pings IPv6 too) and
 * dns.monitor (Net::DNS) reached it.
 */
const IPV4_ONLY_MONITORS = new Set(["tcp.monitor", "http.monitor", "ftp.monitor", "smtp.monitor", "pop3.monitor", "nntp.monitor", "imap.monitor", "telnet.monitor"]);

function monitor(s: VirtualService, port: number): { name: string; port: string } {
  if (s.protocol === "tcp" && port !== 0) {
    const known = MONITORS[port];
    return known !== undefined ? { name: known, port: "" } : { name: "tcp.monitor", port: String(port) };
  }
  return { name: "fping.monitor", port: "" };
}

function monCf(config: LvsConfig, opts: EmitOptions): RenderPlan | undefined {
  // a pair's keepalived checks the real servers on both directors; mon would fight it over the table
  if (config.pair !== undefined) return undefined;
  // N active directors: mon's alerts delete and re-add real servers, which reorders mh tables
  if (config.active !== undefined) return undefined;
  const c = common(config, opts);
  // each real server's services, in the conf's order, so the file reads like the conf; the
  // entries the template reads are made as it reads them
  const hosts = new Map<number | string, [VirtualService, RealServer][]>();
  for (const s of config.services)
    for (const d of s.realServers) {
      // CHECK=... none: nothing to watch, the real server stays in
      if (d.localNode || s.check?.kind === "none") continue;
      const h = hosts.get(serverKey(d));
      if (h === undefined) hosts.set(serverKey(d), [[s, d]]);
      else h.push([s, d]);
    }
  let hasIPv6 = false;
  for (const k of hosts.keys()) if (typeof k === "string") hasIPv6 = true;
  const entry = ([s, d]: [VirtualService, RealServer]) => {
    const address = d.text;
    const six = familyOf(d.address) === 6;
    const m = monitor(s, d.port);
    let custom = s.check !== undefined ? monCheck(s.check, d.port) : undefined;
    const notes: string[] = [];
    const chosen = custom?.name ?? m.name;
    // an IPv6 real server: a monitor that cannot reach it would fail every time, and its alert
    // would take a healthy server out; mon pings it instead, and says so
    if (six && IPV4_ONLY_MONITORS.has(chosen)) {
      // (the header says why; the watch names the address: a large cluster has 100,000 of these)
      notes.push(`mon's ${chosen} cannot reach IPv6: a ping instead, the port unchecked`);
      custom = custom !== undefined ? { ...custom, name: "fping.monitor", port: "", timeout: "", url: "", dnsQuery: "" } : undefined;
      if (custom === undefined) m.name = "fping.monitor";
      m.port = "";
    }
    // virtualserver.alert names a mark's service as `-f N` alone, which is the IPv4 service; an
    // IPv6 one is `-f N -6`, which one word of -V cannot carry: mon only mails about it
    const alerts = !(six && s.protocol === "fwmark");
    if (!alerts)
      notes.push(
        `IPv6 firewall mark ${s.fwmark}: virtualserver.alert names it as -f ${s.fwmark} (the IPv4 service),`,
        `ipvsadm needs -f ${s.fwmark} -6, so mon only mails: remove and add ${address} yourself.`,
      );
    return {
      name: s.protocol === "fwmark" ? `fwmark${s.fwmark}` : `${s.protocol}${s.port}`,
      notes,
      alerts,
      monitor: custom?.name ?? m.name,
      monitorPort: custom !== undefined ? custom.port : m.port,
      // a CHECK's monitor options, interval and failures before the alert
      monitorTimeout: custom?.timeout ?? "",
      monitorUrl: custom?.url ?? "",
      dnsQuery: custom?.dnsQuery ?? "",
      interval: s.check !== undefined ? `${s.check.interval}s` : "15s",
      alertAfter: s.check !== undefined && s.check.retries > 0 ? String(s.check.retries + 1) : "",
      isUdp: s.protocol === "udp",
      isFwmark: s.protocol === "fwmark",
      // ipvsadm's form: `[2001:db8::101]:80` for IPv6 (a bare one would read `…:80` as the address)
      virtual: s.protocol === "fwmark" ? String(s.fwmark) : formatAddressPort(s.vip, s.port),
      // the HOWTO's form is the bare RIP (ipvsadm gives it the service's port); a NAT port remap adds the port
      real: s.protocol === "fwmark" || d.port === s.port ? address : textPort(address, d.port),
      weight: String(d.weight),
    };
  };
  const hostList = lazyMap(
    () => hosts,
    ([, services]) => {
      const rs = services[0]![1];
      const address = rs.text;
      // mon's group names are [a-zA-Z0-9_.-]+: an IPv6 address's colons become `_` (its `::` a
      // `__`, which no IPv4 name has), a dotted tail keeps its dots
      const name = familyOf(rs.address) === 6 ? `rs_${address.replaceAll(":", "_")}` : `rs_${address.replaceAll(".", "_")}`;
      return { name, address, services: lazyMap(() => services, entry) };
    },
  );
  if (hosts.size === 0) return undefined;
  return { target: "mon", template: "mon.cf", path: "mon.cf", mode: 0o644, context: { ...c, initialStateOn: config.initialState, isDr: config.type === "dr", isNat: config.type === "nat", hasIPv6, hosts: hostList } };
}

function systemd(config: LvsConfig, opts: EmitOptions): RenderPlan {
  return { target: "systemd", template: "lvs.service", path: "lvs.service", mode: 0o644, context: { ...common(config, opts), confDir: opts.exportDir } };
}

function sysctlD(config: LvsConfig, opts: EmitOptions): RenderPlan | undefined {
  // IPv6 needs no ARP settings (neighbour discovery never answers for the VIP on lo, dummy0 or
  // ip6tnl0), and IPv6 has no rp_filter: nothing to keep across reboots
  if (config.type === "nat" || config.family === 6) return undefined;
  const sysctls = serverSysctls(config).flatMap((g) => g.sysctls);
  return {
    target: "sysctl",
    template: "sysctl.conf",
    path: "90-lvs-realserver.conf",
    mode: 0o644,
    context: {
      ...common(config, opts),
      ...serverVip(config),
      isTun: config.type === "tun",
      // tunl0 exists only once ipip is loaded: a leading "-" lets systemd-sysctl skip it until then
      tunDevices: rpFilterDevices(config).join(" and "),
      tun4in6: tunnels(config).ip4in6,
      // (and ip6tnl0 once ip6_tunnel is)
      sysctls: sysctls.map((x) => ({ optional: x.key.includes("tunl0") || x.key.includes("ip6tnl0"), key: x.key, value: x.value })),
    },
  };
}

const BUILDERS: Record<Target, (config: LvsConfig, opts: EmitOptions) => RenderPlan | RenderPlan[] | undefined> = {
  rc: rcScript,
  "rc-local": rcLocal,
  exports: exportsLine,
  rules,
  keepalived,
  mon: monCf,
  systemd,
  sysctl: sysctlD,
  bird: (config, opts) => birdFiles(config, common(config, opts)),
  router: (config, opts) => routerFiles(config, common(config, opts)),
};

/** One render plan per output file of the selected targets (default: all that apply). */
export function planOutputs(config: LvsConfig, opts: EmitOptions): RenderPlan[] {
  const out: RenderPlan[] = [];
  for (const t of TARGETS) {
    if (opts.targets !== undefined && !opts.targets.includes(t)) continue;
    const plan = BUILDERS[t](config, opts);
    if (plan !== undefined) out.push(...(Array.isArray(plan) ? plan : [plan]));
  }
  return out;
}
