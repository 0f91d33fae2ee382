// Quoting for POSIX sh: the last of lvsc's shell-safety layers. Pure.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes a string as one shell word, following Python's shlex.quote: safe strings are left
 * bare (so `ipvsadm -A -t 192.168.0.101:80` stays readable), anything else is wrapped in single
 * quotes with each `'` written as `'"'"'`. Quoting stops the shell from interpreting a value;
 * it cannot stop a command from reading a leading `-` as an option, which is why validation
 * rejects such values first.
 */
export function sh(value: string): string {
  if (value === "") return "''";
  if (SAFE.test(value)) return value;
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

/**
 * Text placed in a shell comment or a here-document line, where quoting would show literally:
 * allowed only when it cannot end the comment or the here-document (no newline, no control
 * character) and carries nothing a shell reads inside double quotes (`$`, backquote, `\\`, `"`). It
 * must never be placed inside single quotes.
 */
export function assertInertText(value: string): string {
  if (!/^[A-Za-z0-9 _@%+=:,./()*'-]*$/.test(value)) throw new Error(`unsafe text for a comment or here-document: ${JSON.stringify(value)}`);
  return value;
}
