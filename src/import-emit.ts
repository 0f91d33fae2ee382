// Imported clusters -> conf text, one conf per cluster, and the director's `ip -o addr` lines ->
// the addresses that tell the VIP's device and the DIP. Pure.
//
// The conf is written from typed values only (addresses, numbers, schedulers, names from the
// hosts files, device names parsed as a conf's are, and `--set` values the conf's own lexer and
// validation then check), never from input text. What the input does not say is never guessed:
// the directive is left out with an `lvsc import:` comment saying what to write, and lint's
// `missing-directive` then flags it until the admin fills it in.

import { diag, type Diagnostic, type Span } from "./diagnostics.js";
import { derivedRouterId } from "./vrrp-id.js";
import { DEFAULT_PERSISTENCE_TIMEOUT } from "./directives.js";
import type { HostTable } from "./hosts.js";
import type { ImportedCheck, ImportedCluster, ImportedServer } from "./import-model.js";
import { checkOptions } from "./checks.js";
import { DEFAULT_VRRP_TIMERS, formatCs } from "./vrrp-timers.js";
import { TYPE_NAMES, type LvsType } from "./model.js";
import { broadcastOf, formatIPv4, inNetwork, isHostname, isLoopback, looksLikeIPv4, maskOfPrefix, networkOf, parseIface, parseIPv4, type IPv4 } from "./net.js";

/** One IPv4 address of the director, from `ip -o addr` (or `ip -o -4 addr show`). */
export interface HostAddress {
  /** The interface's label: `eth0`, or an alias such as `eth0:101`. */
  label: string;
  address: IPv4;
  prefix: number;
}

/**
 * `ip -o addr` output: `2: eth0    inet 192.0.2.1/24 brd 192.0.2.255 scope global eth0\ ...`,
 * the label being the last word before the backslash. IPv6 and other lines are skipped; a line
 * that is not of this shape is a diagnostic.
 */
export function readIpAddr(text: string): { addresses: HostAddress[]; diagnostics: Diagnostic[] } {
  const addresses: HostAddress[] = [];
  const diagnostics: Diagnostic[] = [];
  let offset = 0;
  text.split("\n").forEach((line, i) => {
    const at = offset;
    offset += line.length + 1;
    const m = /^\d+:\s+(\S+)\s+inet\s+(\S+)\s(.*)$/.exec(line.replace(/\r$/, ""));
    if (m === null) {
      if (line.trim() !== "" && !/^\d+:\s+\S+\s+(inet6|link\/)/.test(line))
        diagnostics.push(diag("import-syntax", "not a line of `ip -o addr`", span(i + 1, 1, at, line.length), { hint: "give the output of `ip -o addr` (one line per address) on the director" }));
      return;
    }
    const [addr, prefixText] = m[2]!.split("/");
    const a = parseIPv4(addr ?? "");
    const prefix = /^\d{1,2}$/.test(prefixText ?? "") ? Number(prefixText) : 32;
    const words = m[3]!.split("\\")[0]!.trim().split(/\s+/);
    const label = words[words.length - 1] ?? m[1]!;
    const iface = parseIface(label);
    if (!a.ok || prefix > 32 || !iface.ok) {
      diagnostics.push(diag("import-invalid-value", `\`${m[2]}\` on \`${label}\` is not an address lvsc takes`, span(i + 1, 1, at, line.length), { hint: "give the output of `ip -o addr` on the director, unedited" }));
      return;
    }
    addresses.push({ label, address: a.value, prefix });
  });
  return { addresses, diagnostics };
}

function span(line: number, column: number, offset: number, length: number): Span {
  return { start: { line, column, offset }, end: { line, column: column + length, offset: offset + length } };
}

