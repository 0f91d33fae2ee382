// keepalived.conf → the import model (src/import-model.ts): the IPVS table keepalived builds
// (virtual_server, real_server, with keepalived's own defaults applied as keepalived applies
// them, check_data.c's validation loop), the floating addresses of the VRRP instances (the VIP,
// and the DIP of lvsc's own pair files) and the two directors of a pair. Pure: the caller
// gives the files' text and, for `include`, load() and glob().
//
// Only typed values leave: addresses through parseIPv4, devices through parseIface, numbers
// range-checked, schedulers from SCHEDULERS. Every keyword is mapped, or known and ignorable
// (KNOWN below, with the reason), or reported; nothing is dropped silently.
//
// Decisions:
// - Config ids. With `opts.configId`, `@ID` lines are read as keepalived run with `-i ID` reads
//   them. Without it, a file whose `@` lines name exactly two ids is read once for each and the
//   two readings are merged as the two directors of a pair (one file serving both, as
//   keepalived.conf(5) shows with @main/@backup); a file naming one id, or more than two, is
//   read with no id (only lines without `@`, and `@^ID` lines, are kept) and a warning says so.
// - Pairs. Two readings (two entries, or one file read for two ids) are one cluster's two
//   directors: director1 is the reading with the higher VRRP priority, each director's address
//   its own `mcast_src_ip`/`unicast_src_ip`; their tables must be the same. One reading with a
//   source address and one `unicast_peer` is a pair too, the file given taken as director1's. A
//   reading with a source address and no peer is half a pair: `pair` is undefined, with a
//   warning to pass both files.
// - Clusters. One per VIP (the address of a virtual_server); fwmark services join the cluster
//   of the first floating address, or the first cluster.

import { SCHEDULERS } from "./directives.js";
import { diag, type Code, type Span } from "./diagnostics.js";
import type { ForwardingMethod, ImportedCheck, ImportedCluster, ImportedDip, ImportedPair, ImportedServer, ImportedService, ImportedVip, ImportRead, ImportedVrrpTimers, ReadFile, Where } from "./import-model.js";
import { clip, Lexer, type KeepalivedLoader, type Stmt, type Token } from "./import-keepalived-lex.js";
import { formatIPv4, isLoopback, parseIface, parseIPv4, prefixOfMask, type IPv4 } from "./net.js";
import { checkDifferences, isDefaultCheck, readChecker, type CheckerRead } from "./import-checks.js";
import { DEFAULT_VRRP_TIMERS, formatCs, parseAdvert, VRRP_ADVERT_LIMITS } from "./vrrp-timers.js";

export interface KeepalivedReadOptions extends KeepalivedLoader {
  /** keepalived's `-i/--config-id`: which `@ID` lines apply. */
  configId?: string;
}

const SCHEDULER_SET: ReadonlySet<string> = new Set(SCHEDULERS);
const PERSISTENT_DEFAULT = 360; // IPVS_SVC_PERSISTENT_TIMEOUT (libipvs.h)
const LVS_MAX_TIMEOUT = 2_678_400; // 31 days: keepalived's and lvsc's limit
const FWMARK_MAX = 2_147_483_647; // lvsc's limit (keepalived takes up to 2^32-1)

/** Ignored, with the reason: they change neither the table nor the floating addresses. */
const KNOWN: Record<string, Record<string, string>> = {
  root: {
    SSL: "the client certificate of SSL_GET checks; lvsc writes its own checks",
    linkbeat_use_polling: "how keepalived watches links",
    garp_group: "gratuitous ARP timing",
  },
  global_defs: Object.fromEntries(
    [
      "router_id", "notification_email", "notification_email_from", "smtp_server", "smtp_connect_timeout", "smtp_helo_name",
      "enable_script_security", "script_user", "vrrp_skip_check_adv_addr", "vrrp_strict", "vrrp_garp_interval",
      "vrrp_gna_interval", "vrrp_garp_master_delay", "vrrp_garp_master_repeat", "vrrp_garp_master_refresh",
      "vrrp_garp_lower_prio_delay", "vrrp_garp_lower_prio_repeat", "vrrp_mcast_group4", "vrrp_mcast_group6",
      "vrrp_iptables", "vrrp_ipsets", "vrrp_check_unicast_src", "vrrp_priority", "checker_priority",
      "vrrp_no_swap", "checker_no_swap", "vrrp_rt_priority", "checker_rt_priority", "max_auto_priority", "dynamic_interfaces",
      "lvs_sync_daemon", "lvs_id", "smtp_alert", "smtp_alert_vrrp", "smtp_alert_checker", "notify_fifo", "notify_fifo_script",
      "vrrp_notify_fifo", "vrrp_notify_fifo_script", "lvs_notify_fifo", "lvs_notify_fifo_script", "script_security",
      "vrrp_startup_delay", "vrrp_higher_prio_send_advert", "vrrp_lower_prio_no_advert", "process_names", "instance",
      "default_interface", "snmp_socket", "enable_traps", "enable_snmp_vrrp", "enable_snmp_checker", "enable_snmp_rfc",
      "enable_dbus", "net_namespace", "child_wait_time", "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_monitor_rcv_bufs",
      "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_monitor_rcv_bufs", "checker_log_all_failures", "log_unknown_vrids",
      "use_pid_dir", "linkbeat_use_polling", "random_seed", "umask", "vrrp_min_garp", "nftables", "nftables_counters",
    ].map((k) => [k, "a daemon-wide setting: neither the IPVS table nor the floating addresses"]),
  ),
  vrrp_instance: {
    state: "the state at start: lvsc writes BACKUP for both directors of a pair, MASTER for one alone",
    authentication: "VRRP authentication is deprecated (RFC 3768); lvsc writes none",
    garp_master_delay: "gratuitous ARP timing",
    garp_master_repeat: "gratuitous ARP timing",
    garp_master_refresh: "gratuitous ARP timing",
    garp_master_refresh_repeat: "gratuitous ARP timing",
    garp_lower_prio_delay: "gratuitous ARP timing",
    garp_lower_prio_repeat: "gratuitous ARP timing",
    accept: "whether the MASTER accepts packets to addresses it does not own",
    no_accept: "whether the MASTER accepts packets to addresses it does not own",
    strict_mode: "VRRP strictness",
    dont_track_primary: "interface fault tracking",
    skip_check_adv_addr: "advert checks",
    check_unicast_src: "advert checks",
    unicast_ttl: "advert TTL",
    lvs_sync_daemon_interface: "the connection sync daemon: lvsc runs it for a pair on the DIP's device",
    debug: "logging",
    use_vmac: "a virtual MAC: the addresses stay the same",
    vmac_xmit_base: "a virtual MAC: the addresses stay the same",
    native_ipv6: "IPv6 adverts",
    mcast_dst_ip: "where adverts go",
    kernel_rx_buf_size: "socket buffers",
  },
};

