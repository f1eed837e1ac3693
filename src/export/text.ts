// The timeline as plain text, for pasting into an email (issue 14, exports): ASCII only,
// every line at most 80 columns but the link's, one row per LUN (per target or per host
// when there are many), blocked spans drawn with the letter of the scope that blocked them,
// the recovery steps as bars with their result, a time axis, a legend, the list of the
// steps with their kernel function, and the link. Pure: no DOM, the same in Node and in the
// page, so that a golden file can pin it byte for byte.
import { driverProfile, offeredRates, type NodeId, type Scenario, type StepKind } from '../engine';
import type { StateSpan, StepBar, TimelineModel } from '../playback/timeline';
import type { Topology } from '../playback/topology';
import { stepLabel } from '../views/timeline/format';

/** Columns of every line (but the link's). */
export const TEXT_WIDTH = 80;
/** Up to this many LUNs, one row each; above, one row per target. */
export const MAX_LUN_ROWS = 24;
/** Up to this many targets (when rows are per target), one row each; above, one per host. */
export const MAX_TARGET_ROWS = 24;
/** Text rows of step bars a lane gets at most; the steps that do not fit are counted. */
export const MAX_STEP_ROWS = 4;
/** Steps listed under the drawing at most. */
export const MAX_LISTED = 40;

const LABEL_MIN = 8;
const LABEL_MAX = 16;
/** a tick label every this many columns */
const TICK_EVERY = 10;

/** Seconds per column the drawing may use: 1, 2 and 5 times a power of ten. */
const STEPS = [
  0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50,
  100, 200, 500, 1000, 2000, 5000, 10000,
];

export interface TextOptions {
  /** the time range to draw; default: the recovery's window with a margin (see textRange) */
  range?: readonly [number, number] | null;
  /** printed last, on a line of its own (the one line that may pass 80 columns) */
  link?: string;
  /** the run's seed, for the header */
  seed?: number;
}

/** Characters of the LUN rows, from the most severe to the least. */
export const CELL = {
  offline: 'x',
  host: 'H',
  target: 'T',
  lun: 'L',
  unknown: '#',
  stalled: '_',
  running: '.',
  none: ' ',
} as const;
/** Marks drawn over a LUN row's cell, from the strongest. */
export const MARK = { fault: '!', eio: 'E', timeout: '*' } as const;

const SEVERITY: readonly string[] = [
  CELL.offline,
  CELL.host,
  CELL.target,
  CELL.lun,
  CELL.unknown,
  CELL.stalled,
  CELL.running,
  CELL.none,
];
const MARK_ORDER: readonly string[] = [MARK.fault, MARK.eio, MARK.timeout];

/** The letter a step too short for its name is drawn with (a capital when it failed). */
export const STEP_CODES: Record<StepKind, string> = {
  abort: 'a',
  drain: 'd',
  'tmf-slot': 'w',
  'get-sense': 'g',
  'start-unit': 's',
  'lun-reset': 'l',
  'target-reset': 't',
  'bus-reset': 'b',
  'host-reset': 'h',
  settle: 'z',
  tur: 'u',
  offline: 'o',
  strategy: 'y',
  'cq-poll': 'q',
  'controller-reset': 'c',
  reinit: 'r',
  'link-reset': 'k',
  'cool-down': 'n',
  'speed-down': 'v',
};

/** The steps only other systems' recoveries take (policies/cam.ts, nvme.ts, libata.ts). */
const OTHER_STEPS: ReadonlySet<StepKind> = new Set<StepKind>([
  'cq-poll',
  'controller-reset',
  'reinit',
  'link-reset',
  'cool-down',
  'speed-down',
]);

const RESULT_WORDS: Record<string, string> = {
  success: 'ok',
  failed: 'FAILED',
  ready: 'ready',
  'not-ready': 'NOT READY',
  done: 'done',
  skipped: 'skipped',
};

