// text -> tokens -> CST: chevrotain lexer and parser singletons; lexer and parser errors become diagnostics.
//
// The grammar is deliberately permissive (a "super grammar", as prettier-java calls it):
// a line is any words, optionally `=` and more words. Whether the words make sense is
// decided in ast.ts and validate.ts, where the messages can say what a line means.

import { CstParser, Lexer, createToken, type CstNode, type IToken, type IRecognitionException } from "chevrotain";
import { diag, type Diagnostic, type Span } from "./diagnostics.js";
import { printable } from "./text.js";

// ----------------- tokens -----------------

/**
 * The characters a value may contain. Nothing a shell treats specially is here:
 * `$ \` ; | & ' " ( ) < > \ * ? ! ~ { } [ ]` and whitespace inside a value are
 * lexer errors. This is the first of lvsc's shell-safety layers.
 */
export const WORD_CHARS = "A-Za-z0-9_.:,/+@%-";

// start_chars_hint spares chevrotain from analysing each pattern at start-up
const WORD_START = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:,/+@%-"];
const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t]+/, group: Lexer.SKIPPED, start_chars_hint: [" ", "\t"] });
const Comment = createToken({ name: "Comment", pattern: /#[^\r\n]*/, group: "comments", start_chars_hint: ["#"] });
const NewLine = createToken({ name: "NewLine", pattern: /\r?\n/, line_breaks: true, label: "end of line", start_chars_hint: ["\r", "\n"] });
const Equals = createToken({ name: "Equals", pattern: /=/, label: "`=`", start_chars_hint: ["="] });
/** A double-quoted value (`INITIAL_STATE="off"`); its content follows the Word whitelist plus blanks. */
const Quoted = createToken({ name: "Quoted", pattern: /"[A-Za-z0-9_.:,/+@%\- \t-]*"/, label: "quoted value", start_chars_hint: ['"'] });
const Word = createToken({ name: "Word", pattern: /[A-Za-z0-9_.:,/+@%-]+/, label: "word", start_chars_hint: WORD_START });

// order matters only where patterns overlap; none of these do
const allTokens = [WhiteSpace, Comment, NewLine, Equals, Quoted, Word];

/** Grammar checks cost ~25 ms at start-up; run them only in development (`LVSC_DEV=1`) and tests. */
const skipValidations = process.env["LVSC_DEV"] !== "1" && process.env["VITEST"] !== "true";

const lexer = new Lexer(allTokens, {
  positionTracking: "full",
  ensureOptimizations: true,
  skipValidations,
});

// ----------------- parser -----------------

class ConfParser extends CstParser {
  constructor() {
    super(allTokens, { recoveryEnabled: true, skipValidations });
    this.performSelfAnalysis();
  }

  public confFile = this.RULE("confFile", () => {
    this.MANY(() => this.SUBRULE(this.line));
  });

  public line = this.RULE("line", () => {
    this.MANY(() => this.CONSUME(Word, { LABEL: "head" }));
    this.OPTION(() => {
      this.CONSUME(Equals);
      this.MANY2(() => {
        this.OR([
          { ALT: () => this.CONSUME2(Word, { LABEL: "args" }) },
          { ALT: () => this.CONSUME(Quoted, { LABEL: "args" }) },
        ]);
      });
    });
    this.CONSUME(NewLine);
  });
}

// one instance for the process: setting `input` resets it (chevrotain's own examples do this)
const parser = new ConfParser();

// ----------------- wrapping it all together -----------------

export interface LineCst {
  head: IToken[];
  equals: IToken | undefined;
  args: IToken[];
  /** 1-based line number of the line's first token (its newline for a blank line). */
  line: number;
}

export interface ParseResult {
  lines: LineCst[];
  comments: IToken[];
  diagnostics: Diagnostic[];
  /** Lines that already carry a syntax error: later stages say nothing more about them. */
  brokenLines: Set<number>;
}

/** Lines longer than this are refused: no conf line needs more, and a 1 MB line is an attack or a mistake. */
export const MAX_LINE_LENGTH = 16384;

export function tokenSpan(t: IToken): Span {
  return {
    start: { line: t.startLine!, column: t.startColumn!, offset: t.startOffset },
    end: { line: t.endLine!, column: t.endColumn! + 1, offset: t.endOffset! + 1 },
  };
}

/** Position → line/column for offsets in `text`; built once per file, looked up by binary search. */
export class LineMap {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; column: number; offset: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1, offset };
  }
  span(startOffset: number, endOffset: number): Span {
    return { start: this.position(startOffset), end: this.position(endOffset) };
  }
}