/** Dropped with a warning: lvsc has no such setting, the table as configured is the same. */
const DROPPED_VS: Record<string, string> = {
  sorry_server: "lvsc has no sorry server: when every real server is down the service has none",
  sorry_server_inhibit: "lvsc has no sorry server",
  sorry_server_lvs_method: "lvsc has no sorry server",
  quorum: "lvsc has no quorum",
  quorum_up: "lvsc runs no quorum scripts",
  quorum_down: "lvsc runs no quorum scripts",
  hysteresis: "lvsc has no quorum",
  smtp_alert: "lvsc sends no mail",
  snmp_name: "lvsc writes no SNMP names",
  ha_suspend: "lvsc checks the real servers on both directors",
  inhibit_on_failure: "lvsc's keepalived removes a failed real server instead of setting its weight to 0",
  omega: "lvsc leaves the table alone when keepalived stops",
  hashed: "a flag the kernel sets itself",
};
const DROPPED_RS: Record<string, string> = {
  uthreshold: "lvsc writes no connection thresholds",
  lthreshold: "lvsc writes no connection thresholds",
  inhibit_on_failure: "lvsc's keepalived removes a failed real server instead of setting its weight to 0",
  notify_up: "lvsc runs no notify scripts",
  notify_down: "lvsc runs no notify scripts",
  smtp_alert: "lvsc sends no mail",
  snmp_name: "lvsc writes no SNMP names",
  alpha: "lvsc's INITIAL_STATE is one setting for the whole cluster",
};
const DROPPED_VRRP: Record<string, string> = {
  track_script: "lvsc runs no vrrp_script",
  track_interface: "lvsc's VRRP does not track other interfaces",
  track_file: "lvsc's VRRP tracks no files",
  track_process: "lvsc's VRRP tracks no processes",
  track_bfd: "lvsc's VRRP tracks no BFD sessions",
  notify: "lvsc runs no notify scripts",
  notify_master: "lvsc runs no notify scripts",
  notify_backup: "lvsc runs no notify scripts",
  notify_fault: "lvsc runs no notify scripts",
  notify_stop: "lvsc runs no notify scripts",
  notify_deleted: "lvsc runs no notify scripts",
  notify_master_rx_lower_pri: "lvsc runs no notify scripts",
  smtp_alert: "lvsc sends no mail",
  virtual_routes: "lvsc's VRRP moves addresses, not routes",
  virtual_rules: "lvsc's VRRP moves addresses, not rules",
};
const DROPPED_ROOT: Record<string, string> = {
  vrrp_script: "lvsc runs no vrrp_script",
  static_ipaddress: "addresses that do not move: not the cluster's",
  static_routes: "routes that do not move: not the cluster's",
  static_rules: "rules that do not move: not the cluster's",
  track_file: "lvsc's VRRP tracks no files",
  vrrp_track_file: "lvsc's VRRP tracks no files",
  track_process: "lvsc's VRRP tracks no processes",
  bfd_instance: "lvsc runs no BFD",
  net_namespace: "lvsc runs keepalived in the host's namespace",
};
const IPVS_FLAGS = new Set(["ops", "flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port", "mh-fallback", "persistence_engine"]);
const CHECKERS = new Set(["HTTP_GET", "SSL_GET", "TCP_CHECK", "SMTP_CHECK", "DNS_CHECK", "MISC_CHECK", "BFD_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK"]);
/** Keywords that take values, never a block. */
const SCALAR = new Set(["lvs_sched", "lb_algo", "lvs_method", "lb_kind", "protocol", "persistence_timeout", "persistence_granularity", "alpha", "weight", "ip_family"]);
const TIMERS = new Set(["delay_loop", "retry", "delay_before_retry", "warmup", "connect_timeout"]);

interface RsRead {
  address: IPv4;
  port: number | undefined;
  weight: number | undefined;
  method: ForwardingMethod | undefined;
  checkers: Stmt[];
  timers: Stmt[];
  host: Token | undefined;
  stmt: Stmt;
}

interface SvcRead extends ImportedService {
  alpha: boolean;
  stmt: Stmt;
}

interface Addr {
  address: IPv4;
  prefix: number;
  device: string | undefined;
  at: Where;
}

interface Instance {
  name: string;
  interface: string | undefined;
  routerId: number | undefined;
  priority: number;
  nopreempt: boolean;
  src: { address: IPv4; at: Where } | undefined;
  peers: IPv4[];
  addrs: Addr[];
  advert: Stmt | undefined;
  version: Stmt | undefined;
  at: Where;
}

interface Reading {
  file: string;
  services: SvcRead[];
  instances: Instance[];
  groups: string[][];
  /** global_defs' vrrp_version: every instance's that gives none. */
  version: Stmt | undefined;
}

interface View {
  clusters: ImportedCluster[];
  /** The VIP instance's priority, the director's own address and peer. */
  priority: number;
  own: { address: IPv4; at: Where } | undefined;
  peers: IPv4[];
  preempt: boolean;
  file: string;
  top: Where;
}

export function readKeepalived(entries: { path: string; text: string }[], opts: KeepalivedReadOptions): ImportRead {
  const files = new Map<string, ReadFile>();
  const keep = (lx: Lexer) => {
    for (const [path, rf] of lx.files) {
      const have = files.get(path);
      if (have === undefined) {
        files.set(path, { file: rf.file, text: rf.text, diagnostics: [...rf.diagnostics] });
        continue;
      }
      const seen = new Set(have.diagnostics.map(key));
      for (const d of rf.diagnostics) if (!seen.has(key(d))) have.diagnostics.push(d);
    }
  };
  const views: View[] = [];
  for (const e of entries) {
    const lx = new Lexer(opts, opts.configId);
    const stmts = lx.readTop(e.path, e.text);
    if (opts.configId === undefined && lx.ids.length === 2) {
      // one file for both directors: read it as each of them
      for (const id of lx.ids) {
        const lxi = new Lexer(opts, id);
        const v = view(lxi, lxi.readTop(e.path, e.text), e.path);
        keep(lxi);
        if (v !== undefined) views.push(v);
      }
      continue;
    }
    if (opts.configId === undefined && lx.ids.length > 0) {
      const rf = lx.files.get(e.path)!;
      const first = firstAtLine(rf.text);
      lx.report(e.path, lx.spanOf(e.path, first, first + 1 + (lx.ids[0]?.length ?? 0)), "import-config-id", `\`@\` lines for ${lx.ids.length === 1 ? "the id" : "the ids"} ${lx.ids.slice(0, 5).map((i) => `\`${clip(i)}\``).join(", ")} were read for no config id: only the lines without \`@\` were kept`, "give the director's config id (keepalived's `-i`); a file for two directors names two ids, and is read once for each");
    }
    const v = view(lx, stmts, e.path);
    keep(lx);
    if (v !== undefined) views.push(v);
  }
  const report = (w: Where, code: Code, message: string, hint: string) => {
    const rf = files.get(w.file);
    if (rf !== undefined) rf.diagnostics.push(mk(code, message, w.span, hint));
  };
  const clusters = assemble(views, report);
  return { clusters, files: [...files.values()] };
}

function key(d: { code: string; span: Span; message: string }): string {
  return `${d.code}@${d.span.start.offset}:${d.message}`;
}

