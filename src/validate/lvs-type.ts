// LVS_TYPE and INITIAL_STATE: the forwarding method, and whether real servers are added at start.

import type { Directive } from "../ast.js";
import type { LvsType } from "../model.js";
import { closest, printable } from "../text.js";
import type { Context, Located } from "./context.js";
import { readOnOff } from "./values.js";

const TYPES: Record<string, LvsType> = { VS_DR: "dr", VS_NAT: "nat", VS_TUN: "tun" };

/** LVS_TYPE: `VS_DR`, `VS_NAT` or `VS_TUN`. */
export function validateLvsType(ctx: Context, d: Directive | undefined): Located<LvsType> | undefined {
  if (d === undefined) return undefined;
  const f = ctx.fields(d)?.[0];
  if (f === undefined) return undefined;
  const t = TYPES[f.text];
  if (t !== undefined) return { value: t, span: f.span };
  const upper = f.text.toUpperCase();
  const meant = TYPES[upper] !== undefined ? upper : TYPES[`VS_${upper}`] !== undefined ? `VS_${upper}` : closest(f.text, Object.keys(TYPES));
  ctx.report(
    "invalid-lvs-type",
    `unknown LVS_TYPE \`${printable(f.text)}\``,
    f.span,
    meant !== undefined ? `did you mean \`${meant}\`?` : "one of `VS_DR`, `VS_NAT`, `VS_TUN`",
  );
  return undefined;
}

/** INITIAL_STATE: `on` or `off`. */
export function validateInitialState(ctx: Context, d: Directive | undefined): boolean | undefined {
  return readOnOff(ctx, d, "invalid-initial-state", "INITIAL_STATE", "`on` adds the real servers at start; `off` leaves that to a monitor");
}
