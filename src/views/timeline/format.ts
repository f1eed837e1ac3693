// Text for the timeline: times and durations, step names, and the tooltip's lines.
import type { BlockScope, StepKind } from '../../engine';
import type { CmdMark, StateSpan, StepBar } from '../../playback/timeline';
import type { EscalateTransition, FaultTransition } from '../../engine';

/** Decimals that tell apart ticks `step` seconds apart (d3 ticks are 1, 2 or 5 × 10^k). */
export function decimalsFor(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  return Math.min(9, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
}

/** An axis label: "12 s", "12.5 s", "0.005 s". */
export function formatTick(t: number, step: number): string {
  const d = decimalsFor(step);
  const v = Math.abs(t) < 1e-12 ? 0 : t;
  return `${v.toFixed(d)} s`;
}

/** A point in time, to the microsecond where it matters: "9.523906 s", "20 s". */
export function formatTime(t: number): string {
  const r = Math.round(t * 1e6) / 1e6;
  return `${String(r === 0 ? 0 : r)} s`;
}

/** A duration in the unit that reads best: "0 s", "800 µs", "8 ms", "2.000 s", "95.3 s". */
export function formatDuration(d: number): string {
  if (!Number.isFinite(d)) return '–';
  const a = Math.abs(d);
  if (a === 0) return '0 s';
  if (a < 1e-3) return `${(d * 1e6).toFixed(0)} µs`;
  if (a < 1) return `${+(d * 1e3).toFixed(a < 0.01 ? 2 : 1)} ms`;
  if (a < 60) return `${d.toFixed(3)} s`;
  return `${d.toFixed(1)} s`;
}

const STEP_LABELS: Record<StepKind, string> = {
  abort: 'abort',
  drain: 'drain',
  'tmf-slot': 'TMF slot',
  'get-sense': 'get sense',
  'start-unit': 'START UNIT',
  'lun-reset': 'LUN reset',
  'target-reset': 'target reset',
  'bus-reset': 'bus reset',
  'host-reset': 'host reset',
  settle: 'settle',
  tur: 'TUR',
  offline: 'offline',
  strategy: 'strategy',
  'cq-poll': 'CQ poll',
  'controller-reset': 'controller reset',
  reinit: 'controller reinit',
  'link-reset': 'link reset',
  'cool-down': 'cool-down',
  'speed-down': 'speed down',
};

export const stepLabel = (step: StepKind): string => STEP_LABELS[step] ?? step;

/** Results that mean the step did not do what it tried to. */
export function isFailure(result: string | null): boolean {
  return result === 'failed' || result === 'not-ready';
}

/**
 * The label that fits a bar `width` px wide at about `charPx` per character: whole, cut
 * with an ellipsis, or '' when not even two characters and the ellipsis fit.
 */
export function fitLabel(label: string, width: number, charPx = 6.5, pad = 6): string {
  const room = Math.floor((width - pad) / charPx);
  if (room >= label.length) return label;
  if (room < 3) return '';
  return `${label.slice(0, room - 1).trimEnd()}…`;
}

/** What a bar shows: its short name, after a ✗ when it failed (so that cutting keeps it). */
export function barText(bar: Pick<StepBar, 'step' | 'result'>): string {
  return isFailure(bar.result) ? `✗ ${stepLabel(bar.step)}` : stepLabel(bar.step);
}

export const laneLabel = {
  host: (id: string) => `host ${id}`,
  target: (id: string) => `target ${id}`,
  lun: (id: string) => `LUN ${id}`,
};

export interface TipContent {
  title: string;
  rows: [string, string][];
  /** drawn in the failure colour */
  bad?: boolean;
}

const scopeText = (s: BlockScope | null): string => (s ? `${s} recovery` : 'none (asynchronous)');

/** The tooltip of a step bar; an open bar runs up to `now`. */
export function stepTip(bar: StepBar, now: number): TipContent {
  const end = bar.end ?? now;
  const rows: [string, string][] = [
    ['function', bar.fn],
    ['on', bar.on],
    ['scope', scopeText(bar.scope)],
    ['result', bar.result ?? 'running'],
    ['start', formatTime(bar.start)],
    ['end', bar.end === null ? 'still running' : formatTime(bar.end)],
    ['duration', `${formatDuration(end - bar.start)}${bar.end === null ? ' so far' : ''}`],
  ];
  if (bar.detail) rows.push(['detail', bar.detail]);
  return { title: stepLabel(bar.step), rows, bad: isFailure(bar.result) };
}

/** The tooltip of a LUN's blocked, recovering or offline span. */
export function spanTip(span: StateSpan, lun: string, now: number): TipContent {
  const end = span.end ?? now;
  return {
    title: `LUN ${lun} ${span.state}`,
    rows: [
      ['blocked by', span.by ? `${span.by} recovery` : '–'],
      ['from', formatTime(span.start)],
      ['to', span.end === null ? 'still' : formatTime(span.end)],
      ['duration', `${formatDuration(end - span.start)}${span.end === null ? ' so far' : ''}`],
    ],
    bad: span.state === 'offline',
  };
}

/** The tooltip of a host's recovery span. */
export function hostSpanTip(
  host: string,
  span: { start: number; end: number | null },
  now: number,
): TipContent {
  const end = span.end ?? now;
  return {
    title: `host ${host} in recovery`,
    rows: [
      ['from', formatTime(span.start)],
      ['to', span.end === null ? 'still' : formatTime(span.end)],
      ['duration', formatDuration(end - span.start)],
    ],
  };
}

/** The tooltip of a LUN lane's I/O at one tick (counts over the tick ending at i × tick). */
export function rateTip(
  lun: string,
  i: number,
  tick: number,
  done: number,
  failed: number,
): TipContent {
  const rows: [string, string][] = [
    ['tick', `${formatTime(Math.max(0, (i - 1) * tick))} – ${formatTime(i * tick)}`],
    ['completed', `${done} (${formatRate(done / tick)})`],
  ];
  if (failed > 0) rows.push(['failed', `${failed} (${formatRate(failed / tick)})`]);
  return { title: `LUN ${lun} I/O`, rows, bad: failed > 0 };
}

/** "1 234 IO/s", "12.5 IO/s". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–';
  const v = perSecond >= 100 ? Math.round(perSecond) : +perSecond.toFixed(1);
  return `${v} IO/s`;
}

export function escalationTip(e: EscalateTransition): TipContent {
  return {
    title: `escalation ${e.from} → ${e.to}`,
    rows: [
      ['on', e.on],
      ['at', formatTime(e.t)],
      ['function', e.fn],
      ['reason', e.reason],
    ],
  };
}

export function faultTip(f: FaultTransition): TipContent {
  return {
    title: `fault ${f.fault} ${f.phase}`,
    rows: [
      ['on', f.on],
      ['at', formatTime(f.t)],
    ],
    bad: f.phase === 'on',
  };
}

export function markTip(m: CmdMark): TipContent {
  const rows: [string, string][] = [
    ['on', m.on],
    ['at', formatTime(m.t)],
    ['function', m.fn],
  ];
  if (m.detail) rows.push(['detail', m.detail]);
  return { title: `command ${m.event}`, rows, bad: m.event === 'eio' };
}
