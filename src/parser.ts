// text -> tokens -> lines: a hand-written lexer and a chevrotain parser singleton; lexer and parser
// errors become diagnostics.
//
// The grammar is deliberately permissive (a "super grammar", as prettier-java calls it):
// a line is any words, optionally `=` and more words. Whether the words make sense is
// decided in ast.ts and validate.ts, where the messages can say what a line means.
//
// Speed: generated confs reach 10,000 services x 10 real servers (190,000 tokens), and lint runs
// in CI loops. So the lexer is a single loop over character codes instead of chevrotain's regex
// lexer (about 6x faster on such a file, and nothing to build at start-up), and the parser uses
// embedded actions that build each line directly instead of a CST (about 2.5x faster). The token
// patterns below stay the specification: test/parse.test.ts checks that the lexer splits random
// text exactly as chevrotain's own lexer built from them does.

import {
  EmbeddedActionsParser,
  Option,
  Repetition,
  Rule,
  Terminal,
  createToken,
  serializeGrammar,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from "chevrotain";
import { diag, type Diagnostic, type Span } from "./diagnostics.js";
import { printable } from "./text.js";

// ----------------- tokens -----------------

/**
 * The characters a value may contain. Nothing a shell treats specially is here:
 * `$ \` ; | & ' " ( ) < > \ * ? ! ~ { }` and whitespace inside a value are lexer errors.
 * This is the first of lvsc's shell-safety layers. `[` and `]` pass (an IPv6 real server with a
 * port is `[2001:db8::11]:80`, as ipvsadm writes it); the validator takes them nowhere else, and
 * what it takes it emits canonical and quoted, never as a glob.
 */
export const WORD_CHARS = "A-Za-z0-9_.:,/+@%[\\]-";

/** What each token matches, in the order they are tried; the lexer below implements exactly this. */
export const TOKEN_PATTERNS = {
  WhiteSpace: /[ \t]+/, // skipped
  Comment: /#[^\r\n]*/, // kept apart, for `# lvsc-disable` comments
  NewLine: /\r?\n/,
  Equals: /=/,
  /** A double-quoted value (`INITIAL_STATE="off"`); its content follows the Word whitelist plus blanks. */
  Quoted: /"[A-Za-z0-9_.:,/+@%[\]\- \t-]*"/,
  Word: /[A-Za-z0-9_.:,/+@%[\]-]+/,
} as const;

/** Words and quoted values are both a line's arguments. */
const Value = createToken({ name: "Value", label: "value" });
const NewLine = createToken({ name: "NewLine", label: "end of line" });
const Equals = createToken({ name: "Equals", label: "`=`" });
const Quoted = createToken({ name: "Quoted", label: "quoted value", categories: [Value] });
const Word = createToken({ name: "Word", label: "word", categories: [Value] });
const Comment = createToken({ name: "Comment", label: "comment" });
const allTokens = [NewLine, Equals, Quoted, Word, Value, Comment];

// ----------------- lexer -----------------

/** 1 for a Word character, 2 for a blank (allowed inside quotes too). */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) if (/[A-Za-z0-9_.:,/+@%[\]-]/.test(String.fromCharCode(c))) CLASS[c] = 1;
CLASS[32] = 2;
CLASS[9] = 2;

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const EQUALS = 61;

export interface LexError {
  /** 0-based offset of the first character no token can start with. */
  offset: number;
  /** The run of such characters, up to where a token can start again (as chevrotain's lexer recovers). */
  length: number;
}

export interface Lexed {
  /** Words, quoted values, `=` and line ends; blanks are skipped and comments kept apart. */
  tokens: IToken[];
  comments: IToken[];
  errors: LexError[];
}

/**
 * A token. A class of its own, not an object literal: chevrotain's own tokens are literals of the
 * same shape, and its EOF token's NaN positions would make V8 store every position of every token
 * (of that shared shape) as a boxed number, five extra allocations per token. Its text is read from
 * the source when asked for: the AST keeps positions, not copies of 190,000 words.
 */
