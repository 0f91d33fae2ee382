// The templates' code (src/template-compiler.ts) against Handlebars' own runtime: the same bytes
// for every template on the examples and on fuzzed confs, the same semantics on small templates
// built to probe them, a clear build error for anything unsupported, and files handed out in
// pieces so that the CLI never holds a large one whole.
import fc from "fast-check";
import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { analyze } from "../src/lint.js";
import { COMPILE_OPTIONS, HELPERS } from "../src/helpers.js";
import { planOutputs, TARGETS, type RenderPlan } from "../src/plan.js";
import { renderChunks } from "../src/render.js";
import { compile } from "../src/compile.js";
import { VERSION } from "../src/version.js";
import { compileTemplate } from "../src/template-compiler.js";
import { PARTIALS, SOURCES } from "../src/templates.js";
import { convert } from "../src/convert.js";
import { FUZZ_HOSTS, validConf } from "./fuzz/arbitraries.js";
import { EXAMPLE_HOSTS, readExample } from "./helpers.js";

const hb = Handlebars.create();
for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, fn);
for (const [name, source] of Object.entries(PARTIALS)) hb.registerPartial(name, source);
const byHandlebars = new Map(Object.entries(SOURCES).map(([n, src]) => [n, hb.compile(src, COMPILE_OPTIONS)]));

/** Every file's plans for a conf, as each type, with each ARP method. */
function plansOf(text: string, file: string, hosts = EXAMPLE_HOSTS): RenderPlan[] {
  const a = analyze(text, { file, hosts: [hosts] });
  if (a.config === undefined || a.diagnostics.some((d) => d.severity === "error")) return [];
  const out: RenderPlan[] = [];
  for (const arp of ["sysctl", "hidden"] as const) out.push(...planOutputs(a.config, { source: file, version: "0.0.0", arp, exportDir: "/etc/lvs" }));
  for (const type of ["dr", "nat", "tun"] as const) {
    if (type === a.config.type) continue;
    const c = convert(a.text!, a.ast!, a.config, type, { file, version: "0.0.0" });
    if (c.text === undefined) continue;
    const b = analyze(c.text, { file: `lvs_${type}.conf`, hosts: [hosts] });
    if (b.config !== undefined) out.push(...planOutputs(b.config, { source: file, version: "0.0.0", arp: "sysctl", exportDir: "/srv/lvs" }));
  }
  return out;
}

function same(plan: RenderPlan): void {
  const ours = [...renderChunks(plan)].join("");
  expect([plan.path, ours]).toEqual([plan.path, byHandlebars.get(plan.template)!(plan.context)]);
}