export interface EmitOptions {
  /** The input's base name, for the header. */
  source: string;
  /** What kind of input it was, for the header: "an `ipvsadm -S -n` table", "keepalived.conf". */
  from: string;
  version: string;
  /** The director's addresses (`ip -o addr`), which say where the VIP is and which is the DIP. */
  addresses?: readonly HostAddress[] | undefined;
  /** Real servers are written by the first name a hosts file gives their address; else as addresses. */
  hosts?: HostTable | undefined;
  /** Directives the input cannot tell, given by the admin (`--set NAME=VALUE`): written as given. */
  set?: ReadonlyMap<string, string> | undefined;
  /** LVS_TYPE when the input has no real server to tell it. */
  type?: LvsType | undefined;
}

export interface EmittedConf {
  /** undefined when the input does not tell, and neither does `type`. */
  type: LvsType | undefined;
  vip: IPv4 | undefined;
  text: string;
  /** The host names the conf uses, with their addresses, for the hosts file beside it. */
  names: Map<string, IPv4>;
  /** Directives left for the admin to write, each an `lvsc import:` comment in `text`; SERVICE once. */
  fillIn: string[];
  diagnostics: Diagnostic[];
}

const METHOD_FLAG: Record<LvsType, string> = { dr: "-g", nat: "-m", tun: "-i" };

/** The cluster's LVS_TYPE from its real servers: one method for all but LocalNode. */
function typeOf(c: ImportedCluster, diagnostics: Diagnostic[]): LvsType | undefined | null {
  let first: ImportedServer | undefined;
  for (const s of c.services)
    for (const r of s.servers) {
      if (isLoopback(r.address)) continue;
      if (first === undefined) first = r;
      else if (r.method !== first.method) {
        diagnostics.push(
          diag(
            "import-mixed-methods",
            `${formatIPv4(r.address)} is sent by ${METHOD_FLAG[r.method]}, and ${formatIPv4(first.address)} (line ${first.at.span.start.line}) by ${METHOD_FLAG[first.method]}: a conf has one LVS_TYPE for all of a VIP's real servers`,
            r.at.span,
            { hint: "only LocalNode (the director itself) may differ: it is always -g. Split the VIP's services, or make the methods one" },
          ),
        );
        return null;
      }
    }
  return first?.method;
}

