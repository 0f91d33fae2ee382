// The command line's one description: every command, option and value, from which come the
// --help texts, the option parser's table (cli.ts), the man page lvsc.1 and the bash and zsh
// completions (both written by scripts/build.mjs). Pure.

import { CONF_FORMAT } from "./directives.js";
import { TARGETS } from "./plan.js";
import { LVS_TYPES } from "./model.js";
import { VERSION } from "./version.js";

export interface OptionSpec {
  /** Long name without the dashes. */
  long: string;
  short?: string;
  /** The value's placeholder (DIR, FILE, ...); a flag when absent. */
  arg?: string;
  /** The values it takes, for help and completion; any value when absent. */
  values?: readonly string[];
  /** Completion: a file or a directory name. */
  complete?: "file" | "dir";
  repeatable?: boolean;
  help: string;
}

export interface CommandSpec {
  name: string;
  /** The usage line after `lvsc `. */
  synopsis: string;
  /** One line for the overview. */
  summary: string;
  /** Paragraphs of the description; a paragraph is one string, wrapped when printed. */
  description: string[];
  /** An aligned table after the description (compile's files). */
  table?: { caption: string; rows: readonly (readonly string[])[] };
  /** Paragraphs after the table. */
  after?: string[];
  options: OptionSpec[];
  /** Positional arguments: completion of files or directories. */
  operands: "file" | "files-or-dirs" | "command" | "none";
}

export const LINT_FORMATS = ["stylish", "json", "github", "sarif"] as const;
export { SHOW_FORMATS } from "./show.js";
import { SHOW_FORMATS } from "./show.js";

/** `--target`: the library's targets, the picture (drawn by the CLI: it loads Graphviz), and all of them. */
export const TARGET_VALUES = [...TARGETS, "topology", "all"] as const;

const INPUT: OptionSpec[] = [
  {
    long: "hosts",
    arg: "FILE",
    complete: "file",
    repeatable: true,
    help: "a hosts(5) file for host names, repeatable; when given, only these files are read (default: the hosts file beside CONF, then /etc/hosts)",
  },
  { long: "services", arg: "FILE", complete: "file", help: "a services(5) file instead of the built-in copy of Debian's /etc/services" },
];

const COMMON: OptionSpec[] = [
  { long: "color", help: "colour the diagnostics (default: when the output is a terminal, unless NO_COLOR is set or TERM=dumb; FORCE_COLOR=1 or 0 forces it)" },
  { long: "no-color", help: "no colour" },
  { long: "help", short: "h", help: "print this help" },
  { long: "version", short: "V", help: "print the version" },
];

