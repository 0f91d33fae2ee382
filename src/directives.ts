// The conf format's directives as data: names as in the LVS-HOWTO, their fields and examples, and
// the conf format's one description (the README's table, `lvsc help conf` and the man page's
// CONF FORMAT section are all made from CONF_FORMAT, by src/usage.ts).

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
  /** The directive in the conf format's description (see CONF_FORMAT for the markup). */
  doc: { fields: string; use: string };
}

export const DIRECTIVES: Record<string, DirectiveSpec> = {
  LVS_TYPE: {
    fields: ["type"],
    repeatable: false,
    example: "LVS_TYPE=VS_DR",
    doc: {
      fields: "`VS_DR`, `VS_NAT` or `VS_TUN`",
      use: "required",
    },
  },
  INITIAL_STATE: {
    fields: ["on|off"],
    repeatable: false,
    example: "INITIAL_STATE=on",
    doc: {
      fields: "`on` (real servers added at start) or `off` (a monitor adds them)",
      use: "`on` when absent, with a warning",
    },
  },
  VIP: {
    fields: ["device", "address", "netmask", "broadcast"],
    repeatable: false,
    example: "VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.255",
    note: "or, in lvsc's CIDR form, `VIP=eth0:101 192.168.0.101/24`",
    doc: {
      fields: "device, address, netmask, broadcast; or device, address/prefix (the only form for IPv6)",
      use: "required; e.g. `VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.255`, or (lvsc's extension) `VIP=eth0:101 192.168.0.101/24`, the netmask and broadcast derived from the prefix, or `VIP=eth0 2001:db8::101/64` (no alias label for IPv6); a second VIP line of the other family makes the cluster dual stack",
    },
  },
  DIRECTOR_INSIDEIP: {
    fields: ["device", "address", "network", "netmask", "broadcast"],
    repeatable: false,
    example: "DIRECTOR_INSIDEIP=eth0 192.168.0.1 192.168.0.0 255.255.255.0 192.168.0.255",
    note: "the network comes before the netmask, unlike VIP",
    doc: {
      fields: "device, address, **network, netmask**, broadcast; or device, address/prefix (the only form for IPv6)",
      use: "required; the DIP, facing the real servers; the network comes before the netmask, unlike VIP; lvsc's extension `DIRECTOR_INSIDEIP=eth0 192.168.0.1/24` or `eth0 2001:db8::1/64`; dual stack: one line per VIP family",
    },
  },
  DIRECTOR_DEFAULT_GW: {
    fields: ["address"],
    repeatable: false,
    example: "DIRECTOR_DEFAULT_GW=192.168.0.254",
    doc: {
      fields: "address; for IPv6 optionally the device",
      use: "the director's default route; a link-local IPv6 gateway needs its device, `DIRECTOR_DEFAULT_GW=fe80::1 eth0`; dual stack: one line per family",
    },
  },
  SERVICE: {
    fields: undefined,
    repeatable: true,
    example: "SERVICE=t www rr rs1:www rs2:www",
    doc: {
      fields: "see below",
      use: "at least one; repeatable",
    },
  },
  SERVER_VIP_DEVICE: {
    fields: ["device"],
    repeatable: false,
    example: "SERVER_VIP_DEVICE=dummy0",
    doc: {
      fields: "device",
      use: "DR and TUN (required): where real servers hold the VIP (`dummy0`, `lo:0`, `tunl0`); unused under NAT",
    },
  },
  SERVER_NET_DEVICE: {
    fields: ["device"],
    repeatable: false,
    example: "SERVER_NET_DEVICE=eth0",
    doc: {
      fields: "device",
      use: "the real servers' NIC; gets the ARP settings too",
    },
  },
  SERVER_DEFAULT_GW: {
    fields: ["address"],
    repeatable: false,
    example: "SERVER_DEFAULT_GW=192.168.0.254",
    doc: {
      fields: "address; for IPv6 optionally the device",
      use: "the real servers' default route (NAT: must be the DIP; DR/TUN: must not); a link-local IPv6 gateway is reached on SERVER_NET_DEVICE, or on the device written after it; dual stack: one line per family",
    },
  },
  SERVER_LVS_DEVICE: {
    fields: ["device"],
    repeatable: false,
    example: "SERVER_VIP_DEVICE=dummy0",
    deprecatedFor: "SERVER_VIP_DEVICE",
    doc: {
      fields: "device",
      use: "old spelling of `SERVER_VIP_DEVICE` (warning)",
    },
  },
  // ---- lvsc extension: a health check per service (README, "Health checks") ----
  CHECK: {
    fields: undefined,
    repeatable: true,
    example: "CHECK=t www http path:/health status:200",
    doc: {
      fields: "see below",
      use: "lvsc extension, repeatable, one per service: the health check keepalived (and mon) run on its real servers; lvsc's default check by port when absent ([Health checks](#health-checks))",
    },
  },
  // ---- lvsc extensions: two directors sharing the VIP through keepalived (README, "Two directors") ----
  DIRECTOR_PAIR: {
    fields: ["director1", "director2"],
    repeatable: false,
    example: "DIRECTOR_PAIR=director1 director2",
    note: "each director's own address on the DIP's network, director1 (the MASTER at start) first",
    doc: {
      fields: "director1, director2: each one's own address (or host name) on the DIP's network",
      use: "lvsc extension: two directors share the VIP and the DIP through keepalived; director1 is MASTER at start; `lvsc compile` writes `keepalived.conf` for director1 and `keepalived.backup.conf` for director2, and no `mon.cf` ([Two directors](#two-directors))",
    },
  },
  VRRP_ROUTER_ID: {
    fields: ["1..255"],
    repeatable: false,
    example: "VRRP_ROUTER_ID=51",
    doc: {
      fields: "1..255",
      use: "lvsc extension: keepalived's `virtual_router_id`, unique on the LAN; the VIP's last octet when absent",
    },
  },
  VRRP_PREEMPT: {
    fields: ["on|off"],
    repeatable: false,
    example: "VRRP_PREEMPT=off",
    doc: {
      fields: "`on` or `off`",
      use: "lvsc extension, with `DIRECTOR_PAIR`: `off` (default) leaves the VIP with director2 when director1 returns; `on` gives it back",
    },
  },
  VRRP_ADVERT: {
    fields: ["seconds"],
    repeatable: false,
    example: "VRRP_ADVERT=0.2",
    note: "whole seconds (VRRPv2, 1..255), or a fraction to the hundredth (VRRPv3, 0.01..40.95)",
    doc: {
      fields: "seconds: `1`..`255`, or `0.01`..`40.95` to the hundredth",
      use: "lvsc extension, with `DIRECTOR_PAIR`: keepalived's `advert_int`, `1` when absent; a fraction means VRRPv3 (`version 3`); director2 takes over within 3 adverts plus a skew ([Failover timers](#failover-timers))",
    },
  },
  VRRP_VERSION: {
    fields: ["2|3"],
    repeatable: false,
    example: "VRRP_VERSION=3",
    doc: {
      fields: "`2` or `3`",
      use: "lvsc extension, with `DIRECTOR_PAIR`: the VRRP version of the adverts; `3` when `VRRP_ADVERT` has a fraction, else `2`; VRRPv2 counts whole seconds",
    },
  },
  // ---- lvsc extensions: N active directors behind an ECMP router, each announcing the VIP by BGP (README, "N active directors") ----
  DIRECTOR_ACTIVE: {
    fields: undefined,
    repeatable: false,
    example: "DIRECTOR_ACTIVE=director1 director2 director3",
    note: "two or more directors, each one's own address (or host name) on the DIP's network",
    doc: {
      fields: "director1 director2 ...: two or more, each one's own address (or host name) on the DIP's network",
      use: "lvsc extension, DR and TUN: every director is active and announces the VIP to the router(s) of `BGP_PEER` by BGP (BIRD 2); the router spreads flows over them by ECMP, and the `mh` scheduler makes each director pick the same real server; `lvsc compile` writes `bird.<director>.conf` for each and the router's `bird.router.conf` and `90-lvs-router.conf`, a `keepalived.conf` for the health checks only, and no `mon.cf` ([N active directors](#n-active-directors))",
    },
  },
  BGP_LOCAL_AS: {
    fields: ["as"],
    repeatable: false,
    example: "BGP_LOCAL_AS=65010",
    doc: {
      fields: "AS number, 1..4294967295 (not 23456)",
      use: "lvsc extension, with `DIRECTOR_ACTIVE` (required): the directors' AS",
    },
  },
  BGP_PEER: {
    fields: ["address", "as"],
    repeatable: true,
    example: "BGP_PEER=192.168.0.254 65000",
    doc: {
      fields: "address, AS number",
      use: "lvsc extension, with `DIRECTOR_ACTIVE` (at least one; repeatable): a router on the DIP's network that every director peers with",
    },
  },
  BGP_BFD: {
    fields: ["on|off"],
    repeatable: false,
    example: "BGP_BFD=on",
    doc: {
      fields: "`on` or `off`",
      use: "lvsc extension, with `DIRECTOR_ACTIVE`: `on` (default) runs BFD (300 ms × 3) on every BGP session, so a dead director is withdrawn about 0.9 s after its last packet instead of after the BGP hold time (240 s)",
    },
  },
  BGP_BFD_TIMERS: {
    fields: ["interval", "multiplier"],
    repeatable: false,
    example: "BGP_BFD_TIMERS=300ms 3",
    note: "the interval in whole milliseconds with `ms`, then the packets a side may miss",
    doc: {
      fields: "interval `10ms`..`10000ms`, multiplier `1`..`255`",
      use: "lvsc extension, with `DIRECTOR_ACTIVE` and `BGP_BFD=on`: BFD's interval (sent and received, the same on the directors and the router) and multiplier, `300ms 3` when absent; a dead director is withdrawn interval × multiplier after its last packet, and a pause of a host longer than that brings a healthy director's session down too ([N active directors](#n-active-directors))",
    },
  },
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

/**
 * The conf format's one description, from which come the README's table (section "The conf
 * format in brief", rewritten by `npm run docs`; test/conf-format.test.ts checks it), `lvsc help
 * conf` and the man page's CONF FORMAT section (src/usage.ts renders all three). Text is in a small
 * markup that each renders its own way: `code`, **emphasis** and [text](#a-readme-section).
 */
export const CONF_FORMAT = {
  intro:
    "One directive per line, `NAME=value`; fields are separated by blanks; `#` starts a comment; a value may be wrapped in double quotes. Host names come from hosts(5) files, never from DNS. An address is IPv4 or IPv6 (lvsc extension) wherever an address goes; a cluster is of its VIP's family, and a host name resolves to its hosts line of that family. A conf with a VIP of each family (two VIP lines, a DIRECTOR_INSIDEIP per family) is dual stack: each SERVICE is served on both VIPs, each real server reached in the VIP's family (a host name with a hosts line of each family, or an address of each). IPv6 is read as glibc's inet_pton reads it and written as inet_ntop writes it; zone ids, IPv4-mapped and link-local real servers are refused.",
  /** Every directive, in DIRECTIVES' order. */
  directives: Object.entries(DIRECTIVES).map(([name, spec]) => ({ name, ...spec.doc })),
  /** The SERVICE line and the real server, verbatim. */
  grammar: [
    "SERVICE=t|u <service> [<scheduler>] [<persistence>] <realserver>...",
    "SERVICE=f <mark> [<scheduler>] [<persistence>] <realserver>...",
    "scheduler ::= <name> [-b <flag>[,<flag>]]",
    "persistence ::= ppc [-t <secs>] [-M <netmask>]   (IPv6: -M <prefix>)",
    "realserver ::= host[:port][,weight]   (IPv6: [addr]:port[,weight])",
    "CHECK=t|u <service> <kind> [<key>:<value>]...",
    "CHECK=f <mark> <kind> [<key>:<value>]...",
  ],
  /** Paragraphs after the grammar. */
  notes: [
    `\`t\` is TCP, \`u\` UDP and \`f\` a firewall-mark service. \`<service>\` is a port or a name from the services table (a copy of Debian's \`/etc/services\`, so \`www\` exists for tcp only); \`<mark>\` is a firewall mark, 1..${MAX_FWMARK}. The scheduler is one of ${SCHEDULERS.map((s) => `\`${s}\``).join(", ")}; \`${DEFAULT_SCHEDULER}\` when absent. \`ppc\` makes the service persistent: a client's new connections go to the real server of its earlier ones until ${DEFAULT_PERSISTENCE_TIMEOUT} s after they end (\`-t\` seconds, at most ${MAX_PERSISTENCE_TIMEOUT}: 31 days); with \`-M\`, all clients of one network (that netmask; for an IPv6 service a prefix length, \`-M 64\`, as ipvsadm takes it) count as one. \`-b\` gives the scheduler's flags as ipvsadm does, comma-separated: \`mh-fallback\` and \`mh-port\` for \`mh\` (lvsc extension), \`sh-fallback\` and \`sh-port\` for \`sh\`.`,
    `A real server's host is an address or a host name, its port a number or a service name (the service's port when absent), its weight 0..${MAX_WEIGHT} (1 when absent; 0 sends it no new connections). \`localhost\`/\`127.0.0.1\` as a real server is the director itself (LocalNode); it is sent with direct routing (\`-g\`) whatever the cluster's type, since the kernel does not masquerade to a loopback address, so it keeps the service's port. Only VS_NAT can send a service to another port (\`rs1:8080\`), and not to LocalNode.`,
    "`CHECK` (an lvsc extension) names a service as its SERVICE line does and says how its real servers are checked: `http`, `https`, `tcp`, `dns`, `smtp`, `script` or `none`, then options as `key:value` (`path:/health status:200 interval:2 timeout:1 retries:2`); a service without one keeps lvsc's default check ([Health checks](#health-checks)).",
  ],
} as const;

/** Scheduler flags (`ipvsadm -b`) by scheduler, in the order ipvsadm 1.31 prints them (print_sched_flags). */
export const SCHED_FLAGS: Record<string, readonly string[]> = {
  mh: ["mh-fallback", "mh-port"],
  sh: ["sh-fallback", "sh-port"],
};

/**
 * The kernel's `mh` lookup table size: primes[CONFIG_IP_VS_MH_TAB_INDEX - 8] in
 * net/netfilter/ipvs/ip_vs_mh.c, with Debian's CONFIG_IP_VS_MH_TAB_INDEX=12.
 */
export const MH_TABLE_SIZE = 4093;

/** Maglev's rule (NSDI 2016): a table M > 100·N keeps every server's share within 1 %: N ≤ 40 for 4093. */
export const MH_EVEN_SERVERS = Math.floor((MH_TABLE_SIZE - 1) / 100);
