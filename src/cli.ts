// The lvsc command: argv -> reads, library calls, formatted output, writes, exit code.
// The only module that touches process, the environment and the file system (with write.ts).

import { closeSync, constants, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { format, formatStylish, type FileResult, type Format } from "./format.js";
import type { HostsSource } from "./hosts.js";
// compile.js (Handlebars, the templates) and write.js are imported only by the commands that
// write: lint and show start faster without them
import type { CompileOptions, OutputJob, VariantOutputs } from "./compile.js";
import type { OutputEntry, WriteReport } from "./write.js";
import { show, topologyFile } from "./show.js";
import { osReason } from "./oserror.js";
import { checkConfSet } from "./ha.js";
import { lint, type LintOptions, type LintResult } from "./lint.js";
import { LVS_TYPES, TYPE_NAMES, type LvsConfig, type LvsType } from "./model.js";
import { TARGETS, type Target } from "./plan.js";
import { diag, START_OF_FILE, type Diagnostic } from "./diagnostics.js";
import { closest, listing, plural, printable } from "./text.js";
import { COMMAND_NAMES, command, CONF_TOPIC, confHelp, HELP_TOPICS, helpText, LINT_FORMATS, overview, SHOW_FORMATS, TARGET_VALUES, type OptionSpec } from "./usage.js";
import { VERSION } from "./version.js";

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Colour on stderr/stdout when they are terminals. */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  /** Standard input, at most `limit` bytes (`truncated` when there was more); absent: no stdin. */
  readStdin?: (limit: number) => Promise<{ bytes: Uint8Array; truncated: boolean }>;
  /** The installed package's directory (for docs/diagnostics.md in SARIF helpUri). */
  packageRoot?: string;
  /** Fault injection for test/write.test.ts: the process stops itself (SIGSTOP) at this point of a write. */
  stopAt?: string;
}

/** Exit codes, as ESLint's: 0 clean or warnings, 1 errors, 2 usage or I/O failure. */
const OK = 0;
const PROBLEMS = 1;
const FAILURE = 2;

/** Larger inputs are refused: no real cluster needs one, and /dev/zero must not fill memory. */
export const MAX_FILE_SIZE = 16 * 1024 * 1024;
/**
 * lvsc import's inputs: a keepalived.conf with a health check per real server is about 20 times
 * the conf (10,000 services x 10 real servers: 27 MB), a table about 5 times.
 */
export const MAX_IMPORT_SIZE = 128 * 1024 * 1024;

/** How a path or other user-given text is printed: no control character reaches the terminal or a CI log. */
function shown(s: string): string {
  return printable(s, 4096);
}

/** A usage error: printed with a pointer to the command's help, exit 2. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      const where = e.command !== undefined ? `lvsc ${e.command}` : "lvsc";
      io.stderr(`${where}: ${e.message}\nTry \`${where} --help\`.\n`);
      return FAILURE;
    }
    io.stderr(`lvsc: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return FAILURE;
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help") {
    io.stdout(overview());
    return name === undefined ? FAILURE : OK;
  }
  if (name === "-V" || name === "--version") {
    io.stdout(`lvsc ${VERSION}\n`);
    return OK;
  }
  switch (name) {
    case "compile":
      return cmdCompile(rest, io);
    case "variants":
      return cmdVariants(rest, io);
    case "lint":
      return cmdLint(rest, io);
    case "show":
      return cmdShow(rest, io);
    case "import":
      return cmdImport(rest, io);
    case "help":
      return cmdHelp(rest, io);
  }
  throw new UsageError(`unknown command \`${shown(name)}\`${suggest(name, COMMAND_NAMES)}`);
}

/** "; did you mean `x`?" for a close candidate with the same first letter (`nope` is not `type`). */
function suggest(word: string, candidates: readonly string[]): string {
  const c = word.length > 1 ? closest(word, candidates) : undefined;
  return c !== undefined && c[0]?.toLowerCase() === word[0]?.toLowerCase() ? `; did you mean \`${c}\`?` : "";
}

// ----------------- options -----------------

/** parseArgs' table for a command, from its description in usage.ts. */
function parseConfig(name: string) {
  const spec = command(name)!;
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  for (const o of spec.options)
    options[o.long] = { type: o.arg !== undefined ? "string" : "boolean", ...(o.short !== undefined ? { short: o.short } : {}), ...(o.repeatable === true ? { multiple: true } : {}) };
  return { spec: spec.options, options };
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** Parses a command's arguments; every mistake is a UsageError in one wording. */
function parse(name: string, args: string[]): { values: Values; positionals: string[]; color: boolean | undefined } {
  const { spec, options } = parseConfig(name);
  const label = (long: string) => {
    const o = spec.find((x) => x.long === long);
    return o?.short !== undefined ? `-${o.short}/--${long}` : `--${long}`;
  };
  let tokens;
  try {
    tokens = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true }).tokens;
  } catch (e) {
    throw new UsageError((e as Error).message, name);
  }
  const values: Values = {};
  const positionals: string[] = [];
  let color: boolean | undefined;
  for (const t of tokens) {
    if (t.kind === "positional") {
      positionals.push(t.value);
      continue;
    }
    if (t.kind === "option-terminator") continue;
    const o = spec.find((x) => x.long === t.name);
    if (o === undefined) {
      const longs = spec.map((x) => x.long);
      const hint = t.rawName.startsWith("--") ? suggest(t.name, longs).replace(/`(.*)`/, "`--$1`") : "";
      throw new UsageError(`unknown option \`${shown(t.rawName)}\`${hint}`, name);
    }
    if (o.arg === undefined) {
      if (t.value !== undefined) throw new UsageError(`option ${label(o.long)} takes no value`, name);
      if (o.long === "color" || o.long === "no-color") color = o.long === "color";
      values[o.long] = true;
      continue;
    }
    if (t.value === undefined) throw new UsageError(`option ${label(o.long)} needs a value: ${o.arg}`, name);
    if (o.repeatable === true) values[o.long] = [...((values[o.long] as string[] | undefined) ?? []), t.value];
    else values[o.long] = t.value;
  }
  return { values, positionals, color };
}

