// Handlebars templates -> JavaScript generator functions. Pure (it returns source text).
//
// Handlebars parses each template (its grammar and its standalone-line whitespace rules); this
// module writes the code that runs it, for the subset lvsc's templates use: helpers with one
// argument, {{#if}}, {{#unless}} and {{#each}} with {{else}} and {{else if}}, `this`, `../`,
// @index/@first/@last/@key/@root, comments, and partials without arguments ({{> name}}, inlined
// in the current context; an indented standalone partial must be plain text, indented here as
// Handlebars indents it). Anything else is a build error, not a silent
// difference. Handlebars' own runtime builds an options object, a block-parameter array and a
// depth array per helper call and per block, which made mon.cf for 100,000 real servers take
// seconds and hundreds of megabytes; this code concatenates strings and hands out a piece every
// 64 KiB, so a caller can write a file of any size while it renders.
//
// Semantics follow Handlebars 4.7 with lvsc's COMPILE_OPTIONS (noEscape, strict,
// knownHelpersOnly): a helper's argument is looked up as Handlebars does (own properties only,
// a missing one is undefined and the helper refuses it); a bare {{name}} must exist; {{#if}} is
// false for false, undefined, null, "", 0, NaN and []; {{#each}} iterates arrays and iterables. test/render.test.ts
// renders every template with Handlebars and with this code, on the examples and on fuzzed
// confs, and requires the same bytes.

import Handlebars from "handlebars";

type Node = hbs.AST.Node;

/** The body of `function* (root, helpers)`; each piece it yields is at least 64 KiB, except the last. */
export function compileTemplate(source: string, helpers: readonly string[], name = "template", partials: Readonly<Record<string, string>> = {}): string {
  const ast = Handlebars.parse(source);
  const g = new Generator(helpers, name, partials);
  g.program(ast, [{ ctx: "root" }]);
  return [
    "const own = Object.prototype.hasOwnProperty;",
    // Handlebars' lookupProperty: own properties, and inherited ones only when null or undefined
    "const L = (o, k) => { const v = o[k]; return v == null || own.call(o, k) ? v : undefined; };",
    "const S = (o, k, what) => { if (o == null || !(k in o)) throw new Error(`" + name + ": ${what} not defined`); return o[k]; };",
    "const T = (v) => !v || (Array.isArray(v) && v.length === 0);",
    'let s = "";',
    "let t;",
    ...g.lines,
    'if (s !== "") yield s;',
  ].join("\n");
}

/** A scope: the variable holding its context, and the loop's data when it is an {{#each}} item. */
interface Scope {
  ctx: string;
  loop?: { array: string; index: string };
}

class Generator {
  lines: string[] = [];
  private n = 0;

  constructor(
    private readonly helpers: readonly string[],
    private readonly name: string,
    private readonly partials: Readonly<Record<string, string>>,
    /** Partials being inlined, outermost first: a partial that includes itself is an error. */
    private readonly inlining: readonly string[] = [],
  ) {}

  private fail(node: Node, what: string): never {
    const loc = node.loc !== undefined && node.loc !== null ? ` at line ${node.loc.start.line}` : "";
    throw new Error(`${this.name}${loc}: ${what} is not supported by src/template-compiler.ts (add it there, with a case in test/render.test.ts)`);
  }

  program(p: hbs.AST.Program, scopes: Scope[]): void {
    if (p.blockParams !== undefined && p.blockParams.length > 0) this.fail(p, "block parameters (as |x|)");
    let text = "";
    const flush = () => {
      if (text !== "") this.lines.push(`s += ${JSON.stringify(text)};`);
      text = "";
    };
    for (const st of p.body) {
      switch (st.type) {
        case "ContentStatement":
          text += (st as hbs.AST.ContentStatement).value;
          break;
        case "CommentStatement":
          break;
        case "MustacheStatement":
          flush();
          this.mustache(st as hbs.AST.MustacheStatement, scopes);
          break;
        case "BlockStatement":
          flush();
          this.block(st as hbs.AST.BlockStatement, scopes);
          break;
        case "PartialStatement": {
          // an indented partial is plain text, added to the text around it; any other is code
          const indented = ((st as hbs.AST.PartialStatement & { indent?: string }).indent ?? "") !== "";
          if (!indented) flush();
          const inlined = this.partial(st as hbs.AST.PartialStatement, scopes);
          if (inlined !== undefined) text += inlined;
          break;
        }
        default:
          this.fail(st, st.type);
      }
    }
    flush();
  }