/** Shorter names, for bars too narrow for the whole one. */
const SHORT: Partial<Record<StepKind, string>> = {
  'tmf-slot': 'slot',
  'get-sense': 'sense',
  'start-unit': 'STU',
  'lun-reset': 'LUN rst',
  'target-reset': 'tgt rst',
  'bus-reset': 'bus rst',
  'host-reset': 'host rst',
  strategy: 'strat',
};

const failedResult = (r: string | null): boolean => r === 'failed' || r === 'not-ready';

/** Printable ASCII only: accents dropped, anything else a '?'. */
export function ascii(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[\u2192]/g, '->')
    .replace(/[\u00b5\u03bc]/g, 'u')
    .replace(/[^\x20-\x7e]/g, '?');
}

/** Words of `text` on lines of at most `width` columns, the first after `first`, the others after `indent`. */
export function wrap(text: string, width: number, first = '', indent = ''): string[] {
  const words = ascii(text).split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (let w of words) {
    const room = width - (empty ? line.length : line.length + 1);
    if (w.length > room && !empty) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    // a word longer than a whole line is cut
    const max = width - line.length;
    while (w.length > max && max > 1) {
      lines.push(line + w.slice(0, max));
      w = w.slice(max);
      line = indent;
    }
    line = empty ? line + w : `${line} ${w}`;
    empty = false;
  }
  if (!empty || lines.length === 0) lines.push(line);
  return lines.map((l) => l.trimEnd());
}

/** "9.524 s" (milliseconds), or finer when the drawing's column is finer. */
export function fmtTime(t: number, decimals = 3): string {
  const v = Math.abs(t) < 0.5 * 10 ** -decimals ? 0 : t;
  return `${v.toFixed(decimals)} s`;
}

/** "2.000 s", "8.0 ms", "800 us", "0 s"; ASCII. */
export function fmtDuration(d: number): string {
  if (!Number.isFinite(d)) return '-';
  const a = Math.abs(d);
  if (a === 0) return '0 s';
  if (a < 1e-3) return `${(d * 1e6).toFixed(0)} us`;
  if (a < 1) return `${(d * 1e3).toFixed(1)} ms`;
  if (a < 60) return `${d.toFixed(3)} s`;
  return `${d.toFixed(1)} s`;
}

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

/** The recovery's window (the engine's, else the span of what happened), or null. */
export function recoveryWindow(model: TimelineModel): [number, number] | null {
  const w = model.metrics?.recoveryWindow;
  if (w) return [w[0], w[1]];
  let a = Infinity;
  let b = -Infinity;
  const at = (s: number, e: number): void => {
    a = Math.min(a, s);
    b = Math.max(b, e);
  };
  for (const st of model.steps) at(st.start, st.end ?? model.end);
  for (const spans of model.lunSpans.values())
    for (const sp of spans) if (sp.state !== 'offline') at(sp.start, sp.end ?? model.end);
  for (const f of model.faults) if (f.phase === 'on' && f.t > 0) at(f.t, f.t);
  return Number.isFinite(a) ? [a, b] : null;
}

/** The range drawn by default: the recovery's window and 15 % (at least 0.5 s) either side; else the whole run. */
export function textRange(model: TimelineModel): [number, number] {
  const end = Math.max(model.end, 1e-3);
  const w = recoveryWindow(model);
  if (!w) return [0, end];
  const margin = Math.max(0.5, 0.15 * (w[1] - w[0]));
  return [Math.max(0, w[0] - margin), Math.min(end, w[1] + margin)];
}

export interface Grid {
  /** the first column starts at k0 x step seconds */
  k0: number;
  step: number;
  cols: number;
}

/** Columns for `range` on at most `maxCols`: a round number of seconds per column. */
export function gridFor(range: readonly [number, number], maxCols: number): Grid {
  const a = range[0];
  const b = range[1] > a ? range[1] : a + 1e-3;
  const span = b - a;
  let step = STEPS[STEPS.length - 1]!;
  for (const s of STEPS) {
    // the range starts on a column boundary: one more column may be needed
    if (Math.ceil(span / s - 1e-9) + 1 <= maxCols) {
      step = s;
      break;
    }
  }
  const k0 = Math.floor(a / step + 1e-9);
  const cols = Math.max(1, Math.min(maxCols, Math.ceil(b / step - 1e-9) - k0));
  return { k0, step, cols };
}

