// AST -> LvsConfig + diagnostics: typed value parsing, name resolution and cross-line checks. Never throws.

import { subField, type ConfFile, type Directive, type Field } from "./ast.js";
import {
  DEFAULT_PERSISTENCE_TIMEOUT,
  DEFAULT_SCHEDULER,
  DIRECTIVES,
  VRRP_PRIORITIES,
  MAX_FWMARK,
  MAX_PERSISTENCE_TIMEOUT,
  MAX_WEIGHT,
  MH_EVEN_SERVERS,
  MH_TABLE_SIZE,
  MISSPELLINGS,
  SCHEDULERS,
  SCHED_FLAGS,
  SERVICE_NAME_HINTS,
  typeFromFileName,
} from "./directives.js";
import { countErrors, diag, START_OF_FILE, type Code, type Diagnostic, type Span } from "./diagnostics.js";
import type { HostTable } from "./hosts.js";
import type {
  ActiveDirectors,
  Director,
  DirectorInside,
  DirectorPair,
  LvsConfig,
  LvsType,
  Persistence,
  RealServer,
  ServiceProtocol,
  Vip,
  VirtualService,
  VrrpId,
} from "./model.js";
import { TYPE_NAMES } from "./model.js";
import {
  broadcastOf,
  formatIPv4,
  inNetwork,
  ipv4At,
  isHostname,
  isLoopback,
  looksLikeIPv4,
  maskOfPrefix,
  networkOf,
  parseIface,
  parseIPv4,
  prefixOfMask,
  type Iface,
  type IPv4,
} from "./net.js";
import { derivedRouterId } from "./vrrp-id.js";
import { applyChecks } from "./checks.js";
import { DEFAULT_VRRP_TIMERS, parseAdvert, VRRP_ADVERT_LIMITS, type VrrpTimers } from "./vrrp-timers.js";
import { lookupService, type Protocol, type ServiceTable } from "./services.js";
import { closest, didYouMean, listing, printable } from "./text.js";

export interface ValidateOptions {
  /** The conf's file name, used to suggest LVS_TYPE. */
  file?: string | undefined;
  hosts: HostTable;
  services: ServiceTable;
}

export interface ValidateResult {
  /** Present only when there is no error. */
  config: LvsConfig | undefined;
  diagnostics: Diagnostic[];
  /** Host names the conf used, as resolved from the hosts files, in order of first use. */
  names: Map<string, IPv4>;
}

const TYPES: Record<string, LvsType> = { VS_DR: "dr", VS_NAT: "nat", VS_TUN: "tun" };

/** How many distinct unknown names of a file get a "did you mean" from the hosts or services table. */
export const SUGGESTED = 10;

/**
 * The number written from `from` to the end of `s` in 1 to `max` decimal digits, else NaN (what
 * /^\d{1,max}$/ and Number() read, without a regex or a substring on the hot path).
 */
function digitsAt(s: string, from: number, max: number): number {
  const n = s.length - from;
  if (n < 1 || n > max) return NaN;
  let v = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
    v = v * 10 + c - 48;
  }
  return v;
}

/**
 * A real server of the model. What it keeps of its field (the host as written, the span) is read
 * from the field when asked for: a large conf has 100,000 real servers, and every object and
 * string less is less work for the garbage collector.
 */
class ConfRealServer implements RealServer {
  readonly #field: Field;
  constructor(
    readonly address: IPv4,
    readonly port: number,
    readonly weight: number,
    field: Field,
  ) {
    this.#field = field;
  }

  get localNode(): boolean {
    return isLoopback(this.address);
  }

  /** The host as written: the field up to its `:port` or `,weight`. */
  get written(): string {
    const text = this.#field.text;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 58 /* : */ || c === 44 /* , */) return text.slice(0, i);
    }
    return text;
  }

  get span(): Span {
    return this.#field.span;
  }
}
const SCHEDULER_SET: ReadonlySet<string> = new Set(SCHEDULERS);

/** A SERVICE's model with its service and protocol fields, for cross-line checks to point at. */
interface ParsedService {
  value: VirtualService;
  field: Field;
  protoField: Field;
  /** The scheduler as written, when it is. */
  schedField?: Field | undefined;
}

/** A value with the span it came from, so cross-line checks can point at the right field. */
interface Located<T> {
  value: T;
  span: Span;
}

export function validate(ast: ConfFile, opts: ValidateOptions): ValidateResult {
  return new Validator(opts).run(ast);
}

class Validator {
  private readonly out: Diagnostic[] = [];
  private readonly names = new Map<string, IPv4>();
  /** "did you mean" results by table and word (see suggestion()). */
  private readonly suggestions = new Map<string, Map<string, string>>();
  constructor(private readonly opts: ValidateOptions) {}

  private report(code: Code, message: string, span: Span, hint?: string, related?: { message: string; span: Span }[]): void {
    this.out.push(diag(code, message, span, { hint, related }));
  }

  run(ast: ConfFile): ValidateResult {
    const single = new Map<string, Directive>();
    const services: Directive[] = [];
    const checks: Directive[] = [];
    // the other repeatable directives (BGP_PEER), by name
    const repeated = new Map<string, Directive[]>();

    // ---- names: unknown, deprecated, duplicated ----
    for (const d of ast.directives) {
      const name = d.name.text;
      const spec = DIRECTIVES[name];
      if (spec === undefined) {
        if (!d.broken) this.unknownDirective(d);
        continue;
      }
      if (name === "CHECK") {
        checks.push(d);
        continue;
      }
      if (spec.repeatable) {
        if (name === "SERVICE") services.push(d);
        else repeated.set(name, [...(repeated.get(name) ?? []), d]);
        continue;
      }
      const canonical = spec.deprecatedFor ?? name;
      if (spec.deprecatedFor !== undefined && !d.broken)
        this.report(
          "deprecated-directive",
          `\`${name}\` is an old spelling of \`${spec.deprecatedFor}\``,
          d.name.span,
          `write \`${spec.deprecatedFor}=${d.args.map((a) => a.text).join(" ")}\``,
        );
      const first = single.get(canonical);
      if (first !== undefined) {
        if (!d.broken)
          this.report(
            "duplicate-directive",
            first.name.text === name ? `\`${name}\` is given twice` : `\`${name}\` repeats \`${first.name.text}\``,
            d.name.span,
            "keep one; every directive except SERVICE appears once",
            [{ message: "first given here", span: first.name.span }],
          );
        continue;
      }
      single.set(canonical, d);
    }

    // ---- each directive's value ----
    const present = (n: string) => single.get(n);
    const ok = (n: string) => {
      const d = single.get(n);
      return d !== undefined && !d.broken ? d : undefined;
    };
    const type = this.lvsType(ok("LVS_TYPE"));
    const initialState = this.initialState(ok("INITIAL_STATE"));
    const vip = this.vip(ok("VIP"));
    const dip = this.dip(ok("DIRECTOR_INSIDEIP"));
    const directorGateway = this.singleAddress(ok("DIRECTOR_DEFAULT_GW"), "gateway");
    const serverGateway = this.singleAddress(ok("SERVER_DEFAULT_GW"), "gateway");
    const vipDeviceDirective = ok("SERVER_VIP_DEVICE");
    const serverVipDevice = this.singleIface(vipDeviceDirective, true);
    const serverNetDevice = this.singleIface(ok("SERVER_NET_DEVICE"), false);
    const parsedServices = services.filter((d) => !d.broken).map((d) => this.service(d, type?.value));

    // ---- required directives ----
    const fileType = typeFromFileName(this.opts.file);
    if (present("LVS_TYPE") === undefined)
      this.report(
        "missing-directive",
        "missing `LVS_TYPE`",
        START_OF_FILE,
        fileType !== undefined
          ? `add \`LVS_TYPE=${TYPE_NAMES[fileType]}\` (the file name says ${fileType})`
          : "add `LVS_TYPE=VS_DR`, `LVS_TYPE=VS_NAT` or `LVS_TYPE=VS_TUN`",
      );
    if (present("INITIAL_STATE") === undefined)
      this.report(
        "missing-initial-state",
        "`INITIAL_STATE` is not given; assuming `on`",
        START_OF_FILE,
        "add `INITIAL_STATE=on` (real servers added at start) or `INITIAL_STATE=off` (a monitor adds them)",
      );
    for (const name of ["VIP", "DIRECTOR_INSIDEIP"])
      if (present(name) === undefined)
        this.report("missing-directive", `missing \`${name}\``, START_OF_FILE, `add a line like \`${DIRECTIVES[name]!.example}\``);
    if (services.length === 0)
      this.report("missing-directive", "no `SERVICE` is given", START_OF_FILE, `add at least one, e.g. \`${DIRECTIVES["SERVICE"]!.example}\``);
    if (type !== undefined) {
      if (fileType !== undefined && fileType !== type.value)
        this.report(
          "type-filename-mismatch",
          `\`LVS_TYPE=${TYPE_NAMES[type.value]}\` in a file named for ${TYPE_NAMES[fileType]}`,
          type.span,
          `rename the file to lvs_${type.value}.conf, or set \`LVS_TYPE=${TYPE_NAMES[fileType]}\``,
        );
      const vipDevice = present("SERVER_VIP_DEVICE");
      if (type.value !== "nat" && vipDevice === undefined)
        this.report(
          "missing-directive",
          `\`${TYPE_NAMES[type.value]}\` needs \`SERVER_VIP_DEVICE\`: the real servers' device that holds the VIP`,
          type.span,
          type.value === "tun" ? "add `SERVER_VIP_DEVICE=tunl0`" : "add `SERVER_VIP_DEVICE=dummy0` (or `lo:0`)",
        );
      if (type.value === "nat" && vipDevice !== undefined)
        this.report(
          "unused-directive",
          "`SERVER_VIP_DEVICE` has no effect for `VS_NAT`: real servers do not hold the VIP",
          vipDevice.name.span,
          "remove the line",
        );
    }

    // ---- cross checks ----
    if (vip !== undefined && dip !== undefined && vip.value.address === dip.value.address)
      this.report(
        "vip-equals-dip",
        `the VIP and the DIP are both \`${formatIPv4(vip.value.address)}\``,
        vip.addressSpan,
        "the VIP is the address clients use; the DIP is the director's own address facing the real servers",
        [{ message: "DIP given here", span: dip.addressSpan }],
      );
    if (type !== undefined && dip !== undefined && serverGateway !== undefined) {
      const isDip = serverGateway.value === dip.value.address;
      if (type.value === "nat" && !isDip)
        this.report(
          "gateway-not-dip",
          `VS_NAT real servers must route replies through the director, but \`SERVER_DEFAULT_GW\` is \`${formatIPv4(serverGateway.value)}\``,
          serverGateway.span,
          `write \`SERVER_DEFAULT_GW=${formatIPv4(dip.value.address)}\` (the DIP)`,
        );
      if (type.value !== "nat" && isDip)
        this.report(
          "gateway-is-dip",
          `${TYPE_NAMES[type.value]} real servers must not use the director as their default gateway`,
          serverGateway.span,
          "replies go straight to the client; use the router's address (the director would drop them as martians)",
        );
    }
    if (type !== undefined && type.value !== "nat" && serverVipDevice !== undefined && serverNetDevice !== undefined) {
      if (serverVipDevice.value.device === serverNetDevice.value.device)
        this.report(
          "vip-device-answers-arp",
          `the VIP on \`${serverVipDevice.value.name}\` would answer ARP: it is the real servers' network device`,
          serverVipDevice.span,
          "put the VIP on a device that faces no network: `dummy0`, `lo:0` or `tunl0`",
        );
    }
    const validServices = parsedServices.filter((s): s is ParsedService => s !== undefined);
    this.serviceCrossChecks(validServices, type?.value, vip, dip);
    // (N active directors reach the VIP through the BGP routes lvsc writes: their own checks)
    if (type !== undefined && vip !== undefined && dip !== undefined && present("DIRECTOR_ACTIVE") === undefined) this.networkChecks(type.value, vip, dip);
    // ---- two directors (lvsc extension) ----
    const ha = this.ha(ok, present, type?.value, vip, dip, serverGateway, validServices);
    // ---- health checks per service (lvsc extension CHECK) ----
    this.checks(checks, validServices, ha.pair === undefined, validServices.length === services.length);
    // ---- N active directors (lvsc extension) ----
    const active = this.active(ok, present, repeated.get("BGP_PEER") ?? [], type?.value, vip, dip, serverGateway, validServices);

    if (countErrors(this.out) > 0 || type === undefined || vip === undefined || dip === undefined)
      return { config: undefined, diagnostics: this.out, names: this.names };
    return {
      config: {
        type: type.value,
        initialState: initialState ?? true,
        vip: vip.value,
        dip: dip.value,
        directorGateway: directorGateway?.value,
        services: validServices.map((s) => s.value),
        serverVipDevice: serverVipDevice?.value,
        serverNetDevice: serverNetDevice?.value,
        serverGateway: serverGateway?.value,
        pair: ha.pair,
        // N active directors run no VRRP
        vrrp: active !== undefined ? undefined : ha.vrrp,
        ...(active !== undefined ? { active } : {}),
      },
      diagnostics: this.out,
      names: this.names,
    };
  }

