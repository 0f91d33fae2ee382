// The `mh` scheduler: its fallback flag and table size, and the scheduler N active directors need.

import { MH_EVEN_SERVERS, MH_TABLE_SIZE } from "../directives.js";
import type { Context, ParsedService } from "./context.js";

/**
 * Lint of an `mh` service, and of any other scheduler behind N active directors: only `mh`
 * picks the same real server for a client on every director.
 */
export function mhChecks(ctx: Context, s: ParsedService, multi: boolean): void {
  const v = s.value;
  const at = s.schedField?.span ?? s.field.span;
  if (multi && v.scheduler !== "mh")
    ctx.report(
      "active-scheduler",
      `\`${v.scheduler}\` picks real servers differently on each director`,
      at,
      `with N active directors the router moves flows between directors (a director that dies, a route change); ${s.schedField === undefined ? `the default \`${v.scheduler}\`` : `\`${v.scheduler}\``} keeps its choices in one director's memory, so another director sends a moved flow to another real server, which resets it; \`mh\` hashes the client the same way on every director: \`${v.protocol === "fwmark" ? "f" : v.protocol === "udp" ? "u" : "t"} ${v.written} mh -b mh-fallback,mh-port ...\``,
    );
  if (v.scheduler !== "mh") return;
  const flags = v.schedFlags ?? [];
  const quiesced = v.realServers.find((r) => r.weight === 0);
  if (!flags.includes("mh-fallback") && (multi || quiesced !== undefined))
    ctx.report(
      "mh-without-fallback",
      `\`mh\` without \`mh-fallback\` drops the clients of a real server with weight 0`,
      at,
      `${multi ? "behind N active directors a failing real server is quiesced (weight 0) rather than removed, which would reorder the mh table" : `\`${quiesced!.written}\` has weight 0`}; without the flag its clients get no server at all ("no destination available"), with it they go to the next server of the table: add \`-b mh-fallback\``,
    );
  // the Maglev table serves N servers evenly (within 1 %) while M > 100 N; weights count as slots
  let g = 0;
  for (const r of v.realServers) g = gcd(g, r.weight);
  const slots = g === 0 ? 0 : v.realServers.reduce((n, r) => n + r.weight / g, 0);
  if (slots > MH_EVEN_SERVERS)
    ctx.report(
      "mh-table-uneven",
      `\`mh\` spreads ${slots === v.realServers.length ? `${slots} real servers` : `${slots} weight units`} unevenly over its table of ${MH_TABLE_SIZE}`,
      at,
      `the kernel's table has ${MH_TABLE_SIZE} slots (CONFIG_IP_VS_MH_TAB_INDEX=12); Maglev keeps every server's share within 1 % only while the table is over 100 × the servers (${MH_EVEN_SERVERS} at most here): use fewer real servers (or smaller weights), or a kernel built with a larger CONFIG_IP_VS_MH_TAB_INDEX`,
    );
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