function str(values: Values, key: string): string | undefined {
  const v = values[key];
  return typeof v === "string" ? v : undefined;
}

function strs(values: Values, key: string): string[] | undefined {
  const v = values[key];
  return Array.isArray(v) ? (v as string[]) : undefined;
}

/** An option whose value must be one of `allowed`. */
function oneOf<T extends string>(name: string, option: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`option ${option} must be ${listing(allowed as readonly string[], "or")}, not \`${shown(value)}\`${suggest(value, allowed)}`, name);
  return value as T;
}

/** --help and --version, which every command takes: the text to print, if one was asked for. */
function helpOrVersion(name: string, values: Values): string | undefined {
  if (values["help"] === true) return helpText(name);
  if (values["version"] === true) return `lvsc ${VERSION}\n`;
  return undefined;
}

/**
 * Colour: --color/--no-color (the last one given) first, then FORCE_COLOR (0 or false: none;
 * anything else: colour), then NO_COLOR (set and not empty: none), then TERM=dumb (none), and
 * otherwise whether the stream is a terminal.
 */
export function useColor(flag: boolean | undefined, env: Io["env"], tty: boolean): boolean {
  if (flag !== undefined) return flag;
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return force !== "0" && force !== "false";
  const noColor = env["NO_COLOR"];
  if (noColor !== undefined && noColor !== "") return false;
  if (env["TERM"] === "dumb") return false;
  return tty;
}

// ----------------- reading input -----------------

/**
 * A read: the bytes; a regular file over the limit (a conf gets a diagnostic for it); or the
 * reason the input is unusable, such as a stream that gives more than the limit.
 */
type Read = { ok: true; bytes: Uint8Array } | { ok: true; tooLarge: true } | { ok: false; reason: string; absent?: boolean };

/** Whether `path` means standard input. */
const isStdin = (path: string) => path === "-";

const LIMIT = `${MAX_FILE_SIZE / 1024 / 1024} MiB`;
const ENDLESS = `gives more than ${LIMIT} (a conf for 10,000 services is about 2 MiB); is this the right file?`;

/** Why a file of this kind is not read. */
function refused(st: import("node:fs").Stats): string {
  if (st.isDirectory()) return "is a directory";
  const what = st.isFIFO() ? "a FIFO" : st.isBlockDevice() ? "a block device" : st.isSocket() ? "a socket" : "not a regular file";
  return `is ${what}, not a file lvsc reads; to read a pipe, name - and connect it to standard input`;
}

/**
 * A file's bytes, never more than MAX_FILE_SIZE, whatever the file is. It is opened without
 * blocking (opening a FIFO no one writes would wait forever), then read if it is a regular file
 * or a character device (/dev/null; /dev/zero stops at the limit) and refused otherwise; `-` is
 * standard input, read up to the same limit. A file is read with synchronous calls: each
 * asynchronous one is a round trip to libuv's thread pool, and on a busy machine the waits for
 * those threads to be scheduled (five per file, three files for a small conf) cost more than lint.
 */
async function readBounded(path: string, io: Io, max = MAX_FILE_SIZE): Promise<Read> {
  if (isStdin(path)) {
    if (io.readStdin === undefined) return { ok: false, reason: "there is no standard input" };
    try {
      const r = await io.readStdin(max);
      return r.truncated ? { ok: false, reason: `standard input ${ENDLESS}` } : { ok: true, bytes: r.bytes };
    } catch (e) {
      return { ok: false, reason: osReason(e) };
    }
  }
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const st = fstatSync(fd);
    if (!st.isFile() && !st.isCharacterDevice()) return { ok: false, reason: refused(st) };
    if (st.isFile() && st.size > max) return { ok: true, tooLarge: true };
    // to the end, but never past the limit: a device may never end, a file may grow meanwhile
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const b = Buffer.allocUnsafe(Math.min(max + 1 - total, Math.max(64 * 1024, st.size - total + 1)));
      const bytesRead = readSync(fd, b, 0, b.length, null);
      if (bytesRead === 0) break;
      chunks.push(b.subarray(0, bytesRead));
      total += bytesRead;
      if (total > max) return st.isFile() ? { ok: true, tooLarge: true } : { ok: false, reason: `${ENDLESS.replace(/^gives/, "is a device that gives")}` };
    }
    return { ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
  } catch (e) {
    return { ok: false, reason: osReason(e), absent: (e as NodeJS.ErrnoException).code === "ENOENT" };
  } finally {
    if (fd !== undefined)
      try {
        closeSync(fd);
      } catch {}
  }
}

