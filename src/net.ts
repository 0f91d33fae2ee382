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

// ---------------------------------------------------------------------------------------------
// Both families. An address is a number (IPv4, unsigned 32 bits) or a bigint (IPv6, unsigned
// 128 bits): the IPv4 path keeps its allocation-free numbers, `typeof` tells the family, `<`
// orders two addresses of one family, and Map/Set keys never confuse 1 (0.0.0.1) with 1n (::1).

/** An IPv6 address as an unsigned 128-bit integer. */
export type IPv6 = bigint;
/** An address of either family. */
export type Address = IPv4 | IPv6;
export type Family = 4 | 6;

export type IPv6Result = { ok: true; value: IPv6 } | { ok: false; reason: string; zone?: true };
export type AddressResult = { ok: true; value: Address } | { ok: false; reason: string; zone?: true };

const ALL_ONES_128 = (1n << 128n) - 1n;

export function familyOf(a: Address): Family {
  return typeof a === "bigint" ? 6 : 4;
}

/** A colon in it: meant as an IPv6 address (never a host name, never `host:port`). */
export function looksLikeIPv6(s: string): boolean {
  return s.includes(":");
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The groups parseGroups6 has read so far, before `::` is expanded (the dotted tail is two). */
const GROUPS: number[] = new Array(10).fill(0);
/** The eight 16-bit groups the last parseGroups6 read, or formatIPv6 is writing. */
const WORDS: number[] = new Array(8).fill(0);
const OK: IPv6Result = { ok: true, value: 0n };

/**
 * parseIPv6's reading, into WORDS as eight numbers: no bigint is made, so the emission-time
 * check isCanonicalIPv6 allocates nothing. `OK` (whose value is not set) or the refusal.
 */
function parseGroups6(s: string): IPv6Result {
  const n = s.length;
  const w = WORDS;
  if (n === 0) return { ok: false, reason: "the address is empty" };
  if (s.charCodeAt(0) === 91 /* [ */)
    return { ok: false, reason: "brackets go only around an address followed by a port: `[2001:db8::1]:80`" };
  const pct = s.indexOf("%");
  if (pct !== -1)
    return { ok: false, zone: true, reason: `\`${s.slice(pct)}\` is a zone id; lvsc takes the device from the conf's device field, not from the address` };
  if (n > 45) return { ok: false, reason: "longer than any IPv6 address (45 characters)" };
  // the groups read so far, in a buffer of the module (a large conf has 100,000 addresses)
  const groups = GROUPS;
  let count = 0;
  let gap = -1; // the index in `groups` where `::` stands
  let i = 0;
  if (s.startsWith("::")) {
    gap = 0;
    i = 2;
    if (i === n) {
      w.fill(0);
      return OK;
    }
  } else if (s.charCodeAt(0) === 58) return { ok: false, reason: "a single `:` cannot start an address (`::` stands for zero groups)" };
  for (;;) {
    // one group, or the dotted IPv4 tail
    let v = 0;
    let digits = 0;
    const start = i;
    while (i < n) {
      const d = hexDigit(s.charCodeAt(i));
      if (d < 0) break;
      v = v * 16 + d;
      i++;
      digits++;
    }
    if (i < n && s.charCodeAt(i) === 46 /* . */) {
      const v4 = ipv4At(s, start, n);
      if (v4 < 0) return { ok: false, reason: `\`${s.slice(start)}\` is not a dotted IPv4 tail (four decimal numbers 0–255, no leading zeros)` };
      if (count > 6) return { ok: false, reason: "too many groups before the dotted IPv4 tail" };
      groups[count++] = Math.floor(v4 / 65536);
      groups[count++] = v4 % 65536;
      i = n;
      break;
    }
    if (digits === 0) {
      if (i < n && s.charCodeAt(i) === 58) return { ok: false, reason: "`:::` or a misplaced `::`: a group is empty" };
      return { ok: false, reason: i < n ? `\`${s[i]}\` is not a hex digit` : "the address ends in a single `:`" };
    }
    if (digits > 4) return { ok: false, reason: `\`${s.slice(start, i)}\` has more than four hex digits` };
    groups[count++] = v;
    if (count > 8) return { ok: false, reason: "more than eight groups" };
    if (i === n) break;
    if (s.charCodeAt(i) !== 58) return { ok: false, reason: `\`${s[i]}\` is not a hex digit` };
    i++;
    if (i < n && s.charCodeAt(i) === 58) {
      if (gap !== -1) return { ok: false, reason: "`::` may appear only once" };
      gap = count;
      i++;
      if (i === n) break;
      if (s.charCodeAt(i) === 58) return { ok: false, reason: "`:::` is not an address: a group is empty" };
    } else if (i === n) return { ok: false, reason: "the address ends in a single `:`" };
  }
  if (gap === -1 && count !== 8)
    return { ok: false, reason: `${count} groups; an IPv6 address has eight, or \`::\` for the zero ones` };
  if (gap !== -1 && count > 7) return { ok: false, reason: "`::` must stand for at least one zero group, and there are already eight" };
  const fill = 8 - count;
  for (let g = 0, k = 0; g < 8; g++) w[g] = gap === -1 || g < gap || g >= gap + fill ? groups[k++]! : 0;
  return OK;
}

/**
 * RFC 4291 §2.2 text: eight groups of one to four hex digits, one `::` for a run of zero
 * groups, the last 32 bits optionally in strict dotted decimal. Upper case and leading zeros
 * are read (inet_pton reads them) and formatIPv6 writes the canonical form. Refused: zone ids
 * (`fe80::1%eth0`: a conf names the device elsewhere), brackets (`[…]` only with a port), a
 * fifth hex digit, a second `::`, `:::`, nine groups, a lone leading or trailing `:`.
 */
export function parseIPv6(s: string): IPv6Result {
  const r = parseGroups6(s);
  if (!r.ok) return r;
  const w = WORDS;
  // the groups into 16 bytes, read back as two 64-bit halves: four bigint operations, each of
  // which allocates, where building from 32-bit words took ten (a large conf has 100,000
  // addresses; the garbage collector was lint's largest cost on IPv6)
  for (let g = 0; g < 8; g++) BYTES16.setUint16(g * 2, w[g]!);
  return { ok: true, value: (BYTES16.getBigUint64(0) << 64n) | BYTES16.getBigUint64(8) };
}

/**
 * Whether `s` is an IPv6 address exactly as formatIPv6 (inet_ntop) writes it: the check the
 * template helpers make on every IPv6 token they emit, read and written again as eight
 * numbers, with no bigint (a 10,000 x 10 conf's mon.cf and exports hold 300,000 of them).
 */
export function isCanonicalIPv6(s: string): boolean {
  return parseGroups6(s).ok && wroteText(s, writeGroups6(WORDS));
}

/** formatIPv6's last address and text: a VIP is written once per service, in every output. */
let lastV6: IPv6 | undefined;
let lastText6 = "";

/**
 * The text glibc's inet_ntop writes (resolv/inet_ntop.c inet_ntop6), which is what ipvsadm,
 * ip(8) and keepalived print: lower-case hex without leading zeros, the first longest run of
 * two or more zero groups as `::`, and a dotted IPv4 tail for `::ffff:a.b.c.d` (mapped) and
 * `::a.b.c.d` (the old compatible form). RFC 5952 except for that last case; Node's URL
 * parser writes `::ffff:c000:201` instead, which would not match ipvsadm.
 */
export function formatIPv6(v: IPv6): string {
  if (v === lastV6) return lastText6;
  const w = WORDS;
  groupsOf6(v, w);
  lastV6 = v;
  return (lastText6 = formatGroups6(w));
}

/** 16 bytes, big-endian, between an IPv6 bigint and its groups (see parseIPv6). */
const BYTES16 = new DataView(new ArrayBuffer(16));

/** `v` into BYTES16 as two 64-bit halves: three bigint operations. */
function load16(v: IPv6): DataView {
  BYTES16.setBigUint64(0, v >> 64n);
  BYTES16.setBigUint64(8, BigInt.asUintN(64, v));
  return BYTES16;
}

/** The eight 16-bit groups of `v` into `w`. */
function groupsOf6(v: IPv6, w: number[]): void {
  const b = load16(v);
  for (let g = 0; g < 8; g++) w[g] = b.getUint16(g * 2);
}

/** The four 32-bit words of an IPv6 address, most significant first. */
export function words32Of6(v: IPv6): [number, number, number, number] {
  const b = load16(v);
  return [b.getUint32(0), b.getUint32(4), b.getUint32(8), b.getUint32(12)];
}

/**
 * inet_ntop6 on eight 16-bit groups, as character codes into CHARS; returns the length. No
 * string is made: isCanonicalIPv6 compares the codes with the text it checks.
 */
function writeGroups6(w: number[]): number {
  let bestBase = -1;
  let bestLen = 0;
  for (let g = 0; g < 8; ) {
    if (w[g] !== 0) {
      g++;
      continue;
    }
    let e = g;
    while (e < 8 && w[e] === 0) e++;
    if (e - g > bestLen) {
      bestBase = g;
      bestLen = e - g;
    }
    g = e;
  }
  if (bestLen < 2) bestBase = -1;
  const c = CHARS;
  let n = 0;
  for (let g = 0; g < 8; g++) {
    if (bestBase !== -1 && g >= bestBase && g < bestBase + bestLen) {
      if (g === bestBase) c[n++] = 58; // :
      continue;
    }
    if (g !== 0) c[n++] = 58;
    if (g === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
      // the dotted IPv4 tail: four decimal bytes, no leading zeros
      for (const b of [w[6]! >> 8, w[6]! & 255, w[7]! >> 8, w[7]! & 255]) {
        if (b >= 100) c[n++] = 48 + Math.floor(b / 100);
        if (b >= 10) c[n++] = 48 + (Math.floor(b / 10) % 10);
        c[n++] = 48 + (b % 10);
        c[n++] = 46; // .
      }
      return n - 1;
    }
    const x = w[g]!;
    if (x >= 0x1000) c[n++] = HEX[x >> 12]!;
    if (x >= 0x100) c[n++] = HEX[(x >> 8) & 15]!;
    if (x >= 0x10) c[n++] = HEX[(x >> 4) & 15]!;
    c[n++] = HEX[x & 15]!;
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) c[n++] = 58;
  return n;
}

/** writeGroups6's output: the longest text is 45 characters (`ffff:…:255.255.255.255`). */
const CHARS: number[] = new Array(48).fill(0);
const HEX = [..."0123456789abcdef"].map((d) => d.charCodeAt(0));

/** writeGroups6 as a string. */
function formatGroups6(w: number[]): string {
  const n = writeGroups6(w);
  CHARS.length = n;
  const text = String.fromCharCode.apply(null, CHARS);
  CHARS.length = 48;
  return text;
}

/** Whether writeGroups6 wrote exactly `s`. */
function wroteText(s: string, n: number): boolean {
  if (n !== s.length) return false;
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) !== CHARS[i]) return false;
  return true;
}