  /**
   * {{> name}}: the partial's code inlined here, in the current context. Returns the text to add
   * instead when the partial is indented (a standalone {{> name}} after blanks): Handlebars then
   * indents every line of what the partial renders, which for plain text is known now.
   */
  private partial(st: hbs.AST.PartialStatement, scopes: Scope[]): string | undefined {
    if (st.name.type !== "PathExpression") this.fail(st, "a dynamic partial name");
    if (st.params.length > 0 || (st.hash !== undefined && st.hash !== null && st.hash.pairs.length > 0)) this.fail(st, "a partial with arguments");
    const name = (st.name as hbs.AST.PathExpression).original;
    const source = this.partials[name];
    if (source === undefined) this.fail(st, `the partial \`${name}\` (not registered)`);
    if (this.inlining.includes(name)) this.fail(st, `the partial \`${name}\` inside itself`);
    const ast = Handlebars.parse(source);
    const indent = (st as hbs.AST.PartialStatement & { indent?: string }).indent ?? "";
    if (indent !== "") {
      if (!ast.body.every((b) => b.type === "ContentStatement")) this.fail(st, `the indented partial \`${name}\` with mustaches in it`);
      const text = ast.body.map((b) => (b as hbs.AST.ContentStatement).value).join("");
      // Handlebars' invokePartial: every line but an empty last one gets the indent
      const lines = text.split("\n");
      return lines.map((l, i) => (i === lines.length - 1 && l === "" ? l : indent + l)).join("\n");
    }
    const inner = new Generator(this.helpers, `${this.name} > ${name}`, this.partials, [...this.inlining, name]);
    inner.n = this.n;
    inner.program(ast, scopes);
    this.n = inner.n;
    this.lines.push(...inner.lines);
    return undefined;
  }

  private mustache(m: hbs.AST.MustacheStatement, scopes: Scope[]): void {
    if (m.hash !== undefined && m.hash !== null && m.hash.pairs.length > 0) this.fail(m, "hash arguments");
    if (m.path.type !== "PathExpression") this.fail(m, `a ${m.path.type} in a mustache`);
    const path = m.path as hbs.AST.PathExpression;
    if (m.params.length === 0) {
      // a bare value: strict, so a missing field is an error
      this.lines.push(`t = ${this.value(path, scopes, true)};`, `s += t == null ? "" : t;`);
      return;
    }
    const helper = path.original;
    if (path.depth !== 0 || path.parts.length !== 1 || path.data || !this.helpers.includes(helper)) this.fail(m, `the helper \`${helper}\``);
    if (m.params.length !== 1) this.fail(m, `\`${helper}\` with ${m.params.length} arguments`);
    this.lines.push(`t = helpers[${JSON.stringify(helper)}](${this.param(m.params[0]!, scopes)});`, `s += t == null ? "" : t;`);
  }

  private param(e: hbs.AST.Expression, scopes: Scope[]): string {
    switch (e.type) {
      case "PathExpression":
        return this.value(e as hbs.AST.PathExpression, scopes, false);
      case "StringLiteral":
      case "NumberLiteral":
      case "BooleanLiteral":
        return JSON.stringify((e as hbs.AST.StringLiteral).value);
      case "UndefinedLiteral":
        return "undefined";
      case "NullLiteral":
        return "null";
      default:
        return this.fail(e, `a ${e.type} argument`);
    }
  }

