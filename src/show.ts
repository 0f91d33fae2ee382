// LvsConfig -> what `lvsc show --format …` prints, and the topology.svg that `compile --target
// topology` writes. Pure, but for the SVG engine's lazy load (src/svg.ts).

import { checkOptions } from "./checks.js";
import { ipvsListing, listingName, sortedTable } from "./ipvs.js";
import { checkerOf, HEALTH_CHECK } from "./plan.js";
import type { LvsConfig } from "./model.js";
import { modelJson } from "./model-json.js";
import type { OutputFile } from "./plan.js";
import { renderSvg } from "./svg.js";
import { topology, toDot, toMermaid } from "./topology.js";

export const SHOW_FORMATS = ["text", "svg", "dot", "mermaid", "json"] as const;
export type ShowFormat = (typeof SHOW_FORMATS)[number];

/**
 * The cluster in `format`: `text` is the director's IPVS table (`ipvsadm -L -n` layout) and each
 * service's effective health check (its CHECK line's kind and options, or lvsc's default), `json`
 * the validated model (schema/lvsc-model.schema.json), `dot`/`mermaid` the topology graph as
 * text, `svg` that graph laid out by Graphviz. `source` is the conf's name, shown in titles.
 */
export async function show(config: LvsConfig, format: ShowFormat, source: string): Promise<string> {
  switch (format) {
    case "text":
      return ipvsListing(config) + healthChecks(config);
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

/**
 * `Health checks:` and a line a service, in the table's order: `TCP  192.168.0.101:80  http
 * path:/health status:200 (CHECK on line 9)`, or `lvsc default: HTTP_GET of / ...` without CHECK.
 */
function healthChecks(config: LvsConfig): string {
  const h = HEALTH_CHECK;
  const out = ["", "Health checks:"];
  const table = sortedTable(config);
  // a column as wide as the longest name: 26 fits every IPv4 one (`TCP  255.255.255.255:65535`),
  // an IPv6 one takes up to 52 (`TCP  [` 45 characters `]:65535`)
  let width = 26;
  for (const { service: s } of table) width = Math.max(width, listingName(config, s).length);
  for (const { service: s } of table) {
    const name = listingName(config, s);
    let what: string;
    if (s.check !== undefined) {
      const { line, ...c } = s.check;
      what = `${[c.kind, ...checkOptions(c)].join(" ")} (CHECK on line ${line})`;
    } else {
      const checker = checkerOf(s);
      const timeout = checker === "UDP_CHECK" ? h.udpConnectTimeout : h.connectTimeout;
      const kind = { HTTP_GET: "HTTP_GET of / (status 200-499)", TCP_CHECK: "TCP_CHECK, a TCP connect", UDP_CHECK: "UDP_CHECK, a UDP datagram", PING_CHECK: "PING_CHECK, a ping" }[checker];
      what = `lvsc default: ${kind} every ${h.delayLoop} s, timeout ${timeout} s, out after ${h.retry + 1} failures ${h.delayBeforeRetry} s apart`;
    }
    out.push(`${name.padEnd(width)} ${what}`);
  }
  return out.join("\n") + "\n";
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
