// How a long run stays in bounded memory in the page. Almost all of a run's stream is its io
// ticks: one per tenth of a second, with a line per LUN (an hour of 1024 LUNs is about 34
// million lines, some 2 GB as objects). The page keeps those lines in full detail for a
// recent window only. Older ticks are summed into coarse ticks: at most SUMMARY_BINS of them,
// each twice as long as before whenever there would be more. Everything else the stream says
// (faults, device states and what blocks them, host states, steps, operations, commands,
// escalations) is kept whole: it grows with the recoveries, not with LUNs x time, and it is
// what the timeline's blocked spans and steps are drawn from.
//
// A summarised stream is still a stream: the projection folds it the same way, so a cursor
// in the summarised part shows each LUN's state, what blocks it and the active steps exactly,
// and its I/O rate, outstanding count and figures as of the coarse tick.
import {
  atResolution,
  type IoTick,
  type IoTransition,
  type NodeId,
  type Transition,
} from '../engine';

/** Per-LUN io-tick lines kept in full detail (about 45 MB as objects) */
export const DETAIL_LINES = 1_000_000;
/** Coarse ticks over the summarised past, at most */
export const SUMMARY_BINS = 256;

export interface Summarised {
  /** the summarised past, then the stream from `from` on, unchanged */
  stream: Transition[];
  /** index in the input of the first transition kept in full detail */
  from: number;
  /** its index in the output */
  to: number;
  /** virtual time up to which io ticks are summarised */
  until: number;
  /** length of a coarse tick (s) */
  bin: number;
}

const EPS = 1e-7;

/**
 * Where to cut a stream holding `lines` io-tick lines from `start` on so that about `keep` of
 * them stay in full detail: the index of the first io tick to keep, or -1 when none needs to go.
 */
export function cutFor(
  items: readonly Transition[],
  start: number,
  lines: number,
  keep: number,
): number {
  let over = lines - keep;
  if (over <= 0) return -1;
  for (let i = start; i < items.length; i++) {
    const tr = items[i]!;
    if (tr.type !== 'io') continue;
    if (over <= 0) return i;
    over -= tr.luns.length;
  }
  return -1;
}

/** The smallest power-of-two multiple of `tick` that covers `until` in at most `bins` bins. */
export function binFor(until: number, tick: number, bins: number, least = tick): number {
  let b = tick;
  while (b < least - EPS || until / b > bins + EPS) b *= 2;
  return b;
}

/**
 * The stream with its io ticks up to (about) the time of `items[cut]` summed into coarse
 * ticks of one length, which is a power-of-two multiple of `tick` and at least `least` (the
 * coarse length of an earlier summary, so that its bins nest in the new ones).
 */
export function summarise(
  items: readonly Transition[],
  cut: number,
  tick: number,
  least = tick,
  bins = SUMMARY_BINS,
): Summarised {
  const cutT = items[cut]?.t ?? Infinity;
  // the cut falls on a bin boundary: io ticks up to `until` go into bins, the rest stay
  let bin = binFor(Number.isFinite(cutT) ? cutT : 0, tick, bins, least);
  let until = Math.floor((cutT - EPS) / bin) * bin;
  if (!(until > 0)) return { stream: items.slice(), from: 0, to: 0, until: 0, bin: least };
  bin = binFor(until, tick, bins, least);
  until = atResolution(Math.floor((until + EPS) / bin) * bin);
  // the first transition after `until`, or the first io tick past it (an io tick at `until`
  // itself belongs to the last bin)
  let from = 0;
  while (from < items.length) {
    const tr = items[from]!;
    if (tr.t > until + EPS) break;
    from++;
  }

  const stream: Transition[] = [];
  const sums = new Map<NodeId, IoTick>();
  let bucket = -1;
  const flush = (): void => {
    if (bucket < 0) return;
    const t = atResolution(bucket * bin);
    const luns = [...sums.values()];
    const io: IoTransition = { t, type: 'io', dt: bin, luns };
    stream.push(io);
    sums.clear();
    bucket = -1;
  };
  for (let i = 0; i < from; i++) {
    const tr = items[i]!;
    if (tr.type !== 'io') {
      // a transition later than the open bin's end comes after the bin's coarse tick
      if (bucket >= 0 && tr.t > bucket * bin + EPS) flush();
      stream.push(tr);
      continue;
    }
    const j = Math.max(1, Math.ceil(tr.t / bin - EPS));
    if (j !== bucket) {
      flush();
      bucket = j;
    }
    for (const l of tr.luns) {
      const s = sums.get(l.on);
      if (s) {
        s.done += l.done;
        s.failed += l.failed;
        s.outstanding = l.outstanding;
      } else
        sums.set(l.on, { on: l.on, done: l.done, failed: l.failed, outstanding: l.outstanding });
    }
  }
  flush();
  const to = stream.length;
  for (let i = from; i < items.length; i++) stream.push(items[i]!);
  return { stream, from, to, until, bin };
}

/** io-tick lines in items[from..] */
export function linesFrom(items: readonly Transition[], from: number): number {
  let n = 0;
  for (let i = from; i < items.length; i++) {
    const tr = items[i]!;
    if (tr.type === 'io') n += tr.luns.length;
  }
  return n;
}
