// Validated conf -> output files in memory, as its own LVS_TYPE or converted to another. Pure.

import { convert } from "./convert.js";
import type { Diagnostic } from "./diagnostics.js";
import { analyze, result, type Analysis, type LintOptions, type LintResult, type Source } from "./lint.js";
import { LVS_TYPES, TYPE_NAMES, type LvsConfig, type LvsType } from "./model.js";
import { formatAddress } from "./net.js";
import { planOutputs, TARGETS, type ArpMethod, type EmitOptions, type OutputFile, type RenderPlan, type Target } from "./plan.js";
import { renderChunks } from "./render.js";
import { VERSION } from "./version.js";

export interface CompileOptions extends LintOptions {
  /** Compile the cluster as this forwarding method (default: the conf's LVS_TYPE). */
  type?: LvsType;
  /** variants: only these forwarding methods (default: all three). */
  types?: readonly LvsType[];
  /** Which files to produce (default: every one that applies to the conf). */
  targets?: readonly Target[];
  /** ARP hiding in the real servers' rc.local snippet: today's sysctls (default) or the 2.2 `hidden` flag. */
  arp?: ArpMethod;
  /** Directory shared with the real servers in the exports line (default /etc/lvs). */
  exportDir?: string;
}

export interface CompileResult extends LintResult {
  /** Every output file, or none when there is any error. */
  files: OutputFile[];
  /** The cluster the files build: `config`, or its conversion to `opts.type`; undefined on any error. */
  compiled: LvsConfig | undefined;
}

export interface Variant {
  type: LvsType;
  /** The conf for this type: the source itself for its own type, else the converted text. */
  conf: { path: string; contents: string };
  /** A hosts file with the names the conf uses, so that the conf lints where it is written. */
  hosts: { path: string; contents: string } | undefined;
  /** The cluster as this type: what `files` build. */
  config: LvsConfig;
  files: OutputFile[];
}

/**
 * One output file, rendered piece by piece as it is written: the CLI streams it to disk, so a
 * large cluster's files are never held whole in memory.
 */
export interface OutputJob {
  path: string;
  mode: number;
  target: Target;
  /** The file's text in order. */
  chunks(): Iterable<string>;
}

/** One type's files for the CLI: planned a target at a time, as they are written. */
export interface LazyOutputs {
  type: LvsType;
  /** The cluster as this type: what the outputs build. */
  config: LvsConfig;
  /** VS_DR, VS_NAT or VS_TUN. */
  typeName: string;
  /**
   * Each selected target's file, its render context built only when it is reached: with a
   * cluster of 100,000 real servers, one file's context is tens of megabytes.
   */
  outputs(): Generator<OutputJob, void, undefined>;
  /** Which of `targets` (default: all) write a file for this conf; plans them to find out. */
  applicable(targets?: readonly Target[]): Target[];
}

export interface VariantOutputs extends Omit<Variant, "files">, LazyOutputs {}

/**
 * Lints, converts to `opts.type` when it differs from the conf's own LVS_TYPE, then renders every
 * output file in memory; no file at all when there is any error. The files are exactly those
 * `lvsc compile` writes: both come from compileOutputs().
 */
export function compile(source: Source, opts: CompileOptions = {}): CompileResult {
  const { variant: v, ...r } = compileOutputs(source, opts);
  return { ...r, files: v !== undefined ? materialize(v.outputs()) : [], compiled: v?.config };
}

/**
 * The cluster as each forwarding method (or those of `opts.types`): a conf and a full set of files
 * per LVS_TYPE, or errors. `convertible` names the types this conf converts to, also when others
 * do not (then there are errors and no variant at all).
 */
export function variants(source: Source, opts: CompileOptions = {}): LintResult & { variants: Variant[]; convertible: LvsType[] } {
  const { variants: vs, ...r } = variantOutputs(source, opts);
  return { ...r, variants: vs.map((v) => ({ type: v.type, conf: v.conf, hosts: v.hosts, config: v.config, files: materialize(v.outputs()) })) };
}

/** compile() for the CLI: the files as jobs that plan and render while they are written. */
export function compileOutputs(source: Source, opts: CompileOptions = {}): LintResult & { variant: LazyOutputs | undefined } {
  const { variants: built, convertible: _, ...r } = variantsOf(source, opts, (config) => [opts.type ?? config.type]);
  return { ...r, variant: built[0] !== undefined ? lazy(built[0], opts.targets) : undefined };
}

/** variants() for the CLI: each type's files as jobs that plan and render while they are written. */
export function variantOutputs(source: Source, opts: CompileOptions = {}): LintResult & { variants: VariantOutputs[]; convertible: LvsType[] } {
  const r = variantsOf(source, opts, () => LVS_TYPES.filter((t) => (opts.types ?? LVS_TYPES).includes(t)));
  return { ...r, variants: r.variants.map((v) => ({ conf: v.conf, hosts: v.hosts, ...lazy(v, opts.targets) })) };
}