/**
 * An address as a Map or Set key: the number itself for IPv4, its canonical text for IPv6. V8 hashes a
 * bigint by its lowest 64 bits only, and IPv6 addresses often share those (`::1`, `::10` in every
 * /64): a Map keyed by the bigints of 100,000 such real servers degrades to a list (compile of a
 * 10,000 x 10 IPv6 conf took 49 s instead of 5).
 */
export function addressKey(a: Address): number | string {
  return typeof a === "bigint" ? formatIPv6(a) : a;
}

/** addressKey of a real server, from the text it already holds (RealServer.text). */
export function serverKey(rs: { address: Address; text: string }): number | string {
  return typeof rs.address === "bigint" ? rs.text : rs.address;
}

/** Either family: a colon means IPv6, anything else is read as dotted IPv4. */
export function parseAddress(s: string): AddressResult {
  return looksLikeIPv6(s) ? parseIPv6(s) : parseIPv4(s);
}

export function formatAddress(a: Address): string {
  return typeof a === "bigint" ? formatIPv6(a) : formatIPv4(a);
}

/** As ipvsadm writes an address before `:port`: IPv6 in brackets. */
export function formatAddressPort(a: Address, port: number): string {
  return textPort(formatAddress(a), port);
}

/** formatAddressPort on an address's text already made (RealServer.text): IPv6 text has a colon, IPv4 none. */
export function textPort(text: string, port: number): string {
  return text.includes(":") ? `[${text}]:${port}` : `${text}:${port}`;
}

