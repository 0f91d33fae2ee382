// Public API: lint() and compile() on conf text, the variants, the formatters, and the cluster as a
// model, a graph and a picture (show). Never touches the file system.

export { ALL_CODES, CODES } from "./diagnostics.js";
export type { Code, Diagnostic, Position, RelatedLocation, Severity, Span } from "./diagnostics.js";
export type { HostsSource } from "./hosts.js";
export type { Director, DirectorPair, LvsConfig, LvsType, RealServer, VirtualService, VrrpId } from "./model.js";
export type { ArpMethod, OutputFile, Target } from "./plan.js";
export { TARGETS } from "./plan.js";
export { ipvsListing, ipvsRules } from "./ipvs.js";
export { VERSION } from "./version.js";
export { lint, type LintOptions, type LintResult, type Source } from "./lint.js";
export { checkConfSet } from "./ha.js";
export { compile, variants, type CompileOptions, type CompileResult, type Variant } from "./compile.js";
export { formatGithub, formatJson, formatSarif, formatStylish, type FileResult, type Format } from "./format.js";
export { show, topologySvg, SHOW_FORMATS, type ShowFormat } from "./show.js";
export { topology, toDot, toMermaid, type Graph, type GraphCluster, type GraphEdge, type GraphNode, type NodeKind } from "./topology.js";
export { modelJson, MODEL_VERSION, type ModelJson } from "./model-json.js";
