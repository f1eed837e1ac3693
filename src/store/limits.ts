// What the page takes on: a scenario the engine accepts can still be too large to draw or
// to hold. Such a scenario is refused with the limit named, before any run starts.
import type { FieldError, Scenario } from '../engine';

export const PAGE_LIMITS = {
  /** LUNs drawn in the tree and the timeline */
  luns: 4096,
  /**
   * LUNs x seconds of virtual time: one virtual hour of 1024 LUNs. Memory does not bound
   * it (a long run's old I/O ticks are summarised, playback/window.ts); time does: the
   * engine takes about 4 minutes of a core for that hour under a fault storm.
   */
  lunSeconds: 1024 * 3600,
} as const;

export function lunCount(sc: Scenario): number {
  let luns = 0;
  for (const h of sc.hosts) luns += (h.channels ?? 1) * h.targets * h.lunsPerTarget;
  return luns;
}

/** Why the page will not run a (valid) scenario; empty when it will. */
export function pageRefusals(sc: Scenario): FieldError[] {
  const out: FieldError[] = [];
  const luns = lunCount(sc);
  if (luns > PAGE_LIMITS.luns)
    out.push({
      field: 'hosts',
      reason: `${luns} LUNs: the page draws at most ${PAGE_LIMITS.luns} (the engine's CLI, npm run sim, takes more)`,
    });
  else if (luns * sc.duration > PAGE_LIMITS.lunSeconds)
    out.push({
      field: 'duration',
      reason: `${luns} LUNs for ${sc.duration} s is ${Math.round(luns * sc.duration)} LUN-seconds: the page runs at most ${PAGE_LIMITS.lunSeconds} (one virtual hour of 1024 LUNs, some 4 minutes of the engine; at most ${Math.floor(PAGE_LIMITS.lunSeconds / luns)} s with ${luns} LUNs; npm run sim takes longer runs)`,
    });
  return out;
}
