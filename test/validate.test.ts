// Validation as a table, in the manner of ESLint's RuleTester: each invalid conf names the
// diagnostic code it must produce, with the exact line and the exact text the span covers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALL_CODES, type Code } from "../src/diagnostics.js";
import { ipv4At, looksLikeIPv4, parseIPv4 } from "../src/net.js";
import { checkConfSet, lint } from "../src/index.js";
import { main, type Io } from "../src/cli.js";
import { SUGGESTED } from "../src/validate.js";
import { conf, conf6, EXAMPLE_CONFS, EXAMPLE_HOSTS, EXAMPLES, lintText, natConf, routedNatConf, readExample } from "./helpers.js";

interface Expect {
  code: Code;
  line: number;
  /** The exact source text the span covers (its first occurrence on the line, or the `nth`). */
  at: string;
  nth?: number;
}

interface Case {
  name: string;
  text: string | Uint8Array;
  file?: string;
  expect: Expect[];
}

const PAIR_LINE = "DIRECTOR_PAIR=director1 director2";

const INVALID: Case[] = [
  // ---- input and syntax ----
  {
    name: "bytes that are not UTF-8",
    text: new Uint8Array([...Buffer.from("LVS_TYPE=VS_DR\nVIP=eth0 "), 0xff, 0x0a]),
    expect: [{ code: "invalid-encoding", line: 2, at: "" }],
  },
  { name: "a shell metacharacter in a value", text: conf({ 6: "SERVICE=t www rr rs1;reboot rs2" }), expect: [{ code: "unexpected-character", line: 6, at: ";" }] },
  { name: "a quote left open", text: conf({ 2: 'INITIAL_STATE="on' }), expect: [{ code: "unterminated-quote", line: 2, at: '"' }] },
  { name: "a second `=` on a line", text: conf({ 2: "INITIAL_STATE=on=off" }), expect: [{ code: "syntax-error", line: 2, at: "=", nth: 2 }] },
  { name: "two words before `=`", text: conf({ 2: "INITIAL STATE=on" }), expect: [{ code: "syntax-error", line: 2, at: "STATE" }] },
  { name: "a directive without `=`", text: conf({ 2: "INITIAL_STATE on" }), expect: [{ code: "missing-equals", line: 2, at: "INITIAL_STATE" }] },
  { name: "a line that starts with `=`", text: conf({}, ["=on"]), expect: [{ code: "missing-directive-name", line: 9, at: "=" }] },
  { name: "a line longer than 16 KiB", text: conf({}, [`# ${"x".repeat(20000)}`]), expect: [{ code: "line-too-long", line: 9, at: "#" }] },
  // ---- directives ----
  { name: "an unknown directive", text: conf({}, ["DIRECTOR_GW=192.168.0.254"]), expect: [{ code: "unknown-directive", line: 9, at: "DIRECTOR_GW" }] },
  { name: "a lower-case directive", text: conf({}, ["service=t 22 rr rs1"]), expect: [{ code: "unknown-directive", line: 9, at: "service" }] },
  {
    name: "a directive given twice",
    text: conf({}, ["LVS_TYPE=VS_DR"]),
    expect: [{ code: "duplicate-directive", line: 9, at: "LVS_TYPE" }],
  },
  { name: "no VIP", text: conf({ 3: null }), expect: [{ code: "missing-directive", line: 1, at: "" }] },
  { name: "no LVS_TYPE", text: conf({ 1: null }), expect: [{ code: "missing-directive", line: 1, at: "" }] },
  { name: "no SERVICE", text: conf({ 5: null, 6: null }), expect: [{ code: "missing-directive", line: 1, at: "" }] },
  { name: "DR without SERVER_VIP_DEVICE", text: conf({ 7: null }), expect: [{ code: "missing-directive", line: 1, at: "VS_DR" }] },
  { name: "no INITIAL_STATE", text: conf({ 2: null }), expect: [{ code: "missing-initial-state", line: 1, at: "" }] },
  {
    name: "the old SERVER_LVS_DEVICE spelling",
    text: conf({ 7: "SERVER_LVS_DEVICE=dummy0" }),
    expect: [{ code: "deprecated-directive", line: 7, at: "SERVER_LVS_DEVICE" }],
  },
  {
    name: "SERVER_VIP_DEVICE under VS_NAT",
    text: routedNatConf(["SERVER_VIP_DEVICE=lo:0"]),
    file: "lvs_nat.conf",
    expect: [{ code: "unused-directive", line: 7, at: "SERVER_VIP_DEVICE" }],
  },
  {
    name: "a VIP with three fields",
    text: conf({ 3: "VIP=eth0:101 192.168.0.101 255.255.255.0" }),
    expect: [{ code: "field-count", line: 3, at: "eth0:101 192.168.0.101 255.255.255.0" }],
  },
  {
    name: "a DIRECTOR_INSIDEIP with six fields",
    text: conf({ 4: "DIRECTOR_INSIDEIP=eth0 192.168.0.1 192.168.0.0 255.255.255.0 192.168.0.255 extra" }),
    expect: [{ code: "field-count", line: 4, at: "extra" }],
  },
  { name: "VS_DR in lvs_nat.conf", text: conf(), file: "lvs_nat.conf", expect: [{ code: "type-filename-mismatch", line: 1, at: "VS_DR" }] },
  // ---- values ----
  { name: "an unknown LVS_TYPE", text: conf({ 1: "LVS_TYPE=VS_DRR" }), expect: [{ code: "invalid-lvs-type", line: 1, at: "VS_DRR" }] },
  { name: "INITIAL_STATE=yes", text: conf({ 2: "INITIAL_STATE=yes" }), expect: [{ code: "invalid-initial-state", line: 2, at: "yes" }] },
  {
    name: "an octet over 255",
    text: conf({ 3: "VIP=eth0:101 192.168.0.301 255.255.255.0 192.168.0.255" }),
    expect: [{ code: "invalid-ipv4", line: 3, at: "192.168.0.301" }],
  },
  {
    name: "a leading zero (octal to inet_aton)",
    text: conf({ 3: "VIP=eth0:101 192.168.0.0101 255.255.255.0 192.168.0.255" }),
    expect: [{ code: "invalid-ipv4", line: 3, at: "192.168.0.0101" }],
  },
  {
    name: "a non-contiguous netmask",
    text: conf({ 3: "VIP=eth0:101 192.168.0.101 255.0.255.0 192.168.0.255" }),
    expect: [{ code: "invalid-netmask", line: 3, at: "255.0.255.0" }],
  },
  {
    name: "an interface name over 15 characters",
    text: conf({ 8: "SERVER_NET_DEVICE=averyveryverylongnic0" }),
    expect: [{ code: "invalid-interface", line: 8, at: "averyveryverylongnic0" }],
  },
  {
    name: "an interface name with two colons",
    text: conf({ 3: "VIP=eth0:1:2 192.168.0.101 255.255.255.0 192.168.0.255" }),
    expect: [{ code: "invalid-interface", line: 3, at: "eth0:1:2" }],
  },
  { name: "a gateway that starts with `-`", text: conf({}, ["DIRECTOR_DEFAULT_GW=-gw"]), expect: [{ code: "invalid-host", line: 9, at: "-gw" }] },
  { name: "an IPv6 VIP on an alias label (IPv6 has none)", text: conf({ 3: "VIP=eth0:110 2001:db8::110/64" }), expect: [{ code: "ipv6-label", line: 3, at: "eth0:110" }] },
  {
    name: "an IPv6 DIP, written in upper case with leading zeros",
    text: conf({ 4: "DIRECTOR_INSIDEIP=eth0 2001:DB8::0001/64" }),
    expect: [{ code: "wrong-family", line: 4, at: "2001:DB8::0001" }],
  },
  { name: "an IPv6 VIP in the four-field form", text: conf({ 3: "VIP=eth0:101 2001:db8::101 255.255.255.0 192.168.0.255" }), expect: [{ code: "ipv6-needs-prefix", line: 3, at: "2001:db8::101 255.255.255.0 192.168.0.255" }] },
  { name: "a gateway with a zone id", text: conf({}, ["DIRECTOR_DEFAULT_GW=fe80::1%eth0"]), expect: [{ code: "invalid-ipv6", line: 9, at: "fe80::1%eth0" }] },
  { name: "a gateway in brackets", text: conf({}, ["SERVER_DEFAULT_GW=[2001:db8::1]"]), expect: [{ code: "invalid-ipv6", line: 9, at: "[2001:db8::1]" }] },
  { name: "an IPv6 real server with a port and a weight", text: conf({ 6: "SERVICE=t www rr [2001:db8::11]:80,3 rs2" }), expect: [{ code: "wrong-family", line: 6, at: "2001:db8::11" }] },
  { name: "an IPv6 real server without a port", text: conf({ 6: "SERVICE=t www rr rs1 2001:db8::12" }), expect: [{ code: "wrong-family", line: 6, at: "2001:db8::12" }] },
  { name: "an IPv6 real server in brackets without a port", text: conf6({ 5: "SERVICE=t www rr [2001:db8::3] rs2" }), expect: [{ code: "invalid-ipv6", line: 5, at: "[2001:db8::3]" }] },
  { name: "an IPv4 real server in an IPv6 cluster", text: conf6({ 5: "SERVICE=t www rr 192.168.0.3 rs2" }), expect: [{ code: "wrong-family", line: 5, at: "192.168.0.3" }] },
  { name: "an IPv4-mapped real server", text: conf6({ 5: "SERVICE=t www rr [::ffff:192.168.0.3]:80 rs2" }), expect: [{ code: "ipv6-mapped", line: 5, at: "::ffff:192.168.0.3" }] },
  { name: "a link-local real server (the kernel refuses it)", text: conf6({ 5: "SERVICE=t www rr [fe80::3]:80 rs2" }), expect: [{ code: "link-local-real-server", line: 5, at: "fe80::3" }] },
  { name: "a link-local gateway without its device", text: conf6({ 7: null }, ["SERVER_DEFAULT_GW=fe80::fe"]), expect: [{ code: "link-local-gateway", line: 7, at: "fe80::fe" }] },
  { name: "an IPv6 VIP prefix on its own device that covers the real servers' network", text: conf6({ 3: "VIP=eth1 2001:db8:f::101/32" }), expect: [{ code: "vip-prefix-takeover", line: 3, at: "2001:db8:f::101" }] },
  { name: "TUN over IPv6 (40 bytes more per packet, never fragmented)", text: conf6({ 1: "LVS_TYPE=VS_TUN", 3: "VIP=eth1 2001:db8:f::101/64" }), file: "lvs_tun.conf", expect: [{ code: "tun6-mtu", line: 3, at: "2001:db8:f::101" }] },
  {
    name: "a TUN real server of the other family with a pair (the kernel's sync daemon refuses mixed tables)",
    text: conf({ 1: "LVS_TYPE=VS_TUN", 6: "SERVICE=t www rr [2001:db8::11]:80 rs2   # lvsc-disable-line tun6-mtu" }, ["DIRECTOR_PAIR=192.168.0.11 192.168.0.12"]),
    file: "lvs_tun.conf",
    expect: [{ code: "mixed-family-sync", line: 6, at: "[2001:db8::11]:80" }],
  },
  { name: "IPv6 active directors (lvsc's BGP is IPv4)", text: conf6({ 3: "VIP=dummy0 2001:db8::101/128" }, ["DIRECTOR_ACTIVE=2001:db8::11 2001:db8::12", "BGP_LOCAL_AS=65010", "BGP_PEER=2001:db8::fe 65000"]), expect: [{ code: "ipv6-unsupported", line: 3, at: "2001:db8::101" }, { code: "ipv6-unsupported", line: 8, at: "2001:db8::11" }, { code: "ipv6-unsupported", line: 8, at: "2001:db8::12" }, { code: "ipv6-unsupported", line: 10, at: "2001:db8::fe" }] },
  { name: "a second VIP of the same family", text: conf({}, ["VIP=eth0:102 192.168.0.102/24"]), expect: [{ code: "duplicate-directive", line: 9, at: "VIP" }] },
  { name: "a dual-stack conf without an IPv6 DIP", text: conf({}, ["VIP=eth0 2001:db8::101/64"]), expect: [{ code: "wrong-family", line: 9, at: "2001:db8::101" }] },
  { name: "a dual-stack service whose real servers have no IPv6 line", text: conf({ 5: "SERVICE=t telnet rr 192.168.0.3:telnet" }, ["VIP=eth0 2001:db8::101/64", "DIRECTOR_INSIDEIP=eth0 2001:db8::1/64"]), expect: [{ code: "missing-real-servers", line: 5, at: "t telnet rr 192.168.0.3:telnet" }] },
  { name: "an IPv6 DIP without a prefix", text: conf6({ 4: "DIRECTOR_INSIDEIP=eth0 2001:db8::1" }), expect: [{ code: "ipv6-needs-prefix", line: 4, at: "2001:db8::1" }] },
  { name: "an IPv6 persistence prefix over 128", text: conf6({ 5: "SERVICE=t www rr ppc -M 129 rs1 rs2" }), expect: [{ code: "invalid-netmask", line: 5, at: "129" }] },
  { name: "an IPv6 real server with `:::`", text: conf({ 6: "SERVICE=t www rr [2001:db8:::13]:80 rs2" }), expect: [{ code: "invalid-ipv6", line: 6, at: "2001:db8:::13" }] },
  { name: "nine groups", text: conf({ 6: "SERVICE=t www rr 1:2:3:4:5:6:7:8:9 rs2" }), expect: [{ code: "invalid-ipv6", line: 6, at: "1:2:3:4:5:6:7:8:9" }] },
  { name: "an unclosed bracket", text: conf({ 6: "SERVICE=t www rr [2001:db8::14 rs2" }), expect: [{ code: "invalid-real-server", line: 6, at: "[2001:db8::14" }] },
  { name: "text after the bracket that is no port", text: conf({ 6: "SERVICE=t www rr [2001:db8::14]x rs2" }), expect: [{ code: "invalid-real-server", line: 6, at: "[2001:db8::14]x" }] },
  { name: "a bracket inside a host name", text: conf({ 6: "SERVICE=t www rr r[s]1 rs2" }), expect: [{ code: "invalid-host", line: 6, at: "r[s]1" }] },
  { name: "a host in no hosts file", text: conf({ 6: "SERVICE=t www rr rs1 rs3" }), expect: [{ code: "unresolved-host", line: 6, at: "rs3" }] },
  {
    name: "the 2.2 transparent proxy as the VIP device",
    text: conf({ 3: "VIP=TP 192.168.0.101 255.255.255.255 192.168.0.101" }),
    expect: [{ code: "unsupported-tp", line: 3, at: "TP" }],
  },
  // ---- SERVICE ----
  { name: "protocol `tcp` instead of `t`", text: conf({ 6: "SERVICE=tcp www rr rs1 rs2" }), expect: [{ code: "invalid-protocol", line: 6, at: "tcp" }] },
  { name: "www over UDP", text: conf({ 6: "SERVICE=u www rr rs1 rs2" }), expect: [{ code: "unknown-service", line: 6, at: "www" }] },
  { name: "telnet over UDP", text: conf({ 5: "SERVICE=u telnet rr rs1 rs2" }), expect: [{ code: "unknown-service", line: 5, at: "telnet" }] },
  { name: "the HOWTO's `dns`", text: conf({ 6: "SERVICE=t dns rr rs1 rs2" }), expect: [{ code: "unknown-service", line: 6, at: "dns" }] },
  { name: "an unknown real-server port name", text: conf({ 6: "SERVICE=t www rr rs1:wwww rs2" }), expect: [{ code: "unknown-service", line: 6, at: "wwww" }] },
  { name: "port 70000", text: conf({ 6: "SERVICE=t 70000 rr rs1 rs2" }), expect: [{ code: "invalid-port", line: 6, at: "70000" }] },
  { name: "port 0 without ppc", text: conf({ 6: "SERVICE=t 0 rr rs1 rs2" }), expect: [{ code: "zero-port-without-persistence", line: 6, at: "0" }] },
  { name: "scheduler `rrr`", text: conf({ 6: "SERVICE=t www rrr rs1 rs2" }), expect: [{ code: "unknown-scheduler", line: 6, at: "rrr" }] },
  { name: "an unknown ppc option", text: conf({ 6: "SERVICE=t www rr ppc -x 5 rs1 rs2" }), expect: [{ code: "malformed-service", line: 6, at: "-x" }] },
  { name: "`-t` without ppc", text: conf({ 6: "SERVICE=t www rr -t 60 rs1 rs2" }), expect: [{ code: "malformed-service", line: 6, at: "-t" }] },
  { name: "a SERVICE with only a protocol", text: conf({ 6: "SERVICE=t" }), expect: [{ code: "malformed-service", line: 6, at: "t" }] },
  { name: "a persistence timeout of 0", text: conf({ 6: "SERVICE=t www rr ppc -t 0 rs1 rs2" }), expect: [{ code: "invalid-persistence-timeout", line: 6, at: "0" }] },
  { name: "a persistence timeout over 31 days", text: conf({ 6: "SERVICE=t www rr ppc -t 2678401 rs1 rs2" }), expect: [{ code: "invalid-persistence-timeout", line: 6, at: "2678401" }] },
  { name: "a non-contiguous persistence mask", text: conf({ 6: "SERVICE=t www rr ppc -M 255.0.255.0 rs1 rs2" }), expect: [{ code: "invalid-netmask", line: 6, at: "255.0.255.0" }] },
  { name: "firewall mark 0", text: conf({ 6: "SERVICE=f 0 rr rs1 rs2" }), expect: [{ code: "invalid-fwmark", line: 6, at: "0" }] },
  { name: "firewall mark above 2^31-1", text: conf({ 6: "SERVICE=f 4294967295 rr rs1 rs2" }), expect: [{ code: "invalid-fwmark", line: 6, at: "4294967295" }] },
  { name: "a service without real servers", text: conf({ 6: "SERVICE=t www rr" }), expect: [{ code: "missing-real-servers", line: 6, at: "t www rr" }] },
  { name: "two commas in a real server", text: conf({ 6: "SERVICE=t www rr rs1,2,3 rs2" }), expect: [{ code: "invalid-real-server", line: 6, at: "rs1,2,3" }] },
  { name: "a real server that starts with `-`", text: conf({ 6: "SERVICE=t www rr -rs1 rs2" }), expect: [{ code: "invalid-real-server", line: 6, at: "-rs1" }] },
  { name: "weight 70000", text: conf({ 6: "SERVICE=t www rr rs1,70000 rs2" }), expect: [{ code: "invalid-weight", line: 6, at: "70000" }] },
  { name: "weight 0", text: conf({ 6: "SERVICE=t www rr rs1,0 rs2" }), expect: [{ code: "zero-weight", line: 6, at: "0" }] },
  { name: "a port remap under DR", text: conf({ 6: "SERVICE=t www rr rs1:8080 rs2" }), expect: [{ code: "port-remap-not-supported", line: 6, at: "8080" }] },
  {
    name: "a port on a fwmark real server under DR",
    text: conf({ 6: "SERVICE=f 1 rr rs1:80 rs2" }),
    expect: [{ code: "port-remap-not-supported", line: 6, at: "80" }],
  },
  {
    name: "LocalNode with a remapped port under NAT",
    text: routedNatConf(["SERVICE=t smtp rr rs1:2525 localhost:2525"]),
    file: "lvs_nat.conf",
    expect: [{ code: "localnode-port-remap", line: 7, at: "2525", nth: 2 }],
  },
  {
    name: "LocalNode (as 127.0.0.1) with a port on a fwmark service under NAT",
    text: routedNatConf(["SERVICE=f 2 rr ppc rs1 127.0.0.1:443"]),
    file: "lvs_nat.conf",
    expect: [{ code: "localnode-port-remap", line: 7, at: "443" }],
  },
  { name: "www and http on one port", text: conf({}, ["SERVICE=t http rr rs1 rs2"]), expect: [{ code: "duplicate-service", line: 9, at: "http" }] },
  { name: "a real server twice under two names", text: conf({ 6: "SERVICE=t www rr rs1 192.168.0.3" }), expect: [{ code: "duplicate-real-server", line: 6, at: "192.168.0.3" }] },
  { name: "a fwmark service", text: conf({ 6: "SERVICE=f 1 rr rs1 rs2" }), expect: [{ code: "fwmark-rule-not-generated", line: 6, at: "f" }] },
  // ---- cross checks ----
  {
    name: "the VIP is the DIP",
    text: conf({ 3: "VIP=eth0:101 192.168.0.1 255.255.255.0 192.168.0.255" }),
    expect: [{ code: "vip-equals-dip", line: 3, at: "192.168.0.1" }],
  },
  {
    name: "a network that does not contain the DIP",
    text: conf({ 4: "DIRECTOR_INSIDEIP=eth0 192.168.0.1 192.168.1.0 255.255.255.0 192.168.0.255" }),
    expect: [{ code: "network-mismatch", line: 4, at: "192.168.1.0" }],
  },
  {
    name: "network and netmask swapped",
    text: conf({ 4: "DIRECTOR_INSIDEIP=eth0 192.168.0.1 255.255.255.0 192.168.0.0 192.168.0.255" }),
    expect: [{ code: "network-mismatch", line: 4, at: "255.255.255.0 192.168.0.0" }],
  },
  {
    name: "the walkthrough's network address as the VIP broadcast",
    text: conf({ 3: "VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.0" }),
    expect: [{ code: "broadcast-mismatch", line: 3, at: "192.168.0.0" }],
  },
  {
    name: "a DR real server on another network",
    text: conf({ 6: "SERVICE=t www rr rs1 far1" }),
    expect: [{ code: "realserver-outside-network", line: 6, at: "far1" }],
  },
  { name: "a real server at the VIP", text: conf({ 6: "SERVICE=t www rr rs1 192.168.0.101" }), expect: [{ code: "realserver-is-vip", line: 6, at: "192.168.0.101" }] },
  { name: "a real server at the DIP", text: conf({ 6: "SERVICE=t www rr rs1 192.168.0.1" }), expect: [{ code: "realserver-is-director", line: 6, at: "192.168.0.1" }] },
  {
    name: "NAT real servers routed past the director",
    text: routedNatConf(["SERVER_DEFAULT_GW=192.168.0.254"]),
    file: "lvs_nat.conf",
    expect: [{ code: "gateway-not-dip", line: 7, at: "192.168.0.254" }],
  },
  { name: "DR real servers routed via the director", text: conf({}, ["SERVER_DEFAULT_GW=192.168.0.1"]), expect: [{ code: "gateway-is-dip", line: 9, at: "192.168.0.1" }] },
  {
    name: "the VIP on the real servers' own NIC",
    text: conf({ 7: "SERVER_VIP_DEVICE=eth0:1" }),
    expect: [{ code: "vip-device-answers-arp", line: 7, at: "eth0:1" }],
  },
  {
    name: "a DR VIP as a /32 outside the DIP's network",
    text: conf({ 3: "VIP=eth0:101 10.9.9.9 255.255.255.255 10.9.9.9" }),
    expect: [{ code: "vip-outside-director-networks", line: 3, at: "10.9.9.9" }],
  },
  {
    name: "a DR VIP in CIDR form as a /32 outside the DIP's network",
    text: conf({ 3: "VIP=eth0:101 10.9.9.9/32" }),
    expect: [{ code: "vip-outside-director-networks", line: 3, at: "10.9.9.9" }],
  },
  { name: "NAT with the VIP on the real servers' network", text: natConf(), file: "lvs_nat.conf", expect: [{ code: "one-network-nat", line: 3, at: "192.168.0.101" }] },
  {
    name: "NAT with a /32 VIP inside the real servers' network",
    text: natConf([]).replace("VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.255", "VIP=eth0:101 192.168.0.101 255.255.255.255 192.168.0.101"),
    file: "lvs_nat.conf",
    expect: [{ code: "one-network-nat", line: 3, at: "192.168.0.101" }],
  },
  // ---- the CIDR VIP ----
  { name: "a VIP prefix over 32", text: conf({ 3: "VIP=eth0:101 192.168.0.101/33" }), expect: [{ code: "invalid-netmask", line: 3, at: "33" }] },
  { name: "a VIP prefix with a leading zero", text: conf({ 3: "VIP=eth0:101 192.168.0.101/024" }), expect: [{ code: "invalid-netmask", line: 3, at: "024" }] },
  {
    name: "a CIDR VIP with a netmask and broadcast too",
    text: conf({ 3: "VIP=eth0:101 192.168.0.101/24 255.255.255.0 192.168.0.255" }),
    expect: [{ code: "field-count", line: 3, at: "255.255.255.0 192.168.0.255" }],
  },
  // ---- lvsc-disable comments ----
  {
    name: "a disable comment whose warning is not on its line",
    text: conf({ 6: "SERVICE=t www rr rs1 rs2 # lvsc-disable-line zero-weight" }),
    expect: [{ code: "unused-disable-comment", line: 6, at: "zero-weight" }],
  },
  {
    name: "a disable comment naming an unknown code",
    text: conf({ 5: "# lvsc-disable-next-line fwmark-rule-not-generatd", 6: "SERVICE=f 1 rr rs1 rs2" }),
    expect: [
      { code: "invalid-disable-comment", line: 5, at: "fwmark-rule-not-generatd" },
      { code: "fwmark-rule-not-generated", line: 6, at: "f" },
    ],
  },
  {
    name: "a disable comment naming an error",
    text: conf({ 6: "SERVICE=t www rr rs1 rs3 # lvsc-disable-line unresolved-host" }),
    expect: [
      { code: "unresolved-host", line: 6, at: "rs3" },
      { code: "invalid-disable-comment", line: 6, at: "unresolved-host" },
    ],
  },
  { name: "a disable comment naming no code", text: conf({}, ["# lvsc-disable-next-line"]), expect: [{ code: "invalid-disable-comment", line: 9, at: "lvsc-disable-next-line" }] },
  // ---- two directors (lvsc extension DIRECTOR_PAIR) ----
  {
    name: "a director off the DIP's network",
    text: conf({}, ["DIRECTOR_PAIR=director1 192.168.1.12"]),
    expect: [{ code: "director-outside-network", line: 9, at: "192.168.1.12" }],
  },
  {
    name: "a director at the broadcast address of the DIP's network",
    text: conf({}, ["DIRECTOR_PAIR=director1 192.168.0.255"]),
    expect: [{ code: "director-outside-network", line: 9, at: "192.168.0.255" }],
  },
  {
    name: "one address for both directors",
    text: conf({}, ["DIRECTOR_PAIR=director1 192.168.0.11"]),
    expect: [{ code: "director-address-conflict", line: 9, at: "192.168.0.11" }],
  },
  { name: "a director at the VIP", text: conf({}, ["DIRECTOR_PAIR=192.168.0.101 director2"]), expect: [{ code: "director-address-conflict", line: 9, at: "192.168.0.101" }] },
  { name: "a director at the DIP", text: conf({}, ["DIRECTOR_PAIR=192.168.0.1 director2"]), expect: [{ code: "director-address-conflict", line: 9, at: "192.168.0.1" }] },
  { name: "a director that is also a real server", text: conf({}, ["DIRECTOR_PAIR=director1 rs2"]), expect: [{ code: "director-address-conflict", line: 9, at: "rs2" }] },
  {
    name: "a director as the DR real servers' gateway",
    text: conf({}, ["SERVER_DEFAULT_GW=192.168.0.12", "DIRECTOR_PAIR=director1 director2"]),
    expect: [{ code: "director-address-conflict", line: 10, at: "director2" }],
  },
  { name: "a director that is not in the hosts files", text: conf({}, ["DIRECTOR_PAIR=director1 director3"]), expect: [{ code: "unresolved-host", line: 9, at: "director3" }] },
  { name: "DIRECTOR_PAIR with one director", text: conf({}, ["DIRECTOR_PAIR=director1"]), expect: [{ code: "field-count", line: 9, at: "director1" }] },
  { name: "VRRP router id 0", text: conf({}, ["VRRP_ROUTER_ID=0"]), expect: [{ code: "invalid-vrrp-router-id", line: 9, at: "0" }] },
  { name: "VRRP router id 256", text: conf({}, ["DIRECTOR_PAIR=director1 director2", "VRRP_ROUTER_ID=256"]), expect: [{ code: "invalid-vrrp-router-id", line: 10, at: "256" }] },
  { name: "a VRRP router id with a leading zero", text: conf({}, ["VRRP_ROUTER_ID=051"]), expect: [{ code: "invalid-vrrp-router-id", line: 9, at: "051" }] },
  { name: "VRRP_PREEMPT=yes", text: conf({}, ["DIRECTOR_PAIR=director1 director2", "VRRP_PREEMPT=yes"]), expect: [{ code: "invalid-vrrp-preempt", line: 10, at: "yes" }] },
  { name: "VRRP_PREEMPT without a pair", text: conf({}, ["VRRP_PREEMPT=on"]), expect: [{ code: "unused-directive", line: 9, at: "VRRP_PREEMPT" }] },
  // ---- health checks per service (lvsc extension CHECK); line 9 is the CHECK ----
  { name: "a CHECK without a kind", text: conf({}, ["CHECK=t www"]), expect: [{ code: "malformed-check", line: 9, at: "CHECK=t www" }] },
  { name: "a CHECK of an unknown kind", text: conf({}, ["CHECK=t www ftp"]), expect: [{ code: "invalid-check-kind", line: 9, at: "ftp" }] },
  { name: "a CHECK option written with `=`", text: conf({}, ["CHECK=t www http path=/health"]), expect: [{ code: "syntax-error", line: 9, at: "=", nth: 2 }] },
  { name: "a CHECK option without a value", text: conf({}, ["CHECK=t www http path:"]), expect: [{ code: "malformed-check", line: 9, at: "path:" }] },
  { name: "a CHECK option of another kind", text: conf({}, ["CHECK=t www tcp path:/health"]), expect: [{ code: "malformed-check", line: 9, at: "path" }] },
  { name: "a CHECK option given twice", text: conf({}, ["CHECK=t www http retries:1 retries:2"]), expect: [{ code: "malformed-check", line: 9, at: "retries", nth: 2 }] },
  { name: "a script check without a script", text: conf({}, ["CHECK=t www script"]), expect: [{ code: "malformed-check", line: 9, at: "script" }] },
  { name: "a URL path that is not absolute", text: conf({}, ["CHECK=t www http path:health"]), expect: [{ code: "invalid-check-value", line: 9, at: "health" }] },
  { name: "a URL path with a broken %-escape", text: conf({}, ["CHECK=t www http path:/a%zz"]), expect: [{ code: "invalid-check-value", line: 9, at: "/a%zz" }] },
  { name: "a status outside 100..599", text: conf({}, ["CHECK=t www http status:600"]), expect: [{ code: "invalid-check-value", line: 9, at: "600" }] },
  { name: "a status range backwards", text: conf({}, ["CHECK=t www http status:299-200"]), expect: [{ code: "invalid-check-value", line: 9, at: "299-200" }] },
  { name: "a digest that is not MD5", text: conf({}, ["CHECK=t www http digest:abc"]), expect: [{ code: "invalid-check-value", line: 9, at: "abc" }] },
  { name: "a Host header that is not a host name", text: conf({}, ["CHECK=t www http host:-x"]), expect: [{ code: "invalid-check-value", line: 9, at: "-x" }] },
  { name: "a DNS query type keepalived lacks", text: conf({}, ["SERVICE=u domain rr rs1:domain", "CHECK=u domain dns type:SRV"]), expect: [{ code: "invalid-check-value", line: 10, at: "SRV" }] },
  { name: "a relative script path", text: conf({}, ["CHECK=t www script run:check.sh"]), expect: [{ code: "invalid-check-value", line: 9, at: "check.sh" }] },
  { name: "a script path through `..`", text: conf({}, ["CHECK=t www script run:/usr/../tmp/x"]), expect: [{ code: "invalid-check-value", line: 9, at: "/usr/../tmp/x" }] },
  { name: "a script user that is not a user name", text: conf({}, ["CHECK=t www script run:/bin/true user:Root"]), expect: [{ code: "invalid-check-value", line: 9, at: "Root" }] },
  { name: "an interval of 0", text: conf({}, ["CHECK=t www tcp interval:0"]), expect: [{ code: "invalid-check-value", line: 9, at: "0" }] },
  { name: "a CHECK port of 0", text: conf({}, ["CHECK=t www tcp port:0"]), expect: [{ code: "invalid-check-value", line: 9, at: "0" }] },
  { name: "a CHECK for a service the conf does not have", text: conf({}, ["CHECK=t https http"]), expect: [{ code: "check-unknown-service", line: 9, at: "t https" }] },
  { name: "a CHECK for an unknown service name", text: conf({}, ["CHECK=t wwww http"]), expect: [{ code: "unknown-service", line: 9, at: "wwww" }] },
  { name: "two CHECKs for one service", text: conf({}, ["CHECK=t www http", "CHECK=t 80 tcp"]), expect: [{ code: "duplicate-check", line: 10, at: "t 80" }] },
  { name: "an HTTP check on a UDP service", text: conf({}, ["SERVICE=u domain rr rs1:domain", "CHECK=u domain http"]), expect: [{ code: "check-protocol-mismatch", line: 10, at: "http" }] },
  { name: "a TCP check of a firewall mark, without a port", text: conf({ 2: "INITIAL_STATE=on" }, ["SERVICE=f 1 rr rs1 rs2 # lvsc-disable-line fwmark-rule-not-generated", "CHECK=f 1 tcp"]), expect: [{ code: "check-protocol-mismatch", line: 10, at: "tcp" }] },
  { name: "a DNS check on a port that is not 53", text: conf({}, ["SERVICE=u 5353 rr rs1:5353", "CHECK=u 5353 dns"]), expect: [{ code: "check-port-mismatch", line: 10, at: "dns" }] },
  { name: "an HTTP check on HTTPS's port", text: conf({}, ["SERVICE=t https rr rs1:https", "CHECK=t https http"]), expect: [{ code: "check-port-mismatch", line: 10, at: "http", nth: 2 }] },
  {
    name: "CHECK timers slower than the bound",
    text: conf({}, ["CHECK=t telnet tcp interval:30 timeout:10 retries:2"]),
    expect: [{ code: "check-slow-detection", line: 9, at: "interval:30 timeout:10 retries:2" }],
  },
  { name: "an HTTPS check mon.cf cannot run", text: conf({}, ["SERVICE=t https rr rs1:https", "CHECK=t https https"]), expect: [{ code: "check-not-in-mon", line: 10, at: "https", nth: 2 }] },
  // a pair's VRRP timers: what keepalived 2.2.7 can send as written
  { name: "an advert interval finer than a hundredth", text: conf({}, [PAIR_LINE, "VRRP_ADVERT=0.125"]), expect: [{ code: "invalid-vrrp-advert", line: 10, at: "0.125" }] },
  { name: "an advert interval of 0", text: conf({}, [PAIR_LINE, "VRRP_ADVERT=0"]), expect: [{ code: "invalid-vrrp-advert", line: 10, at: "0" }] },
  { name: "an advert interval of 0.00", text: conf({}, [PAIR_LINE, "VRRP_ADVERT=0.00"]), expect: [{ code: "invalid-vrrp-advert", line: 10, at: "0.00" }] },
  { name: "a VRRPv2 advert interval past 255 s", text: conf({}, [PAIR_LINE, "VRRP_ADVERT=256"]), expect: [{ code: "invalid-vrrp-advert", line: 10, at: "256" }] },
  { name: "a VRRPv3 advert interval past 40.95 s", text: conf({}, [PAIR_LINE, "VRRP_ADVERT=41", "VRRP_VERSION=3"]), expect: [{ code: "invalid-vrrp-advert", line: 10, at: "41" }] },
  { name: "a fractional advert interval past 40.95 s", text: conf({}, [PAIR_LINE, "VRRP_ADVERT=50.5"]), expect: [{ code: "invalid-vrrp-advert", line: 10, at: "50.5" }] },
  { name: "an advert interval in milliseconds", text: conf({}, [PAIR_LINE, "VRRP_ADVERT=200ms"]), expect: [{ code: "invalid-vrrp-advert", line: 10, at: "200ms" }] },
  { name: "an advert interval without its leading 0", text: conf({}, [PAIR_LINE, "VRRP_ADVERT=.5"]), expect: [{ code: "invalid-vrrp-advert", line: 10, at: ".5" }] },
  { name: "VRRPv2 with a fraction", text: conf({}, [PAIR_LINE, "VRRP_ADVERT=0.5", "VRRP_VERSION=2"]), expect: [{ code: "vrrp-v2-fraction", line: 10, at: "0.5" }] },
  { name: "VRRP_VERSION=v3", text: conf({}, [PAIR_LINE, "VRRP_VERSION=v3"]), expect: [{ code: "invalid-vrrp-version", line: 10, at: "v3" }] },
  // IPv6 adverts are VRRPv3 (RFC 5798); keepalived without vrrp_strict would keep an explicit version 2
  {
    name: "VRRPv2 on an IPv6 pair",
    text: conf6({}, ["DIRECTOR_PAIR=2001:db8::11 2001:db8::12", "VRRP_VERSION=2"]),
    expect: [{ code: "vrrp-v2-ipv6", line: 9, at: "2" }],
  },
  {
    name: "VRRPv2 with whole seconds on an IPv6 pair",
    text: conf6({}, ["DIRECTOR_PAIR=2001:db8::11 2001:db8::12", "VRRP_ADVERT=2", "VRRP_VERSION=2"]),
    expect: [{ code: "vrrp-v2-ipv6", line: 10, at: "2" }],
  },
  // an IPv6 pair is VRRPv3 by default: VRRPv3's range, not VRRPv2's 255 s
  { name: "an IPv6 pair's advert interval past 40.95 s", text: conf6({}, ["DIRECTOR_PAIR=2001:db8::11 2001:db8::12", "VRRP_ADVERT=60"]), expect: [{ code: "invalid-vrrp-advert", line: 9, at: "60" }] },
  { name: "VRRP_ADVERT without a pair", text: conf({}, ["VRRP_ADVERT=0.2"]), expect: [{ code: "unused-directive", line: 9, at: "VRRP_ADVERT" }] },
  { name: "VRRP_VERSION without a pair", text: conf({}, ["VRRP_VERSION=3"]), expect: [{ code: "unused-directive", line: 9, at: "VRRP_VERSION" }] },
];

