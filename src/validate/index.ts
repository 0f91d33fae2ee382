// AST -> LvsConfig + diagnostics: typed value parsing, name resolution and cross-line checks. Never throws.

import type { ConfFile } from "../ast.js";
import { countErrors } from "../diagnostics.js";
import { validateActive } from "./active.js";
import { validateChecks } from "./check.js";
import { Context, type ParsedService, type ValidateOptions, type ValidateResult } from "./context.js";
import { validateDip } from "./dip.js";
import { gatewayChecks, gatewayFamily, readGateway } from "./gateways.js";
import { familyOf } from "../net.js";
import { validateInitialState, validateLvsType } from "./lvs-type.js";
import { sortDirectives } from "./names.js";
import { networkChecks, vipIsNotDip } from "./network.js";
import { validatePair } from "./pair.js";
import { requiredDirectives } from "./required.js";
import { singleIface, vipDeviceChecks } from "./server-devices.js";
import { validateService } from "./service.js";
import { serviceCrossChecks } from "./services-cross.js";
import { validateVip } from "./vip.js";

export { SUGGESTED, type ValidateOptions, type ValidateResult } from "./context.js";

/**
 * `validate`: the entry point, and the order the checks run in (the order of the diagnostics).
 * The file that checks each directive (test/architecture.test.ts keeps this map whole):
 *
 *   LVS_TYPE             lvs-type.ts, required.ts (missing, or not the file name's type)
 *   INITIAL_STATE        lvs-type.ts
 *   VIP                  vip.ts, network.ts (among the director's networks)
 *   DIRECTOR_INSIDEIP    dip.ts, network.ts
 *   DIRECTOR_DEFAULT_GW  gateways.ts
 *   SERVER_DEFAULT_GW    gateways.ts (against the DIP)
 *   SERVICE              service.ts, sched-flags.ts (-b), real-server.ts, services-cross.ts, mh.ts (mh)
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
  const { single, services, checks, repeated } = sortDirectives(ctx, ast);

  // ---- each directive's value ----
  const present = (n: string) => single.get(n);
  const ok = (n: string) => {
    const d = single.get(n);
    return d !== undefined && !d.broken ? d : undefined;
  };
  const type = validateLvsType(ctx, ok("LVS_TYPE"));
  const initialState = validateInitialState(ctx, ok("INITIAL_STATE"));
  const vip = validateVip(ctx, ok("VIP"));
  // host names from here on resolve in the VIP's family
  if (vip !== undefined) ctx.family = familyOf(vip.value.address);
  const dip = validateDip(ctx, ok("DIRECTOR_INSIDEIP"));
  const vipDeviceDirective = ok("SERVER_VIP_DEVICE");
  const serverVipDevice = singleIface(ctx, vipDeviceDirective, true);
  const serverNetDevice = singleIface(ctx, ok("SERVER_NET_DEVICE"), false);
  const directorGateway = readGateway(ctx, ok("DIRECTOR_DEFAULT_GW"), "gateway");
  const serverGateway = readGateway(ctx, ok("SERVER_DEFAULT_GW"), "gateway", serverNetDevice);
  const parsedServices = services.filter((d) => !d.broken).map((d) => validateService(ctx, d, type?.value));

  // ---- required directives ----
  requiredDirectives(ctx, present, services, type);

  // ---- cross checks ----
  vipIsNotDip(ctx, vip, dip);
  gatewayFamily(ctx, vip, directorGateway, "DIRECTOR_DEFAULT_GW");
  gatewayFamily(ctx, vip, serverGateway, "SERVER_DEFAULT_GW");
  gatewayChecks(ctx, type, dip, serverGateway);
  vipDeviceChecks(ctx, type, serverVipDevice, serverNetDevice);
  const validServices = parsedServices.filter((s): s is ParsedService => s !== undefined);
  serviceCrossChecks(ctx, validServices, type?.value, vip, dip);
  // (N active directors reach the VIP through the BGP routes lvsc writes: their own checks)
  if (type !== undefined && vip !== undefined && dip !== undefined && present("DIRECTOR_ACTIVE") === undefined) networkChecks(ctx, type.value, vip, dip);
  // ---- two directors (lvsc extension) ----
  const ha = validatePair(ctx, ok, present, type?.value, vip, dip, serverGateway, validServices);
  // ---- health checks per service (lvsc extension CHECK) ----
  validateChecks(ctx, checks, validServices, ha.pair === undefined, validServices.length === services.length);
  // ---- N active directors (lvsc extension) ----
  const active = validateActive(ctx, ok, present, repeated.get("BGP_PEER") ?? [], type?.value, vip, dip, serverGateway, validServices);

  if (countErrors(ctx.out) > 0 || type === undefined || vip === undefined || dip === undefined)
    return { config: undefined, diagnostics: ctx.out, names: ctx.names };
  return {
    config: {
      type: type.value,
      initialState: initialState ?? true,
      vip: vip.value,
      vips: [vip.value],
      dip: dip.value,
      dips: [dip.value],
      family: familyOf(vip.value.address),
      directorGateway: directorGateway?.value,
      services: validServices.map((s) => ({ ...s.value, vip: vip.value.address })),
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
