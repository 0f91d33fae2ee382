// Template sources, compiled on first use with the full Handlebars compiler. The build
// replaces this module with precompiled templates and the small Handlebars runtime
// (scripts/build.mjs, src/precompile.ts), which saves the compiler's start-up in every run.

import Handlebars from "handlebars";
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
import sysctlTemplate from "../templates/sysctl.conf.hbs?raw";
import { COMPILE_OPTIONS } from "./helpers.js";
import type { TemplateName } from "./plan.js";

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

/** An isolated environment, with the partials: nothing registered on it leaks into the global Handlebars object. */
export function environment(): typeof Handlebars {
  const env = Handlebars.create();
  for (const [name, source] of Object.entries(PARTIALS)) env.registerPartial(name, env.compile(source, COMPILE_OPTIONS));
  return env;
}

export function template(env: typeof Handlebars, name: TemplateName): Handlebars.TemplateDelegate {
  return env.compile(SOURCES[name], COMPILE_OPTIONS);
}