export class Token implements IToken {
  readonly startLine: number;
  readonly startColumn: number;
  readonly tokenTypeIdx: number;
  constructor(
    readonly tokenType: TokenType,
    /** The whole text the token is in. */
    readonly source: string,
    readonly startOffset: number,
    readonly length: number,
    line: number,
    lineStart: number,
  ) {
    this.startLine = line;
    this.startColumn = startOffset - lineStart + 1;
    this.tokenTypeIdx = tokenType.tokenTypeIdx!;
  }

  get image(): string {
    return this.source.slice(this.startOffset, this.startOffset + this.length);
  }

  // a token never spans lines; its end is computed when a diagnostic asks for it
  get endOffset(): number {
    return this.startOffset + this.length - 1;
  }

  get endLine(): number {
    return this.startLine;
  }

  get endColumn(): number {
    return this.startColumn + this.length - 1;
  }
}

/** Offset of the closing quote of a quoted value opening at `i`, or -1 when it is not closed on its line. */
function quotedEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) return j;
    if (c >= 128 || CLASS[c] === 0) return -1;
  }
  return -1;
}

/** Whether some token matches at `i`: where the lexer resumes after unexpected characters. */
function tokenStarts(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128 && CLASS[c] !== 0) return true;
  if (c === LF || c === HASH || c === EQUALS) return true;
  if (c === CR) return text.charCodeAt(i + 1) === LF;
  return c === QUOTE && quotedEnd(text, i) !== -1;
}

/**
 * Reads text one line at a time, by TOKEN_PATTERNS; never throws: unexpected characters become
 * errors. A run of them never crosses a line end (a line end is a token), so every error belongs
 * to the line it starts on.
 */
export class LineLexer {
  /** 1-based number of the next line. */
  line = 1;
  /** Offset where the next line starts. */
  offset = 0;
  readonly comments: IToken[] = [];
  /** Errors of the last line read. */
  errors: LexError[] = [];
  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.offset >= this.text.length;
  }

  /** Skips the rest of the current line up to `end` (its line end, or the end of the text). */
  skipTo(end: number): void {
    this.offset = end;
  }

  /** The tokens of the next line, its line end included (none after the last line end). */
  next(): IToken[] {
    const text = this.text;
    const n = text.length;
    const line = this.line;
    const lineStart = this.offset;
    const tokens: IToken[] = [];
    this.errors = [];
    let i = lineStart;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === TAB) {
        i++;
      } else if (c < 128 && CLASS[c] === 1) {
        let j = i + 1;
        for (let d = text.charCodeAt(j); d < 128 && CLASS[d] === 1; d = text.charCodeAt(++j));
        tokens.push(new Token(Word, text, i, j - i, line, lineStart));
        i = j;
      } else if (c === LF || (c === CR && text.charCodeAt(i + 1) === LF)) {
        const n = c === LF ? 1 : 2;
        tokens.push(new Token(NewLine, text, i, n, line, lineStart));
        this.offset = i + n;
        this.line = line + 1;
        return tokens;
      } else if (c === EQUALS) {
        tokens.push(new Token(Equals, text, i, 1, line, lineStart));
        i++;
      } else if (c === HASH) {
        let j = i + 1;
        for (let d = text.charCodeAt(j); j < n && d !== LF && d !== CR; d = text.charCodeAt(++j));
        this.comments.push(new Token(Comment, text, i, j - i, line, lineStart));
        i = j;
      } else {
        const close = c === QUOTE ? quotedEnd(text, i) : -1;
        if (close !== -1) {
          tokens.push(new Token(Quoted, text, i, close + 1 - i, line, lineStart));
          i = close + 1;
          continue;
        }
        const start = i;
        for (i++; i < n && !tokenStarts(text, i); i++);
        this.errors.push({ offset: start, length: i - start });
      }
    }
    this.offset = n;
    return tokens;
  }
}

/** Splits a whole text into tokens: the lexer's specification in one call (tests compare it with chevrotain's lexer). */
export function lex(text: string): Lexed {
  const lexer = new LineLexer(text);
  const tokens: IToken[] = [];
  const errors: LexError[] = [];
  while (!lexer.done) {
    for (const t of lexer.next()) tokens.push(t);
    errors.push(...lexer.errors);
  }
  return { tokens, comments: lexer.comments, errors };
}

/** Grammar checks cost start-up time; run them only in development (`LVSC_DEV=1`) and tests. */
const skipValidations = process.env["LVSC_DEV"] !== "1" && process.env["VITEST"] !== "true";

