// fast-check generators for IPv6 confs: valid ones whose addresses are written in every text form
// inet_pton reads (upper case, leading zeros, all eight groups, `::` anywhere it may stand, a
// dotted IPv4 tail), and IPv6-like junk for the mutations. The outputs must hold each address in
// glibc's canonical text only.
import fc from "fast-check";
import type { HostsSource, Target } from "../../src/index.js";
import { formatIPv4, formatIPv6, parseIPv6 } from "../../src/net.js";
import { mutate } from "./arbitraries.js";

export const FUZZ_HOSTS6: HostsSource = {
  path: "fuzz-hosts6",
  text: "2001:db8::3 rs1\n2001:db8::4 rs2\n2001:db8::5 rs3\n2001:db8::fe gw\n",
};

/** Every file an IPv6 conf gets (test/hostile.test.ts V6_TARGETS). */
export const FUZZ_TARGETS6: Target[] = ["rc", "rc-local", "exports", "rules", "keepalived", "mon", "systemd", "sysctl"];

/** `value` (an IPv6 address) as one of the texts inet_pton reads. */
const written = (value: bigint): fc.Arbitrary<string> =>
  fc.record({ form: fc.constantFrom("canonical", "full", "zeros", "upper", "dotted", "gap"), gapAt: fc.nat({ max: 7 }) }).map(({ form, gapAt }) => {
    const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(16 * (7 - i))) & 0xffffn));
    switch (form) {
      case "canonical":
        return formatIPv6(value);
      case "full":
        return groups.map((g) => g.toString(16)).join(":");
      case "zeros":
        return groups.map((g) => g.toString(16).padStart(4, "0")).join(":");
      case "upper":
        return formatIPv6(value).toUpperCase();
      case "dotted":
        return `${groups.slice(0, 6).map((g) => g.toString(16)).join(":")}:${formatIPv4(groups[6]! * 65536 + groups[7]!)}`;
      case "gap": {
        // `::` over the first zero group at or after gapAt (any run of zeros may be the `::`)
        const z = groups.findIndex((g, i) => i >= gapAt && g === 0);
        if (z === -1) return groups.map((g) => g.toString(16)).join(":");
        let e = z;
        while (e < 8 && groups[e] === 0) e++;
        return `${groups.slice(0, z).map((g) => g.toString(16)).join(":")}::${groups.slice(e).map((g) => g.toString(16)).join(":")}`;
      }
    }
    return formatIPv6(value);
  });

const NET = 0x20010db8n << 96n; // 2001:db8::/64
const host = (n: number) => NET | BigInt(n);

export const validConf6: fc.Arbitrary<string> = fc
  .record({
    type: fc.constantFrom("dr", "nat", "tun"),
    vipHost: fc.integer({ min: 0x100, max: 0xffff }),
    vip: fc.nat(),
    dip: fc.nat(),
    initial: fc.constantFrom("on", "off"),
    services: fc.uniqueArray(
      fc.record({
        proto: fc.constantFrom("t", "u", "f"),
        port: fc.integer({ min: 1, max: 65535 }),
        ppc: fc.option(fc.integer({ min: 48, max: 128 }), { nil: undefined }),
        rs: fc.uniqueArray(fc.integer({ min: 3, max: 0xff }), { minLength: 1, maxLength: 4 }),
        rsPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        weight: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 4, selector: (s) => `${s.proto}${s.port}` },
    ),
  })
  .chain((c) =>
    fc
      .tuple(
        written(host(c.vipHost)),
        written(host(1)),
        fc.tuple(...c.services.map((s) => fc.tuple(...s.rs.map((n) => written(host(n)))))),
      )
      .map(([vip, dip, rss]) => {
        const lines = [
          `LVS_TYPE=VS_${c.type.toUpperCase()}`,
          `INITIAL_STATE=${c.initial}`,
          ...(c.type === "tun" ? ["# lvsc-disable-next-line tun6-mtu"] : []),
          `VIP=eth0 ${vip}/64`,
          `DIRECTOR_INSIDEIP=eth${c.type === "nat" ? 1 : 0} ${dip}/64`,
        ];
        c.services.forEach((s, i) => {
          const remap = c.type === "nat" && s.proto !== "f" && s.rsPort !== undefined;
          const servers = rss[i]!.map((w) => `${remap ? `[${w}]:${s.rsPort}` : w}${s.weight !== undefined ? `,${s.weight}` : ""}`);
          const ppc = s.ppc !== undefined ? ` ppc -M ${s.ppc}` : "";
          const disable = s.proto === "f" ? "   # lvsc-disable-line fwmark-rule-not-generated" : "";
          lines.push(`SERVICE=${s.proto} ${s.port} rr${ppc} ${servers.join(" ")}${disable}`);
        });
        if (c.type !== "nat") lines.push(`SERVER_VIP_DEVICE=${c.type === "tun" ? "ip6tnl0" : "dummy0"}`);
        return lines.join("\n") + "\n";
      }),
  );

/** IPv6-like junk: every malformed text form, and code. */
export const ipv6Junk: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.constantFrom("0", "1", "a", "F", "ffff", "00000", ":", "::", ":::", ".", "192.0.2.1", "%", "%eth0", "[", "]", "]:80", "/", "/64", "/129", "$(id)", ";", ","), { minLength: 1, maxLength: 12 }).map((a) => a.join("")),
  fc.constantFrom(":::", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "[::1]", "2001:db8::1:80", "2001:DB8::0001", "::ffff:192.0.2.1", "[2001:db8::1]:99999", "2001:db8::1/", "::/0"),
  fc.integer({ min: 50, max: 5000 }).map((n) => "1:".repeat(n) + "1"),
  fc.integer({ min: 50, max: 5000 }).map((n) => `0:${"0".repeat(n)}::1`),
);

/** A valid IPv6 conf with IPv6 junk put in place of, or beside, its tokens. */
export const mutatedConf6: fc.Arbitrary<string> = fc
  .tuple(
    validConf6,
    fc.array(
      fc.record({ kind: fc.constantFrom("insert", "replace") as fc.Arbitrary<"insert" | "replace">, at: fc.nat(), text: ipv6Junk }),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([t, ms]) => mutate(t, ms));

/**
 * The first text in `contents` that looks like an IPv6 address (a run of hex digits, colons and
 * dots with `::` or two colons, not ending in a lone `:`) and is not in glibc's canonical form;
 * undefined when there is none.
 */
export function nonCanonicalIPv6(contents: string): string | undefined {
  for (const m of contents.matchAll(/[0-9A-Fa-f:.]+/g)) {
    const run = m[0].replace(/\.+$/, "");
    if (!run.includes("::") && (run.match(/:/g)?.length ?? 0) < 2) continue;
    // a lone `:` at either end is punctuation (`:80:` in an awk pattern), never an address's
    if ((run.startsWith(":") && !run.startsWith("::")) || (run.endsWith(":") && !run.endsWith("::"))) continue;
    const r = parseIPv6(run);
    if (!r.ok || formatIPv6(r.value) !== run) return run;
  }
  return undefined;
}