function firstAtLine(text: string): number {
  const m = /^[ \t]*@/m.exec(text);
  return m === null ? 0 : m.index + m[0].length - 1;
}

function mk(code: Code, message: string, span: Span, hint: string) {
  return diag(code, message, span, { hint });
}

// ---- one file (one director's reading) ----

function view(lx: Lexer, stmts: Stmt[], file: string): View | undefined {
  const r = new Reader(lx, file);
  r.root(stmts);
  return r.view();
}

class Reader {
  private readonly reading: Reading;
  constructor(
    private readonly lx: Lexer,
    file: string,
  ) {
    this.reading = { file, services: [], instances: [], groups: [], version: undefined };
  }

  private where(t: Token, last?: Token): Where {
    if (last === undefined || last.file !== t.file) return { file: t.file, span: t.span };
    return { file: t.file, span: { start: t.span.start, end: last.span.end } };
  }
  private stmtWhere(s: Stmt): Where {
    return this.where(s.key, s.args[s.args.length - 1]);
  }
  private err(t: Token, code: Code, message: string, hint: string) {
    this.lx.at(t, code, message, hint);
  }

  // -- values --

  private ipv4(t: Token | undefined, what: string, owner: Token): IPv4 | undefined {
    if (t === undefined) {
      this.err(owner, "import-invalid-value", `\`${clip(owner.text)}\` without ${what}`, `give ${what}`);
      return undefined;
    }
    if (t.text.includes(":")) {
      this.err(t, "import-ipv6", `\`${clip(t.text)}\` is an IPv6 address`, "lvsc builds IPv4 clusters only; import the IPv4 part, and keep this in keepalived");
      return undefined;
    }
    const a = parseIPv4(t.text);
    if (!a.ok) {
      this.err(t, "import-invalid-value", `\`${clip(t.text)}\` is not an IPv4 address: ${a.reason}`, "write the address as four decimal numbers, e.g. `192.168.0.10`");
      return undefined;
    }
    return a.value;
  }

  private uint(t: Token | undefined, min: number, max: number, what: string, owner: Token): number | undefined {
    if (t === undefined) {
      this.err(owner, "import-invalid-value", `\`${clip(owner.text)}\` without ${what}`, `give ${what}, ${min}..${max}`);
      return undefined;
    }
    if (!/^[0-9]{1,10}$/.test(t.text) || Number(t.text) < min || Number(t.text) > max) {
      this.err(t, "import-invalid-value", `\`${clip(t.text)}\` is not ${what} (${min}..${max})`, `give ${what}, a whole number ${min}..${max}`);
      return undefined;
    }
    return Number(t.text);
  }

  private iface(t: Token | undefined, owner: Token): string | undefined {
    if (t === undefined) {
      this.err(owner, "import-invalid-value", `\`${clip(owner.text)}\` without a device`, "give the device, e.g. `eth0`");
      return undefined;
    }
    const r = parseIface(t.text);
    if (!r.ok) {
      this.err(t, "import-invalid-value", `\`${clip(t.text)}\` is not a device name: ${r.reason}`, "give a device such as `eth0` or a label such as `eth0:101`");
      return undefined;
    }
    return r.value.name;
  }

  private unknown(s: Stmt, where: string) {
    this.err(s.key, "import-unknown-keyword", `\`${clip(s.key.text)}\` is not a keyword lvsc knows ${where}`, "lvsc leaves it out; check what keepalived does with it (keepalived ignores unknown keywords)");
  }

  private dropped(s: Stmt, why: string) {
    this.err(s.key, "import-setting-dropped", `\`${clip(s.key.text)}\` is dropped: ${why}`, "the imported conf does without it; the table keepalived builds from the rest is the same");
  }

  private noBlock(s: Stmt) {
    if (s.block !== undefined) this.err(s.key, "import-syntax", `\`${clip(s.key.text)}\` takes no block`, "remove the `{ ... }` after it");
  }

  // -- top level --

  root(stmts: Stmt[]) {
    for (const s of stmts) {
      const k = s.key.text;
      if (k === "virtual_server") this.virtualServer(s);
      else if (k === "vrrp_instance") this.vrrpInstance(s);
      else if (k === "vrrp_sync_group") this.syncGroup(s);
      else if (k === "global_defs") this.globalDefs(s);
      else if (k === "virtual_server_group")
        this.err(s.key, "import-virtual-server-group", `\`virtual_server_group ${clip(s.args[0]?.text ?? "")}\`: one group is many services, which lvsc cannot write as one`, "write one virtual_server per address and port, then import");
      else if (k in DROPPED_ROOT) this.dropped(s, DROPPED_ROOT[k]!);
      else if (k in KNOWN.root!) continue;
      else this.unknown(s, "at the top level");
    }
  }

  private globalDefs(s: Stmt) {
    for (const g of s.block ?? []) {
      const k = g.key.text;
      if (k === "lvs_timeouts" || k === "lvs_flush" || k === "lvs_flush_onstop") this.dropped(g, "lvsc keeps the kernel's IPVS timeouts and flushing");
      else if (k === "vrrp_version") this.reading.version = g;
      else if (k in KNOWN.global_defs!) continue;
      else if (k.startsWith("vrrp_") || k.startsWith("checker_") || k.startsWith("bfd_") || k.startsWith("snmp_")) continue; // daemon tuning
      else this.unknown(g, "in `global_defs`");
    }
  }

  private syncGroup(s: Stmt) {
    for (const g of s.block ?? []) {
      if (g.key.text === "group") {
        const names: string[] = [];
        for (const m of g.block ?? []) names.push(m.key.text, ...m.args.map((a) => a.text));
        this.reading.groups.push(names);
      } else if (g.key.text in DROPPED_VRRP) this.dropped(g, DROPPED_VRRP[g.key.text]!);
      else if (g.key.text === "global_tracking" || g.key.text === "sync_group_tracking_weight") continue;
      else this.unknown(g, "in `vrrp_sync_group`");
    }
  }

  private vrrpInstance(s: Stmt) {
    const inst: Instance = { name: s.args[0]?.text ?? "", interface: undefined, routerId: undefined, priority: 100, nopreempt: false, src: undefined, peers: [], addrs: [], advert: undefined, version: undefined, at: this.stmtWhere(s) };
    const addrBlocks: Stmt[] = [];
    for (const v of s.block ?? []) {
      const k = v.key.text;
      const a0 = v.args[0];
      if (k === "interface") inst.interface = this.iface(a0, v.key);
      else if (k === "virtual_router_id") inst.routerId = this.uint(a0, 1, 255, "a VRRP router id", v.key);
      else if (k === "priority") inst.priority = this.uint(a0, 1, 255, "a VRRP priority", v.key) ?? inst.priority;
      else if (k === "advert_int") inst.advert = v;
      else if (k === "version") inst.version = v;
      else if (k === "nopreempt") inst.nopreempt = true;
      else if (k === "preempt") inst.nopreempt = false;
      else if (k === "preempt_delay") this.uint(a0, 0, 1000, "a delay in seconds", v.key);
      else if (k === "mcast_src_ip" || k === "unicast_src_ip") {
        const a = this.ipv4(a0, "an address", v.key);
        if (a !== undefined) inst.src = { address: a, at: this.stmtWhere(v) };
      } else if (k === "unicast_peer") {
        for (const p of v.block ?? []) {
          const a = this.ipv4(p.key, "an address", p.key);
          if (a !== undefined) inst.peers.push(a);
        }
      } else if (k === "virtual_ipaddress" || k === "virtual_ipaddress_excluded") addrBlocks.push(v);
      else if (k in DROPPED_VRRP) this.dropped(v, DROPPED_VRRP[k]!);
      else if (k in KNOWN.vrrp_instance!) continue;
      else this.unknown(v, "in `vrrp_instance`");
    }
    for (const b of addrBlocks) for (const e of b.block ?? []) this.floating(e, inst);
    this.reading.instances.push(inst);
  }

