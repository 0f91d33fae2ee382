// Quoting for POSIX sh: the last of lvsc's shell-safety layers. Pure.

/**
 * A test that every character of a string is in `chars` (a regex character class body, as
 * `A-Za-z0-9_.`), and the first also in `first` when given. A table lookup per character: a large
 * cluster's files pass a million values through these checks, where a regex costs several times
 * more. test/shell.test.ts checks each one against the regex it stands for.
 */
export function charClass(chars: string, first?: string): (s: string) => boolean {
  const table = (body: string) => {
    const t = new Uint8Array(128);
    for (let c = 0; c < 128; c++) if (new RegExp(`[${body}]`).test(String.fromCharCode(c))) t[c] = 1;
    return t;
  };
  const rest = table(chars);
  const head = first !== undefined ? table(first) : rest;
  return (s) => {
    const n = s.length;
    if (n === 0) return true;
    let c = s.charCodeAt(0);
    if (c >= 128 || head[c] === 0) return false;
    for (let i = 1; i < n; i++) {
      c = s.charCodeAt(i);
      if (c >= 128 || rest[c] === 0) return false;
    }
    return true;
  };
}

const SAFE = charClass("A-Za-z0-9_@%+=:,./-");

/**
 * Quotes a string as one shell word, following Python's shlex.quote: safe strings are left
 * bare (so `ipvsadm -A -t 192.168.0.101:80` stays readable), anything else is wrapped in single
 * quotes with each `'` written as `'"'"'`. Quoting stops the shell from interpreting a value;
 * it cannot stop a command from reading a leading `-` as an option, which is why validation
 * rejects such values first.
 */
export function sh(value: string): string {
  if (value === "") return "''";
  if (SAFE(value)) return value;
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

/**
 * Text placed in a shell comment or a here-document line, where quoting would show literally:
 * allowed only when it cannot end the comment or the here-document (no newline, no control
 * character) and carries nothing a shell reads inside double quotes (`$`, backquote, `\\`, `"`). It
 * must never be placed inside single quotes. (`[ ]` are IPv6's brackets: `[2001:db8::1]:80`.)
 */
const INERT = charClass(" A-Za-z0-9_@%+=:,./()*'[\\]-");

export function assertInertText(value: string): string {
  if (!INERT(value)) throw new Error(`unsafe text for a comment or here-document: ${JSON.stringify(value)}`);
  return value;
}
