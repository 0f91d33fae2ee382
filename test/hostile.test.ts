// Hostile input: no conf text and no hosts or services file can put a command into a script.
// Every hostile value is either refused with a diagnostic (and then nothing is emitted at all)
// or reaches the output only as a validated, canonical value.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { Target } from "../src/index.js";
import { formatIPv6, parseIPv6 } from "../src/net.js";
import { compileText, conf, conf6, EXAMPLE_HOSTS, natConf } from "./helpers.js";

const FRAGMENTS = ["reboot", "$(id)", "`id`", "; rm", "| nc", "&& curl", "'x'", '"x"', "\nid", "*", "../", "-rf"];
const VALUES = [
  ";reboot",
  "$(reboot)",
  "`reboot`",
  "a|reboot",
  "a&reboot",
  "'reboot'",
  '"reboot"',
  "a b",
  "*",
  "-rf",
  "--reboot",
  "a\nreboot",
  "\u0000",
  "é",
  "a>b",
  // IPv6 text in every field: each refused, or (where an IPv6 address belongs) emitted only in
  // its canonical form; none as code
  ":::",
  "1:2:3:4:5:6:7:8:9",
  "fe80::1%eth0",
  "[::1]",
  "[::1]:80",
  "2001:db8::1:80", // a valid address (ipvsadm would read it as port 0): written [2001:db8::1:80]:port
  "2001:DB8::0001",
  "2001:db8:0:0:0:0:0:7",
  "::ffff:192.0.2.1",
  "::192.0.2.1",
  "2001:db8::192.0.2.1",
  "[$(id)]:80",
  "[2001:db8::1]:80,3;id",
  "2001:db8::1;reboot",
  "2001:db8::$(id)",
  "0:" + "0".repeat(300) + "::1",
  "1:".repeat(200) + "1",
  "::".repeat(100),
];

/**
 * The canonical text of an IPv6 value as a field may take it: an address, `[address]:port`, or
 * either followed by `,weight` or `/prefix`; undefined when it is none of these.
 */
function canonicalIPv6(v: string): string | undefined {
  const m = /^(\[)?([0-9A-Fa-f:.]+)(\]:\d+)?((?:,\d+)|(?:\/\d+))?$/.exec(v);
  if (m === null || (m[1] === undefined) !== (m[3] === undefined)) return undefined;
  const r = parseIPv6(m[2]!);
  return r.ok ? `${m[1] ?? ""}${formatIPv6(r.value)}${m[3] ?? ""}${m[4] ?? ""}` : undefined;
}

/** What an IPv6 cluster's hostile runs compile (see the IPv6 fields below). */
const V6_TARGETS: Target[] = ["rc", "rc-local", "exports", "rules", "keepalived", "mon", "systemd", "sysctl"];

