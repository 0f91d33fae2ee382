// CST lines -> AST directives with spans; reports lines that are not `NAME=value`. Never throws.

import type { IToken } from "chevrotain";
import { diag, type Diagnostic, type Span } from "./diagnostics.js";
import { DIRECTIVES } from "./directives.js";
import { parseLines, tokenSpan, type LineCst, type ParseResult, type Token } from "./parser.js";
import { printable } from "./text.js";

/** One whitespace-separated field of a value, as written. */
export interface Field {
  text: string;
  span: Span;
  /** True when the field came from inside double quotes. */
  quoted: boolean;
}

/** A line of the conf: its number and the offset where it starts, shared by its fields. */
interface LinePlace {
  line: number;
  start: number;
}

/**
 * A field of the conf. Its text is read from the source, and its span built, when asked for, from
 * the line it shares with the other fields of its line: a conf of 10,000 services x 10 real servers
 * has 190,000 fields, and every object and string less is less work for the garbage collector.
 */
class SourceField implements Field {
  readonly #source: string;
  readonly #place: LinePlace;
  readonly #offset: number;
  readonly #length: number;
  constructor(source: string, place: LinePlace, offset: number, length: number) {
    this.#source = source;
    this.#place = place;
    this.#offset = offset;
    this.#length = length;
  }

  get text(): string {
    return this.#source.slice(this.#offset, this.#offset + this.#length);
  }

  get quoted(): boolean {
    return false;
  }

  get span(): Span {
    const line = this.#place.line;
    const offset = this.#offset;
    const column = offset - this.#place.start + 1;
    const n = this.#length;
    return {
      start: { line, column, offset },
      end: { line, column: column + n, offset: offset + n },
    };
  }
}

/** A word from inside double quotes. */
class QuotedWord extends SourceField {
  override get quoted(): boolean {
    return true;
  }
}

/** A field of a token's text. */
function tokenField(t: IToken, place: LinePlace): Field {
  return new SourceField((t as Token).source, place, t.startOffset, (t as Token).length);
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
  const place: LinePlace = { line: l.line, start: nameToken.startOffset - nameToken.startColumn! + 1 };
  if (equals === undefined) {
    // keep the directive (marked broken) so that no "missing directive" follows from this line
    directives.push({
      name: tokenField(nameToken, place),
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
    if ((t as Token).source.charCodeAt(t.startOffset) === 34) fields.push(...quotedFields(t, place));
    else fields.push(tokenField(t, place));
  }
  const last = fields[fields.length - 1];
  // `INITIAL STATE=on` is still INITIAL_STATE for the "missing directive" checks
  const joined = head.length > 1 ? head.map((t) => t.image).join("_") : "";
  const isJoined = head.length > 1 && DIRECTIVES[joined] !== undefined;
  const nameSpan = tokenSpan(nameToken);
  const lastToken = args[args.length - 1];
  directives.push({
    // `INITIAL STATE=on` keeps the span of its first word
    name: isJoined ? { text: joined, quoted: false, span: nameSpan } : tokenField(nameToken, place),
    args: fields,
    // the end of the last field: of the last token, unless that is a quoted value (its last word)
    span: {
      start: nameSpan.start,
      end: lastToken !== undefined && (lastToken as Token).source.charCodeAt(lastToken.startOffset) !== 34 ? endOf(lastToken) : last !== undefined ? last.span.end : endOf(equals),
    },
    line: l.line,
    broken: lineBroken,
  });
}

function endOf(t: IToken): Span["end"] {
  return { line: t.endLine!, column: t.endColumn! + 1, offset: t.endOffset! + 1 };
}

function spanOf(tokens: IToken[]): Span {
  return { start: tokenSpan(tokens[0]!).start, end: tokenSpan(tokens[tokens.length - 1]!).end };
}

/** A quoted value is split on blanks into fields that keep their own positions. */
function quotedFields(t: IToken, place: LinePlace): Field[] {
  const out: Field[] = [];
  const content = t.image.slice(1, -1);
  const re = /[^ \t]+/g;
  for (let m = re.exec(content); m !== null; m = re.exec(content)) {
    const from = 1 + m.index;
    out.push(new QuotedWord((t as Token).source, place, t.startOffset + from, m[0].length));
  }
  return out;
}
