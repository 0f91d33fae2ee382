// SERVER_VIP_DEVICE (once SERVER_LVS_DEVICE) and SERVER_NET_DEVICE: the real servers' devices.

import type { Directive } from "../ast.js";
import type { LvsType } from "../model.js";
import type { Iface } from "../net.js";
import type { Context, Located } from "./context.js";
import { readIface } from "./values.js";

/** A directive whose one field is an interface (the real servers' VIP or network device). */
export function singleIface(ctx: Context, d: Directive | undefined, isVipDevice: boolean): Located<Iface> | undefined {
  if (d === undefined) return undefined;
  const f = ctx.fields(d)?.[0];
  if (f === undefined) return undefined;
  const i = readIface(ctx, f, isVipDevice, isVipDevice ? "real servers' VIP device" : "real servers' network device");
  return i === undefined ? undefined : { value: i, span: f.span };
}

/** DR and TUN: the VIP's device on the real servers is not their network device. */
export function vipDeviceChecks(ctx: Context, type: Located<LvsType> | undefined, serverVipDevice: Located<Iface> | undefined, serverNetDevice: Located<Iface> | undefined): void {
  if (type !== undefined && type.value !== "nat" && serverVipDevice !== undefined && serverNetDevice !== undefined) {
    if (serverVipDevice.value.device === serverNetDevice.value.device)
      ctx.report(
        "vip-device-answers-arp",
        `the VIP on \`${serverVipDevice.value.name}\` would answer ${ctx.family === 6 ? "neighbour solicitations" : "ARP"}: it is the real servers' network device`,
        serverVipDevice.span,
        serverVipDevice.value.device === serverNetDevice.value.device && ctx.family === 6
          ? "put the VIP on a device that faces no network: `lo`, `dummy0` or `ip6tnl0` (neighbour discovery answers for addresses of the interface a solicitation comes in on)"
          : "put the VIP on a device that faces no network: `dummy0`, `lo:0` or `tunl0`",
      );
  }
}

/**
 * An IPv6 cluster's VIP device on the real servers: a plain device (no label), and under TUN not
 * tunl0 (IPv4's IP-in-IP device): IPv6 in IPv6 arrives on ip6tnl0.
 */
export function vipDevice6Checks(ctx: Context, type: Located<LvsType> | undefined, serverVipDevice: Located<Iface> | undefined): void {
  if (type === undefined || type.value === "nat" || serverVipDevice === undefined) return;
  const dev = serverVipDevice.value;
  if (dev.label !== undefined)
    ctx.report("ipv6-label", `an IPv6 VIP cannot go on the alias label \`${dev.name}\``, serverVipDevice.span, `IPv6 addresses have no labels: write the device alone, \`${dev.device}\``);
  else if (dev.device === "tunl0" || dev.device === "sit0")
    ctx.report(
      "wrong-family",
      `\`${dev.device}\` unwraps IPv4 packets, and this cluster's VIP is IPv6`,
      serverVipDevice.span,
      "the director wraps IPv6 in IPv6, which the real servers unwrap on `ip6tnl0` (the ip6_tunnel module's device): write `SERVER_VIP_DEVICE=ip6tnl0`, or `lo`",
    );
}
