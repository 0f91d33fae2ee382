// SERVICE's scheduler flags: `-b flag,flag` after a scheduler that has them.

import type { Field } from "../ast.js";
import { SCHED_FLAGS } from "../directives.js";
import { printable } from "../text.js";
import type { Context } from "./context.js";

/** `-b flag,flag` after a scheduler: flags that scheduler has, each once, in ipvsadm's order. */
export function readSchedFlags(ctx: Context, opt: Field, value: Field | undefined, scheduler: string | undefined): string[] | undefined {
  const known = scheduler !== undefined ? SCHED_FLAGS[scheduler] : undefined;
  const schedulers = Object.entries(SCHED_FLAGS).map(([s, fl]) => `\`${s}\`: ${fl.map((x) => `\`${x}\``).join(", ")}`).join("; ");
  if (scheduler === undefined) {
    ctx.report("invalid-sched-flag", "`-b` without a scheduler", opt.span, `scheduler flags follow their scheduler, e.g. \`SERVICE=t www mh -b mh-fallback,mh-port rs1 rs2\` (${schedulers})`);
    return undefined;
  }
  if (value === undefined || value.text.startsWith("-")) {
    ctx.report("invalid-sched-flag", "`-b` needs the scheduler's flags", opt.span, known !== undefined ? `\`${scheduler}\` has ${known.map((x) => `\`${x}\``).join(" and ")}, e.g. \`-b ${known.join(",")}\`` : schedulers);
    return undefined;
  }
  const seen = new Set<string>();
  let bad = false;
  for (const flag of value.text.split(",")) {
    if (known === undefined || !known.includes(flag)) {
      ctx.report(
        "invalid-sched-flag",
        flag === "" ? `an empty flag in \`-b ${printable(value.text)}\`` : `\`${printable(flag)}\` is not a flag of the \`${scheduler}\` scheduler`,
        value.span,
        known !== undefined ? `\`${scheduler}\` has ${known.map((x) => `\`${x}\``).join(" and ")}, comma-separated` : `\`${scheduler}\` has no flags; schedulers with flags: ${schedulers}`,
      );
      bad = true;
    } else if (seen.has(flag)) {
      ctx.report("invalid-sched-flag", `\`${flag}\` is given twice`, value.span, "give each flag once");
      bad = true;
    }
    seen.add(flag);
  }
  return bad ? undefined : known!.filter((x) => seen.has(x));
}