  /** A path's value; `strict`: its last part must exist (a bare {{name}}), else own-property lookups. */
  private value(p: hbs.AST.PathExpression, scopes: Scope[], strict: boolean): string {
    if (p.data) {
      const [head, ...rest] = p.parts;
      if (p.depth !== 0) this.fail(p, `@${p.parts.join(".")} with ../`);
      if (head === "root") return rest.reduce((code, part, i) => (strict && i === rest.length - 1 ? `S(${code}, ${JSON.stringify(part)}, ${JSON.stringify(p.original)})` : `L(${code}, ${JSON.stringify(part)})`), scopes[0]!.ctx);
      if (rest.length > 0) this.fail(p, `@${p.parts.join(".")}`);
      const loop = scopes[scopes.length - 1]!.loop;
      if (loop === undefined) this.fail(p, `@${head} outside {{#each}}`);
      if (head === "index" || head === "key") return loop.index;
      if (head === "first") return `(${loop.index} === 0)`;
      if (head === "last") return `(${loop.index} === ${loop.array}.length - 1)`;
      return this.fail(p, `@${head}`);
    }
    const level = scopes.length - 1 - p.depth;
    if (level < 0) this.fail(p, `\`${p.original}\` above the top of the template`);
    let code = scopes[level]!.ctx;
    p.parts.forEach((part, i) => {
      const last = i === p.parts.length - 1;
      code = strict && last ? `S(${code}, ${JSON.stringify(part)}, ${JSON.stringify(p.original)})` : `L(${code}, ${JSON.stringify(part)})`;
    });
    return code;
  }

  private block(b: hbs.AST.BlockStatement, scopes: Scope[]): void {
    if (b.path.type !== "PathExpression") this.fail(b, `a ${b.path.type} block`);
    const helper = (b.path as hbs.AST.PathExpression).original;
    if (b.hash !== undefined && b.hash !== null && b.hash.pairs.length > 0) this.fail(b, "hash arguments");
    if (b.params.length !== 1) this.fail(b, `{{#${helper}}} with ${b.params.length} arguments`);
    const arg = this.param(b.params[0]!, scopes);
    const id = ++this.n;
    if (helper === "if" || helper === "unless") {
      this.lines.push(`if (${helper === "if" ? "!" : ""}T(${arg})) {`);
      if (b.program !== undefined && b.program !== null) this.program(b.program, scopes);
      this.lines.push("} else {");
      if (b.inverse !== undefined && b.inverse !== null) this.program(b.inverse, scopes);
      this.lines.push("}");
      return;
    }
    if (helper !== "each") this.fail(b, `the block helper {{#${helper}}}`);
    const a = `a${id}`;
    const src = `s${id}`;
    const i = `i${id}`;
    const c = `c${id}`;
    // an array, or any iterable (a render context may hand out a large list lazily, so that its
    // items are made one at a time); @last needs the length, so it makes the iterable an array
    // first, as Handlebars' own {{#each}} does
    const usesLast = JSON.stringify(b.program).includes('"original":"@last"');
    this.lines.push(
      `const ${a} = ${arg};`,
      `if (${a} != null && typeof ${a} === "object" && !Array.isArray(${a}) && typeof ${a}[Symbol.iterator] !== "function") throw new Error(${JSON.stringify(`${this.name}: {{#each}} over an object, not an array or an iterable`)});`,
      `const ${src} = ${a} == null || typeof ${a} !== "object" ? [] : ${usesLast ? `Array.isArray(${a}) ? ${a} : Array.from(${a})` : a};`,
      `let ${i} = -1;`,
      `for (const ${c} of ${src}) {`,
      `${i}++;`,
      // a hole in an array is skipped, as Handlebars skips it
      `if (Array.isArray(${src}) && !(${i} in ${src})) continue;`,
    );
    this.program(b.program, [...scopes, { ctx: c, loop: { array: src, index: i } }]);
    this.lines.push(`if (s.length >= 65536) { yield s; s = ""; }`, "}", `if (${i} === -1) {`);
    if (b.inverse !== undefined && b.inverse !== null) this.program(b.inverse, scopes);
    this.lines.push("}");
  }
}
