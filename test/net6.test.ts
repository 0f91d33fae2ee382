// The IPv6 half of the address model (src/net.ts) against glibc, whose inet_ntop is what
// ipvsadm, ip(8) and keepalived print: lvsc's canonical text must be theirs byte for byte.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  compareAddress,
  familyOf,
  formatAddress,
  formatAddressPort,
  formatIPv6,
  inPrefix,
  isCanonicalIPv6,
  isLinkLocal6,
  isLoopbackAddress,
  isMulticast6,
  isV4Mapped,
  maskOfPrefixIn,
  networkOfPrefix,
  parseAddress,
  parseIPv6,
  words32Of6,
} from "../src/net.js";

// scripts/ipv6-glibc-fixture.py wrote it with the C library's inet_pton and inet_ntop
const GLIBC = readFileSync(new URL("fixtures/ipv6-glibc.tsv", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l !== "" && !l.startsWith("#"))
  .map((l) => {
    const [input, out] = l.split("\t") as [string, string];
    return { input: JSON.parse(`"${input.replace(/"/g, '\\"')}"`) as string, glibc: out === "!" ? undefined : out };
  });

describe("IPv6 text as glibc reads and writes it", () => {
  it("the fixture covers accepted and refused forms", () => {
    expect(GLIBC.length).toBeGreaterThan(3000);
    expect(GLIBC.filter((c) => c.glibc === undefined).length).toBeGreaterThan(30);
  });

  it("accepts exactly what inet_pton accepts, and prints what inet_ntop prints", () => {
    const wrong: string[] = [];
    for (const { input, glibc } of GLIBC) {
      const r = parseIPv6(input);
      const ours = r.ok ? formatIPv6(r.value) : undefined;
      if (ours !== glibc) wrong.push(`${JSON.stringify(input)}: glibc ${glibc ?? "refuses"}, lvsc ${ours ?? `refuses (${r.ok ? "" : r.reason})`}`);
    }
    expect(wrong).toEqual([]);
  });

  it("the emission-time check passes exactly the text inet_ntop prints (and only that)", () => {
    // isCanonicalIPv6 reads and writes the groups without a bigint: it must agree with the path
    // through one, on every form of the fixture (non-canonical ones included, which it refuses)
    const wrong: string[] = [];
    for (const { input, glibc } of GLIBC) {
      if (isCanonicalIPv6(input) !== (glibc !== undefined && input === glibc)) wrong.push(`${JSON.stringify(input)}: glibc ${glibc ?? "refuses"}`);
      if (glibc !== undefined && !isCanonicalIPv6(glibc)) wrong.push(`${JSON.stringify(glibc)} (inet_ntop's own text) refused`);
    }
    expect(wrong).toEqual([]);
    expect(GLIBC.some(({ input, glibc }) => glibc !== undefined && input !== glibc)).toBe(true);
  });

  it("splits an address into ipvsadm's four 32-bit words, most significant first", () => {
    const r = parseIPv6("2001:db8:ffff:1::8000:fffe");
    expect(r.ok && words32Of6(r.value)).toEqual([0x20010db8, 0xffff0001, 0, 0x8000fffe]);
  });

  it.each([
    ["::ffff:192.0.2.1", "::ffff:192.0.2.1"], // mapped: dotted, as glibc (Node's URL writes ::ffff:c000:201)
    ["::ffff:c000:201", "::ffff:192.0.2.1"],
    ["2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // the first of two equal runs
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // one zero group is not shortened
    ["2001:0db8::0001", "2001:db8::1"],
  ])("%s is written %s", (input, canonical) => {
    const r = parseIPv6(input);
    expect(r.ok && formatIPv6(r.value)).toBe(canonical);
  });

  it.each([
    ["fe80::1%eth0", /zone id/],
    ["[2001:db8::1]", /brackets go only around an address followed by a port/],
    ["2001:db8:::1", /:::/],
    ["1:2:3:4:5:6:7:8:9", /more than eight groups/],
    ["2001:db8::12345", /more than four hex digits/],
    ["1::2::3", /only once/],
    ["2001:db8::1;reboot", /`;` is not a hex digit/],
  ])("%s is refused: %s", (input, reason) => {
    const r = parseIPv6(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it("a zone id is flagged as one, so the caller can give it its own diagnostic", () => {
    const r = parseIPv6("fe80::1%eth0");
    expect(!r.ok && r.zone).toBe(true);
  });
});

describe("addresses of either family", () => {
  const a = (s: string) => {
    const r = parseAddress(s);
    if (!r.ok) throw new Error(r.reason);
    return r.value;
  };

  it("a colon means IPv6, dots alone mean IPv4, and the two never compare equal", () => {
    expect(familyOf(a("192.0.2.1"))).toBe(4);
    expect(familyOf(a("2001:db8::1"))).toBe(6);
    expect(a("0.0.0.1") === a("::1")).toBe(false);
    expect(new Set([a("0.0.0.1"), a("::1")]).size).toBe(2);
    expect(formatAddress(a("::ffff:192.0.2.1"))).toBe("::ffff:192.0.2.1");
  });

  it("writes IPv6 before a port in brackets, as ipvsadm does", () => {
    expect(formatAddressPort(a("2001:db8::1"), 80)).toBe("[2001:db8::1]:80");
    expect(formatAddressPort(a("192.0.2.1"), 80)).toBe("192.0.2.1:80");
  });

  it("prefixes work the same in both families and never match across them", () => {
    expect(inPrefix(a("2001:db8:0:1::5"), a("2001:db8::"), 48)).toBe(true);
    expect(inPrefix(a("2001:db8:1::5"), a("2001:db8::"), 48)).toBe(false);
    expect(inPrefix(a("192.0.2.7"), a("192.0.2.0"), 24)).toBe(true);
    expect(inPrefix(a("::ffff:192.0.2.7"), a("192.0.2.0"), 24)).toBe(false);
    expect(formatAddress(networkOfPrefix(a("2001:db8::1:2:3"), 64))).toBe("2001:db8::");
    expect(formatAddress(maskOfPrefixIn(6, 64))).toBe("ffff:ffff:ffff:ffff::");
    expect(maskOfPrefixIn(6, 0)).toBe(0n);
    expect(formatAddress(maskOfPrefixIn(6, 128))).toBe("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  });

  it("orders IPv4 before IPv6 and each family by value", () => {
    const list = ["2001:db8::2", "192.0.2.9", "2001:db8::10", "10.0.0.1", "::1"].map(a);
    expect(list.sort(compareAddress).map(formatAddress)).toEqual(["10.0.0.1", "192.0.2.9", "::1", "2001:db8::2", "2001:db8::10"]);
  });

  it("tells link-local, mapped and loopback addresses", () => {
    expect(isLinkLocal6(a("fe80::1") as bigint)).toBe(true);
    expect(isLinkLocal6(a("febf:ffff::1") as bigint)).toBe(true);
    expect(isLinkLocal6(a("fec0::1") as bigint)).toBe(false);
    expect(isV4Mapped(a("::ffff:10.1.2.3") as bigint)).toBe(true);
    expect(isV4Mapped(a("::10.1.2.3") as bigint)).toBe(false);
    // each range's edges, and the addresses just outside them
    const six = (s: string) => a(s) as bigint;
    expect([six("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), six("fe80::"), six("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), six("fec0::")].map(isLinkLocal6)).toEqual([false, true, true, false]);
    expect([six("::fffe:255.255.255.255"), six("::ffff:0.0.0.0"), six("::ffff:255.255.255.255"), six("::1:0:0:0")].map(isV4Mapped)).toEqual([false, true, true, false]);
    expect([six("feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), six("ff00::"), six("ff02::1"), six("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")].map(isMulticast6)).toEqual([false, true, true, true]);
    expect(isLoopbackAddress(a("::1"))).toBe(true);
    expect(isLoopbackAddress(a("127.0.0.5"))).toBe(true);
    expect(isLoopbackAddress(a("::2"))).toBe(false);
  });
});

describe("hosts files with both families", async () => {
  const { parseHosts } = await import("../src/hosts.js");
  it("keeps a name's first IPv4 and first IPv6 line, the IPv6 one canonical", () => {
    const t = parseHosts([
      { path: "hosts", text: "192.0.2.11 rs1\n2001:DB8:0::11 rs1 rs1-v6\n2001:db8::99 rs1\nfe80::1%eth0 gw\n::1 localhost ip6-localhost\n" },
    ]);
    expect(t.v4.get("rs1")?.address).toBe(0xc000020b);
    expect(t.v6.get("rs1")?.address).toBe(0x20010db8000000000000000000000011n);
    expect(t.v6.get("rs1")?.line).toBe(2);
    expect(t.v6.get("rs1-v6")?.line).toBe(2);
    // a zone id names no device lvsc knows: the name has no IPv6 address from that line
    expect(t.v6.has("gw")).toBe(false);
    expect(t.v6Only.has("gw") && t.v6Only.has("rs1-v6") && !t.v6Only.has("rs1")).toBe(true);
  });
});
