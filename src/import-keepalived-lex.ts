// keepalived.conf as keepalived reads it (lib/parser.c, keepalived.conf(5)): comments, line
// continuation, `include` with globs, `@ID` conditional lines, `$NAME=VALUE` parameters,
// `~SEQ`/`~SEQx`/`~LST` repetition, quotes and braces anywhere on a line. The result is a tree
// of statements whose every token keeps the file, line and column it came from. Pure: files
// are read through the caller's load() and glob(). Every loop is bounded: an include loop, a
// deep include chain, a glob matching thousands of files, a parameter defined through itself
// and a ~SEQ of a billion lines are each reported once, never followed.

import { diag, type Code, type Diagnostic, type Span } from "./diagnostics.js";
import type { ReadFile } from "./import-model.js";

export interface KeepalivedLoader {
  /** The text of a file (an absolute or caller-relative path as include resolved it). */
  load(path: string): { text: string } | { error: string };
  /** Absolute path pattern (`*`, `?`, `[...]`; braces already expanded) → the sorted matching paths. */
  glob(pattern: string): string[];
}

export interface Token {
  text: string;
  file: string;
  span: Span;
  quoted: boolean;
}

/** One keyword with its arguments on its line, and the block `{ ... }` that follows it, if any. */
export interface Stmt {
  key: Token;
  args: Token[];
  block: Stmt[] | undefined;
}

/** Limits: far above any real configuration, low enough that hostile input stays cheap. */
export const LIMITS = {
  includeDepth: 16,
  files: 1024,
  globMatches: 256,
  braceExpansions: 256,
  /** Logical lines after ~SEQ/~LST and multi-line parameters are expanded. */
  // the files' lines: 10,000 services x 10 real servers as lvsc writes them are 920,000
  lines: 4_000_000,
  /** lines made by ~SEQ and ~LST, which a few bytes of input can multiply */
  repeated: 200_000,
  /** Nested substitutions of one line ($A uses $B uses $C ...). */
  substitutionDepth: 32,
  lineLength: 65_536,
  blockDepth: 32,
} as const;

/** A piece of text with, for each character, its offset in its file (substituted text: the `$`'s). */
interface Seg {
  s: string;
  offs: number[];
  file: string;
}

/** A line as read: one segment, or a multi-line `$NAME=` definition (its lines). */
interface RawLine {
  segs: Seg[];
}

interface Definition {
  lines: Seg[];
}

export class Lexer {
  readonly files = new Map<string, ReadFile & { lineStarts: number[] }>();
  /** Every config id that an `@ID` or `@^ID` line names, in order of appearance. */
  readonly ids: string[] = [];
  private lineCount = 0;
  private repeatedCount = 0;
  private limitReported = new Set<string>();

  constructor(
    private readonly loader: KeepalivedLoader,
    private readonly configId: string | undefined,
  ) {}

  // ---- positions and diagnostics ----

  private addFile(file: string, text: string) {
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
    const rf = { file, text, diagnostics: [] as Diagnostic[], lineStarts };
    this.files.set(file, rf);
    return rf;
  }

