// An IPVS table in `ipvsadm -S -n` form (or a rules file `ipvsadm -R` takes) -> the clusters it
// holds, one per VIP. Pure.
//
// The grammar is ipvsadm 1.31's (ipvsadm.c print_service_entry, and the popt table -R reads):
//
//   -A <svc> [-s <sched>] [-p [<timeout>]] [-M <mask>] [--pe <engine>] [-o] [-b <flags>]
//   -a <svc> -r <addr>[:<port>] [-g|-m|-i] [-w <weight>] [-x <n>] [-y <n>] [--tun-type ...]
//   <svc> ::= -t <addr>:<port> | -u <addr>:<port> | --sctp-service <addr>:<port> | -f <mark> [-6]
//
// with long forms (--add-service, --tcp-service, --scheduler=rr, ...), `ipvsadm` tokens dropped
// and `#` lines skipped as ipvsadm-restore does. ipvsadm's own defaults apply where -R applies
// them: scheduler wlc, `-p` alone 360 s, direct routing, weight 1, a real server without a port
// on the service's. What a conf cannot say is a diagnostic at its token, never dropped silently.

import { diag, type Code, type Diagnostic, type Span } from "./diagnostics.js";
import { DEFAULT_PERSISTENCE_TIMEOUT, DEFAULT_SCHEDULER, MAX_FWMARK, MAX_PERSISTENCE_TIMEOUT, MAX_WEIGHT, SCHEDULERS } from "./directives.js";
import type { HostTable } from "./hosts.js";
import type { ForwardingMethod, ImportedCluster, ImportedServer, ImportedService, ImportRead, Where } from "./import-model.js";
import { formatIPv4, isLoopback, parseIPv4, prefixOfMask, type IPv4 } from "./net.js";
import { lookupService, type ServiceTable } from "./services.js";
import { didYouMean, printable } from "./text.js";

export interface IpvsadmReadOptions {
  /** The table's name in diagnostics. */
  file: string;
  /** For a table saved without -n: host names back to addresses. */
  hosts?: HostTable | undefined;
  /** For a table saved without -n: service names back to ports. */
  services: ServiceTable;
}

interface Token {
  text: string;
  span: Span;
}

const SCHEDULER_SET: ReadonlySet<string> = new Set(SCHEDULERS);

/** Long options and their short forms; a value after `=` is split off as ipvsadm's popt does. */
const LONG: Record<string, string> = {
  "--add-service": "-A",
  "--edit-service": "-E",
  "--delete-service": "-D",
  "--add-server": "-a",
  "--edit-server": "-e",
  "--delete-server": "-d",
  "--clear": "-C",
  "--tcp-service": "-t",
  "--udp-service": "-u",
  "--fwmark-service": "-f",
  "--scheduler": "-s",
  "--persistent": "-p",
  "--netmask": "-M",
  "--real-server": "-r",
  "--gatewaying": "-g",
  "--masquerading": "-m",
  "--ipip": "-i",
  "--weight": "-w",
  "--u-threshold": "-x",
  "--l-threshold": "-y",
  "--ops": "-o",
  "--sched-flags": "-b",
  "--ipv6": "-6",
};

/** Options a conf cannot express: they change what the table does. */
const UNSUPPORTED: Record<string, [Code, string]> = {
  "--sctp-service": ["import-sctp", "SCTP services"],
  "-o": ["import-ipvs-option", "one-packet scheduling (`-o`, `--ops`)"],
  "-b": ["import-ipvs-option", "scheduler flags (`-b`, `--sched-flags`)"],
  "--pe": ["import-ipvs-option", "persistence engines (`--pe`)"],
};

/** Splits a line into tokens with their spans. */
function tokens(line: string, lineNo: number, lineOffset: number): Token[] {
  const out: Token[] = [];
  const re = /[^ \t\r]+/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    const col = m.index + 1;
    out.push({
      text: m[0],
      span: { start: { line: lineNo, column: col, offset: lineOffset + m.index }, end: { line: lineNo, column: col + m[0].length, offset: lineOffset + m.index + m[0].length } },
    });
  }
  return out;
}

/** A long option's value given as `--opt=value`: two tokens, as popt reads them. */
function splitLong(toks: Token[]): Token[] {
  const out: Token[] = [];
  for (const t of toks) {
    const eq = t.text.indexOf("=");
    if (!t.text.startsWith("--") || eq < 0) {
      out.push(t);
      continue;
    }
    const s = t.span.start;
    out.push({ text: t.text.slice(0, eq), span: { start: s, end: { line: s.line, column: s.column + eq, offset: s.offset + eq } } });
    out.push({ text: t.text.slice(eq + 1), span: { start: { line: s.line, column: s.column + eq + 1, offset: s.offset + eq + 1 }, end: t.span.end } });
  }
  return out;
}

