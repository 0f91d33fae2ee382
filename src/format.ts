// Lint results -> text: stylish (rustc-like code frames), json, GitHub annotations and SARIF 2.1.0. Pure.

import { pathToFileURL } from "node:url";
import { CODES, type Code, type Diagnostic, type Span } from "./diagnostics.js";
import { plural, printable } from "./text.js";
import { VERSION } from "./version.js";

/** What a formatter needs of one linted file. */
export interface FileResult {
  file: string;
  /** The file's text, for code frames; undefined when it could not be read. */
  source: string | undefined;
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
  /** Why the file could not be checked at all (missing, unreadable, not a regular file). */
  fatal?: string;
}

export interface FormatOptions {
  color?: boolean;
  /** SARIF: each rule's helpUri is this URL with `#code` added (docs/diagnostics.md's sections). */
  helpUriBase?: string;
}

export type Format = "stylish" | "json" | "github" | "sarif";
export const FORMATS: readonly Format[] = ["stylish", "json", "github", "sarif"];

// ----------------- stylish -----------------

interface Style {
  error(s: string): string;
  warning(s: string): string;
  bold(s: string): string;
  gutter(s: string): string;
  dim(s: string): string;
}

const ansi = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const COLOR: Style = { error: ansi(31, 39), warning: ansi(33, 39), bold: ansi(1, 22), gutter: ansi(36, 39), dim: ansi(2, 22) };
const PLAIN: Style = { error: (s) => s, warning: (s) => s, bold: (s) => s, gutter: (s) => s, dim: (s) => s };

/** Printable ASCII only, one output character per UTF-16 unit so carets stay aligned. */
function safeLine(s: string): string {
  return s.replace(/\t/g, " ").replace(/[^\x20-\x7e]/g, "?");
}

const FRAME_WIDTH = 160;

/** A file's lines, split once however many diagnostics it has. */
const linesOf = new WeakMap<FileResult, string[]>();

function lines(r: FileResult): string[] | undefined {
  if (r.source === undefined) return undefined;
  let l = linesOf.get(r);
  if (l === undefined) linesOf.set(r, (l = r.source.split("\n")));
  return l;
}

function frame(lines: readonly string[] | undefined, span: Span, st: Style): string[] {
  if (lines === undefined) return [];
  const raw = lines[span.start.line - 1];
  if (raw === undefined) return [];
  let col = span.start.column - 1;
  // very long lines: show a window around the span (cut before the escaping, which is linear in what it gets)
  let prefix = "";
  let suffix = "";
  let cut = raw.replace(/\r$/, "");
  if (cut.length > FRAME_WIDTH) {
    const from = Math.max(0, col - 40);
    prefix = from > 0 ? "…" : "";
    suffix = from + FRAME_WIDTH < cut.length ? "…" : "";
    cut = cut.slice(from, from + FRAME_WIDTH);
    col = col - from + prefix.length;
  }
  const text = prefix + safeLine(cut) + suffix;
  const width = span.end.line === span.start.line ? Math.max(1, span.end.column - span.start.column) : Math.max(1, text.length - col);
  const n = String(span.start.line);
  const pad = " ".repeat(n.length);
  const carets = "^".repeat(Math.min(width, Math.max(1, text.length - col)));
  return [
    `${pad} ${st.gutter("|")}`,
    `${st.gutter(n)} ${st.gutter("|")} ${text}`,
    `${pad} ${st.gutter("|")} ${" ".repeat(col)}${carets}`,
  ];
}

/** A file name as printed: no control character reaches the terminal or a CI log (a newline could fake a `::error` line). */
function shownFile(file: string): string {
  return printable(file, 4096);
}

function location(file: string, span: Span): string {
  return `${shownFile(file)}:${span.start.line}:${span.start.column}`;
}

export function formatStylish(results: readonly FileResult[], opts: FormatOptions = {}): string {
  const st = opts.color === true ? COLOR : PLAIN;
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const r of results) {
    errors += r.errorCount;
    warnings += r.warningCount;
    if (r.fatal !== undefined) {
      out.push(`${st.error(st.bold("error"))}${st.bold(`: ${r.fatal}`)}`, ` ${st.gutter("-->")} ${shownFile(r.file)}`, "");
      continue;
    }
    const ls = lines(r);
    for (const d of r.diagnostics) {
      const sev = d.severity === "error" ? st.error(st.bold(`error[${d.code}]`)) : st.warning(st.bold(`warning[${d.code}]`));
      out.push(`${sev}${st.bold(`: ${d.message}`)}`);
      const f = frame(ls, d.span, st);
      const pad = " ".repeat(Math.max(1, String(d.span.start.line).length));
      out.push(`${pad}${st.gutter("-->")} ${location(r.file, d.span)}`);
      out.push(...f);
      if (d.hint !== undefined) out.push(`${pad} ${st.gutter("=")} ${st.bold("hint")}: ${d.hint}`);
      for (const rel of d.related ?? []) out.push(`${pad} ${st.gutter("=")} ${st.bold("note")}: ${rel.message} at ${location(r.file, rel.span)}`);
      out.push("");
    }
  }
  const total = errors + warnings;
  const files = results.length > 1 ? ` in ${plural(results.length, "file")}` : "";
  const unread = results.filter((r) => r.fatal !== undefined).length;
  const notRead = unread > 0 ? `; ${plural(unread, "file")} could not be read` : "";
  if (total === 0) out.push(`${st.bold("✔")} no problems${files}`);
  else {
    const mark = errors > 0 ? st.error(st.bold("✖")) : st.warning(st.bold("⚠"));
    out.push(`${mark} ${st.bold(`${plural(total, "problem")} (${plural(errors, "error")}, ${plural(warnings, "warning")})${files}${notRead}`)}`);
  }
  return out.join("\n") + "\n";
}

