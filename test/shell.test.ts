// Shell safety at emission: sh() quoting checked against a real shell, and a lint of the
// templates that fails when a value could reach a script without a checking helper.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HELPERS } from "../src/render.js";
import { assertInertText, charClass, sh } from "../src/shell.js";
import { PARTIALS, verbatim } from "../src/templates.js";
import { ROOT } from "./helpers.js";

/** A small seeded generator, so a failing case can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

const HOSTILE = ["", "-n", "--", "a b", "it's", "'", "''", '"', "$(touch /tmp/lvsc-pwned)", "`id`", "a;b", "a|b", "a&b", "*", "?", "~", "\\", "\n", "x\ny", "ß→☃", "${HOME}", "$HOME", "!", "#c", "a=b", "%s"];

describe("sh()", () => {
  it("leaves safe words bare, as shlex.quote does", () => {
    expect(sh("192.168.0.101:80")).toBe("192.168.0.101:80");
    expect(sh("net.ipv4.conf.all.arp_ignore=1")).toBe("net.ipv4.conf.all.arp_ignore=1");
    expect(sh("-t")).toBe("-t");
    expect(sh("")).toBe("''");
    expect(sh("it's")).toBe(`'it'"'"'s'`);
  });

  it("round-trips hostile and random strings through the system sh unchanged", () => {
    const next = rng(20261126);
    const alphabet = `abc -'"$\`;|&*?\\\n\t(){}[]<>!#~%=ß☃`;
    const cases = [...HOSTILE];
    for (let i = 0; i < 200; i++) {
      let s = "";
      const n = Math.floor(next() * 12);
      for (let k = 0; k < n; k++) s += alphabet[Math.floor(next() * alphabet.length)];
      cases.push(s);
    }
    // one sh process: print each argument NUL-terminated
    const script = `printf '%s\\0' ${cases.map(sh).join(" ")}`;
    const out = execFileSync("sh", ["-c", script], { encoding: "utf8" });
    expect(out.split("\0").slice(0, -1)).toEqual(cases);
  });
});

describe("charClass(): the table lookups the helpers check values with", () => {
  it.each([
    ["A-Za-z0-9_@%+=:,./-", undefined, /^[A-Za-z0-9_@%+=:,./-]*$/],
    [" A-Za-z0-9_@%+=:,./()*'-", undefined, /^[ A-Za-z0-9_@%+=:,./()*'-]*$/],
    ["A-Za-z0-9_.:/@%+,=-", "A-Za-z0-9_.:/@%+,=", /^(?:[A-Za-z0-9_.:/@%+,=][A-Za-z0-9_.:/@%+,=-]*)?$/],
    ["A-Za-z0-9_./-", undefined, /^[A-Za-z0-9_./-]*$/],
  ] as const)("[%s] (first [%s]) accepts exactly what its regex accepts", (chars, first, re) => {
    const test = charClass(chars, first);
    const all = Array.from({ length: 300 }, (_, c) => String.fromCharCode(c));
    for (const c of all) expect([c, test(c)]).toEqual([c, re.test(c)]);
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...all, "é", "\u2028", "\ud83d"), maxLength: 12 }), (v) => test(v) === re.test(v)), { seed: 7, numRuns: 3000 });
  });
});

describe("helpers", () => {
  it("refuse undefined and objects instead of printing them", () => {
    for (const h of Object.values(HELPERS)) {
      expect(() => (h as (v: unknown) => string)(undefined)).toThrow();
      expect(() => (h as (v: unknown) => string)({})).toThrow();
    }
  });

  it("refuse text that could end a comment or be read inside double quotes", () => {
    for (const bad of ["a\nb", "$(x)", "`x`", '"', "\\", "a\rb"]) expect(() => assertInertText(bad)).toThrow();
    expect(() => HELPERS.heredoc("IPVS_RULES")).toThrow();
    for (const bad of ["a b", "x(rw)", "#", "-ro", "a,b"]) expect(() => HELPERS.exportsField(bad)).toThrow();
  });
});

describe("templates", () => {
  const dir = `${ROOT}templates`;
  // the templates and their partials (templates/rc/*.sh.hbs)
  const templates = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".hbs"));
  const allowed = Object.keys(HELPERS);

  it.each(templates)("%s: every mustache is a block, a comment, a partial or a checking helper", (name) => {
    const src = readFileSync(`${dir}/${name}`, "utf8");
    const mustaches = src.match(/\{\{[^}]*\}\}/g) ?? [];
    // (a partial may be plain shell: templates/rc/state.sh.hbs holds no value of the conf)
    if (!name.includes("/")) expect(mustaches.length).toBeGreaterThan(0);
    for (const m of mustaches) {
      const inner = m.slice(2, -2).trim();
      const partial = /^> (\S+)$/.exec(inner);
      if (partial !== null) {
        expect(Object.keys(PARTIALS), `${name}: ${m}`).toContain(partial[1]);
        continue;
      }
      const ok = /^[#/]/.test(inner) || inner === "else" || /^else if \S+$/.test(inner) || inner.startsWith("!") || allowed.includes(inner.split(/\s+/)[0]!);
      expect(ok, `${name}: ${m}`).toBe(true);
      expect(m.startsWith("{{{"), `${name}: triple-stash ${m}`).toBe(false);
    }
  });

  it.each(templates.filter((t) => t.endsWith(".sh.hbs")))("%s: no sh-quoted value inside double quotes, no text inside single quotes", (name) => {
    const src = readFileSync(`${dir}/${name}`, "utf8");
    for (const [i, line] of src.split("\n").entries()) {
      for (const m of line.matchAll(/\{\{(sh|text) /g)) {
        const before = line.slice(0, m.index).replace(/\{\{[^}]*\}\}/g, "");
        const doubles = (before.match(/"/g) ?? []).length;
        const singles = (before.replace(/"[^"]*"/g, "").match(/'/g) ?? []).length;
        if (m[1] === "sh") expect(doubles % 2, `${name}:${i + 1}: {{sh}} inside "..."`).toBe(0);
        if (m[1] === "text" && !line.trimStart().startsWith("#")) expect(singles % 2, `${name}:${i + 1}: {{text}} inside '...'`).toBe(0);
      }
    }
  });
});

describe("verbatim parts", () => {
  it("the rc script's awk program can sit inside single quotes and holds nothing Handlebars reads", () => {
    expect(PARTIALS["rc/ipvs-plan"]).toBe(readFileSync(`${ROOT}templates/rc/ipvs-plan.awk`, "utf8"));
    expect(() => verbatim("x.awk", "print 'x'")).toThrow();
    expect(() => verbatim("x.awk", "{{x}}")).toThrow();
  });
});