function columnOf(text: string, e: Expect): { start: number; end: number } {
  const src = typeof text === "string" ? text : "";
  const line = src.split("\n")[e.line - 1] ?? "";
  if (e.at === "") return { start: 1, end: 1 };
  let idx = -1;
  for (let i = 0; i < (e.nth ?? 1); i++) idx = line.indexOf(e.at, idx + 1);
  if (idx === -1) throw new Error(`test bug: \`${e.at}\` not on line ${e.line}: ${line}`);
  return { start: idx + 1, end: idx + 1 + e.at.length };
}

describe("validation table", () => {
  it.each(INVALID)("reports $name", (c) => {
    const r = lintText(c.text, c.file !== undefined ? { file: c.file } : {});
    const got = r.diagnostics.map((d) => ({ code: d.code, line: d.span.start.line, column: d.span.start.column, endColumn: d.span.end.column }));
    const want = c.expect.map((e) => {
      if (typeof c.text !== "string") return { code: e.code, line: e.line, column: expect.any(Number), endColumn: expect.any(Number) };
      const { start, end } = columnOf(c.text, e);
      // a zero-width span at the start of the file or a line (missing directives)
      if (e.at === "") return { code: e.code, line: e.line, column: start, endColumn: end };
      return { code: e.code, line: e.line, column: start, endColumn: end };
    });
    expect(got).toEqual(want);
  });

  it("covers every code of the catalogue that lint() can produce", () => {
    const covered = new Set(INVALID.flatMap((c) => c.expect.map((e) => e.code)));
    // file-too-large is decided by the CLI before reading the file (test/cli.test.ts),
    // gateway-removed comes from converting to another LVS_TYPE (test/targets.test.ts),
    // ignored-hosts-entry is reported in the hosts file, and vrrp-router-id-collision and
    // director-pair-shared come from linting several confs together (below; test/conf-set.test.ts)
    // the N active directors' codes and mh's are tested with their positions in test/active.test.ts
    const elsewhere = new Set<Code>([
      "file-too-large",
      "gateway-removed",
      "ignored-hosts-entry",
      "vrrp-router-id-collision",
      "director-pair-shared",
      "active-nat",
      "active-with-pair",
      "active-too-few",
      "active-vip-device",
      "active-vip-on-lan",
      "active-scheduler",
      "mh-without-fallback",
      "mh-table-uneven",
      "invalid-sched-flag",
      "invalid-bgp-as",
      "bgp-peer-outside-network",
      "invalid-bgp-bfd",
      "invalid-bgp-bfd-timers",
      "bgp-bfd-timers-range",
    ]);
    // and lvsc import's codes come from a table or a keepalived.conf (test/import-*.test.ts)
    const missing = ALL_CODES.filter((c) => !covered.has(c) && !elsewhere.has(c) && !c.startsWith("import-"));
    expect(missing).toEqual([]);
  });
});

