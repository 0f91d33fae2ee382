// A pair's VRRP timers: VRRP_ADVERT, VRRP_VERSION (lvsc extensions; the rules in src/vrrp-timers.ts).

import type { Span } from "../diagnostics.js";
import { printable } from "../text.js";
import { DEFAULT_VRRP_TIMERS, parseAdvert, VRRP_ADVERT_LIMITS, type VrrpTimers } from "../vrrp-timers.js";
import type { Context, Lookup } from "./context.js";

/**
 * The pair's advert interval and VRRP version; keepalived's defaults (1 s, VRRPv2) when neither
 * is given. Undefined when either is wrong (reported), so that no pair is built from it.
 *
 * `ipv6`: the span of an IPv6 address in one of the pair's VRRP instances' virtual_ipaddress
 * (an instance whose adverts are IPv6: see validatePair), when there is one. VRRP over IPv6 is
 * VRRPv3 (RFC 5798; VRRPv2, RFC 3768, is IPv4 only), and keepalived runs an IPv6 instance as
 * version 3 when the file names none. So the pair's timers are VRRPv3 by default then, for every
 * instance (one version, one set of failover bounds), and `VRRP_VERSION=2` is refused:
 * keepalived 2.2.7 without vrrp_strict takes `version 2` on an IPv6 instance without a word
 * (vrrp.c vrrp_complete_instance corrects it only in strict mode).
 */
export function validateVrrpTimers(ctx: Context, ok: Lookup, present: Lookup, hasPair: boolean, ipv6?: Span): VrrpTimers | undefined {
  for (const name of ["VRRP_ADVERT", "VRRP_VERSION"]) {
    const p = present(name);
    if (!hasPair && p !== undefined)
      ctx.report(
        "unused-directive",
        `\`${name}\` has no effect without \`DIRECTOR_PAIR\`: a single director has no BACKUP to take over from it`,
        p.name.span,
        "remove the line, or name the two directors with `DIRECTOR_PAIR=<director1> <director2>`",
      );
  }
  const advertDirective = ok("VRRP_ADVERT");
  const versionDirective = ok("VRRP_VERSION");
  const advertField = advertDirective !== undefined ? ctx.fields(advertDirective)?.[0] : undefined;
  const versionField = versionDirective !== undefined ? ctx.fields(versionDirective)?.[0] : undefined;
  if ((advertDirective !== undefined && advertField === undefined) || (versionDirective !== undefined && versionField === undefined)) return undefined;
  let version: 2 | 3 | undefined;
  if (versionField !== undefined) {
    if (versionField.text === "2" || versionField.text === "3") version = Number(versionField.text) as 2 | 3;
    else {
      ctx.report(
        "invalid-vrrp-version",
        `VRRP version \`${printable(versionField.text)}\` is not \`2\` or \`3\``,
        versionField.span,
        "`2` (keepalived's default, whole seconds) or `3` (adverts to the hundredth of a second)",
      );
      return undefined;
    }
    if (version === 2 && hasPair && ipv6 !== undefined) {
      ctx.report(
        "vrrp-v2-ipv6",
        "VRRP version 2, and the pair's VRRP adverts are IPv6: VRRP over IPv6 is version 3 (RFC 5798)",
        versionField.span,
        "remove `VRRP_VERSION=2`: lvsc writes `version 3` for a pair whose adverts are IPv6 (keepalived's own choice for IPv6), or give `VRRP_VERSION=3`",
        [{ message: "IPv6 address given here", span: ipv6 }],
      );
      return undefined;
    }
  }
  // an IPv6 pair is VRRPv3 whatever VRRP_ADVERT says (see above)
  const versionDefault = hasPair && ipv6 !== undefined ? 3 : DEFAULT_VRRP_TIMERS.version;
  if (advertField === undefined) return { advertCs: DEFAULT_VRRP_TIMERS.advertCs, version: version ?? versionDefault };
  const parsed = parseAdvert(advertField.text);
  const range = (v: 2 | 3) => (v === 2 ? "whole seconds from 1 to 255" : "seconds to the hundredth from 0.01 to 40.95");
  if (!parsed.ok) {
    const text = printable(advertField.text);
    ctx.report(
      "invalid-vrrp-advert",
      parsed.why === "precision"
        ? `advert interval \`${text}\` is finer than keepalived sends: VRRPv3 counts hundredths of a second`
        : `advert interval \`${text}\` is not a number of seconds`,
      advertField.span,
      parsed.why === "precision"
        ? `keepalived would round it to 10 ms; write it to the hundredth, e.g. \`VRRP_ADVERT=${text.slice(0, text.indexOf(".") + 3)}\``
        : `${range(2)} (VRRPv2), or ${range(3)} (VRRPv3), e.g. \`VRRP_ADVERT=0.2\``,
    );
    return undefined;
  }
  const cs = parsed.cs;
  const fraction = cs % 100 !== 0;
  if (version === 2 && fraction) {
    ctx.report(
      "vrrp-v2-fraction",
      `advert interval \`${printable(advertField.text)}\` has a fraction, which VRRPv2 cannot send: it counts whole seconds`,
      advertField.span,
      "remove `VRRP_VERSION=2` (a fraction means VRRPv3), or give whole seconds; keepalived would round it to a second",
      [{ message: "VRRP_VERSION=2 given here", span: versionField!.span }],
    );
    return undefined;
  }
  const v: 2 | 3 = version ?? (fraction ? 3 : versionDefault);
  const limits = VRRP_ADVERT_LIMITS[v];
  if (cs < limits.min || cs > limits.max) {
    ctx.report(
      "invalid-vrrp-advert",
      `advert interval \`${printable(advertField.text)}\` is outside VRRPv${v}'s range: ${range(v)}`,
      advertField.span,
      v === 3 ? "VRRPv3 sends the interval in 12 bits of hundredths: at most 40.95 s; keepalived would cut it to that" : "VRRPv2 sends the interval in 8 bits of seconds: 1..255",
    );
    return undefined;
  }
  return { advertCs: cs, version: v };
}