interface ServiceKey {
  protocol: "tcp" | "udp" | "fwmark";
  vip: IPv4 | undefined;
  port: number;
  fwmark: number | undefined;
}

const keyText = (k: ServiceKey) => (k.protocol === "fwmark" ? `f${k.fwmark}` : `${k.protocol} ${formatIPv4(k.vip!)}:${k.port}`);
const shownSvc = (k: ServiceKey) => (k.protocol === "fwmark" ? `-f ${k.fwmark}` : `${k.protocol === "tcp" ? "-t" : "-u"} ${formatIPv4(k.vip!)}:${k.port}`);

export function readIpvsadm(text: string, opts: IpvsadmReadOptions): ImportRead {
  const diagnostics: Diagnostic[] = [];
  const where = (span: Span): Where => ({ file: opts.file, span });
  const services = new Map<string, ImportedService>();
  // services whose -A line was refused: their -a lines are not also "without an -A line"
  const refused = new Set<string>();
  const order: ImportedService[] = [];
  let offset = 0;
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const lineOffset = offset;
    offset += raw.length + 1;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (/^[ \t]*(#|$)/.test(line)) return;
    const toks = splitLong(tokens(line, i + 1, lineOffset)).filter((t) => t.text !== "ipvsadm");
    if (toks.length === 0) return;
    const r = new LineReader(toks, opts, diagnostics, refused);
    r.read(services, order, where);
  });
  return { clusters: clustersOf(order, opts.file, diagnostics), files: [{ file: opts.file, text, diagnostics }] };
}

/** The services of one VIP make one cluster; fwmark services go with the only VIP, else alone. */
function clustersOf(services: ImportedService[], file: string, diagnostics: Diagnostic[]): ImportedCluster[] {
  const byVip = new Map<number, ImportedService[]>();
  const marks: ImportedService[] = [];
  for (const s of services) {
    if (s.vip === undefined) marks.push(s);
    else byVip.set(s.vip, [...(byVip.get(s.vip) ?? []), s]);
  }
  const cluster = (vip: IPv4 | undefined, list: ImportedService[]): ImportedCluster => ({
    vip: vip !== undefined ? { address: vip, prefix: undefined, device: undefined, at: list[0]!.at } : undefined,
    dip: undefined,
    routerId: undefined,
    pair: undefined,
    initialState: undefined,
    services: list,
  });
  const out = [...byVip].map(([vip, list]) => cluster(vip, list));
  if (marks.length > 0) {
    if (out.length === 1) out[0]!.services.push(...marks);
    else {
      if (out.length > 1)
        for (const m of marks)
          diagnostics.push(
            diag("import-fwmark-vip-unknown", `the table has ${out.length} VIPs, and which of them firewall mark ${m.fwmark} serves is the firewall's to say`, m.at.span, {
              hint: "the mark's services go into a conf of their own: fill in its VIP, or move its SERVICE line into the conf of its VIP",
            }),
          );
      out.push(cluster(undefined, marks));
    }
  }
  void file;
  return out;
}