/** Every place a conf value lands in a script, as a conf with PLACE where the value goes. */
const FIELDS: { name: string; conf: (v: string) => string; file?: string; targets?: Target[]; unused?: true }[] = [
  { name: "LVS_TYPE", conf: (v) => conf({ 1: `LVS_TYPE=${v}` }) },
  { name: "INITIAL_STATE", conf: (v) => conf({ 2: `INITIAL_STATE=${v}` }) },
  { name: "VIP device", conf: (v) => conf({ 3: `VIP=${v} 192.168.0.101 255.255.255.0 192.168.0.255` }) },
  { name: "VIP address", conf: (v) => conf({ 3: `VIP=eth0:101 ${v} 255.255.255.0 192.168.0.255` }) },
  { name: "VIP netmask", conf: (v) => conf({ 3: `VIP=eth0:101 192.168.0.101 ${v} 192.168.0.255` }) },
  { name: "VIP broadcast", conf: (v) => conf({ 3: `VIP=eth0:101 192.168.0.101 255.255.255.0 ${v}` }) },
  { name: "DIP device", conf: (v) => conf({ 4: `DIRECTOR_INSIDEIP=${v} 192.168.0.1 192.168.0.0 255.255.255.0 192.168.0.255` }) },
  { name: "DIP address", conf: (v) => conf({ 4: `DIRECTOR_INSIDEIP=eth0 ${v} 192.168.0.0 255.255.255.0 192.168.0.255` }) },
  { name: "director gateway", conf: (v) => conf({}, [`DIRECTOR_DEFAULT_GW=${v}`]) },
  { name: "service", conf: (v) => conf({ 6: `SERVICE=t ${v} rr rs1 rs2` }) },
  { name: "scheduler", conf: (v) => conf({ 6: `SERVICE=t www ${v} rs1 rs2` }) },
  { name: "persistence timeout", conf: (v) => conf({ 6: `SERVICE=t www rr ppc -t ${v} rs1 rs2` }) },
  { name: "persistence mask", conf: (v) => conf({ 6: `SERVICE=t www rr ppc -M ${v} rs1 rs2` }) },
  { name: "fwmark", conf: (v) => conf({ 6: `SERVICE=f ${v} rr rs1 rs2` }) },
  { name: "real server host", conf: (v) => conf({ 6: `SERVICE=t www rr ${v} rs2` }) },
  { name: "real server port", conf: (v) => natConf([`SERVICE=t 81 rr rs1:${v}`]), file: "lvs_nat.conf" },
  { name: "real server weight", conf: (v) => conf({ 6: `SERVICE=t www rr rs1,${v} rs2` }) },
  { name: "SERVER_VIP_DEVICE", conf: (v) => conf({ 7: `SERVER_VIP_DEVICE=${v}` }) },
  { name: "SERVER_NET_DEVICE", conf: (v) => conf({ 8: `SERVER_NET_DEVICE=${v}` }) },
  { name: "SERVER_DEFAULT_GW", conf: (v) => conf({}, [`SERVER_DEFAULT_GW=${v}`]) },
  { name: "a quoted value", conf: (v) => conf({ 8: `SERVER_NET_DEVICE="${v}"` }) },
  // the same fields of an IPv6 cluster (test/helpers.ts BASE6), and those only IPv6 has
  { name: "IPv6 VIP address", conf: (v) => conf6({ 3: `VIP=eth0 ${v}/64` }), targets: V6_TARGETS },
  { name: "IPv6 VIP, no prefix", conf: (v) => conf6({ 3: `VIP=eth0 ${v}` }), targets: V6_TARGETS },
  { name: "IPv6 VIP prefix", conf: (v) => conf6({ 3: `VIP=eth0 2001:db8::101/${v}` }), targets: V6_TARGETS },
  { name: "IPv6 VIP device", conf: (v) => conf6({ 3: `VIP=${v} 2001:db8::101/64` }), targets: V6_TARGETS },
  { name: "IPv6 DIP address", conf: (v) => conf6({ 4: `DIRECTOR_INSIDEIP=eth0 ${v}/64` }), targets: V6_TARGETS },
  { name: "IPv6 DIP prefix", conf: (v) => conf6({ 4: `DIRECTOR_INSIDEIP=eth0 2001:db8::1/${v}` }), targets: V6_TARGETS },
  { name: "IPv6 real server host", conf: (v) => conf6({ 5: `SERVICE=t www rr ${v} rs2` }), targets: V6_TARGETS },
  { name: "IPv6 real server [address]:port", conf: (v) => conf6({ 5: `SERVICE=t www rr [${v}]:80 rs2` }), targets: V6_TARGETS },
  { name: "IPv6 real server port", conf: (v) => conf6({ 1: "LVS_TYPE=VS_NAT", 5: `SERVICE=t 81 rr [2001:db8::3]:${v}`, 6: null, 7: null }), file: "lvs_nat.conf", targets: V6_TARGETS },
  { name: "IPv6 real server weight", conf: (v) => conf6({ 5: `SERVICE=t www rr [2001:db8::3]:80,${v} rs2` }), targets: V6_TARGETS },
  { name: "IPv6 persistence prefix", conf: (v) => conf6({ 5: `SERVICE=t www rr ppc -M ${v} rs1 rs2` }), targets: V6_TARGETS },
  { name: "IPv6 director gateway", conf: (v) => conf6({}, [`DIRECTOR_DEFAULT_GW=${v}`]), targets: V6_TARGETS },
  { name: "IPv6 server gateway", conf: (v) => conf6({}, [`SERVER_DEFAULT_GW=${v}`]), targets: V6_TARGETS },
  // the rc script's route names it: `ip -6 route replace default via fe80::1 dev DEV`
  { name: "IPv6 link-local gateway's device", conf: (v) => conf6({}, [`SERVER_DEFAULT_GW=fe80::1 ${v}`]), targets: V6_TARGETS },
  { name: "IPv6 DIRECTOR_PAIR", conf: (v) => conf6({}, [`DIRECTOR_PAIR=${v} 2001:db8::12`]), targets: V6_TARGETS },
  { name: "IPv6 SERVER_VIP_DEVICE", conf: (v) => conf6({ 6: `SERVER_VIP_DEVICE=${v}` }), targets: V6_TARGETS },
];

