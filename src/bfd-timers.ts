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