// ----------------- parser -----------------

export interface LineCst {
  head: IToken[];
  equals: IToken | undefined;
  args: IToken[];
  /** 1-based line number. */
  line: number;
}

interface RawLine {
  head: IToken[];
  equals: IToken | undefined;
  args: IToken[];
}

/**
 * The shape of `line` as chevrotain's grammar recording finds it. Recording runs each rule once in a
 * special mode, with ~90 parser methods swapped in and deleted after, and costs ~6 ms at every
 * start, more than anything else lint does on a small conf; the grammar is fixed, so it is written
 * out here. test/parse.test.ts checks that it equals what recording finds.
 */
function lineGrammar(): Rule {
  return new Rule({
    name: "line",
    definition: [
      new Repetition({ idx: 0, definition: [new Terminal({ terminalType: Word, idx: 0 })] }),
      new Option({
        idx: 0,
        definition: [new Terminal({ terminalType: Equals, idx: 0 }), new Repetition({ idx: 2, definition: [new Terminal({ terminalType: Value, idx: 0 })] })],
      }),
      new Terminal({ terminalType: NewLine, idx: 0 }),
    ],
  });
}

/** chevrotain's own recording steps, which ConfParser replaces unless asked to record. */
const recording = EmbeddedActionsParser.prototype as unknown as {
  enableRecording(this: ConfParser): void;
  disableRecording(this: ConfParser): void;
  topLevelRuleRecord(this: ConfParser, name: string, impl: () => void): Rule;
};

class ConfParser extends EmbeddedActionsParser {
  private current: RawLine | undefined;
  #record = false;

  /** `record`: learn the grammar by chevrotain's recording, as any parser does (for the test). */
  constructor(record = false) {
    super(allTokens, { recoveryEnabled: true, skipValidations });
    this.#record = record;
    this.performSelfAnalysis();
  }

  public line = this.RULE("line", () => {
    const l: RawLine = { head: [], equals: undefined, args: [] };
    // kept even when recovery abandons the rest of the line, as a CST keeps a partial node
    this.ACTION(() => (this.current = l));
    this.MANY(() => {
      l.head.push(this.CONSUME(Word));
    });
    this.OPTION(() => {
      l.equals = this.CONSUME(Equals);
      this.MANY2(() => {
        l.args.push(this.CONSUME(Value));
      });
    });
    this.CONSUME(NewLine);
  });