describe("valid confs", () => {
  it.each(EXAMPLE_CONFS)("%s has no problem", (name) => {
    const r = lintText(readExample(name), { file: name });
    expect(r.diagnostics).toEqual([]);
    expect(r.config).toBeDefined();
  });

  it("accepts every attested form of SERVICE", () => {
    const r = lintText(
      conf({ 5: null, 6: null }, [
        "SERVICE=t telnet rr rs1 rs2",
        "SERVICE=t 80 wlc rs1:http,2 rs2",
        "SERVICE=t https ppc rs1",
        "SERVICE=t 0 wrr ppc -t 1800 rs1",
        "SERVICE=u domain wlc rs1 rs2",
        "SERVICE=t 22 rr rs1 rs2 127.0.0.1 #for sanity check",
        "SERVICE=t 8000 lc ppc -t 60 -M 255.255.255.0 rs1,3 rs2:8000,0",
      ]),
    );
    expect(r.diagnostics.map((d) => d.code)).toEqual(["zero-weight"]);
    const svc = r.config!.services;
    expect(svc.map((s) => [s.protocol, s.port, s.scheduler, s.persistence?.timeout ?? null])).toEqual([
      ["tcp", 23, "rr", null],
      ["tcp", 80, "wlc", null],
      ["tcp", 443, "wlc", 360],
      ["tcp", 0, "wrr", 1800],
      ["udp", 53, "wlc", null],
      ["tcp", 22, "rr", null],
      ["tcp", 8000, "lc", 60],
    ]);
    expect(svc[1]!.realServers.map((rs) => [rs.port, rs.weight])).toEqual([
      [80, 2],
      [80, 1],
    ]);
    expect(svc[5]!.realServers[2]).toMatchObject({ address: 0x7f000001, localNode: true });
    expect(svc[6]!.persistence!.prefix).toBe(24);
  });

  it("remaps ports under NAT", () => {
    const r = lintText(routedNatConf(["SERVICE=t 8000 rr rs1:8080"]), { file: "lvs_nat.conf" });
    expect(r.errorCount).toBe(0);
    expect(r.config!.services[2]!.realServers[0]!.port).toBe(8080);
  });

  it("takes INITIAL_STATE in double quotes, as the HOWTO once wrote it", () => {
    const r = lintText(conf({ 2: 'INITIAL_STATE="off"' }));
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.initialState).toBe(false);
  });

  it("reads a whole quoted value as its fields", () => {
    const r = lintText(conf({ 3: 'VIP="eth0:101 192.168.0.101 255.255.255.0 192.168.0.255"' }));
    expect(r.diagnostics).toEqual([]);
  });

  it("assumes INITIAL_STATE=on when it is absent, with a warning", () => {
    const r = lintText(conf({ 2: null }));
    expect(r.config!.initialState).toBe(true);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["missing-initial-state"]);
  });

  it("keeps the walkthrough's broadcast typo a warning that does not block output", () => {
    const r = lintText(conf({ 3: "VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.0" }));
    expect(r.errorCount).toBe(0);
    expect(r.diagnostics[0]!.hint).toContain("192.168.0.255");
    expect(r.config!.vip.broadcast).toBe(0xc0a80000);
  });
});