  position(file: string, offset: number) {
    const rf = this.files.get(file);
    const starts = rf?.lineStarts ?? [0];
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1, offset };
  }

  spanOf(file: string, start: number, end: number): Span {
    return { start: this.position(file, start), end: this.position(file, Math.max(start, end)) };
  }

  report(file: string, span: Span, code: Code, message: string, hint?: string) {
    const rf = this.files.get(file);
    if (rf === undefined) return;
    rf.diagnostics.push(diag(code, message, span, hint !== undefined ? { hint } : undefined));
  }

  at(t: Token, code: Code, message: string, hint?: string) {
    this.report(t.file, t.span, code, message, hint);
  }

  private segSpan(seg: Seg, from = 0, to = seg.s.length): Span {
    if (seg.offs.length === 0) return this.spanOf(seg.file, 0, 0);
    const a = seg.offs[Math.min(from, seg.offs.length - 1)]!;
    const b = to > from ? seg.offs[Math.min(to, seg.offs.length) - 1]! + 1 : a;
    return this.spanOf(seg.file, a, b);
  }

  private limit(key: string, seg: Seg, message: string, hint: string) {
    if (this.limitReported.has(key)) return;
    this.limitReported.add(key);
    this.report(seg.file, this.segSpan(seg), "import-limit-exceeded", message, hint);
  }

  // ---- stage 1: physical lines, comments, continuation, include ----

  /** Reads a top-level file (its text given) and everything it includes, in keepalived's order. */
  readTop(file: string, text: string): Stmt[] {
    this.addFile(file, text);
    const raw: RawLine[] = [];
    this.readFile(file, text, [file], raw);
    const lines: Token[][] = [];
    const defs = new Map<string, Definition>();
    for (const r of raw) this.process(r, defs, lines, 0);
    return this.parse(lines);
  }

  private readFile(file: string, text: string, stack: string[], out: RawLine[]) {
    const n = text.length;
    let pos = 0;
    let multiline: RawLine | undefined; // a `$NAME=` definition still taking lines
    let joined: Seg | undefined; // a line ended by `\`, waiting for the next
    let nextNul = text.indexOf("\0");
    while (pos < n) {
      let end = text.indexOf("\n", pos);
      if (end === -1) end = n;
      let lineEnd = end;
      while (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
      const start = pos;
      pos = end + 1;
      if (lineEnd - start > LIMITS.lineLength) {
        this.report(file, this.spanOf(file, start, start + 1), "import-syntax", `a line of more than ${LIMITS.lineLength} characters`, "keepalived ignores such a line; split it");
        continue;
      }
      // the next NUL, found once for all the lines before it (a search per line is quadratic)
      if (nextNul !== -1 && nextNul < start) nextNul = text.indexOf("\0", start);
      if (nextNul !== -1 && nextNul < lineEnd) {
        const z = nextNul;
        this.report(file, this.spanOf(file, z, z + 1), "import-syntax", "a NUL character in a line", "keepalived ignores a line with a NUL in it; remove the NUL");
        continue;
      }
      const seg = this.decomment(file, text, start, lineEnd);
      // a definition's continuation lines are lines of its value
      if (multiline !== undefined) {
        // only an empty line ends a definition early; a comment line is skipped (keepalived's read_line)
        if (lineEnd === start) {
          multiline = undefined;
          continue;
        }
        if (seg.s.trim() === "") continue;
        const cont = endsWithBackslash(seg);
        const body = cont ? trimEnd(sliceSeg(seg, 0, seg.s.length - 1)) : seg;
        if (body.s.trim() !== "") multiline.segs.push(body);
        if (!cont) multiline = undefined;
        continue;
      }
      let cur = seg;
      if (joined !== undefined) {
        cur = concatSeg(joined, seg);
        joined = undefined;
      }
      if (endsWithBackslash(cur)) {
        const body = trimEnd(sliceSeg(cur, 0, cur.s.length - 1));
        if (DEFINITION.test(body.s)) {
          multiline = { segs: [body] };
          out.push(multiline);
        } else joined = concatSeg(body, { s: " ", offs: [body.offs[body.offs.length - 1] ?? start], file });
        continue;
      }
      if (cur.s.trim() === "") continue;
      const inc = INCLUDE.exec(cur.s);
      if (inc !== null) {
        this.include(cur, inc, stack, out);
        continue;
      }
      out.push({ segs: [cur] });
      if (this.lineCount++ > LIMITS.lines) {
        this.limit("lines", cur, `more than ${LIMITS.lines} lines`, "lvsc reads at most this many lines; split the configuration");
        return;
      }
    }
    if (joined !== undefined && joined.s.trim() !== "") out.push({ segs: [joined] });
  }

  /** The line without its comment: `#` or `!` outside double quotes; `\#` and `\!` are the characters. */
  private decomment(file: string, text: string, start: number, end: number): Seg {
    let s = "";
    const offs: number[] = [];
    let quoted = false;
    for (let i = start; i < end; i++) {
      const c = text[i]!;
      if (c === '"') quoted = !quoted;
      else if (!quoted && (c === "#" || c === "!")) break;
      else if (c === "\\" && i + 1 < end && (text[i + 1] === "#" || text[i + 1] === "!")) {
        i++;
        s += text[i];
        offs.push(i);
        continue;
      }
      s += c;
      offs.push(i);
    }
    return trimEnd({ s, offs, file });
  }

  private include(cur: Seg, m: RegExpExecArray, stack: string[], out: RawLine[]) {
    const file = cur.file;
    const variant = m[1] ?? "";
    const patternText = cur.s.slice(m[0].length).trim();
    const patSeg = sliceSeg(cur, m[0].length + (cur.s.slice(m[0].length).length - cur.s.slice(m[0].length).trimStart().length), cur.s.length);
    const strict = variant !== "";
    if (patternText === "") {
      this.report(file, this.segSpan(cur), "import-syntax", "`include` without a file", "give the file to include, e.g. `include /etc/keepalived/conf.d/*.conf`");
      return;
    }
    const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : "";
    const braces = expandBraces(patternText, LIMITS.braceExpansions);
    if (braces === undefined) {
      this.limit(`brace:${file}`, patSeg, `\`${clip(patternText)}\` expands to more than ${LIMITS.braceExpansions} patterns`, "name fewer files in one include");
      return;
    }
    const matches: string[] = [];
    let missing = false;
    for (const b of braces) {
      const abs = normalize(b.startsWith("/") ? b : dir + b);
      const found = hasGlob(abs) ? this.loader.glob(abs) : [abs];
      if (found.length === 0) missing = true;
      for (const f of found) {
        if (matches.length >= LIMITS.globMatches) {
          this.limit(`glob:${file}:${patSeg.offs[0]}`, patSeg, `\`${clip(patternText)}\` matches more than ${LIMITS.globMatches} files`, "lvsc reads at most this many files from one include; include fewer");
          break;
        }
        matches.push(f);
      }
    }
    if (missing && matches.length === 0)
      this.report(file, this.segSpan(patSeg), strict ? "import-include-missing" : "import-include-missing", `no file matches \`${clip(patternText)}\``, strict ? `\`include${variant}\` makes keepalived refuse the configuration; pass the included files too` : "keepalived reads on without it, and so does lvsc; pass the included files if they exist");
    for (const f of matches) {
      if (stack.includes(f)) {
        this.report(file, this.segSpan(patSeg), "import-include-loop", `\`${clip(patternText)}\` includes \`${clip(f)}\`, which is already being read`, `the include chain is ${stack.map((x) => `\`${clip(x)}\``).join(" → ")}; remove the include that closes the loop`);
        continue;
      }
      if (stack.length >= LIMITS.includeDepth) {
        this.limit(`depth:${file}`, patSeg, `includes nested more than ${LIMITS.includeDepth} deep`, "lvsc follows at most this many nested includes");
        continue;
      }
      if (this.files.size >= LIMITS.files && !this.files.has(f)) {
        this.limit("files", patSeg, `more than ${LIMITS.files} files included`, "lvsc reads at most this many files");
        return;
      }
      const loaded = this.loader.load(f);
      if ("error" in loaded) {
        this.report(file, this.segSpan(patSeg), "import-include-missing", `cannot read \`${clip(f)}\`: ${clip(loaded.error)}`, "pass the included files too");
        continue;
      }
      if (!this.files.has(f)) this.addFile(f, loaded.text);
      this.readFile(f, loaded.text, [...stack, f], out);
    }
  }

  // ---- stage 2: conditionals, definitions, repetition, substitution ----

  private process(r: RawLine, defs: Map<string, Definition>, out: Token[][], depth: number) {
    let seg = trimStart(r.segs[0]!);
    // @ID / @^ID
    while (seg.s.startsWith("@")) {
      const neg = seg.s[1] === "^";
      const from = neg ? 2 : 1;
      const ws = seg.s.search(/[ \t]/);
      if (ws === -1) return; // nothing after the id: keepalived drops the line
      const id = seg.s.slice(from, ws);
      if (!this.ids.includes(id) && id !== "") this.ids.push(id);
      const match = this.configId !== undefined && id === this.configId;
      if (match === neg) return;
      seg = trimStart(sliceSeg(seg, ws, seg.s.length));
    }
    const def = DEFINITION.exec(seg.s);
    if (def !== null) {
      const name = def[1]!;
      const first = trimStart(sliceSeg(seg, def[0].length, seg.s.length));
      const lines = [...(first.s !== "" ? [first] : []), ...r.segs.slice(1).map(trimStart)];
      defs.set(name, { lines });
      return;
    }
    const loop = LOOP.exec(seg.s);
    if (loop !== null) {
      this.loop(seg, loop, r, defs, out, depth);
      return;
    }
    const lines = this.substitute(seg, defs, 0);
    if (lines === undefined) return;
    if (lines.length === 1 && lines[0]!.s === seg.s) {
      this.tokenize(seg, out);
      return;
    }
    // what substitution made is read again: it may be an @ line, a definition or a loop
    if (depth > LIMITS.substitutionDepth) {
      this.limit(`subst:${seg.file}:${seg.offs[0]}`, seg, "parameters nested too deep", `lvsc expands at most ${LIMITS.substitutionDepth} levels of parameters`);
      return;
    }
    for (const l of lines) this.process({ segs: [l] }, defs, out, depth + 1);
  }

  private loop(seg: Seg, m: RegExpExecArray, r: RawLine, defs: Map<string, Definition>, out: Token[][], depth: number) {
    const kind = m[1]!;
    const open = m[0].length; // just after `(`
    const close = matchingParen(seg.s, open);
    if (close === -1) {
      this.report(seg.file, this.segSpan(seg, 0, open), "import-syntax", `\`~${kind}(\` without its \`)\``, "close the list of the ~SEQ or ~LST");
      return;
    }
    const argsSeg = sliceSeg(seg, open, close);
    // the arguments may use parameters too
    const argsText = (this.substitute(argsSeg, defs, 0) ?? [argsSeg]).map((x) => x.s).join(" ");
    const rest = trimStart(sliceSeg(seg, close + 1, seg.s.length));
    const bad = (why: string) =>
      this.report(seg.file, this.segSpan(seg, 0, close + 1), "import-invalid-value", `\`~${kind}(${clip(argsText)})\`: ${why}`, kind === "LST" ? "write ~LST(VAR, V1, V2, ...) or ~LST({A, B}, {1, 2}, ...)" : "write ~SEQ(VAR, [START, [STEP,]] END) with integers");
    let assignments: [string, string][][] = [];
    if (kind === "LST") {
      const items = splitListArgs(argsText);
      if (items === undefined || items.length < 2) return bad("needs a variable and at least one value");
      const vars = unbrace(items[0]!);
      if (!vars.every((v) => NAME.test(v))) return bad("a variable name is made of letters, digits and `_`");
      for (const item of items.slice(1)) {
        const vals = unbrace(item);
        if (vals.length !== vars.length) return bad(`\`${clip(item)}\` does not give ${vars.length} value(s)`);
        assignments.push(vars.map((v, i) => [v, vals[i]!]));
      }
    } else {
      const parts = argsText.split(",").map((x) => x.trim());
      const v = parts[0]!;
      if (!NAME.test(v)) return bad("a variable name is made of letters, digits and `_`");
      const nums = parts.slice(1).map((x) => parseLoopInt(x));
      if (nums.length < 1 || nums.length > 3 || nums.some((x) => x === undefined)) return bad("needs a variable and one to three integers");
      const ns = nums as number[];
      const endV = ns[ns.length - 1]!;
      const startV = ns.length >= 2 ? ns[0]! : endV > 0 ? 1 : -1;
      const stepV = ns.length === 3 ? ns[1]! : endV >= startV ? 1 : -1;
      if (stepV === 0) return bad("a step of 0 never ends");
      const count = Math.floor((endV - startV) / stepV) + 1;
      if (count > LIMITS.repeated) {
        this.limit(`lines`, seg, `\`~${kind}\` repeats its line ${count} times`, `lvsc makes at most ${LIMITS.repeated} lines by repetition`);
        return;
      }
      assignments = [];
      for (let k = 0; k < count; k++) {
        const x = startV + k * stepV;
        assignments.push([[v, kind === "SEQx" ? x.toString(16) : String(x)]]);
      }
    }
    for (const a of assignments) {
      this.lineCount++;
      if (this.repeatedCount++ > LIMITS.repeated) {
        this.limit("lines", seg, `more than ${LIMITS.repeated} lines made by \`~${kind}\` repetition`, "lvsc makes at most this many lines by repetition");
        return;
      }
      for (const [name, value] of a) defs.set(name, { lines: [{ s: value, offs: Array(value.length).fill(seg.offs[0] ?? 0), file: seg.file }] });
      this.process({ segs: [rest, ...r.segs.slice(1)] }, defs, out, depth + 1);
    }
  }

  /** `$NAME` (then blank or end) and `${NAME}` replaced; undefined ones kept, as keepalived does. */
  private substitute(seg: Seg, defs: Map<string, Definition>, depth: number): Seg[] | undefined {
    const s = seg.s;
    let i = s.indexOf("$");
    if (i === -1 || defs.size === 0) return [seg];
    let quoted = false;
    for (let q = 0; q < i; q++) if (s[q] === '"') quoted = !quoted;
    for (; i < s.length; i++) {
      const c = s[i];
      if (c === '"') quoted = !quoted;
      if (c !== "$") continue;
      let name: string | undefined;
      let end = i;
      if (s[i + 1] === "{") {
        const close = s.indexOf("}", i + 2);
        if (close !== -1) {
          name = s.slice(i + 2, close);
          end = close + 1;
        }
      } else {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
        if (m !== null && (i + 1 + m[0].length === s.length || /[ \t]/.test(s[i + 1 + m[0].length]!))) {
          name = m[0];
          end = i + 1 + m[0].length;
        }
      }
      if (name === undefined) continue;
      const d = defs.get(name);
      if (d === undefined) continue;
      if (depth >= LIMITS.substitutionDepth) {
        this.limit(`subst:${seg.file}:${seg.offs[i]}`, sliceSeg(seg, i, end), `\`$${clip(name)}\` expands through more than ${LIMITS.substitutionDepth} parameters`, "a parameter that uses itself never ends; define it without itself");
        return undefined;
      }
      const at = seg.offs[i]!;
      const prefix = sliceSeg(seg, 0, i);
      const suffix = sliceSeg(seg, end, s.length);
      const value = d.lines.map((l) => ({ s: l.s, offs: Array<number>(l.s.length).fill(at), file: seg.file }));
      let lines: Seg[];
      if (value.length <= 1) lines = [concatSeg(concatSeg(prefix, value[0] ?? { s: "", offs: [], file: seg.file }), suffix)];
      else lines = [concatSeg(prefix, value[0]!), ...value.slice(1, -1), concatSeg(value[value.length - 1]!, suffix)];
      if (lines.reduce((n, l) => n + l.s.length, 0) > LIMITS.lineLength) {
        this.limit(`len:${seg.file}:${at}`, sliceSeg(seg, i, end), `\`$${clip(name)}\` expands to more than ${LIMITS.lineLength} characters`, "define shorter parameters");
        return undefined;
      }
      const outLines: Seg[] = [];
      for (const l of lines) {
        const sub = this.substitute(l, defs, depth + 1);
        if (sub === undefined) return undefined;
        outLines.push(...sub);
      }
      return outLines;
    }
    return [seg];
  }

  // ---- tokens and statements ----

  private tokenize(seg: Seg, out: Token[][]) {
    const s = seg.s;
    const toks: Token[] = [];
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (c === " " || c === "\t" || c === "\r" || c === "\v" || c === "\f") {
        i++;
        continue;
      }
      if (c === "{" || c === "}") {
        toks.push({ text: c, file: seg.file, span: this.segSpan(seg, i, i + 1), quoted: false });
        i++;
        continue;
      }
      let j = i;
      let text = "";
      let quoted = false;
      while (j < s.length) {
        const d = s[j]!;
        if (d === '"') {
          const close = s.indexOf('"', j + 1);
          if (close === -1) {
            this.report(seg.file, this.segSpan(seg, j, s.length), "import-syntax", "a double quote that is not closed on its line", "close the quoted string");
            text += s.slice(j + 1);
            j = s.length;
            break;
          }
          text += s.slice(j + 1, close);
          quoted = true;
          j = close + 1;
          continue;
        }
        if (d === " " || d === "\t" || d === "{" || d === "}" || d === "\r" || d === "\v" || d === "\f") break;
        text += d;
        j++;
      }
      toks.push({ text, file: seg.file, span: this.segSpan(seg, i, j), quoted });
      i = j;
    }
    if (toks.length > 0) out.push(toks);
  }

  /** Lines of tokens → statements: a keyword takes the rest of its line; `{` opens its block wherever it stands. */
  private parse(lines: Token[][]): Stmt[] {
    const root: Stmt[] = [];
    const stack: { list: Stmt[]; opener: Token | undefined }[] = [{ list: root, opener: undefined }];
    for (const line of lines) {
      let cur: Stmt | undefined;
      for (const t of line) {
        const top = stack[stack.length - 1]!;
        if (t.text === "{" && !t.quoted) {
          const owner = cur ?? top.list[top.list.length - 1];
          if (owner === undefined || owner.block !== undefined) {
            this.at(t, "import-syntax", "a `{` that opens no keyword's block", "put `{` after the keyword whose block it opens");
            // read on as a block of nothing, so its `}` balances
            const lost: Stmt[] = [];
            stack.push({ list: lost, opener: t });
          } else if (stack.length > LIMITS.blockDepth) {
            if (!this.limitReported.has("blocks")) this.at(t, "import-limit-exceeded", `blocks nested more than ${LIMITS.blockDepth} deep`, "keepalived's blocks nest a few levels only");
            this.limitReported.add("blocks");
            owner.block = [];
            stack.push({ list: owner.block, opener: t });
          } else {
            owner.block = [];
            stack.push({ list: owner.block, opener: t });
          }
          cur = undefined;
          continue;
        }
        if (t.text === "}" && !t.quoted) {
          if (stack.length === 1) this.at(t, "import-syntax", "a `}` that closes no block", "remove the extra `}`; keepalived refuses the configuration");
          else stack.pop();
          cur = undefined;
          continue;
        }
        if (cur === undefined) {
          cur = { key: t, args: [], block: undefined };
          top.list.push(cur);
        } else cur.args.push(t);
      }
    }
    for (let k = stack.length - 1; k >= 1; k--) {
      const o = stack[k]!.opener!;
      this.at(o, "import-syntax", "a `{` that is never closed", "add the missing `}`");
    }
    return root;
  }
}

