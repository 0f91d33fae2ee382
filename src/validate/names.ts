// Directive names: unknown (with "did you mean"), deprecated spellings, given twice.

import type { ConfFile, Directive } from "../ast.js";
import { DIRECTIVES, MISSPELLINGS } from "../directives.js";
import { closest, printable } from "../text.js";
import type { Context } from "./context.js";

/** The directives of a conf by kind: once-only ones by canonical name, SERVICE, CHECK, and the other repeatable ones. */
export interface SortedDirectives {
  single: Map<string, Directive>;
  services: Directive[];
  checks: Directive[];
  /** the other repeatable directives (BGP_PEER), by name */
  repeated: Map<string, Directive[]>;
  /** A dual-stack conf's second line of a per-family directive (PER_FAMILY), by canonical name. */
  second: Map<string, Directive>;
}

/**
 * The directives a dual-stack conf gives once per family: a second line is the other family's
 * (its family is checked where the line is read).
 */
export const PER_FAMILY: ReadonlySet<string> = new Set(["VIP", "DIRECTOR_INSIDEIP", "DIRECTOR_DEFAULT_GW", "SERVER_DEFAULT_GW"]);

/** Sorts the directives by name, reporting unknown, deprecated and duplicated names. */
export function sortDirectives(ctx: Context, ast: ConfFile): SortedDirectives {
  const single = new Map<string, Directive>();
  const services: Directive[] = [];
  const checks: Directive[] = [];
  const repeated = new Map<string, Directive[]>();
  const second = new Map<string, Directive>();
  for (const d of ast.directives) {
    const name = d.name.text;
    const spec = DIRECTIVES[name];
    if (spec === undefined) {
      if (!d.broken) unknownDirective(ctx, d);
      continue;
    }
    if (name === "CHECK") {
      checks.push(d);
      continue;
    }
    if (spec.repeatable) {
      if (name === "SERVICE") services.push(d);
      else repeated.set(name, [...(repeated.get(name) ?? []), d]);
      continue;
    }
    const canonical = spec.deprecatedFor ?? name;
    if (spec.deprecatedFor !== undefined && !d.broken)
      ctx.report(
        "deprecated-directive",
        `\`${name}\` is an old spelling of \`${spec.deprecatedFor}\``,
        d.name.span,
        `write \`${spec.deprecatedFor}=${d.args.map((a) => a.text).join(" ")}\``,
      );
    const first = single.get(canonical);
    if (first !== undefined && PER_FAMILY.has(canonical) && !second.has(canonical)) {
      second.set(canonical, d);
      continue;
    }
    if (first !== undefined) {
      if (!d.broken)
        ctx.report(
          "duplicate-directive",
          first.name.text === name ? `\`${name}\` is given twice` : `\`${name}\` repeats \`${first.name.text}\``,
          d.name.span,
          PER_FAMILY.has(canonical)
            ? `keep two at most: one per family (IPv4 and IPv6, a dual-stack cluster); every other directive except SERVICE appears once`
            : "keep one; every directive except SERVICE appears once",
          [{ message: "first given here", span: first.name.span }],
        );
      continue;
    }
    single.set(canonical, d);
  }
  return { single, services, checks, repeated, second };
}

/** A name no directive has, with the directive it most looks like. */
function unknownDirective(ctx: Context, d: Directive): void {
  const name = d.name.text;
  const meant = MISSPELLINGS[name.toUpperCase()] ?? closest(name, Object.keys(DIRECTIVES).filter((n) => !DIRECTIVES[n]!.deprecatedFor));
  const hint =
    meant !== undefined
      ? meant.toLowerCase() === name.toLowerCase() && meant !== name
        ? `directive names are upper-case: did you mean \`${meant}\`?`
        : `did you mean \`${meant}\`?`
      : `known directives: ${Object.keys(DIRECTIVES).filter((n) => !DIRECTIVES[n]!.deprecatedFor).join(", ")}`;
  ctx.report("unknown-directive", `unknown directive \`${printable(name)}\``, d.name.span, hint);
}