const OUTPUT: OptionSpec[] = [
  { long: "out", short: "o", arg: "DIR", complete: "dir", help: "the directory to write into (required; created if missing)" },
  {
    long: "target",
    arg: "T[,T...]",
    values: TARGET_VALUES,
    repeatable: true,
    help: "write only these files (default: every one that applies, but topology.svg); all: every one that applies and topology.svg; repeatable",
  },
  { long: "arp", arg: "METHOD", values: ["sysctl", "hidden"], help: "ARP hiding in rc.local.lvs_<type>: arp_ignore/arp_announce (sysctl, the default) or the Linux 2.2 hidden flag" },
  { long: "export-dir", arg: "DIR", help: "the conf directory: shared in the exports line, used by lvs.service (default /etc/lvs)" },
  { long: "force", help: "replace files in DIR that lvsc did not write (never the conf itself)" },
  {
    long: "check",
    help: "write nothing: print per file whether it would be added, changed (with a unified diff, at most 400 lines per file) or removed, or is unchanged; exit 0 when nothing would change, 3 when something would",
  },
];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "compile",
    synopsis: "compile CONF -o DIR [options]",
    summary: "write the cluster's files (rc.lvs_<type>, keepalived.conf, ...) into DIR",
    description: [
      "Validates CONF (a file, or - for standard input) and writes the cluster's files into DIR, all or none: every file is written to a new set in DIR/.lvsc first, and the whole set replaces the old one in one atomic step. Any error writes nothing and exits 1; warnings are printed and do not block.",
    ],
    table: {
      caption: "Files, by --target:",
      rows: [
        ["rc", "rc.lvs_<type>", "the script for the director and every real server (0755)"],
        ["rc-local", "rc.local.lvs_<type>", "the real servers' ARP-hiding snippet for rc.local (DR, TUN)"],
        ["exports", "exports", "the /etc/exports line sharing the conf directory"],
        ["rules", "ipvsadm.rules", "the director's IPVS table in ipvsadm -S -n form"],
        ["keepalived", "keepalived.conf", "the same services for keepalived, with health checks"],
        ["mon", "mon.cf", "mon's config: a real server leaves the table when it fails"],
        ["systemd", "lvs.service", "a systemd unit running rc.lvs_<type> start/stop at boot"],
        ["sysctl", "90-lvs-realserver.conf", "the real servers' ARP settings for /etc/sysctl.d (DR, TUN)"],
        ["topology", "topology.svg", "a picture of the cluster, as show --format svg draws it (only with --target topology or all)"],
      ],
    },
    after: [
      "A conf with DIRECTOR_PAIR (two directors) gets two keepalived files: keepalived.conf for director1 and keepalived.backup.conf for director2, each to be installed as /etc/keepalived/keepalived.conf on its director; mon.cf is not written, since keepalived checks the real servers.",
      "In DIR, each file is a symbolic link into DIR/.lvsc/current, which names the set readers see. lvsc never overwrites a file it did not write (unless --force), never follows a symbolic link below DIR, and locks DIR against a second run. When every file is the same as in the set readers see, no new set is written and each file is reported unchanged.",
      "DIR, DIR/.lvsc and every directory above DIR must be owned by root or the user running lvsc and not writable by group or others (an ancestor may be sticky, as /tmp); otherwise lvsc names the directory, its owner and mode, and exits 2.",
      "--check compares with the set in DIR and writes nothing (no DIR, no lock): exit 0 nothing would change, 3 something would, 1 problems in the conf, 2 usage error or a DIR or file a compile would refuse.",
    ],
    options: [...OUTPUT.slice(0, 1), { long: "type", short: "t", arg: "TYPE", values: LVS_TYPES, help: "compile the cluster as this forwarding method instead of its LVS_TYPE" }, ...OUTPUT.slice(1), ...INPUT, ...COMMON],
    operands: "file",
  },
  {
    name: "variants",
    synopsis: "variants CONF -o DIR [options]",
    summary: "write DIR/dr, DIR/nat and DIR/tun: the cluster as each LVS_TYPE",
    description: [
      "Writes the cluster as each forwarding method: DIR/dr, DIR/nat and DIR/tun, each with the converted conf (lvs_dr.conf, ...), a hosts file with the names it uses and every file compile writes, as one set (see compile). Where a value must change (the real servers' VIP device, their gateway), the converted conf changes it and says so in a comment; what cannot be converted (a port remap under DR or TUN, real servers off the director's network under DR or NAT) is an error at its line, and then nothing is written; lvsc then names the types the conf does convert to, which --type writes.",
    ],
    options: [
      ...OUTPUT.slice(0, 1),
      {
        long: "type",
        short: "t",
        arg: "TYPE[,TYPE...]",
        values: LVS_TYPES,
        repeatable: true,
        help: "write only these types' directories (default: all three); for a conf that converts only to some of them",
      },
      ...OUTPUT.slice(1),
      ...INPUT,
      ...COMMON,
    ],
    operands: "file",
  },
  {
    name: "lint",
    synopsis: "lint FILE|DIR... [options]",
    summary: "check conf files; exit 0 clean, 1 errors, 2 usage error or unreadable file",
    description: [
      "Checks conf files: a directory means its lvs_*.conf and lvs_*.conf.* files, and - means standard input. Every problem of every file is printed, with a code frame. Exit 0: no errors. 1: errors, or more warnings than --max-warnings. 2: usage error, or a missing or unreadable file.",
    ],
    options: [
      { long: "format", short: "f", arg: "FORMAT", values: LINT_FORMATS, help: "output format: stylish (default), json, github (workflow annotations) or sarif (2.1.0)" },
      { long: "max-warnings", arg: "N", help: "fail when there are more than N warnings" },
      { long: "help-uri-base", arg: "URL", help: "SARIF rules' helpUri: URL#code (default: docs/diagnostics.md in the installed package)" },
      ...INPUT,
      ...COMMON,
    ],
    operands: "files-or-dirs",
  },
  {
    name: "show",
    synopsis: "show CONF [options]",
    summary: "print the director's IPVS table, or draw the cluster (--format svg)",
    description: [
      "Prints the cluster CONF describes (a file, or - for standard input). Errors are printed to stderr and exit 1.",
    ],
    table: {
      caption: "Formats (-f/--format):",
      rows: [
        ["text", "the IPVS table the director has after \"rc.lvs_<type> start\", in the layout of ipvsadm -L -n (counters are zero), then each service's health check; the default"],
        ["svg", "a picture of the cluster: clients, router, director (VIP, DIP), virtual services, real servers (ports, weights, forwarding, ARP hiding, gateway), laid out by Graphviz"],
        ["dot", "the same graph in Graphviz's DOT language"],
        ["mermaid", "the same graph as a Mermaid flowchart"],
        ["json", "the validated model, versioned (its JSON Schema: schema/lvsc-model.schema.json in the package)"],
      ],
    },
    options: [{ long: "format", short: "f", arg: "FORMAT", values: SHOW_FORMATS, help: "output format: text (default), svg, dot, mermaid or json" }, ...INPUT, ...COMMON],
    operands: "file",
  },
  {
    name: "import",
    synopsis: "import TABLE|KEEPALIVED.CONF... -o DIR [options]",
    summary: "write confs for a running cluster, from its ipvsadm -S -n table or its keepalived.conf",
    description: [
      "Reads TABLE, the output of \"ipvsadm -S -n\" on a director (a file, or - for standard input; --live runs ipvsadm -S -n and ip -o addr on this host), and writes into DIR a conf per VIP (lvs_<type>.conf, or lvs_<type>.conf.<VIP> when there are several) and a hosts file with the names they use. LVS_TYPE comes from the real servers' forwarding method (-g, -m, -i; the director itself, 127.0.0.1, is LocalNode). What the table does not say (the VIP's device and network, the DIP, the real servers' VIP device) comes from --addr (\"ip -o addr\" of the director) and --set, or is left as an \"lvsc import:\" comment that lint flags until it is filled in: never guessed.",
      "Or reads a keepalived.conf as keepalived does (includes, @ID lines, $NAME parameters, ~SEQ and ~LST), applying keepalived's own defaults with a warning each; give both directors' files of a pair (keepalived.conf and keepalived.backup.conf) for one conf with DIRECTOR_PAIR. --from says which the input is when its first line does not.",
      "What a conf cannot express (IPv6, SCTP, one-packet scheduling, scheduler flags, persistence engines, GUE/GRE tunnels, mixed forwarding methods, virtual_server_group) is an error at its line and column, and then nothing is written. Exit 0: the confs are written and complete; 3: written, with lines to fill in; 1: the table has problems, nothing written; 2: usage error or unreadable input.",
    ],
    options: [
      ...OUTPUT.slice(0, 1),
      { long: "live", help: "read this director's own table and addresses: runs ipvsadm -S -n and ip -o addr (as root)" },
      { long: "addr", arg: "FILE", complete: "file", help: "the director's addresses, as ip -o addr prints them: the VIP's device and network, and the DIP" },
      { long: "set", arg: "NAME=VALUE", repeatable: true, help: "a directive the table does not say, written as given (e.g. --set SERVER_VIP_DEVICE=dummy0); repeatable" },
      { long: "type", short: "t", arg: "TYPE", values: LVS_TYPES, help: "LVS_TYPE, when no real server in the table tells it" },
      { long: "from", arg: "FORMAT", values: ["ipvsadm", "keepalived"], help: "what the input is: ipvsadm (an ipvsadm -S -n table) or keepalived (keepalived.conf); default: a table when its first line is -A or -a" },
      { long: "config-id", arg: "ID", help: "keepalived.conf: keepalived's -i, which @ID lines apply (default: a file whose @ lines name two ids is read for each, as a pair)" },
      { long: "format", short: "f", arg: "FORMAT", values: LINT_FORMATS, help: "how problems are printed: stylish (default, to stderr), json, github or sarif (to stdout)" },
      ...OUTPUT.filter((o) => o.long === "force" || o.long === "check"),
      ...INPUT,
      ...COMMON,
    ],
    operands: "file",
  },
  {
    name: "help",
    synopsis: "help [COMMAND]",
    summary: "help for a command",
    description: [
      "Prints the help of COMMAND, or the overview. \"lvsc COMMAND --help\" does the same.",
      "\"lvsc help conf\" describes the conf format: every directive, the SERVICE line and the real servers (the CONF FORMAT section of the man page, and the README's table, say the same).",
    ],
    options: COMMON.slice(2),
    operands: "command",
  },
];

