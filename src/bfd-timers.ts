// The BFD timers of N active directors' BGP sessions (BGP_BFD=on): how often each side sends a
// BFD packet and how many it may miss before it declares the other gone. Pure.
//
// Detection time = interval × multiplier: the router withdraws a dead director's next hop that
// long after its last packet (plus BIRD's and the kernel's route update). BIRD 2.0.12's own
// defaults (proto/bfd/bfd.h) are `min rx interval 10 ms`, `min tx interval 100 ms`,
// `multiplier 5`; FRR's bfdd defaults to 300 ms × 3.
//
// lvsc's default is 300 ms × 3 (0.9 s), not 100 ms × 3 (0.3 s): a BFD session goes down when
// either host pauses for longer than its detection time, and BFD down restarts the BGP session,
// which withdraws the VIP from a healthy director for seconds (`error wait time`). 0.3 s is
// shorter than the pauses of a loaded virtual machine: in lvsc's ECMP lab (qemu TCG, one vCPU,
// on a 2-core host) a probe in the guest saw pauses of 0.3 to 1.1 s, and 100 ms × 3 sessions
// went down in every run (BIRD also ran at nice 19 there then, a bug of the lab since fixed).
// 0.9 s is about issue 21's goal of a withdrawal within 1 s on a real host.

/** The timers every BFD session of an active cluster gets: both sides use the same. */
export interface BfdTimers {
  /** min rx interval = min tx interval, in milliseconds. */
  intervalMs: number;
  /** BFD's detect multiplier: missed packets before the session goes down. */
  multiplier: number;
}

export const DEFAULT_BFD_TIMERS: BfdTimers = { intervalMs: 300, multiplier: 3 };

/** How long a dead peer takes to be declared down, in seconds: `0.9`. */
export function detectionSeconds(t: BfdTimers): string {
  return String((t.intervalMs * t.multiplier) / 1000);
}

/** The render context of the timers: `bfdInterval` (`300 ms`), `bfdIntervalMs` (`300`), `bfdMultiplier`, `bfdDetection` (`0.9 s`). */
export function bfdTimersContext(t: BfdTimers) {
  return { bfdInterval: `${t.intervalMs} ms`, bfdIntervalMs: String(t.intervalMs), bfdMultiplier: String(t.multiplier), bfdDetection: `${detectionSeconds(t)} s` };
}

/**
 * lvsc's limits on BGP_BFD_TIMERS: an interval of 10 ms to 10 s (BIRD takes microseconds, but
 * below 10 ms a Linux host cannot keep the pace), a multiplier of 1 to 255 (BFD's Detect Mult is
 * one byte, RFC 5880 §4.1, and 0 is invalid).
 */
export const BFD_LIMITS = { intervalMs: { min: 10, max: 10_000 }, multiplier: { min: 1, max: 255 } } as const;

/** A problem with one field of BGP_BFD_TIMERS (0: the interval, 1: the multiplier). */
export interface BfdTimersProblem {
  code: "invalid-bgp-bfd-timers" | "bgp-bfd-timers-range";
  field: 0 | 1;
  message: string;
  hint: string;
}

/** BGP_BFD_TIMERS=<interval>ms <multiplier>, e.g. `300ms 3`: the timers, or the problems of its fields. */
export function parseBfdTimers(interval: string, multiplier: string): { timers?: BfdTimers; problems: BfdTimersProblem[] } {
  const problems: BfdTimersProblem[] = [];
  const example = "e.g. `BGP_BFD_TIMERS=300ms 3` (the default: 0.9 s to declare a director dead)";
  const m = /^([0-9]{1,6})ms$/.exec(interval);
  let intervalMs: number | undefined;
  if (m === null)
    problems.push({
      code: "invalid-bgp-bfd-timers",
      field: 0,
      message: `the BFD interval must be whole milliseconds with \`ms\`, not \`${interval}\``,
      hint: /^[0-9.]+s?$/.test(interval) ? `write the interval in milliseconds with its unit, ${example}` : `write the interval, then the multiplier: ${example}`,
    });
  else {
    intervalMs = Number(m[1]);
    if (intervalMs < BFD_LIMITS.intervalMs.min || intervalMs > BFD_LIMITS.intervalMs.max) {
      problems.push({
        code: "bgp-bfd-timers-range",
        field: 0,
        message: `the BFD interval ${intervalMs} ms is outside ${BFD_LIMITS.intervalMs.min} ms..${BFD_LIMITS.intervalMs.max} ms`,
        hint:
          intervalMs < BFD_LIMITS.intervalMs.min
            ? `a host cannot keep a pace below ${BFD_LIMITS.intervalMs.min} ms, and every pause longer than interval × multiplier brings the session down: ${example}`
            : `past 10 s BFD detects a dead director no sooner than the BGP hold time would; turn it off instead (\`BGP_BFD=off\`), or ${example.slice(5)}`,
      });
      intervalMs = undefined;
    }
  }
  let mult: number | undefined;
  if (!/^[0-9]{1,6}$/.test(multiplier))
    problems.push({ code: "invalid-bgp-bfd-timers", field: 1, message: `the BFD multiplier must be a whole number, not \`${multiplier}\``, hint: `the packets a side may miss before it declares the other dead, ${example}` });
  else {
    mult = Number(multiplier);
    if (mult < BFD_LIMITS.multiplier.min || mult > BFD_LIMITS.multiplier.max) {
      problems.push({
        code: "bgp-bfd-timers-range",
        field: 1,
        message: `the BFD multiplier ${mult} is outside ${BFD_LIMITS.multiplier.min}..${BFD_LIMITS.multiplier.max}`,
        hint: `BFD sends it in one byte and 0 is invalid (RFC 5880); 3 is usual: ${example}`,
      });
      mult = undefined;
    }
  }
  return intervalMs !== undefined && mult !== undefined ? { timers: { intervalMs, multiplier: mult }, problems } : { problems };
}