/** A hosts or services file's text, or the reason it cannot be used. */
async function readTable(path: string, io: Io, max = MAX_FILE_SIZE): Promise<{ text: string } | { reason: string; absent?: boolean }> {
  const r = await readBounded(path, io, max);
  if (!r.ok) return { reason: r.reason, absent: r.absent === true };
  if ("tooLarge" in r) return { reason: `is larger than ${max / 1024 / 1024} MiB` };
  return { text: Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength).toString("utf8") };
}

/** hosts(5) sources: the --hosts files, or else CONF's directory's `hosts` then /etc/hosts. */
async function hostsFor(conf: string, given: string[] | undefined, io: Io): Promise<HostsSource[] | string> {
  if (given !== undefined && given.length > 0) {
    const out: HostsSource[] = [];
    for (const p of given) {
      const r = await readTable(p, io);
      if ("reason" in r) return `cannot read hosts file ${shown(p)}: ${r.reason}`;
      out.push({ path: p, text: r.text });
    }
    return out;
  }
  const out: HostsSource[] = [];
  for (const p of [...(isStdin(conf) ? [] : [join(dirname(conf), "hosts")]), "/etc/hosts"]) {
    const r = await readTable(p, io);
    // absent is fine; present but unreadable is not skipped: its names would silently not resolve
    if ("reason" in r && r.absent !== true) return `cannot read hosts file ${shown(p)}: ${r.reason}; pass the hosts files to read with --hosts FILE`;
    if ("text" in r) out.push({ path: p, text: r.text });
  }
  return out;
}

async function servicesFrom(path: string | undefined, io: Io): Promise<{ path: string; text: string } | undefined | string> {
  if (path === undefined) return undefined;
  const r = await readTable(path, io);
  if ("reason" in r) return `cannot read services file ${shown(path)}: ${r.reason}`;
  return { path, text: r.text };
}

/** The name a file has in diagnostics: standard input is `<stdin>`. */
const displayName = (path: string) => (isStdin(path) ? "<stdin>" : path);

/** Inputs: at most one of them may be standard input, which can be read once. */
function checkStdinOnce(name: string, paths: (string | undefined)[]): void {
  if (paths.filter((p) => p !== undefined && isStdin(p)).length > 1) throw new UsageError("standard input (-) can be read only once", name);
  for (const p of paths) if (p === "") throw new UsageError("an empty file name", name);
}

interface Loaded<R extends LintResult = LintResult> {
  result: R;
  source: string | undefined;
}

/**
 * Reads CONF and its name tables, then runs `analyze` (lint, or compile's first steps) on them;
 * a string is a fatal (exit 2) message.
 */
async function load<R extends LintResult>(conf: string, values: Values, io: Io, analyze: (bytes: Uint8Array, opts: LintOptions) => R): Promise<Loaded<R | LintResult> | string> {
  const hosts = await hostsFor(conf, strs(values, "hosts"), io);
  if (typeof hosts === "string") return hosts;
  const services = await servicesFrom(str(values, "services"), io);
  if (typeof services === "string") return services;
  const file = displayName(conf);
  const opts: LintOptions = { file, hosts, ...(services !== undefined ? { services } : {}) };
  const input = await readBounded(conf, io);
  if (!input.ok) return `cannot read ${shown(file)}: ${input.reason}`;
  if ("tooLarge" in input) {
    const d: Diagnostic = diag("file-too-large", `the file is larger than ${MAX_FILE_SIZE / 1024 / 1024} MiB`, START_OF_FILE, {
      hint: "a conf for 10,000 services with 10 real servers each is about 2 MiB; is this the right file?",
    });
    return { result: { file, diagnostics: [d], errorCount: 1, warningCount: 0, config: undefined }, source: undefined };
  }
  const result = analyze(input.bytes, opts);
  // the source only for code frames: decoding it again costs little next to keeping two copies
  return { result, source: result.diagnostics.length > 0 ? new TextDecoder().decode(input.bytes) : undefined };
}

function fileResult(l: Loaded): FileResult {
  const r = l.result;
  return { file: r.file, source: l.source, diagnostics: r.diagnostics, errorCount: r.errorCount, warningCount: r.warningCount };
}

// ----------------- compile and variants -----------------

function outputOptions(name: string, values: Values): Partial<CompileOptions> & { explicitTargets: readonly Target[] | undefined; topology: boolean } {
  const arp = oneOf(name, "--arp", str(values, "arp"), ["sysctl", "hidden"], "sysctl");
  const exportDir = str(values, "export-dir") ?? "/etc/lvs";
  if (!/^\/[A-Za-z0-9_./-]*$/.test(exportDir) || exportDir.includes("/..") || exportDir.includes("/-"))
    throw new UsageError(`option --export-dir must be an absolute path of letters, digits and _ . / -, not \`${shown(exportDir)}\``, name);
  const opts: Partial<CompileOptions> & { explicitTargets: readonly Target[] | undefined; topology: boolean } = { arp, exportDir, explicitTargets: undefined, topology: false };
  const given = strs(values, "target");
  if (given !== undefined) {
    const targets = given.flatMap((t) => t.split(",")).filter((t) => t !== "");
    for (const t of targets) oneOf(name, "--target", t, TARGET_VALUES, "rc");
    if (targets.length === 0) throw new UsageError("option --target needs at least one target", name);
    // all: every file that applies, and the picture; topology: the picture, which the CLI draws
    opts.topology = targets.includes("all") || targets.includes("topology");
    if (!targets.includes("all")) {
      opts.targets = TARGETS.filter((t) => targets.includes(t));
      opts.explicitTargets = opts.targets;
    }
  }
  return opts;
}

