// The lvsc command: argv -> reads, library calls, formatted output, writes, exit code.
// The only module that touches process, the environment and the file system.

import { promises as fsp } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { FORMATS, format, formatStylish, type FileResult, type Format } from "./format.js";
import type { HostsSource } from "./hosts.js";
// compile.js (Handlebars, the templates) and write.js (fs-extra) are imported only by the commands
// that write: lint and show start faster without them
import type { CompileOptions, Variant } from "./compile.js";
import { checkConfSet } from "./ha.js";
import { ipvsListing } from "./ipvs.js";
import { lint, type LintOptions, type LintResult } from "./lint.js";
import type { LvsType } from "./model.js";
import { TARGETS, type OutputFile } from "./plan.js";
import { diag, START_OF_FILE, type Diagnostic } from "./diagnostics.js";
import { VERSION } from "./version.js";

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Colour on stderr/stdout when they are terminals. */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
}

/** Exit codes, as ESLint's: 0 clean or warnings, 1 errors, 2 usage or I/O failure. */
const OK = 0;
const PROBLEMS = 1;
const FAILURE = 2;

/** Larger conf files are refused with a diagnostic instead of being read: no real cluster needs one. */
export const MAX_FILE_SIZE = 16 * 1024 * 1024;

const HELP: Record<string, string> = {
  main: `lvsc ${VERSION}: compile configure-lvs conf files into the scripts that build an LVS cluster

Usage:
  lvsc compile CONF [-o DIR] [options]   write the cluster's files (rc.lvs_<type>, keepalived.conf, ...)
  lvsc variants CONF -o DIR [options]    write DIR/dr, DIR/nat, DIR/tun: the cluster as each LVS_TYPE
  lvsc lint FILE|DIR... [options]        check conf files; exit 0 clean, 1 errors, 2 usage or unreadable file
  lvsc show CONF [options]               print the IPVS table the director will have (ipvsadm -L -n layout)
  lvsc help [COMMAND]                    help for a command

Options for every command:
  --hosts FILE      a hosts(5) file for host names, repeatable (default: CONF's directory/hosts, then /etc/hosts)
  --services FILE   a services(5) file instead of the built-in copy of Debian's /etc/services
  -h, --help        help
  -V, --version     print the version
`,
  compile: `Usage: lvsc compile CONF [-o DIR] [options]

Validates CONF and writes, all or none, into DIR (default: the current directory):
  rc.lvs_<type>           target rc        the script for the director and every real server (0755)
  rc.local.lvs_<type>     target rc-local  the real servers' ARP-hiding snippet for rc.local (DR, TUN)
  exports                 target exports   the /etc/exports line sharing the conf directory
  ipvsadm.rules           target rules     the director's IPVS table in ipvsadm -S -n form
  keepalived.conf         target keepalived  the same services for keepalived, with health checks
  mon.cf                  target mon       mon's config: a real server leaves the table when it fails
  lvs.service             target systemd   a systemd unit running rc.lvs_<type> start/stop at boot
  90-lvs-realserver.conf  target sysctl    the real servers' ARP settings for /etc/sysctl.d (DR, TUN)
Any error writes nothing and exits 1; warnings are printed and do not block.

Options:
  -o, --out DIR          output directory (created if missing)
  -t, --type dr|nat|tun  compile the cluster as this forwarding method instead of its LVS_TYPE
  --target T[,T...]      write only these files (default: every one that applies); repeatable
  --arp sysctl|hidden    ARP hiding in rc.local.lvs_<type>: arp_ignore/arp_announce (default) or
                         the Linux 2.2 "hidden" flag
  --export-dir DIR       the conf directory: shared in the exports line, used by lvs.service
                         (default /etc/lvs)
  --hosts FILE           hosts(5) file, repeatable
  --services FILE        services(5) file
`,
  variants: `Usage: lvsc variants CONF -o DIR [options]

Writes the cluster as each forwarding method: DIR/dr, DIR/nat and DIR/tun, each with the
converted conf (lvs_dr.conf, ...) and every file compile writes. Where a value must change (the
real servers' VIP device, their gateway), the converted conf changes it and says so in a
comment; what cannot be converted (a port remap under DR or TUN, real servers off the director's
network under DR or NAT) is an error at its line, and then nothing is written.

Options:
  -o, --out DIR     output directory (required)
  --target, --arp, --export-dir, --hosts, --services   as for compile
`,
  lint: `Usage: lvsc lint FILE|DIR... [options]

Checks conf files; a directory means its lvs_*.conf and lvs_*.conf.* files.
Exit 0: no errors. 1: errors, or more warnings than --max-warnings. 2: usage error, missing or
unreadable file.

Options:
  -f, --format stylish|json|github|sarif   output format (default stylish)
  --max-warnings N                          fail when there are more than N warnings
  --hosts FILE                              hosts(5) file, repeatable; when given, nothing else is read
  --services FILE                           services(5) file
`,
  show: `Usage: lvsc show CONF [options]

Prints the IPVS table the director has after "rc.lvs_<type> start", in the layout of
ipvsadm -L -n (counters are zero). Errors are printed to stderr and exit 1.

Options:
  --hosts FILE      hosts(5) file, repeatable
  --services FILE   services(5) file
`,
};