  /** `IP[/LEN] [brd B] [dev D] [scope S] [label L] ...` */
  private floating(e: Stmt, inst: Instance) {
    const [addrText, lenText] = e.key.text.split("/", 2) as [string, string | undefined];
    if (addrText.includes(":")) {
      this.err(e.key, "import-setting-dropped", `the IPv6 floating address \`${clip(e.key.text)}\` is dropped: lvsc's clusters are IPv4`, "keep it in keepalived, outside the imported cluster");
      return;
    }
    const a = parseIPv4(addrText);
    if (!a.ok) {
      this.err(e.key, "import-invalid-value", `\`${clip(e.key.text)}\` is not an IPv4 address: ${a.reason}`, "write `ADDRESS/PREFIX`, e.g. `192.168.0.101/24`");
      return;
    }
    let prefix = 32;
    if (lenText !== undefined) {
      if (!/^[0-9]{1,2}$/.test(lenText) || Number(lenText) > 32) {
        this.err(e.key, "import-invalid-value", `\`${clip(e.key.text)}\` has a prefix outside 0..32`, "write `ADDRESS/PREFIX` with a prefix 0..32");
        return;
      }
      prefix = Number(lenText);
    }
    let dev: string | undefined = inst.interface;
    let label: string | undefined;
    const args = e.args;
    for (let i = 0; i < args.length; i++) {
      const w = args[i]!.text;
      const next = args[i + 1];
      if (w === "brd" || w === "broadcast") {
        if (next !== undefined && next.text !== "-" && next.text !== "+") this.ipv4(next, "a broadcast address", args[i]!);
        i++;
      } else if (w === "dev") {
        dev = this.iface(next, args[i]!);
        i++;
      } else if (w === "label") {
        label = this.iface(next, args[i]!);
        i++;
      } else if (w === "scope" || w === "preferred_lft" || w === "track_group") i++;
      else if (w === "no_track" || w === "home" || w === "nodad" || w === "noprefixroute" || w === "autojoin") continue;
      else this.err(args[i]!, "import-unknown-keyword", `\`${clip(w)}\` is not an address option lvsc knows`, "lvsc leaves it out; check what keepalived does with it");
    }
    if (label !== undefined && dev !== undefined && !label.startsWith(`${dev}:`) && label !== dev) {
      this.err(e.key, "import-invalid-value", `the label \`${clip(label)}\` is not of the device \`${clip(dev)}\``, `a label is the device and a tag, e.g. \`${clip(dev)}:101\``);
      return;
    }
    const device = label !== undefined && label !== dev ? label : dev;
    inst.addrs.push({ address: a.value, prefix, device, at: this.stmtWhere(e) });
  }

  // -- virtual servers --

