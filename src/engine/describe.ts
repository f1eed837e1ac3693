// Plain text for the stream: one line per transition, a readable timeline, a metrics table.
import type { Metrics, Transition } from './stream';

const ts = (t: number): string => t.toFixed(3).padStart(9);
const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const sec = (x: number | null): string => (x === null ? '-' : `${x.toFixed(3)} s`);

export function describeTransition(tr: Transition): string {
  const head = `${ts(tr.t)} s  `;
  switch (tr.type) {
    case 'run-start':
      return `${head}run "${tr.scenario}", seed ${tr.seed}, ${tr.luns.length} LUNs, stream v${tr.version}`;
    case 'fault':
      return `${head}fault ${tr.fault} on ${tr.on}: ${tr.phase === 'on' ? 'armed' : 'spent or over'}`;
    case 'cmd':
      return `${head}cmd #${tr.cmd} on ${tr.on}: ${tr.event} (${tr.fn})${tr.detail ? `: ${tr.detail}` : ''}`;
    case 'device':
      return `${head}device ${tr.on} ${tr.state}${tr.blockedBy ? ` (blocked by ${tr.blockedBy})` : ''}`;
    case 'host':
      return `${head}host ${tr.on} ${tr.state} (${tr.fn})`;
    case 'op':
      return `${head}${tr.scope} ${tr.op} on ${tr.on} (${tr.fn})${tr.detail ? `: ${tr.detail}` : ''}`;
    case 'step':
      return tr.phase === 'start'
        ? `${head}${tr.scope ?? 'async'} step ${tr.step} on ${tr.on} starts (${tr.fn})${tr.detail ? `: ${tr.detail}` : ''}`
        : `${head}${tr.scope ?? 'async'} step ${tr.step} on ${tr.on}: ${tr.result}${tr.detail ? ` (${tr.detail})` : ''}`;
    case 'escalate':
      return `${head}escalate ${tr.from} -> ${tr.to} for ${tr.on} (${tr.fn}): ${tr.reason}`;
    case 'io':
      return `${head}I/O: ${tr.luns.reduce((a, l) => a + l.done, 0)} done, ${tr.luns.reduce((a, l) => a + l.failed, 0)} failed on ${tr.luns.length} LUNs`;
    case 'metrics':
      return `${head}metrics: recovery ${tr.metrics.recoveryWindow ? `${sec(tr.metrics.recoveryWindow[1] - tr.metrics.recoveryWindow[0])}` : '-'}, healthy availability ${pct(tr.metrics.healthyAvailabilityMean)}`;
    case 'run-end':
      return `${head}end`;
  }
}

/** The recovery as a readable timeline: steps, escalations, state changes, failures. */
export function formatTimeline(transitions: Transition[]): string {
  const lines: string[] = [];
  const open = new Map<number, number>();
  for (const tr of transitions) {
    if (tr.type === 'io' || tr.type === 'metrics' || tr.type === 'run-end') continue;
    if (tr.type === 'step') {
      if (tr.phase === 'start') {
        open.set(tr.id, tr.t);
        continue;
      }
      const t0 = open.get(tr.id) ?? tr.t;
      lines.push(
        `${ts(t0)} s  ${(tr.scope ?? '-').padEnd(6)} ${tr.step.padEnd(12)} ${tr.on.padEnd(9)} ${String(tr.result).padEnd(9)} ${(tr.t - t0).toFixed(3).padStart(7)} s  ${tr.fn}${tr.detail ? `: ${tr.detail}` : ''}`,
      );
      continue;
    }
    if (
      tr.type === 'cmd' &&
      (tr.event === 'timeout' ||
        tr.event === 'eio' ||
        tr.event === 'medium-error' ||
        tr.event === 'reset-timer' ||
        tr.event === 'abort-scheduled')
    )
      lines.push(describeTransition(tr));
    else if (
      tr.type === 'escalate' ||
      tr.type === 'host' ||
      tr.type === 'fault' ||
      tr.type === 'op'
    )
      lines.push(describeTransition(tr));
  }
  return lines.join('\n');
}

export function formatMetrics(m: Metrics): string {
  const out: string[] = [];
  out.push(
    `recovery interval   ${m.recoveryWindow ? `${sec(m.recoveryWindow[0])} .. ${sec(m.recoveryWindow[1])} (${sec(m.recoveryWindow[1] - m.recoveryWindow[0])})` : '-'}`,
  );
  out.push(`failing LUN(s) recovered in ${sec(m.recoveryTime)}`);
  out.push(
    `healthy LUNs        availability mean ${pct(m.healthyAvailabilityMean)}, worst ${pct(m.healthyAvailabilityWorst)}, longest gap ${sec(m.healthyLongestGap)}`,
  );
  out.push(`EIO                 ${m.eio}`);
  out.push(`offlined            ${m.offlined.length ? m.offlined.join(' ') : 'none'}`);
  out.push(`escalations         ${m.escalations}`);
  out.push('');
  out.push('LUN          state    done  in interval  availability  longest gap  EIO  recovery');
  for (const l of m.luns)
    out.push(
      `${l.on.padEnd(12)} ${(l.offline ? 'offline' : l.failing ? 'failing' : 'healthy').padEnd(8)} ${String(l.completed).padStart(5)}  ${String(l.completedInWindow).padStart(11)}  ${pct(l.availability).padStart(12)}  ${sec(l.longestGap).padStart(11)}  ${String(l.eio).padStart(3)}  ${sec(l.recoveryTime)}`,
    );
  return out.join('\n');
}
