// The directives a conf gives once per family (VIP, DIRECTOR_INSIDEIP and the two gateways),
// and what makes a conf dual stack: a second VIP line, of the other family. Each family gets
// its side: its VIP, the DIP of its family, its gateways; each SERVICE line is read once per
// side (a host name resolves in that side's family; an address belongs to its own family).

import type { Directive } from "../ast.js";
import type { Diagnostic } from "../diagnostics.js";
import type { Gateway } from "../model.js";
import { familyOf, formatAddress, type Family, type Iface } from "../net.js";
import type { Context, Located, LocatedDip, LocatedVip } from "./context.js";
import { validateDip } from "./dip.js";
import { readGateway } from "./gateways.js";
import { validateVip } from "./vip.js";

/** One family's part of the cluster. */
export interface Side {
  vip: LocatedVip | undefined;
  dip: LocatedDip | undefined;
  directorGateway: Located<Gateway> | undefined;
  serverGateway: Located<Gateway> | undefined;
}

export interface PerFamily {
  /** The first VIP line's side (its family is the conf's `family`). */
  first: Side;
  /** A second VIP line, of the other family, was given. */
  dual: boolean;
  /** The first side, then the second's when dual. */
  sides(): Side[];
  /** Reads both gateway directives into the sides, by family (after SERVER_NET_DEVICE). */
  readGateways(serverNetDevice: Located<Iface> | undefined): void;
  /** `read` once per side, with host names resolving in its family; diagnostics the second run repeats are dropped. */
  eachFamily<T>(read: () => T): T[];
}

type Lookup = (name: string) => Directive | undefined;