export const COMMAND_NAMES = COMMANDS.map((c) => c.name);

/** `lvsc help conf`: the conf format, a help topic that is not a command. */
export const CONF_TOPIC = "conf";
/** What `lvsc help` takes (and its completion offers). */
export const HELP_TOPICS = [...COMMAND_NAMES, CONF_TOPIC];

export function command(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** How an option is written in help: `-o, --out DIR`. */
export function optionLabel(o: OptionSpec): string {
  return `${o.short !== undefined ? `-${o.short}, ` : ""}--${o.long}${o.arg !== undefined ? ` ${o.arg}` : ""}`;
}

// ----------------- text (--help) -----------------

const WIDTH = 100;

/** Words of `text` in lines of at most `width` characters (a longer word stands alone). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const w of text.split(/\s+/).filter((x) => x !== "")) {
    if (line !== "" && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line === "" ? w : `${line} ${w}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** Rows of cells in aligned columns; the last column wraps under itself. */
function columns(rows: readonly (readonly string[])[], indent: number): string[] {
  const n = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: n - 1 }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  const lead = indent + widths.reduce((a, w) => a + w + 2, 0);
  const out: string[] = [];
  for (const r of rows) {
    const head = " ".repeat(indent) + widths.map((w, i) => (r[i] ?? "").padEnd(w + 2)).join("");
    const text = wrap(r[n - 1] ?? "", Math.max(30, WIDTH - lead));
    out.push((head + (text[0] ?? "")).trimEnd());
    for (const more of text.slice(1)) out.push(" ".repeat(lead) + more);
  }
  return out;
}