const INCLUDE = /^[ \t]*include([rmwba])?[ \t]+/;
const DEFINITION = /^[ \t]*(?:@\^?\S+[ \t]+)*\$([A-Za-z_][A-Za-z0-9_]*)=/;
const LOOP = /^~(SEQx|SEQ|LST)\(/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function endsWithBackslash(seg: Seg): boolean {
  return seg.s.endsWith("\\");
}

function sliceSeg(seg: Seg, from: number, to: number): Seg {
  return { s: seg.s.slice(from, to), offs: seg.offs.slice(from, to), file: seg.file };
}

function concatSeg(a: Seg, b: Seg): Seg {
  return { s: a.s + b.s, offs: [...a.offs, ...b.offs], file: a.file };
}

function trimEnd(seg: Seg): Seg {
  let e = seg.s.length;
  while (e > 0 && /[ \t\r]/.test(seg.s[e - 1]!)) e--;
  return e === seg.s.length ? seg : sliceSeg(seg, 0, e);
}

function trimStart(seg: Seg): Seg {
  let b = 0;
  while (b < seg.s.length && /[ \t]/.test(seg.s[b]!)) b++;
  return b === 0 ? seg : sliceSeg(seg, b, seg.s.length);
}

function matchingParen(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    if (s[i] === "(") depth++;
    else if (s[i] === ")" && --depth === 0) return i;
  }
  return -1;
}

