// LvsConfig -> one render context per output file (the targets table). Pure.

import { ipvsRules } from "./ipvs.js";
import { TYPE_NAMES, type LvsConfig, type LvsType } from "./model.js";
import { formatIPv4, isLoopback } from "./net.js";

export type TemplateName = "rc.lvs.sh" | "rc.local.sh" | "exports" | "ipvsadm.rules";

/** How the real servers hide the VIP from ARP in the rc.local snippet. */
export type ArpMethod = "sysctl" | "hidden";

export interface EmitOptions {
  /** Shown in headers: the conf's base name. */
  source: string;
  version: string;
  arp: ArpMethod;
  /** The directory shared with the real servers over NFS. */
  exportDir: string;
}

export interface RenderPlan {
  template: TemplateName;
  /** File name inside the output directory. */
  path: string;
  mode: number;
  context: Record<string, unknown>;
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

interface Sysctl {
  key: string;
  value: string;
}

/** Sysctls set together, under one comment (a line per array entry). */
interface SysctlGroup {
  comment: string[];
  sysctls: Sysctl[];
}

/**
 * A sysctl key for a per-interface setting. sysctl(8) reads dots as separators, so an
 * interface with a dot in its name (a VLAN such as eth0.100) needs the slash form.
 */
export function confKey(device: string, param: string): string {
  return device.includes(".") ? `net/ipv4/conf/${device}/${param}` : `net.ipv4.conf.${device}.${param}`;
}

function directorSysctls(config: LvsConfig): SysctlGroup[] {
  if (config.type === "nat")
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
        sysctls: ["all", "default", config.dip.device.device].map((dev) => ({ key: confKey(dev, "send_redirects"), value: "0" })),
      },
    ];
  const name = TYPE_NAMES[config.type];
  return [
    {
      comment: [`${name}: replies go from the real servers straight to the client, the director forwards nothing.`],
      sysctls: [{ key: "net.ipv4.ip_forward", value: "0" }],
    },
    {
      comment: [`${name}: the director is not the real servers' gateway, so ICMP redirects stay on (the kernel default).`],
      sysctls: [{ key: confKey("all", "send_redirects"), value: "1" }],
    },
  ];
}

function serverSysctls(config: LvsConfig): SysctlGroup[] {
  if (config.type === "nat") return [];
  const out: SysctlGroup[] = [];
  if (config.type === "tun")
    out.push({
      comment: [
        "Unwrapped packets arrive on tunl0 from clients that the routing table reaches through",
        "another NIC: reverse-path filtering would drop them. The kernel uses the higher of the",
        "all and the device value, so both are relaxed.",
      ],
      sysctls: ["all", "tunl0"].map((dev) => ({ key: confKey(dev, "rp_filter"), value: "0" })),
    });
  const devices = ["all", ...(config.serverNetDevice !== undefined ? [config.serverNetDevice.device] : [])];
  out.push({
    comment: [
      "ARP, before the VIP appears: arp_ignore=1 answers ARP only for addresses on the",
      "interface the request came in on (never for the VIP), and arp_announce=2 keeps the VIP",
      "out of this host's own ARP requests. Set later, there would be a moment when this host",
      "answers the router's ARP for the VIP and takes the director's traffic.",
    ],
    sysctls: devices.flatMap((dev) => [
      { key: confKey(dev, "arp_ignore"), value: "1" },
      { key: confKey(dev, "arp_announce"), value: "2" },
    ]),
  });
  return out;
}

/** /proc/sys path of a sysctl key in dotted or slash form. */
function procPath(key: string): string {
  return `/proc/sys/${key.includes("/") ? key : key.replaceAll(".", "/")}`;
}

/** The real servers' own addresses (RIPs), in order of first appearance; LocalNode entries excluded. */
export function realServerAddresses(config: LvsConfig): string[] {
  const seen = new Set<number>();
  const out: string[] = [];
  for (const s of config.services)
    for (const rs of s.realServers)
      if (!isLoopback(rs.address) && !seen.has(rs.address)) {
        seen.add(rs.address);
        out.push(formatIPv4(rs.address));
      }
  return out;
}

export function programName(type: LvsType): string {
  return `rc.lvs_${type}`;
}

