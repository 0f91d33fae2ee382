// The Handlebars helpers and compile options every template is built with. Pure.
//
// Options used everywhere: noEscape (HTML escaping would corrupt a shell script and protect
// nothing), strict (a missing field is an error, not an empty string), knownHelpersOnly (a
// misspelt helper fails at compile time). Every value reaches a template through one of the
// helpers below, each of which throws on anything it cannot emit safely.

import { isCanonicalIPv6 } from "./net.js";
import { assertInertText, charClass, sh } from "./shell.js";

/** `word`'s characters: no blank, quote, brace, comment or escape character, no leading `-`. */
const WORD = charClass("A-Za-z0-9_.:/@%+,=-", "A-Za-z0-9_.:/@%+,=");
/** `exportsField`'s characters: no blanks, quotes, parentheses or `#`. */
const EXPORTS_FIELD = charClass("A-Za-z0-9_./-");
/** An IPv6 client's characters: hex digits, colons and dots (a dotted tail), `/` before a prefix. */
const EXPORTS_IPV6 = charClass("0-9a-f:./");

/**
 * An IPv6 client of an exports(5) line: an address exactly as glibc's inet_ntop writes it,
 * optionally `/` and a prefix length 0..128, and nothing else. Bare, never in brackets: "IPv6
 * addresses must not be inside square brackets in /etc/exports lest they be confused with
 * character-class wildcard matches" (exports(5), nfs-utils 2.6.2).
 */
function isExportsIPv6(v: string): boolean {
  if (!EXPORTS_IPV6(v)) return false;
  const slash = v.indexOf("/");
  const address = slash === -1 ? v : v.slice(0, slash);
  if (slash !== -1 && !/^(?:0|[1-9][0-9]?|1[01][0-9]|12[0-8])$/.test(v.slice(slash + 1))) return false;
  return isCanonicalIPv6(address);
}

/**
 * ipvsadm's IPv6 service or real server, `[2001:db8::1]:80`: the only bracket a `word` may hold,
 * a canonical address (inet_ntop's text) and a decimal port 0..65535 without a leading zero.
 */
function isBracketedIPv6Port(v: string): boolean {
  // mon.cf names a service's VIP and port on each real server's alert lines: the same text again
  if (v === lastBracketed) return true;
  const close = v.indexOf("]:");
  if (v.charCodeAt(0) !== 91 /* [ */ || close === -1) return false;
  const address = v.slice(1, close);
  if (!EXPORTS_IPV6(address) || address.includes("/") || !/^(?:0|[1-9][0-9]{0,4})$/.test(v.slice(close + 2)) || Number(v.slice(close + 2)) > 65535) return false;
  if (!isCanonicalIPv6(address)) return false;
  lastBracketed = v;
  return true;
}

/** The last value isBracketedIPv6Port accepted (a pure check: the same text passes again). */
let lastBracketed = "";

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
    if (v === "" || (!WORD(v) && !isBracketedIPv6Port(v))) throw new Error(`unsafe configuration token: ${JSON.stringify(v)}`);
    return v;
  },
  /**
   * A path or client in an exports(5) line, which allows no blanks, quotes, parentheses or `#`;
   * a colon only in a canonical IPv6 address (or prefix), never a bracket.
   */
  exportsField: (value: unknown) => {
    const v = scalar(value, "exportsField");
    if (v === "" || (!EXPORTS_FIELD(v) && !isExportsIPv6(v)) || v.startsWith("-")) throw new Error(`unsafe exports(5) field: ${JSON.stringify(v)}`);
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