describe("messages", () => {
  it("suggests the closest directive, scheduler, service and host", () => {
    const r = lintText(conf({ 6: "SERVICE=t htp rrr rs1 rs9" }, ["SERVER_VIP_DEVIC=dummy0"]));
    const hints = Object.fromEntries(r.diagnostics.map((d) => [d.code, d.hint]));
    expect(hints["unknown-service"]).toContain("did you mean `http`?");
    expect(hints["unknown-scheduler"]).toContain("did you mean `rr`?");
    expect(hints["unresolved-host"]).toContain("did you mean `rs1`?");
    expect(hints["unknown-directive"]).toBe("did you mean `SERVER_VIP_DEVICE`?");
  });

  it("explains why a LocalNode share keeps its port under NAT, and how to fix it", () => {
    const r = lintText(routedNatConf(["SERVICE=t smtp rr rs1:2525 localhost:2525"]), { file: "lvs_nat.conf" });
    expect(r.diagnostics.map((d) => [d.message, d.hint])).toEqual([
      [
        "the director serves `localhost:2525` itself, so it cannot send port 25 to port 2525",
        "the kernel does not masquerade to a loopback address, so the director's share goes by direct routing, which keeps the port: make the director's server listen on 25 and drop `:2525`",
      ],
    ]);
    // on the service's own port it is fine: the director's share goes by -g
    expect(lintText(routedNatConf(["SERVICE=t smtp rr rs1:2525 localhost"]), { file: "lvs_nat.conf" }).diagnostics).toEqual([]);
  });

  it("says which hosts files were searched and that DNS is never used", () => {
    const r = lintText(conf({ 6: "SERVICE=t www rr rs1 nosuchhost" }));
    expect(r.diagnostics[0]!.hint).toContain("searched examples/hosts");
    expect(r.diagnostics[0]!.hint).toContain("never uses DNS");
  });

  it("points a duplicate at its first definition", () => {
    const r = lintText(conf({}, ["SERVICE=t 80 rr rs1"]));
    const d = r.diagnostics[0]!;
    expect(d.code).toBe("duplicate-service");
    expect(d.related).toEqual([{ message: "first defined here", span: expect.objectContaining({ start: expect.objectContaining({ line: 6, column: 11 }) }) }]);
  });

  it("suggests the type the file name implies when LVS_TYPE is missing", () => {
    const r = lintText(conf({ 1: null }), { file: "conf/lvs_tun.conf.test" });
    expect(r.diagnostics.find((d) => d.code === "missing-directive")!.hint).toBe("add `LVS_TYPE=VS_TUN` (the file name says tun)");
  });

  it("reports every bad line of a file in one run", () => {
    const r = lintText(
      conf({
        1: "LVS_TYPE=VS_DRR",
        2: "INITIAL_STATE=yes",
        3: "VIP=eth0:101 192.168.0.301 255.255.255.0 192.168.0.255",
        5: "SERVICE=t telnet rrr rs1 rs2",
        6: "SERVICE=u www rr rs1 rs2",
        8: "SERVER_NET_DEVICE=eth0;x",
      }),
    );
    expect(r.diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([
      ["invalid-lvs-type", 1],
      ["invalid-initial-state", 2],
      ["invalid-ipv4", 3],
      ["unknown-scheduler", 5],
      ["unknown-service", 6],
      ["unexpected-character", 8],
    ]);
  });

  it("never prints control characters from the conf", () => {
    const r = lintText(conf({}, ["BAD\u001b[2J=1"]));
    for (const d of r.diagnostics) expect(d.message).not.toMatch(/[\u0000-\u001f\u007f]/);
  });

  it("starts messages in lower case (or with an identifier), without a final period", () => {
    const all = INVALID.flatMap((c) => lintText(c.text, c.file !== undefined ? { file: c.file } : {}).diagnostics);
    expect(all.length).toBeGreaterThanOrEqual(INVALID.length);
    for (const d of all) {
      expect(d.message).not.toMatch(/\.$/);
      expect(d.message).toMatch(/^([a-z0-9`]|[A-Z][A-Z0-9_]+\b)/);
    }
  });
});

describe("addresses", () => {
  // parseIPv4 reads addresses without a regex (a large conf has 100,000 of them); it must accept,
  // refuse and explain exactly as the regex it replaced
  function reference(s: string) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
    if (m === null) return { ok: false, reason: "expected four decimal numbers separated by dots" };
    let value = 0;
    for (let i = 1; i <= 4; i++) {
      const part = m[i]!;
      if (part.length > 1 && part[0] === "0") return { ok: false, reason: `\`${part}\` has a leading zero, which some tools read as octal` };
      if (Number(part) > 255) return { ok: false, reason: `\`${part}\` is more than 255` };
      value = value * 256 + Number(part);
    }
    return { ok: true, value };
  }

  it("reads and refuses dotted quads exactly as the strict regex does", () => {
    const text = fc.array(fc.constantFrom("0", "1", "2", "5", "9", ".", "25", "255", "256", "00", "x", " "), { maxLength: 12 }).map((a) => a.join(""));
    fc.assert(
      fc.property(text, (s) => {
        const want = reference(s);
        expect(parseIPv4(s)).toEqual(want);
        expect(ipv4At(`x${s}y`, 1, s.length + 1)).toBe(want.ok ? want.value : -1);
        expect(looksLikeIPv4(s)).toBe(/^[0-9.]+$/.test(s));
      }),
      { numRuns: 3000 },
    );
    for (const s of ["0.0.0.0", "255.255.255.255", "1.2.3.04", "1.2.3.256", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "1234.1.1.1"])
      expect(parseIPv4(s)).toEqual(reference(s));
  });
});

describe("the CIDR VIP", () => {
  it("takes `VIP=device address/prefix` and derives the netmask and broadcast", () => {
    const r = lintText(conf({ 3: "VIP=eth0:101 192.168.0.101/24" }));
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.vip).toMatchObject({ address: 0xc0a80065, netmask: 0xffffff00, prefix: 24, broadcast: 0xc0a800ff });
    expect(r.config!.vip.device).toMatchObject({ device: "eth0", label: "eth0:101" });
  });

  it("compiles to the same files as the four-field form", () => {
    const four = lintText(conf());
    const cidr = lintText(conf({ 3: "VIP=eth0:101 192.168.0.101/24" }));
    expect(cidr.config!.vip).toEqual(four.config!.vip);
  });

  it("takes a host name before the prefix", () => {
    const r = lintText(conf({ 3: "VIP=eth0:101 lvs/24" }));
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.vip.address).toBe(0xc0a80065);
  });

  it("names the CIDR form when the four-field form is short", () => {
    const r = lintText(conf({ 3: "VIP=eth0:101 192.168.0.101" }));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["field-count"]);
    expect(r.diagnostics[0]!.hint).toContain("`VIP=eth0:101 192.168.0.101/24`");
  });
});

describe("lvsc-disable comments", () => {
  const fwmark = (line: string) => conf({ 6: line });

  it("accept the named warning on the next line", () => {
    const r = lintText(conf({ 5: "# lvsc-disable-next-line fwmark-rule-not-generated -- marked by our firewall", 6: "SERVICE=f 1 rr rs1 rs2" }));
    expect(r.diagnostics).toEqual([]);
    expect([r.errorCount, r.warningCount]).toEqual([0, 0]);
    expect(r.config!.services.map((s) => s.fwmark)).toEqual([1]);
  });

  it("accept the named warning on their own line", () => {
    const r = lintText(fwmark("SERVICE=f 1 rr rs1 rs2 # lvsc-disable-line fwmark-rule-not-generated"));
    expect(r.diagnostics).toEqual([]);
  });

  it("accept only the codes they name, on their line only", () => {
    const r = lintText(conf({ 5: "SERVICE=f 2 rr rs1 rs2", 6: "SERVICE=f 1 rr rs1,0 rs2 # lvsc-disable-line fwmark-rule-not-generated" }));
    expect(r.diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([
      ["fwmark-rule-not-generated", 5],
      ["zero-weight", 6],
    ]);
  });

  it("take several codes, separated by commas", () => {
    const r = lintText(fwmark("SERVICE=f 1 rr rs1,0 rs2 # lvsc-disable-line fwmark-rule-not-generated, zero-weight"));
    expect(r.diagnostics).toEqual([]);
  });

  it("cannot hide an error", () => {
    const r = lintText(conf({ 5: "# lvsc-disable-next-line realserver-is-vip", 6: "SERVICE=t www rr rs1 192.168.0.101" }));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["invalid-disable-comment", "realserver-is-vip"]);
    expect(r.config).toBeUndefined();
  });

  it("are only comments that start with the directive", () => {
    const r = lintText(fwmark("SERVICE=f 1 rr rs1 rs2 # see lvsc-disable-line fwmark-rule-not-generated"));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["fwmark-rule-not-generated"]);
  });

  it("work in hosts files too", () => {
    const hosts = { path: "hosts", text: "# lvsc-disable-next-line ignored-hosts-entry -- kept for glibc\n0300.0250.0.5 octal1\n192.168.0.3 rs1\n" };
    const r = lint(conf(), { file: "lvs_dr.conf", hosts: [hosts, EXAMPLE_HOSTS] });
    expect(r.hostsResults).toEqual([]);
  });
});

