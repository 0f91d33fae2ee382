// The Handlebars helpers and compile options every template is built with. Pure.
//
// Options used everywhere: noEscape (HTML escaping would corrupt a shell script and protect
// nothing), strict (a missing field is an error, not an empty string), knownHelpersOnly (a
// misspelt helper fails at compile time). Every value reaches a template through one of the
// helpers below, each of which throws on anything it cannot emit safely.

import { assertInertText, charClass, sh } from "./shell.js";

/** `word`'s characters: no blank, quote, brace, comment or escape character, no leading `-`. */
const WORD = charClass("A-Za-z0-9_.:/@%+,=-", "A-Za-z0-9_.:/@%+,=");
/** `exportsField`'s characters: no blanks, quotes, parentheses or `#`. */
const EXPORTS_FIELD = charClass("A-Za-z0-9_./-");

/** The helpers a template may use; test/shell.test.ts checks that every mustache is one of them. */
export const HELPERS = {
  /** A value as one shell word (shlex.quote rules). */
  sh: (value: unknown) => sh(scalar(value, "sh")),
  /** Text in a comment or inside double quotes: refused unless inert there. */
  text: (value: unknown) => assertInertText(scalar(value, "text")),
  /** A line inside the quoted here-document of IPVS rules. */
  heredoc: (value: unknown) => {
    const line = assertInertText(scalar(value, "heredoc"));
    if (line === "IPVS_RULES") throw new Error("a rule line equal to the here-document delimiter");
    return line;
  },
  /**
   * One token of a file that is not shell (keepalived.conf, mon.cf, a systemd unit, sysctl.d):
   * none of these formats has a quoting that lvsc relies on, so a value is emitted only when it
   * has no blank, quote, brace, comment or escape character at all, and does not start with `-`.
   */
  word: (value: unknown) => {
    const v = scalar(value, "word");
    if (v === "" || !WORD(v)) throw new Error(`unsafe configuration token: ${JSON.stringify(v)}`);
    return v;
  },
  /** A path or client in an exports(5) line, which allows no blanks, quotes, parentheses or `#`. */
  exportsField: (value: unknown) => {
    const v = scalar(value, "exportsField");
    if (v === "" || !EXPORTS_FIELD(v) || v.startsWith("-")) throw new Error(`unsafe exports(5) field: ${JSON.stringify(v)}`);
    return v;
  },
} as const;

function scalar(value: unknown, helper: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new Error(`helper ${helper} got ${value === undefined ? "undefined" : typeof value}`);
}

export const COMPILE_OPTIONS = {
  noEscape: true,
  strict: true,
  knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((k) => [k, true])),
  knownHelpersOnly: true,
} as const;
