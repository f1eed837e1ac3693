// Time-domain arithmetic of the timeline: zoom and pan of the visible range, clipping of
// spans to it, and the I/O series thinned to the pixels there are.

export type Domain = readonly [number, number];

/** The shortest range one can zoom to, seconds. */
export const MIN_SPAN = 1e-4;

/** `d` moved and shrunk to lie within `full`, at least MIN_SPAN wide (unless full is narrower). */
export function clampDomain(d: Domain, full: Domain): [number, number] {
  const fullSpan = full[1] - full[0];
  let span = Math.min(Math.max(d[1] - d[0], Math.min(MIN_SPAN, fullSpan)), fullSpan);
  if (!Number.isFinite(span) || span <= 0) span = fullSpan;
  let a = d[0];
  if (!Number.isFinite(a)) a = full[0];
  a = Math.min(Math.max(a, full[0]), full[1] - span);
  return [a, a + span];
}

/** Whether `d` shows all of `full` (to a part in a million). */
export function isFull(d: Domain, full: Domain): boolean {
  const eps = (full[1] - full[0]) * 1e-6;
  return d[0] <= full[0] + eps && d[1] >= full[1] - eps;
}

/** Zoom by `factor` (< 1 zooms in) keeping time `at` where it is on screen. */
export function zoomAround(d: Domain, full: Domain, factor: number, at: number): [number, number] {
  const k = Math.max(factor, 1e-6);
  const pin = Math.min(Math.max(at, d[0]), d[1]);
  const a = pin - (pin - d[0]) * k;
  const b = pin + (d[1] - pin) * k;
  // when clamping to MIN_SPAN, keep `pin` at the same fraction of the range
  if (b - a < MIN_SPAN && full[1] - full[0] >= MIN_SPAN) {
    const f = d[1] > d[0] ? (pin - d[0]) / (d[1] - d[0]) : 0.5;
    return clampDomain([pin - f * MIN_SPAN, pin + (1 - f) * MIN_SPAN], full);
  }
  return clampDomain([a, b], full);
}

/** Shift by `dt` seconds, stopping at the ends of `full`. */
export function panBy(d: Domain, full: Domain, dt: number): [number, number] {
  return clampDomain([d[0] + dt, d[1] + dt], full);
}

/** The part of [start, end] inside `d`, or null; an open end (null) runs to `openEnd`. */
export function clipInterval(
  start: number,
  end: number | null,
  d: Domain,
  openEnd: number,
): [number, number] | null {
  const e = end ?? Math.max(openEnd, start);
  if (e < d[0] || start > d[1]) return null;
  return [Math.max(start, d[0]), Math.min(e, d[1])];
}

/** Index of the tick whose counts cover time t (tick i counts what completed in ((i-1)·tick, i·tick]). */
export function tickIndexAt(t: number, tick: number): number {
  if (!(tick > 0)) return 0;
  return Math.max(0, Math.ceil(t / tick - 1e-9));
}

export interface Bin {
  /** the bin covers [t0, t1] */
  t0: number;
  t1: number;
  /** mean count per tick over the bin */
  value: number;
}

/**
 * The ticks of `values` that overlap `d`, merged into at most `maxBins` bins (mean of each),
 * so that a long run draws one point per pixel or so.
 */
export function binSeries(
  values: readonly number[],
  tick: number,
  d: Domain,
  maxBins: number,
): Bin[] {
  if (!(tick > 0) || values.length === 0) return [];
  const first = Math.max(1, Math.floor(d[0] / tick));
  const last = Math.min(values.length - 1, Math.ceil(d[1] / tick));
  if (last < first) return [];
  const count = last - first + 1;
  const per = Math.max(1, Math.ceil(count / Math.max(1, Math.floor(maxBins))));
  const bins: Bin[] = [];
  for (let i = first; i <= last; i += per) {
    const j = Math.min(last, i + per - 1);
    let sum = 0;
    for (let k = i; k <= j; k++) sum += values[k] ?? 0;
    bins.push({ t0: (i - 1) * tick, t1: j * tick, value: sum / (j - i + 1) });
  }
  return bins;
}

/** The largest value in any of the series. */
export function seriesMax(series: Iterable<readonly number[]>): number {
  let max = 0;
  for (const s of series) for (const v of s) if (v > max) max = v;
  return max;
}

/** Keeps the first item per `px` pixels of each key (after sorting by x), for marks. */
export function thinByPixel<T>(
  items: readonly T[],
  xOf: (item: T) => number,
  keyOf: (item: T) => string,
  px = 2,
): T[] {
  const last = new Map<string, number>();
  const out: T[] = [];
  const sorted = [...items].sort((a, b) => xOf(a) - xOf(b));
  for (const it of sorted) {
    const x = xOf(it);
    const k = keyOf(it);
    const prev = last.get(k);
    if (prev !== undefined && x - prev < px) continue;
    last.set(k, x);
    out.push(it);
  }
  return out;
}

/** Items sorted by start (stable), for bars whose DOM order must follow time. */
export function byStart<T extends { start: number }>(items: readonly T[]): readonly T[] {
  // a lane's steps come in the order they start: no sort then
  let ordered = true;
  for (let i = 1; i < items.length && ordered; i++)
    ordered = items[i]!.start >= items[i - 1]!.start;
  if (ordered) return items;
  return items
    .map((it, i) => [it, i] as const)
    .sort((a, b) => a[0].start - b[0].start || a[1] - b[1])
    .map(([it]) => it);
}

/**
 * The corners of a step chart through the bins, [t, value] pairs; neighbouring bins of the
 * same value share their corners, so a steady rate costs two points.
 */
export function stepPoints(bins: readonly Bin[]): [number, number][] {
  const pts: [number, number][] = [];
  let i = 0;
  while (i < bins.length) {
    const b = bins[i]!;
    let j = i;
    while (j + 1 < bins.length && bins[j + 1]!.value === b.value) j++;
    pts.push([b.t0, b.value], [bins[j]!.t1, b.value]);
    i = j + 1;
  }
  return pts;
}

/** Whether [y, y + h] meets the band [top, bottom]. */
export const inBand = (y: number, h: number, band: readonly [number, number]): boolean =>
  y + h >= band[0] && y <= band[1];

/** The fitted view's end moves in steps of this many seconds (so it redraws rarely). */
export const FIT_STEP = 10;

/**
 * The range shown before the user zooms: from 0 to a little past the last thing that
 * happened (a step, a blocked span, a fault) or the cursor, whichever is later, in steps of
 * FIT_STEP seconds, and never past the run. A 120 s run with a 10 s ladder then shows the
 * ladder, not a sliver of it.
 */
export function fitEnd(activityEnd: number | null, cursor: number, runEnd: number): number {
  const busy = activityEnd === null ? 0 : activityEnd + Math.max(5, activityEnd * 0.25);
  const want = Math.max(busy, cursor + 2, 2 * FIT_STEP);
  return Math.min(runEnd, Math.ceil(want / FIT_STEP) * FIT_STEP);
}

/** The items of a list in time order with d[0] <= t <= d[1] (two binary searches). */
export function within<T extends { t: number }>(list: readonly T[], d: Domain): T[] {
  const first = (t: number, strict: boolean): number => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (strict ? list[mid]!.t <= t : list[mid]!.t < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return list.slice(first(d[0], false), first(d[1], true));
}
