// Lexer, parser and CST -> AST: recovery, positions and the line-level shapes of the format.
import { Lexer, createToken } from "chevrotain";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toAst } from "../src/ast.js";
import { grammars, lex, parse, TOKEN_PATTERNS } from "../src/parser.js";
import { conf, lintText } from "./helpers.js";

function directives(text: string) {
  const p = parse(text);
  const { ast, diagnostics } = toAst(p);
  return { ast, diagnostics: [...p.diagnostics, ...diagnostics] };
}

describe("lines", () => {
  it("reads NAME=value fields with 1-based positions and exclusive ends", () => {
    const { ast, diagnostics } = directives("LVS_TYPE=VS_DR\nSERVICE=t www  rr\trs1\n");
    expect(diagnostics).toEqual([]);
    const svc = ast.directives[1]!;
    expect(svc.name.text).toBe("SERVICE");
    expect(svc.args.map((a) => [a.text, a.span.start.line, a.span.start.column, a.span.end.column])).toEqual([
      ["t", 2, 9, 10],
      ["www", 2, 11, 14],
      ["rr", 2, 16, 18],
      ["rs1", 2, 19, 22],
    ]);
    expect(svc.args[1]!.span.start.offset).toBe("LVS_TYPE=VS_DR\n".length + 10);
  });

  it("skips full-line and trailing comments and blank lines", () => {
    const { ast, diagnostics } = directives("#director setup\n\n   \nINITIAL_STATE=on   #for sanity check\n#----------end lvs_dr.conf----\n");
    expect(diagnostics).toEqual([]);
    expect(ast.directives.map((d) => [d.name.text, d.args.map((a) => a.text), d.line])).toEqual([["INITIAL_STATE", ["on"], 4]]);
    expect(ast.comments.map((c) => c.line)).toEqual([1, 4, 5]);
  });

  it("reads CRLF line endings with the same positions", () => {
    const unix = directives(conf());
    const dos = directives(conf().replace(/\n/g, "\r\n"));
    expect(dos.diagnostics).toEqual([]);
    expect(dos.ast.directives.map((d) => [d.line, d.args.map((a) => [a.text, a.span.start.column])])).toEqual(
      unix.ast.directives.map((d) => [d.line, d.args.map((a) => [a.text, a.span.start.column])]),
    );
  });

  it("reads a last line without a final newline", () => {
    const { ast, diagnostics } = directives("LVS_TYPE=VS_DR\nSERVER_NET_DEVICE=eth0");
    expect(diagnostics).toEqual([]);
    expect(ast.directives[1]!.args[0]!.text).toBe("eth0");
  });

  it("splits a double-quoted value into fields that keep their columns", () => {
    const { ast } = directives('VIP="eth0:1 10.0.0.1"\n');
    expect(ast.directives[0]!.args.map((a) => [a.text, a.span.start.column, a.quoted])).toEqual([
      ["eth0:1", 6, true],
      ["10.0.0.1", 13, true],
    ]);
  });

  it("reads an empty file as no directives", () => {
    expect(directives("").ast.directives).toEqual([]);
  });

  it("drops a byte-order mark at the start", () => {
    const r = lintText("\uFEFF" + conf());
    expect(r.diagnostics).toEqual([]);
  });
});

