// Pure value parsers for addresses, netmasks, interface and host names. Canonical forms only.

/** An IPv4 address as an unsigned 32-bit integer. */
export type IPv4 = number;

export type IPv4Result = { ok: true; value: IPv4 } | { ok: false; reason: string };

const NOT_DOTTED: IPv4Result = { ok: false, reason: "expected four decimal numbers separated by dots" };

/**
 * Strict dotted-decimal IPv4: four octets 0..255, no leading zeros (inet_aton reads
 * `010.1.1.1` as octal 8.1.1.1, a human reads 10.1.1.1; lvsc refuses to guess).
 * (What /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/ matches, read without a regex: a large conf
 * has 100,000 addresses.)
 */
export function parseIPv4(s: string): IPv4Result {
  const v = ipv4At(s, 0, s.length);
  if (v >= 0) return { ok: true, value: v };
  const n = s.length;
  if (n < 7 || n > 15) return NOT_DOTTED;
  // the shape first, so that `010.1.1` is a malformed address, not one with a leading zero
  let dots = 0;
  let digits = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return NOT_DOTTED;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return NOT_DOTTED;
    } else return NOT_DOTTED;
  }
  if (dots !== 3 || digits === 0) return NOT_DOTTED;
  let value = 0;
  let start = 0;
  for (let k = 0; k < 4; k++) {
    let end = s.indexOf(".", start);
    if (end === -1) end = n;
    if (end - start > 1 && s.charCodeAt(start) === 48)
      return { ok: false, reason: `\`${s.slice(start, end)}\` has a leading zero, which some tools read as octal` };
    let octet = 0;
    for (let i = start; i < end; i++) octet = octet * 10 + s.charCodeAt(i) - 48;
    if (octet > 255) return { ok: false, reason: `\`${s.slice(start, end)}\` is more than 255` };
    value = value * 256 + octet;
    start = end + 1;
  }
  return { ok: true, value };
}

/**
 * The strict dotted-decimal address written from `from` to `to` in `s`, or -1: parseIPv4's
 * accepting path, without a substring or a result object (a large conf has 100,000 addresses).
 */
export function ipv4At(s: string, from: number, to: number): IPv4 | -1 {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return -1; // a leading zero
      octet = octet * 10 + c - 48;
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : -1;
}

/** Digits and dots only: meant as an address, never tried as a host name. */
export function looksLikeIPv4(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 46 && (c < 48 || c > 57)) return false;
  }
  return true;
}

export function formatIPv4(n: IPv4): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The prefix length of a contiguous netmask, or undefined when the ones are not contiguous. */
export function prefixOfMask(mask: IPv4): number | undefined {
  const inverted = ~mask >>> 0;
  // contiguous iff the inverted mask is 2^k - 1
  if ((inverted & (inverted + 1)) !== 0) return undefined;
  return 32 - Math.log2(inverted + 1);
}

export function maskOfPrefix(prefix: number): IPv4 {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function networkOf(addr: IPv4, mask: IPv4): IPv4 {
  return (addr & mask) >>> 0;
}

export function broadcastOf(addr: IPv4, mask: IPv4): IPv4 {
  return (addr | ~mask) >>> 0;
}

export function inNetwork(addr: IPv4, network: IPv4, mask: IPv4): boolean {
  return ((addr & mask) >>> 0) === ((network & mask) >>> 0);
}

export function isLoopback(addr: IPv4): boolean {
  return addr >>> 24 === 127;
}

/** A Linux interface as written in the conf: `eth0`, or `eth0:101` (an address label on eth0). */
export interface Iface {
  /** As written: the device, plus `:alias` when given. */
  name: string;
  /** The kernel device (`eth0`). */
  device: string;
  /** The address label (`eth0:101`), when an alias was given. */
  label: string | undefined;
}

export type IfaceResult = { ok: true; value: Iface } | { ok: false; reason: string };

const IFNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Device names follow the kernel's rules (at most 15 bytes, no `/`, `:` or blanks)
 * narrowed to `[A-Za-z0-9_.-]` with no leading `-`; an alias label is `device:tag`,
 * also at most 15 bytes (IFNAMSIZ).
 */
export function parseIface(s: string): IfaceResult {
  const colon = s.indexOf(":");
  const device = colon === -1 ? s : s.slice(0, colon);
  const tag = colon === -1 ? undefined : s.slice(colon + 1);
  if (device === "") return { ok: false, reason: "the device name before `:` is empty" };
  if (!IFNAME.test(device) || device === "." || device === "..")
    return { ok: false, reason: "device names use letters, digits, `_`, `.` and `-`, and do not start with `-`" };
  if (device.length > 15) return { ok: false, reason: `\`${device}\` is longer than 15 characters` };
  if (tag !== undefined) {
    if (tag === "" || !/^[A-Za-z0-9_.-]+$/.test(tag))
      return { ok: false, reason: "an alias is `device:tag`, the tag made of letters, digits, `_`, `.` or `-`" };
    if (s.length > 15) return { ok: false, reason: `the label \`${s}\` is longer than 15 characters` };
  }
  return { ok: true, value: { name: s, device, label: tag === undefined ? undefined : s } };
}

const HOST_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** RFC 1123 host names (plus `_`, common in hosts files), at most 253 characters, never starting with `-`. */
export function isHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253 || looksLikeIPv4(s)) return false;
  const labels = s.endsWith(".") ? s.slice(0, -1).split(".") : s.split(".");
  return labels.every((l) => HOST_LABEL.test(l));
}