  // chevrotain's performSelfAnalysis calls these three to record the grammar; every other step
  // (resolving, the follow sets for recovery, the lookahead functions) works from what they return
  protected enableRecording(): void {
    if (this.#record) recording.enableRecording.call(this);
  }

  protected disableRecording(): void {
    if (this.#record) recording.disableRecording.call(this);
  }

  protected topLevelRuleRecord(name: string, impl: () => void): Rule {
    if (this.#record || name !== "line") return recording.topLevelRuleRecord.call(this, name, impl);
    return lineGrammar();
  }

  /** The first recognition error of the last parse. (`errors` clones the list at every call: once per line adds up.) */
  firstError(): IRecognitionException | undefined {
    const own = (this as unknown as { _errors?: IRecognitionException[] })._errors;
    return own !== undefined ? own[0] : this.errors[0];
  }

  /** One line's tokens, up to its line end; setting `input` resets the parser (chevrotain's examples do this). */
  parseLine(tokens: IToken[]): RawLine {
    this.input = tokens;
    this.current = undefined;
    this.line();
    return this.current ?? { head: [], equals: undefined, args: [] };
  }
}

/** The grammar the parser uses, and the one chevrotain's recording finds (for the test: they must be equal). */
export function grammars(): { used: unknown; recorded: unknown } {
  const of = (p: ConfParser) => serializeGrammar(Object.values(p.getGAstProductions()));
  return { used: of(new ConfParser(false)), recorded: of(new ConfParser(true)) };
}

// one instance for the process, built on first use (commands that parse nothing never pay for it)
let parser: ConfParser | undefined;

// ----------------- wrapping it all together -----------------

export interface ParseOutcome {
  comments: IToken[];
  diagnostics: Diagnostic[];
  /** Lines that already carry a syntax error: later stages say nothing more about them. */
  brokenLines: Set<number>;
}

export interface ParseResult extends ParseOutcome {
  lines: LineCst[];
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

/** Parses a whole text into its lines. */
export function parse(source: string): ParseResult {
  const lines: LineCst[] = [];
  const outcome = parseLines(source, (l) => lines.push(l));
  return { ...outcome, lines };
}

/**
 * Parses one line at a time and hands each line that has any token to `onLine` as soon as it is
 * read, with whether it has a syntax error: a line's tokens never outlive it, which keeps a large
 * conf's memory (and the garbage collector's work) down to its AST.
 */
export function parseLines(source: string, onLine: (line: LineCst, broken: boolean) => void): ParseOutcome {
  // the grammar needs every line to end with a newline (chevrotain's INI example does the same)
  const text = source.endsWith("\n") ? source : source + "\n";
  const diagnostics: Diagnostic[] = [];
  const brokenLines = new Set<number>();
  const lexer = new LineLexer(text);
  const checkLength = text.length > MAX_LINE_LENGTH;
  parser ??= new ConfParser();

  while (!lexer.done) {
    const line = lexer.line;
    const lineStart = lexer.offset;
    const at = (offset: number) => ({ line, column: offset - lineStart + 1, offset });
    if (checkLength) {
      // a line over the limit is never lexed (a scan, not a regex like /[^\n]{16385,}/, which
      // would retry at every position of the file)
      const end = text.indexOf("\n", lineStart);
      if (end - lineStart > MAX_LINE_LENGTH) {
        brokenLines.add(line);
        diagnostics.push(
          diag("line-too-long", `line is ${end - lineStart} characters long; the limit is ${MAX_LINE_LENGTH}`, {
            start: at(lineStart),
            end: at(lineStart + 1),
          }),
        );
        lexer.skipTo(end);
        lexer.next(); // its line end
        continue;
      }
    }
    const tokens = lexer.next();
    let broken = false;
    if (lexer.errors.length > 0) {
      diagnostics.push(lexErrorsToDiagnostic(text, lexer.errors, at));
      broken = true;
    }
    const raw = parser.parseLine(tokens);
    const e = parser.firstError();
    if (e !== undefined && !broken) {
      diagnostics.push(parseErrorToDiagnostic(e));
      broken = true;
    }
    if (broken) brokenLines.add(line);
    if (raw.head.length > 0 || raw.equals !== undefined || raw.args.length > 0) onLine({ head: raw.head, equals: raw.equals, args: raw.args, line }, broken);
  }
  return { comments: lexer.comments, diagnostics, brokenLines };
}

/** One diagnostic for a line's lexer errors: the first bad character other than a quote, else the quote. */
function lexErrorsToDiagnostic(text: string, errors: LexError[], at: (offset: number) => Span["start"]): Diagnostic {
  const nonQuote = errors.filter((e) => text[e.offset] !== '"');
  const more = nonQuote.length > 1 ? ` (and ${nonQuote.length - 1} more on this line)` : "";
  const first = nonQuote[0];
  if (first === undefined) {
    const q = errors[0]!;
    return diag("unterminated-quote", "double quote is not closed on this line", { start: at(q.offset), end: at(q.offset + 1) }, {
      hint: 'quote a whole value on one line, e.g. `INITIAL_STATE="on"`',
    });
  }
  // report the first character of the run; its length covers the whole run
  const bad = text.slice(first.offset, first.offset + first.length);
  const ch = String.fromCodePoint(bad.codePointAt(0)!);
  return diag("unexpected-character", `unexpected character \`${printable(ch)}\`${more}`, { start: at(first.offset), end: at(first.offset + first.length) }, {
    hint: characterHint(ch),
  });
}

function characterHint(ch: string): string {
  if (ch === "\r") return "a lone carriage return: save the file with LF (or CRLF) line endings";
  if (ch === "=") return "only one `=` separates the name from the value";
  if (ch === '"') return "double quotes may only wrap a whole value";
  if (ch === "\uFEFF") return "a byte-order mark inside the file: save it as plain UTF-8";
  return `values may contain only letters, digits and \`${"_ . : , / + @ % [ ] -"}\`; shell metacharacters and non-ASCII text are never accepted`;
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