export function overview(): string {
  const rows = [...COMMANDS.map((c) => [`lvsc ${c.synopsis}`, c.summary]), [`lvsc help ${CONF_TOPIC}`, "the conf format: every directive, the SERVICE line, the real servers"]];
  return [
    `lvsc ${VERSION}: compile configure-lvs conf files into the scripts that build an LVS cluster`,
    "",
    "Usage:",
    ...columns(rows, 2),
    "",
    "Every command takes -h/--help; lvsc -V/--version prints the version.",
    "Exit codes: 0 success, 1 problems in the conf, 2 usage error, unreadable input or a failed write.",
    "",
  ].join("\n");
}

export function helpText(name: string): string | undefined {
  const c = command(name);
  if (c === undefined) return undefined;
  const out = [`Usage: lvsc ${c.synopsis}`, ""];
  for (const p of c.description) out.push(...wrap(p, WIDTH), "");
  if (c.table !== undefined) out.push(c.table.caption, ...columns(c.table.rows, 2), "");
  for (const p of c.after ?? []) out.push(...wrap(p, WIDTH), "");
  if (c.options.length > 0) out.push("Options:", ...columns(c.options.map((o) => [optionLabel(o), o.help]), 2), "");
  return out.join("\n");
}

// ----------------- the conf format (help conf, the man page, the README) -----------------

