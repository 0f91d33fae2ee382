// CST lines -> AST directives with spans; reports lines that are not `NAME=value`. Never throws.

import type { IToken } from "chevrotain";
import { diag, type Diagnostic, type Span } from "./diagnostics.js";
import { DIRECTIVES } from "./directives.js";
import { parseLines, tokenSpan, type LineCst, type ParseResult } from "./parser.js";
import { printable } from "./text.js";

/** One whitespace-separated field of a value, as written. */
export interface Field {
  text: string;
  span: Span;
  /** True when the field came from inside double quotes. */
  quoted: boolean;
}

/**
 * A field of the conf. Its span is built when asked for (by a diagnostic, mostly): a conf of
 * 10,000 services x 10 real servers has 190,000 fields, and three objects less for each keeps the
 * garbage collector's work small.
 */
class ConfField implements Field {
  readonly #line: number;
  readonly #column: number;
  readonly #offset: number;
  constructor(
    readonly text: string,
    readonly quoted: boolean,
    line: number,
    column: number,
    offset: number,
  ) {
    this.#line = line;
    this.#column = column;
    this.#offset = offset;
  }

  get span(): Span {
    const n = this.text.length;
    return {
      start: { line: this.#line, column: this.#column, offset: this.#offset },
      end: { line: this.#line, column: this.#column + n, offset: this.#offset + n },
    };
  }
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
  /** From `#` to the end of the line. */
  text: string;
  /** Where the `#` is: 1-based line and column, 0-based offset. */
  line: number;
  column: number;
  offset: number;
}

export interface ConfFile {
  directives: Directive[];
  comments: Comment[];
}

/** Part of a field (`rs1` in `rs1:80,2`), its span built when asked for, like the field's own. */
class SubField implements Field {
  readonly quoted: boolean;
  readonly #field: Field;
  readonly #from: number;
  constructor(
    field: Field,
    readonly text: string,
    from: number,
  ) {
    this.quoted = field.quoted;
    this.#field = field;
    this.#from = from;
  }

  get span(): Span {
    const s = this.#field.span.start;
    const from = this.#from;
    const to = from + this.text.length;
    return {
      start: { line: s.line, column: s.column + from, offset: s.offset + from },
      end: { line: s.line, column: s.column + to, offset: s.offset + to },
    };
  }
}

/** The characters `from` to `to` of a field, as a field of their own. */
export function subField(f: Field, from: number, to: number): Field {
  return new SubField(f, f.text.slice(from, to), from);
}

/** The AST of parsed lines. */
export function toAst(parsed: ParseResult): { ast: ConfFile; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const directives: Directive[] = [];
  for (const l of parsed.lines) addLine(l, parsed.brokenLines.has(l.line), directives, diagnostics);
  return { ast: { directives, comments: commentsOf(parsed.comments) }, diagnostics };
}

/**
 * Text -> AST in one pass, each line converted as soon as it is parsed (so no line's tokens outlive
 * it); the diagnostics are the syntax errors, then the line-shape ones.
 */
export function parseToAst(source: string): { ast: ConfFile; diagnostics: Diagnostic[] } {
  const shape: Diagnostic[] = [];
  const directives: Directive[] = [];
  const parsed = parseLines(source, (l, broken) => addLine(l, broken, directives, shape));
  return { ast: { directives, comments: commentsOf(parsed.comments) }, diagnostics: [...parsed.diagnostics, ...shape] };
}

function commentsOf(tokens: IToken[]): Comment[] {
  return tokens.map((c) => ({ text: c.image, line: c.startLine!, column: c.startColumn!, offset: c.startOffset }));
}

function addLine(l: LineCst, broken: boolean, directives: Directive[], diagnostics: Diagnostic[]): void {
  const { head, equals, args } = l;
  if (head.length === 0 && equals === undefined) return; // blank or comment-only line
  if (head.length === 0) {
    if (!broken)
      diagnostics.push(
        diag("missing-directive-name", "line starts with `=`: the directive name is missing", tokenSpan(equals!), {
          hint: "write `NAME=value`, e.g. `LVS_TYPE=VS_DR`",
        }),
      );
    return;
  }
  const nameToken = head[0]!;
  if (equals === undefined) {
    // keep the directive (marked broken) so that no "missing directive" follows from this line
    directives.push({
      name: fieldOf(nameToken),
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
    return;
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
  const fields: Field[] = [];
  for (const t of args) {
    if (t.image.charCodeAt(0) === 34) fields.push(...quotedFields(t));
    else fields.push(fieldOf(t));
  }
  const last = fields[fields.length - 1];
  // `INITIAL STATE=on` is still INITIAL_STATE for the "missing directive" checks
  const joined = head.map((t) => t.image).join("_");
  const name = head.length > 1 && DIRECTIVES[joined] !== undefined ? joined : nameToken.image;
  const nameSpan = tokenSpan(nameToken);
  directives.push({
    name: new ConfField(name, false, nameToken.startLine!, nameToken.startColumn!, nameToken.startOffset),
    args: fields,
    span: { start: nameSpan.start, end: last !== undefined ? last.span.end : tokenSpan(equals).end },
    line: l.line,
    broken: lineBroken,
  });
}

function fieldOf(t: IToken): Field {
  return new ConfField(t.image, false, t.startLine!, t.startColumn!, t.startOffset);
}

function spanOf(tokens: IToken[]): Span {
  return { start: tokenSpan(tokens[0]!).start, end: tokenSpan(tokens[tokens.length - 1]!).end };
}

/** A quoted value is split on blanks into fields that keep their own positions. */
function quotedFields(t: IToken): Field[] {
  const out: Field[] = [];
  const content = t.image.slice(1, -1);
  const re = /[^ \t]+/g;
  for (let m = re.exec(content); m !== null; m = re.exec(content)) {
    const from = 1 + m.index;
    out.push(new ConfField(m[0], true, t.startLine!, t.startColumn! + from, t.startOffset + from));
  }
  return out;
}