  /** The CHECK lines (src/checks.ts), each set on the service it names. */
  private checks(directives: Directive[], services: ParsedService[], hasMon: boolean, allServices: boolean): void {
    if (directives.length === 0) return;
    applyChecks(
      directives,
      services,
      {
        report: (code, message, span, hint, related) => this.report(code, message, span, hint, related),
        protocol: (f) => this.protocol(f),
        port: (f, proto, what) => this.port(f, proto, what),
        fwmark: (f) => this.fwmark(f),
      },
      hasMon,
      allServices,
    );
  }

  // ---------------- directive names ----------------

  private unknownDirective(d: Directive): void {
    const name = d.name.text;
    const meant = MISSPELLINGS[name.toUpperCase()] ?? closest(name, Object.keys(DIRECTIVES).filter((n) => !DIRECTIVES[n]!.deprecatedFor));
    const hint =
      meant !== undefined
        ? meant.toLowerCase() === name.toLowerCase() && meant !== name
          ? `directive names are upper-case: did you mean \`${meant}\`?`
          : `did you mean \`${meant}\`?`
        : `known directives: ${Object.keys(DIRECTIVES).filter((n) => !DIRECTIVES[n]!.deprecatedFor).join(", ")}`;
    this.report("unknown-directive", `unknown directive \`${printable(name)}\``, d.name.span, hint);
  }

  // ---------------- field helpers ----------------

