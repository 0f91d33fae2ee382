// DOT -> SVG through Graphviz compiled to WebAssembly (@viz-js/viz). The engine (a few MB) is
// loaded on first use only, so lint and compile, which never draw, start no slower.

import type { Viz } from "@viz-js/viz";

let viz: Promise<Viz> | undefined;

/**
 * The Graphviz module. The CLI is one CommonJS bundle run through a V8 code cache (see
 * scripts/build.mjs), where import() has no loader: it requires; ESM callers import.
 */
async function graphviz(): Promise<typeof import("@viz-js/viz")> {
  return typeof require === "function" ? (require("@viz-js/viz") as typeof import("@viz-js/viz")) : import("@viz-js/viz");
}

/** Graphviz's layout of `dot` as SVG, and any warning it printed (an lvsc bug if not empty). */
export async function renderSvg(dot: string): Promise<{ svg: string; warnings: string[] }> {
  viz ??= graphviz().then((m) => m.instance());
  const r = (await viz).render(dot, { format: "svg", engine: "dot" });
  const warnings = r.errors.map((e) => `${e.level ?? "error"}: ${e.message.trim()}`);
  if (r.status !== "success") throw new Error(`Graphviz could not lay out the topology: ${warnings.join("; ")}`);
  return { svg: r.output, warnings };
}