/** -o DIR: required, and not empty. */
function outDir(name: string, values: Values): string {
  const out = str(values, "out");
  if (out === undefined) throw new UsageError("option -o/--out is required: the directory to write into (created if missing)", name);
  if (out === "") throw new UsageError("option -o/--out needs a directory name, not an empty string", name);
  return out;
}

/** Prints the diagnostics of a command that writes; an exit code when nothing may be written. */
function report(loaded: Loaded | string, io: Io, color: boolean | undefined): number | undefined {
  if (typeof loaded === "string") {
    io.stderr(`lvsc: ${loaded}\n`);
    return FAILURE;
  }
  const r = loaded.result;
  if (r.diagnostics.length > 0) io.stderr(formatStylish([fileResult(loaded)], { color: useColor(color, io.env, io.stderrIsTTY) }));
  if (r.errorCount > 0) {
    io.stderr("lvsc: nothing was written\n");
    return PROBLEMS;
  }
  return undefined;
}

/** Named targets that write nothing for this conf: a usage error that says which ones apply. */
function checkTargets(name: string, what: string, explicit: readonly Target[] | undefined, produced: () => Set<string>, applicable: () => readonly Target[]): void {
  if (explicit === undefined) return;
  const made = produced();
  const none = explicit.filter((t) => !made.has(t));
  if (none.length === 0) return;
  throw new UsageError(
    `${none.length === 1 ? "target" : "targets"} ${none.join(", ")} ${none.length === 1 ? "writes" : "write"} nothing for ${what}; targets that apply: ${applicable().join(", ")}`,
    name,
  );
}

async function cmdCompile(args: string[], io: Io): Promise<number> {
  const { values, positionals, color } = parse("compile", args);
  const early = helpOrVersion("compile", values);
  if (early !== undefined) return io.stdout(early), OK;
  if (positionals.length !== 1) throw new UsageError(`one conf file, not ${positionals.length}`, "compile");
  const out = outDir("compile", values);
  const { explicitTargets, topology, ...extra } = outputOptions("compile", values);
  if (str(values, "type") !== undefined) extra.type = oneOf("compile", "-t/--type", str(values, "type"), LVS_TYPES, "dr");
  const conf = positionals[0]!;
  checkStdinOnce("compile", [conf, ...(strs(values, "hosts") ?? []), str(values, "services")]);
  const { compileOutputs } = await import("./compile.js");
  const loaded = await load(conf, values, io, (bytes, opts) => compileOutputs(bytes, { ...opts, ...extra }));
  const code = report(loaded, io, color);
  if (code !== undefined) return code;
  const v = (loaded as Loaded<ReturnType<typeof compileOutputs>>).result.variant!;
  checkTargets("compile", `this ${v.typeName} conf`, explicitTargets, () => new Set(v.applicable(explicitTargets)), () => v.applicable());
  const picture = topology ? await pictureEntry(v.config, displayName(conf), "") : undefined;
  const entries = withPicture(map(v.outputs(), (o) => entry(o, "")), picture);
  return write(io, out, entries, { groups: [""], targets: [...(extra.targets ?? TARGETS), ...(topology ? ["topology"] : [])] }, conf, values["force"] === true, values["check"] === true);
}

function* map<T, U>(items: Iterable<T>, f: (x: T) => U): Generator<U, void, undefined> {
  for (const x of items) yield f(x);
}

/** topology.svg, drawn before the writing starts (Graphviz is asynchronous; the writer is not). */
async function pictureEntry(config: LvsConfig, source: string, group: string): Promise<OutputEntry> {
  const { path, mode, contents } = await topologyFile(config, basename(source));
  return { path: group === "" ? path : `${group}/${path}`, mode, target: "topology", chunks: () => [contents] };
}

function* withPicture(entries: Iterable<OutputEntry>, picture: OutputEntry | undefined): Generator<OutputEntry, void, undefined> {
  yield* entries;
  if (picture !== undefined) yield picture;
}

function entry(o: OutputJob, group: string, name = o.path): OutputEntry {
  return { path: group === "" ? name : `${group}/${name}`, mode: o.mode, target: o.target, chunks: o.chunks };
}

