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
        `the VIP on \`${serverVipDevice.value.name}\` would answer ARP: it is the real servers' network device`,
        serverVipDevice.span,
        "put the VIP on a device that faces no network: `dummy0`, `lo:0` or `tunl0`",
      );
  }
}