  private virtualServer(s: Stmt) {
    const a0 = s.args[0];
    let vip: IPv4 | undefined;
    let port = 0;
    let fwmark: number | undefined;
    if (a0 === undefined) return this.err(s.key, "import-syntax", "`virtual_server` without an address", "write `virtual_server IP PORT { ... }` or `virtual_server fwmark N { ... }`");
    if (a0.text === "group") return this.err(a0, "import-virtual-server-group", `\`virtual_server group ${clip(s.args[1]?.text ?? "")}\`: a group is many services, which lvsc cannot write as one`, "write one virtual_server per address and port, then import");
    if (a0.text === "fwmark") {
      fwmark = this.uint(s.args[1], 1, FWMARK_MAX, "a firewall mark", a0);
      if (fwmark === undefined) return;
    } else {
      vip = this.ipv4(a0, "an address", s.key);
      if (vip === undefined) return;
      if (s.args[1] !== undefined) {
        const p = this.uint(s.args[1], 0, 65535, "a port", s.key);
        if (p === undefined) return;
        port = p;
      }
    }
    for (const extra of s.args.slice(fwmark !== undefined ? 2 : 2)) this.err(extra, "import-syntax", `\`${clip(extra.text)}\` after the virtual server`, "write `virtual_server IP PORT` or `virtual_server fwmark N`");
    if (s.block === undefined) return this.err(s.key, "import-syntax", "`virtual_server` without its `{ ... }` block", "give the virtual server's settings and real servers in a block");
    let bad = false;
    let protocol: "tcp" | "udp" | undefined;
    let protoAt: Token | undefined;
    let scheduler: string | undefined;
    let method: ForwardingMethod | undefined;
    let timeout: number | undefined;
    let granularity: IPv4 | undefined;
    let alpha = false;
    let vsWeight: number | undefined;
    let vsHost: Token | undefined;
    const rss: RsRead[] = [];
    const timers: Stmt[] = [];
    for (const v of s.block) {
      const k = v.key.text;
      const a = v.args[0];
      if (k === "lvs_sched" || k === "lb_algo") {
        if (a === undefined) bad = this.bad(v.key, "a scheduler");
        else if (!SCHEDULER_SET.has(a.text)) {
          this.err(a, "import-unknown-scheduler", `\`${clip(a.text)}\` is not a scheduler the kernel has`, `use one of ${SCHEDULERS.join(", ")}`);
          bad = true;
        } else scheduler = a.text;
      } else if (k === "lvs_method" || k === "lb_kind") {
        const m = this.method(v);
        if (m === undefined) bad = true;
        else method = m;
      } else if (k === "protocol") {
        const p = a?.text.toUpperCase();
        protoAt = v.key;
        if (p === "TCP") protocol = "tcp";
        else if (p === "UDP") protocol = "udp";
        else if (p === "SCTP") {
          this.err(a!, "import-sctp", "`protocol SCTP`: lvsc has no SCTP services", "keep this virtual server in keepalived, outside the imported cluster");
          bad = true;
        } else {
          this.err(a ?? v.key, "import-invalid-value", `\`${clip(a?.text ?? "protocol")}\` is not a protocol (TCP, UDP)`, "write `protocol TCP` or `protocol UDP`");
          bad = true;
        }
      } else if (k === "persistence_timeout") {
        if (a === undefined) {
          timeout = PERSISTENT_DEFAULT;
          this.err(v.key, "import-default-applied", "`persistence_timeout` without a value: keepalived's 360 s applied", "write the timeout, e.g. `persistence_timeout 360`");
        } else {
          const t = this.uint(a, 1, LVS_MAX_TIMEOUT, "a timeout in seconds", v.key);
          if (t === undefined) bad = true;
          else timeout = t;
        }
      } else if (k === "persistence_granularity") {
        const m = this.ipv4(a, "a netmask", v.key);
        if (m === undefined) bad = true;
        else if (prefixOfMask(m) === undefined) {
          this.err(a!, "import-invalid-value", `\`${clip(a!.text)}\` is not a contiguous netmask`, "lvsc's `ppc -M` takes a netmask such as `255.255.255.0`");
          bad = true;
        } else granularity = m;
      } else if (k === "alpha") alpha = true;
      else if (k === "weight") vsWeight = this.uint(a, 0, 65535, "a weight", v.key) ?? vsWeight;
      else if (k === "ip_family") {
        if (a?.text === "inet6") {
          this.err(a, "import-ipv6", "`ip_family inet6`: an IPv6 virtual server", "lvsc builds IPv4 clusters only");
          bad = true;
        } else if (a?.text !== "inet") bad = this.bad(v.key, "`inet` or `inet6`");
      } else if (IPVS_FLAGS.has(k)) {
        this.err(v.key, "import-ipvs-option", `\`${clip(k)}\` changes how IPVS schedules this service, and lvsc cannot write it`, "remove it from keepalived.conf if the service can do without it, then import; else keep the service in keepalived");
        bad = true;
      } else if (k === "real_server") {
        const rs = this.realServer(v, vsWeight);
        if (rs === null) bad = true;
        else if (rs !== undefined) rss.push(rs);
      } else if (k === "warmup") this.dropped(v, "the first check's random delay: lvsc writes keepalived's default, up to delay_loop");
      else if (TIMERS.has(k)) timers.push(v);
      else if (k === "virtualhost") vsHost = a ?? v.key;
      else if (k in DROPPED_VS) this.dropped(v, DROPPED_VS[k]!);
      else this.unknown(v, "in `virtual_server`");
      if (SCALAR.has(k)) this.noBlock(v);
    }
    if (bad) return;
    // keepalived's defaults, in check_data.c's order
    const at = this.stmtWhere(s);
    if (fwmark === undefined && protocol === undefined) {
      protocol = "udp";
      this.err(s.key, "import-default-applied", "no `protocol`: keepalived's default UDP applied", "write `protocol UDP` (or TCP, if that was meant: keepalived serves UDP)");
    }
    if (fwmark !== undefined && protocol !== undefined) {
      this.err(protoAt!, "import-default-applied", "`protocol` in a fwmark virtual server: keepalived ignores it", "remove it: a firewall-mark service takes every protocol the mark matches");
      protocol = undefined;
    }
    if (fwmark === undefined && port === 0 && timeout === undefined && granularity === undefined) {
      timeout = PERSISTENT_DEFAULT;
      this.err(s.key, "import-default-applied", "port 0 without persistence: keepalived makes it persistent for 360 s", "write `persistence_timeout 360`");
    }
    if (granularity !== undefined && timeout === undefined) {
      timeout = PERSISTENT_DEFAULT;
      this.err(s.key, "import-default-applied", "`persistence_granularity` without `persistence_timeout`: keepalived makes it persistent for 360 s", "write `persistence_timeout 360`");
    }
    if (scheduler === undefined) {
      scheduler = "wlc";
      this.err(s.key, "import-default-applied", "no `lvs_sched`: keepalived's default `wlc` applied", "write `lvs_sched wlc`");
    }
    const servers: ImportedServer[] = [];
    const reads: { rs: RsRead; read: CheckerRead }[] = [];
    const checked = { protocol: fwmark !== undefined ? ("fwmark" as const) : protocol!, port };
    const seen = new Set<string>();
    let methodDefaulted = false;
    for (const rs of rss) {
      const k = `${rs.address}:${rs.port ?? 0}`;
      if (seen.has(k)) {
        this.err(rs.stmt.key, "import-default-applied", `the real server \`${formatIPv4(rs.address)}${rs.port !== undefined ? ` ${rs.port}` : ""}\` is given twice: keepalived removes the second`, "remove the duplicate");
        continue;
      }
      seen.add(k);
      let m = rs.method ?? method;
      if (m === undefined) {
        if (!methodDefaulted) this.err(s.key, "import-default-applied", "no `lvs_method`: keepalived's default NAT applied", "write `lvs_method NAT` (or DR or TUN)");
        methodDefaulted = true;
        method = "nat";
        m = "nat";
      }
      let p = rs.port ?? 0;
      if (m === "nat") {
        if (fwmark === undefined && p === 0) p = port;
      } else if (fwmark !== undefined) {
        if (p !== 0) this.err(rs.stmt.args[1] ?? rs.stmt.key, "import-default-applied", `port ${p} of a real server of a fwmark service by ${m.toUpperCase()}: keepalived clears it`, "remove the port: the packets keep their own");
        p = 0;
      } else if (p === 0) p = port;
      else if (p !== port) {
        this.err(rs.stmt.args[1] ?? rs.stmt.key, "import-default-applied", `port ${p} differs from the virtual server's ${port} under ${m.toUpperCase()}: keepalived resets it to ${port}`, "a DR or TUN real server gets the packet with the VIP's port; write that port");
        p = port;
      }
      const weight = rs.weight ?? vsWeight ?? 1;
      if (rs.weight === undefined) this.err(rs.stmt.key, "import-default-applied", `no \`weight\`: keepalived's ${vsWeight !== undefined ? "virtual server weight" : "default"} ${weight} applied`, `write \`weight ${weight}\``);
      reads.push({ rs, read: readChecker(rs.checkers, { stmt: rs.stmt, address: rs.address, port: p, rsTimers: rs.timers, rsHost: rs.host }, { service: checked, vsTimers: timers, vsHost }) });
      servers.push({ address: rs.address, port: p, weight, method: m, at: this.stmtWhere(rs.stmt) });
    }
    if (servers.length === 0) {
      this.err(s.key, "import-default-applied", "a virtual server without real servers: keepalived ignores it", "add its real servers, or remove it");
      return;
    }
    const check = this.checks(reads, checked);
    this.reading.services.push({
      protocol: fwmark !== undefined ? "fwmark" : protocol!,
      vip: fwmark !== undefined ? undefined : vip,
      port: fwmark !== undefined ? 0 : port,
      fwmark,
      scheduler,
      persistence: timeout !== undefined ? { timeout, netmask: granularity ?? 0xffffffff } : undefined,
      servers,
      ...(check !== undefined ? { check } : {}),
      at,
      alpha,
      stmt: s,
    });
  }

  private bad(t: Token, what: string): true {
    this.err(t, "import-invalid-value", `\`${clip(t.text)}\` without ${what}`, `give ${what}`);
    return true;
  }