export function planOutputs(config: LvsConfig, opts: EmitOptions): RenderPlan[] {
  const prog = programName(config.type);
  const vip = formatIPv4(config.vip.address);
  const rips = realServerAddresses(config);
  const marks = config.services.filter((s) => s.fwmark !== undefined).map((s) => String(s.fwmark));
  const vipDevice = config.serverVipDevice;
  const hasServerVip = config.type !== "nat" && vipDevice !== undefined;
  const serverVipIsDummy = hasServerVip && /^dummy/.test(vipDevice!.device);
  let serverGateway = "";
  let serverGatewayComment: string[] = [];
  if (config.type === "nat") {
    serverGateway = formatIPv4(config.dip.address);
    serverGatewayComment = [
      "VS_NAT: replies must go back through the director, which rewrites their source",
      "address to the VIP: the default route goes via the DIP.",
    ];
  } else if (config.serverGateway !== undefined) {
    serverGateway = formatIPv4(config.serverGateway);
    serverGatewayComment = ["SERVER_DEFAULT_GW: replies leave through this router, straight to the client."];
  }
  const common = {
    prog,
    title: TITLES[config.type],
    typeName: TYPE_NAMES[config.type],
    version: opts.version,
    source: opts.source,
    vip,
    dip: formatIPv4(config.dip.address),
    realServers: rips.join(" "),
  };
  const serverVip = hasServerVip
    ? {
        serverVipDevice: vipDevice!.device,
        serverVipLabel: vipDevice!.label ?? "",
        serverVipCidr: `${vip}/32`,
        serverVipIsDummy,
        // under TUN, the script brings tunl0 up itself before it gets the VIP
        serverVipIsTunnel: config.type === "tun" && vipDevice!.device === "tunl0",
      }
    : { serverVipDevice: "", serverVipLabel: "", serverVipCidr: "", serverVipIsDummy: false, serverVipIsTunnel: false };

  const plans: RenderPlan[] = [
    {
      template: "rc.lvs.sh",
      path: prog,
      mode: 0o755,
      context: {
        ...common,
        ...serverVip,
        stateName: `${prog}-${vip}`,
        marks: marks.join(" "),
        initialStateOn: config.initialState,
        manageRealServers: config.initialState ? "1" : "0",
        forwardName: FORWARD_NAMES[config.type],
        rules: ipvsRules(config),
        directorSysctls: directorSysctls(config),
        dipCidr: `${formatIPv4(config.dip.address)}/${config.dip.prefix}`,
        dipBroadcast: formatIPv4(config.dip.broadcast),
        dipDevice: config.dip.device.device,
        dipLabel: config.dip.device.label ?? "",
        vipCidr: `${vip}/${config.vip.prefix}`,
        vipBroadcast: formatIPv4(config.vip.broadcast),
        vipDevice: config.vip.device.device,
        vipLabel: config.vip.device.label ?? "",
        directorGateway: config.directorGateway !== undefined ? formatIPv4(config.directorGateway) : "",
        isTun: config.type === "tun",
        hasServerVip,
        serverSysctls: serverSysctls(config),
        serverGateway,
        serverGatewayComment,
      },
    },
  ];

  if (hasServerVip) {
    const hidden = opts.arp === "hidden";
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
              { key: confKey(vipDevice!.device, "hidden"), value: "1" },
            ],
          },
        ]
      : serverSysctls(config);
    plans.push({
      template: "rc.local.sh",
      path: `rc.local.lvs_${config.type}`,
      mode: 0o644,
      context: {
        ...common,
        ...serverVip,
        hidden,
        isTun: config.type === "tun",
        groups: groups.map((g) => ({
          comment: g.comment,
          sysctls: g.sysctls.map((x) => ({ value: x.value, assignment: `${x.key}=${x.value}`, procPath: procPath(x.key) })),
        })),
      },
    });
  }

  // An exports line with no client would export to every host: write none instead.
  if (rips.length > 0)
    plans.push({
      template: "exports",
      path: "exports",
      mode: 0o644,
      context: { ...common, exportDir: opts.exportDir, clients: rips },
    });

  plans.push({ template: "ipvsadm.rules", path: "ipvsadm.rules", mode: 0o644, context: { rules: ipvsRules(config) } });
  return plans;
}
