// AST -> LvsConfig + diagnostics: typed value parsing, name resolution and cross-line checks. Never throws.

import type { ConfFile } from "../ast.js";
import { countErrors } from "../diagnostics.js";
import { validateActive } from "./active.js";
import { validateChecks } from "./check.js";
import { Context, type ParsedService, type ValidateOptions, type ValidateResult } from "./context.js";
import { gatewayChecks, gatewayFamily } from "./gateways.js";
import { familyOf } from "../net.js";
import { validateInitialState, validateLvsType } from "./lvs-type.js";
import { sortDirectives } from "./names.js";
import { networkChecks, vipIsNotDip } from "./network.js";
import { validatePair } from "./pair.js";
import { requiredDirectives } from "./required.js";
import { singleIface, vipDevice6Checks, vipDeviceChecks } from "./server-devices.js";
import { validateService } from "./service.js";
import { mixedFamilyChecks } from "./mixed-families.js";
import { serviceCrossChecks } from "./services-cross.js";
import { perFamily } from "./dual-stack.js";

export { SUGGESTED, type ValidateOptions, type ValidateResult } from "./context.js";

/**
 * `validate`: the entry point, and the order the checks run in (the order of the diagnostics).
 * The file that checks each directive (test/architecture.test.ts keeps this map whole):
 *
 *   LVS_TYPE             lvs-type.ts, required.ts (missing, or not the file name's type)
 *   INITIAL_STATE        lvs-type.ts
 *   VIP                  vip.ts, network.ts (among the director's networks), dual-stack.ts (a second, of the other family)
 *   DIRECTOR_INSIDEIP    dip.ts, network.ts, dual-stack.ts (one per VIP family)
 *   DIRECTOR_DEFAULT_GW  gateways.ts, dual-stack.ts (one per family)
 *   SERVER_DEFAULT_GW    gateways.ts (against the DIP), dual-stack.ts (one per family)
 *   SERVICE              service.ts, sched-flags.ts (-b), real-server.ts, services-cross.ts, mh.ts (mh),
 *                        mixed-families.ts (VS_TUN real servers of the other family)
 *   SERVER_VIP_DEVICE    server-devices.ts, required.ts (needed, or unused for VS_NAT)
 *   SERVER_NET_DEVICE    server-devices.ts
 *   SERVER_LVS_DEVICE    server-devices.ts (read as SERVER_VIP_DEVICE), names.ts (the old spelling)
 *   CHECK                check.ts, ../checks.ts (each line)
 *   DIRECTOR_PAIR        pair.ts
 *   VRRP_ROUTER_ID       pair.ts
 *   VRRP_PREEMPT         pair.ts
 *   VRRP_ADVERT          pair-timers.ts
 *   VRRP_VERSION         pair-timers.ts
 *   DIRECTOR_ACTIVE      active.ts, mh.ts (the scheduler behind N directors)
 *   BGP_LOCAL_AS         active.ts
 *   BGP_PEER             active.ts
 *   BGP_BFD              active.ts
 *   BGP_BFD_TIMERS       active.ts, ../bfd-timers.ts (the values)
 *   (any name)           names.ts (unknown, old spellings, given twice)
 *
 * Shared by all: context.ts (options, the diagnostics sink, resolved names, field counts, "did you
 * mean"), address.ts (addresses, netmasks, broadcasts), values.ts (interfaces, on/off), ports.ts
 * (protocols, ports, marks). Codes and their severities live in src/diagnostics.ts only.
 */