class UsageError extends Error {}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`lvsc: ${e.message}\nTry 'lvsc --help'.\n`);
      return FAILURE;
    }
    io.stderr(`lvsc: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return FAILURE;
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help") {
    io.stdout(HELP["main"]!);
    return command === undefined ? FAILURE : OK;
  }
  if (command === "-V" || command === "--version") {
    io.stdout(`lvsc ${VERSION}\n`);
    return OK;
  }
  if (command === "help") {
    const topic = rest[0] ?? "main";
    const text = HELP[topic];
    if (text === undefined) throw new UsageError(`no help for '${topic}'`);
    io.stdout(text);
    return OK;
  }
  switch (command) {
    case "compile":
      return cmdCompile(rest, io);
    case "variants":
      return cmdVariants(rest, io);
    case "lint":
      return cmdLint(rest, io);
    case "show":
      return cmdShow(rest, io);
  }
  throw new UsageError(`unknown command '${command}'`);
}

const COMMON = {
  hosts: { type: "string", multiple: true },
  services: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function parse<const O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional.*$/s, ""));
  }
}

type Read = { ok: true; bytes: Uint8Array; text: string } | { ok: true; tooLarge: true } | { ok: false; message: string };

/** CONF's bytes, after one stat that also refuses directories and files too large to be a conf. */
async function readInput(path: string): Promise<Read> {
  try {
    const st = await fsp.stat(path);
    if (st.isDirectory()) return { ok: false, message: `${path} is a directory` };
    if (st.isFile() && st.size > MAX_FILE_SIZE) return { ok: true, tooLarge: true };
    const bytes = await fsp.readFile(path);
    return { ok: true, bytes, text: bytes.toString("utf8") };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, message: err.code === "ENOENT" ? `${path}: no such file` : `${path}: ${err.message}` };
  }
}

/** hosts(5) sources: the --hosts files, or else CONF's directory's `hosts` then /etc/hosts. */
async function hostsFor(conf: string, given: string[] | undefined): Promise<HostsSource[] | string> {
  if (given !== undefined && given.length > 0) {
    const out: HostsSource[] = [];
    for (const p of given) {
      try {
        out.push({ path: p, text: await fsp.readFile(p, "utf8") });
      } catch (e) {
        return `cannot read hosts file ${p}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`;
      }
    }
    return out;
  }
  const out: HostsSource[] = [];
  for (const p of [join(dirname(conf), "hosts"), "/etc/hosts"]) {
    const text = await fsp.readFile(p, "utf8").catch(() => undefined);
    if (text !== undefined) out.push({ path: p, text });
  }
  return out;
}

async function servicesFrom(path: string | undefined): Promise<{ path: string; text: string } | undefined | string> {
  if (path === undefined) return undefined;
  try {
    return { path, text: await fsp.readFile(path, "utf8") };
  } catch (e) {
    return `cannot read services file ${path}: ${(e as Error).message}`;
  }
}

interface Loaded {
  result: LintResult & { files?: OutputFile[]; variants?: Variant[] };
  source: string | undefined;
}

/** Reads CONF and its name tables and runs lint or compile; a string is a fatal (exit 2) message. */
async function load(
  conf: string,
  values: { hosts?: string[] | undefined; services?: string | undefined },
  extra: (Partial<CompileOptions> & { variants?: boolean }) | undefined,
): Promise<Loaded | string> {
  const hosts = await hostsFor(conf, values.hosts);
  if (typeof hosts === "string") return hosts;
  const services = await servicesFrom(values.services);
  if (typeof services === "string") return services;
  const opts: LintOptions = { file: conf, hosts, ...(services !== undefined ? { services } : {}) };
  const input = await readInput(conf);
  if (!input.ok) return input.message;
  if ("tooLarge" in input) {
    const d: Diagnostic = diag("file-too-large", `the file is larger than ${MAX_FILE_SIZE / 1024 / 1024} MiB`, START_OF_FILE, {
      hint: "a conf for 10,000 services with 10 real servers each is about 2 MiB; is this the right file?",
    });
    return { result: { file: conf, diagnostics: [d], errorCount: 1, warningCount: 0, config: undefined }, source: undefined };
  }
  if (extra === undefined) return { result: lint(input.bytes, opts), source: input.text };
  const { compile, variants } = await import("./compile.js");
  const result = extra.variants === true ? variants(input.bytes, { ...opts, ...extra }) : compile(input.bytes, { ...opts, ...extra });
  return { result, source: input.text };
}

function fileResult(l: Loaded): FileResult {
  const r = l.result;
  return { file: r.file, source: l.source, diagnostics: r.diagnostics, errorCount: r.errorCount, warningCount: r.warningCount };
}

function color(io: Io, tty: boolean): boolean {
  const noColor = io.env["NO_COLOR"];
  return tty && (noColor === undefined || noColor === "");
}

const OUTPUT_OPTIONS = {
  ...COMMON,
  out: { type: "string", short: "o" },
  target: { type: "string", multiple: true },
  arp: { type: "string" },
  "export-dir": { type: "string" },
} as const;

function outputOptions(values: { target?: string[] | undefined; arp?: string | undefined; "export-dir"?: string | undefined }): Partial<CompileOptions> {
  const arp = values.arp ?? "sysctl";
  if (arp !== "sysctl" && arp !== "hidden") throw new UsageError(`--arp must be sysctl or hidden, not '${arp}'`);
  const exportDir = values["export-dir"] ?? "/etc/lvs";
  if (!/^\/[A-Za-z0-9_./-]*$/.test(exportDir) || exportDir.includes("/..") || exportDir.includes("/-"))
    throw new UsageError(`--export-dir must be an absolute path of letters, digits and _ . / -, not '${exportDir}'`);
  const opts: Partial<CompileOptions> = { arp, exportDir };
  if (values.target !== undefined) {
    const targets = values.target.flatMap((t) => t.split(",")).filter((t) => t !== "");
    for (const t of targets)
      if (!(TARGETS as readonly string[]).includes(t)) throw new UsageError(`unknown target '${t}'; targets: ${TARGETS.join(", ")}`);
    opts.targets = TARGETS.filter((t) => targets.includes(t));
  }
  return opts;
}

async function cmdCompile(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...OUTPUT_OPTIONS, type: { type: "string", short: "t" } });
  if (values.help === true) {
    io.stdout(HELP["compile"]!);
    return OK;
  }
  if (positionals.length !== 1) throw new UsageError(`compile takes one conf file, got ${positionals.length}`);
  const extra = outputOptions(values);
  if (values.type !== undefined) {
    if (!["dr", "nat", "tun"].includes(values.type)) throw new UsageError(`--type must be dr, nat or tun, not '${values.type}'`);
    extra.type = values.type as LvsType;
  }
  const conf = positionals[0]!;
  const r = await loadForOutput(conf, values, extra, io);
  if (typeof r === "number") return r;
  return write(io, [{ dir: values.out ?? ".", files: r.files ?? [] }], conf);
}

/** Loads CONF for a command that writes and prints its diagnostics; an exit code when nothing may be written. */
async function loadForOutput(
  conf: string,
  values: { hosts?: string[] | undefined; services?: string | undefined },
  extra: Partial<CompileOptions> & { variants?: boolean },
  io: Io,
): Promise<Loaded["result"] | number> {
  const loaded = await load(conf, values, extra);
  if (typeof loaded === "string") {
    io.stderr(`lvsc: ${loaded}\n`);
    return FAILURE;
  }
  const r = loaded.result;
  if (r.diagnostics.length > 0) io.stderr(formatStylish([fileResult(loaded)], { color: color(io, io.stderrIsTTY) }));
  if (r.errorCount > 0) {
    io.stderr("lvsc: nothing was written\n");
    return PROBLEMS;
  }
  return r;
}

async function cmdVariants(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, OUTPUT_OPTIONS);
  if (values.help === true) {
    io.stdout(HELP["variants"]!);
    return OK;
  }
  if (positionals.length !== 1) throw new UsageError(`variants takes one conf file, got ${positionals.length}`);
  if (values.out === undefined) throw new UsageError("variants needs an output directory: -o DIR");
  const conf = positionals[0]!;
  const r = await loadForOutput(conf, values, { ...outputOptions(values), variants: true }, io);
  if (typeof r === "number") return r;
  const groups = (r.variants ?? []).map((v) => ({
    dir: join(values.out!, v.type),
    files: [
      { path: v.conf.path, contents: v.conf.contents, mode: 0o644 },
      ...(v.hosts !== undefined ? [{ ...v.hosts, mode: 0o644 }] : []),
      ...v.files,
    ],
  }));
  return write(io, groups, conf);
}

async function write(io: Io, groups: { dir: string; files: OutputFile[] }[], input: string): Promise<number> {
  const { WriteError, writeGroups } = await import("./write.js");
  try {
    await writeGroups(groups, { input });
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    io.stderr(`lvsc: ${e.message}\n`);
    return FAILURE;
  }
  for (const g of groups) for (const f of g.files) io.stdout(`wrote ${join(g.dir, f.path)} (${f.mode.toString(8).padStart(4, "0")})\n`);
  return OK;
}

async function expandLintArgs(paths: string[]): Promise<{ files: string[]; problems: string[] }> {
  const files: string[] = [];
  const problems: string[] = [];
  for (const p of paths) {
    const st = await fsp.stat(p).catch((e: NodeJS.ErrnoException) => e);
    if (st instanceof Error) {
      problems.push(st.code === "ENOENT" ? `${p}: no such file or directory` : `${p}: ${st.message}`);
      continue;
    }
    if (!st.isDirectory()) {
      files.push(p);
      continue;
    }
    const names = (await fsp.readdir(p)).filter((n) => /^lvs_[^/]*\.conf(\..+)?$/.test(n)).sort();
    if (names.length === 0) problems.push(`${p}: no lvs_*.conf files in this directory`);
    for (const n of names) files.push(join(p, n));
  }
  return { files, problems };
}

async function cmdLint(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    ...COMMON,
    format: { type: "string", short: "f" },
    "max-warnings": { type: "string" },
  });
  if (values.help === true) {
    io.stdout(HELP["lint"]!);
    return OK;
  }
  const fmt = (values.format ?? "stylish") as Format;
  if (!FORMATS.includes(fmt)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, not '${values.format}'`);
  let maxWarnings = Infinity;
  if (values["max-warnings"] !== undefined) {
    if (!/^\d+$/.test(values["max-warnings"])) throw new UsageError(`--max-warnings takes a whole number, not '${values["max-warnings"]}'`);
    maxWarnings = Number(values["max-warnings"]);
  }
  if (positionals.length === 0) throw new UsageError("lint needs at least one file or directory");
  const { files, problems } = await expandLintArgs(positionals);
  const loadedFiles: Loaded[] = [];
  for (const f of files) {
    const loaded = await load(f, values, undefined);
    if (typeof loaded === "string") {
      problems.push(loaded);
      continue;
    }
    loadedFiles.push(loaded);
  }
  // the confs as one set: two clusters must not share a VRRP router id on one network
  const checked = checkConfSet(loadedFiles.map((l) => l.result));
  const results: FileResult[] = loadedFiles.map((l, i) => fileResult({ ...l, result: checked[i]! }));
  io.stdout(format(fmt, results, { color: color(io, io.stdoutIsTTY) }));
  for (const p of problems) io.stderr(`lvsc: ${p}\n`);
  if (problems.length > 0) return FAILURE;
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  if (errors > 0) return PROBLEMS;
  if (warnings > maxWarnings) {
    io.stderr(`lvsc: ${warnings} warnings, more than --max-warnings ${maxWarnings}\n`);
    return PROBLEMS;
  }
  return OK;
}

async function cmdShow(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, COMMON);
  if (values.help === true) {
    io.stdout(HELP["show"]!);
    return OK;
  }
  if (positionals.length !== 1) throw new UsageError(`show takes one conf file, got ${positionals.length}`);
  const loaded = await load(positionals[0]!, values, undefined);
  if (typeof loaded === "string") {
    io.stderr(`lvsc: ${loaded}\n`);
    return FAILURE;
  }
  const r = loaded.result;
  if (r.diagnostics.length > 0) io.stderr(formatStylish([fileResult(loaded)], { color: color(io, io.stderrIsTTY) }));
  if (r.config === undefined) return PROBLEMS;
  io.stdout(ipvsListing(r.config));
  return OK;
}