/** CONF_FORMAT's markup, split: `code`, **emphasis**, [text](#readme-section), and text between. */
function spans(s: string): { kind: "text" | "code" | "em" | "link"; text: string; href?: string }[] {
  const out: { kind: "text" | "code" | "em" | "link"; text: string; href?: string }[] = [];
  let last = 0;
  for (const m of s.matchAll(/`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\((#[a-z0-9-]+)\)/g)) {
    if (m.index > last) out.push({ kind: "text", text: s.slice(last, m.index) });
    if (m[1] !== undefined) out.push({ kind: "code", text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: "em", text: m[2] });
    else out.push({ kind: "link", text: m[3]!, href: m[4]! });
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push({ kind: "text", text: s.slice(last) });
  return out;
}

/** For a terminal: the markup dropped, a link to a README section named as one. */
function plainText(s: string): string {
  return spans(s)
    .map((p) => (p.kind === "link" ? `${p.text} in the README` : p.text))
    .join("");
}

/** For roff: code in bold (never hyphenated), emphasis in italics. */
function roffText(s: string): string {
  return spans(s)
    .map((p) => (p.kind === "code" ? `\\fB\\%${roff(p.text)}\\fR` : p.kind === "em" ? `\\fI${roff(p.text)}\\fR` : roff(p.kind === "link" ? `${p.text} in the README` : p.text)))
    .join("");
}

/** `lvsc help conf`. */
export function confHelp(): string {
  const names = CONF_FORMAT.directives.map((d) => d.name);
  const lead = 2 + Math.max(...names.map((n) => n.length)) + 2;
  const out = ["lvsc help conf: the conf format (lvs_dr.conf, lvs_nat.conf, lvs_tun.conf)", "", ...wrap(plainText(CONF_FORMAT.intro), WIDTH), "", "Directives:"];
  for (const d of CONF_FORMAT.directives) {
    const [first = "", ...more] = wrap(plainText(d.fields), WIDTH - lead);
    out.push(`  ${d.name.padEnd(lead - 2)}${first}`);
    for (const l of [...more, ...wrap(plainText(d.use), WIDTH - lead)]) out.push(" ".repeat(lead) + l);
  }
  out.push("", "SERVICE lines and real servers:", ...CONF_FORMAT.grammar.map((g) => `  ${g}`), "");
  for (const p of CONF_FORMAT.notes) out.push(...wrap(plainText(p), WIDTH), "");
  out.push(...wrap("Every problem lint finds has a code, explained in docs/diagnostics.md in the lvsc package.", WIDTH), "");
  return out.join("\n");
}

/** The man page's CONF FORMAT section. */
function confManSection(): string[] {
  const out = [".SH CONF FORMAT", roffText(CONF_FORMAT.intro), ".PP", "Directives:"];
  for (const d of CONF_FORMAT.directives) out.push(".TP", `\\fB${roff(d.name)}\\fR`, roffText(d.fields), ".br", roffText(d.use));
  out.push(".PP", "SERVICE lines and real servers:", ".PP", ".nf", ...CONF_FORMAT.grammar.map(roff), ".fi");
  for (const p of CONF_FORMAT.notes) out.push(".PP", roffText(p));
  return out;
}

/** Markdown table cells: a `|` would end the cell. */
const cell = (s: string) => s.replace(/\|/g, "\\|");

/** The conf format in markdown: the generated part of the README's "The conf format in brief" (see readmeWithConfFormat). */
export function confMarkdown(): string {
  const width = 96;
  return [
    ...wrap(CONF_FORMAT.intro, width),
    "",
    "| directive | fields | |",
    "|---|---|---|",
    ...CONF_FORMAT.directives.map((d) => `| \`${d.name}\` | ${cell(d.fields)} | ${cell(d.use)} |`),
    "",
    "```",
    ...CONF_FORMAT.grammar,
    "```",
    ...CONF_FORMAT.notes.flatMap((p) => ["", ...wrap(p, width)]),
    "",
  ].join("\n");
}

/** The README's generated part of "The conf format in brief" lies between these lines. */
export const README_CONF_MARKERS = ["<!-- conf format: generated from src/directives.ts by npm run docs; edit it there -->", "<!-- end of the generated conf format -->"] as const;

/** The README with its conf format as confMarkdown() writes it; throws when the markers are not there once each, in order. */
export function readmeWithConfFormat(readme: string): string {
  const [begin, end] = README_CONF_MARKERS;
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from || readme.indexOf(begin, from + 1) >= 0 || readme.indexOf(end, to + 1) >= 0) throw new Error(`README.md must have the lines ${begin} and ${end}, once each, in this order`);
  return `${readme.slice(0, from + begin.length)}\n${confMarkdown()}${readme.slice(to)}`;
}

// ----------------- man page (lvsc.1) -----------------