const colStart = (g: Grid, c: number): number => (g.k0 + c) * g.step;

/** Decimals a tick label needs when ticks are TICK_EVERY columns apart. */
function tickDecimals(step: number): number {
  let d = 0;
  let interval = step * TICK_EVERY;
  while (d < 6 && Math.abs(interval - Math.round(interval)) > 1e-9) {
    interval *= 10;
    d++;
  }
  return d;
}

/** Decimals that tell a column's start apart: milliseconds, or finer for finer columns. */
function timeDecimals(step: number): number {
  let d = 3;
  while (d < 6 && step < 10 ** -(d - 1) - 1e-12) d++;
  return d;
}

/** The columns [c0, c1] that a time interval covers (touching ones included), or null. */
function coveredCols(g: Grid, s: number, e: number): [number, number] | null {
  const a = colStart(g, 0);
  const b = colStart(g, g.cols);
  if (e < a || s > b) return null;
  const c0 = Math.max(0, Math.min(g.cols - 1, Math.floor((s - a) / g.step + 1e-9)));
  const c1 = Math.max(c0, Math.min(g.cols - 1, Math.ceil((e - a) / g.step - 1e-9) - 1));
  return [c0, c1];
}

function spanChar(sp: StateSpan): string {
  if (sp.state === 'offline') return CELL.offline;
  if (sp.by === 'host') return CELL.host;
  if (sp.by === 'target') return CELL.target;
  if (sp.by === 'lun') return CELL.lun;
  return CELL.unknown;
}

const severity = (ch: string): number => {
  const i = SEVERITY.indexOf(ch);
  return i < 0 ? SEVERITY.length : i;
};

/** The more severe of two cells (and the stronger mark). */
function worse(a: string, b: string): string {
  const ma = MARK_ORDER.indexOf(a);
  const mb = MARK_ORDER.indexOf(b);
  if (ma >= 0 || mb >= 0) {
    if (ma < 0) return b;
    if (mb < 0) return a;
    return ma <= mb ? a : b;
  }
  return severity(a) <= severity(b) ? a : b;
}

interface LunCells {
  states: string[];
  marks: (string | null)[];
}

/** One LUN's row: the state of each column and its marks. */
function lunCells(
  model: TimelineModel,
  g: Grid,
  lun: NodeId,
  rate: number,
  hasIo: boolean,
  marks: readonly { t: number; ch: string }[],
): LunCells {
  const weight: Map<string, number>[] = Array.from({ length: g.cols }, () => new Map());
  for (const sp of model.lunSpans.get(lun) ?? []) {
    const end = sp.end ?? model.end;
    if (!(end > sp.start)) continue;
    const cols = coveredCols(g, sp.start, end);
    if (!cols) continue;
    const ch = spanChar(sp);
    for (let c = cols[0]; c <= cols[1]; c++) {
      const ov = Math.min(end, colStart(g, c + 1)) - Math.max(sp.start, colStart(g, c));
      const cell = weight[c]!;
      cell.set(ch, (cell.get(ch) ?? 0) + Math.max(ov, 0));
    }
  }
  const series = model.series.get(lun);
  const tick = model.tick;
  // prefix sums of completions per tick, to count a window's quickly
  const done = series?.done ?? [];
  const sums = [0];
  for (let i = 0; i < done.length; i++) sums.push(sums[i]! + (done[i] ?? 0));
  const completions = (a: number, b: number): number => {
    // tick i counts (i-1) x tick .. i x tick
    const i0 = Math.max(0, Math.floor(a / tick + 1e-9) + 1);
    const i1 = Math.min(done.length - 1, Math.ceil(b / tick - 1e-9));
    return i1 < i0 ? 0 : sums[i1 + 1]! - sums[i0]!;
  };
  // a window at least two ticks and two I/O intervals long, so that a slow workload's
  // pauses between commands do not read as stalls
  const minWin = Math.max(2 * tick, rate > 0 ? 2 / rate : 0);

  const states: string[] = [];
  for (let c = 0; c < g.cols; c++) {
    const a = colStart(g, c);
    const b = colStart(g, c + 1);
    let best: string | null = null;
    let bestW = -1;
    for (const [ch, w] of weight[c]!) {
      if (w > bestW + 1e-12 || (Math.abs(w - bestW) <= 1e-12 && severity(ch) < severity(best!))) {
        best = ch;
        bestW = w;
      }
    }
    if (best !== null) states.push(best);
    else if (a >= model.end && !model.complete) states.push(CELL.none);
    else if (!hasIo) states.push(CELL.running);
    else {
      const grow = Math.max(0, minWin - (b - a)) / 2;
      states.push(completions(a - grow, b + grow) > 0 ? CELL.running : CELL.stalled);
    }
  }
  const out: (string | null)[] = new Array<string | null>(g.cols).fill(null);
  const a = colStart(g, 0);
  for (const m of marks) {
    const c = Math.floor((m.t - a) / g.step + 1e-9);
    if (c < 0 || c >= g.cols) continue;
    const prev = out[c] ?? null;
    out[c] = prev === null ? m.ch : worse(prev, m.ch);
  }
  return { states, marks: out };
}

