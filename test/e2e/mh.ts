// A model of the kernel's `mh` scheduler (net/netfilter/ipvs/ip_vs_mh.c, Linux 6.1, IPv4, every
// weight 1, Debian's table size 4093), after Appendix A of shared/reference/scale-out.md. The ECMP
// lab uses it to pick the client ports on which two orders of the same real servers disagree
// (about 0.1 % of them with three servers: random flows would almost never show a reordered
// table), and checks it against the live kernel (the `mh-model` check of guest/ecmp.sh).

const M64 = (1n << 64n) - 1n;
const rol = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & M64;

/** SipHash-1-3 rounds on 64-bit words (lib/siphash.c, hsiphash on 64-bit). */
function round(v: [bigint, bigint, bigint, bigint]): void {
  v[0] = (v[0] + v[1]) & M64;
  v[1] = rol(v[1], 13n) ^ v[0];
  v[0] = rol(v[0], 32n);
  v[2] = (v[2] + v[3]) & M64;
  v[3] = rol(v[3], 16n) ^ v[2];
  v[0] = (v[0] + v[3]) & M64;
  v[3] = rol(v[3], 21n) ^ v[0];
  v[2] = (v[2] + v[1]) & M64;
  v[1] = rol(v[1], 17n) ^ v[2];
  v[2] = rol(v[2], 32n);
}

/** hsiphash(&u32, 4, key) with key[0] == key[1] == k, as generate_hash_secret() sets them. */
function hsiphash32(x: number, k: bigint): number {
  const v: [bigint, bigint, bigint, bigint] = [0x736f6d6570736575n ^ k, 0x646f72616e646f6dn ^ k, 0x6c7967656e657261n ^ k, 0x7465646279746573n ^ k];
  const b = (4n << 56n) | BigInt(x >>> 0);
  v[3] ^= b;
  round(v);
  v[0] ^= b;
  v[2] ^= 0xffn;
  round(v);
  round(v);
  round(v);
  return Number((v[0] ^ v[1] ^ v[2] ^ v[3]) & 0xffffffffn);
}

const M = 4093;
const K1 = 2654435761n;
const K2 = 2654446892n;

const ip4 = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
const key = (ip: string, port: number, k: bigint) => hsiphash32((port + ip4(ip)) >>> 0, k);

/** The lookup table for real servers (address, port) in the kernel's list order (the reverse of the order they were added in). */
export function mhTable(dests: readonly [string, number][]): string[] {
  const state = dests.map(([a, p]) => [key(a, p, K1) % M, (key(a, p, K2) % (M - 1)) + 1] as [number, number]);
  const table: (string | undefined)[] = new Array<string | undefined>(M).fill(undefined);
  let filled = 0;
  for (;;) {
    for (let i = 0; i < dests.length; i++) {
      const s = state[i]!;
      while (table[s[0]] !== undefined) s[0] = (s[0] + s[1]) % M;
      table[s[0]] = dests[i]![0];
      if (++filled === M) return table as string[];
    }
  }
}

/** The real server's address `mh -b mh-port` picks for a client address and port. */
export const mhPick = (table: readonly string[], client: string, port: number): string => table[key(client, port, K1) % M]!;
