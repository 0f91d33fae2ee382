// Public API: lint() and compile() on conf text, and the formatters. Never touches the file system.

import { toAst } from "./ast.js";
import { countErrors, diag, sortDiagnostics, type Diagnostic } from "./diagnostics.js";
import { parseHosts, type HostsSource } from "./hosts.js";
import type { LvsConfig } from "./model.js";
import { LineMap, parse } from "./parser.js";
import { planOutputs, type ArpMethod, type OutputFile, type Target } from "./plan.js";
import { convert } from "./convert.js";
import type { ConfFile } from "./ast.js";
import { TYPE_NAMES, type LvsType } from "./model.js";
import { formatIPv4 } from "./net.js";
import { render } from "./render.js";
import { builtinServices, parseServices } from "./services.js";
import { validate } from "./validate.js";
import { VERSION } from "./version.js";

export { ALL_CODES, CODES } from "./diagnostics.js";
export type { Code, Diagnostic, Position, RelatedLocation, Severity, Span } from "./diagnostics.js";
export type { HostsSource } from "./hosts.js";
export type { LvsConfig, LvsType, RealServer, VirtualService } from "./model.js";
export type { ArpMethod, OutputFile, Target } from "./plan.js";
export { TARGETS } from "./plan.js";
export { ipvsListing, ipvsRules } from "./ipvs.js";
export { VERSION } from "./version.js";

export interface LintOptions {
  /** The conf's path as the user gave it: used in results and to suggest LVS_TYPE from the name. */
  file?: string;
  /** hosts(5) files, searched in order. No file means only `localhost` resolves. */
  hosts?: readonly HostsSource[];
  /** A services(5) file replacing the built-in table (Debian's /etc/services). */
  services?: { path: string; text: string };
}

export interface LintResult {
  file: string;
  /** Sorted by position. */
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  /** The validated model, present when there is no error. */
  config: LvsConfig | undefined;
}

export interface CompileOptions extends LintOptions {
  /** Compile the cluster as this forwarding method (default: the conf's LVS_TYPE). */
  type?: LvsType;
  /** Which files to produce (default: every one that applies to the conf). */
  targets?: readonly Target[];
  /** ARP hiding in the real servers' rc.local snippet: today's sysctls (default) or the 2.2 `hidden` flag. */
  arp?: ArpMethod;
  /** Directory shared with the real servers in the exports line (default /etc/lvs). */
  exportDir?: string;
}

export interface CompileResult extends LintResult {
  /** Every output file, or none when there is any error. */
  files: OutputFile[];
}

/** Text, or bytes that must be UTF-8. */
export type Source = string | Uint8Array;

/** Lints one conf file. Never throws on bad input: every problem is a diagnostic. */
export function lint(source: Source, opts: LintOptions = {}): LintResult {
  const a = analyze(source, opts);
  return result(a.file, a.diagnostics, a.config);
}

interface Analysis {
  names: Map<string, number>;
  file: string;
  text: string | undefined;
  ast: ConfFile | undefined;
  config: LvsConfig | undefined;
  diagnostics: Diagnostic[];
}

function analyze(source: Source, opts: LintOptions): Analysis {
  const file = opts.file ?? "<input>";
  const decoded = decode(source);
  if (typeof decoded !== "string") return { file, text: undefined, ast: undefined, config: undefined, diagnostics: [decoded], names: new Map() };
  const parsed = parse(decoded);
  const { ast, diagnostics: shape } = toAst(parsed);
  const hosts = parseHosts(opts.hosts ?? []);
  const services = opts.services !== undefined ? parseServices(opts.services.text, opts.services.path) : builtinServices();
  const v = validate(ast, { file: opts.file, hosts, services });
  return { file, text: decoded, ast, config: v.config, diagnostics: [...parsed.diagnostics, ...shape, ...v.diagnostics], names: v.names };
}

export interface Variant {
  type: LvsType;
  /** The conf for this type: the source itself for its own type, else the converted text. */
  conf: { path: string; contents: string };
  /** A hosts file with the names the conf uses, so that the conf lints where it is written. */
  hosts: { path: string; contents: string } | undefined;
  files: OutputFile[];
}

/**
 * Lints, converts to `opts.type` when it differs from the conf's own LVS_TYPE, then renders every
 * output file in memory; no file at all when there is any error.
 */
