// A recorded run's figures, measured as the engine measures its own (src/engine/metrics.ts):
// the recovery window runs from the first fault to the resolution of the last faulted command;
// a healthy LUN's availability is what it completed in the window over what its workload
// offered (the rate given, else the rate it ran at in the 3 s before the fault, from time 0 on); its longest
// gap counts the window's edges as completions. Pure.
import { summarize } from '../engine/metrics';
import type { LunMetrics, Metrics, NodeId } from '../engine/stream';

export interface MetricsInput {
  luns: NodeId[];
  failing: NodeId[];
  faults: { on: NodeId; t: number }[];
  /** per failing LUN, when its faulted command completed or failed (stream time) */
  resolved: Map<NodeId, number>;
  /** per LUN, completion times (stream time), ascending */
  completions: Map<NodeId, number[]>;
  eio: Map<NodeId, number>;
  offline: NodeId[];
  rate: number | null;
  escalations: number;
  steps: number;
  end: number;
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export function analyzeMetrics(m: MetricsInput): Metrics {
  const ws = m.faults.length ? Math.min(...m.faults.map((f) => f.t)) : null;
  const allResolved = m.failing.length > 0 && m.failing.every((on) => m.resolved.has(on));
  const we =
    ws === null
      ? null
      : allResolved
        ? Math.max(...m.failing.map((on) => m.resolved.get(on)!))
        : m.end;
  const len = ws !== null && we !== null ? we - ws : 0;
  const luns: LunMetrics[] = m.luns.map((on) => {
    const c = m.completions.get(on) ?? [];
    const failing = m.failing.includes(on);
    let inWin = 0;
    let gap = 0;
    let before = 0;
    if (ws !== null && we !== null) {
      let last = ws;
      for (const t of c) {
        if (t >= Math.max(ws - 3, 0) && t < ws) before++;
        if (t < ws || t > we) continue;
        inWin++;
        gap = Math.max(gap, t - last);
        last = t;
      }
      gap = Math.max(gap, we - last);
    }
    const rate = m.rate ?? (ws !== null && ws > 0 ? before / Math.min(3, ws) : 0);
    const offered = rate * len;
    const firstFault = Math.min(...m.faults.filter((f) => f.on === on).map((f) => f.t));
    return {
      on,
      failing,
      completed: c.length,
      completedInWindow: inWin,
      availability: !failing && ws !== null && offered > 0 ? r6(inWin / offered) : null,
      longestGap: r6(gap),
      eio: m.eio.get(on) ?? 0,
      missed: 0,
      recoveryTime: failing && m.resolved.has(on) ? r6(m.resolved.get(on)! - firstFault) : null,
      offline: m.offline.includes(on),
    };
  });
  return summarize(luns, ws !== null && we !== null ? [ws, we] : null, m.escalations, m.steps);
}