describe("hosts files", () => {
  const octal = { path: "site/hosts", text: "# the site's hosts\n192.168.0.9\tgood1\n  0300.0250.0.5  octal1 octal2 # old\n10.1 short1\n::1 six1\n" };

  it("warn at each line lvsc ignores, in the hosts file", () => {
    const r = lint(conf(), { file: "lvs_dr.conf", hosts: [octal, EXAMPLE_HOSTS] });
    expect(r.diagnostics).toEqual([]);
    expect(r.hostsResults!.map((h) => [h.file, h.warningCount, h.errorCount])).toEqual([["site/hosts", 2, 0]]);
    const [first, second] = r.hostsResults![0]!.diagnostics;
    expect([first!.code, first!.span]).toEqual([
      "ignored-hosts-entry",
      { start: { line: 3, column: 3, offset: octal.text.indexOf("0300") }, end: { line: 3, column: 16, offset: octal.text.indexOf("0300") + 13 } },
    ]);
    expect(first!.message).toBe(
      "lvsc ignores this line: `0300.0250.0.5` is not an address it accepts (`0300` has a leading zero, which glibc reads as octal), so `octal1`, `octal2` have no address from it",
    );
    expect(first!.hint).toContain("glibc reads it as 192.168.0.5");
    expect([second!.code, second!.span.start.line, second!.span.start.column, second!.span.end.column]).toEqual(["ignored-hosts-entry", 4, 1, 5]);
    expect(second!.message).toContain("(2 numbers instead of four, which glibc fills in)");
    expect(second!.hint).toContain("glibc reads it as 10.0.0.1");
  });

  it("say why a conf's host on such a line does not resolve, without suggesting the name itself", () => {
    const r = lint(conf({ 6: "SERVICE=t www rr rs1 octal1" }), { file: "lvs_dr.conf", hosts: [octal, EXAMPLE_HOSTS] });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["unresolved-host"]);
    const d = r.diagnostics[0]!;
    expect(d.message).toBe("cannot resolve host `octal1` (the real server): its line in site/hosts has an address lvsc refuses");
    expect(d.hint).toContain("site/hosts:3 gives `0300.0250.0.5`");
    expect(d.hint).not.toContain("did you mean");
  });

  it("resolve a name from a later line that lvsc takes", () => {
    const r = lint(conf({ 6: "SERVICE=t www rr rs1 octal1" }), { file: "lvs_dr.conf", hosts: [{ path: "h", text: "0300.0250.0.5 octal1\n192.168.0.5 octal1\n" }, EXAMPLE_HOSTS] });
    expect(r.diagnostics).toEqual([]);
    expect(r.hostsResults!.map((h) => h.diagnostics.map((x) => x.code))).toEqual([["ignored-hosts-entry"]]);
  });
});