export function compile(source: Source, opts: CompileOptions = {}): CompileResult {
  const a = analyze(source, opts);
  const r = result(a.file, a.diagnostics, a.config);
  if (r.config === undefined || r.errorCount > 0) return { ...r, files: [] };
  const v = variant(a, r.config, opts.type ?? r.config.type, opts);
  const all = result(a.file, [...a.diagnostics, ...v.diagnostics], r.config);
  return { ...all, files: all.errorCount > 0 || v.variant === undefined ? [] : v.variant.files };
}

/** The cluster as each forwarding method: a conf and a full set of files per LVS_TYPE, or errors. */
export function variants(source: Source, opts: CompileOptions = {}): LintResult & { variants: Variant[] } {
  const a = analyze(source, opts);
  const r = result(a.file, a.diagnostics, a.config);
  if (r.config === undefined || r.errorCount > 0) return { ...r, variants: [] };
  const out: Variant[] = [];
  const diagnostics = [...a.diagnostics];
  for (const t of ["dr", "nat", "tun"] as const) {
    const v = variant(a, r.config, t, opts);
    diagnostics.push(...v.diagnostics);
    if (v.variant !== undefined) out.push(v.variant);
  }
  const all = result(a.file, diagnostics, r.config);
  return { ...all, variants: all.errorCount > 0 ? [] : out };
}

function variant(a: Analysis, config: LvsConfig, type: LvsType, opts: CompileOptions): { variant: Variant | undefined; diagnostics: Diagnostic[] } {
  const base = a.file.split(/[\\/]/).pop()!;
  const confName = `lvs_${type}.conf`;
  let target = config;
  let text = a.text!;
  const diagnostics: Diagnostic[] = [];
  if (type !== config.type) {
    const c = convert(a.text!, a.ast!, config, type, { file: base, version: VERSION });
    diagnostics.push(...c.diagnostics);
    if (c.text === undefined) return { variant: undefined, diagnostics };
    // the converted conf must stand on its own: lint it as the file it will be
    const b = analyze(c.text, { ...opts, file: confName });
    const errors = b.diagnostics.filter((d) => d.severity === "error");
    if (b.config === undefined || errors.length > 0)
      throw new Error(`lvsc bug: the ${TYPE_NAMES[type]} conversion of ${base} does not validate: ${errors.map((d) => d.message).join("; ")}`);
    target = b.config;
    text = c.text;
  }
  const plans = planOutputs(target, {
    source: type === config.type ? (opts.file ?? "stdin").split(/[\\/]/).pop()! : confName,
    version: VERSION,
    arp: opts.arp ?? "sysctl",
    exportDir: opts.exportDir ?? "/etc/lvs",
    targets: opts.targets,
  });
  const hosts =
    a.names.size === 0
      ? undefined
      : {
          path: "hosts",
          contents:
            `# The host names ${confName} uses, as lvsc resolved them when it wrote this directory.\n` +
            [...a.names].map(([name, addr]) => `${formatIPv4(addr)}\t${name}\n`).join(""),
        };
  return { variant: { type, conf: { path: confName, contents: text }, hosts, files: render(plans) }, diagnostics };
}

function result(file: string, diagnostics: Diagnostic[], config: LvsConfig | undefined): LintResult {
  sortDiagnostics(diagnostics);
  const errorCount = countErrors(diagnostics);
  return { file, diagnostics, errorCount, warningCount: diagnostics.length - errorCount, config: errorCount > 0 ? undefined : config };
}

/** Decodes UTF-8 strictly; a leading byte-order mark is dropped. */
function decode(source: Source): string | Diagnostic {
  let text: string;
  if (typeof source === "string") text = source;
  else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(source);
    } catch {
      // find the first bad byte: decode growing prefixes is quadratic, so scan instead
      const bad = firstInvalidUtf8(source);
      const before = new TextDecoder("utf-8").decode(source.subarray(0, bad));
      const pos = new LineMap(before).position(before.length);
      return diag(
        "invalid-encoding",
        `byte 0x${source[bad]!.toString(16).padStart(2, "0")} at offset ${bad} is not UTF-8`,
        { start: pos, end: { ...pos, column: pos.column + 1, offset: pos.offset + 1 } },
        { hint: "save the conf as UTF-8 (plain ASCII is UTF-8); binary files are not conf files" },
      );
    }
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
    }
    // overlong 3-byte, surrogates and > U+10FFFF
    if (n === 2 && ((c === 0xe0 && b[i + 1]! < 0xa0) || (c === 0xed && b[i + 1]! >= 0xa0))) return i;
    if (n === 3 && ((c === 0xf0 && b[i + 1]! < 0x90) || (c === 0xf4 && b[i + 1]! >= 0x90))) return i;
    i += n + 1;
  }
  return b.length;
}