/** The conf of one imported cluster. */
export function emitConf(c: ImportedCluster, opts: EmitOptions): EmittedConf {
  const diagnostics: Diagnostic[] = [];
  const found = typeOf(c, diagnostics);
  const type = found === null ? undefined : (found ?? opts.type);
  const lines: string[] = [];
  const fill: string[] = [];
  const set = opts.set ?? new Map<string, string>();
  const names = new Map<string, IPv4>();
  const vip = c.vip?.address;
  const addrs = opts.addresses ?? [];
  const realServers = [...new Set(c.services.flatMap((s) => s.servers.filter((r) => !isLoopback(r.address)).map((r) => r.address)))];

  const put = (name: string, value: string | undefined, why: string, example: string) => {
    const given = set.get(name);
    if (given !== undefined) lines.push(`${name}=${given}`);
    else if (value !== undefined) lines.push(`${name}=${value}`);
    else {
      lines.push(`# lvsc import: ${name}=${example}`, `#   ${why}`);
      fill.push(name);
    }
  };

  lines.push(`# Imported by lvsc ${opts.version} from ${opts.source} (${opts.from}).`);
  lines.push("# Lines marked `lvsc import:` are what the input does not say: fill each in, then run");
  lines.push("# `lvsc lint` on this file until it is clean, and `rc.lvs_<type> plan` on the director.");
  put("LVS_TYPE", type !== undefined ? TYPE_NAMES[type] : undefined, "no real server says how the director reaches it: VS_DR (-g), VS_NAT (-m) or VS_TUN (-i)", "VS_DR");
  const anyServer = c.services.some((s) => s.servers.length > 0);
  const initial = c.initialState ?? anyServer;
  if (!set.has("INITIAL_STATE") && !anyServer) lines.push("# The table has no real servers: a monitor adds them (or they were all down). Name them on each SERVICE line.");
  put("INITIAL_STATE", initial ? "on" : "off", "", "on");

  // the VIP: its device and network from the director's own addresses, else from the input
  const vipAddr = vip !== undefined ? addrs.find((a) => a.address === vip) : undefined;
  const vipDevice = c.vip?.device ?? vipAddr?.label;
  const vipPrefix = c.vip?.prefix ?? vipAddr?.prefix;
  put(
    "VIP",
    vip !== undefined && vipDevice !== undefined && vipPrefix !== undefined ? `${vipDevice} ${formatIPv4(vip)}/${vipPrefix}` : undefined,
    vip === undefined
      ? "the input has only firewall-mark services: which VIP the firewall marks is not in it"
      : "the input does not say on which device the VIP is: give `ip -o addr` of the director (--addr), or --set VIP=...",
    vip !== undefined ? `<device> ${formatIPv4(vip)}/<prefix>` : "<device> <address>/<prefix>",
  );

  // the DIP: the director's own address on a network that holds every real server
  let dip = c.dip !== undefined ? { label: c.dip.device, address: c.dip.address, prefix: c.dip.prefix } : undefined;
  let dipWhy = "the input does not say which of the director's addresses faces the real servers: give `ip -o addr` of the director (--addr), or --set DIRECTOR_INSIDEIP=...";
  if (dip === undefined && addrs.length > 0) {
    const candidates = addrs.filter((a) => a.address !== vip && !isLoopback(a.address) && a.prefix < 32 && realServers.length > 0 && realServers.every((r) => inNetwork(r, networkOf(a.address, maskOfPrefix(a.prefix)), maskOfPrefix(a.prefix))));
    // the narrowest network that holds them all; two of the same width would be a guess
    candidates.sort((a, b) => b.prefix - a.prefix);
    if (candidates.length === 1 || (candidates.length > 1 && candidates[0]!.prefix !== candidates[1]!.prefix)) dip = candidates[0];
    else if (candidates.length > 1) dipWhy = `the real servers are on the networks of ${candidates.map((a) => `${formatIPv4(a.address)}/${a.prefix} (${a.label})`).join(" and ")}: say which is the DIP`;
    else dipWhy = "none of the director's addresses is on a network that holds every real server (VS_TUN?): say which address faces them";
  }
  put(
    "DIRECTOR_INSIDEIP",
    dip !== undefined ? dipField(dip.label.split(":")[0]!, dip.address, dip.prefix) : undefined,
    dipWhy,
    "<device> <address> <network> <netmask> <broadcast>",
  );
  // the gateway, the pair and its VRRP settings: --set's where it gives them, as for every directive
  const vrrpId = c.routerId !== undefined && vip !== undefined && c.routerId !== derivedRouterId(vip) ? String(c.routerId) : undefined;
  for (const [name, value] of [
    ["DIRECTOR_DEFAULT_GW", undefined],
    ["DIRECTOR_PAIR", c.pair !== undefined ? `${formatIPv4(c.pair.director1)} ${formatIPv4(c.pair.director2)}` : undefined],
    ["VRRP_ROUTER_ID", vrrpId],
    ["VRRP_PREEMPT", c.pair?.preempt === true ? "on" : undefined],
    // a fraction says VRRPv3 by itself; whole seconds say it with VRRP_VERSION
    ["VRRP_ADVERT", c.pair !== undefined && c.vrrp !== undefined && c.vrrp.advertCs !== DEFAULT_VRRP_TIMERS.advertCs ? formatCs(c.vrrp.advertCs) : undefined],
    ["VRRP_VERSION", c.pair !== undefined && c.vrrp?.version === 3 && c.vrrp.advertCs % 100 === 0 ? "3" : undefined],
  ] as const) {
    const v = set.get(name) ?? value;
    if (v !== undefined) lines.push(`${name}=${v}`);
  }

  for (const s of c.services) {
    if (s.servers.length === 0) {
      lines.push("# lvsc import: SERVICE=... name this service's real servers (the input has none for it)");
      if (!fill.includes("SERVICE")) fill.push("SERVICE");
    }
    lines.push(serviceLine(s, names, opts.hosts));
  }
  // each service's health check, where it is not lvsc's default (src/checks.ts parses them back)
  for (const s of c.services) if (s.check !== undefined) lines.push(checkLine(s, s.check));

  if (type === "dr" || type === "tun") put("SERVER_VIP_DEVICE", undefined, "the real servers' device for the VIP is on the real servers, not in the input", type === "tun" ? "tunl0" : "dummy0");
  // every other --set directive as given (lint says where one has no effect for this type)
  for (const [name, v] of set) if (!lines.some((l) => l.startsWith(`${name}=`))) lines.push(`${name}=${v}`);
  return { type, vip, text: lines.join("\n") + "\n", names, fillIn: fill, diagnostics };
}