// ----------------- json -----------------

function jsonSpan(span: Span) {
  return { line: span.start.line, column: span.start.column, endLine: span.end.line, endColumn: span.end.column };
}

/** One array of results; positions 1-based, end exclusive; a file that could not be read has `error`. */
export function formatJson(results: readonly FileResult[]): string {
  return (
    JSON.stringify(
      results.map((r) => ({
        file: r.file,
        errorCount: r.errorCount,
        warningCount: r.warningCount,
        ...(r.fatal !== undefined ? { error: r.fatal } : {}),
        diagnostics: r.diagnostics.map((d) => ({
          code: d.code,
          severity: d.severity,
          message: d.message,
          hint: d.hint ?? null,
          ...jsonSpan(d.span),
          related: (d.related ?? []).map((rel) => ({ message: rel.message, ...jsonSpan(rel.span) })),
        })),
      })),
    ) + "\n"
  );
}

// ----------------- github -----------------

// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
// control characters other than CR and LF have no escape there: shown as \xNN, so none reaches a log viewer
const escapeData = (s: string) =>
  s
    .replace(/%/g, "%25")
    .replace(/\r/g, "%0D")
    .replace(/\n/g, "%0A")
    .replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** Workflow-command annotations: a pull request shows each problem on its line. */
export function formatGithub(results: readonly FileResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    // no line: a file-level annotation
    if (r.fatal !== undefined) out.push(`::error file=${escapeProperty(r.file)},title=${escapeProperty("lvsc: file not checked")}::${escapeData(r.fatal)}`);
    for (const d of r.diagnostics) {
      const props = [
        `file=${escapeProperty(r.file)}`,
        `line=${d.span.start.line}`,
        `col=${d.span.start.column}`,
        `endLine=${d.span.end.line}`,
        `endColumn=${d.span.end.column}`,
        `title=${escapeProperty(`lvsc ${d.code}`)}`,
      ].join(",");
      const text = d.hint !== undefined ? `${d.message} (hint: ${d.hint})` : d.message;
      out.push(`::${d.severity} ${props}::${escapeData(text)}`);
    }
  }
  return out.length > 0 ? out.join("\n") + "\n" : "";
}

// ----------------- sarif -----------------

function region(span: Span) {
  return { startLine: span.start.line, startColumn: span.start.column, endLine: span.end.line, endColumn: span.end.column };
}

/**
 * SARIF 2.1.0: one rule per diagnostic code in the catalogue, one result per diagnostic; a file
 * that could not be read is a tool execution notification, and the invocation did not succeed.
 */
export function formatSarif(results: readonly FileResult[], opts: FormatOptions = {}): string {
  const codes = Object.keys(CODES) as Code[];
  const index = new Map(codes.map((c, i) => [c, i]));
  // SARIF wants URIs: an absolute path becomes a file: URI, a relative one a relative reference
  const uri = (f: string) => {
    const p = f.replace(/\\/g, "/");
    return p.startsWith("/") ? pathToFileURL(p).href : p.split("/").map(encodeURIComponent).join("/");
  };
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "lvsc",
            version: VERSION,
            rules: codes.map((c) => ({
              id: c,
              name: c.replace(/(^|-)([a-z])/g, (_m, _d: string, ch: string) => ch.toUpperCase()),
              shortDescription: { text: CODES[c].summary },
              help: { text: `${CODES[c].summary}; see docs/diagnostics.md#${c} in the lvsc package` },
              ...(opts.helpUriBase !== undefined ? { helpUri: `${opts.helpUriBase}#${c}` } : {}),
              defaultConfiguration: { level: CODES[c].severity },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: results.every((r) => r.fatal === undefined),
            ...(results.some((r) => r.fatal !== undefined)
              ? {
                  toolExecutionNotifications: results
                    .filter((r) => r.fatal !== undefined)
                    .map((r) => ({
                      level: "error",
                      message: { text: r.fatal! },
                      locations: [{ physicalLocation: { artifactLocation: { uri: uri(r.file) } } }],
                    })),
                }
              : {}),
          },
        ],
        columnKind: "utf16CodeUnits",
        results: results.flatMap((r) =>
          r.diagnostics.map((d) => ({
            ruleId: d.code,
            ruleIndex: index.get(d.code)!,
            level: d.severity,
            message: { text: d.hint !== undefined ? `${d.message} (hint: ${d.hint})` : d.message },
            locations: [{ physicalLocation: { artifactLocation: { uri: uri(r.file) }, region: region(d.span) } }],
            ...(d.related !== undefined
              ? {
                  relatedLocations: d.related.map((rel, i) => ({
                    id: i,
                    message: { text: rel.message },
                    physicalLocation: { artifactLocation: { uri: uri(r.file) }, region: region(rel.span) },
                  })),
                }
              : {}),
          })),
        ),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}

export function format(kind: Format, results: readonly FileResult[], opts: FormatOptions = {}): string {
  switch (kind) {
    case "stylish":
      return formatStylish(results, opts);
    case "json":
      return formatJson(results);
    case "github":
      return formatGithub(results);
    case "sarif":
      return formatSarif(results, opts);
  }
}
