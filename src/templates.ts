// The templates: their Handlebars sources, compiled on first use by src/template-compiler.ts.
// The build replaces this module with the same functions compiled ahead of time
// (scripts/build.mjs, src/precompile.ts), so that `lvsc` never compiles a template at run time.

import exportsTemplate from "../templates/exports.hbs?raw";
import rulesTemplate from "../templates/ipvsadm.rules.hbs?raw";
import keepalivedTemplate from "../templates/keepalived.conf.hbs?raw";
import serviceTemplate from "../templates/lvs.service.hbs?raw";
import monTemplate from "../templates/mon.cf.hbs?raw";
import rcLocalTemplate from "../templates/rc.local.sh.hbs?raw";
import rcTemplate from "../templates/rc.lvs.sh.hbs?raw";
import sysctlTemplate from "../templates/sysctl.conf.hbs?raw";
import { HELPERS } from "./helpers.js";
import type { TemplateName } from "./plan.js";
import { compileTemplate } from "./template-compiler.js";

export const SOURCES: Record<TemplateName, string> = {
  "rc.lvs.sh": rcTemplate,
  "rc.local.sh": rcLocalTemplate,
  exports: exportsTemplate,
  "ipvsadm.rules": rulesTemplate,
  "keepalived.conf": keepalivedTemplate,
  "mon.cf": monTemplate,
  "lvs.service": serviceTemplate,
  "sysctl.conf": sysctlTemplate,
};

/** A compiled template: the file's text in pieces. */
export type Template = (context: unknown) => Generator<string, void, undefined>;

type Body = (root: unknown, helpers: typeof HELPERS) => Generator<string, void, undefined>;

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as new (...args: string[]) => Body;

export function template(name: TemplateName): Template {
  const body = new GeneratorFunction("root", "helpers", compileTemplate(SOURCES[name], Object.keys(HELPERS), name));
  return (context) => body(context, HELPERS);
}
