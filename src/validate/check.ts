// CHECK (lvsc extension): the glue to src/checks.ts, which reads each line onto its service.

import type { Directive } from "../ast.js";
import { applyChecks } from "../checks.js";
import type { Context, ParsedService } from "./context.js";
import { readFwmark, readPort, readProtocol } from "./ports.js";

/** The CHECK lines (src/checks.ts), each set on the service it names. */
export function validateChecks(ctx: Context, directives: Directive[], services: ParsedService[], hasMon: boolean, allServices: boolean): void {
  if (directives.length === 0) return;
  applyChecks(
    directives,
    services,
    {
      report: (code, message, span, hint, related) => ctx.report(code, message, span, hint, related),
      protocol: (f) => readProtocol(ctx, f),
      port: (f, proto, what) => readPort(ctx, f, proto, what),
      fwmark: (f) => readFwmark(ctx, f),
    },
    hasMon,
    allServices,
  );
}