  /** `NAT|DR|TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]` */
  private method(v: Stmt): ForwardingMethod | undefined {
    const a = v.args[0];
    const m = a?.text === "NAT" ? "nat" : a?.text === "DR" ? "dr" : a?.text === "TUN" ? "tun" : undefined;
    if (m === undefined) {
      this.err(a ?? v.key, "import-invalid-value", `\`${clip(a?.text ?? v.key.text)}\` is not a forwarding method (NAT, DR, TUN)`, "write `lvs_method NAT`, `DR` or `TUN`");
      return undefined;
    }
    const rest = v.args.slice(1);
    if (rest.length === 0) return m;
    if (m === "tun" && rest.length === 2 && rest[0]!.text === "type" && rest[1]!.text === "ipip") return m;
    const t = rest.find((x) => x.text !== "type" && x.text !== "ipip") ?? rest[0]!;
    this.err(t, "import-tunnel-type", `\`${clip(v.args.map((x) => x.text).join(" "))}\`: lvsc's tunnels are plain IPIP`, "use `lvs_method TUN` (IPIP) if the real servers take it, else keep the service in keepalived");
    return undefined;
  }

  /** undefined: ignored (keepalived skips it); null: the virtual server cannot be imported. */
  private realServer(v: Stmt, vsWeight: number | undefined): RsRead | undefined | null {
    const address = this.ipv4(v.args[0], "an address", v.key);
    if (address === undefined) return null;
    let port: number | undefined;
    if (v.args[1] !== undefined) {
      port = this.uint(v.args[1], 0, 65535, "a port", v.key);
      if (port === undefined) return null;
    }
    for (const extra of v.args.slice(2)) this.err(extra, "import-syntax", `\`${clip(extra.text)}\` after the real server`, "write `real_server IP PORT { ... }`");
    const rs: RsRead = { address, port, weight: undefined, method: undefined, checkers: [], timers: [], host: undefined, stmt: v };
    let bad = false;
    for (const b of v.block ?? []) {
      const k = b.key.text;
      if (k === "weight") {
        const w = this.uint(b.args[0], 0, 65535, "a weight", b.key);
        if (w === undefined) bad = true;
        else rs.weight = w;
      } else if (k === "lvs_method") {
        const m = this.method(b);
        if (m === undefined) bad = true;
        else rs.method = m;
      } else if (CHECKERS.has(k)) {
        rs.checkers.push(b);
        continue;
      } else if (k === "warmup") this.dropped(b, "the first check's random delay: lvsc writes keepalived's default, up to delay_loop");
      else if (TIMERS.has(k)) rs.timers.push(b);
      else if (k === "virtualhost") rs.host = b.args[0] ?? b.key;
      else if (k in DROPPED_RS) this.dropped(b, DROPPED_RS[k]!);
      else this.unknown(b, "in `real_server`");
      if (SCALAR.has(k)) this.noBlock(b);
    }
    void vsWeight;
    return bad ? null : rs;
  }

  /**
   * The service's check from its real servers' checkers (src/import-checks.ts): a CHECK when every
   * real server has the same one and it is not lvsc's default; else lvsc's default, and a warning at
   * each checker a CHECK cannot say, or at each real server whose check differs from the first's.
   */
  private checks(reads: { rs: RsRead; read: CheckerRead }[], service: { protocol: "tcp" | "udp" | "fwmark"; port: number }): ImportedCheck | undefined {
    const lvsc = `lvsc's own ${service.protocol === "fwmark" || service.port === 0 ? "PING_CHECK" : service.protocol === "udp" ? "UDP_CHECK" : service.port === 80 ? "HTTP_GET of `/`" : "TCP_CHECK"}`;
    const bad = reads.filter((r) => !r.read.ok);
    for (const { read } of bad)
      if (!read.ok) this.err(read.at, "import-checker-replaced", `${read.why}; replaced by ${lvsc}`, "the imported conf checks the service with lvsc's own checker; check that the real servers pass it, or change keepalived.conf's checker to one a CHECK line says, then import");
    if (bad.length > 0) return undefined;
    const checks = reads.map((r) => (r.read.ok ? r.read.check : "default"));
    const first = reads[0]!;
    const key = (c: ImportedCheck | "default") => JSON.stringify(c);
    const differing = reads.filter((_, i) => key(checks[i]!) !== key(checks[0]!));
    if (differing.length > 0) {
      for (const r of differing) {
        const i = reads.indexOf(r);
        const [a, b] = [checks[i]!, checks[0]!];
        const what = a === "default" || b === "default" ? [`${a === "default" ? "lvsc's own checker" : a.kind}, not ${b === "default" ? "lvsc's own checker" : b.kind}`] : checkDifferences(a, b);
        this.err(
          r.read.at,
          "import-checker-replaced",
          `the check of \`${formatIPv4(r.rs.address)}\` differs from \`${formatIPv4(first.rs.address)}\`'s (line ${first.read.at.span.start.line}): ${what.slice(0, 4).map((d) => `\`${clip(d)}\``).join(", ")}${what.length > 4 ? ", ..." : ""}; replaced by ${lvsc}`,
          "lvsc's CHECK is one check a service, for all its real servers: make their checkers the same, then import",
        );
      }
      return undefined;
    }
    for (const { read } of reads) if (read.ok) for (const n of read.notes) this.err(n.at, n.code, n.message, n.hint);
    const c = checks[0]!;
    return c === "default" || isDefaultCheck(c, service) ? undefined : c;
  }

  view(): View | undefined {
    return build(this.reading, this.lx);
  }
}

// ---- a reading → its clusters ----

function build(r: Reading, lx: Lexer): View | undefined {
  const top: Where = { file: r.file, span: lx.spanOf(r.file, 0, 0) };
  const floatingOf = new Map<IPv4, { addr: Addr; inst: Instance }>();
  for (const inst of r.instances) for (const a of inst.addrs) if (!floatingOf.has(a.address)) floatingOf.set(a.address, { addr: a, inst });
  const byVip = new Map<IPv4, SvcRead[]>();
  const fwmarks: SvcRead[] = [];
  for (const s of r.services) {
    if (s.vip === undefined) fwmarks.push(s);
    else byVip.set(s.vip, [...(byVip.get(s.vip) ?? []), s]);
  }
  if (fwmarks.length > 0) {
    const firstFloating = r.instances.flatMap((i) => i.addrs)[0]?.address;
    const target = firstFloating !== undefined && !byVip.has(firstFloating) && byVip.size === 0 ? firstFloating : firstFloating !== undefined && byVip.has(firstFloating) ? firstFloating : [...byVip.keys()][0];
    if (target !== undefined) byVip.set(target, [...(byVip.get(target) ?? []), ...fwmarks]);
  }
  const noVip = fwmarks.length > 0 && byVip.size === 0 ? fwmarks : [];
  for (const s of noVip) lx.at(s.stmt.key, "import-vip-not-floating", "a fwmark virtual server with no VIP: no VRRP instance holds an address and no virtual server names one", "the cluster is imported without a VIP; give it one (add the VRRP instance that holds it, or pass the file that has it)");
  const vipAddresses = new Set(byVip.keys());
  const clusters: ImportedCluster[] = [];
  let vipInst: Instance | undefined;
  let dipInst: Instance | undefined;
  for (const [vipAddr, services] of byVip) {
    const f = floatingOf.get(vipAddr);
    let vip: ImportedVip;
    let dip: ImportedDip | undefined;
    let routerId: number | undefined;
    if (f === undefined) {
      const first = services.find((s) => s.vip !== undefined) ?? services[0]!;
      lx.at(first.stmt.args[0] ?? first.stmt.key, "import-vip-not-floating", `no VRRP instance holds \`${formatIPv4(vipAddr)}\`: keepalived does not bring the VIP up`, "the imported conf gives the VIP to the director; check how it gets there now (pass the file with its vrrp_instance)");
      vip = { address: vipAddr, prefix: undefined, device: undefined, at: undefined };
    } else {
      vip = { address: vipAddr, prefix: f.addr.prefix, device: f.addr.device, at: f.addr.at };
      routerId = f.inst.routerId;
      vipInst ??= f.inst;
      // the DIP: another address of the VIP's instance, or of an instance synced with it
      const group = r.groups.find((g) => g.includes(f.inst.name)) ?? [f.inst.name];
      const insts = [f.inst, ...r.instances.filter((i) => i !== f.inst && group.includes(i.name))];
      const candidates = insts.flatMap((i) => i.addrs.map((a) => ({ a, i }))).filter(({ a }) => !vipAddresses.has(a.address));
      const c = candidates[0];
      if (c !== undefined && c.a.device !== undefined) {
        dip = { address: c.a.address, prefix: c.a.prefix, device: c.a.device, at: c.a.at };
        dipInst ??= c.i;
        if (c.i.routerId !== undefined && routerId !== undefined && c.i.routerId !== routerId)
          lx.report(c.i.at.file, c.i.at.span, "import-setting-dropped", `the DIP's instance uses router id ${c.i.routerId}, the VIP's ${routerId}: lvsc gives both one router id`, "the imported conf uses the VIP's router id for both");
      }
      for (const extra of candidates.slice(1)) lx.report(extra.a.at.file, extra.a.at.span, "import-setting-dropped", `the floating address \`${formatIPv4(extra.a.address)}\` is dropped: lvsc floats the VIP and the DIP only`, "float it some other way, or leave it to keepalived outside the imported cluster");
    }
    const alphas = services.filter((s) => s.alpha).length;
    if (alphas > 0 && alphas < services.length)
      for (const s of services.filter((x) => !x.alpha)) lx.at(s.stmt.key, "import-setting-dropped", "`alpha` is set on other virtual servers, not this one: lvsc's INITIAL_STATE=off applies to all", "set `alpha` on every virtual server, or on none");
    checkMethods(services, lx);
    const vrrp = f !== undefined ? vrrpTimers(f.inst, dip !== undefined ? dipInst : undefined, r, lx) : undefined;
    clusters.push({
      vip,
      dip,
      routerId,
      pair: undefined,
      ...(vrrp !== undefined ? { vrrp } : {}),
      initialState: alphas === 0,
      services: services.map(strip),
    });
  }
  if (noVip.length > 0) {
    checkMethods(noVip, lx);
    clusters.push({ vip: undefined, dip: undefined, routerId: undefined, pair: undefined, initialState: !noVip.some((s) => s.alpha), services: noVip.map(strip) });
  }
  vipInst ??= r.instances[0];
  const pairInst = dipInst ?? vipInst;
  const own = pairInst?.src ?? vipInst?.src;
  return {
    clusters,
    priority: vipInst?.priority ?? 100,
    own,
    peers: [...new Set([...(dipInst?.peers ?? []), ...(vipInst?.peers ?? [])])],
    preempt: !(vipInst?.nopreempt ?? false),
    file: r.file,
    top,
  };
}

