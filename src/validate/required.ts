// What a conf must give, and what its LVS_TYPE needs or ignores: LVS_TYPE, INITIAL_STATE, VIP,
// DIRECTOR_INSIDEIP, a SERVICE, SERVER_VIP_DEVICE (not for VS_NAT), and a file name that agrees.

import type { Directive } from "../ast.js";
import { START_OF_FILE } from "../diagnostics.js";
import { DIRECTIVES, typeFromFileName } from "../directives.js";
import { TYPE_NAMES, type LvsType } from "../model.js";
import type { Context, Located, Lookup } from "./context.js";

/** Missing directives, a file name that names another type, SERVER_VIP_DEVICE needed or unused. */
export function requiredDirectives(ctx: Context, present: Lookup, services: Directive[], type: Located<LvsType> | undefined): void {
  const fileType = typeFromFileName(ctx.opts.file);
  if (present("LVS_TYPE") === undefined)
    ctx.report(
      "missing-directive",
      "missing `LVS_TYPE`",
      START_OF_FILE,
      fileType !== undefined
        ? `add \`LVS_TYPE=${TYPE_NAMES[fileType]}\` (the file name says ${fileType})`
        : "add `LVS_TYPE=VS_DR`, `LVS_TYPE=VS_NAT` or `LVS_TYPE=VS_TUN`",
    );
  if (present("INITIAL_STATE") === undefined)
    ctx.report(
      "missing-initial-state",
      "`INITIAL_STATE` is not given; assuming `on`",
      START_OF_FILE,
      "add `INITIAL_STATE=on` (real servers added at start) or `INITIAL_STATE=off` (a monitor adds them)",
    );
  for (const name of ["VIP", "DIRECTOR_INSIDEIP"])
    if (present(name) === undefined)
      ctx.report("missing-directive", `missing \`${name}\``, START_OF_FILE, `add a line like \`${DIRECTIVES[name]!.example}\``);
  if (services.length === 0)
    ctx.report("missing-directive", "no `SERVICE` is given", START_OF_FILE, `add at least one, e.g. \`${DIRECTIVES["SERVICE"]!.example}\``);
  if (type !== undefined) {
    if (fileType !== undefined && fileType !== type.value)
      ctx.report(
        "type-filename-mismatch",
        `\`LVS_TYPE=${TYPE_NAMES[type.value]}\` in a file named for ${TYPE_NAMES[fileType]}`,
        type.span,
        `rename the file to lvs_${type.value}.conf, or set \`LVS_TYPE=${TYPE_NAMES[fileType]}\``,
      );
    const vipDevice = present("SERVER_VIP_DEVICE");
    if (type.value !== "nat" && vipDevice === undefined)
      ctx.report(
        "missing-directive",
        `\`${TYPE_NAMES[type.value]}\` needs \`SERVER_VIP_DEVICE\`: the real servers' device that holds the VIP`,
        type.span,
        type.value === "tun" ? "add `SERVER_VIP_DEVICE=tunl0`" : "add `SERVER_VIP_DEVICE=dummy0` (or `lo:0`)",
      );
    if (type.value === "nat" && vipDevice !== undefined)
      ctx.report(
        "unused-directive",
        "`SERVER_VIP_DEVICE` has no effect for `VS_NAT`: real servers do not hold the VIP",
        vipDevice.name.span,
        "remove the line",
      );
  }
}
