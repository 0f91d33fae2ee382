// Render plans -> files in memory, through an isolated Handlebars environment. Never touches disk.

import { HELPERS } from "./helpers.js";
import type { OutputFile, RenderPlan, TemplateName } from "./plan.js";
import { environment, template } from "./templates.js";

export { HELPERS } from "./helpers.js";

const hb = environment();
for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, fn);

const compiled = new Map<TemplateName, (context: unknown) => string>();

function get(name: TemplateName): (context: unknown) => string {
  let t = compiled.get(name);
  if (t === undefined) {
    t = template(hb, name);
    compiled.set(name, t);
  }
  return t;
}

export function render(plans: readonly RenderPlan[]): OutputFile[] {
  return plans.map((p) => ({ path: p.path, mode: p.mode, contents: get(p.template)(p.context) }));
}
