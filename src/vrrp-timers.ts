// The VRRP timers of a director pair (the lvsc extensions VRRP_ADVERT and VRRP_VERSION): how often
// the MASTER advertises, in which VRRP version, and the failover bounds those timers give. Pure.
//
// keepalived 2.2.7 (vrrp_parser.c, vrrp.c) reads `advert_int` as a decimal of up to 6 digits
// after the point, from 0.01 s to 255 s, and then, at the end of the instance:
//   - VRRPv2 (the default) sends whole seconds (RFC 3768: an 8-bit count of seconds): below 256 s,
//     and a fraction is rounded to the nearest second with a configuration error;
//   - VRRPv3 (`version 3`, RFC 5798) sends centiseconds in 12 bits: below 40.96 s, and a finer
//     value is rounded to 10 ms with a configuration error.
// lvsc refuses what keepalived would round, so that the file says what the directors do.
//
// A BACKUP takes over when it has heard no advert for the master down interval,
// down_timer_adverts (3) × advert_int + skew, or after skew when the MASTER says it is stopping
// (a priority-0 advert). The skew (vrrp.h, VRRP_TIMER_SKEW) is (256 − priority)/256 s in
// VRRPv2, whatever advert_int, and (256 − priority)/256 × advert_int in VRRPv3.

import { VRRP_PRIORITIES } from "./directives.js";

/** The VRRP timers of a pair's keepalived files; both files get the same ones. */
export interface VrrpTimers {
  /** advert_int in hundredths of a second: 1..25500 (VRRPv2: whole seconds), 1..4095 (VRRPv3). */
  advertCs: number;
  version: 2 | 3;
}

/** keepalived's default, and lvsc's: one advert a second, VRRPv2. */
export const DEFAULT_VRRP_TIMERS: VrrpTimers = { advertCs: 100, version: 2 };

/** keepalived's limits on advert_int, in centiseconds. */
export const VRRP_ADVERT_LIMITS = {
  2: { min: 100, max: 25500 },
  3: { min: 1, max: 4095 },
} as const;

/** Adverts a BACKUP misses before it takes over (keepalived's down_timer_adverts, RFC 5798's 3). */
export const DOWN_TIMER_ADVERTS = 3;

/** True for the timers every conf without VRRP_ADVERT and VRRP_VERSION gets. */
export function isDefaultTimers(t: VrrpTimers): boolean {
  return t.advertCs === DEFAULT_VRRP_TIMERS.advertCs && t.version === DEFAULT_VRRP_TIMERS.version;
}

/** `0.2`, `0.05`, `1`, `1.5`: centiseconds as keepalived's advert_int reads them, no trailing zeros. */
export function formatCs(cs: number): string {
  const whole = Math.floor(cs / 100);
  const frac = cs % 100;
  if (frac === 0) return String(whole);
  return `${whole}.${String(frac).padStart(2, "0").replace(/0$/, "")}`;
}

/** Seconds to two decimals, rounded up (a bound never rounds down). */
function upTo2(seconds: number): string {
  const cs = Math.ceil(seconds * 100 - 1e-9);
  return formatCs(cs);
}

/** The skew of a BACKUP of `priority` under these timers, in seconds (keepalived's VRRP_TIMER_SKEW). */
export function skewSeconds(t: VrrpTimers, priority: number): number {
  return t.version === 3 ? ((256 - priority) * t.advertCs) / 100 / 256 : (256 - priority) / 256;
}

/**
 * The failover bounds of a pair: director2 (the lower priority, so the longer skew) takes over
 * within `down` s of the MASTER's last advert, within `stop` s of the MASTER's keepalived
 * stopping; as two-decimal strings, rounded up.
 */
export function failoverBounds(t: VrrpTimers): { down: string; stop: string; skew: string; advertsPerSecond: string } {
  const skew = skewSeconds(t, VRRP_PRIORITIES[1]);
  return {
    down: upTo2((DOWN_TIMER_ADVERTS * t.advertCs) / 100 + skew),
    stop: upTo2(skew),
    skew: upTo2(skew),
    advertsPerSecond: formatCs(Math.round(10000 / t.advertCs)),
  };
}

/** What parseAdvert makes of a VRRP_ADVERT field. */
export type AdvertParse = { ok: true; cs: number } | { ok: false; why: "syntax" | "precision" };

/**
 * A VRRP_ADVERT field: seconds, whole or with up to two decimals (`1`, `0.2`, `0.05`, `1.25`).
 * More decimals are refused (`precision`): keepalived would round them to 10 ms.
 */
export function parseAdvert(text: string): AdvertParse {
  const m = /^(\d{1,3})(?:\.(\d+))?$/.exec(text);
  if (m === null || (m[1]!.length > 1 && m[1]![0] === "0")) return { ok: false, why: "syntax" };
  const frac = m[2] ?? "";
  if (frac.length > 2 && !/^0+$/.test(frac.slice(2))) return { ok: false, why: "precision" };
  return { ok: true, cs: Number(m[1]) * 100 + Number(frac.slice(0, 2).padEnd(2, "0")) };
}
