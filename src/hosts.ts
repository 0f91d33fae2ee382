// hosts(5) tables: name -> IPv4 and IPv6 addresses from the files lvsc was given. Never DNS. Pure.

import { diag, type Diagnostic } from "./diagnostics.js";
import { formatIPv4, parseIPv4, parseIPv6, type IPv4, type IPv6 } from "./net.js";
import { disableComment, type DisableComment } from "./suppress.js";

export interface HostsSource {
  /** The path as the user gave it, used in messages. */
  path: string;
  text: string;
}

export interface HostEntry {
  address: IPv4;
  path: string;
  line: number;
}

/** A hosts line's IPv6 address (hosts(5): "a host may have two separate entries … one for each version"). */
export interface HostEntry6 {
  address: IPv6;
  path: string;
  line: number;
}

/** A hosts line lvsc does not use, because it refuses its address. */
export interface IgnoredEntry {
  path: string;
  line: number;
  /** The address as written. */
  address: string;
  /** Why lvsc refuses it. */
  reason: string;
  /** What glibc (inet_aton) makes of it, when it reads it at all. */
  glibcReads: IPv4 | undefined;
}

/** The problems of one hosts file, in the shape of a linted file. */
export interface HostsFileProblems {
  path: string;
  text: string;
  diagnostics: Diagnostic[];
  /** `# lvsc-disable-…` comments of the file. */
  disables: DisableComment[];
}

export interface HostTable {
  /** The files searched, in order, for messages. */
  sources: string[];
  /** Lower-cased name -> first IPv4 entry. */
  v4: Map<string, HostEntry>;
  /** Lower-cased name -> first IPv6 entry (canonical; zone ids and malformed text are left out). */
  v6: Map<string, HostEntry6>;
  /** Names that only have IPv6 entries (so the message can say why they do not resolve). */
  v6Only: Set<string>;
  /** Every name as written, for "did you mean". */
  names: Set<string>;
  /** Lower-cased name -> the first line that gives it an address lvsc refuses (and no line gives it one lvsc takes). */
  ignored: Map<string, IgnoredEntry>;
  /** Per hosts file that has any: the warnings about its lines. */
  problems: HostsFileProblems[];
}

/**
 * Builds one table from hosts(5) files; the first file that names a host wins, as in /etc/hosts.
 * A line whose address lvsc refuses (`0300.0250.0.5`, `10.1`: forms inet_aton reads in octal or
 * fills in) is left out, with a warning at its line, so that a conf naming its host is told why.
 */
