// fast-check generators for conf files: valid ones built from the grammar, and mutations of
// them (dropped, repeated and swapped tokens, random bytes, Unicode, NUL, CR, huge values).
import fc from "fast-check";
import type { CompileResult, HostsSource } from "../../src/index.js";
import { formatIPv4, maskOfPrefix } from "../../src/net.js";

export const FUZZ_HOSTS: HostsSource = {
  path: "fuzz-hosts",
  text: "192.168.0.3 rs1\n192.168.0.4 rs2\n192.168.0.5 rs3\n192.168.0.6 web-a.example\n192.168.0.254 gw\n",
};

const octet = fc.integer({ min: 1, max: 254 });
const port = fc.integer({ min: 1, max: 65535 });
const scheduler = fc.constantFrom("rr", "wrr", "lc", "wlc", "sh", "dh", "sed", "nq", "mh");
const tcpName = fc.constantFrom("www", "http", "https", "telnet", "ssh", "smtp", "domain", "imap2", "ldap", "mysql");
const udpName = fc.constantFrom("domain", "ntp", "snmp", "syslog", "sip", "https", "nfs");
const rsHost = fc.constantFrom("rs1", "rs2", "rs3", "web-a.example", "192.168.0.7", "192.168.0.8", "127.0.0.1", "localhost");

const isLocal = (h: string) => h === "localhost" || h === "127.0.0.1";

interface Shape {
  type: "dr" | "nat" | "tun";
  lineEnd: "\n" | "\r\n";
}

function realServers(type: Shape["type"], proto: "t" | "u" | "f", withPort: boolean) {
  return fc
    .uniqueArray(rsHost, { minLength: 1, maxLength: 4, selector: (h) => (h === "localhost" ? "127.0.0.1" : h) })
    .chain((hosts) =>
      fc.tuple(
        ...hosts.map((h) =>
          fc.tuple(fc.constant(h), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })).map(
            // only NAT remaps a port, and never for LocalNode (localnode-port-remap)
            ([host, p, w]) => `${host}${withPort && type === "nat" && proto !== "f" && p !== undefined && !isLocal(host) ? `:${p}` : ""}${w !== undefined ? `,${w}` : ""}`,
          ),
        ),
      ),
    );
}

const service = (type: Shape["type"]) =>
  fc
    .record({
      proto: fc.constantFrom("t", "u", "f") as fc.Arbitrary<"t" | "u" | "f">,
      tcp: fc.oneof(tcpName, port.map(String)),
      udp: fc.oneof(udpName, port.map(String)),
      mark: fc.integer({ min: 1, max: 2147483647 }),
      sched: fc.option(scheduler, { nil: undefined }),
      ppc: fc.option(fc.record({ t: fc.option(fc.integer({ min: 1, max: 2678400 }), { nil: undefined }), m: fc.option(fc.integer({ min: 8, max: 32 }), { nil: undefined }) }), { nil: undefined }),
      remap: fc.boolean(),
    })
    .chain((s) =>
      realServers(type, s.proto, s.remap).map((rs) => {
        const svc = s.proto === "t" ? s.tcp : s.proto === "u" ? s.udp : String(s.mark);
        const ppc =
          s.ppc === undefined
            ? ""
            : ` ppc${s.ppc.t !== undefined ? ` -t ${s.ppc.t}` : ""}${s.ppc.m !== undefined ? ` -M ${formatIPv4(maskOfPrefix(s.ppc.m))}` : ""}`;
        return { key: s.proto === "f" ? `f${s.mark}` : `${s.proto}${svcKey(svc)}`, line: `SERVICE=${s.proto} ${svc}${s.sched !== undefined ? ` ${s.sched}` : ""}${ppc} ${rs.join(" ")}` };
      }),
    );

function svcKey(svc: string): string {
  const aliases: Record<string, string> = { www: "80", http: "80", https: "443", telnet: "23", ssh: "22", smtp: "25", domain: "53", imap2: "143", ldap: "389", mysql: "3306", ntp: "123", snmp: "161", syslog: "514", sip: "5060", nfs: "2049" };
  return aliases[svc] ?? svc;
}