describe("errors", () => {
  it("reports every malformed line, not only the first", () => {
    const text = ["LVS_TYPE=VS_DR", "INITIAL_STATE on", "=on", "VIP=a=b", "SERVICE=t www rr rs1 $(reboot)", 'X="open', "SERVER_NET_DEVICE=eth0", ""].join("\n");
    const { diagnostics } = directives(text);
    expect(diagnostics.map((d) => [d.code, d.span.start.line]).sort((a, b) => (a[1] as number) - (b[1] as number))).toEqual([
      ["missing-equals", 2],
      ["missing-directive-name", 3],
      ["syntax-error", 4],
      ["unexpected-character", 5],
      ["unterminated-quote", 6],
    ]);
  });

  it("says one thing per broken line", () => {
    const { diagnostics } = directives("SERVICE=t www rr rs1;a|b&c`d`\n");
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toBe("unexpected character `;` (and 4 more on this line)");
  });

  it("points a lexer error at the offending characters", () => {
    const { diagnostics } = directives("SERVICE=t www rr rs1 $$x\n");
    expect(diagnostics[0]!.span).toEqual({
      start: { line: 1, column: 22, offset: 21 },
      end: { line: 1, column: 24, offset: 23 },
    });
  });

  it("does not validate a line that has a syntax error", () => {
    // `rs1;rm` would otherwise also be an unresolved host
    const r = lintText(conf({ 6: "SERVICE=t www rr rs1;rm -rf /" }));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["unexpected-character"]);
  });

  it("keeps a broken line's directive present, so nothing is reported missing because of it", () => {
    const r = lintText(conf({ 3: "VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.255 `x`" }));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["unexpected-character"]);
  });

  it("reports a lone carriage return", () => {
    const { diagnostics } = directives("LVS_TYPE=VS_DR\rINITIAL_STATE=on\n");
    expect(diagnostics.map((d) => d.code)).toEqual(["unexpected-character"]);
    expect(diagnostics[0]!.hint).toContain("carriage return");
  });

  it("refuses a line over the length limit without lexing it", () => {
    const huge = `SERVICE=t www rr ${"rs1 ".repeat(10000)}`;
    const { diagnostics } = directives(`LVS_TYPE=VS_DR\n${huge}\n`);
    expect(diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([["line-too-long", 2]]);
  });
});

describe("parser", () => {
  it("uses the grammar chevrotain's recording would find, without paying for the recording", () => {
    const { used, recorded } = grammars();
    expect(used).toEqual(recorded);
    expect(JSON.stringify(used)).toContain('"name":"line"');
  });
});

describe("lexer", () => {
  // The hand-written lexer must split text exactly as chevrotain's regex lexer, built from the
  // documented TOKEN_PATTERNS, does: the same tokens at the same positions, the same comments,
  // and the same runs of unexpected characters.
  const reference = new Lexer(
    Object.entries(TOKEN_PATTERNS).map(([name, pattern]) =>
      createToken({ name, pattern, ...(name === "WhiteSpace" ? { group: Lexer.SKIPPED } : name === "Comment" ? { group: "comments" } : {}), ...(name === "NewLine" ? { line_breaks: true } : {}) }),
    ),
    { positionTracking: "full" },
  );
  const shape = (t: { image: string; startOffset: number; startLine?: number; startColumn?: number; endColumn?: number; tokenType: { name: string } }) =>
    [t.tokenType.name, t.image, t.startOffset, t.startLine, t.startColumn, t.endColumn] as const;
  const same = (text: string) => {
    const want = reference.tokenize(text);
    const got = lex(text);
    expect(got.tokens.map(shape)).toEqual(want.tokens.map(shape));
    expect(got.comments.map(shape)).toEqual(((want.groups["comments"] ?? []) as typeof want.tokens).map(shape));
    expect(got.errors).toEqual(want.errors.map((e) => ({ offset: e.offset, length: e.length })));
  };

  it("splits conf-like text with every kind of stray character as chevrotain's lexer does", () => {
    const piece = fc.constantFrom("SERVICE", "=", "t", " ", "\t", "\n", "\r\n", "\r", '"', '"a b"', "#c", "rs1:80,2", ";", "$$", "é", "\u{1F600}", "\0", "`", "'", "x=y");
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), (parts) => same(parts.join(""))), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 60 }), same), { numRuns: 500 });
  });

  it("reads a whole walkthrough conf as chevrotain's lexer does", () => {
    same(conf({}, ['X="open', "SERVICE=t www rr rs1;reboot rs2 # note", 'Y="a b" "c"d"']));
  });
});