describe("did you mean", () => {
  it(`suggests names for the first ${SUGGESTED} distinct unresolved names only, and says so after`, () => {
    const names = Array.from({ length: SUGGESTED + 2 }, (_, i) => `rs1${String.fromCharCode(97 + i)}`);
    const r = lintText(conf({ 6: `SERVICE=t www rr ${names.join(" ")} ${names[0]}` }));
    const hints = r.diagnostics.filter((d) => d.code === "unresolved-host").map((d) => d.hint!);
    expect(hints).toHaveLength(SUGGESTED + 3);
    expect(hints.slice(0, SUGGESTED).every((h) => h.startsWith("did you mean `rs1`?"))).toBe(true);
    expect(hints.slice(SUGGESTED, SUGGESTED + 2).every((h) => h.startsWith(`(no suggestion: more than ${SUGGESTED} names are not in the hosts table)`))).toBe(true);
    // a name already looked up keeps its suggestion
    expect(hints[SUGGESTED + 2]).toMatch(/^did you mean `rs1`\?/);
  });
});

describe("two directors (DIRECTOR_PAIR)", () => {
  it.each(["lvs_dr_ha.conf", "lvs_nat_ha.conf"])("%s has no problem", (name) => {
    const r = lintText(readExample(name), { file: name });
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.pair).toBeDefined();
  });

  it("models the pair: director1 first and of higher priority, preempt off unless asked", () => {
    const dr = lintText(readExample("lvs_dr_ha.conf"), { file: "lvs_dr_ha.conf" }).config!;
    expect(dr.pair!.directors.map((d) => [d.role, d.address, d.written, d.priority])).toEqual([
      ["director1", 0xc0a8000b, "director1", 250],
      ["director2", 0xc0a8000c, "director2", 200],
    ]);
    expect(dr.pair!.preempt).toBe(false);
    expect(dr.vrrp).toMatchObject({ routerId: 101, given: false });
    const nat = lintText(readExample("lvs_nat_ha.conf"), { file: "lvs_nat_ha.conf" }).config!;
    expect(nat.pair!.preempt).toBe(true);
    expect(nat.vrrp).toMatchObject({ routerId: 51, given: true });
  });

  it("derives the router id from the VIP's last octet, 1 for .0, and takes VRRP_ROUTER_ID without a pair", () => {
    expect(lintText(conf({ 3: "VIP=eth0:101 10.0.5.0 255.255.0.0 10.0.255.255", 4: "DIRECTOR_INSIDEIP=eth0 10.0.0.1 10.0.0.0 255.255.0.0 10.0.255.255", 5: null, 6: "SERVICE=t www rr 10.0.0.3" })).config!.vrrp!.routerId).toBe(1);
    const plain = lintText(conf({}, ["VRRP_ROUTER_ID=7"])).config!;
    expect(plain.pair).toBeUndefined();
    expect(plain.vrrp).toMatchObject({ routerId: 7, given: true });
  });

  it("points a conflict at the other address's definition", () => {
    const d = lintText(conf({}, ["DIRECTOR_PAIR=192.168.0.1 director2"])).diagnostics[0]!;
    expect(d.related).toEqual([{ message: "DIP given here", span: expect.objectContaining({ start: expect.objectContaining({ line: 4, column: 24 }) }) }]);
  });
});