function mergeCells(rows: readonly LunCells[], cols: number): string {
  let s = '';
  for (let c = 0; c < cols; c++) {
    let mark: string | null = null;
    let state: string = CELL.none;
    for (const r of rows) {
      const m = r.marks[c] ?? null;
      if (m !== null) mark = mark === null ? m : worse(mark, m);
      state = worse(state, r.states[c]!);
    }
    s += mark ?? state;
  }
  return s;
}

type Grouping = 'lun' | 'target' | 'host';

/** Which rows the LUNs get: one each, one per target, or one per host. */
export function groupingFor(topo: Topology): Grouping {
  if (topo.luns.length <= MAX_LUN_ROWS) return 'lun';
  if (topo.targets.length <= MAX_TARGET_ROWS) return 'target';
  return 'host';
}

interface StepRowsOut {
  rows: string[];
  /** steps that found no room */
  dropped: number;
}

/** A step's bar in `w` columns: "[LUN reset ok---]", "[ABORT!]", or its letter repeated. */
export function stepBarText(bar: Pick<StepBar, 'step' | 'result' | 'end'>, w: number): string {
  const label = ascii(stepLabel(bar.step));
  const failed = failedResult(bar.result);
  const word = bar.end === null ? 'running' : (RESULT_WORDS[bar.result ?? ''] ?? '');
  const short = ascii(SHORT[bar.step] ?? label);
  const candidates = failed
    ? [`${label.toUpperCase()} ${word}`, `${label.toUpperCase()}!`, `${short.toUpperCase()}!`]
    : [`${label} ${word}`, label, `${short} ${word}`, short];
  for (const text of candidates) {
    if (text.length + 2 <= w) return `[${text}${'-'.repeat(w - 2 - text.length)}]`;
  }
  const code = STEP_CODES[bar.step] ?? '?';
  return (failed ? code.toUpperCase() : code).repeat(w);
}

function stepRows(bars: readonly StepBar[], g: Grid, end: number): StepRowsOut {
  const rows: string[][] = [];
  let dropped = 0;
  const a = colStart(g, 0);
  const sorted = [...bars].sort((x, y) => x.start - y.start || x.id - y.id);
  for (const bar of sorted) {
    const e = bar.end ?? end;
    let c0 = Math.round((bar.start - a) / g.step);
    let c1 = Math.round((e - a) / g.step) - 1;
    c0 = Math.max(0, Math.min(g.cols - 1, c0));
    c1 = Math.max(c0, Math.min(g.cols - 1, c1));
    let row = rows.find((r) => r.slice(c0, c1 + 1).every((ch) => ch === ' '));
    if (!row) {
      if (rows.length >= MAX_STEP_ROWS) {
        dropped++;
        continue;
      }
      row = new Array<string>(g.cols).fill(' ');
      rows.push(row);
    }
    const text = stepBarText(bar, c1 - c0 + 1);
    for (let i = 0; i < text.length; i++) row[c0 + i] = text[i]!;
  }
  return { rows: rows.map((r) => r.join('')), dropped };
}

