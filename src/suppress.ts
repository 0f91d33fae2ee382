// `# lvsc-disable-next-line CODE` and `# lvsc-disable-line CODE`: a warning accepted on its line,
// in a conf or a hosts file. Pure.
//
// Only warnings can be accepted. An error means the conf cannot become a working cluster, and lvsc
// writes nothing for it; a comment cannot change that, so a comment naming an error is reported.
// A comment that accepts nothing (its warning is gone, or it names a code that never occurs on its
// line) is reported too, so that stale comments do not hide the next real warning.

import { ALL_CODES, CODES, diag, type Code, type Diagnostic, type Position } from "./diagnostics.js";
import { didYouMean, printable } from "./text.js";

/** One `lvsc-disable` comment. */
export interface DisableComment {
  /** The line whose warnings it accepts. */
  target: number;
  /** `lvsc-disable-line` or `lvsc-disable-next-line`, as written. */
  kind: string;
  /** Each code as written, where it is. */
  codes: { text: string; start: Position }[];
  /** Where the directive word is, for a comment that names no code. */
  at: Position;
}

const DIRECTIVE = /^#[ \t]*(lvsc-disable-(?:next-)?line)(?=$|[ \t])/;

/** Codes about disable comments themselves, which no comment can accept. */
const META: ReadonlySet<Code> = new Set(["unused-disable-comment", "invalid-disable-comment"]);

/**
 * The disable comment in `text` (a comment from `#` on), at 1-based `line` and `column` and 0-based
 * `offset`; undefined when the comment is not one. `# lvsc-disable-line a, b -- why` names a and b.
 */
export function disableComment(text: string, line: number, column: number, offset: number): DisableComment | undefined {
  const m = DIRECTIVE.exec(text);
  if (m === null) return undefined;
  const kind = m[1]!;
  const from = m[0].length;
  const end = text.indexOf("--", from);
  const list = text.slice(from, end === -1 ? text.length : end);
  const codes: DisableComment["codes"] = [];
  const re = /[^\s,]+/g;
  for (let c = re.exec(list); c !== null; c = re.exec(list)) {
    const at = from + c.index;
    codes.push({ text: c[0], start: { line, column: column + at, offset: offset + at } });
  }
  const kindAt = m[0].length - kind.length;
  return {
    target: kind === "lvsc-disable-line" ? line : line + 1,
    kind,
    codes,
    at: { line, column: column + kindAt, offset: offset + kindAt },
  };
}

const span = (start: Position, length: number) => ({ start, end: { line: start.line, column: start.column + length, offset: start.offset + length } });

/**
 * Applies disable comments to a file's diagnostics: the warnings they accept are removed, and the
 * comments that are malformed, name an error, or accept nothing are reported. Returns the new list.
 */
export function applyDisables(diagnostics: readonly Diagnostic[], comments: readonly DisableComment[]): Diagnostic[] {
  if (comments.length === 0) return [...diagnostics];
  // target line -> accepted code -> the comment's code entry, and whether it accepted anything
  const accepted = new Map<number, Map<string, { used: boolean }>>();
  const out: Diagnostic[] = [];
  const uses: { comment: DisableComment; code: DisableComment["codes"][number]; entry: { used: boolean } }[] = [];
  for (const c of comments) {
    if (c.codes.length === 0) {
      out.push(
        diag("invalid-disable-comment", `\`${c.kind}\` names no warning code`, span(c.at, c.kind.length), {
          hint: `name the warnings it accepts, e.g. \`# ${c.kind} fwmark-rule-not-generated\`; a comment cannot accept every warning of a line`,
        }),
      );
      continue;
    }
    for (const code of c.codes) {
      const info = (CODES as Record<string, { severity: string } | undefined>)[code.text];
      if (info === undefined) {
        const mean = didYouMean(code.text, ALL_CODES);
        out.push(
          diag("invalid-disable-comment", `\`${printable(code.text)}\` is not an lvsc diagnostic code`, span(code.start, code.text.length), {
            hint: `${mean !== undefined ? `${mean} ` : ""}the codes are listed in docs/diagnostics.md`,
          }),
        );
        continue;
      }
      if (info.severity === "error" || META.has(code.text as Code)) {
        out.push(
          diag(
            "invalid-disable-comment",
            META.has(code.text as Code) ? `\`${code.text}\` cannot be disabled` : `\`${code.text}\` is an error, and errors cannot be disabled`,
            span(code.start, code.text.length),
            {
              hint: META.has(code.text as Code)
                ? "remove the comment, or fix the one it is about"
                : "an error means the conf cannot work as written, and lvsc writes nothing for it: fix the line instead",
            },
          ),
        );
        continue;
      }
      let byCode = accepted.get(c.target);
      if (byCode === undefined) accepted.set(c.target, (byCode = new Map()));
      const entry = byCode.get(code.text) ?? { used: false };
      byCode.set(code.text, entry);
      uses.push({ comment: c, code, entry });
    }
  }
  for (const d of diagnostics) {
    const entry = d.severity === "warning" ? accepted.get(d.span.start.line)?.get(d.code) : undefined;
    if (entry === undefined) out.push(d);
    else entry.used = true;
  }
  for (const u of uses)
    if (!u.entry.used)
      out.push(
        diag(
          "unused-disable-comment",
          `\`${u.comment.kind} ${u.code.text}\` accepts nothing: there is no \`${u.code.text}\` warning on line ${u.comment.target}`,
          span(u.code.start, u.code.text.length),
          { hint: "remove the code from the comment (or the comment)" },
        ),
      );
  return out;
}