async function cmdVariants(args: string[], io: Io): Promise<number> {
  const { values, positionals, color } = parse("variants", args);
  const early = helpOrVersion("variants", values);
  if (early !== undefined) return io.stdout(early), OK;
  if (positionals.length !== 1) throw new UsageError(`one conf file, not ${positionals.length}`, "variants");
  const out = outDir("variants", values);
  const { explicitTargets, topology, ...extra } = outputOptions("variants", values);
  const conf = positionals[0]!;
  checkStdinOnce("variants", [conf, ...(strs(values, "hosts") ?? []), str(values, "services")]);
  const types = strs(values, "type")?.flatMap((t) => t.split(",")).filter((t) => t !== "");
  if (types !== undefined) {
    if (types.length === 0) throw new UsageError("option --type needs at least one type", "variants");
    for (const t of types) oneOf("variants", "-t/--type", t, LVS_TYPES, "dr");
    extra.types = types as LvsType[];
  }
  const { variantOutputs } = await import("./compile.js");
  const loaded = await load(conf, values, io, (bytes, opts) => variantOutputs(bytes, { ...opts, ...extra }));
  const code = report(loaded, io, color);
  if (code !== undefined) {
    // the conf is sound but converts only to some of the types asked for: say which, and how
    const r = typeof loaded === "string" ? undefined : (loaded as Loaded<ReturnType<typeof variantOutputs>>).result;
    if (r !== undefined && r.convertible.length > 0 && r.errorCount > 0) {
      const names = r.convertible.map((t) => TYPE_NAMES[t]);
      const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
      io.stderr(`lvsc: this conf converts only to ${list}; to write ${names.length === 1 ? "it" : "those"}: lvsc variants ${shown(conf)} -o ${shown(out)} --type ${r.convertible.join(",")}\n`);
    }
    return code;
  }
  const variants: VariantOutputs[] = (loaded as Loaded<ReturnType<typeof variantOutputs>>).result.variants;
  checkTargets(
    "variants",
    "any of the three types",
    explicitTargets,
    () => new Set(variants.flatMap((v) => v.applicable(explicitTargets))),
    () => TARGETS.filter((t) => variants.some((v) => v.applicable().includes(t))),
  );
  const text = (path: string, contents: string, target: string, group: string): OutputEntry => ({ path: `${group}/${path}`, mode: 0o644, target, chunks: () => [contents] });
  const pictures = new Map<string, OutputEntry>();
  if (topology) for (const v of variants) pictures.set(v.type, await pictureEntry(v.config, v.conf.path, v.type));
  const entries = (function* () {
    for (const v of variants) {
      yield text(v.conf.path, v.conf.contents, "conf", v.type);
      if (v.hosts !== undefined) yield text(v.hosts.path, v.hosts.contents, "hosts", v.type);
      yield* withPicture(map(v.outputs(), (o) => entry(o, v.type)), pictures.get(v.type));
    }
  })();
  const targets = [...(extra.targets ?? TARGETS), "conf", "hosts", ...(topology ? ["topology"] : [])];
  // a run owns only the types' directories it writes: --type nat leaves DIR/dr and DIR/tun alone
  return write(io, out, entries, { groups: variants.map((v) => v.type), targets }, conf, values["force"] === true, values["check"] === true);
}

// ----------------- import -----------------

/** Where --live finds ipvsadm and ip: the system's directories, never the caller's PATH. */
const SYSTEM_PATH = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

/** Runs a system command for --live; its output, or why it could not be had. */
async function runSystem(cmd: string, args: string[]): Promise<{ text: string } | { reason: string }> {
  const path = SYSTEM_PATH.map((d) => join(d, cmd)).find((p) => existsSync(p));
  if (path === undefined) return { reason: `${cmd} is not installed (looked in ${SYSTEM_PATH.join(", ")})` };
  const { execFile } = await import("node:child_process");
  return new Promise((resolve) => {
    execFile(path, args, { encoding: "utf8", maxBuffer: MAX_IMPORT_SIZE, env: { PATH: SYSTEM_PATH.join(":"), LC_ALL: "C" } }, (err, stdout, stderr) => {
      if (err !== null) resolve({ reason: `${path} ${args.join(" ")} failed: ${(stderr || err.message).trim().split("\n")[0]}` });
      else resolve({ text: stdout });
    });
  });
}

/**
 * How a keepalived.conf's includes are read: regular files up to the input limit, and globs
 * (`*`, `?`, `[...]`) matched one directory level at a time, sorted, as glob(3) does.
 */