/** Text for roff: backslashes, leading dots and quotes, and hyphens that are minus signs. */
function roff(s: string): string {
  return s
    .replace(/\\/g, "\\e")
    .replace(/-/g, "\\-")
    .replace(/^([.'])/gm, "\\&$1");
}

const MAN_SECTIONS = {
  files: [
    "DIR/.lvsc/current is a symbolic link to the set of files readers see (DIR/.lvsc/N); each file in DIR is a relative symbolic link through it, so the switch from one set to the next is one rename, and it works the same over NFS. The previous set is kept until the next run, for NFS clients that cached the old link. DIR/.lvsc/lock exists while a run writes; a lock left by a killed run on the same host is taken over.",
  ],
  environment: [
    ["NO_COLOR", "when set and not empty, no colour"],
    ["FORCE_COLOR", "1 (or empty) forces colour, 0 turns it off, whatever the terminal"],
    ["TERM", "dumb means no colour"],
  ],
};

export function manPage(date: string): string {
  const out: string[] = [
    `.TH LVSC 1 "${date}" "lvsc ${VERSION}" "User Commands"`,
    ".SH NAME",
    "lvsc \\- compile configure\\-lvs conf files into the scripts that build a Linux Virtual Server cluster",
    ".SH SYNOPSIS",
  ];
  for (const c of COMMANDS) out.push(".nf", `\\fBlvsc\\fR ${roff(c.synopsis)}`, ".fi");
  out.push(
    ".SH DESCRIPTION",
    roff(
      "lvsc reads the conf files of Joseph Mack's configure-lvs (lvs_dr.conf, lvs_nat.conf, lvs_tun.conf), validates every value, and writes the files that build the cluster: one rc.lvs_<type> script for the director and every real server, the real servers' ARP-hiding snippet, the NFS exports line, the IPVS table, keepalived.conf, mon.cf, a systemd unit and sysctl.d settings. Host names come from hosts(5) files, never from DNS.",
    ),
    ".SH COMMANDS",
  );
  for (const c of COMMANDS) {
    out.push(".SS " + `"lvsc ${roff(c.synopsis)}"`);
    for (const p of c.description) out.push(roff(p), ".PP");
    if (c.table !== undefined) {
      out.push(roff(c.table.caption));
      for (const r of c.table.rows)
        out.push(".TP", r.length > 2 ? `\\fB${roff(r[0]!)}\\fR (${roff(r[1]!)})` : `\\fB${roff(r[0]!)}\\fR`, roff(r[r.length - 1]!));
      out.push(".PP");
    }
    for (const p of c.after ?? []) out.push(roff(p), ".PP");
    for (const o of c.options) {
      const label = `${o.short !== undefined ? `\\fB\\-${o.short}\\fR, ` : ""}\\fB\\-\\-${roff(o.long)}\\fR${o.arg !== undefined ? ` \\fI${roff(o.arg)}\\fR` : ""}`;
      out.push(".TP", label, roff(o.help));
    }
    if (out[out.length - 1] === ".PP") out.pop();
  }
  out.push(...confManSection());
  out.push(
    ".SH EXIT STATUS",
    ".TP",
    "0",
    "success (warnings do not count, unless lint \\-\\-max\\-warnings says so)",
    ".TP",
    "1",
    "problems in the conf; nothing was written",
    ".TP",
    "2",
    "a usage error, an unreadable input or a failed write",
    ".SH ENVIRONMENT",
  );
  for (const [k, v] of MAN_SECTIONS.environment) out.push(".TP", `\\fB${k}\\fR`, roff(v!));
  out.push(".SH FILES", roff(MAN_SECTIONS.files[0]!));
  out.push(
    ".SH EXAMPLES",
    ".nf",
    "lvsc lint /etc/lvs",
    "lvsc compile /etc/lvs/lvs_dr.conf \\-o /etc/lvs",
    "lvsc show lvs_dr.conf",
    "generate\\-conf | lvsc lint \\- \\-\\-hosts hosts",
    ".fi",
    ".SH SEE ALSO",
    "\\fBipvsadm\\fR(8), \\fBkeepalived.conf\\fR(5), \\fBexports\\fR(5), \\fBhosts\\fR(5), \\fBservices\\fR(5); docs/diagnostics.md in the lvsc package explains every diagnostic code.",
    "",
  );
  return out.join("\n");
}

// ----------------- completion -----------------

/** Bash: `source` it, or install it as /usr/share/bash-completion/completions/lvsc. */
export function bashCompletion(): string {
  const lines = [
    "# bash completion for lvsc (generated from its --help by scripts/build.mjs)",
    "_lvsc() {",
    "\tlocal cur prev cmd i",
    '\tcur="${COMP_WORDS[COMP_CWORD]}"',
    '\tprev="${COMP_WORDS[COMP_CWORD-1]}"',
    "\tcmd=",
    '\tfor ((i = 1; i < COMP_CWORD; i++)); do case "${COMP_WORDS[i]}" in -*) ;; *) cmd="${COMP_WORDS[i]}"; break ;; esac; done',
    '\tif [ -z "$cmd" ]; then',
    `\t\tmapfile -t COMPREPLY < <(compgen -W "${COMMAND_NAMES.join(" ")} --help --version" -- "$cur")`,
    "\t\treturn",
    "\tfi",
    '\tcase "$cmd" in',
  ];
  for (const c of COMMANDS) {
    lines.push(`\t${c.name})`);
    const valued = c.options.filter((o) => o.arg !== undefined);
    if (valued.length > 0) {
      lines.push('\t\tcase "$prev" in');
      for (const o of valued) {
        const names = [`--${o.long}`, ...(o.short !== undefined ? [`-${o.short}`] : [])].join("|");
        const action =
          o.values !== undefined
            ? `mapfile -t COMPREPLY < <(compgen -W "${o.values.join(" ")}" -- "$cur")`
            : o.complete === "dir"
              ? 'mapfile -t COMPREPLY < <(compgen -d -- "$cur")'
              : o.complete === "file"
                ? 'mapfile -t COMPREPLY < <(compgen -f -- "$cur")'
                : "COMPREPLY=()";
        lines.push(`\t\t${names}) ${action}; return ;;`);
      }
      lines.push("\t\tesac");
    }
    const flags = c.options.flatMap((o) => [`--${o.long}`]).join(" ");
    lines.push(`\t\tif [[ "$cur" == -* ]]; then mapfile -t COMPREPLY < <(compgen -W "${flags}" -- "$cur"); return; fi`);
    if (c.operands === "command") lines.push(`\t\tmapfile -t COMPREPLY < <(compgen -W "${HELP_TOPICS.join(" ")}" -- "$cur")`);
    else if (c.operands !== "none") lines.push('\t\tmapfile -t COMPREPLY < <(compgen -f -- "$cur")');
    lines.push("\t\t;;");
  }
  lines.push("\tesac", "}", "complete -o filenames -F _lvsc lvsc", "");
  return lines.join("\n");
}

/** zsh: install as _lvsc in a directory of $fpath. */
export function zshCompletion(): string {
  const q = (s: string) => s.replace(/'/g, "'\\''").replace(/[[\]:]/g, "\\$&");
  const lines = ["#compdef lvsc", "# zsh completion for lvsc (generated from its --help by scripts/build.mjs)", "", "_lvsc() {", "\tlocal curcontext=\"$curcontext\" state line", "\ttypeset -A opt_args", "\t_arguments -C \\", "\t\t'(- :)'{-h,--help}'[print help]' \\", "\t\t'(- :)'{-V,--version}'[print the version]' \\", "\t\t'1:command:->command' \\", "\t\t'*::arg:->args'", "\tcase $state in", "\tcommand)", "\t\tlocal -a commands", "\t\tcommands=("];
  for (const c of COMMANDS) lines.push(`\t\t\t'${c.name}:${q(c.summary)}'`);
  lines.push("\t\t)", "\t\t_describe command commands", "\t\t;;", "\targs)", "\t\tcase $line[1] in");
  for (const c of COMMANDS) {
    lines.push(`\t\t${c.name})`, "\t\t\t_arguments \\");
    for (const o of c.options) {
      const action = o.arg === undefined ? "" : `:${o.long}:${o.values !== undefined ? `(${o.values.join(" ")})` : o.complete === "dir" ? "_files -/" : o.complete === "file" ? "_files" : " "}`;
      const desc = `[${q(o.help.split(/; | \(/)[0]!.trim())}]${action}'`;
      if (o.repeatable === true) lines.push(`\t\t\t\t'*--${o.long}${desc} \\`);
      else if (o.short !== undefined) lines.push(`\t\t\t\t'(-${o.short} --${o.long})'{-${o.short},--${o.long}}'${desc} \\`);
      else lines.push(`\t\t\t\t'--${o.long}${desc} \\`);
    }
    lines.push(c.operands === "command" ? `\t\t\t\t'1:command:(${HELP_TOPICS.join(" ")})'` : c.operands === "none" ? "\t\t\t\t''" : "\t\t\t\t'*:conf file:_files'", "\t\t\t;;");
  }
  lines.push("\t\tesac", "\t\t;;", "\tesac", "}", "", '_lvsc "$@"', "");
  return lines.join("\n");
}
