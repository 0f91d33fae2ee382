// CST lines -> AST directives with spans; reports lines that are not `NAME=value`. Never throws.

import type { IToken } from "chevrotain";
import { diag, type Diagnostic, type Span } from "./diagnostics.js";
import { DIRECTIVES } from "./directives.js";
import { tokenSpan, type ParseResult } from "./parser.js";
import { printable } from "./text.js";

/** One whitespace-separated field of a value, as written. */
export interface Field {
  text: string;
  span: Span;
  /** True when the field came from inside double quotes. */
  quoted: boolean;
}

export interface Directive {
  name: Field;
  args: Field[];
  /** From the name to the end of the last field. */
  span: Span;
  /** 1-based. */
  line: number;
  /** The line has a syntax error already reported; validate only notes that the directive is present. */
  broken: boolean;
}

export interface Comment {
  text: string;
  line: number;
}

export interface ConfFile {
  directives: Directive[];
  comments: Comment[];
}

export function toAst(parsed: ParseResult): { ast: ConfFile; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const directives: Directive[] = [];
  for (const l of parsed.lines) {
    const broken = parsed.brokenLines.has(l.line);
    const { head, equals, args } = l;
    if (head.length === 0 && equals === undefined) continue; // blank or comment-only line
    if (head.length === 0) {
      if (!broken)
        diagnostics.push(
          diag("missing-directive-name", "line starts with `=`: the directive name is missing", tokenSpan(equals!), {
            hint: "write `NAME=value`, e.g. `LVS_TYPE=VS_DR`",
          }),
        );
      continue;
    }
    const nameToken = head[0]!;
    if (equals === undefined) {
      // keep the directive (marked broken) so that no "missing directive" follows from this line
      directives.push({
        name: { text: nameToken.image, span: tokenSpan(nameToken), quoted: false },
        args: [],
        span: tokenSpan(nameToken),
        line: l.line,
        broken: true,
      });
      if (!broken) {
        const rest = head.slice(1).map((t) => t.image);
        const suggestion =
          rest.length > 0 ? `write \`${printable(nameToken.image)}=${printable(rest.join(" "))}\`` : "write `NAME=value`";
        diagnostics.push(
          diag("missing-equals", `missing \`=\` after \`${printable(nameToken.image)}\``, tokenSpan(nameToken), {
            hint: suggestion,
          }),
        );
      }
      continue;
    }
    let lineBroken = broken;
    if (head.length > 1) {
      if (!broken)
        diagnostics.push(
          diag("syntax-error", `unexpected \`${printable(head[1]!.image)}\` before \`=\``, spanOf(head.slice(1)), {
            hint: "a directive name is one word with no spaces around it, e.g. `SERVICE=t www rr rs1 rs2`",
          }),
        );
      lineBroken = true;
    }
    const fields = args.flatMap(fieldsOf);
    const last = fields[fields.length - 1];
    // `INITIAL STATE=on` is still INITIAL_STATE for the "missing directive" checks
    const joined = head.map((t) => t.image).join("_");
    const name = head.length > 1 && DIRECTIVES[joined] !== undefined ? joined : nameToken.image;
    directives.push({
      name: { text: name, span: tokenSpan(nameToken), quoted: false },
      args: fields,
      span: { start: tokenSpan(nameToken).start, end: last !== undefined ? last.span.end : tokenSpan(equals).end },
      line: l.line,
      broken: lineBroken,
    });
  }
  const comments = parsed.comments.map((c) => ({ text: c.image, line: c.startLine! }));
  return { ast: { directives, comments }, diagnostics };
}

function spanOf(tokens: IToken[]): Span {
  return { start: tokenSpan(tokens[0]!).start, end: tokenSpan(tokens[tokens.length - 1]!).end };
}

/** A word is one field; a quoted value is split on blanks into fields that keep their own positions. */
function fieldsOf(t: IToken): Field[] {
  if (t.image[0] !== '"') return [{ text: t.image, span: tokenSpan(t), quoted: false }];
  const out: Field[] = [];
  const content = t.image.slice(1, -1);
  const re = /[^ \t]+/g;
  for (let m = re.exec(content); m !== null; m = re.exec(content)) {
    const from = 1 + m.index;
    const to = from + m[0].length;
    out.push({
      text: m[0],
      quoted: true,
      span: {
        start: { line: t.startLine!, column: t.startColumn! + from, offset: t.startOffset + from },
        end: { line: t.startLine!, column: t.startColumn! + to, offset: t.startOffset + to },
      },
    });
  }
  return out;
}
