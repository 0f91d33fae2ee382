// Validated conf -> output files in memory, as its own LVS_TYPE or converted to another. Pure.

import { convert } from "./convert.js";
import type { Diagnostic } from "./diagnostics.js";
import { analyze, result, type Analysis, type LintOptions, type LintResult, type Source } from "./lint.js";
import { TYPE_NAMES, type LvsConfig, type LvsType } from "./model.js";
import { formatIPv4 } from "./net.js";
import { planOutputs, type ArpMethod, type OutputFile, type Target } from "./plan.js";
import { render } from "./render.js";
import { VERSION } from "./version.js";

export interface CompileOptions extends LintOptions {
  /** Compile the cluster as this forwarding method (default: the conf's LVS_TYPE). */
  type?: LvsType;
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
 * Lints, converts to `opts.type` when it differs from the conf's own LVS_TYPE, then renders every
 * output file in memory; no file at all when there is any error.
 */
export function compile(source: Source, opts: CompileOptions = {}): CompileResult {
  const { variants: built, ...r } = variantsOf(source, opts, (config) => [opts.type ?? config.type]);
  return { ...r, files: built[0]?.files ?? [], compiled: built[0]?.config };
}

/** The cluster as each forwarding method: a conf and a full set of files per LVS_TYPE, or errors. */
export function variants(source: Source, opts: CompileOptions = {}): LintResult & { variants: Variant[] } {
  return variantsOf(source, opts, () => ["dr", "nat", "tun"]);
}

/** Lints once, then builds the variants `types` asks for; none at all when anything is an error. */
function variantsOf(source: Source, opts: CompileOptions, types: (config: LvsConfig) => readonly LvsType[]): LintResult & { variants: Variant[] } {
  const a = analyze(source, opts);
  const r = result(a.file, a.diagnostics, a.config);
  if (r.config === undefined || r.errorCount > 0) return { ...r, variants: [] };
  const out: Variant[] = [];
  const diagnostics = [...a.diagnostics];
  for (const t of types(r.config)) {
    const v = variant(a, r.config, t, opts);
    diagnostics.push(...v.diagnostics);
    if (v.variant !== undefined) out.push(v.variant);
  }
  const all = result(a.file, diagnostics, r.config);
  return { ...all, variants: all.errorCount > 0 ? [] : out };
}

function variant(a: Analysis, config: LvsConfig, type: LvsType, opts: CompileOptions): { variant: Variant | undefined; diagnostics: Diagnostic[] } {
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
  const plans = planOutputs(target, {
    source: type === config.type ? (opts.file ?? "stdin").split(/[\\/]/).pop()! : confName,
    version: VERSION,
    arp: opts.arp ?? "sysctl",
    exportDir: opts.exportDir ?? "/etc/lvs",
    targets: opts.targets,
  });
  const hosts =
    a.names.size === 0
      ? undefined
      : {
          path: "hosts",
          contents:
            `# The host names ${confName} uses, as lvsc resolved them when it wrote this directory.\n` +
            [...a.names].map(([name, addr]) => `${formatIPv4(addr)}\t${name}\n`).join(""),
        };
  return { variant: { type, conf: { path: confName, contents: text }, hosts, config: target, files: render(plans) }, diagnostics };
}