describe("the templates' code renders what Handlebars renders", () => {
  it.each(["lvs_dr.conf", "lvs_nat.conf", "lvs_tun.conf", "lvs_dr_ecmp.conf"])("%s, as every type, every file", (name) => {
    const plans = plansOf(readExample(name), name);
    // the walkthrough converts to every type, so it has every file but the active directors' (bird, router)
    if (name === "lvs_dr.conf") expect(new Set(plans.map((p) => p.target))).toEqual(new Set(TARGETS.filter((t) => t !== "bird" && t !== "router")));
    // N active directors: their BIRD files and the router's
    if (name === "lvs_dr_ecmp.conf") expect(plans.map((p) => p.template)).toEqual(expect.arrayContaining(["bird.conf", "bird.router.conf", "router-sysctl.conf", "keepalived.conf"]));
    expect(plans.length).toBeGreaterThan(5);
    for (const p of plans) same(p);
  });

  it("on fuzzed confs", () => {
    let n = 0;
    fc.assert(
      fc.property(validConf, (text) => {
        for (const p of plansOf(text, "lvs_dr.conf", FUZZ_HOSTS)) {
          same(p);
          n++;
        }
      }),
      { numRuns: 60, seed: 1207 },
    );
    expect(n).toBeGreaterThan(300);
  });

  const run = (tpl: string, ctx: unknown, partials: Record<string, string> = {}) => {
    const body = compileTemplate(tpl, Object.keys(HELPERS), "probe", partials);
    const G = Object.getPrototypeOf(function* () {}).constructor as new (...a: string[]) => (r: unknown, h: unknown) => Iterable<string>;
    return [...new G("root", "helpers", body)(ctx, HELPERS)].join("");
  };

  it.each([
    ["truth of #if and #unless", "{{#each xs}}[{{#if this}}T{{else}}F{{/if}}{{#unless this}}u{{/unless}}]{{/each}}", { xs: [0, 1, "", "a", [], [0], null, false, true, {}, Number.NaN] }],
    ["else if chains", "{{#each xs}}{{#if a}}A{{else if b}}B{{else}}C{{/if}}\n{{/each}}", { xs: [{ a: 1, b: 0 }, { a: 0, b: 1 }, { a: 0, b: 0 }] }],
    ["#each with else, over empty and missing lists", "{{#each xs}}x{{else}}none{{/each}}|{{#each ys}}y{{else}}none{{/each}}", { xs: [] }],
    ["../ from nested blocks", "{{#each hs}}{{#each ss}}{{#if ../../top}}{{text ../name}}:{{text name}} {{/if}}{{/each}}{{/each}}", { top: 1, hs: [{ name: "h1", ss: [{ name: "s1" }, { name: "s2" }] }, { name: "h2", ss: [] }] }],
    ["@index, @first, @last, @root", "{{#each xs}}{{text @index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}{{text @root.v}} {{/each}}", { v: "r", xs: ["a", "b", "c"] }],
    ["standalone lines and comments", "a\n{{#if x}}\n  b\n{{/if}}\n{{! note }}\n{{!-- long --}}\nc {{#each xs}}\n{{text this}}\n{{/each}}\nend\n", { x: true, xs: ["1", "2"] }],
    ["whitespace control", "a  {{~#if x~}}  b  {{~/if~}}  c", { x: 1 }],
    ["a bare value", "[{{v}}] [{{n}}]", { v: "x", n: 0 }],
    ["literal arguments", "{{text 'q'}}{{sh \"a b\"}}{{word 3}}", {}],
    // a render context may hand out a long list lazily: any iterable, iterated once per {{#each}}
    ["an iterable, with @index, @first and @last", "{{#each xs}}{{text @index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}{{text this}} {{/each}}", { xs: new Set(["a", "b", "c"]) }],
    ["an iterable nested in an iterable", "{{#each hs}}{{text name}}:{{#each ss}}{{text this}},{{/each}} {{/each}}", { hs: new Set([{ name: "h", ss: new Set(["1", "2"]) }]) }],
    ["an empty iterable takes the else", "{{#each xs}}x{{else}}none{{/each}}", { xs: new Set() }],
  ])("%s", (_name, tpl, ctx) => {
    const expected = hb.compile(tpl, COMPILE_OPTIONS)(ctx);
    expect(run(tpl, ctx)).toBe(expected);
  });

  it("refuses what it does not support, at build time, naming the template and line", () => {
    const helpers = Object.keys(HELPERS);
    expect(() => compileTemplate("a\n{{> part}}", helpers, "t.hbs")).toThrow("t.hbs at line 2: the partial `part` (not registered) is not supported by src/template-compiler.ts");
    expect(() => compileTemplate("{{> part x}}", helpers, "t", { part: "p" })).toThrow("a partial with arguments");
    expect(() => compileTemplate("\t{{> part}}\n", helpers, "t", { part: "{{text x}}\n" })).toThrow("the indented partial `part` with mustaches in it");
    expect(() => compileTemplate("{{> part}}", helpers, "t", { part: "{{> part}}" })).toThrow("the partial `part` inside itself");
    expect(() => compileTemplate("{{#with x}}{{/with}}", helpers, "t")).toThrow("the block helper {{#with}}");
    expect(() => compileTemplate("{{shout x}}", helpers, "t")).toThrow("the helper `shout`");
    expect(() => compileTemplate("{{#if x includeZero=true}}{{/if}}", helpers, "t")).toThrow("hash arguments");
    expect(() => compileTemplate("{{#each xs as |x|}}{{/each}}", helpers, "t")).toThrow("block parameters");
    expect(() => compileTemplate("{{text ../x}}", helpers, "t")).toThrow("above the top of the template");
  });

  it("partials: inlined in the caller's context, and an indented one indented line by line, as Handlebars does", () => {
    const partials = { body: "{{#each xs}}<{{text this}}>\n{{/each}}{{text n}}\n", plain: "one\n  two\n\nthree\n" };
    const tpl = "start\n{{> body}}\n{{#if n}}\n\t\t{{> plain}}\n{{/if}}\nend\n";
    const ctx = { xs: ["a", "b"], n: "7" };
    const env = Handlebars.create();
    for (const [name, fn] of Object.entries(HELPERS)) env.registerHelper(name, fn);
    for (const [name, source] of Object.entries(partials)) env.registerPartial(name, source);
    const want = env.compile(tpl, COMPILE_OPTIONS)(ctx);
    expect(want).toContain("\t\tone\n\t\t  two\n\t\t\n\t\tthree\n");
    expect(run(tpl, ctx, partials)).toBe(want);
  });

  it("a missing bare value is an error, as in strict Handlebars; a helper refuses a missing argument", () => {
    expect(() => run("{{nope}}", {})).toThrow("probe: nope not defined");
    expect(() => hb.compile("{{nope}}", COMPILE_OPTIONS)({})).toThrow();
    expect(() => run("{{sh nope}}", {})).toThrow("helper sh got undefined");
  });
});

describe("a large file comes in pieces", () => {
  it("mon.cf of 2,000 services x 10 real servers: pieces of about 64 KiB that make the whole file", () => {
    const lines = ["LVS_TYPE=VS_DR", "INITIAL_STATE=on", "VIP=eth0:101 10.0.0.1 255.0.0.0 10.255.255.255", "DIRECTOR_INSIDEIP=eth0 10.0.0.2 10.0.0.0 255.0.0.0 10.255.255.255"];
    for (let i = 0; i < 2000; i++) lines.push(`SERVICE=t ${i + 1} wrr ${Array.from({ length: 10 }, (_, j) => `10.1.${i & 255}.${10 + j}`).join(" ")}`);
    lines.push("SERVER_VIP_DEVICE=dummy0", "SERVER_NET_DEVICE=eth0", "");
    const config = analyze(lines.join("\n"), { file: "lvs_dr.conf" }).config!;
    const [plan] = planOutputs(config, { source: "lvs_dr.conf", version: VERSION, arp: "sysctl", exportDir: "/etc/lvs", targets: ["mon"] });
    const pieces = [...renderChunks(plan!)];
    expect(pieces.length).toBeGreaterThan(10);
    for (const p of pieces) expect(p.length).toBeLessThan(64 * 1024 + 4096);
    // the pieces make the very file the library returns whole
    expect(pieces.join("")).toBe(compile(lines.join("\n"), { file: "lvs_dr.conf", targets: ["mon"] }).files[0]!.contents);
  });
});