/**
 * The VRRP timers of the VIP's instance (and of the DIP's, which must be the same): advert_int and
 * version (the instance's, else global_defs' vrrp_version, else 2), within the limits lvsc's
 * validator puts on VRRP_ADVERT and VRRP_VERSION (src/vrrp-timers.ts). Timers lvsc cannot write
 * are reported, and lvsc's default (1 s, VRRPv2) is imported instead.
 */
function vrrpTimers(vipInst: Instance, dipInst: Instance | undefined, r: Reading, lx: Lexer): ImportedVrrpTimers {
  const fallback: ImportedVrrpTimers = { ...DEFAULT_VRRP_TIMERS, at: undefined };
  const report = (t: Token, message: string, hint: string) => lx.at(t, "import-vrrp-timers", message, hint);
  const one = (inst: Instance): ImportedVrrpTimers | undefined => {
    const vs = inst.version ?? r.version;
    const vt = vs?.args[0];
    let version: 2 | 3 = 2;
    if (vs !== undefined) {
      if (vt?.text !== "2" && vt?.text !== "3") {
        report(vt ?? vs.key, `\`${clip(vs.key.text)} ${clip(vt?.text ?? "")}\` is not VRRP version 2 or 3`, "write `version 2` or `version 3`; the imported conf keeps lvsc's default, VRRPv2");
        return undefined;
      }
      version = vt.text === "3" ? 3 : 2;
    }
    const a = inst.advert;
    const at = a !== undefined ? { file: a.key.file, span: a.key.span } : vs !== undefined ? { file: vs.key.file, span: vs.key.span } : undefined;
    if (a === undefined) return { advertCs: DEFAULT_VRRP_TIMERS.advertCs, version, at };
    const t = a.args[0];
    const parsed = parseAdvert(t?.text ?? "");
    const range = (v: 2 | 3) => (v === 2 ? "whole seconds from 1 to 255" : "seconds to the hundredth from 0.01 to 40.95");
    const hint = "the imported conf keeps lvsc's default, adverts every second (VRRPv2); write an advert_int VRRP_ADVERT takes, or set VRRP_ADVERT by hand";
    if (!parsed.ok) {
      report(t ?? a.key, parsed.why === "precision" ? `\`advert_int ${clip(t!.text)}\` is finer than a hundredth of a second: keepalived rounds it, VRRP_ADVERT refuses it` : `\`advert_int ${clip(t?.text ?? "")}\` is not seconds VRRP_ADVERT takes`, hint);
      return undefined;
    }
    if (version === 2 && parsed.cs % 100 !== 0) {
      report(t!, `\`advert_int ${clip(t!.text)}\` has a fraction under VRRPv2, which counts whole seconds: keepalived rounds it`, `add \`version 3\` to keepalived.conf if the fraction was meant; ${hint}`);
      return undefined;
    }
    const lim = VRRP_ADVERT_LIMITS[version];
    if (parsed.cs < lim.min || parsed.cs > lim.max) {
      report(t!, `\`advert_int ${clip(t!.text)}\` is outside VRRPv${version}'s range: ${range(version)}`, hint);
      return undefined;
    }
    return { advertCs: parsed.cs, version, at };
  };
  const vip = one(vipInst);
  if (vip === undefined) return fallback;
  if (dipInst === undefined || dipInst === vipInst) return vip;
  const dip = one(dipInst);
  if (dip === undefined) return fallback;
  if (dip.advertCs !== vip.advertCs || dip.version !== vip.version) {
    const where = dipInst.advert?.key ?? dipInst.version?.key;
    const name = (x: ImportedVrrpTimers) => `advert_int ${formatCs(x.advertCs)}, VRRPv${x.version}`;
    const message = `the DIP's instance \`${clip(dipInst.name)}\` has ${name(dip)}, the VIP's \`${clip(vipInst.name)}\` ${name(vip)}: lvsc gives both instances one VRRP_ADVERT`;
    const hint = "the imported conf takes the VIP's instance's timers for both; make the two instances' advert_int and version the same";
    if (where !== undefined) report(where, message, hint);
    else lx.report(dipInst.at.file, dipInst.at.span, "import-vrrp-timers", message, hint);
  }
  return vip;
}

