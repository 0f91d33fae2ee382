// The conf format offline (issue 16 §2): `lvsc help conf`, the man page's CONF FORMAT section and
// the README's table all come from CONF_FORMAT (src/directives.ts), so they cannot disagree; and
// help compile says which keepalived file is whose.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, type Io } from "../src/cli.js";
import { CONF_FORMAT, DIRECTIVES } from "../src/directives.js";
import { confHelp, confMarkdown, README_CONF_MARKERS, readmeWithConfFormat } from "../src/usage.js";
import { ROOT } from "./helpers.js";
import { needTool } from "./tools.js";

async function lvsc(args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdoutIsTTY: false, stderrIsTTY: false, env: {} };
  return { code: await main(args, io), stdout, stderr };
}

/** CONF_FORMAT's markup as a reader sees it: code and emphasis as plain text, a link as its text. */
const plain = (s: string) => s.replace(/`([^`]+)`/g, "$1").replace(/\*\*([^*]+)\*\*/g, "$1").replace(/\[([^\]]+)\]\(#[a-z0-9-]+\)/g, "$1 in the README");
const words = (s: string) => s.replace(/\s+/g, " ").trim();

describe("the README's conf format", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");

  it("is exactly what npm run docs writes from src/directives.ts (run it after changing CONF_FORMAT)", () => {
    expect(readmeWithConfFormat(readme)).toBe(readme);
  });

  it("is in the section \"The conf format in brief\", and its table has every directive", () => {
    const section = readme.slice(readme.indexOf("## The conf format in brief"), readme.indexOf("\n## ", readme.indexOf("## The conf format in brief") + 1));
    expect(section).toContain(README_CONF_MARKERS[0]);
    expect(section).toContain(README_CONF_MARKERS[1]);
    const rows = confMarkdown().split("\n").filter((l) => l.startsWith("| `"));
    expect(rows.map((r) => /^\| `([A-Z_]+)` \|/.exec(r)?.[1])).toEqual(Object.keys(DIRECTIVES));
    // each row has its three cells: a `|` in the text is escaped
    for (const r of rows) expect([r, r.split(/(?<!\\)\|/).length]).toEqual([r, 5]);
    expect(confMarkdown()).toContain("```\n" + CONF_FORMAT.grammar.join("\n") + "\n```\n");
  });

  it("is refused without its markers, rather than written somewhere", () => {
    expect(() => readmeWithConfFormat("# lvsc\n")).toThrow(/must have the lines/);
  });
});

describe("lvsc help conf", () => {
  it("describes every directive, the SERVICE line and the real server, and is what `lvsc help` lists", async () => {
    const r = await lvsc(["help", "conf"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe(confHelp());
    for (const d of CONF_FORMAT.directives) {
      expect(r.stdout).toMatch(new RegExp(`^  ${d.name} +${plain(d.fields).split(" ")[0]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "m"));
      expect(words(r.stdout)).toContain(words(plain(d.use)));
    }
    for (const g of CONF_FORMAT.grammar) expect(r.stdout).toContain(`\n  ${g}\n`);
    for (const n of CONF_FORMAT.notes) expect(words(r.stdout)).toContain(words(plain(n)));
    expect(r.stdout).toContain("keepalived.backup.conf for director2");
    expect((await lvsc(["help"])).stdout).toMatch(/^ {2}lvsc help conf +the conf format/m);
    expect(r.stdout.split("\n").filter((l) => l.length > 100)).toEqual([]);
  });

  it("is suggested for a misspelt topic", async () => {
    const r = await lvsc(["help", "cnof"]);
    expect([r.code, r.stderr]).toEqual([2, "lvsc help: no command or help topic `cnof`; did you mean `conf`?\nTry `lvsc help --help`.\n"]);
  });
});

describe("help compile", () => {
  it("says that a DIRECTOR_PAIR conf writes keepalived.conf for director1 and keepalived.backup.conf for director2", async () => {
    const text = words((await lvsc(["help", "compile"])).stdout);
    expect(text).toContain("A conf with DIRECTOR_PAIR (two directors) gets two keepalived files: keepalived.conf for director1 and keepalived.backup.conf for director2");
  });
});

describe("the man page's CONF FORMAT section", () => {
  const page = readFileSync(join(ROOT, "dist/lvsc.1"), "utf8");

  it("has every directive as a tagged paragraph, and the grammar verbatim", () => {
    const section = page.slice(page.indexOf(".SH CONF FORMAT"), page.indexOf(".SH EXIT STATUS"));
    expect(section.length).toBeGreaterThan(0);
    expect([...section.matchAll(/^\.TP\n\\fB(.*)\\fR$/gm)].map((m) => m[1]!.replace(/\\-/g, "-"))).toEqual(Object.keys(DIRECTIVES));
    expect(section).toContain(".nf\n" + CONF_FORMAT.grammar.map((g) => g.replace(/-/g, "\\-")).join("\n") + "\n.fi");
  });

  it("man renders it without a warning, saying what help conf says, within 80 columns", (ctx) => {
    needTool(ctx, "man");
    const env = { ...process.env, MAN_KEEP_FORMATTING: "" };
    const narrow = spawnSync("man", ["--warnings", "-l", join(ROOT, "dist/lvsc.1")], { encoding: "utf8", env: { ...env, MANWIDTH: "80" } });
    expect([narrow.status, narrow.stderr]).toEqual([0, ""]);
    const conf = narrow.stdout.slice(narrow.stdout.indexOf("\nCONF FORMAT\n"), narrow.stdout.indexOf("\nEXIT STATUS\n"));
    expect(conf.length).toBeGreaterThan(1000);
    expect(conf.split("\n").filter((l) => l.length > 80)).toEqual([]);
    // wide enough that nothing wraps or is hyphenated: the text is help conf's, word for word
    const wide = spawnSync("man", ["-l", join(ROOT, "dist/lvsc.1")], { encoding: "utf8", env: { ...env, MANWIDTH: "2000" } }).stdout;
    const text = words(wide.slice(wide.indexOf("\nCONF FORMAT\n"), wide.indexOf("\nEXIT STATUS\n")));
    expect(text).toContain(words(plain(CONF_FORMAT.intro)));
    for (const d of CONF_FORMAT.directives) expect(text).toContain(words(`${d.name} ${plain(d.fields)} ${plain(d.use)}`));
    for (const n of CONF_FORMAT.notes) expect(text).toContain(words(plain(n)));
  });
});

describe("completion of lvsc help", () => {
  it("bash offers the conf topic beside the commands", () => {
    const script = `source "$1"
t() { COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _lvsc; echo "\${COMPREPLY[*]}"; }
t lvsc help c; t lvsc help con`;
    const p = spawnSync("bash", ["-c", script, "bash", join(ROOT, "dist/completion/lvsc.bash")], { encoding: "utf8" });
    expect(p.stdout).toBe("compile conf\nconf\n");
  });

  // zpty -r with a pattern waits for that output however slow the machine is (no sleeps)
  it("zsh offers it too", (ctx) => {
    needTool(ctx, "zsh");
    const script = `zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1='>'; fpath=($1 \\$fpath); autoload -U compinit; compinit -u; lvsc(){}; print -r -- RE''ADY"
zpty -r z junk '*READY*'
zpty -w -n z $'lvsc help con\\t'
zpty -r z out '*help conf*'; print -r -- "$out"
zpty -d z`;
    const p = spawnSync("zsh", ["-c", script, "zsh", join(ROOT, "dist/completion")], { encoding: "utf8", timeout: 110_000 });
    expect(p.stdout).toContain("lvsc help conf");
  });
});
