// Small text helpers shared by messages: "did you mean", safe display of source text, plurals.

/** Levenshtein distance, capped: returns max+1 as soon as the distance must exceed max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/**
 * The closest candidate to `word`, or undefined when nothing is close enough.
 * Case differences count as nothing, so `service` suggests `SERVICE`.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const max = word.length <= 3 ? 1 : word.length <= 6 ? 2 : 3;
  let best: { c: string; key: number[] } | undefined;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    const d = cl === lower ? 0 : editDistance(lower, cl, max);
    if (d > max) continue;
    // ties go to the same first letter, then the longer common prefix (`htp` -> `http`, not `ftp` or `hkp`)
    let prefix = 0;
    while (prefix < cl.length && cl[prefix] === lower[prefix]) prefix++;
    const key = [d, cl[0] === lower[0] ? 0 : 1, -prefix];
    if (best === undefined || compareKeys(key, best.key) < 0 || (compareKeys(key, best.key) === 0 && c < best.c)) best = { c, key };
  }
  return best?.c;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** "did you mean `x`?" or "" */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const c = closest(word, candidates);
  return c === undefined ? undefined : `did you mean \`${c}\`?`;
}

/**
 * Source text made safe to print in a terminal or a log: control characters,
 * invisible and non-ASCII characters are shown as escapes, so a hostile conf
 * cannot move the cursor, clear the screen or hide text in lvsc's output.
 */
export function printable(text: string, maxLength = 60): string {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\n") out += "\\n";
    else if (cp < 0x100) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else out += `\\u{${cp.toString(16)}}`;
    if (out.length > maxLength) return out.slice(0, maxLength) + "…";
  }
  return out;
}

export function plural(n: number, word: string, pluralWord = word + "s"): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

/** "a, b and c" */
export function listing(items: readonly string[], conj = "and"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conj} ${items[items.length - 1]}`;
}
