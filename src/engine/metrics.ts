// The figures a run ends with, measured as kernel/'s demonstration measures them: the
// recovery interval runs from the first fault to the end of the last faulted command
// (completed after its retry, or failed); a healthy LUN's availability is the I/O it
// completed in that interval as a share of what its workload offered.
import type { Sim } from './sim';
import type { LunMetrics, Metrics } from './stream';

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function computeMetrics(sim: Sim): Metrics {
  const ws = sim.windowStart;
  let span: [number, number] | null = null;
  const closed = ws !== null && sim.trackedOpen === 0 && sim.windowEnd !== null;
  if (ws !== null) span = [ws, closed ? sim.windowEnd! : sim.now];
  const len = span ? span[1] - span[0] : 0;
  const luns: LunMetrics[] = sim.devs.map((d) => {
    if (closed && d.snapEpoch !== sim.windowEpoch) sim.snapshot(d);
    const done = closed ? d.snapDone : d.winDone;
    const gap = closed
      ? d.snapGap
      : span
        ? Math.max(d.winGap, sim.now - Math.max(d.winLast, span[0]))
        : 0;
    const offered = d.workload.rate * len;
    return {
      on: d.id,
      failing: d.failing,
      completed: d.completed,
      completedInWindow: done,
      availability: !d.failing && span && offered > 0 ? r6(done / offered) : null,
      longestGap: r6(gap),
      eio: d.eio,
      missed: d.missed,
      recoveryTime: d.failing
        ? d.unresolved === 0 && d.lastResolved >= d.firstFault
          ? r6(d.lastResolved - d.firstFault)
          : null
        : null,
      offline: d.offline,
    };
  });
  return summarize(luns, span, sim.escalations, sim.steps);
}

/** A run's figures from its LUNs' (the engine's, or a kernel trace's). */
export function summarize(
  luns: LunMetrics[],
  span: readonly [number, number] | null,
  escalations: number,
  steps: number,
): Metrics {
  const healthy = luns.filter((l) => l.availability !== null);
  const avail = healthy.map((l) => l.availability!);
  const rts = luns.filter((l) => l.failing).map((l) => l.recoveryTime);
  return {
    recoveryWindow: span ? [r6(span[0]), r6(span[1])] : null,
    healthyAvailabilityMean: avail.length
      ? r6(avail.reduce((a, b) => a + b, 0) / avail.length)
      : null,
    healthyAvailabilityWorst: avail.length ? Math.min(...avail) : null,
    healthyLongestGap: healthy.length ? Math.max(...healthy.map((l) => l.longestGap)) : null,
    recoveryTime:
      rts.length && rts.every((x) => x !== null) ? Math.max(...(rts as number[])) : null,
    eio: luns.reduce((a, l) => a + l.eio, 0),
    offlined: luns.filter((l) => l.offline).map((l) => l.on),
    escalations,
    steps,
    luns,
  };
}
