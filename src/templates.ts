// The templates: their Handlebars sources, compiled on first use by src/template-compiler.ts.
// The build replaces this module with the same functions compiled ahead of time
// (scripts/build.mjs, src/precompile.ts), so that `lvsc` never compiles a template at run time.

import birdTemplate from "../templates/bird.conf.hbs?raw";
import birdRouterTemplate from "../templates/bird.router.conf.hbs?raw";
import exportsTemplate from "../templates/exports.hbs?raw";
import rulesTemplate from "../templates/ipvsadm.rules.hbs?raw";
import keepalivedTemplate from "../templates/keepalived.conf.hbs?raw";
import serviceTemplate from "../templates/lvs.service.hbs?raw";
import monTemplate from "../templates/mon.cf.hbs?raw";
import rcLocalTemplate from "../templates/rc.local.sh.hbs?raw";
import rcTemplate from "../templates/rc.lvs.sh.hbs?raw";
import rcDirector from "../templates/rc/director.sh.hbs?raw";
import ipvsPlanAwk from "../templates/rc/ipvs-plan.awk?raw";
import rcRealServer from "../templates/rc/realserver.sh.hbs?raw";
import rcState from "../templates/rc/state.sh.hbs?raw";
import routerSysctlTemplate from "../templates/router-sysctl.conf.hbs?raw";
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
  "bird.conf": birdTemplate,
  "bird.router.conf": birdRouterTemplate,
  "router-sysctl.conf": routerSysctlTemplate,
};

/**
 * A file included as it is, inside single quotes of the script (the awk program): it must hold
 * no `'` (which would end the quoting) and no `{{` (which Handlebars would read).
 */
export function verbatim(name: string, text: string): string {
  if (text.includes("'") || text.includes("{{")) throw new Error(`${name} may not contain ' or {{: it is embedded verbatim in single quotes`);
  return text;
}

/**
 * Partials, by the name a template includes them with (`{{> rc/director}}`): the rc script's
 * parts, one file per concern under templates/rc/.
 */
export const PARTIALS: Record<string, string> = {
  "rc/state": rcState,
  "rc/director": rcDirector,
  "rc/realserver": rcRealServer,
  "rc/ipvs-plan": verbatim("templates/rc/ipvs-plan.awk", ipvsPlanAwk),
};

/** A compiled template: the file's text in pieces. */
export type Template = (context: unknown) => Generator<string, void, undefined>;

type Body = (root: unknown, helpers: typeof HELPERS) => Generator<string, void, undefined>;

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as new (...args: string[]) => Body;

export function template(name: TemplateName): Template {
  const body = new GeneratorFunction("root", "helpers", compileTemplate(SOURCES[name], Object.keys(HELPERS), name, PARTIALS));
  return (context) => body(context, HELPERS);
}