export function parse(source: string): ParseResult {
  // the grammar needs every line to end with a newline (chevrotain's INI example does the same)
  const text = source.endsWith("\n") ? source : source + "\n";
  const lines = new LineMap(text);
  const diagnostics: Diagnostic[] = [];
  const brokenLines = new Set<number>();

  // Lines over the limit are blanked before lexing, so the lexer never walks a huge line.
  // (A linear scan: a regex like /[^\n]{16385,}/ would retry at every position of the file.)
  let lexText = text;
  if (text.length > MAX_LINE_LENGTH) {
    let blanked: string[] | undefined;
    let from = 0;
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      if (end - start > MAX_LINE_LENGTH) {
        const pos = lines.position(start);
        brokenLines.add(pos.line);
        diagnostics.push(
          diag("line-too-long", `line is ${end - start} characters long; the limit is ${MAX_LINE_LENGTH}`, {
            start: pos,
            end: { ...pos, column: pos.column + 1, offset: start + 1 },
          }),
        );
        (blanked ??= []).push(text.slice(from, start), " ".repeat(end - start));
        from = end;
      }
      start = end + 1;
    }
    if (blanked !== undefined) lexText = blanked.join("") + text.slice(from);
  }

  const lexed = lexer.tokenize(lexText);
  lexErrorsToDiagnostics(lexText, lexed.errors, lines, diagnostics, brokenLines);

  parser.input = lexed.tokens;
  const cst = parser.confFile();
  for (const e of parser.errors) {
    const d = parseErrorToDiagnostic(e);
    if (brokenLines.has(d.span.start.line)) continue;
    brokenLines.add(d.span.start.line);
    diagnostics.push(d);
  }

  return { lines: linesOf(cst), comments: (lexed.groups["comments"] as IToken[] | undefined) ?? [], diagnostics, brokenLines };
}

function linesOf(cst: CstNode): LineCst[] {
  const out: LineCst[] = [];
  for (const node of (cst.children["line"] as CstNode[] | undefined) ?? []) {
    const c = node.children as Record<string, IToken[] | undefined>;
    const head = c["head"] ?? [];
    const equals = c["Equals"]?.[0];
    const args = c["args"] ?? [];
    const first = head[0] ?? equals ?? args[0] ?? c["NewLine"]?.[0];
    // tokens inserted by recovery have NaN positions; they never start a line we report on
    const line = first !== undefined && Number.isFinite(first.startLine) ? first.startLine! : NaN;
    if (Number.isNaN(line)) continue;
    out.push({ head, equals, args, line });
  }
  return out;
}

function lexErrorsToDiagnostics(
  text: string,
  errors: { offset: number; length: number; line: number | undefined }[],
  lines: LineMap,
  out: Diagnostic[],
  brokenLines: Set<number>,
): void {
  // One diagnostic per line: the first bad character other than a quote, else the quote.
  const byLine = new Map<number, { offset: number; length: number }[]>();
  for (const e of errors) {
    const line = lines.position(e.offset).line;
    if (brokenLines.has(line) && !byLine.has(line)) continue; // a too-long line
    let list = byLine.get(line);
    if (list === undefined) byLine.set(line, (list = []));
    list.push({ offset: e.offset, length: e.length });
  }
  for (const [line, list] of byLine) {
    brokenLines.add(line);
    const nonQuote = list.filter((e) => text[e.offset] !== '"');
    const more = nonQuote.length > 1 ? ` (and ${nonQuote.length - 1} more on this line)` : "";
    const first = nonQuote[0];
    if (first === undefined) {
      const q = list[0]!;
      out.push(
        diag("unterminated-quote", "double quote is not closed on this line", lines.span(q.offset, q.offset + 1), {
          hint: 'quote a whole value on one line, e.g. `INITIAL_STATE="on"`',
        }),
      );
      continue;
    }
    // report the first character of the run; its length covers the whole run
    const bad = text.slice(first.offset, first.offset + first.length);
    const ch = String.fromCodePoint(bad.codePointAt(0)!);
    out.push(
      diag(
        "unexpected-character",
        `unexpected character \`${printable(ch)}\`${more}`,
        lines.span(first.offset, first.offset + first.length),
        { hint: characterHint(ch) },
      ),
    );
  }
}

function characterHint(ch: string): string {
  if (ch === "\r") return "a lone carriage return: save the file with LF (or CRLF) line endings";
  if (ch === "=") return "only one `=` separates the name from the value";
  if (ch === '"') return "double quotes may only wrap a whole value";
  if (ch === "\uFEFF") return "a byte-order mark inside the file: save it as plain UTF-8";
  return `values may contain only letters, digits and \`${"_ . : , / + @ % -"}\`; shell metacharacters and non-ASCII text are never accepted`;
}

function parseErrorToDiagnostic(e: IRecognitionException): Diagnostic {
  const t = e.token;
  let span: Span;
  if (Number.isFinite(t.startOffset) && Number.isFinite(t.startLine)) {
    span = tokenSpan(t);
  } else {
    // EOF and tokens inserted by recovery have no position: point just after the previous token
    const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
    const end =
      prev !== undefined && Number.isFinite(prev.endOffset)
        ? tokenSpan(prev).end
        : { line: 1, column: 1, offset: 0 };
    span = { start: end, end };
  }
  if (t.tokenType === Equals) {
    return diag("syntax-error", "unexpected second `=`", span, {
      hint: "only one `=` separates the name from the value; a value cannot contain `=`",
    });
  }
  if (t.tokenType === Quoted) {
    return diag("syntax-error", `unexpected quoted text \`${printable(t.image)}\` before \`=\``, span, {
      hint: "directive names are never quoted: write `NAME=value` or `NAME=\"value\"`",
    });
  }
  return diag("syntax-error", `unexpected \`${printable(t.image)}\``, span, { hint: "a line has the shape `NAME=value`" });
}
