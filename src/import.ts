// `lvsc import`: a running cluster's own description (an `ipvsadm -S -n` table, or keepalived.conf
// files: one, or both directors' of a pair) -> confs, one per VIP, and the hosts file they use; in
// memory, nothing on disk. Pure: a keepalived.conf's includes are read through the caller's loader.
//
// Each conf is linted as the file it will be: an error there (a port remap under DR, a real server
// off the DIP's network) means the table does something a conf refuses, and nothing is written.
// A directive the table does not say is left for the admin to fill in (src/import-emit.ts), and
// is named in `fillIn`: the one error of the conf that is not a problem of the import.

import { countErrors, diag, START_OF_FILE, type Diagnostic } from "./diagnostics.js";
import { DIRECTIVES } from "./directives.js";
import { parseHosts, type HostsSource } from "./hosts.js";
import { emitConf, readIpAddr, type HostAddress } from "./import-emit.js";
import { readIpvsadm } from "./import-ipvsadm.js";
import { readKeepalived } from "./import-keepalived.js";
import type { KeepalivedLoader } from "./import-keepalived-lex.js";
import type { ImportRead, ReadFile } from "./import-model.js";
import { analyze } from "./lint.js";
import type { LvsType } from "./model.js";
import { formatIPv4, type IPv4 } from "./net.js";
import { builtinServices, parseServices } from "./services.js";
import { VERSION } from "./version.js";

export type ImportFormat = "ipvsadm" | "keepalived";

export interface ImportOptions {
  /** The input's name, for diagnostics and the confs' header. */
  file: string;
  /** hosts(5) files: the real servers are written by name where one names their address. */
  hosts?: readonly HostsSource[];
  services?: { path: string; text: string };
  /** `ip -o addr` of the director: where the VIP is, and which address is the DIP. */
  addr?: { path: string; text: string };
  /** Directives the input cannot tell (`--set NAME=VALUE`). */
  set?: ReadonlyMap<string, string>;
  /** LVS_TYPE when no real server tells it. */
  type?: LvsType;
  /** What the input is; by default, a table when its first line is `-A`/`-a` (or `ipvsadm ...`), else keepalived.conf. */
  from?: ImportFormat;
  /** keepalived.conf: the other director's file of a pair (lvsc's keepalived.backup.conf). */
  more?: readonly { path: string; text: string }[];
  /** keepalived.conf: keepalived's -i, which `@ID` lines apply. */
  configId?: string;
  /** keepalived.conf: how its includes are read (none by default). */
  loader?: KeepalivedLoader;
}