function strip(s: SvcRead): ImportedService {
  return { protocol: s.protocol, vip: s.vip, port: s.port, fwmark: s.fwmark, scheduler: s.scheduler, persistence: s.persistence, servers: s.servers, ...(s.check !== undefined ? { check: s.check } : {}), at: s.at };
}

/** One forwarding method for the cluster; LocalNode (a loopback address by DR) is the one exception. */
function checkMethods(services: SvcRead[], lx: Lexer) {
  let first: { m: ForwardingMethod; at: Where } | undefined;
  for (const s of services)
    for (const d of s.servers) {
      if (isLoopback(d.address) && d.method === "dr") continue;
      if (first === undefined) first = { m: d.method, at: d.at };
      else if (d.method !== first.m)
        lx.report(d.at.file, d.at.span, "import-mixed-methods", `\`${formatIPv4(d.address)}\` is reached by ${d.method.toUpperCase()}, the cluster's other real servers by ${first.m.toUpperCase()} (line ${first.at.span.start.line} of ${first.at.file})`, "lvsc's LVS_TYPE is one forwarding method for the cluster (the director itself, 127.0.0.1 by DR, aside); split the cluster into one conf per method");
    }
}

// ---- readings → clusters (a pair when two directors were read) ----

function assemble(views: View[], report: (w: Where, code: Code, message: string, hint: string) => void): ImportedCluster[] {
  const clusters = pairUp(views, report);
  // VRRP_ADVERT and VRRP_VERSION are a pair's: a single director's keepalived.conf advertises every second
  for (const c of clusters)
    if (c.pair === undefined && c.vrrp?.at !== undefined && (c.vrrp.advertCs !== DEFAULT_VRRP_TIMERS.advertCs || c.vrrp.version !== DEFAULT_VRRP_TIMERS.version)) {
      report(c.vrrp.at, "import-vrrp-timers", `advert_int ${formatCs(c.vrrp.advertCs)}, VRRPv${c.vrrp.version} on a single director: lvsc's keepalived.conf for one director advertises every second, VRRPv2`, "no BACKUP listens to one director's adverts; to import the timers, pass both directors' files (VRRP_ADVERT needs DIRECTOR_PAIR)");
      c.vrrp = undefined;
    }
  return clusters;
}

function pairUp(views: View[], report: (w: Where, code: Code, message: string, hint: string) => void): ImportedCluster[] {
  if (views.length === 0) return [];
  if (views.length === 1) {
    const v = views[0]!;
    if (v.own !== undefined) {
      const peer = v.peers.filter((p) => p !== v.own!.address);
      if (peer.length === 1) {
        const pair: ImportedPair = { director1: v.own.address, director2: peer[0]!, preempt: v.preempt, at: v.own.at };
        for (const c of v.clusters) c.pair = pair;
      } else
        report(v.own.at, "import-pair-peer-unknown", `this file is one director's of a pair (\`${formatIPv4(v.own.address)}\`), and the other director is not known`, "pass both directors' files (e.g. keepalived.conf and keepalived.backup.conf) to import the pair; alone it imports as one director");
    }
    return v.clusters;
  }
  if (views.every((v) => v.clusters.length === 0)) return [];
  if (views.length > 2) {
    report(views[2]!.top, "import-pair-mismatch", `${views.length} directors' readings: a pair has two`, "pass the two files of one pair (or one file for two config ids)");
    return views[0]!.clusters;
  }
  const sorted = [...views].sort((a, b) => b.priority - a.priority);
  const [d1, d2] = sorted as [View, View];
  if (d1.priority === d2.priority)
    report(d2.top, "import-pair-mismatch", `both directors have VRRP priority ${d1.priority}: which one is director1 is not known`, "give director1 the higher priority; the first file is taken as director1's");
  const a = JSON.stringify(d1.clusters.map(shape));
  const b = JSON.stringify(d2.clusters.map(shape));
  if (a !== b) {
    // at the first service of one that the other does not have as it is, else at the file
    const other = (x: View, y: View) => {
      const ys = new Set(y.clusters.flatMap((c) => c.services.map((s) => JSON.stringify(serviceShape(s)))));
      return x.clusters.flatMap((c) => c.services).find((s) => !ys.has(JSON.stringify(serviceShape(s))));
    };
    const s = other(d2, d1) ?? other(d1, d2);
    report(s?.at ?? d2.top, "import-pair-mismatch", s !== undefined ? "this virtual server is not the same in the other director's file" : "the two directors' files build different clusters (VIP, DIP, router id, alpha or VRRP timers differ)", "both directors of a pair must build the same table; make the files agree, then import");
    return d1.clusters;
  }
  if (d1.own === undefined || d2.own === undefined || d1.own.address === d2.own.address) {
    report(d1.own?.at ?? d1.top, "import-pair-peer-unknown", "the directors' own addresses are not known: no `mcast_src_ip` or `unicast_src_ip` tells them apart", "add each director's `mcast_src_ip` (its own address on the DIP's network)");
    return d1.clusters;
  }
  if (d1.preempt !== d2.preempt) report(d2.top, "import-pair-mismatch", "one director preempts and the other does not", "lvsc's VRRP_PREEMPT is one setting for both; director1's is used");
  const pair: ImportedPair = { director1: d1.own.address, director2: d2.own.address, preempt: d1.preempt, at: d1.own.at };
  for (const c of d1.clusters) c.pair = pair;
  return d1.clusters;
}

/** A cluster without where its parts were written: what the two directors must agree on. */
function shape(c: ImportedCluster) {
  return {
    vip: [c.vip?.address, c.vip?.prefix, c.vip?.device],
    dip: [c.dip?.address, c.dip?.prefix, c.dip?.device],
    routerId: c.routerId,
    initialState: c.initialState,
    vrrp: c.vrrp !== undefined ? [c.vrrp.advertCs, c.vrrp.version] : null,
    services: c.services.map(serviceShape),
  };
}

function serviceShape(s: ImportedService) {
  return [s.protocol, s.vip, s.port, s.fwmark, s.scheduler, s.persistence, s.servers.map((d) => [d.address, d.port, d.weight, d.method]), s.check ?? null];
}
