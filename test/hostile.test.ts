// Hostile input: no conf text and no hosts or services file can put a command into a script.
// Every hostile value is either refused with a diagnostic (and then nothing is emitted at all)
// or reaches the output only as a validated, canonical value.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { compileText, conf, EXAMPLE_HOSTS, natConf } from "./helpers.js";

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
  // IPv6 text in every field: each refused (lvsc builds IPv4 clusters so far), none as code
  ":::",
  "1:2:3:4:5:6:7:8:9",
  "fe80::1%eth0",
  "[::1]",
  "[::1]:80",
  "2001:db8::1:80",
  "2001:DB8::0001",
  "::ffff:192.0.2.1",
  "[$(id)]:80",
  "[2001:db8::1]:80,3;id",
  "0:" + "0".repeat(300) + "::1",
];

/** Every place a conf value lands in a script, as a conf with PLACE where the value goes. */
const FIELDS: { name: string; conf: (v: string) => string; file?: string }[] = [
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
];

describe.each(FIELDS)("$name", (field) => {
  it.each(VALUES.map((v) => [JSON.stringify(v), v]))("refuses %s, or emits it only as a plain word", (_label, v) => {
    const r = compileText(field.conf(v), field.file !== undefined ? { file: field.file } : {});
    if (r.errorCount > 0) {
      expect(r.files).toEqual([]);
      return;
    }
    // accepted: only `"reboot"` in double quotes can be, and its quotes are gone
    expect(v).toBe('"reboot"');
    const all = r.files.map((f) => f.contents).join("\n");
    expect(all).not.toContain(v);
    expect(all).toMatch(/\breboot\b/);
    for (const f of r.files.filter((x) => x.path.startsWith("rc."))) expect(spawnSync("sh", ["-n"], { input: f.contents }).status).toBe(0);
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