/** `{a, b}, {1, 2}` or `IP, 1, 2`: the comma-separated items, braces kept together. */
function splitListArgs(s: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of s) {
    if (c === "{") depth++;
    if (c === "}" && --depth < 0) return undefined;
    if (c === "," && depth === 0) {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  if (depth !== 0) return undefined;
  out.push(cur.trim());
  return out;
}

function unbrace(item: string): string[] {
  const t = item.trim();
  if (t.startsWith("{") && t.endsWith("}")) return t.slice(1, -1).split(",").map((x) => x.trim());
  return [t];
}

function parseLoopInt(s: string): number | undefined {
  if (/^-?[0-9]{1,10}$/.test(s)) return Number(s);
  if (/^-?0[xX][0-9a-fA-F]{1,8}$/.test(s)) return s.startsWith("-") ? -parseInt(s.slice(1), 16) : parseInt(s, 16);
  return undefined;
}

/** `a/./b/../c` → `a/c`: include paths as the kernel resolves them (symbolic links aside). */
function normalize(p: string): string {
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "" && out[out.length - 1] !== "..") out.pop();
    else out.push(part);
  }
  return out.join("/");
}

function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/** csh braces, `a{b,c}d` → `abd`, `acd`; undefined past `max` patterns. */
export function expandBraces(p: string, max: number): string[] | undefined {
  const open = p.indexOf("{");
  if (open === -1) return [p];
  let depth = 0;
  let close = -1;
  const commas: number[] = [];
  for (let i = open; i < p.length; i++) {
    if (p[i] === "{") depth++;
    else if (p[i] === "}" && --depth === 0) {
      close = i;
      break;
    } else if (p[i] === "," && depth === 1) commas.push(i);
  }
  if (close === -1) return [p];
  const parts: string[] = [];
  let from = open + 1;
  for (const c of [...commas, close]) {
    parts.push(p.slice(from, c));
    from = c + 1;
  }
  const out: string[] = [];
  for (const part of parts) {
    const more = expandBraces(p.slice(0, open) + part + p.slice(close + 1), max - out.length);
    if (more === undefined) return undefined;
    out.push(...more);
    if (out.length > max) return undefined;
  }
  return out;
}

/** Input text for a message: at most 60 characters, control characters and backquotes shown as `?`. */
export function clip(s: string): string {
  // eslint-disable-next-line no-control-regex
  const safe = s.replace(/[\u0000-\u001f\u007f`]/g, "?");
  return safe.length > 60 ? `${safe.slice(0, 57)}...` : safe;
}
