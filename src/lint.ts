// Conf text -> diagnostics and the validated model: decode, parse, AST, validate. Pure; never throws on bad input.

import { parseToAst, type ConfFile } from "./ast.js";
import { countErrors, diag, sortDiagnostics, type Diagnostic } from "./diagnostics.js";
import { parseHosts, type HostsSource } from "./hosts.js";
import { applyDisables, disableComment, type DisableComment } from "./suppress.js";
import type { LvsConfig } from "./model.js";
import type { Address } from "./net.js";
import { LineMap } from "./parser.js";
import { builtinServices, parseServices } from "./services.js";
import { validate } from "./validate/index.js";

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
  /** Problems at lines of the hosts files the conf was checked with (lines lvsc ignores), one entry per file that has any. */
  hostsResults?: OtherFileResult[];
}

/** The problems of an input file other than the conf (a hosts file), in the shape the formatters take. */
export interface OtherFileResult {
  file: string;
  source: string;
  /** Sorted by position. */
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
}

/** Text, or bytes that must be UTF-8. */
export type Source = string | Uint8Array;

/** Lints one conf file. Never throws on bad input: every problem is a diagnostic. */
export function lint(source: Source, opts: LintOptions = {}): LintResult {
  const a = analyze(source, opts);
  return { ...result(a.file, a.diagnostics, a.config), hostsResults: a.hostsResults };
}

export interface Analysis {
  names: Map<string, Address[]>;
  file: string;
  text: string | undefined;
  ast: ConfFile | undefined;
  config: LvsConfig | undefined;
  diagnostics: Diagnostic[];
  /** Problems at lines of the hosts files. */
  hostsResults: OtherFileResult[];
}

export function analyze(source: Source, opts: LintOptions): Analysis {
  const file = opts.file ?? "<input>";
  const decoded = decode(source);
  const hosts = parseHosts(opts.hosts ?? []);
  const hostsResults: OtherFileResult[] = [];
  for (const p of hosts.problems) {
    const diagnostics = sortDiagnostics(applyDisables(p.diagnostics, p.disables));
    const errorCount = countErrors(diagnostics);
    if (diagnostics.length > 0) hostsResults.push({ file: p.path, source: p.text, diagnostics, errorCount, warningCount: diagnostics.length - errorCount });
  }
  if (typeof decoded !== "string") return { file, text: undefined, ast: undefined, config: undefined, diagnostics: [decoded], names: new Map(), hostsResults };
  const { ast, diagnostics: syntax } = parseToAst(decoded);
  const services = opts.services !== undefined ? parseServices(opts.services.text, opts.services.path) : builtinServices();
  const v = validate(ast, { file: opts.file, hosts, services });
  const disables: DisableComment[] = [];
  for (const c of ast.comments) {
    const d = c.text.includes("lvsc-") ? disableComment(c.text, c.line, c.column, c.offset) : undefined;
    if (d !== undefined) disables.push(d);
  }
  const diagnostics = applyDisables([...syntax, ...v.diagnostics], disables);
  return { file, text: decoded, ast, config: v.config, diagnostics, names: v.names, hostsResults };
}

export function result(file: string, diagnostics: Diagnostic[], config: LvsConfig | undefined): LintResult {
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
