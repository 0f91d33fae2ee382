// LvsConfig -> what `lvsc show --format …` prints, and the topology.svg that `compile --target
// topology` writes. Pure, but for the SVG engine's lazy load (src/svg.ts).

import { ipvsListing } from "./ipvs.js";
import type { LvsConfig } from "./model.js";
import { modelJson } from "./model-json.js";
import type { OutputFile } from "./plan.js";
import { renderSvg } from "./svg.js";
import { topology, toDot, toMermaid } from "./topology.js";

export const SHOW_FORMATS = ["text", "svg", "dot", "mermaid", "json"] as const;
export type ShowFormat = (typeof SHOW_FORMATS)[number];

/**
 * The cluster in `format`: `text` is the director's IPVS table (`ipvsadm -L -n` layout), `json`
 * the validated model (schema/lvsc-model.schema.json), `dot`/`mermaid` the topology graph as
 * text, `svg` that graph laid out by Graphviz. `source` is the conf's name, shown in titles.
 */
export async function show(config: LvsConfig, format: ShowFormat, source: string): Promise<string> {
  switch (format) {
    case "text":
      return ipvsListing(config);
    case "json":
      return JSON.stringify(modelJson(config, source), null, 2) + "\n";
    case "dot":
      return toDot(topology(config, source));
    case "mermaid":
      return toMermaid(topology(config, source));
    case "svg":
      return topologySvg(config, source);
  }
}

/** The topology picture as SVG; throws if Graphviz warns, which would be an lvsc bug. */
export async function topologySvg(config: LvsConfig, source: string): Promise<string> {
  const { svg, warnings } = await renderSvg(toDot(topology(config, source)));
  if (warnings.length > 0) throw new Error(`Graphviz warned about the topology of ${source}: ${warnings.join("; ")}`);
  return svg;
}

/** `topology.svg` for the output directory. */
export async function topologyFile(config: LvsConfig, source: string): Promise<OutputFile> {
  return { path: "topology.svg", contents: await topologySvg(config, source), mode: 0o644 };
}
