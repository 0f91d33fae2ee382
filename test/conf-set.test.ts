// Confs linted together (`lvsc lint DIR`): two pairs on the same directors (director-pair-shared),
// and the code frame of a diagnostic that only the set finds, in a file that alone is clean.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkConfSet, lint } from "../src/index.js";
import { conf, dirWith, EXAMPLE_HOSTS, EXAMPLES, lvscInProcess } from "./helpers.js";

const HOSTS = join(EXAMPLES, "hosts");

/** The walkthrough's cluster on VIP 192.168.0.<vip>, with extra lines (DIRECTOR_PAIR ... ) at the end. */
const cluster = (vip: number, extra: string[]) => conf({ 3: `VIP=eth0:${vip} 192.168.0.${vip} 255.255.255.0 192.168.0.255` }, extra);

function set(files: [string, string][]) {
  return checkConfSet(files.map(([file, text]) => lint(text, { file, hosts: [EXAMPLE_HOSTS] })));
}
const found = (files: [string, string][]) =>
  set(files).map((r) => r.diagnostics.map((d) => [d.code, d.span.start.line, d.span.start.column, d.span.end.column]));

const lvsc = lvscInProcess;

describe("director-pair-shared", () => {
  // line 9 of each conf is the DIRECTOR_PAIR line: `DIRECTOR_PAIR=` is 14 characters
  it("reports two clusters on the same two directors in both confs, at the DIRECTOR_PAIR line, the directors compared by address", () => {
    const web = cluster(101, ["DIRECTOR_PAIR=director1 director2"]);
    const mail = cluster(102, ["DIRECTOR_PAIR=192.168.0.11 192.168.0.12"]);
    expect(found([["lvs_dr.conf", web], ["lvs_dr.conf.mail", mail]])).toEqual([
      [["director-pair-shared", 9, 15, 34]],
      [["director-pair-shared", 9, 15, 40]],
    ]);
    const [a, b] = set([["lvs_dr.conf", web], ["lvs_dr.conf.mail", mail]]);
    expect(a!.diagnostics[0]!.message).toBe(
      "director1 `director1` (192.168.0.11) and director2 `director2` (192.168.0.12) are also the directors of lvs_dr.conf.mail (VIP 192.168.0.102, DIRECTOR_PAIR at line 9)",
    );
    expect(b!.diagnostics[0]!.message).toBe("director1 192.168.0.11 and director2 192.168.0.12 are also the directors of lvs_dr.conf (VIP 192.168.0.101, DIRECTOR_PAIR at line 9)");
    expect(a!.diagnostics[0]!.hint).toContain("keepalived.conf");
    expect(a!.diagnostics[0]!.severity).toBe("error");
    expect([a!.errorCount, a!.config, b!.errorCount, b!.config]).toEqual([1, undefined, 1, undefined]);
    // each conf alone is clean, and so are their router ids (101 and 102)
    expect([lint(web, { hosts: [EXAMPLE_HOSTS] }).diagnostics, lint(mail, { hosts: [EXAMPLE_HOSTS] }).diagnostics]).toEqual([[], []]);
  });

  it("reports one shared director at its own field, and the directors in either order", () => {
    const a = cluster(101, ["DIRECTOR_PAIR=director1 director2"]);
    const one = cluster(102, ["DIRECTOR_PAIR=192.168.0.21 director2"]);
    expect(found([["lvs_dr.conf", a], ["lvs_dr.conf.b", one]])).toEqual([
      [["director-pair-shared", 9, 25, 34]],
      [["director-pair-shared", 9, 28, 37]],
    ]);
    expect(set([["lvs_dr.conf", a], ["lvs_dr.conf.b", one]])[1]!.diagnostics[0]!.message).toBe(
      "director2 `director2` (192.168.0.12) is also a director of lvs_dr.conf (VIP 192.168.0.101, DIRECTOR_PAIR at line 9)",
    );
    const swapped = cluster(102, ["DIRECTOR_PAIR=director2 director1"]);
    expect(found([["lvs_dr.conf", a], ["lvs_dr.conf.b", swapped]]).map((ds) => ds.map((d) => d[0]))).toEqual([["director-pair-shared"], ["director-pair-shared"]]);
  });

  it("leaves versions of one cluster (the same VIP), other directors and single directors alone", () => {
    const a = cluster(101, ["DIRECTOR_PAIR=director1 director2"]);
    expect(found([["lvs_dr.conf", a], ["lvs_dr.conf.off", cluster(101, ["DIRECTOR_PAIR=director1 director2", "VRRP_PREEMPT=on"])]])).toEqual([[], []]);
    expect(found([["lvs_dr.conf", a], ["lvs_dr.conf.b", cluster(102, ["DIRECTOR_PAIR=192.168.0.21 192.168.0.22"])]])).toEqual([[], []]);
    expect(found([["lvs_dr.conf", a], ["lvs_dr.conf.b", cluster(102, [])]])).toEqual([[], []]);
  });
});

/** What stylish prints under a message for a one-digit line: the location, the line, carets from column `from` to `to` (exclusive). */
const frame = (file: string, line: number, text: string, from: number, to: number) =>
  [` --> ${file}:${line}:${from}`, "  |", `${line} | ${text}`, `  | ${" ".repeat(from - 1)}${"^".repeat(to - from)}`].join("\n") + "\n";

describe("lvsc lint DIR: diagnostics of the set have code frames", () => {
  it("director-pair-shared: a frame at the DIRECTOR_PAIR line of each conf, exit 1", async () => {
    const dir = dirWith({
      "lvs_dr.conf": cluster(101, ["DIRECTOR_PAIR=director1 director2"]),
      "lvs_dr.conf.mail": cluster(102, ["DIRECTOR_PAIR=192.168.0.11 192.168.0.12"]),
    });
    const r = await lvsc(["lint", "--hosts", HOSTS, dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(frame(join(dir, "lvs_dr.conf"), 9, "DIRECTOR_PAIR=director1 director2", 15, 34));
    expect(r.stdout).toContain(frame(join(dir, "lvs_dr.conf.mail"), 9, "DIRECTOR_PAIR=192.168.0.11 192.168.0.12", 15, 40));
    expect(r.stdout.match(/error\[director-pair-shared\]/g)).toHaveLength(2);
  });

  it("vrrp-router-id-collision: a frame in the file that alone is clean too", async () => {
    const dir = dirWith({ "lvs_dr.conf": cluster(101, []), "lvs_dr.conf.mail": cluster(102, ["VRRP_ROUTER_ID=101"]) });
    const r = await lvsc(["lint", "--hosts", HOSTS, dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(frame(join(dir, "lvs_dr.conf"), 3, "VIP=eth0:101 192.168.0.101 255.255.255.0 192.168.0.255", 14, 27));
    expect(r.stdout).toContain(frame(join(dir, "lvs_dr.conf.mail"), 9, "VRRP_ROUTER_ID=101", 16, 19));
  });
});
