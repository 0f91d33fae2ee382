// The conf format's directives as data: names as in the LVS-HOWTO, their fields and examples.

export interface DirectiveSpec {
  /** Field names in order, for "needs N fields (…)" messages; undefined for SERVICE (free form). */
  fields: readonly string[] | undefined;
  /** SERVICE may repeat; every other directive appears once. */
  repeatable: boolean;
  /** A correct line, shown in hints. */
  example: string;
  /** Set for old spellings: the directive it stands for. */
  deprecatedFor?: string;
  /** Extra text for field-count hints. */
  note?: string;
}

export const DIRECTIVES: Record<string, DirectiveSpec> = {
  LVS_TYPE: { fields: ["type"], repeatable: false, example: "LVS_TYPE=VS_DR" },
  INITIAL_STATE: { fields: ["on|off"], repeatable: false, example: "INITIAL_STATE=on" },
  VIP: {
    fields: ["device", "address", "netmask", "broadcast"],
    repeatable: false,
    example: "VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.255",
    note: "or, in lvsc's CIDR form, `VIP=eth0:101 192.168.0.101/24`",
  },
  DIRECTOR_INSIDEIP: {
    fields: ["device", "address", "network", "netmask", "broadcast"],
    repeatable: false,
    example: "DIRECTOR_INSIDEIP=eth0 192.168.0.1 192.168.0.0 255.255.255.0 192.168.0.255",
    note: "the network comes before the netmask, unlike VIP",
  },
  DIRECTOR_DEFAULT_GW: { fields: ["address"], repeatable: false, example: "DIRECTOR_DEFAULT_GW=192.168.0.254" },
  SERVICE: { fields: undefined, repeatable: true, example: "SERVICE=t www rr rs1:www rs2:www" },
  SERVER_VIP_DEVICE: { fields: ["device"], repeatable: false, example: "SERVER_VIP_DEVICE=dummy0" },
  SERVER_NET_DEVICE: { fields: ["device"], repeatable: false, example: "SERVER_NET_DEVICE=eth0" },
  SERVER_DEFAULT_GW: { fields: ["address"], repeatable: false, example: "SERVER_DEFAULT_GW=192.168.0.254" },
  SERVER_LVS_DEVICE: {
    fields: ["device"],
    repeatable: false,
    example: "SERVER_VIP_DEVICE=dummy0",
    deprecatedFor: "SERVER_VIP_DEVICE",
  },
  // ---- lvsc extensions: two directors sharing the VIP through keepalived (README, "Two directors") ----
  DIRECTOR_PAIR: {
    fields: ["director1", "director2"],
    repeatable: false,
    example: "DIRECTOR_PAIR=director1 director2",
    note: "each director's own address on the DIP's network, director1 (the MASTER at start) first",
  },
  VRRP_ROUTER_ID: { fields: ["1..255"], repeatable: false, example: "VRRP_ROUTER_ID=51" },
  VRRP_PREEMPT: { fields: ["on|off"], repeatable: false, example: "VRRP_PREEMPT=off" },
};

/** Names people write that are not directives, and what they meant. */
export const MISSPELLINGS: Record<string, string> = {
  DIRECTOR_GW: "DIRECTOR_DEFAULT_GW",
  SERVER_GW: "SERVER_DEFAULT_GW",
  DIRECTOR_IP: "DIRECTOR_INSIDEIP",
  DIRECTOR_INSIDE_IP: "DIRECTOR_INSIDEIP",
  DIP: "DIRECTOR_INSIDEIP",
  REALSERVER: "SERVICE",
  REAL_SERVER: "SERVICE",
};

/**
 * Schedulers of the mainline kernel (net/netfilter/ipvs/Kconfig). ipvsadm passes any name
 * to the kernel, which loads `ip_vs_<name>`; a name outside this list fails at start time.
 */
export const SCHEDULERS = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"] as const;

/** ipvsadm's scheduler when none is given. */
export const DEFAULT_SCHEDULER = "wlc";

/** ipvsadm's persistence timeout when `-p` has none: IPVS_SVC_PERSISTENT_TIMEOUT = 6*60 in libipvs.h. */
export const DEFAULT_PERSISTENCE_TIMEOUT = 360;

/** ipvsadm's MAX_TIMEOUT (31 days). */
export const MAX_PERSISTENCE_TIMEOUT = 86400 * 31;

/**
 * Largest firewall mark lvsc accepts. The kernel takes any u32, but ipvsadm 1.31 prints marks
 * with %d, so `ipvsadm -S` writes 4294967295 as `-f -1`, which `ipvsadm -R` then refuses.
 */
export const MAX_FWMARK = 2147483647;

/** VRRP priorities of the pair's keepalived files: director1, director2 (1..254; 255 means "address owner"). */
export const VRRP_PRIORITIES = [250, 200] as const;

/** ipvsadm `-w` accepts 0..65535. */
export const MAX_WEIGHT = 65535;

/** Service names the LVS-HOWTO used that modern /etc/services spells differently. */
export const SERVICE_NAME_HINTS: Record<string, string> = {
  dns: "domain",
  rsh: "shell",
  lpd: "printer",
};

/** LVS_TYPE implied by a file name such as lvs_dr.conf or lvs_nat.conf.single_telnet_off. */
export function typeFromFileName(file: string | undefined): "dr" | "nat" | "tun" | undefined {
  if (file === undefined) return undefined;
  const base = file.split(/[\\/]/).pop() ?? "";
  const m = /^lvs_(dr|nat|tun)\.conf/.exec(base);
  return m === null ? undefined : (m[1] as "dr" | "nat" | "tun");
}