  /** Checks the field count of a fixed-shape directive; returns the fields or undefined. */
  private fields(d: Directive): Field[] | undefined {
    const spec = DIRECTIVES[d.name.text]!;
    const want = spec.fields!;
    const shape = `${want.length} ${want.length === 1 ? "field" : "fields"} (${want.join(", ")})`;
    const note = spec.note !== undefined ? `; ${spec.note}` : "";
    if (d.args.length < want.length) {
      const missing = want.slice(d.args.length);
      this.report(
        "field-count",
        d.args.length === 0
          ? `\`${d.name.text}\` has no value`
          : `\`${d.name.text}\` needs ${shape}; the ${listing(missing.map((m) => `\`${m}\``))} ${missing.length === 1 ? "is" : "are"} missing`,
        d.args.length === 0 ? d.span : { start: d.args[0]!.span.start, end: d.args[d.args.length - 1]!.span.end },
        `e.g. \`${spec.example}\`${note}`,
      );
      return undefined;
    }
    if (d.args.length > want.length) {
      const extra = d.args[want.length]!;
      this.report(
        "field-count",
        `\`${d.name.text}\` takes ${shape}; \`${printable(extra.text)}\` is one too many`,
        { start: extra.span.start, end: d.args[d.args.length - 1]!.span.end },
        `e.g. \`${spec.example}\`${note}`,
      );
      return undefined;
    }
    return d.args;
  }

  /** An IPv4 address or a host name resolved from the hosts files. */
  private address(f: Field, what: string): IPv4 | undefined {
    const text = f.text;
    if (looksLikeIPv4(text)) {
      const r = parseIPv4(text);
      if (r.ok) return r.value;
      this.report("invalid-ipv4", `invalid IPv4 address \`${printable(text)}\` for the ${what}`, f.span, r.reason);
      return undefined;
    }
    if (!isHostname(text)) {
      this.report(
        "invalid-host",
        `\`${printable(text)}\` is neither an IPv4 address nor a host name (the ${what})`,
        f.span,
        text.startsWith("-")
          ? "a value cannot start with `-`: a command would read it as an option"
          : "host names use letters, digits, `-`, `_` and `.`",
      );
      return undefined;
    }
    const hosts = this.opts.hosts;
    const entry = hosts.v4.get(text.toLowerCase());
    if (entry !== undefined) {
      if (!this.names.has(text)) this.names.set(text, entry.address);
      return entry.address;
    }
    if (text.toLowerCase() === "localhost") return 0x7f000001;
    const searched = hosts.sources.length > 0 ? `searched ${hosts.sources.join(", ")}` : "no hosts file was given";
    if (hosts.v6Only.has(text.toLowerCase())) {
      this.report(
        "unresolved-host",
        `\`${text}\` has only an IPv6 address (the ${what})`,
        f.span,
        `lvsc builds IPv4 clusters; give an IPv4 address (${searched})`,
      );
      return undefined;
    }
    const ignored = hosts.ignored.get(text.toLowerCase());
    if (ignored !== undefined) {
      this.report(
        "unresolved-host",
        `cannot resolve host \`${text}\` (the ${what}): its line in ${ignored.path} has an address lvsc refuses`,
        f.span,
        `${ignored.path}:${ignored.line} gives \`${ignored.address}\` (${ignored.reason}${ignored.glibcReads !== undefined ? `; that is ${formatIPv4(ignored.glibcReads)} to glibc` : ""}): write the address there in plain dotted decimal`,
      );
      return undefined;
    }
    const mean = this.suggestion("hosts", text, hosts.names);
    this.report(
      "unresolved-host",
      `cannot resolve host \`${text}\` (the ${what})`,
      f.span,
      `${mean}${searched}; lvsc never uses DNS: add the name to a hosts file and pass it with \`--hosts FILE\`, or write the address`,
    );
    return undefined;
  }

  /**
   * "did you mean `x`? " for a name that is not in a table, or "". Each look-up compares the name
   * with every entry, so only the first SUGGESTED distinct names of a file get one: 2,000 unknown
   * names against a 100,000-line hosts file would otherwise take minutes.
   */
  private suggestion(table: "hosts" | "services", word: string, candidates: Iterable<string>): string {
    let cache = this.suggestions.get(table);
    if (cache === undefined) this.suggestions.set(table, (cache = new Map()));
    let found = cache.get(word);
    if (found === undefined) {
      if (cache.size >= SUGGESTED) return `(no suggestion: more than ${SUGGESTED} names are not in the ${table} table) `;
      const c = didYouMean(word, candidates);
      found = c !== undefined ? `${c} ` : "";
      cache.set(word, found);
    }
    return found;
  }

  private netmask(f: Field): { mask: IPv4; prefix: number } | undefined {
    const r = parseIPv4(f.text);
    if (!r.ok) {
      const prefixText = /^\/?(\d{1,2})$/.exec(f.text)?.[1];
      const hint =
        prefixText !== undefined && Number(prefixText) <= 32
          ? `write the netmask dotted: /${prefixText} is \`${formatIPv4(maskOfPrefix(Number(prefixText)))}\``
          : r.reason;
      this.report("invalid-netmask", `invalid netmask \`${printable(f.text)}\``, f.span, hint);
      return undefined;
    }
    const prefix = prefixOfMask(r.value);
    if (prefix === undefined) {
      this.report(
        "invalid-netmask",
        `netmask \`${f.text}\` is not contiguous`,
        f.span,
        "a netmask is ones followed by zeros, e.g. `255.255.255.0`",
      );
      return undefined;
    }
    return { mask: r.value, prefix };
  }

  private iface(f: Field, allowTp: boolean, what: string): Iface | undefined {
    if (f.text === "TP") {
      this.report(
        "unsupported-tp",
        `\`TP\` (transparent proxy) as the ${what} is not supported`,
        f.span,
        allowTp
          ? "TP needed 2.2/2.4-era kernel patches; hide the VIP on `dummy0` or `lo:0` with arp_ignore/arp_announce instead"
          : "TP worked only on 2.2 directors; give the director's interface, e.g. `eth0:110`",
      );
      return undefined;
    }
    const r = parseIface(f.text);
    if (!r.ok) {
      this.report("invalid-interface", `invalid interface name \`${printable(f.text)}\` for the ${what}`, f.span, r.reason);
      return undefined;
    }
    return r.value;
  }

  private broadcastCheck(addr: IPv4, mask: IPv4, prefix: number, f: Field, bcast: IPv4): void {
    const want = broadcastOf(addr, mask);
    if (bcast === want) return;
    const cidr = `${formatIPv4(addr)}/${prefix}`;
    const isNetwork = bcast === networkOf(addr, mask) && prefix < 31;
    this.report(
      "broadcast-mismatch",
      isNetwork
        ? `broadcast \`${f.text}\` is the network address of ${cidr}`
        : `broadcast \`${f.text}\` does not match ${cidr}`,
      f.span,
      `the broadcast address of ${cidr} is \`${formatIPv4(want)}\``,
    );
  }

  // ---------------- fixed directives ----------------

  private lvsType(d: Directive | undefined): Located<LvsType> | undefined {
    if (d === undefined) return undefined;
    const f = this.fields(d)?.[0];
    if (f === undefined) return undefined;
    const t = TYPES[f.text];
    if (t !== undefined) return { value: t, span: f.span };
    const upper = f.text.toUpperCase();
    const meant = TYPES[upper] !== undefined ? upper : TYPES[`VS_${upper}`] !== undefined ? `VS_${upper}` : closest(f.text, Object.keys(TYPES));
    this.report(
      "invalid-lvs-type",
      `unknown LVS_TYPE \`${printable(f.text)}\``,
      f.span,
      meant !== undefined ? `did you mean \`${meant}\`?` : "one of `VS_DR`, `VS_NAT`, `VS_TUN`",
    );
    return undefined;
  }

  private initialState(d: Directive | undefined): boolean | undefined {
    return this.onOff(d, "invalid-initial-state", "INITIAL_STATE", "`on` adds the real servers at start; `off` leaves that to a monitor");
  }

  /** A directive whose one field is `on` or `off`; `hint` says what each means. */
  private onOff(d: Directive | undefined, code: Code, name: string, hint: string): boolean | undefined {
    if (d === undefined) return undefined;
    const f = this.fields(d)?.[0];
    if (f === undefined) return undefined;
    if (f.text === "on") return true;
    if (f.text === "off") return false;
    const lower = f.text.toLowerCase();
    this.report(code, `${name} must be \`on\` or \`off\`, not \`${printable(f.text)}\``, f.span, lower === "on" || lower === "off" ? `write it in lower case: \`${lower}\`` : hint);
    return undefined;
  }

  private vip(d: Directive | undefined): (Located<Vip> & { addressSpan: Span }) | undefined {
    if (d === undefined) return undefined;
    const slash = d.args.findIndex((a) => a.text.includes("/"));
    if (slash === 1) return this.cidrVip(d);
    const f = this.fields(d);
    if (f === undefined) return undefined;
    const [fDev, fAddr, fMask, fBcast] = f as [Field, Field, Field, Field];
    const device = this.iface(fDev, false, "VIP device");
    const address = this.address(fAddr, "VIP");
    const mask = this.netmask(fMask);
    const broadcast = this.address(fBcast, "VIP broadcast");
    if (device === undefined || address === undefined || mask === undefined || broadcast === undefined) return undefined;
    this.broadcastCheck(address, mask.mask, mask.prefix, fBcast, broadcast);
    return {
      value: { device, address, netmask: mask.mask, prefix: mask.prefix, broadcast },
      span: d.span,
      addressSpan: fAddr.span,
    };
  }

  /**
   * `VIP=eth0:101 192.168.0.101/24`: lvsc's extension, the netmask and broadcast derived from the
   * prefix (the four-field form is configure-lvs's own).
   */
  private cidrVip(d: Directive): (Located<Vip> & { addressSpan: Span }) | undefined {
    const [fDev, fAddr] = d.args as [Field, Field];
    if (d.args.length !== 2) {
      this.report(
        "field-count",
        `\`VIP\` with an address/prefix takes 2 fields (device, address/prefix); \`${printable(d.args[2]!.text)}\` is one too many`,
        { start: d.args[2]!.span.start, end: d.args[d.args.length - 1]!.span.end },
        `the prefix gives the netmask and the broadcast: \`VIP=${printable(fDev.text)} ${printable(fAddr.text)}\`, or the four fields of \`${DIRECTIVES["VIP"]!.example}\``,
      );
      return undefined;
    }
    const slash = fAddr.text.indexOf("/");
    const fHost = subField(fAddr, 0, slash);
    const fPrefix = subField(fAddr, slash + 1, fAddr.text.length);
    const device = this.iface(fDev, false, "VIP device");
    const address = fHost.text === "" ? undefined : this.address(fHost, "VIP");
    if (fHost.text === "") this.report("invalid-ipv4", "the VIP's address is missing before `/`", fHost.span, "e.g. `VIP=eth0:101 192.168.0.101/24`");
    const prefix = /^(?:0|[1-9][0-9]?)$/.test(fPrefix.text) ? Number(fPrefix.text) : NaN;
    if (!(prefix <= 32))
      this.report(
        "invalid-netmask",
        `invalid prefix length \`/${printable(fPrefix.text)}\``,
        fPrefix.text === "" ? fAddr.span : fPrefix.span,
        "a prefix length is a number from 0 to 32, e.g. `/24` for 255.255.255.0",
      );
    if (device === undefined || address === undefined || !(prefix <= 32)) return undefined;
    const netmask = maskOfPrefix(prefix);
    return {
      value: { device, address, netmask, prefix, broadcast: broadcastOf(address, netmask) },
      span: d.span,
      addressSpan: fHost.span,
    };
  }

  private dip(d: Directive | undefined): (Located<DirectorInside> & { addressSpan: Span }) | undefined {
    if (d === undefined) return undefined;
    const f = this.fields(d);
    if (f === undefined) return undefined;
    const [fDev, fAddr, fNet, fMask, fBcast] = f as [Field, Field, Field, Field, Field];
    const device = this.iface(fDev, false, "DIP device");
    const address = this.address(fAddr, "DIP");
    if (address !== undefined && this.swappedNetworkAndMask(address, fNet, fMask)) {
      this.report(
        "network-mismatch",
        `the network \`${fNet.text}\` and netmask \`${fMask.text}\` are swapped`,
        { start: fNet.span.start, end: fMask.span.end },
        `DIRECTOR_INSIDEIP takes the network before the netmask (unlike VIP): \`${fMask.text} ${fNet.text}\``,
      );
      return undefined;
    }
    const network = this.address(fNet, "network");
    const mask = this.netmask(fMask);
    const broadcast = this.address(fBcast, "broadcast");
    if (device === undefined || address === undefined || network === undefined || mask === undefined || broadcast === undefined)
      return undefined;
    const wantNet = networkOf(address, mask.mask);
    if (network !== wantNet) {
      this.report(
        "network-mismatch",
        `network \`${fNet.text}\` does not contain ${formatIPv4(address)}/${mask.prefix}`,
        fNet.span,
        `the network of ${formatIPv4(address)}/${mask.prefix} is \`${formatIPv4(wantNet)}\``,
      );
      return undefined;
    }
    this.broadcastCheck(address, mask.mask, mask.prefix, fBcast, broadcast);
    return {
      value: { device, address, network, netmask: mask.mask, prefix: mask.prefix, broadcast },
      span: d.span,
      addressSpan: fAddr.span,
    };
  }

  /** `DIRECTOR_INSIDEIP=eth0 192.168.1.9 255.255.255.0 192.168.1.0 …`: the VIP's order, a common slip. */
  private swappedNetworkAndMask(address: IPv4, fNet: Field, fMask: Field): boolean {
    const mask = parseIPv4(fNet.text);
    const net = parseIPv4(fMask.text);
    return mask.ok && net.ok && prefixOfMask(mask.value) !== undefined && networkOf(address, mask.value) === net.value && mask.value !== net.value;
  }

  private singleAddress(d: Directive | undefined, what: string): Located<IPv4> | undefined {
    if (d === undefined) return undefined;
    const f = this.fields(d)?.[0];
    if (f === undefined) return undefined;
    const a = this.address(f, what);
    return a === undefined ? undefined : { value: a, span: f.span };
  }

  private singleIface(d: Directive | undefined, isVipDevice: boolean): Located<Iface> | undefined {
    if (d === undefined) return undefined;
    const f = this.fields(d)?.[0];
    if (f === undefined) return undefined;
    const i = this.iface(f, isVipDevice, isVipDevice ? "real servers' VIP device" : "real servers' network device");
    return i === undefined ? undefined : { value: i, span: f.span };
  }

  // ---------------- SERVICE ----------------

  private service(d: Directive, type: LvsType | undefined): ParsedService | undefined {
    const f = d.args;
    const fProto = f[0];
    const fService = f[1];
    if (fProto === undefined || fService === undefined) {
      this.report(
        "malformed-service",
        fProto === undefined ? "`SERVICE` has no value" : "`SERVICE` needs a service and at least one real server",
        fProto === undefined ? d.span : fProto.span,
        "`SERVICE=t|u <service> [scheduler] [ppc [-t secs] [-M mask]] <realserver>...`, e.g. `SERVICE=t www rr rs1 rs2`",
      );
      return undefined;
    }
    let errors = false;
    const protocol = this.protocol(fProto);
    if (protocol === undefined) errors = true;

    // service port or fwmark
    let port = 0;
    let fwmark: number | undefined;
    if (protocol === "fwmark") {
      fwmark = this.fwmark(fService);
      if (fwmark === undefined) errors = true;
    } else if (protocol !== undefined) {
      const p = this.port(fService, protocol, "service");
      if (p === undefined) errors = true;
      else port = p;
    }

    // scheduler
    let i = 2;
    let scheduler = DEFAULT_SCHEDULER;
    const fSched = f[i];
    let schedField: Field | undefined;
    if (fSched !== undefined && SCHEDULER_SET.has(fSched.text)) {
      scheduler = fSched.text;
      schedField = fSched;
      i++;
    } else if (fSched !== undefined && this.looksLikeScheduler(fSched)) {
      const mean = didYouMean(fSched.text, SCHEDULERS);
      this.report(
        "unknown-scheduler",
        `unknown scheduler \`${fSched.text}\``,
        fSched.span,
        `${mean !== undefined ? `${mean} ` : ""}schedulers: ${SCHEDULERS.join(", ")}; if \`${fSched.text}\` is a real server, it is not in the hosts files`,
      );
      errors = true;
      i++;
    }

    // scheduler flags (-b)
    let schedFlags: string[] | undefined;
    if (f[i]?.text === "-b") {
      const r = this.schedFlags(f[i]!, f[i + 1], schedField !== undefined ? scheduler : undefined);
      if (r === undefined) errors = true;
      else schedFlags = r;
      i += f[i + 1] !== undefined ? 2 : 1;
    }

    // persistence
    let persistence: Persistence | undefined;
    if (f[i]?.text === "ppc") {
      persistence = { timeout: DEFAULT_PERSISTENCE_TIMEOUT, netmask: 0xffffffff };
      i++;
      const seen = new Set<string>();
      while (f[i] !== undefined && f[i]!.text.startsWith("-")) {
        const opt = f[i]!;
        const value = f[i + 1];
        if (opt.text !== "-t" && opt.text !== "-M") {
          this.report("malformed-service", `unknown persistence option \`${printable(opt.text)}\``, opt.span, "`ppc` takes `-t <seconds>` and `-M <netmask>`");
          errors = true;
          // skip its value too, so that it is not read as a real server
          i += value !== undefined && /^[0-9.]+$/.test(value.text) ? 2 : 1;
          continue;
        }
        if (seen.has(opt.text)) {
          this.report("malformed-service", `\`${opt.text}\` is given twice`, opt.span, "give each persistence option once");
          errors = true;
        }
        seen.add(opt.text);
        if (value === undefined) {
          this.report("malformed-service", `\`${opt.text}\` needs a value`, opt.span, opt.text === "-t" ? "e.g. `ppc -t 1800`" : "e.g. `ppc -M 255.255.255.0`");
          errors = true;
          i++;
          break;
        }
        if (opt.text === "-t") {
          const t = /^\d+$/.test(value.text) ? Number(value.text) : NaN;
          if (!(t >= 1 && t <= MAX_PERSISTENCE_TIMEOUT)) {
            this.report(
              "invalid-persistence-timeout",
              `persistence timeout \`${printable(value.text)}\` is not a number of seconds from 1 to ${MAX_PERSISTENCE_TIMEOUT}`,
              value.span,
              `ipvsadm accepts 1..${MAX_PERSISTENCE_TIMEOUT} (31 days); without \`-t\` the timeout is ${DEFAULT_PERSISTENCE_TIMEOUT}`,
            );
            errors = true;
          } else persistence.timeout = t;
        } else {
          const m = this.netmask(value);
          if (m === undefined) errors = true;
          else persistence.netmask = m.mask;
        }
        i += 2;
      }
    } else if (f[i] !== undefined && (f[i]!.text === "-t" || f[i]!.text === "-M")) {
      this.report("malformed-service", `\`${f[i]!.text}\` without \`ppc\``, f[i]!.span, `persistence options follow \`ppc\`: \`ppc ${f[i]!.text} …\``);
      return undefined;
    }

    if (protocol !== "fwmark" && protocol !== undefined && port === 0 && persistence === undefined && !errors) {
      this.report(
        "zero-port-without-persistence",
        "port 0 (every port) needs persistence",
        fService.span,
        "add `ppc` after the scheduler, e.g. `SERVICE=t 0 wrr ppc -t 1800 rs1`; ipvsadm refuses a zero port otherwise",
      );
      errors = true;
    }

    // real servers
    const rsFields = f.slice(i);
    if (rsFields.length === 0) {
      this.report(
        "missing-real-servers",
        `service \`${printable(fService.text)}\` has no real servers`,
        { start: fProto.span.start, end: f[f.length - 1]!.span.end },
        "list at least one real server after the service, e.g. `SERVICE=t www rr rs1 rs2`",
      );
      return undefined;
    }
    const realServers: RealServer[] = [];
    // duplicates: a scan for the usual handful of real servers, a map for long lists
    const byKey = rsFields.length > 16 ? new Map<number, RealServer>() : undefined;
    for (const rf of rsFields) {
      const rs = this.realServer(rf, protocol, port, type);
      if (rs === undefined) {
        errors = true;
        continue;
      }
      let first = byKey?.get(rs.address * 65536 + rs.port);
      if (byKey === undefined) for (const o of realServers) if (o.address === rs.address && o.port === rs.port) first = o;
      if (first !== undefined) {
        this.report(
          "duplicate-real-server",
          `real server \`${formatIPv4(rs.address)}:${rs.port}\` is listed twice in this service`,
          rf.span,
          first.written === rs.written ? "remove one" : `\`${first.written}\` and \`${rs.written}\` are the same server; remove one`,
          [{ message: "first listed here", span: first.span }],
        );
        errors = true;
        continue;
      }
      byKey?.set(rs.address * 65536 + rs.port, rs);
      realServers.push(rs);
    }
    if (errors || protocol === undefined) return undefined;
    return {
      value: { protocol, port, fwmark, written: fService.text, scheduler, ...(schedFlags !== undefined ? { schedFlags } : {}), persistence, realServers, line: d.line },
      field: fService,
      protoField: fProto,
      schedField,
    };
  }

  private protocol(f: Field): ServiceProtocol | undefined {
    switch (f.text) {
      case "t":
        return "tcp";
      case "u":
        return "udp";
      case "f":
        return "fwmark";
    }
    const lower = f.text.toLowerCase();
    const meant = lower === "tcp" ? "t" : lower === "udp" ? "u" : lower === "fwmark" || lower === "fwm" ? "f" : undefined;
    this.report(
      "invalid-protocol",
      `unknown protocol \`${printable(f.text)}\``,
      f.span,
      meant !== undefined ? `write \`${meant}\`` : "`t` (tcp), `u` (udp) or `f` (firewall mark)",
    );
    return undefined;
  }

  private fwmark(f: Field): number | undefined {
    const n = /^\d{1,10}$/.test(f.text) ? Number(f.text) : NaN;
    if (n >= 1 && n <= MAX_FWMARK) return n;
    this.report(
      "invalid-fwmark",
      `invalid firewall mark \`${printable(f.text)}\``,
      f.span,
      `a mark is a whole number from 1 to ${MAX_FWMARK}; ipvsadm 1.31 saves larger marks as negative numbers it cannot restore`,
    );
    return undefined;
  }

  /** A port number or a service name looked up for `proto` (a fwmark real server tries tcp, then udp). */
  private port(f: Field | { text: string; span: Span }, proto: ServiceProtocol, what: string): number | undefined {
    const text = f.text;
    if (/^\d+$/.test(text)) {
      const n = text.length <= 5 ? Number(text) : NaN;
      if (n <= 65535 && !(text.length > 1 && text[0] === "0")) return n;
      this.report("invalid-port", `invalid port \`${printable(text)}\` for the ${what}`, f.span, "a port is a number from 0 to 65535, without leading zeros");
      return undefined;
    }
    const table = this.opts.services;
    const protos: Protocol[] = proto === "fwmark" ? ["tcp", "udp"] : [proto];
    for (const p of protos) {
      const n = lookupService(table, text, p);
      if (n !== undefined) return n;
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(text)) {
      this.report("invalid-port", `invalid port \`${printable(text)}\` for the ${what}`, f.span, "give a port number or a service name such as `http`");
      return undefined;
    }
    if (proto !== "fwmark") {
      const other: Protocol = proto === "tcp" ? "udp" : "tcp";
      const otherPort = lookupService(table, text, other);
      if (otherPort !== undefined) {
        this.report(
          "unknown-service",
          `\`${text}\` is not a ${proto} service (it is ${otherPort}/${other} only)`,
          f.span,
          `write the port number if you mean ${otherPort}/${proto}, e.g. \`${proto === "udp" ? "u" : "t"} ${otherPort}\``,
        );
        return undefined;
      }
    }
    const known = SERVICE_NAME_HINTS[text.toLowerCase()];
    const mean = known !== undefined ? `did you mean \`${known}\`? ` : this.suggestion("services", text, table.names);
    this.report(
      "unknown-service",
      `unknown service \`${text}\` for the ${what}`,
      f.span,
      `${mean}searched ${table.source}; write the port number, or pass a services file with \`--services FILE\``,
    );
    return undefined;
  }

  /** A bare lower-case word in the scheduler position that is not a known host is read as a misspelt scheduler. */
  private looksLikeScheduler(f: Field): boolean {
    if (f.text === "ppc" || !/^[a-z]{1,16}$/.test(f.text)) return false;
    return !this.opts.hosts.v4.has(f.text) && f.text !== "localhost";
  }

  private realServer(f: Field, protocol: ServiceProtocol | undefined, servicePort: number, type: LvsType | undefined): RealServer | undefined {
    const text = f.text;
    const shapeHint = "a real server is `host`, `host:port`, `host,weight` or `host:port,weight`";
    if (text.charCodeAt(0) === 45 /* - */) {
      this.report("invalid-real-server", `\`${printable(text)}\` is not a real server`, f.span, `${shapeHint}; options belong after \`ppc\``);
      return undefined;
    }
    const comma = text.indexOf(",");
    if (comma !== -1 && text.indexOf(",", comma + 1) !== -1) {
      this.report("invalid-real-server", `\`${printable(text)}\` has more than one \`,\``, f.span, shapeHint);
      return undefined;
    }
    const hostEnd = comma === -1 ? text.length : comma;
    const firstColon = text.indexOf(":");
    const colon = firstColon < hostEnd ? firstColon : -1;
    const host = colon === -1 ? hostEnd : colon;
    if (host === 0 || (colon !== -1 && colon === hostEnd - 1) || (comma !== -1 && comma === text.length - 1)) {
      this.report("invalid-real-server", `\`${printable(text)}\` is not a real server`, f.span, shapeHint);
      return undefined;
    }
    let ok = true;
    // a dotted address is read in place; anything else (a name, a mistake) as a field of its own
    const dotted = ipv4At(text, 0, host);
    const address = dotted >= 0 ? dotted : this.address(host === text.length ? f : subField(f, 0, host), "real server");
    if (address === undefined) ok = false;

    let weight = 1;
    if (comma !== -1) {
      // read in place: only a diagnostic needs the weight as a field of its own
      const n = digitsAt(text, comma + 1, 5);
      if (!(n >= 0 && n <= MAX_WEIGHT)) {
        const w = subField(f, comma + 1, text.length);
        this.report("invalid-weight", `invalid weight \`${printable(w.text)}\``, w.span, `a weight is a whole number from 0 to ${MAX_WEIGHT} (ipvsadm's range)`);
        ok = false;
      } else {
        weight = n;
        if (n === 0)
          this.report(
            "zero-weight",
            "weight 0 sends this real server no new connections",
            subField(f, comma + 1, text.length).span,
            "0 quiesces a server; remove the `,0` when it should take traffic",
          );
      }
    }

    let port = protocol === "fwmark" ? 0 : servicePort;
    if (colon !== -1 && protocol !== undefined) {
      const portField = subField(f, colon + 1, hostEnd);
      const p = this.port(portField, protocol, "real server");
      if (p === undefined) ok = false;
      else {
        const expected = protocol === "fwmark" ? 0 : servicePort;
        if (p !== expected && type !== undefined && type !== "nat") {
          this.report(
            "port-remap-not-supported",
            protocol === "fwmark"
              ? `${TYPE_NAMES[type]} cannot send a fwmark service to port ${p}`
              : `${TYPE_NAMES[type]} cannot send port ${servicePort} to port ${p}`,
            portField.span,
            protocol === "fwmark"
              ? "direct routing and tunnelling keep each packet's port; drop the `:port`, or use VS_NAT"
              : `direct routing and tunnelling keep the port: the real server must listen on ${servicePort} itself; remapping needs VS_NAT`,
          );
          ok = false;
        } else if (p !== expected && address !== undefined && isLoopback(address)) {
          // VS_NAT can remap a port, but not for LocalNode, which is sent with -g (see ipvs.ts)
          this.report(
            "localnode-port-remap",
            protocol === "fwmark"
              ? `the director serves \`${printable(text.slice(0, hostEnd))}\` itself, so it cannot send a fwmark service to port ${p}`
              : `the director serves \`${printable(text.slice(0, hostEnd))}\` itself, so it cannot send port ${servicePort} to port ${p}`,
            portField.span,
            protocol === "fwmark"
              ? "the kernel does not masquerade to a loopback address, so the director's share goes by direct routing, which keeps each packet's port: drop the `:port`"
              : `the kernel does not masquerade to a loopback address, so the director's share goes by direct routing, which keeps the port: make the director's server listen on ${servicePort} and drop \`:${portField.text}\``,
          );
          ok = false;
        } else port = p;
      }
    }
    if (!ok || address === undefined) return undefined;
    return new ConfRealServer(address, port, weight, f);
  }

  /** Where the VIP sits among the director's networks: the DIP's, and the one the VIP's own netmask gives. */
  private networkChecks(type: LvsType, vip: Located<Vip> & { addressSpan: Span }, dip: Located<DirectorInside>): void {
    const v = vip.value;
    const dipNet = `${formatIPv4(dip.value.network)}/${dip.value.prefix}`;
    const vipInDipNet = inNetwork(v.address, dip.value.network, dip.value.netmask);
    // DR: the router finds the director by ARP on the LAN it shares with the real servers. A VIP
    // with a netmask of its own puts a network on the director's VIP device (the router's side); a
    // /32 VIP outside the DIP's network is on no network of the director, and only a route on the
    // router (which lvsc does not write) can send its packets there.
    if (type === "dr" && v.prefix === 32 && !vipInDipNet)
      this.report(
        "vip-outside-director-networks",
        `the VIP ${formatIPv4(v.address)}/32 is on none of the director's networks (its inside network is ${dipNet})`,
        vip.addressSpan,
        `a router finds the VIP by ARP only on a network it shares with the director: give the VIP the netmask of its network (e.g. \`255.255.255.0\`), or an address in ${dipNet}; with a route on the router to the director, accept this warning (\`# lvsc-disable-next-line vip-outside-director-networks\`)`,
        [{ message: "the director's inside network", span: dip.span }],
      );
    // NAT on one network: the real servers reach clients on their own network directly, so the
    // replies skip the director, which would have rewritten their source to the VIP, and the
    // clients' connections hang (the LVS-HOWTO's one-network NAT)
    if (type === "nat" && (vipInDipNet || inNetwork(dip.value.address, v.address, v.netmask)))
      this.report(
        "one-network-nat",
        `VS_NAT with the VIP ${formatIPv4(v.address)} on the real servers' network ${dipNet}`,
        vip.addressSpan,
        `replies to clients on ${dipNet} go straight from the real servers, not back through the director, and those connections hang: put the VIP on the director's outside network (another device and network), or keep clients off ${dipNet}`,
        [{ message: "the real servers' network (the DIP's)", span: dip.span }],
      );
  }

  private serviceCrossChecks(
    services: ParsedService[],
    type: LvsType | undefined,
    vip: (Located<Vip> & { addressSpan: Span }) | undefined,
    dip: (Located<DirectorInside> & { addressSpan: Span }) | undefined,
  ): void {
    const seen = new Map<string, ParsedService>();
    for (const s of services) {
      const svc = s.value;
      const key = svc.protocol === "fwmark" ? `fwmark ${svc.fwmark}` : `${svc.protocol} ${svc.port}`;
      const first = seen.get(key);
      if (first !== undefined) {
        this.report(
          "duplicate-service",
          svc.protocol === "fwmark"
            ? `firewall mark ${svc.fwmark} already has a service`
            : `${svc.protocol} port ${svc.port} already has a service${first.value.written !== svc.written ? ` (\`${first.value.written}\`)` : ""}`,
          s.field.span,
          "merge the real servers into one SERVICE line",
          [{ message: "first defined here", span: first.field.span }],
        );
      } else seen.set(key, s);

      if (svc.protocol === "fwmark" && vip !== undefined)
        this.report(
          "fwmark-rule-not-generated",
          `firewall mark ${svc.fwmark}: lvsc does not write the rule that marks the packets`,
          s.protoField.span,
          `add one on the director, e.g. \`iptables -t mangle -A PREROUTING -d ${formatIPv4(vip.value.address)} -p tcp -m multiport --dports 80,443 -j MARK --set-mark ${svc.fwmark}\``,
        );

      for (const rs of svc.realServers) {
        if (vip !== undefined && rs.address === vip.value.address) {
          this.report("realserver-is-vip", `real server \`${rs.written}\` is the VIP`, rs.span, "list the real servers' own addresses (RIPs)");
          continue;
        }
        if (dip === undefined) continue;
        if (rs.address === dip.value.address) {
          this.report(
            "realserver-is-director",
            `real server \`${rs.written}\` is the director's DIP`,
            rs.span,
            "to let the director serve too, list `127.0.0.1` (LocalNode)",
          );
          continue;
        }
        if (rs.localNode || type === undefined || type === "tun") continue;
        if (!inNetwork(rs.address, dip.value.network, dip.value.netmask)) {
          const net = `${formatIPv4(dip.value.network)}/${dip.value.prefix}`;
          this.report(
            "realserver-outside-network",
            `real server \`${rs.written}\` (${formatIPv4(rs.address)}) is outside the director's inside network ${net}`,
            rs.span,
            type === "dr"
              ? "direct routing sends frames on the LAN: real servers must share the DIP's network; use VS_TUN for routed real servers"
              : "VS_NAT real servers use the DIP as their gateway, so they must share its network",
          );
        }
      }
    }
  }

  // ---------------- two directors: DIRECTOR_PAIR, VRRP_ROUTER_ID, VRRP_PREEMPT (lvsc extensions) ----------------

  private ha(
    ok: (name: string) => Directive | undefined,
    present: (name: string) => Directive | undefined,
    type: LvsType | undefined,
    vip: (Located<Vip> & { addressSpan: Span }) | undefined,
    dip: (Located<DirectorInside> & { addressSpan: Span }) | undefined,
    serverGateway: Located<IPv4> | undefined,
    services: { value: VirtualService }[],
  ): { pair: DirectorPair | undefined; vrrp: VrrpId | undefined } {
    const given = this.vrrpRouterId(ok("VRRP_ROUTER_ID"));
    const preempt = this.vrrpPreempt(ok("VRRP_PREEMPT"));
    const timers = this.vrrpTimers(ok, present, present("DIRECTOR_PAIR") !== undefined);
    const pairDirective = present("DIRECTOR_PAIR");
    const preemptDirective = present("VRRP_PREEMPT");
    if (pairDirective === undefined && preemptDirective !== undefined)
      this.report(
        "unused-directive",
        "`VRRP_PREEMPT` has no effect without `DIRECTOR_PAIR`: a single director has no one to take the VIP back from",
        preemptDirective.name.span,
        "remove the line, or name the two directors with `DIRECTOR_PAIR=<director1> <director2>`",
      );
    const vrrp: VrrpId | undefined =
      given !== undefined
        ? { routerId: given.value, given: true, span: given.span }
        : vip !== undefined
          ? { routerId: derivedRouterId(vip.value.address), given: false, span: vip.addressSpan }
          : undefined;
    const d = ok("DIRECTOR_PAIR");
    if (d === undefined) return { pair: undefined, vrrp };
    const f = this.fields(d);
    if (f === undefined) return { pair: undefined, vrrp };
    const roles = ["director1", "director2"] as const;
    const directors: Director[] = [];
    f.forEach((field, i) => {
      const address = this.address(field, `${roles[i]}'s own address`);
      if (address !== undefined)
        directors.push({ role: roles[i]!, address, written: field.text, priority: VRRP_PRIORITIES[i]!, span: field.span });
    });
    if (directors.length !== 2) return { pair: undefined, vrrp };
    const [d1, d2] = directors as [Director, Director];
    let errors = false;
    const conflict = (who: Director, message: string, hint: string, related?: { message: string; span: Span }[]) => {
      this.report("director-address-conflict", message, who.span, hint, related);
      errors = true;
    };
    const own = "each director needs an address of its own that never moves; the VIP and the DIP float between them";
    if (d1.address === d2.address)
      conflict(d2, `director1 and director2 are both \`${formatIPv4(d2.address)}\``, "name two hosts: director1 (the MASTER at start), then director2", [
        { message: "director1 given here", span: d1.span },
      ]);
    for (const who of directors) {
      if (vip !== undefined && who.address === vip.value.address)
        conflict(who, `${who.role} \`${who.written}\` is the VIP`, own, [{ message: "VIP given here", span: vip.addressSpan }]);
      else if (dip !== undefined && who.address === dip.value.address)
        conflict(who, `${who.role} \`${who.written}\` is the DIP`, `${own}: the DIP is the real servers' side of the pair, held by the MASTER`, [
          { message: "DIP given here", span: dip.addressSpan },
        ]);
      else if (dip !== undefined) {
        const net = dip.value;
        const cidr = `${formatIPv4(net.network)}/${net.prefix}`;
        const hint = `give ${who.role}'s own address on the DIP's network ${cidr}: keepalived sends the pair's VRRP adverts and the connection sync from it`;
        if (!inNetwork(who.address, net.network, net.netmask)) {
          this.report("director-outside-network", `${who.role} \`${who.written}\` (${formatIPv4(who.address)}) is outside the DIP's network ${cidr}`, who.span, hint);
          errors = true;
        } else if (net.prefix < 31 && (who.address === net.network || who.address === broadcastOf(net.network, net.netmask))) {
          this.report(
            "director-outside-network",
            `${who.role} \`${who.written}\` is the ${who.address === net.network ? "network" : "broadcast"} address of ${cidr}, not a host on it`,
            who.span,
            hint,
          );
          errors = true;
        }
      }
      if (serverGateway !== undefined && who.address === serverGateway.value)
        conflict(
          who,
          `${who.role} \`${who.written}\` is the real servers' default gateway`,
          type === "nat"
            ? "VS_NAT real servers route through the floating DIP, which follows the MASTER; a director's own address does not"
            : "a director's own address is no router for the real servers; give the router's address in `SERVER_DEFAULT_GW`",
          [{ message: "SERVER_DEFAULT_GW given here", span: serverGateway.span }],
        );
      const rs = services.flatMap((s) => s.value.realServers).find((r) => r.address === who.address);
      if (rs !== undefined)
        conflict(who, `${who.role} \`${who.written}\` is also a real server (\`${rs.written}\`)`, `${own}; to let the directors serve too, list \`127.0.0.1\` (LocalNode)`, [
          { message: "real server listed here", span: rs.span },
        ]);
    }
    if (errors || vrrp === undefined) return { pair: undefined, vrrp };
    if (timers === undefined) return { pair: undefined, vrrp };
    return { pair: { directors: [d1, d2], preempt: preempt ?? false, timers }, vrrp };
  }

  private vrrpRouterId(d: Directive | undefined): Located<number> | undefined {
    if (d === undefined) return undefined;
    const f = this.fields(d)?.[0];
    if (f === undefined) return undefined;
    const n = /^\d{1,3}$/.test(f.text) ? Number(f.text) : NaN;
    if (n >= 1 && n <= 255 && !(f.text.length > 1 && f.text[0] === "0")) return { value: n, span: f.span };
    this.report(
      "invalid-vrrp-router-id",
      `VRRP router id \`${printable(f.text)}\` is not a whole number from 1 to 255`,
      f.span,
      "VRRP names a virtual router with 1..255; without `VRRP_ROUTER_ID`, lvsc uses the VIP's last octet",
    );
    return undefined;
  }

  private vrrpPreempt(d: Directive | undefined): boolean | undefined {
    return this.onOff(d, "invalid-vrrp-preempt", "VRRP_PREEMPT", "`off` (the default): the VIP stays with director2 when director1 returns; `on`: director1 takes it back");
  }

  // ---------------- a pair's VRRP timers: VRRP_ADVERT, VRRP_VERSION (lvsc extensions; src/vrrp-timers.ts) ----------------

  /**
   * The pair's advert interval and VRRP version; keepalived's defaults (1 s, VRRPv2) when neither
   * is given. Undefined when either is wrong (reported), so that no pair is built from it.
   */
  private vrrpTimers(ok: (name: string) => Directive | undefined, present: (name: string) => Directive | undefined, hasPair: boolean): VrrpTimers | undefined {
    for (const name of ["VRRP_ADVERT", "VRRP_VERSION"]) {
      const p = present(name);
      if (!hasPair && p !== undefined)
        this.report(
          "unused-directive",
          `\`${name}\` has no effect without \`DIRECTOR_PAIR\`: a single director has no BACKUP to take over from it`,
          p.name.span,
          "remove the line, or name the two directors with `DIRECTOR_PAIR=<director1> <director2>`",
        );
    }
    const advertDirective = ok("VRRP_ADVERT");
    const versionDirective = ok("VRRP_VERSION");
    const advertField = advertDirective !== undefined ? this.fields(advertDirective)?.[0] : undefined;
    const versionField = versionDirective !== undefined ? this.fields(versionDirective)?.[0] : undefined;
    if ((advertDirective !== undefined && advertField === undefined) || (versionDirective !== undefined && versionField === undefined)) return undefined;
    let version: 2 | 3 | undefined;
    if (versionField !== undefined) {
      if (versionField.text === "2" || versionField.text === "3") version = Number(versionField.text) as 2 | 3;
      else {
        this.report(
          "invalid-vrrp-version",
          `VRRP version \`${printable(versionField.text)}\` is not \`2\` or \`3\``,
          versionField.span,
          "`2` (keepalived's default, whole seconds) or `3` (adverts to the hundredth of a second)",
        );
        return undefined;
      }
    }
    if (advertField === undefined) return { advertCs: DEFAULT_VRRP_TIMERS.advertCs, version: version ?? DEFAULT_VRRP_TIMERS.version };
    const parsed = parseAdvert(advertField.text);
    const range = (v: 2 | 3) => (v === 2 ? "whole seconds from 1 to 255" : "seconds to the hundredth from 0.01 to 40.95");
    if (!parsed.ok) {
      const text = printable(advertField.text);
      this.report(
        "invalid-vrrp-advert",
        parsed.why === "precision"
          ? `advert interval \`${text}\` is finer than keepalived sends: VRRPv3 counts hundredths of a second`
          : `advert interval \`${text}\` is not a number of seconds`,
        advertField.span,
        parsed.why === "precision"
          ? `keepalived would round it to 10 ms; write it to the hundredth, e.g. \`VRRP_ADVERT=${text.slice(0, text.indexOf(".") + 3)}\``
          : `${range(2)} (VRRPv2), or ${range(3)} (VRRPv3), e.g. \`VRRP_ADVERT=0.2\``,
      );
      return undefined;
    }
    const cs = parsed.cs;
    const fraction = cs % 100 !== 0;
    if (version === 2 && fraction) {
      this.report(
        "vrrp-v2-fraction",
        `advert interval \`${printable(advertField.text)}\` has a fraction, which VRRPv2 cannot send: it counts whole seconds`,
        advertField.span,
        "remove `VRRP_VERSION=2` (a fraction means VRRPv3), or give whole seconds; keepalived would round it to a second",
        [{ message: "VRRP_VERSION=2 given here", span: versionField!.span }],
      );
      return undefined;
    }
    const v: 2 | 3 = version ?? (fraction ? 3 : 2);
    const limits = VRRP_ADVERT_LIMITS[v];
    if (cs < limits.min || cs > limits.max) {
      this.report(
        "invalid-vrrp-advert",
        `advert interval \`${printable(advertField.text)}\` is outside VRRPv${v}'s range: ${range(v)}`,
        advertField.span,
        v === 3 ? "VRRPv3 sends the interval in 12 bits of hundredths: at most 40.95 s; keepalived would cut it to that" : "VRRPv2 sends the interval in 8 bits of seconds: 1..255",
      );
      return undefined;
    }
    return { advertCs: cs, version: v };
  }
  // ---------------- scheduler flags (-b) ----------------

  /** `-b flag,flag` after a scheduler: flags that scheduler has, each once, in ipvsadm's order. */
  private schedFlags(opt: Field, value: Field | undefined, scheduler: string | undefined): string[] | undefined {
    const known = scheduler !== undefined ? SCHED_FLAGS[scheduler] : undefined;
    const schedulers = Object.entries(SCHED_FLAGS).map(([s, fl]) => `\`${s}\`: ${fl.map((x) => `\`${x}\``).join(", ")}`).join("; ");
    if (scheduler === undefined) {
      this.report("invalid-sched-flag", "`-b` without a scheduler", opt.span, `scheduler flags follow their scheduler, e.g. \`SERVICE=t www mh -b mh-fallback,mh-port rs1 rs2\` (${schedulers})`);
      return undefined;
    }
    if (value === undefined || value.text.startsWith("-")) {
      this.report("invalid-sched-flag", "`-b` needs the scheduler's flags", opt.span, known !== undefined ? `\`${scheduler}\` has ${known.map((x) => `\`${x}\``).join(" and ")}, e.g. \`-b ${known.join(",")}\`` : schedulers);
      return undefined;
    }
    const seen = new Set<string>();
    let bad = false;
    for (const flag of value.text.split(",")) {
      if (known === undefined || !known.includes(flag)) {
        this.report(
          "invalid-sched-flag",
          flag === "" ? `an empty flag in \`-b ${printable(value.text)}\`` : `\`${printable(flag)}\` is not a flag of the \`${scheduler}\` scheduler`,
          value.span,
          known !== undefined ? `\`${scheduler}\` has ${known.map((x) => `\`${x}\``).join(" and ")}, comma-separated` : `\`${scheduler}\` has no flags; schedulers with flags: ${schedulers}`,
        );
        bad = true;
      } else if (seen.has(flag)) {
        this.report("invalid-sched-flag", `\`${flag}\` is given twice`, value.span, "give each flag once");
        bad = true;
      }
      seen.add(flag);
    }
    return bad ? undefined : known!.filter((x) => seen.has(x));
  }

  // ---------------- N active directors: DIRECTOR_ACTIVE, BGP_LOCAL_AS, BGP_PEER, BGP_BFD (lvsc extensions) ----------------

  private active(
    ok: (name: string) => Directive | undefined,
    present: (name: string) => Directive | undefined,
    peerLines: Directive[],
    type: LvsType | undefined,
    vip: (Located<Vip> & { addressSpan: Span }) | undefined,
    dip: (Located<DirectorInside> & { addressSpan: Span }) | undefined,
    serverGateway: Located<IPv4> | undefined,
    services: ParsedService[],
  ): ActiveDirectors | undefined {
    const d = present("DIRECTOR_ACTIVE");
    const localAsLine = present("BGP_LOCAL_AS");
    const bfdLine = present("BGP_BFD");
    if (d === undefined) {
      for (const other of [localAsLine, bfdLine, peerLines[0]])
        if (other !== undefined)
          this.report(
            "unused-directive",
            `\`${other.name.text}\` has no effect without \`DIRECTOR_ACTIVE\`: only active directors announce the VIP by BGP`,
            other.name.span,
            "remove the line, or name the directors with `DIRECTOR_ACTIVE=<director1> <director2> ...`",
          );
      // mh checks that hold for a single director or a pair too
      for (const s of services) this.mhChecks(s, false);
      return undefined;
    }
    let errors = false;
    const err = (code: Code, message: string, span: Span, hint: string, related?: { message: string; span: Span }[]) => {
      this.report(code, message, span, hint, related);
      errors = true;
    };
    if (type === "nat")
      err(
        "active-nat",
        "`DIRECTOR_ACTIVE` cannot build a `VS_NAT` cluster",
        d.name.span,
        "under NAT the real servers' replies must return through the director that translated the request, and the router spreads flows over N directors: use `LVS_TYPE=VS_DR` (or `VS_TUN`), or `DIRECTOR_PAIR` for two NAT directors",
      );
    const pairLine = present("DIRECTOR_PAIR");
    if (pairLine !== undefined)
      err(
        "active-with-pair",
        "`DIRECTOR_ACTIVE` and `DIRECTOR_PAIR` in one conf",
        d.name.span,
        "a pair has one active director at a time (keepalived moves the VIP); `DIRECTOR_ACTIVE` has all of them active behind an ECMP router: keep one of the two lines",
        [{ message: "DIRECTOR_PAIR given here", span: pairLine.name.span }],
      );
    const directors: { address: IPv4; written: string; span: Span }[] = [];
    if (!d.broken) {
      if (d.args.length < 2)
        err(
          "active-too-few",
          d.args.length === 0 ? "`DIRECTOR_ACTIVE` has no value" : "`DIRECTOR_ACTIVE` names one director",
          d.args.length === 0 ? d.span : d.args[0]!.span,
          "name two or more, each by its own address (or host name) on the DIP's network, e.g. `DIRECTOR_ACTIVE=director1 director2 director3`; for one director leave the line out",
        );
      for (const field of d.args) {
        const address = this.address(field, "active director's own address");
        if (address === undefined) {
          errors = true;
          continue;
        }
        const first = directors.find((o) => o.address === address);
        if (first !== undefined) {
          err(
            "director-address-conflict",
            first.written === field.text ? `director \`${field.text}\` is given twice` : `\`${first.written}\` and \`${field.text}\` are the same director (${formatIPv4(address)})`,
            field.span,
            "name each director once",
            [{ message: "first given here", span: first.span }],
          );
          continue;
        }
        directors.push({ address, written: field.text, span: field.span });
      }
    }
    const own = "each director needs an address of its own: its BGP router id and the router's next hop to it";
    for (const who of directors) {
      const name = who.written === formatIPv4(who.address) ? `director ${who.written}` : `director \`${who.written}\` (${formatIPv4(who.address)})`;
      if (vip !== undefined && who.address === vip.value.address) err("director-address-conflict", `${name} is the VIP`, who.span, own, [{ message: "VIP given here", span: vip.addressSpan }]);
      else if (dip !== undefined && who.address === dip.value.address)
        err("director-address-conflict", `${name} is the DIP`, who.span, `${own}; with \`DIRECTOR_ACTIVE\` no host holds the DIP: \`DIRECTOR_INSIDEIP\` gives the directors' device and network`, [
          { message: "DIP given here", span: dip.addressSpan },
        ]);
      else if (dip !== undefined && !this.hostOn(who.address, dip.value))
        err("director-outside-network", `${name} is not a host on the DIP's network ${formatIPv4(dip.value.network)}/${dip.value.prefix}`, who.span, `give each director's own address on the DIP's network: DR forwards to the real servers on that LAN, and the router reaches the directors there`);
      if (serverGateway !== undefined && who.address === serverGateway.value)
        err("director-address-conflict", `${name} is the real servers' default gateway`, who.span, "the real servers' replies go to the router (`SERVER_DEFAULT_GW`), never to a director", [
          { message: "SERVER_DEFAULT_GW given here", span: serverGateway.span },
        ]);
      const rs = services.flatMap((s) => s.value.realServers).find((r) => r.address === who.address);
      if (rs !== undefined) err("director-address-conflict", `${name} is also a real server (\`${rs.written}\`)`, who.span, `${own}; to let the directors serve too, list \`127.0.0.1\` (LocalNode)`, [{ message: "real server listed here", span: rs.span }]);
    }
    // the directors' AS
    let localAs: number | undefined;
    const lasDirective = ok("BGP_LOCAL_AS");
    if (localAsLine === undefined)
      err("missing-directive", "`DIRECTOR_ACTIVE` needs `BGP_LOCAL_AS`: the directors' AS number", d.name.span, "add e.g. `BGP_LOCAL_AS=65010` (a private AS: 64512..65534 or 4200000000..4294967294)");
    else if (lasDirective !== undefined) {
      const f = this.fields(lasDirective)?.[0];
      if (f === undefined) errors = true;
      else {
        localAs = this.asNumber(f);
        if (localAs === undefined) errors = true;
      }
    }
    // the routers
    const peers: { address: IPv4; as: number; span: Span }[] = [];
    if (peerLines.length === 0)
      err("missing-directive", "`DIRECTOR_ACTIVE` needs a `BGP_PEER`: a router the directors announce the VIP to", d.name.span, `add a line per router, e.g. \`${DIRECTIVES["BGP_PEER"]!.example}\` (its address on the DIP's network, its AS)`);
    for (const line of peerLines) {
      if (line.broken) {
        errors = true;
        continue;
      }
      const f = this.fields(line);
      if (f === undefined) {
        errors = true;
        continue;
      }
      const address = this.address(f[0]!, "BGP peer");
      const as = this.asNumber(f[1]!);
      if (address === undefined || as === undefined) {
        errors = true;
        continue;
      }
      const span = f[0]!.span;
      if (localAs !== undefined && as === localAs)
        err(
          "invalid-bgp-as",
          `BGP peer ${formatIPv4(address)} is in the directors' own AS ${as}`,
          f[1]!.span,
          "lvsc writes eBGP sessions (the router learns the directors as next hops directly): give the directors an AS of their own in `BGP_LOCAL_AS`, e.g. 65010",
        );
      const first = peers.find((p) => p.address === address);
      if (first !== undefined) {
        err("duplicate-directive", `BGP peer ${formatIPv4(address)} is given twice`, span, "give each router once", [{ message: "first given here", span: first.span }]);
        continue;
      }
      if (dip !== undefined && !this.hostOn(address, dip.value))
        err(
          "bgp-peer-outside-network",
          `BGP peer ${formatIPv4(address)} is not on the DIP's network ${formatIPv4(dip.value.network)}/${dip.value.prefix}`,
          span,
          "the directors announce the VIP with themselves as the next hop, which the router must reach directly: give the router's address on the directors' LAN",
        );
      const who = directors.find((x) => x.address === address);
      if (who !== undefined) err("director-address-conflict", `BGP peer ${formatIPv4(address)} is the director \`${who.written}\``, span, "a director announces the VIP to a router, not to itself or another director", [{ message: "director given here", span: who.span }]);
      if (vip !== undefined && address === vip.value.address) err("director-address-conflict", `BGP peer ${formatIPv4(address)} is the VIP`, span, "give the router's own address", [{ message: "VIP given here", span: vip.addressSpan }]);
      peers.push({ address, as, span });
    }
    const bfd = this.onOff(ok("BGP_BFD"), "invalid-bgp-bfd", "BGP_BFD", "`on` (the default): BFD finds a dead director in 0.3 s; `off`: the BGP hold time (BIRD's default 240 s) does");
    if (bfdLine !== undefined && bfd === undefined) errors = true;
    // the VIP on the directors: a /32 on a device that faces no network
    if (vip !== undefined) {
      const dev = vip.value.device.device;
      if (!/^(dummy|lo$)/.test(dev) || vip.value.prefix !== 32)
        err(
          "active-vip-device",
          !/^(dummy|lo$)/.test(dev) ? `with \`DIRECTOR_ACTIVE\` the VIP must not be on \`${vip.value.device.name}\`, a device that faces a network` : `with \`DIRECTOR_ACTIVE\` the VIP must be a /32, not /${vip.value.prefix}`,
          vip.span,
          `every director holds the VIP at once, so none may answer ARP for it and none may route a VIP network to itself: write e.g. \`VIP=dummy0 ${formatIPv4(vip.value.address)}/32\` (the router reaches it through the BGP routes)`,
        );
      if (dip !== undefined && inNetwork(vip.value.address, dip.value.network, dip.value.netmask))
        this.report(
          "active-vip-on-lan",
          `the VIP ${formatIPv4(vip.value.address)} is inside the directors' LAN ${formatIPv4(dip.value.network)}/${dip.value.prefix}`,
          vip.addressSpan,
          "the router and the real servers ARP for an address of a LAN they are on, and no director answers (ARP is hidden on all of them): take the VIP from a prefix no LAN carries, reached only through the BGP routes",
        );
    }
    for (const s of services) this.mhChecks(s, directors.length > 1);
    if (errors || localAs === undefined || directors.length < 2) return undefined;
    return { directors, localAs, peers, bfd: bfd ?? true };
  }

  /** A host address of the network (not its network or broadcast address, for prefixes below /31). */
  private hostOn(address: IPv4, net: DirectorInside): boolean {
    if (!inNetwork(address, net.network, net.netmask)) return false;
    return net.prefix >= 31 || (address !== net.network && address !== broadcastOf(net.network, net.netmask));
  }

  /** An AS number: 1..4294967295 but AS_TRANS (23456) and the last of each range (65535, 4294967295, RFC 7300). */
  private asNumber(f: Field): number | undefined {
    const n = /^\d{1,10}$/.test(f.text) && !(f.text.length > 1 && f.text[0] === "0") ? Number(f.text) : NaN;
    const reserved: Record<number, string> = {
      0: "AS 0 is reserved (RFC 7607): BGP refuses it",
      23456: "AS 23456 is AS_TRANS (RFC 6793), which stands in for 4-byte AS numbers on 2-byte speakers, never a real AS",
      65535: "AS 65535 is reserved (RFC 7300)",
      4294967295: "AS 4294967295 is reserved (RFC 7300)",
    };
    if (n >= 0 && n <= 4294967295 && reserved[n] === undefined) return n;
    this.report(
      "invalid-bgp-as",
      `\`${printable(f.text)}\` is not a usable AS number`,
      f.span,
      `${reserved[n] !== undefined ? `${reserved[n]}; ` : "an AS number is a whole number from 1 to 4294967294 (4 bytes); "}private ones are 64512..65534 and 4200000000..4294967294`,
    );
    return undefined;
  }

  /**
   * Lint of an `mh` service, and of any other scheduler behind N active directors: only `mh`
   * picks the same real server for a client on every director.
   */
  private mhChecks(s: ParsedService, multi: boolean): void {
    const v = s.value;
    const at = s.schedField?.span ?? s.field.span;
    if (multi && v.scheduler !== "mh")
      this.report(
        "active-scheduler",
        `\`${v.scheduler}\` picks real servers differently on each director`,
        at,
        `with N active directors the router moves flows between directors (a director that dies, a route change); ${s.schedField === undefined ? `the default \`${v.scheduler}\`` : `\`${v.scheduler}\``} keeps its choices in one director's memory, so another director sends a moved flow to another real server, which resets it; \`mh\` hashes the client the same way on every director: \`${v.protocol === "fwmark" ? "f" : v.protocol === "udp" ? "u" : "t"} ${v.written} mh -b mh-fallback,mh-port ...\``,
      );
    if (v.scheduler !== "mh") return;
    const flags = v.schedFlags ?? [];
    const quiesced = v.realServers.find((r) => r.weight === 0);
    if (!flags.includes("mh-fallback") && (multi || quiesced !== undefined))
      this.report(
        "mh-without-fallback",
        `\`mh\` without \`mh-fallback\` drops the clients of a real server with weight 0`,
        at,
        `${multi ? "behind N active directors a failing real server is quiesced (weight 0) rather than removed, which would reorder the mh table" : `\`${quiesced!.written}\` has weight 0`}; without the flag its clients get no server at all ("no destination available"), with it they go to the next server of the table: add \`-b mh-fallback\``,
      );
    // the Maglev table serves N servers evenly (within 1 %) while M > 100 N; weights count as slots
    let g = 0;
    for (const r of v.realServers) g = gcd(g, r.weight);
    const slots = g === 0 ? 0 : v.realServers.reduce((n, r) => n + r.weight / g, 0);
    if (slots > MH_EVEN_SERVERS)
      this.report(
        "mh-table-uneven",
        `\`mh\` spreads ${slots === v.realServers.length ? `${slots} real servers` : `${slots} weight units`} unevenly over its table of ${MH_TABLE_SIZE}`,
        at,
        `the kernel's table has ${MH_TABLE_SIZE} slots (CONFIG_IP_VS_MH_TAB_INDEX=12); Maglev keeps every server's share within 1 % only while the table is over 100 × the servers (${MH_EVEN_SERVERS} at most here): use fewer real servers (or smaller weights), or a kernel built with a larger CONFIG_IP_VS_MH_TAB_INDEX`,
      );
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