/** Whether a step is drawn and listed: it overlaps the range and did something. */
function shown(bar: StepBar, range: readonly [number, number], end: number): boolean {
  if (bar.result === 'skipped') return false;
  const e = bar.end ?? end;
  return e >= range[0] && bar.start <= range[1];
}

function scopeLine(sc: Scenario, hostIndex: number, driver: string): string {
  const spec = sc.hosts[hostIndex];
  let scope: string;
  if (spec?.scope) scope = spec.scope;
  else {
    try {
      scope = `${driverProfile(spec?.driver ?? (driver as never)).defaultScope} (the driver's default)`;
    } catch {
      scope = 'unknown';
    }
  }
  const own = (spec?.overrides ?? []).filter((o) => o.scope && o.scope !== spec?.scope).length;
  return own ? `${scope}, ${own} LUN(s) with their own` : scope;
}

/** The plain-text timeline. */
export function timelineText(
  model: TimelineModel,
  topo: Topology,
  scenario: Scenario,
  opts: TextOptions = {},
): string {
  const W = TEXT_WIDTH;
  const out: string[] = [];
  const push = (...lines: string[]): void => {
    for (const l of lines) out.push(l.trimEnd());
  };
  const grouping = groupingFor(topo);
  const end = Math.max(model.end, 1e-3);
  const range = opts.range ? ([opts.range[0], opts.range[1]] as const) : textRange(model);

  // Rows of LUN cells, and the labels of everything drawn
  type Row = { label: string; kind: 'steps' | 'io'; text: string };
  const rows: Row[] = [];
  const hostLabel = (id: NodeId): string => `host ${id}`;
  const targetLabel = (id: NodeId): string => `target ${id}`;
  const labels: string[] = ['time (s)'];
  for (const h of topo.hosts) {
    labels.push(hostLabel(h.id));
    if (grouping === 'host') labels.push(`  ${h.id}/*`);
    else
      for (const ch of h.channels)
        for (const t of ch.targets) {
          labels.push(targetLabel(t.id));
          if (grouping === 'target') labels.push(`  ${t.id}/*`);
          else for (const l of t.luns) labels.push(`  ${l}`);
        }
  }
  const labelW = Math.min(LABEL_MAX, Math.max(LABEL_MIN, ...labels.map((l) => l.length + 1)));
  const maxCols = W - labelW - 2;
  const g = gridFor(range, maxCols);
  const shownRange: [number, number] = [colStart(g, 0), colStart(g, g.cols)];
  const fitLabel = (l: string): string =>
    (l.length >= labelW ? `${l.slice(0, labelW - 2)}~` : l).padEnd(labelW);

  const rates = offeredRates(scenario);
  let hasIo = false;
  for (const s of model.series.values())
    if (s.done.some((d) => d > 0)) {
      hasIo = true;
      break;
    }
  const marksByLun = new Map<NodeId, { t: number; ch: string }[]>();
  const addMark = (on: NodeId, t: number, ch: string): void => {
    let l = marksByLun.get(on);
    if (!l) marksByLun.set(on, (l = []));
    l.push({ t, ch });
  };
  for (const f of model.faults) if (f.phase === 'on') addMark(f.on, f.t, MARK.fault);
  for (const m of model.marks) {
    if (m.event === 'eio' || m.event === 'medium-error') addMark(m.on, m.t, MARK.eio);
    else if (m.event === 'timeout') addMark(m.on, m.t, MARK.timeout);
  }
  const cellsOf = (lun: NodeId): LunCells =>
    lunCells(model, g, lun, rates.get(lun) ?? 0, hasIo, marksByLun.get(lun) ?? []);

  let dropped = 0;
  const listed: StepBar[] = [];
  const addSteps = (label: string, bars: readonly StepBar[]): void => {
    const mine = bars.filter((b) => shown(b, shownRange, end));
    if (!mine.length) return;
    listed.push(...mine);
    const r = stepRows(mine, g, end);
    dropped += r.dropped;
    r.rows.forEach((text, i) => rows.push({ label: i === 0 ? label : '', kind: 'steps', text }));
  };
  for (const h of topo.hosts) {
    const lanes = [h.id, ...h.channels.flatMap((c) => c.targets.map((t) => t.id))];
    if (grouping === 'host') {
      addSteps(
        hostLabel(h.id),
        lanes.flatMap((id) => model.stepsByLane.get(id) ?? []),
      );
      rows.push({
        label: `  ${h.id}/*`,
        kind: 'io',
        text: mergeCells(h.luns.map(cellsOf), g.cols),
      });
      continue;
    }
    addSteps(hostLabel(h.id), model.stepsByLane.get(h.id) ?? []);
    for (const ch of h.channels)
      for (const t of ch.targets) {
        addSteps(targetLabel(t.id), model.stepsByLane.get(t.id) ?? []);
        if (grouping === 'target')
          rows.push({
            label: `  ${t.id}/*`,
            kind: 'io',
            text: mergeCells(t.luns.map(cellsOf), g.cols),
          });
        else
          for (const l of t.luns)
            rows.push({ label: `  ${l}`, kind: 'io', text: mergeCells([cellsOf(l)], g.cols) });
      }
  }

  // Header
  push(...wrap(`Scenario: ${scenario.name}`, W));
  if (scenario.description) push(...wrap(scenario.description, W, '  ', '  '));
  topo.hosts.forEach((h, i) => {
    const targets = h.channels.reduce((n, c) => n + c.targets.length, 0);
    push(
      ...wrap(
        `host ${h.id}: ${h.driver}, ${h.luns.length} LUN(s) on ${targets} target(s); recovery scope ${scopeLine(scenario, i, h.driver)}`,
        W,
        '',
        '  ',
      ),
    );
  });
  const td = timeDecimals(g.step);
  const head = [
    opts.seed !== undefined ? `seed ${opts.seed}` : null,
    `run ${fmtTime(0, 0)} to ${fmtTime(model.end)}${model.complete ? '' : ' (still running)'}`,
    `shown ${fmtTime(shownRange[0], td)} to ${fmtTime(shownRange[1], td)}, ${g.step} s per column`,
  ]
    .filter(Boolean)
    .join('; ');
  push(...wrap(`${head}.`, W, '', '  '));
  const groupText = {
    lun: 'One row per LUN.',
    target: `One row per target (${topo.luns.length} LUNs, more than ${MAX_LUN_ROWS}): a row shows the most severe state of its LUNs.`,
    host: `One row per host (${topo.luns.length} LUNs on ${topo.targets.length} targets, more than ${MAX_TARGET_ROWS}): a row shows the most severe state of its LUNs.`,
  }[grouping];
  push(...wrap(groupText, W));
  push('');

  // Axis
  const td2 = tickDecimals(g.step);
  const axisLabels = new Array<string>(g.cols + 2).fill(' ');
  const ruler: string[] = [];
  for (let c = 0; c <= g.cols; c++) {
    const k = g.k0 + c;
    const tick = k % TICK_EVERY === 0;
    ruler.push(tick ? '+' : '-');
    if (tick) {
      const text = (k * g.step).toFixed(td2);
      if (c + text.length <= axisLabels.length && c + text.length + labelW <= W)
        for (let i = 0; i < text.length; i++) axisLabels[c + i] = text[i]!;
    }
  }
  const labelLine = `${fitLabel('time (s)')}${axisLabels.join('')}`;
  const rulerLine = `${' '.repeat(labelW)}${ruler.join('')}`;
  push(labelLine, rulerLine);
  for (const r of rows) {
    const frame = r.kind === 'steps' ? ':' : '|';
    push(`${fitLabel(r.label)}${frame}${r.text}${frame}`);
  }
  push(rulerLine, labelLine);
  if (dropped) push(...wrap(`(${dropped} step(s) overlap others and are not drawn)`, W));
  push('');

  // Legend
  push(
    'Legend',
    `  LUN rows    ${CELL.running} running   ${CELL.stalled} running, no I/O completed   ${CELL.offline} offline`,
    `  blocked by  ${CELL.host} host recovery   ${CELL.target} target recovery   ${CELL.lun} the LUN's own`,
    `  marks       ${MARK.fault} fault armed   ${MARK.timeout} command timed out   ${MARK.eio} I/O failed (EIO)`,
    `  step rows   (between :) [name result---] a step; too short, its letter:`,
    ...wrap(
      // Linux's steps always; another system's only when the run has them
      (Object.keys(STEP_CODES) as StepKind[])
        .filter((k) => !OTHER_STEPS.has(k) || model.steps.some((st) => st.step === k))
        .map((k) => `${STEP_CODES[k]} ${ascii(stepLabel(k))}`)
        .join(', '),
      W,
      '              ',
      '              ',
    ),
    '              CAPITALS or ! : the step failed; steps that found nothing to do',
    '              (skipped) are left out.',
  );
  push('');

  // The steps
  type Item = { t: number; lines: string[] };
  const items: Item[] = [];
  const sorted = [...listed].sort((x, y) => x.start - y.start || x.id - y.id);
  for (const s of sorted.slice(0, MAX_LISTED)) {
    const e = s.end ?? end;
    const result = s.end === null ? 'running' : (RESULT_WORDS[s.result ?? ''] ?? s.result ?? '-');
    const head = [
      fmtTime(s.start, td).padStart(10),
      (s.scope ?? '-').padEnd(6),
      ascii(stepLabel(s.step)).padEnd(12),
      ascii(s.on).padEnd(9),
      result.padEnd(9),
      `${fmtDuration(e - s.start)}${s.end === null ? ' so far' : ''}`,
    ].join('  ');
    items.push({
      t: s.start,
      lines: [head.slice(0, W), ...wrap(s.fn, W, ' '.repeat(12), ' '.repeat(14))],
    });
  }
  for (const e of model.escalations) {
    if (e.t < shownRange[0] || e.t > shownRange[1]) continue;
    items.push({
      t: e.t,
      lines: [
        ...wrap(
          `escalate ${e.from} -> ${e.to} on ${e.on}: ${e.reason}`,
          W,
          `${fmtTime(e.t, td).padStart(10)}  `,
          ' '.repeat(12),
        ),
        ...wrap(e.fn, W, ' '.repeat(12), ' '.repeat(14)),
      ],
    });
  }
  items.sort((x, y) => x.t - y.t);
  if (items.length) {
    push('Steps in this range (start, scope, step, on, result, duration; kernel function)');
    for (const it of items) push(...it.lines);
    if (sorted.length > MAX_LISTED) push(`  ... and ${sorted.length - MAX_LISTED} more step(s)`);
  } else push('No recovery step in this range.');

  const m = model.metrics;
  if (m) {
    push('');
    const w = m.recoveryWindow;
    push(
      ...wrap(
        [
          "The engine's figures for the whole run:",
          w ? `recovery ${fmtTime(w[0])} to ${fmtTime(w[1])};` : 'no recovery;',
          m.recoveryTime !== null
            ? `failing LUN(s) recovered in ${fmtDuration(m.recoveryTime)};`
            : '',
          `healthy LUNs' availability mean ${pct(m.healthyAvailabilityMean)}, worst ${pct(m.healthyAvailabilityWorst)},`,
          `longest gap ${m.healthyLongestGap === null ? '-' : fmtDuration(m.healthyLongestGap)};`,
          `EIO ${m.eio}; offlined ${m.offlined.length ? m.offlined.join(', ') : 'none'};`,
          `escalations ${m.escalations}.`,
        ]
          .filter(Boolean)
          .join(' '),
        W,
      ),
    );
  }
  if (opts.link) {
    push('');
    push('Link (open it to see this run):');
    push(opts.link.replace(/[^\x21-\x7e]/g, encodeURIComponent));
  }
  return `${out.join('\n')}\n`;
}