/** One line of the table: reads its options in order, and adds a service or a real server. */
class LineReader {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly opts: IpvsadmReadOptions,
    private readonly diagnostics: Diagnostic[],
    private readonly refused: Set<string>,
  ) {}

  private problem(code: Code, message: string, span: Span, hint?: string): void {
    this.diagnostics.push(diag(code, message, span, hint !== undefined ? { hint } : undefined));
  }

  private next(): Token | undefined {
    return this.toks[this.i++];
  }

  private opt(t: Token): string {
    return LONG[t.text] ?? t.text;
  }

  /** The value of option `t`; a diagnostic when there is none. */
  private value(t: Token): Token | undefined {
    const v = this.toks[this.i];
    if (v === undefined || (v.text.startsWith("-") && !/^-\d/.test(v.text))) {
      this.problem("import-syntax", `option \`${printable(t.text)}\` needs a value`, t.span, "as `ipvsadm -S -n` prints it, e.g. `-A -t 192.0.2.1:80 -s wlc`");
      return undefined;
    }
    this.i++;
    return v;
  }

  read(services: Map<string, ImportedService>, order: ImportedService[], where: (s: Span) => Where): void {
    const cmd = this.next()!;
    const c = this.opt(cmd);
    if (c !== "-A" && c !== "-a") {
      this.problem(
        "import-syntax",
        `\`${printable(cmd.text)}\` is not a line of a saved table`,
        cmd.span,
        c === "-C" || c === "-E" || c === "-e" || c === "-D" || c === "-d"
          ? "a saved table (`ipvsadm -S -n`) has only -A and -a lines: import the table, not a script that edits one"
          : "each line is `-A <service> ...` or `-a <service> -r <server> ...`, as `ipvsadm -S -n` prints them",
      );
      return;
    }
    const key = this.service();
    if (key === undefined) return;
    if (c === "-A") this.addService(key, cmd, services, order, where);
    else this.addServer(key, cmd, services, where);
  }

  /** `-t addr:port`, `-u addr:port` or `-f mark [-6]`; undefined (with a diagnostic) when it is not one lvsc can take. */
  private service(): ServiceKey | undefined {
    const t = this.next();
    if (t === undefined) {
      this.problem("import-syntax", "the line names no virtual service", this.toks[0]!.span, "a service is `-t addr:port`, `-u addr:port` or `-f mark`");
      return undefined;
    }
    const o = this.opt(t);
    const unsupported = UNSUPPORTED[t.text];
    if (unsupported !== undefined) {
      this.problem(unsupported[0], `lvsc cannot express ${unsupported[1]}`, t.span, "leave this service out of the table you import, or keep it outside lvsc");
      return undefined;
    }
    if (o === "-f") {
      const v = this.value(t);
      if (v === undefined) return undefined;
      const mark = /^\d{1,10}$/.test(v.text) ? Number(v.text) : NaN;
      if (!(mark >= 1 && mark <= MAX_FWMARK)) {
        this.problem("import-invalid-value", `\`${printable(v.text)}\` is not a firewall mark`, v.span, `a mark is a number from 1 to ${MAX_FWMARK}`);
        return undefined;
      }
      const six = this.toks[this.i];
      if (six !== undefined && this.opt(six) === "-6") {
        this.problem("import-ipv6", `firewall mark ${mark} is an IPv6 service (\`-6\`), which lvsc cannot express yet`, six.span, "leave the IPv6 services out of the table you import");
        return undefined;
      }
      return { protocol: "fwmark", vip: undefined, port: 0, fwmark: mark };
    }
    if (o !== "-t" && o !== "-u") {
      this.problem("import-syntax", `\`${printable(t.text)}\` where the virtual service belongs`, t.span, "a service is `-t addr:port`, `-u addr:port` or `-f mark`, right after -A or -a");
      return undefined;
    }
    const v = this.value(t);
    if (v === undefined) return undefined;
    const protocol = o === "-t" ? "tcp" : "udp";
    const ap = this.addrPort(v, protocol, true);
    if (ap === undefined) return undefined;
    return { protocol, vip: ap.address, port: ap.port!, fwmark: undefined };
  }

  /**
   * `a.b.c.d:port` (the port a number, or with a table saved without -n a service name), a host
   * name from the hosts files; `[v6]:port` is refused.
   */
  private addrPort(v: Token, protocol: "tcp" | "udp", needPort: boolean): { address: IPv4; port: number | undefined } | undefined {
    const text = v.text;
    if (text.startsWith("[") || (text.match(/:/g) ?? []).length > 1) {
      this.problem("import-ipv6", `\`${printable(text)}\` is an IPv6 address, which lvsc cannot express yet`, v.span, "leave the IPv6 services out of the table you import");
      return undefined;
    }
    const colon = text.lastIndexOf(":");
    const host = colon < 0 ? text : text.slice(0, colon);
    const portText = colon < 0 ? undefined : text.slice(colon + 1);
    let address: IPv4;
    const a = parseIPv4(host);
    if (a.ok) address = a.value;
    else {
      const e = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(host) && /[A-Za-z]/.test(host) ? this.opts.hosts?.v4.get(host.toLowerCase()) : undefined;
      if (e === undefined) {
        const isName = /^[A-Za-z0-9.-]+$/.test(host) && /[A-Za-z]/.test(host);
        this.problem(
          isName ? "import-unresolved-name" : "import-invalid-value",
          isName ? `host name \`${printable(host)}\` is in no hosts file` : `\`${printable(host)}\` is not an IPv4 address: ${a.reason}`,
          v.span,
          isName ? "save the table with `ipvsadm -S -n` (numeric addresses), or give the hosts file that names it with --hosts" : "addresses are dotted quads, as `ipvsadm -S -n` prints them",
        );
        return undefined;
      }
      address = e.address;
    }
    if (portText === undefined) {
      if (needPort) this.problem("import-syntax", `\`${printable(text)}\` has no port`, v.span, "a TCP or UDP service is `addr:port`");
      return needPort ? undefined : { address, port: undefined };
    }
    let port: number | undefined;
    if (/^\d{1,5}$/.test(portText)) port = Number(portText);
    else if (/^[A-Za-z][A-Za-z0-9_+.-]*$/.test(portText)) port = lookupService(this.opts.services, portText, protocol);
    if (port === undefined || port > 65535) {
      this.problem(
        /^[A-Za-z]/.test(portText) ? "import-unresolved-name" : "import-invalid-value",
        /^[A-Za-z]/.test(portText) ? `service name \`${printable(portText)}\` is not a ${protocol} service of the services table` : `\`${printable(portText)}\` is not a port`,
        v.span,
        "save the table with `ipvsadm -S -n` (numeric ports), or give the services file with --services",
      );
      return undefined;
    }
    return { address, port };
  }

  private addService(key: ServiceKey, cmd: Token, services: Map<string, ImportedService>, order: ImportedService[], where: (s: Span) => Where): void {
    let scheduler = DEFAULT_SCHEDULER;
    let persistence: ImportedService["persistence"];
    let mask: IPv4 = 0xffffffff;
    let ok = true;
    for (let t = this.next(); t !== undefined; t = this.next()) {
      const o = this.opt(t);
      if (o === "-s") {
        const v = this.value(t);
        if (v === undefined) return;
        if (!SCHEDULER_SET.has(v.text)) {
          const mean = didYouMean(v.text, SCHEDULERS);
          this.problem("import-unknown-scheduler", `\`${printable(v.text)}\` is not a scheduler the kernel has${mean !== undefined ? `; did you mean \`${mean}\`?` : ""}`, v.span, `the schedulers are ${SCHEDULERS.join(", ")}`);
          ok = false;
        } else scheduler = v.text;
      } else if (o === "-p") {
        const v = this.toks[this.i];
        let timeout = DEFAULT_PERSISTENCE_TIMEOUT;
        if (v !== undefined && /^\d+$/.test(v.text)) {
          this.i++;
          timeout = Number(v.text);
          if (!(timeout >= 1 && timeout <= MAX_PERSISTENCE_TIMEOUT)) {
            this.problem("import-invalid-value", `persistence timeout ${printable(v.text)} is outside 1..${MAX_PERSISTENCE_TIMEOUT} seconds`, v.span, "ipvsadm takes 1 to 2678400 seconds (31 days)");
            ok = false;
          }
        }
        persistence = { timeout, netmask: 0xffffffff };
      } else if (o === "-M") {
        const v = this.value(t);
        if (v === undefined) return;
        const m = parseIPv4(v.text);
        if (!m.ok || prefixOfMask(m.value) === undefined) {
          this.problem("import-invalid-value", `\`${printable(v.text)}\` is not a netmask`, v.span, "a persistence netmask is a dotted quad of contiguous ones, e.g. 255.255.255.0");
          ok = false;
        } else mask = m.value;
      } else if (UNSUPPORTED[o] !== undefined) {
        this.problem(UNSUPPORTED[o]![0], `lvsc cannot express ${UNSUPPORTED[o]![1]}`, t.span, "a conf has no such setting: leave this service out of the table you import, or drop the option");
        if (o === "-b" || o === "--pe") this.i += this.toks[this.i] !== undefined && !this.toks[this.i]!.text.startsWith("-") ? 1 : 0;
        ok = false;
      } else {
        this.problem("import-syntax", `\`${printable(t.text)}\` is not an option of a service line`, t.span, "-A takes -s, -p, -M (and --pe, -o, -b, which lvsc cannot express)");
        ok = false;
      }
    }
    if (!ok) this.refused.add(keyText(key));
    if (persistence !== undefined) persistence.netmask = mask;
    else if (mask !== 0xffffffff) {
      this.problem("import-syntax", "a persistence netmask (`-M`) without `-p`", cmd.span, "ipvsadm prints -M only after -p");
      ok = false;
    }
    if (key.protocol !== "fwmark" && key.port === 0 && persistence === undefined) {
      this.problem("import-invalid-value", `${shownSvc(key)} takes every port, which the kernel allows only for a persistent service`, cmd.span, "port 0 needs -p");
      ok = false;
    }
    if (!ok) {
      this.refused.add(keyText(key));
      return;
    }
    const k = keyText(key);
    if (services.has(k)) {
      this.problem("import-duplicate", `${shownSvc(key)} is added twice`, cmd.span, "a saved table has one -A line per service");
      return;
    }
    const s: ImportedService = { ...key, scheduler, persistence, servers: [], at: where(cmd.span) };
    services.set(k, s);
    order.push(s);
  }

  private addServer(key: ServiceKey, cmd: Token, services: Map<string, ImportedService>, where: (s: Span) => Where): void {
    const s = services.get(keyText(key));
    let address: IPv4 | undefined;
    let port: number | undefined;
    let method: ForwardingMethod | undefined;
    let weight = 1;
    let ok = true;
    for (let t = this.next(); t !== undefined; t = this.next()) {
      const o = this.opt(t);
      if (o === "-r") {
        const v = this.value(t);
        if (v === undefined) return;
        const ap = this.addrPort(v, key.protocol === "udp" ? "udp" : "tcp", false);
        if (ap === undefined) return;
        address = ap.address;
        port = ap.port;
      } else if (o === "-g" || o === "-m" || o === "-i") {
        method = o === "-g" ? "dr" : o === "-m" ? "nat" : "tun";
      } else if (t.text === "(null)") {
        this.problem("import-forwarding-method", "`(null)` is a forwarding method ipvsadm could not name (a kernel fork's, such as FullNAT)", t.span, "lvsc sends by -g, -m or -i only");
        ok = false;
      } else if (o === "-w") {
        const v = this.value(t);
        if (v === undefined) return;
        weight = /^\d{1,5}$/.test(v.text) ? Number(v.text) : NaN;
        if (!(weight >= 0 && weight <= MAX_WEIGHT)) {
          this.problem("import-invalid-value", `\`${printable(v.text)}\` is not a weight`, v.span, `a weight is 0..${MAX_WEIGHT}`);
          ok = false;
        } else if (weight === 0)
          this.problem("import-quiesced-server", "a real server of weight 0: quiesced by hand, or by a monitor that found it down?", v.span, "it is imported with weight 0 (no new connections); give it its weight in the conf if it is a monitor's doing");
      } else if (o === "-x" || o === "-y") {
        const v = this.value(t);
        if (v === undefined) return;
        if (v.text !== "0")
          this.problem("import-setting-dropped", `connection threshold \`${printable(t.text)} ${printable(v.text)}\` is not kept: a conf has no thresholds`, t.span, "the imported server takes connections without a limit");
      } else if (t.text === "--tun-type") {
        const v = this.value(t);
        if (v === undefined) return;
        if (v.text !== "ipip") {
          this.problem("import-tunnel-type", `tunnel type \`${printable(v.text)}\`: lvsc tunnels with IPIP only`, v.span, "a VS_TUN conf sends IPIP (`--tun-type ipip`)");
          ok = false;
        }
      } else if (t.text === "--tun-port" || t.text === "--tun-nocsum" || t.text === "--tun-csum" || t.text === "--tun-remcsum") {
        if (t.text === "--tun-port") this.value(t);
        this.problem("import-tunnel-type", `\`${printable(t.text)}\` belongs to GUE or GRE tunnels: lvsc tunnels with IPIP only`, t.span, "a VS_TUN conf sends IPIP (`--tun-type ipip`)");
        ok = false;
      } else {
        this.problem("import-syntax", `\`${printable(t.text)}\` is not an option of a real-server line`, t.span, "-a takes -r, -g/-m/-i, -w (and -x, -y, --tun-type)");
        ok = false;
      }
    }
    if (address === undefined) {
      this.problem("import-syntax", "a real-server line without `-r`", cmd.span, "e.g. `-a -t 192.0.2.1:80 -r 192.0.2.10:80 -g -w 1`");
      return;
    }
    if (!ok) return;
    if (s === undefined && this.refused.has(keyText(key))) return; // its service's problem is said at its -A line
    if (s === undefined) {
      this.problem("import-syntax", `real server of ${shownSvc(key)}, which no -A line before it adds`, cmd.span, "ipvsadm -S prints each -A line before its -a lines");
      return;
    }
    const server: ImportedServer = { address, port: port ?? key.port, weight, method: method ?? "dr", at: where(cmd.span) };
    if (s.servers.some((x) => x.address === server.address && x.port === server.port)) {
      this.problem("import-duplicate", `real server ${formatIPv4(address)}:${server.port} of ${shownSvc(key)} is added twice`, cmd.span, "a service has each real server once");
      return;
    }
    if (isLoopback(address) && server.method !== "dr")
      this.problem("import-forwarding-method", `LocalNode ${formatIPv4(address)} sent by ${server.method === "nat" ? "-m" : "-i"}: the kernel delivers only -g to the director itself`, cmd.span, "lvsc writes LocalNode with -g");
    else s.servers.push(server);
  }
}
