// Render plans -> files. Never touches disk.
//
// renderChunks() yields a file in pieces of about 64 KiB, for the CLI to write as they come (the
// library joins them: src/compile.ts): a cluster of 100,000 real servers makes files of
// tens of megabytes, never held whole in memory. The templates are Handlebars; their code comes
// from src/template-compiler.ts.

import type { RenderPlan, TemplateName } from "./plan.js";
import { template, type Template } from "./templates.js";

export { HELPERS } from "./helpers.js";

const compiled = new Map<TemplateName, Template>();

function get(name: TemplateName): Template {
  let t = compiled.get(name);
  if (t === undefined) {
    t = template(name);
    compiled.set(name, t);
  }
  return t;
}

/** A file's text in pieces. */
export function renderChunks(plan: RenderPlan): Generator<string, void, undefined> {
  return get(plan.template)(plan.context);
}
