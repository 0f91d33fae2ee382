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

/** An isolated environment: nothing registered on it leaks into the global Handlebars object. */
export function environment(): typeof Handlebars {
  return Handlebars.create();
}

export function template(env: typeof Handlebars, name: TemplateName): Handlebars.TemplateDelegate {
  return env.compile(SOURCES[name], COMPILE_OPTIONS);
}