/** The network mask of a prefix length in the family. */
export function maskOfPrefixIn(family: 6, prefix: number): IPv6;
export function maskOfPrefixIn(family: 4, prefix: number): IPv4;
export function maskOfPrefixIn(family: Family, prefix: number): Address;
export function maskOfPrefixIn(family: Family, prefix: number): Address {
  if (family === 4) return maskOfPrefix(prefix);
  let m = MASKS6[prefix];
  if (m === undefined) MASKS6[prefix] = m = prefix === 0 ? 0n : ALL_ONES_128 ^ ((1n << BigInt(128 - prefix)) - 1n);
  return m;
}

/** IPv6 masks by prefix length, made once each. */
const MASKS6: (bigint | undefined)[] = [];

/** The first address of `addr`'s prefix of length `prefix`. */
export function networkOfPrefix<A extends Address>(addr: A, prefix: number): A {
  if (typeof addr === "bigint") return (addr & maskOfPrefixIn(6, prefix)) as A;
  return networkOf(addr as IPv4, maskOfPrefix(prefix)) as A;
}

/** Whether `addr` lies in `network`/`prefix`; never across families. */
export function inPrefix(addr: Address, network: Address, prefix: number): boolean {
  if (typeof addr !== typeof network) return false;
  return networkOfPrefix(addr, prefix) === networkOfPrefix(network, prefix);
}

/** Orders two addresses: IPv4 before IPv6 (as ipvsadm lists services), then by value. */
export function compareAddress(a: Address, b: Address): number {
  const fa = familyOf(a);
  const fb = familyOf(b);
  if (fa !== fb) return fa - fb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ::1 or 127.0.0.0/8. */
export function isLoopbackAddress(a: Address): boolean {
  return typeof a === "bigint" ? a === 1n : isLoopback(a);
}

/** fe80::/10: usable only together with a device; the kernel refuses it as a real server. */
export function isLinkLocal6(a: IPv6): boolean {
  // comparisons against constants, not a shift: every bigint operation that makes a bigint
  // allocates, and these run on each of a large conf's 100,000 addresses
  return a >= LINK_LOCAL_FIRST && a <= LINK_LOCAL_LAST;
}
const LINK_LOCAL_FIRST = 0xfe80n << 112n;
const LINK_LOCAL_LAST = (0xfec0n << 112n) - 1n;

/** ::ffff:0:0/96, an IPv4 address in IPv6 clothing: the kernel's IPv6 services never see it. */
export function isV4Mapped(a: IPv6): boolean {
  return a >= 0xffff00000000n && a <= 0xffffffffffffn;
}

/** ff00::/8. */
export function isMulticast6(a: IPv6): boolean {
  return a >= MULTICAST_FIRST;
}
const MULTICAST_FIRST = 0xffn << 120n;