export function validate(ast: ConfFile, opts: ValidateOptions): ValidateResult {
  const ctx = new Context(opts);
  const { single, services, checks, repeated, second } = sortDirectives(ctx, ast);

  // ---- each directive's value ----
  const present = (n: string) => single.get(n);
  const ok = (n: string) => {
    const d = single.get(n);
    return d !== undefined && !d.broken ? d : undefined;
  };
  const okSecond = (n: string) => {
    const d = second.get(n);
    return d !== undefined && !d.broken ? d : undefined;
  };
  const type = validateLvsType(ctx, ok("LVS_TYPE"));
  const initialState = validateInitialState(ctx, ok("INITIAL_STATE"));
  // VIP and the directives given once per family (dual-stack.ts)
  const fam = perFamily(ctx, ok, okSecond, second);
  const { vip, dip } = fam.first;
  const vipDeviceDirective = ok("SERVER_VIP_DEVICE");
  const serverVipDevice = singleIface(ctx, vipDeviceDirective, true);
  const serverNetDevice = singleIface(ctx, ok("SERVER_NET_DEVICE"), false);
  fam.readGateways(serverNetDevice);
  const directorGateway = fam.first.directorGateway;
  const serverGateway = fam.first.serverGateway;
  // each SERVICE line once per family of VIP (the first VIP's, then the second's)
  const lines = services.filter((d) => !d.broken);
  const parsedServices = fam.eachFamily(() => lines.map((d) => validateService(ctx, d, type?.value)));

  // ---- required directives ----
  requiredDirectives(ctx, present, services, type);

  // ---- cross checks, in each family ----
  const validByFamily = parsedServices.map((list) => list.filter((s): s is ParsedService => s !== undefined));
  fam.sides().forEach((side, i) => {
    vipIsNotDip(ctx, side.vip, side.dip);
    if (!fam.dual) {
      gatewayFamily(ctx, side.vip, side.directorGateway, "DIRECTOR_DEFAULT_GW");
      gatewayFamily(ctx, side.vip, side.serverGateway, "SERVER_DEFAULT_GW");
    }
    gatewayChecks(ctx, type, side.dip, side.serverGateway);
    serviceCrossChecks(ctx, validByFamily[i] ?? [], type?.value, side.vip, side.dip);
    // (N active directors reach the VIP through the BGP routes lvsc writes: their own checks)
    if (type !== undefined && side.vip !== undefined && side.dip !== undefined && present("DIRECTOR_ACTIVE") === undefined) networkChecks(ctx, type.value, side.vip, side.dip);
  });
  vipDeviceChecks(ctx, type, serverVipDevice, serverNetDevice);
  if (fam.sides().some((side) => side.vip !== undefined && familyOf(side.vip.value.address) === 6)) vipDevice6Checks(ctx, type, serverVipDevice);
  const validServices = validByFamily[0] ?? [];
  // ---- two directors (lvsc extension) ----
  const side2 = fam.sides()[1];
  const ha = validatePair(ctx, ok, present, type?.value, vip, dip, serverGateway, validServices, {
    vips: side2?.vip !== undefined ? [side2.vip] : [],
    dips: side2?.dip !== undefined ? [side2.dip] : [],
  });
  // ---- health checks per service (lvsc extension CHECK): the same on both families' services ----
  validateChecks(ctx, checks, validServices, ha.pair === undefined, validServices.length === lines.length);
  const checkOf = new Map(validServices.map((s) => [s.value.line, s.value.check]));
  for (const s of validByFamily[1] ?? []) s.value.check = checkOf.get(s.value.line);
  // ---- N active directors (lvsc extension) ----
  if (fam.dual && present("DIRECTOR_ACTIVE") !== undefined)
    ctx.report("ipv6-unsupported", "`DIRECTOR_ACTIVE` (N active directors) serves one family, and this conf gives a VIP of each", second.get("VIP")!.span, "lvsc's BGP sessions and routes are IPv4: leave out the IPv6 VIP, or use a pair (`DIRECTOR_PAIR`)");
  const active = validateActive(ctx, ok, present, repeated.get("BGP_PEER") ?? [], type?.value, vip, dip, serverGateway, validServices);
  if (!fam.dual) mixedFamilyChecks(ctx, type?.value, vip, validServices, present("DIRECTOR_PAIR"), present("DIRECTOR_ACTIVE"));

  if (countErrors(ctx.out) > 0 || type === undefined || vip === undefined || dip === undefined)
    return { config: undefined, diagnostics: ctx.out, names: ctx.names };
  return {
    config: {
      type: type.value,
      initialState: initialState ?? true,
      vip: vip.value,
      vips: fam.sides().map((side) => side.vip!.value),
      dip: dip.value,
      dips: fam.sides().map((side) => side.dip!.value),
      family: familyOf(vip.value.address),
      directorGateway: directorGateway?.value,
      ...(fam.dual ? { gateways2: { director: fam.sides()[1]!.directorGateway?.value, server: fam.sides()[1]!.serverGateway?.value } } : {}),
      services: fam.sides().flatMap((side, i) => (validByFamily[i] ?? []).map((s) => ({ ...s.value, vip: side.vip!.value.address }))),
      serverVipDevice: serverVipDevice?.value,
      serverNetDevice: serverNetDevice?.value,
      serverGateway: serverGateway?.value,
      pair: ha.pair,
      // N active directors run no VRRP
      vrrp: active !== undefined ? undefined : ha.vrrp,
      ...(active !== undefined ? { active } : {}),
    },
    diagnostics: ctx.out,
    names: ctx.names,
  };
}