describe("two clusters linted together", () => {
  const lvsDr = (vip: number, extra: string[] = []) =>
    conf({ 3: `VIP=eth0:${vip} 192.168.0.${vip} 255.255.255.0 192.168.0.255` }, extra);
  const codes = (texts: [string, string][]) =>
    checkConfSet(texts.map(([file, text]) => lintText(text, { file }))).map((r) =>
      r.diagnostics.map((d) => [d.code, d.span.start.line, d.span.start.column, d.span.end.column]),
    );

  it("reports one router id on one network in both files, at the VRRP_ROUTER_ID or at the VIP it comes from", () => {
    const out = codes([
      ["lvs_dr.conf", lvsDr(101)],
      ["lvs_dr.conf.mail", lvsDr(102, ["VRRP_ROUTER_ID=101"])],
    ]);
    // line 3 is `VIP=eth0:101 192.168.0.101 …`: the address is columns 14..27
    expect(out).toEqual([[["vrrp-router-id-collision", 3, 14, 27]], [["vrrp-router-id-collision", 9, 16, 19]]]);
    const r = checkConfSet([lintText(lvsDr(101), { file: "a.conf" }), lintText(lvsDr(102, ["VRRP_ROUTER_ID=101"]), { file: "b.conf" })]);
    expect(r[0]!.diagnostics[0]!.message).toBe("VRRP router id 101 on 192.168.0.0/24 is also the router id of b.conf (VIP 192.168.0.102, line 9)");
    expect(r[0]!.diagnostics[0]!.hint).toContain("`VRRP_ROUTER_ID=1`");
    expect(r.map((x) => [x.errorCount, x.config])).toEqual([
      [1, undefined],
      [1, undefined],
    ]);
  });

  it("finds the collision on a NAT pair's inside network, where its DIP instance runs", () => {
    const nat = readExample("lvs_nat_ha.conf");
    // another cluster whose VIP is on the NAT pair's inside network, with the same id
    const inside = conf({ 3: "VIP=eth0:7 10.1.1.7 255.255.255.0 10.1.1.255", 4: "DIRECTOR_INSIDEIP=eth0 10.1.1.8 10.1.1.0 255.255.255.0 10.1.1.255", 5: null, 6: "SERVICE=t www rr web1 web2" }, ["VRRP_ROUTER_ID=51"]);
    expect(codes([["lvs_nat_ha.conf", nat], ["lvs_dr.conf", inside]]).map((ds) => ds.map((d) => d[0]))).toEqual([["vrrp-router-id-collision"], ["vrrp-router-id-collision"]]);
  });

  it("leaves versions of one cluster (the same VIP), other networks and other ids alone", () => {
    expect(codes([["lvs_dr.conf", readExample("lvs_dr.conf")], ["lvs_dr_ha.conf", readExample("lvs_dr_ha.conf")]])).toEqual([[], []]);
    const elsewhere = conf({ 3: "VIP=eth0:101 192.168.7.101 255.255.255.0 192.168.7.255", 4: "DIRECTOR_INSIDEIP=eth0 192.168.7.1 192.168.7.0 255.255.255.0 192.168.7.255", 5: null, 6: "SERVICE=t www rr 192.168.7.3" });
    expect(codes([["lvs_dr.conf", lvsDr(101)], ["lvs_dr.conf.b", elsewhere]])).toEqual([[], []]);
    expect(codes([["lvs_dr.conf", lvsDr(101)], ["lvs_dr.conf.b", lvsDr(102)]])).toEqual([[], []]);
  });

  it("makes lvsc lint exit 1 on a directory holding two colliding clusters", async () => {
    const { mkdtempSync, writeFileSync, copyFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "lvsc-set-"));
    writeFileSync(join(dir, "lvs_dr.conf"), lvsDr(101));
    writeFileSync(join(dir, "lvs_dr.conf.mail"), lvsDr(102, ["VRRP_ROUTER_ID=101"]));
    copyFileSync(join(EXAMPLES, "hosts"), join(dir, "hosts"));
    let stdout = "";
    const io: Io = { stdout: (t) => (stdout += t), stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, env: {} };
    expect(await main(["lint", dir], io)).toBe(1);
    expect(stdout.match(/vrrp-router-id-collision/g)).toHaveLength(2);
    // each file alone is clean
    stdout = "";
    expect(await main(["lint", join(dir, "lvs_dr.conf")], io)).toBe(0);
  });
});