function keepalivedLoader(): import("./import-keepalived-lex.js").KeepalivedLoader {
  const fs = { statSync, readFileSync, readdirSync, existsSync };
  const toRegex = (seg: string) => new RegExp(`^${seg.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]").replace(/\\\[/g, "[").replace(/\\\]/g, "]")}$`);
  return {
    load(path) {
      try {
        const st = fs.statSync(path);
        if (!st.isFile()) return { error: "not a regular file" };
        if (st.size > MAX_IMPORT_SIZE) return { error: `larger than ${MAX_IMPORT_SIZE / 1024 / 1024} MiB` };
        return { text: fs.readFileSync(path, "utf8") };
      } catch (e) {
        return { error: osReason(e) };
      }
    },
    glob(pattern) {
      let paths = ["/"];
      for (const seg of pattern.split("/").filter((x) => x !== "")) {
        const next: string[] = [];
        for (const dir of paths) {
          if (!/[*?[]/.test(seg)) {
            next.push(join(dir, seg));
            continue;
          }
          let names: string[] = [];
          try {
            names = fs.readdirSync(dir).filter((n) => !n.startsWith(".") && toRegex(seg).test(n));
          } catch {}
          for (const n of names.sort()) next.push(join(dir, n));
        }
        paths = next.slice(0, 4096);
      }
      return paths.filter((p) => fs.existsSync(p)).sort();
    },
  };
}

async function cmdImport(args: string[], io: Io): Promise<number> {
  const { values, positionals, color } = parse("import", args);
  const early = helpOrVersion("import", values);
  if (early !== undefined) return io.stdout(early), OK;
  const live = values["live"] === true;
  const from = str(values, "from") !== undefined ? oneOf("import", "--from", str(values, "from"), ["ipvsadm", "keepalived"] as const, "ipvsadm") : undefined;
  if (live ? positionals.length !== 0 : positionals.length < 1 || positionals.length > 2)
    throw new UsageError(live ? "--live reads this host's table: no TABLE with it" : `one table, or one or two keepalived.conf files (a pair's), not ${positionals.length}`, "import");
  const out = outDir("import", values);
  const fmt: Format = oneOf("import", "-f/--format", str(values, "format"), LINT_FORMATS, "stylish");
  const type = str(values, "type") !== undefined ? oneOf("import", "-t/--type", str(values, "type"), LVS_TYPES, "dr") : undefined;
  const { checkSet, detectFormat, importCluster } = await import("./import.js");
  const set = new Map<string, string>();
  for (const kv of strs(values, "set") ?? []) {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new UsageError(`option --set takes NAME=VALUE, not \`${shown(kv)}\``, "import");
    const [name, value] = [kv.slice(0, eq), kv.slice(eq + 1).trim()];
    const bad = checkSet(name, value);
    if (bad !== undefined) throw new UsageError(`option --set: ${bad}`, "import");
    set.set(name, value);
  }
  const table = positionals[0] ?? "ipvsadm -S -n";
  if (!live) checkStdinOnce("import", [...positionals, str(values, "addr"), ...(strs(values, "hosts") ?? []), str(values, "services")]);
  const hosts = await hostsFor(live ? "-" : table, strs(values, "hosts"), io);
  if (typeof hosts === "string") return io.stderr(`lvsc: ${hosts}\n`), FAILURE;
  const services = await servicesFrom(str(values, "services"), io);
  if (typeof services === "string") return io.stderr(`lvsc: ${services}\n`), FAILURE;
  const readText = async (path: string): Promise<{ text: string } | { reason: string }> => {
    const r = await readTable(path, io, MAX_IMPORT_SIZE);
    return "reason" in r ? { reason: `cannot read ${shown(displayName(path))}: ${r.reason}` } : r;
  };
  const input = live ? await runSystem("ipvsadm", ["-S", "-n"]) : await readText(table);
  if ("reason" in input) return io.stderr(`lvsc: ${input.reason}\n`), FAILURE;
  const addrPath = str(values, "addr");
  const addr = live ? await runSystem("ip", ["-o", "addr"]) : addrPath !== undefined ? await readText(addrPath) : undefined;
  if (addr !== undefined && "reason" in addr) return io.stderr(`lvsc: ${addr.reason}\n`), FAILURE;
  const format_ = live ? "ipvsadm" : (from ?? detectFormat(input.text));
  if (format_ === "ipvsadm" && positionals.length > 1) throw new UsageError("one table, not two: only keepalived.conf comes in a pair's two files", "import");
  const more: { path: string; text: string }[] = [];
  for (const p of positionals.slice(1)) {
    const t = await readText(p);
    if ("reason" in t) return io.stderr(`lvsc: ${t.reason}\n`), FAILURE;
    more.push({ path: displayName(p), text: t.text });
  }
  const configId = str(values, "config-id");
  const r = importCluster(input.text, {
    from: format_,
    more,
    ...(configId !== undefined ? { configId } : {}),
    loader: keepalivedLoader(),
    file: displayName(table),
    hosts,
    ...(services !== undefined ? { services } : {}),
    ...(addr !== undefined ? { addr: { path: live ? "ip -o addr" : displayName(addrPath!), text: addr.text } } : {}),
    set,
    ...(type !== undefined ? { type } : {}),
  });
  const results: FileResult[] = r.files
    .filter((f) => f.diagnostics.length > 0 || fmt !== "stylish")
    .map((f) => {
      const errors = f.diagnostics.filter((d) => d.severity === "error").length;
      return { file: f.file, source: f.text, diagnostics: f.diagnostics, errorCount: errors, warningCount: f.diagnostics.length - errors };
    });
  if (fmt === "stylish") {
    if (results.length > 0) io.stderr(formatStylish(results, { color: useColor(color, io.env, io.stderrIsTTY) }));
  } else io.stdout(format(fmt, results, { color: false }));
  if (r.errorCount > 0) {
    io.stderr("lvsc: nothing was written\n");
    return PROBLEMS;
  }
  const entries: OutputEntry[] = [
    ...r.confs.map((c) => ({ path: c.path, mode: 0o644, target: "conf", chunks: () => [c.contents] })),
    ...(r.hosts !== undefined ? [{ path: r.hosts.path, mode: 0o644, target: "hosts", chunks: () => [r.hosts!.contents] }] : []),
  ];
  const dryRun = values["check"] === true;
  const code = await write(io, out, entries, { groups: [""], targets: ["conf", "hosts"] }, live ? "-" : table, values["force"] === true, dryRun);
  if (code !== OK || dryRun) return code;
  const left = r.confs.filter((c) => c.fillIn.length > 0);
  for (const c of left) io.stderr(`lvsc: ${shown(join(out, c.path))}: fill in ${listing(c.fillIn)} (the \`lvsc import:\` lines), then lvsc lint it until it is clean\n`);
  return left.length > 0 ? PENDING : OK;
}

/** --check: what would change (the rc script's `plan` uses 3 for the same); import: written, with lines to fill in. */
const PENDING = 3;
/** The lines of one file's diff that --check prints. */
const DIFF_LINES = 400;

/** A line of a diff as printed: tabs kept, other control characters escaped. */
function diffLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

async function check(io: Io, dir: string, entries: Iterable<OutputEntry>, owns: { groups: string[]; targets: readonly string[] }, input: string, force: boolean): Promise<number> {
  const { WriteError, checkOutput } = await import("./write.js");
  let r;
  try {
    r = await checkOutput(dir, entries, { owns, force, ...(isStdin(input) ? {} : { input }) });
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    for (const m of e.messages) io.stderr(`lvsc: ${shown(m)}\n`);
    io.stderr("lvsc: a compile would write nothing (--check wrote nothing)\n");
    return FAILURE;
  }
  const count = { add: 0, change: 0, same: 0 };
  const mode = (m: number) => m.toString(8).padStart(4, "0");
  for (const f of r.files) {
    count[f.status]++;
    const path = shown(join(dir, f.path));
    const note = f.note !== undefined ? ` (${shown(f.note)})` : "";
    if (f.status === "same") io.stdout(`unchanged ${path}\n`);
    else if (f.status === "add") io.stdout(`would add ${path} (${mode(f.mode)})${note}\n`);
    else {
      io.stdout(`would change ${path}${note}\n`);
      const diff = f.diff ?? [];
      let text = "";
      for (const l of diff.slice(0, DIFF_LINES)) text += diffLine(l) + "\n";
      if (diff.length > DIFF_LINES) text += `… ${diff.length - DIFF_LINES} more lines of the diff of ${shown(f.path)}\n`;
      io.stdout(text);
    }
  }
  for (const f of r.removed) io.stdout(`would remove ${shown(join(dir, f))} (an earlier run wrote it; this run's set does not have it)\n`);
  const pending = count.add + count.change + r.removed.length;
  io.stdout(`check: ${count.add} to add, ${count.change} to change, ${r.removed.length} to remove, ${count.same} unchanged${pending > 0 ? "" : "; nothing to write"}\n`);
  return pending > 0 ? PENDING : OK;
}

async function write(io: Io, dir: string, entries: Iterable<OutputEntry>, owns: { groups: string[]; targets: readonly string[] }, input: string, force: boolean, dryRun = false): Promise<number> {
  if (dryRun) return check(io, dir, entries, owns, input, force);
  const { WriteError, Interrupted, writeOutput } = await import("./write.js");
  let r: WriteReport;
  try {
    r = await writeOutput(dir, entries, {
      owns,
      force,
      ...(isStdin(input) ? {} : { input }),
      hooks: {
        at: async (point: string) => {
          if (io.stopAt === undefined || io.stopAt !== point) return;
          io.stderr(`lvsc: stopped at ${point}\n`);
          process.kill(process.pid, "SIGSTOP");
          // continued: give a signal sent while stopped its turn in the event loop
          await new Promise((r) => setTimeout(r, 100));
        },
      },
    });
  } catch (e) {
    if (e instanceof Interrupted) {
      io.stderr(`lvsc: ${e.signal}: stopped before the new files were in place; ${shown(dir)} is as it was\n`);
      return 128 + e.number;
    }
    if (!(e instanceof WriteError)) throw e;
    for (const m of e.messages) io.stderr(`lvsc: ${shown(m)}\n`);
    io.stderr("lvsc: nothing was written\n");
    return FAILURE;
  }
  for (const f of r.written) io.stdout(f.changed ? `wrote ${shown(join(dir, f.path))} (${f.mode.toString(8).padStart(4, "0")})\n` : `unchanged ${shown(join(dir, f.path))}\n`);
  for (const f of r.removed) io.stdout(`removed ${shown(join(dir, f))} (an earlier run wrote it; this run's set does not have it)\n`);
  if (r.lateSignal !== undefined) io.stderr(`lvsc: ${r.lateSignal} came after the new files were in place: the write is complete\n`);
  return OK;
}

// ----------------- lint -----------------

/** lint's paths: a directory is its lvs_*.conf files. Synchronous calls, as in readBounded, and no thread pool at all for lint. */
async function expandLintArgs(paths: string[]): Promise<{ files: string[]; problems: { file: string; message: string }[] }> {
  const files: string[] = [];
  const problems: { file: string; message: string }[] = [];
  for (const p of paths) {
    if (isStdin(p)) {
      files.push(p);
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      st = e as NodeJS.ErrnoException;
    }
    if (st instanceof Error) {
      problems.push({ file: p, message: `cannot read ${shown(p)}: ${osReason(st)}` });
      continue;
    }
    if (!st.isDirectory()) {
      files.push(p);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(p).filter((n) => /^lvs_[^/]*\.conf(\..+)?$/.test(n)).sort();
    } catch (e) {
      problems.push({ file: p, message: `cannot read directory ${shown(p)}: ${osReason(e)}` });
      continue;
    }
    if (names.length === 0) problems.push({ file: p, message: `${shown(p)}: no lvs_*.conf files in this directory` });
    for (const n of names) files.push(join(p, n));
  }
  return { files, problems };
}

/** The SARIF rules' help: --help-uri-base, or docs/diagnostics.md of the installed package. */
function helpUriBase(values: Values, io: Io): string | undefined {
  const given = str(values, "help-uri-base");
  if (given !== undefined) {
    if (!/^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(given)) throw new UsageError(`option --help-uri-base must be an absolute URL, not \`${shown(given)}\``, "lint");
    return given;
  }
  return io.packageRoot !== undefined ? pathToFileURL(join(io.packageRoot, "docs", "diagnostics.md")).href : undefined;
}

async function cmdLint(args: string[], io: Io): Promise<number> {
  const { values, positionals, color } = parse("lint", args);
  const early = helpOrVersion("lint", values);
  if (early !== undefined) return io.stdout(early), OK;
  const fmt: Format = oneOf("lint", "-f/--format", str(values, "format"), LINT_FORMATS, "stylish");
  let maxWarnings = Infinity;
  const mw = str(values, "max-warnings");
  if (mw !== undefined) {
    if (!/^\d+$/.test(mw)) throw new UsageError(`option --max-warnings must be a whole number, not \`${shown(mw)}\``, "lint");
    maxWarnings = Number(mw);
  }
  const helpUri = fmt === "sarif" ? helpUriBase(values, io) : undefined;
  if (positionals.length === 0) throw new UsageError("at least one file or directory (- for standard input)", "lint");
  checkStdinOnce("lint", [...positionals, ...(strs(values, "hosts") ?? []), str(values, "services")]);
  const { files, problems } = await expandLintArgs(positionals);
  const loadedFiles: Loaded[] = [];
  // the bytes of a conf that is clean alone: the set's checks may find a problem in it, which needs its text for the code frame
  const cleanBytes = new Map<LintResult, Uint8Array>();
  const lintKeepingClean = (bytes: Uint8Array, opts: LintOptions) => {
    const r = lint(bytes, opts);
    if (r.diagnostics.length === 0 && r.config !== undefined) cleanBytes.set(r, bytes);
    return r;
  };
  for (const f of files) {
    const loaded = await load(f, values, io, lintKeepingClean);
    if (typeof loaded === "string") {
      problems.push({ file: displayName(f), message: loaded });
      continue;
    }
    loadedFiles.push(loaded);
  }
  // the confs as one set: two clusters must not share a VRRP router id on one network, nor a director
  const checked = checkConfSet(loadedFiles.map((l) => l.result));
  const results: FileResult[] = [];
  loadedFiles.forEach((l, i) => {
    const bytes = cleanBytes.get(l.result);
    const source = l.source ?? (bytes !== undefined && checked[i]!.diagnostics.length > 0 ? new TextDecoder().decode(bytes) : undefined);
    results.push(fileResult({ result: checked[i]!, source }));
    // problems at lines of the hosts files, once per file however many confs read it
    for (const h of l.result.hostsResults ?? []) if (!results.some((r) => r.file === h.file)) results.push(h);
  });
  // a file that could not be read is an error in every format, never "no problems"
  for (const p of problems) results.push({ file: p.file, source: undefined, diagnostics: [], errorCount: 1, warningCount: 0, fatal: p.message });
  io.stdout(format(fmt, results, { color: useColor(color, io.env, io.stdoutIsTTY), ...(helpUri !== undefined ? { helpUriBase: helpUri } : {}) }));
  // stylish shows them itself; the machine formats are read by a program, so tell the person too
  if (fmt !== "stylish") for (const p of problems) io.stderr(`lvsc: ${p.message}\n`);
  if (problems.length > 0) return FAILURE;
  const errors = results.reduce((n, r) => n + r.errorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  if (errors > 0) return PROBLEMS;
  if (warnings > maxWarnings) {
    io.stderr(`lvsc: ${plural(warnings, "warning")}, more than --max-warnings ${maxWarnings}\n`);
    return PROBLEMS;
  }
  return OK;
}

// ----------------- show -----------------


async function cmdShow(args: string[], io: Io): Promise<number> {
  const { values, positionals, color } = parse("show", args);
  const early = helpOrVersion("show", values);
  if (early !== undefined) return io.stdout(early), OK;
  const fmt = oneOf("show", "-f/--format", str(values, "format"), SHOW_FORMATS, "text");
  if (positionals.length !== 1) throw new UsageError(`one conf file, not ${positionals.length}`, "show");
  checkStdinOnce("show", [positionals[0], ...(strs(values, "hosts") ?? []), str(values, "services")]);
  const loaded = await load(positionals[0]!, values, io, lint);
  if (typeof loaded === "string") {
    io.stderr(`lvsc: ${loaded}\n`);
    return FAILURE;
  }
  const r = loaded.result;
  if (r.diagnostics.length > 0) io.stderr(formatStylish([fileResult(loaded)], { color: useColor(color, io.env, io.stderrIsTTY) }));
  if (r.config === undefined) return PROBLEMS;
  io.stdout(await show(r.config, fmt, basename(displayName(positionals[0]!))));
  return OK;
}

// ----------------- help -----------------

async function cmdHelp(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse("help", args);
  const early = helpOrVersion("help", values);
  if (early !== undefined) return io.stdout(early), OK;
  if (positionals.length > 1) throw new UsageError(`one command, not ${positionals.length}`, "help");
  const topic = positionals[0];
  if (topic === undefined) return io.stdout(overview()), OK;
  const text = topic === CONF_TOPIC ? confHelp() : helpText(topic);
  if (text === undefined) throw new UsageError(`no command or help topic \`${shown(topic)}\`${suggest(topic, HELP_TOPICS)}`, "help");
  io.stdout(text);
  return OK;
}

export type { OptionSpec };
