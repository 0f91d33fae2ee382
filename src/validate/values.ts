// The other values a field holds: an interface name, and `on`/`off`.

import type { Directive, Field } from "../ast.js";
import type { Code } from "../diagnostics.js";
import { parseIface, type Iface } from "../net.js";
import { printable } from "../text.js";
import type { Context } from "./context.js";

/** An interface name (`TP`, the 2.2-era transparent proxy, refused). */
export function readIface(ctx: Context, f: Field, allowTp: boolean, what: string): Iface | undefined {
  if (f.text === "TP") {
    ctx.report(
      "unsupported-tp",
      `\`TP\` (transparent proxy) as the ${what} is not supported`,
      f.span,
      allowTp
        ? "TP needed 2.2/2.4-era kernel patches; hide the VIP on `dummy0` or `lo:0` with arp_ignore/arp_announce instead"
        : "TP worked only on 2.2 directors; give the director's interface, e.g. `eth0:110`",
    );
    return undefined;
  }
  const r = parseIface(f.text);
  if (!r.ok) {
    ctx.report("invalid-interface", `invalid interface name \`${printable(f.text)}\` for the ${what}`, f.span, r.reason);
    return undefined;
  }
  return r.value;
}

/** A directive whose one field is `on` or `off`; `hint` says what each means. */
export function readOnOff(ctx: Context, d: Directive | undefined, code: Code, name: string, hint: string): boolean | undefined {
  if (d === undefined) return undefined;
  const f = ctx.fields(d)?.[0];
  if (f === undefined) return undefined;
  if (f.text === "on") return true;
  if (f.text === "off") return false;
  const lower = f.text.toLowerCase();
  ctx.report(code, `${name} must be \`on\` or \`off\`, not \`${printable(f.text)}\``, f.span, lower === "on" || lower === "off" ? `write it in lower case: \`${lower}\`` : hint);
  return undefined;
}

/**
 * The device of an IPv6 address: a plain device name. Labels (`eth0:110`) are an IPv4 notion
 * (IFA_LABEL): `ip -6 addr add … label` is refused by the kernel.
 */
export function ipv6Device(ctx: Context, device: Iface, f: Field, what: string): boolean {
  if (device.label === undefined) return true;
  ctx.report(
    "ipv6-label",
    `an IPv6 ${what} cannot have the alias label \`${printable(f.text)}\``,
    f.span,
    `IPv6 addresses have no labels: write the device alone, \`${device.device}\``,
  );
  return false;
}