describe.each(FIELDS)("$name", (field) => {
  it.each(VALUES.map((v) => [JSON.stringify(v), v]))("refuses %s, or emits it only as a plain word", (_label, v) => {
    const r = compileText(field.conf(v), { ...(field.file !== undefined ? { file: field.file } : {}), ...(field.targets !== undefined ? { targets: field.targets } : {}) });
    if (r.errorCount > 0) {
      expect(r.files).toEqual([]);
      return;
    }
    const all = r.files.map((f) => f.contents).join("\n");
    for (const f of r.files.filter((x) => x.path.startsWith("rc."))) expect(spawnSync("sh", ["-n"], { input: f.contents }).status).toBe(0);
    if (v === '"reboot"') {
      // in double quotes, and its quotes are gone
      expect(all).not.toContain(v);
      if (field.unused !== true) expect(all).toMatch(/\breboot\b/);
      return;
    }
    // else only an IPv6 address, where one belongs, and then only in its canonical form
    const canonical = canonicalIPv6(v);
    expect(canonical, "accepted, but not an IPv6 address").toBeDefined();
    const bare = canonical!.replace(/^\[|\]:\d+$|[,/]\d+$/g, "");
    expect(all).toContain(bare);
    if (canonical !== v) expect(all).not.toContain(v.replace(/^\[|\]:\d+$|[,/]\d+$/g, ""));
  });
});

describe("hosts and services files are input too", () => {
  it("takes only canonical addresses from a hostile hosts file", () => {
    const hostile = {
      path: "evil-hosts",
      text: [
        "192.168.0.3 rs1 $(reboot) `id` ;rm",
        "$(reboot) rs2",
        "192.168.0.004 rs2", // octal-looking: refused, so rs2 falls through to the next file
        "192.168.0.5;reboot rs9",
        "'192.168.0.6' rs8",
      ].join("\n"),
    };
    const r = compileText(conf(), { hosts: [hostile, EXAMPLE_HOSTS] });
    expect(r.errorCount).toBe(0);
    const all = r.files.map((f) => f.contents).join("\n");
    for (const frag of ["(reboot)", ";reboot", "`id`", ";rm", "192.168.0.6", "192.168.0.004", "0.5;"]) expect(all).not.toContain(frag);
    expect(all).toContain("192.168.0.3");
    expect(all).toContain("192.168.0.4");
  });

  it("takes only canonical IPv6 addresses from a hostile hosts file", () => {
    const hostile = {
      path: "evil-hosts6",
      text: [
        "2001:DB8:0:0:0:0:0:0003 rs1 $(reboot)", // upper case, leading zeros: read, written canonical
        "fe80::4%eth0 rs2", // a zone id: refused, so rs2 falls through to the next file
        "[2001:db8::5] rs2",
        "2001:db8::6;reboot rs9",
        "2001:db8:::7 rs8",
      ].join("\n"),
    };
    const r = compileText(conf6(), { hosts: [hostile, EXAMPLE_HOSTS], targets: V6_TARGETS });
    expect(r.errorCount).toBe(0);
    const all = r.files.map((f) => f.contents).join("\n");
    for (const frag of ["(reboot)", ";reboot", "DB8", "0003", "%eth0", "fe80::4", "[2001:db8::5]", "2001:db8::6", ":::"]) expect(all).not.toContain(frag);
    expect(all).toContain("-r [2001:db8::3]:80");
    expect(all).toContain("-r [2001:db8::4]:80");
  });

  it("takes only port numbers from a hostile services file", () => {
    const services = { path: "evil-services", text: "www 80/tcp $(reboot)\n$(id) 81/tcp\ntelnet 23/tcp `id`\nbad 99999/tcp\n" };
    const r = compileText(conf(), { services });
    expect(r.errorCount).toBe(0);
    const all = r.files.map((f) => f.contents).join("\n");
    for (const frag of FRAGMENTS.slice(1, 3)) expect(all).not.toContain(frag);
  });

  it("cannot name a host a conf could not write", () => {
    // the conf's whitelist stops `$(id)` before any look-up happens
    const r = compileText(conf({ 6: "SERVICE=t www rr $(id) rs2" }), { hosts: [{ path: "h", text: "10.0.0.1 $(id)\n" }] });
    expect(r.files).toEqual([]);
  });
});