/** `CHECK=t 80 http path:/health status:200`: the service as SERVICE names it, by number. */
function checkLine(s: ImportedCluster["services"][number], c: ImportedCheck): string {
  const service = s.protocol === "fwmark" ? `f ${s.fwmark}` : `${s.protocol === "tcp" ? "t" : "u"} ${s.port}`;
  return `CHECK=${service} ${c.kind}${checkOptions(c).map((o) => ` ${o}`).join("")}`;
}

function dipField(device: string, address: IPv4, prefix: number): string {
  const mask = maskOfPrefix(prefix);
  return `${device} ${formatIPv4(address)} ${formatIPv4(networkOf(address, mask))} ${formatIPv4(mask)} ${formatIPv4(broadcastOf(address, mask))}`;
}

/** `SERVICE=t 80 wlc ppc -t 600 rs1,3 rs2`: ports as numbers, a server's port only where it differs. */
function serviceLine(s: ImportedCluster["services"][number], names: Map<string, IPv4>, hosts: HostTable | undefined): string {
  const proto = s.protocol === "tcp" ? "t" : s.protocol === "udp" ? "u" : "f";
  const what = s.protocol === "fwmark" ? String(s.fwmark) : String(s.port);
  let ppc = "";
  if (s.persistence !== undefined) {
    ppc = " ppc";
    if (s.persistence.timeout !== DEFAULT_PERSISTENCE_TIMEOUT) ppc += ` -t ${s.persistence.timeout}`;
    if (s.persistence.netmask !== 0xffffffff) ppc += ` -M ${formatIPv4(s.persistence.netmask)}`;
  }
  const servers = s.servers.map((r) => {
    const host = isLoopback(r.address) ? formatIPv4(r.address) : nameOf(r.address, names, hosts);
    const port = s.protocol === "fwmark" ? (r.port !== 0 ? `:${r.port}` : "") : r.port !== s.port ? `:${r.port}` : "";
    return `${host}${port}${r.weight !== 1 ? `,${r.weight}` : ""}`;
  });
  return `SERVICE=${proto} ${what} ${s.scheduler}${ppc}${servers.length > 0 ? " " + servers.join(" ") : ""}`;
}

const reverse = new WeakMap<HostTable, Map<IPv4, string>>();

/** The first name the hosts files give the address (one a conf takes as a host name), else the address. */
function nameOf(address: IPv4, names: Map<string, IPv4>, hosts: HostTable | undefined): string {
  if (hosts === undefined) return formatIPv4(address);
  let byAddress = reverse.get(hosts);
  if (byAddress === undefined) {
    byAddress = new Map();
    // the table maps each lower-cased name to its first address, in the files' order
    for (const [name, e] of hosts.v4) if (!byAddress.has(e.address) && isHostname(name) && !looksLikeIPv4(name) && name !== "localhost") byAddress.set(e.address, name);
    reverse.set(hosts, byAddress);
  }
  const name = byAddress.get(address);
  if (name === undefined) return formatIPv4(address);
  names.set(name, address);
  return name;
}