export function perFamily(ctx: Context, ok: Lookup, okSecond: Lookup, second: Map<string, Directive>): PerFamily {
  const first: Side = { vip: validateVip(ctx, ok("VIP")), dip: undefined, directorGateway: undefined, serverGateway: undefined };
  const f1 = first.vip !== undefined ? familyOf(first.vip.value.address) : undefined;
  let other: Side | undefined;
  const vip2Line = second.get("VIP");
  if (vip2Line !== undefined) {
    ctx.family = undefined;
    const vip2 = validateVip(ctx, okSecond("VIP"));
    if (vip2 !== undefined && f1 !== undefined && familyOf(vip2.value.address) === f1)
      ctx.report(
        "duplicate-directive",
        `\`VIP\` is given twice, both IPv${f1}`,
        vip2Line.name.span,
        "a second VIP line is the other family's (a dual-stack cluster: one IPv4 VIP and one IPv6 VIP); keep one",
        [{ message: "first given here", span: ok("VIP")?.name.span ?? first.vip!.span }],
      );
    else other = { vip: vip2, dip: undefined, directorGateway: undefined, serverGateway: undefined };
  }
  const dual = other !== undefined;
  const sides = (): Side[] => (other !== undefined ? [first, other] : [first]);
  const familyOfSide = (s: Side): Family | undefined => (s.vip !== undefined ? familyOf(s.vip.value.address) : undefined);

  /** Each line of a per-family directive, to the side of its family. */
  const assign = (name: string, read: (d: Directive | undefined) => Located<{ address: unknown }> | undefined, set: (s: Side, v: never) => void, addressOf: (v: never) => Parameters<typeof familyOf>[0]) => {
    const found: { line: Directive; value: Located<{ address: unknown }> }[] = [];
    for (const d of [ok(name), okSecond(name)]) {
      if (d === undefined) continue;
      const v = read(d);
      if (v !== undefined) found.push({ line: d, value: v });
    }
    for (const { line, value } of found) {
      const f = familyOf(addressOf(value.value as never));
      const side = sides().find((s) => familyOfSide(s) === f);
      const taken = found.find((o) => o !== found.find((x) => x.line === line) && familyOf(addressOf(o.value.value as never)) === f && o.line.span.start.offset < line.span.start.offset);
      if (taken !== undefined) {
        ctx.report("duplicate-directive", `\`${name}\` is given twice, both IPv${f}`, line.name.span, "give it once per family: one line for the IPv4 VIP, one for the IPv6 VIP", [
          { message: "first given here", span: taken.line.name.span },
        ]);
        continue;
      }
      if (side === undefined) {
        const have = sides().map(familyOfSide).filter((x) => x !== undefined);
        if (have.length > 0)
          ctx.report(
            "wrong-family",
            `\`${name}\` \`${formatAddress(addressOf(value.value as never))}\` is IPv${f}, and the conf has no IPv${f} VIP`,
            value.span,
            `give it in the VIP's family (IPv${have.join(" and IPv")}), or add an IPv${f} VIP line for a dual-stack cluster`,
          );
        continue;
      }
      set(side, value as never);
    }
  };

  // DIPs: in one family, read in the VIP's family (a DIP of the other family is reported where
  // it is written); in two, each line goes to the VIP of its family
  if (!dual) {
    ctx.family = f1;
    first.dip = validateDip(ctx, ok("DIRECTOR_INSIDEIP"));
    const extra = second.get("DIRECTOR_INSIDEIP");
    if (extra !== undefined)
      ctx.report("duplicate-directive", "`DIRECTOR_INSIDEIP` is given twice", extra.name.span, "give one per VIP: a second line goes with a second VIP of the other family (dual stack)", [
        { message: "first given here", span: ok("DIRECTOR_INSIDEIP")?.name.span ?? extra.name.span },
      ]);
  } else {
    ctx.family = undefined;
    assign("DIRECTOR_INSIDEIP", (d) => validateDip(ctx, d), (s, v: LocatedDip) => (s.dip = v), (v: LocatedDip["value"]) => v.address);
    for (const s of sides())
      if (s.vip !== undefined && s.dip === undefined && ok("DIRECTOR_INSIDEIP") !== undefined)
        ctx.report(
          "wrong-family",
          `the IPv${familyOfSide(s)} VIP has no DIRECTOR_INSIDEIP of its family`,
          s.vip.addressSpan,
          `a dual-stack director reaches the real servers in each family from its DIP of that family: add \`DIRECTOR_INSIDEIP=<device> <address>/<prefix>\` of IPv${familyOfSide(s)}`,
        );
  }
  ctx.family = f1;
  if (dual) ctx.dualStack = true;

  return {
    first,
    dual,
    sides,
    readGateways(serverNetDevice) {
      if (!dual) {
        first.directorGateway = readGateway(ctx, ok("DIRECTOR_DEFAULT_GW"), "gateway");
        first.serverGateway = readGateway(ctx, ok("SERVER_DEFAULT_GW"), "gateway", serverNetDevice);
        for (const n of ["DIRECTOR_DEFAULT_GW", "SERVER_DEFAULT_GW"]) {
          const extra = second.get(n);
          if (extra !== undefined)
            ctx.report("duplicate-directive", `\`${n}\` is given twice`, extra.name.span, "give it once per VIP family: a second line goes with a second VIP of the other family (dual stack)", [
              { message: "first given here", span: ok(n)?.name.span ?? extra.name.span },
            ]);
        }
        return;
      }
      ctx.family = undefined;
      assign("DIRECTOR_DEFAULT_GW", (d) => readGateway(ctx, d, "gateway"), (s, v: Located<Gateway>) => (s.directorGateway = v), (v: Gateway) => v.address);
      assign("SERVER_DEFAULT_GW", (d) => readGateway(ctx, d, "gateway", serverNetDevice), (s, v: Located<Gateway>) => (s.serverGateway = v), (v: Gateway) => v.address);
      ctx.family = f1;
    },
    eachFamily<T>(read: () => T): T[] {
      const out: T[] = [];
      sides().forEach((s, i) => {
        const before = ctx.out.length;
        ctx.family = familyOfSide(s) ?? f1;
        out.push(read());
        if (i > 0) dropRepeats(ctx.out, before);
      });
      ctx.family = f1;
      return out;
    },
  };
}

/** Removes from `out[from..]` the diagnostics that `out[..from]` already has (a SERVICE line read twice). */
function dropRepeats(out: Diagnostic[], from: number): void {
  const key = (d: Diagnostic) => `${d.code} ${d.span.start.offset} ${d.span.end.offset} ${d.message}`;
  const seen = new Set(out.slice(0, from).map(key));
  const kept = out.slice(from).filter((d) => !seen.has(key(d)));
  out.length = from;
  out.push(...kept);
}