export function parseHosts(sources: readonly HostsSource[]): HostTable {
  const table: HostTable = { sources: sources.map((s) => s.path), v4: new Map(), v6: new Map(), v6Only: new Set(), names: new Set(), ignored: new Map(), problems: [] };
  for (const src of sources) {
    const diagnostics: Diagnostic[] = [];
    const disables: DisableComment[] = [];
    const text = src.text;
    let lineNo = 0;
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf("\n", start);
      if (end === -1) end = text.length;
      lineNo++;
      const raw = text.slice(start, end);
      const lineStart = start;
      start = end + 1;
      const hash = raw.indexOf("#");
      if (hash !== -1 && raw.includes("lvsc-", hash)) {
        const d = disableComment(raw.slice(hash), lineNo, hash + 1, lineStart + hash);
        if (d !== undefined) disables.push(d);
      }
      // blank-separated fields up to the comment, without a regex (hosts files can be long)
      const contentEnd = hash === -1 ? raw.length : hash;
      const fields: string[] = [];
      let column = 0;
      for (let i = 0; i < contentEnd; ) {
        const c = raw.charCodeAt(i);
        if (c === 32 || c === 9 || c === 13) {
          i++;
          continue;
        }
        let j = i + 1;
        for (let d = raw.charCodeAt(j); j < contentEnd && d !== 32 && d !== 9 && d !== 13; d = raw.charCodeAt(++j));
        if (fields.length === 0) column = i + 1;
        fields.push(raw.slice(i, j));
        i = j;
      }
      if (fields.length === 0) continue;
      const addr = fields[0]!;
      const names = fields.slice(1);
      const v4 = parseIPv4(addr);
      const isV6 = !v4.ok && addr.includes(":");
      const v6 = isV6 ? parseIPv6(addr) : undefined;
      if (!v4.ok && !isV6) {
        const glibcReads = inetAton(addr);
        const reason = glibcReads !== undefined ? inetAtonForm(addr) : v4.reason;
        diagnostics.push(
          diag(
            "ignored-hosts-entry",
            names.length > 0
              ? `lvsc ignores this line: \`${addr}\` is not an address it accepts (${reason}), so ${names.map((n) => `\`${n}\``).join(", ")} ${names.length === 1 ? "has" : "have"} no address from it`
              : `lvsc ignores this line: \`${addr}\` is not an address it accepts (${reason})`,
            {
              start: { line: lineNo, column, offset: lineStart + column - 1 },
              end: { line: lineNo, column: column + addr.length, offset: lineStart + column - 1 + addr.length },
            },
            {
              hint:
                glibcReads !== undefined
                  ? `glibc reads it as ${formatIPv4(glibcReads)}; write the address in plain dotted decimal (\`${formatIPv4(glibcReads)}\` if that is the one you mean)`
                  : "write the address in plain dotted decimal, e.g. `192.168.0.5`",
            },
          ),
        );
        for (const name of names) {
          const key = name.toLowerCase();
          if (!table.ignored.has(key)) table.ignored.set(key, { path: src.path, line: lineNo, address: addr, reason, glibcReads });
        }
        continue;
      }
      for (const name of names) {
        const key = name.toLowerCase();
        table.names.add(name);
        if (v4.ok) {
          if (!table.v4.has(key)) table.v4.set(key, { address: v4.value, path: src.path, line: lineNo });
          table.v6Only.delete(key);
        } else {
          if (v6?.ok === true && !table.v6.has(key)) table.v6.set(key, { address: v6.value, path: src.path, line: lineNo });
          if (!table.v4.has(key)) table.v6Only.add(key);
        }
      }
    }
    if (diagnostics.length > 0 || disables.length > 0) table.problems.push({ path: src.path, text, diagnostics, disables });
  }
  for (const key of table.ignored.keys()) if (table.v4.has(key) || table.v6Only.has(key)) table.ignored.delete(key);
  return table;
}

/** Why an address inet_aton reads is not plain dotted decimal. */
function inetAtonForm(addr: string): string {
  const parts = addr.split(".");
  const hex = parts.find((p) => /^0[xX]/.test(p));
  if (hex !== undefined) return `\`${hex}\` is hexadecimal`;
  const octal = parts.find((p) => p.length > 1 && p.startsWith("0"));
  if (octal !== undefined) return `\`${octal}\` has a leading zero, which glibc reads as octal`;
  return `${parts.length === 1 ? "one number" : `${parts.length} numbers`} instead of four, which glibc fills in`;
}

/**
 * What inet_aton(3) (and glibc's hosts file reader) makes of an address: one to four parts, each
 * decimal, octal (leading 0) or hexadecimal (0x), the last filling the remaining bytes.
 */
export function inetAton(s: string): IPv4 | undefined {
  const parts = s.split(".");
  if (parts.length > 4) return undefined;
  const values: number[] = [];
  for (const p of parts) {
    const m = /^(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/.exec(p);
    if (m === null) return undefined;
    values.push(m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? parseInt(m[2], 8) : Number(m[3]));
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255) || last >= 2 ** (8 * (4 - values.length))) return undefined;
  let value = 0;
  for (const v of values) value = value * 256 + v;
  return value * 2 ** (8 * (4 - values.length)) + last;
}