/** Output jobs rendered whole, in memory: what the library returns. */
function materialize(jobs: Iterable<OutputJob>): OutputFile[] {
  const out: OutputFile[] = [];
  for (const j of jobs) out.push({ path: j.path, mode: j.mode, contents: [...j.chunks()].join("") });
  return out;
}

function plans(v: Planned, targets: readonly Target[] | undefined): RenderPlan[] {
  return planOutputs(v.config, { ...v.emit, targets });
}

function lazy(v: Planned, targets: readonly Target[] | undefined): LazyOutputs {
  return {
    type: v.type,
    config: v.config,
    typeName: TYPE_NAMES[v.type],
    *outputs() {
      for (const t of TARGETS) {
        if (targets !== undefined && !targets.includes(t)) continue;
        // a target may write several files (keepalived: keepalived.conf and, for a pair,
        // keepalived.backup.conf): every one of them
        for (const plan of plans(v, [t])) yield { path: plan.path, mode: plan.mode, target: plan.target, chunks: () => renderChunks(plan) };
      }
    },
    applicable: (only) => plans(v, only).map((p) => p.target),
  };
}

/** A variant before planning: the validated conf of its type, and how to emit it. */
interface Planned extends Omit<Variant, "files"> {
  config: LvsConfig;
  emit: Omit<EmitOptions, "targets">;
}

/**
 * Lints once, then builds the variants `types` asks for; none at all when anything is an error.
 * `convertible`: the types asked for whose conversion had no error (none when the conf has one).
 */
function variantsOf(source: Source, opts: CompileOptions, types: (config: LvsConfig) => readonly LvsType[]): LintResult & { variants: Planned[]; convertible: LvsType[] } {
  const a = analyze(source, opts);
  const r = result(a.file, a.diagnostics, a.config);
  if (r.config === undefined || r.errorCount > 0) return { ...r, variants: [], convertible: [] };
  const out: Planned[] = [];
  const diagnostics = [...a.diagnostics];
  const wanted = types(r.config);
  // the syntax tree is needed only to convert to another type: let it go before rendering
  if (wanted.every((t) => t === r.config!.type)) a.ast = undefined;
  const convertible: LvsType[] = [];
  for (const t of wanted) {
    const v = variant(a, r.config, t, opts);
    diagnostics.push(...v.diagnostics);
    if (v.variant !== undefined) out.push(v.variant);
    if (v.variant !== undefined && !v.diagnostics.some((d) => d.severity === "error")) convertible.push(t);
  }
  const all = result(a.file, diagnostics, r.config);
  return { ...all, variants: all.errorCount > 0 ? [] : out, convertible };
}

/** The conf's base name for the files' headers: text that is inert in a comment. */
function sourceName(file: string | undefined): string {
  const base = (file ?? "stdin").split(/[\\/]/).pop()!;
  // what src/shell.ts's assertInertText lets into a comment; anything else would stop the render
  return base === "<stdin>" || base === "" ? "stdin" : base.replace(/[^A-Za-z0-9 _@%+=:,.()*'-]/g, "_");
}

function variant(a: Analysis, config: LvsConfig, type: LvsType, opts: CompileOptions): { variant: Planned | undefined; diagnostics: Diagnostic[] } {
  const base = a.file.split(/[\\/]/).pop()!;
  const confName = `lvs_${type}.conf`;
  let target = config;
  let text = a.text!;
  const diagnostics: Diagnostic[] = [];
  if (type !== config.type) {
    const c = convert(a.text!, a.ast!, config, type, { file: base, version: VERSION });
    diagnostics.push(...c.diagnostics);
    if (c.text === undefined) return { variant: undefined, diagnostics };
    // the converted conf must stand on its own: lint it as the file it will be
    const b = analyze(c.text, { ...opts, file: confName });
    const errors = b.diagnostics.filter((d) => d.severity === "error");
    if (b.config === undefined || errors.length > 0)
      throw new Error(`lvsc bug: the ${TYPE_NAMES[type]} conversion of ${base} does not validate: ${errors.map((d) => d.message).join("; ")}`);
    target = b.config;
    text = c.text;
  }
  const emit: Omit<EmitOptions, "targets"> = {
    source: type === config.type ? sourceName(opts.file) : confName,
    version: VERSION,
    arp: opts.arp ?? "sysctl",
    exportDir: opts.exportDir ?? "/etc/lvs",
  };
  const hosts =
    a.names.size === 0
      ? undefined
      : {
          path: "hosts",
          contents:
            `# The host names ${confName} uses, as lvsc resolved them when it wrote this directory.\n` +
            [...a.names].flatMap(([name, addrs]) => addrs.map((addr) => `${formatAddress(addr)}\t${name}\n`)).join(""),
        };
  return { variant: { type, conf: { path: confName, contents: text }, hosts, config: target, emit }, diagnostics };
}