/** A table when its first line is an ipvsadm command line, else keepalived.conf. */
export function detectFormat(text: string): ImportFormat {
  const first = text.split("\n").find((l) => !/^[ \t]*(#|$)/.test(l)) ?? "";
  // no keepalived.conf line starts with an option
  return /^[ \t]*(ipvsadm([ \t]|$)|-)/.test(first) ? "ipvsadm" : "keepalived";
}

export interface ImportedConf {
  /** `lvs_dr.conf`, or `lvs_dr.conf.192.0.2.1` when the input has several VIPs. */
  path: string;
  contents: string;
  /** Directives left for the admin to write (each an `lvsc import:` comment in the conf). */
  fillIn: string[];
}

export interface ImportResult {
  /** Each file read (the input, the `ip -o addr` file) and each conf made, with its problems. */
  files: ReadFile[];
  errorCount: number;
  warningCount: number;
  /** The confs, or none when there is any error. */
  confs: ImportedConf[];
  /** The names the confs use, as a hosts file beside them; undefined when they use none. */
  hosts: { path: string; contents: string } | undefined;
}

/** `NAME=VALUE` values `--set` may give: a directive of the conf, a value of one line. */
export function checkSet(name: string, value: string): string | undefined {
  if (DIRECTIVES[name] === undefined || name === "SERVICE") return `\`${name}\` is not a directive --set can give (${Object.keys(DIRECTIVES).filter((d) => d !== "SERVICE").join(", ")})`;
  if (!/^[A-Za-z0-9 _.:\/,-]+$/.test(value)) return `the value of ${name} may hold letters, digits, blanks and _ . : / , - only`;
  return undefined;
}

export function importCluster(source: string, opts: ImportOptions): ImportResult {
  const hosts = opts.hosts !== undefined ? parseHosts(opts.hosts) : undefined;
  const services = opts.services !== undefined ? parseServices(opts.services.text, opts.services.path) : builtinServices();
  const from = opts.from ?? detectFormat(source);
  const read: ImportRead =
    from === "ipvsadm"
      ? readIpvsadm(source, { file: opts.file, hosts, services })
      : readKeepalived([{ path: opts.file, text: source }, ...(opts.more ?? [])], {
          ...(opts.loader ?? { load: () => ({ error: "includes are not read here" }), glob: () => [] }),
          ...(opts.configId !== undefined ? { configId: opts.configId } : {}),
        });
  const files = [...read.files];
  let addresses: HostAddress[] | undefined;
  if (opts.addr !== undefined) {
    const a = readIpAddr(opts.addr.text);
    addresses = a.addresses;
    files.push({ file: opts.addr.path, text: opts.addr.text, diagnostics: a.diagnostics });
  }
  const input = files[0]!;
  if (read.clusters.length === 0 && countErrors(input.diagnostics) === 0)
    input.diagnostics.push(
      diag("import-syntax", "the input holds no virtual service", START_OF_FILE, {
        hint: from === "ipvsadm" ? "give the output of `ipvsadm -S -n` on a director that has services" : "give the keepalived.conf that holds the virtual_server blocks (and the files it includes)",
      }),
    );

  const emitted = read.clusters.map((c) =>
    emitConf(c, {
      source: opts.file.split(/[\\/]/).pop() ?? opts.file,
      from: from === "ipvsadm" ? "an `ipvsadm -S -n` table" : "keepalived.conf",
      version: VERSION,
      addresses,
      hosts,
      set: opts.set,
      type: opts.type,
    }),
  );
  for (const e of emitted) input.diagnostics.push(...e.diagnostics);
  const several = emitted.length > 1;
  const names = new Map<string, IPv4>();
  const confs: ImportedConf[] = [];
  for (const e of emitted) {
    const base = e.type !== undefined ? `lvs_${e.type}.conf` : "lvs_imported.conf";
    const path = several ? `${base}.${e.vip !== undefined ? formatIPv4(e.vip) : "fwmark"}` : base;
    for (const [n, a] of e.names) names.set(n, a);
    confs.push({ path, contents: e.text, fillIn: e.fillIn });
  }
  const hostsFile =
    names.size > 0
      ? { path: "hosts", contents: `# The host names the imported confs use, from ${[...(opts.hosts ?? [])].map((h) => h.path).join(", ")}.\n` + [...names].map(([n, a]) => `${formatIPv4(a)}\t${n}\n`).join("") }
      : undefined;

  // each conf as the file it will be: its errors, but for the directives left to fill in
  if (files.every((f) => countErrors(f.diagnostics) === 0))
    for (const c of confs) {
      const a = analyze(c.contents, { file: c.path, hosts: hostsFile !== undefined ? [{ path: "hosts", text: hostsFile.contents }] : [], ...(opts.services !== undefined ? { services: opts.services } : {}) });
      const left = (d: Diagnostic) =>
        (d.code === "missing-directive" && c.fillIn.some((n) => d.message.includes(`\`${n}\``))) ||
        (d.code === "missing-real-servers" && c.fillIn.includes("SERVICE")) ||
        // said already at the table's line (import-quiesced-server)
        d.code === "zero-weight";
      const own = a.diagnostics.filter((d) => !left(d));
      if (own.length > 0) files.push({ file: c.path, text: c.contents, diagnostics: own });
    }
  const errorCount = files.reduce((n, f) => n + countErrors(f.diagnostics), 0);
  const warningCount = files.reduce((n, f) => n + f.diagnostics.length, 0) - errorCount;
  return { files, errorCount, warningCount, confs: errorCount > 0 ? [] : confs, hosts: errorCount > 0 ? undefined : hostsFile };
}
