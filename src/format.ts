// Lint results -> text: stylish (rustc-like code frames), json, GitHub annotations and SARIF 2.1.0. Pure.

import { pathToFileURL } from "node:url";
import { CODES, type Code, type Diagnostic, type Span } from "./diagnostics.js";
import { plural } from "./text.js";
import { VERSION } from "./version.js";

/** What a formatter needs of one linted file. */
export interface FileResult {
  file: string;
  /** The file's text, for code frames; undefined when it could not be read. */
  source: string | undefined;
  diagnostics: Diagnostic[];
  errorCount: number;
  warningCount: number;
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

function frame(source: string | undefined, span: Span, st: Style): string[] {
  if (source === undefined) return [];
  const lines = source.split("\n");
  const raw = lines[span.start.line - 1];
  if (raw === undefined) return [];
  let text = safeLine(raw.replace(/\r$/, ""));
  let col = span.start.column - 1;
  const width = span.end.line === span.start.line ? Math.max(1, span.end.column - span.start.column) : Math.max(1, text.length - col);
  // very long lines: show a window around the span
  let prefix = "";
  if (text.length > FRAME_WIDTH) {
    const from = Math.max(0, col - 40);
    prefix = from > 0 ? "…" : "";
    text = prefix + text.slice(from, from + FRAME_WIDTH) + (from + FRAME_WIDTH < text.length ? "…" : "");
    col = col - from + prefix.length;
  }
  const n = String(span.start.line);
  const pad = " ".repeat(n.length);
  const carets = "^".repeat(Math.min(width, Math.max(1, text.length - col)));
  return [
    `${pad} ${st.gutter("|")}`,
    `${st.gutter(n)} ${st.gutter("|")} ${text}`,
    `${pad} ${st.gutter("|")} ${" ".repeat(col)}${carets}`,
  ];
}

function location(file: string, span: Span): string {
  return `${file}:${span.start.line}:${span.start.column}`;
}

export function formatStylish(results: readonly FileResult[], opts: { color?: boolean } = {}): string {
  const st = opts.color === true ? COLOR : PLAIN;
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const r of results) {
    errors += r.errorCount;
    warnings += r.warningCount;
    for (const d of r.diagnostics) {
      const sev = d.severity === "error" ? st.error(st.bold(`error[${d.code}]`)) : st.warning(st.bold(`warning[${d.code}]`));
      out.push(`${sev}${st.bold(`: ${d.message}`)}`);
      const f = frame(r.source, d.span, st);
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
  if (total === 0) out.push(`${st.bold("✔")} no problems${files}`);
  else {
    const mark = errors > 0 ? st.error(st.bold("✖")) : st.warning(st.bold("⚠"));
    out.push(`${mark} ${st.bold(`${plural(total, "problem")} (${plural(errors, "error")}, ${plural(warnings, "warning")})${files}`)}`);
  }
  return out.join("\n") + "\n";
}

// ----------------- json -----------------

function jsonSpan(span: Span) {
  return { line: span.start.line, column: span.start.column, endLine: span.end.line, endColumn: span.end.column };
}

/** One array of results; positions 1-based, end exclusive. */
export function formatJson(results: readonly FileResult[]): string {
  return (
    JSON.stringify(
      results.map((r) => ({
        file: r.file,
        errorCount: r.errorCount,
        warningCount: r.warningCount,
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
const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** Workflow-command annotations: a pull request shows each problem on its line. */
export function formatGithub(results: readonly FileResult[]): string {
  const out: string[] = [];
  for (const r of results)
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
  return out.length > 0 ? out.join("\n") + "\n" : "";
}

// ----------------- sarif -----------------

function region(span: Span) {
  return { startLine: span.start.line, startColumn: span.start.column, endLine: span.end.line, endColumn: span.end.column };
}

/** SARIF 2.1.0: one rule per diagnostic code in the catalogue, one result per diagnostic. */
export function formatSarif(results: readonly FileResult[]): string {
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
              defaultConfiguration: { level: CODES[c].severity },
            })),
          },
        },
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

export function format(kind: Format, results: readonly FileResult[], opts: { color?: boolean } = {}): string {
  switch (kind) {
    case "stylish":
      return formatStylish(results, opts);
    case "json":
      return formatJson(results);
    case "github":
      return formatGithub(results);
    case "sarif":
      return formatSarif(results);
  }
}