/** A conf that should lint without errors: consistent addresses, no duplicate services. */
export const validConf: fc.Arbitrary<string> = fc
  .record({
    type: fc.constantFrom("dr", "nat", "tun") as fc.Arbitrary<Shape["type"]>,
    lineEnd: fc.constantFrom("\n", "\r\n") as fc.Arbitrary<Shape["lineEnd"]>,
    vipHost: fc.integer({ min: 100, max: 200 }), // clear of the hosts file, the DIP and the gateway
    initial: fc.option(fc.constantFrom("on", "off", '"on"', '"off"'), { nil: undefined }),
    vip32: fc.boolean(),
    gw: fc.boolean(),
    comments: fc.array(fc.stringMatching(/^[ -~]{0,30}$/), { maxLength: 3 }),
    netDevice: fc.option(fc.constantFrom("eth0", "eth1", "ens3", "eth0.100"), { nil: undefined }),
  })
  .chain((c) =>
    fc.uniqueArray(service(c.type), { minLength: 1, maxLength: 6, selector: (s) => s.key }).map((services) => {
      const vip = `192.168.0.${c.vipHost}`;
      const lines = [
        `LVS_TYPE=VS_${c.type.toUpperCase()}`,
        ...(c.initial !== undefined ? [`INITIAL_STATE=${c.initial}`] : []),
        c.vip32 ? `VIP=eth0:110 ${vip} 255.255.255.255 ${vip}` : `VIP=eth0:110 ${vip} 255.255.255.0 192.168.0.255`,
        "DIRECTOR_INSIDEIP=eth0 192.168.0.1 192.168.0.0 255.255.255.0 192.168.0.255",
        ...(c.gw ? ["DIRECTOR_DEFAULT_GW=gw"] : []),
        ...c.comments.map((t) => `#${t}`),
        ...services.map((s) => s.line),
        ...(c.type === "nat" ? [] : [`SERVER_VIP_DEVICE=${c.type === "tun" ? "tunl0" : "dummy0"}`]),
        ...(c.netDevice !== undefined ? [`SERVER_NET_DEVICE=${c.netDevice}`] : []),
        ...(c.type === "nat" && c.gw ? ["SERVER_DEFAULT_GW=192.168.0.1"] : []),
      ];
      return lines.join(c.lineEnd) + c.lineEnd;
    }),
  );

const junk = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: "binary", maxLength: 8 }),
  fc.constantFrom("\u0000", "\r", "\n", "\t", "=", '"', "#", ";", "$(reboot)", "`id`", "'", "\\", "\uFEFF", "é", "\u202e", "-", ":", ","),
  fc.constantFrom("99999999999999999999", "4294967296", "-1", "0", "00", "1e3", "0x10", "256.256.256.256"),
  fc.integer({ min: 1000, max: 70000 }).map((n) => "x".repeat(n)),
);

type Mutation =
  | { kind: "drop" | "repeat"; at: number }
  | { kind: "swap"; at: number }
  | { kind: "insert" | "replace"; at: number; text: string }
  | { kind: "dropLine" | "repeatLine"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom("drop", "repeat", "swap", "dropLine", "repeatLine") as fc.Arbitrary<"drop">, at: fc.nat() }),
  fc.record({ kind: fc.constantFrom("insert", "replace") as fc.Arbitrary<"insert">, at: fc.nat(), text: junk }),
) as fc.Arbitrary<Mutation>;

/** Tokens: runs of non-blank, non-`=` characters, and every separator kept as its own token. */
function tokens(text: string): string[] {
  return text.split(/([ \t]+|=|\r?\n)/).filter((t) => t !== "");
}

export function mutate(text: string, ms: Mutation[]): string {
  let toks = tokens(text);
  for (const m of ms) {
    if (m.kind === "dropLine" || m.kind === "repeatLine") {
      const lines = toks.join("").split("\n");
      const i = m.at % lines.length;
      if (m.kind === "dropLine") lines.splice(i, 1);
      else lines.splice(i, 0, lines[i]!);
      toks = tokens(lines.join("\n"));
      continue;
    }
    if (toks.length === 0) toks = [""];
    const i = m.at % toks.length;
    switch (m.kind) {
      case "drop":
        toks.splice(i, 1);
        break;
      case "repeat":
        toks.splice(i, 0, toks[i]!);
        break;
      case "swap":
        if (i + 1 < toks.length) [toks[i], toks[i + 1]] = [toks[i + 1]!, toks[i]!];
        break;
      case "insert":
        toks.splice(i, 0, m.text);
        break;
      case "replace":
        toks[i] = m.text;
        break;
    }
  }
  return toks.join("");
}

export const mutatedConf: fc.Arbitrary<string> = fc.tuple(validConf, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([t, ms]) => mutate(t, ms));

/** Random bytes, sometimes with a valid conf around them. */
export const byteInput: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.tuple(validConf, fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.nat()).map(([t, bytes, at]) => {
    const b = Buffer.from(t, "utf8");
    const i = at % (b.length + 1);
    return new Uint8Array(Buffer.concat([b.subarray(0, i), Buffer.from(bytes), b.subarray(i)]));
  }),
);

/** The properties every input must keep; returns the broken one, or undefined. */
export function violations(text: string, r: CompileResult): string | undefined {
  if (r.errorCount > 0 && r.files.length > 0) return "files emitted despite errors";
  if (r.errorCount === 0 && r.files.length === 0) return "no error and no files";
  const lines = text.split("\n").length;
  for (const d of r.diagnostics) {
    for (const s of [d.span, ...(d.related ?? []).map((x) => x.span)]) {
      const { start, end } = s;
      if (start.line < 1 || start.column < 1 || end.line < start.line || start.offset < 0) return `bad span start ${JSON.stringify(s)}`;
      if (end.offset < start.offset || end.offset > text.length + 1) return `span outside the file (${text.length} chars): ${JSON.stringify(s)}`;
      if (end.line > lines + 1) return `span past the last line (${lines}): ${JSON.stringify(s)}`;
    }
    if (/[\u0000-\u001f\u007f]/.test(d.message) || (d.hint !== undefined && /[\u0000-\u001f\u007f]/.test(d.hint))) return `control character in a message: ${JSON.stringify(d.message)}`;
  }
  return undefined;
}
