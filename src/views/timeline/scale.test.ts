import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MIN_SPAN,
  binSeries,
  byStart,
  clampDomain,
  clipInterval,
  inBand,
  stepPoints,
  fitEnd,
  isFull,
  panBy,
  seriesMax,
  thinByPixel,
  tickIndexAt,
  within,
  zoomAround,
} from './scale';

const full = [0, 20] as const;

describe('zoom and pan', () => {
  it('zooms in around a point that stays put on screen', () => {
    const d = zoomAround(full, full, 0.5, 5);
    expect(d[0]).toBeCloseTo(2.5);
    expect(d[1]).toBeCloseTo(12.5);
    // 5 s was a quarter of the way across and still is
    expect((5 - d[0]) / (d[1] - d[0])).toBeCloseTo(0.25);
  });

  it('zooms out no further than the run', () => {
    expect(zoomAround([2, 4], full, 100, 3)).toEqual([0, 20]);
    expect(isFull(zoomAround([2, 4], full, 100, 3), full)).toBe(true);
    expect(isFull([0, 19], full)).toBe(false);
  });

  it('stops at the shortest span', () => {
    const d = zoomAround([9, 10], full, 1e-9, 9.5);
    expect(d[1] - d[0]).toBeCloseTo(MIN_SPAN, 12);
    expect(d[0]).toBeLessThan(9.5);
    expect(d[1]).toBeGreaterThan(9.5);
  });

  it('pans and stops at either end', () => {
    expect(panBy([2, 4], full, 1)).toEqual([3, 5]);
    expect(panBy([2, 4], full, -5)).toEqual([0, 2]);
    expect(panBy([2, 4], full, 50)).toEqual([18, 20]);
  });

  it('clamps a view left over from a longer run', () => {
    expect(clampDomain([30, 40], full)).toEqual([10, 20]);
    expect(clampDomain([-5, 50], full)).toEqual([0, 20]);
    expect(clampDomain([NaN, 3], full)[0]).toBe(0);
  });
});

describe('clipInterval', () => {
  it('keeps the visible part', () => {
    expect(clipInterval(1, 3, [2, 10], 20)).toEqual([2, 3]);
    expect(clipInterval(1, 3, [4, 10], 20)).toBeNull();
    expect(clipInterval(12, 13, [4, 10], 20)).toBeNull();
  });

  it('runs an open span to the open end', () => {
    expect(clipInterval(5, null, [0, 20], 12)).toEqual([5, 12]);
    expect(clipInterval(5, null, [0, 8], 12)).toEqual([5, 8]);
    expect(clipInterval(15, null, [0, 20], 12)).toEqual([15, 15]);
  });
});

describe('series', () => {
  it('finds the tick whose counts cover a time', () => {
    expect(tickIndexAt(0.25, 0.1)).toBe(3);
    expect(tickIndexAt(0.3, 0.1)).toBe(3);
    expect(tickIndexAt(0, 0.1)).toBe(0);
  });

  it('bins one tick per bin when there is room', () => {
    const v = [0, 10, 20, 30, 40];
    const bins = binSeries(v, 0.1, [0, 0.4], 100);
    expect(bins.map((b) => b.value)).toEqual([10, 20, 30, 40]);
    expect(bins[0]?.t0).toBeCloseTo(0);
    expect(bins[0]?.t1).toBeCloseTo(0.1);
    expect(bins[3]?.t1).toBeCloseTo(0.4);
  });

  it('merges ticks into the bins there are, by mean', () => {
    const v = [0, ...Array.from({ length: 1000 }, (_, i) => (i < 500 ? 10 : 0))];
    const bins = binSeries(v, 0.01, [0, 10], 100);
    expect(bins.length).toBeLessThanOrEqual(100);
    expect(bins[0]?.value).toBe(10);
    expect(bins[bins.length - 1]?.value).toBe(0);
    expect(bins[bins.length - 1]?.t1).toBeCloseTo(10);
  });

  it('draws only the ticks in view', () => {
    const v = Array.from({ length: 201 }, (_, i) => i);
    const bins = binSeries(v, 0.1, [5, 6], 1000);
    expect(bins[0]?.t0).toBeCloseTo(4.9);
    expect(bins[bins.length - 1]?.t1).toBeCloseTo(6);
    expect(binSeries([], 0.1, [0, 1], 10)).toEqual([]);
  });

  it('finds the largest value', () => {
    expect(seriesMax([[1, 5], [], [3]])).toBe(5);
    expect(seriesMax([])).toBe(0);
  });
});

describe('marks and bars', () => {
  it('keeps one mark per pixels of each kind', () => {
    const marks = [
      { x: 10, k: 'a' },
      { x: 10.5, k: 'a' },
      { x: 10.5, k: 'b' },
      { x: 13, k: 'a' },
    ];
    const kept = thinByPixel(
      marks,
      (m) => m.x,
      (m) => m.k,
    );
    expect(kept).toEqual([marks[0], marks[2], marks[3]]);
  });

  it('orders bars by start, stably', () => {
    const bars = [
      { start: 3, id: 'c' },
      { start: 1, id: 'a' },
      { start: 3, id: 'd' },
      { start: 2, id: 'b' },
    ];
    expect(byStart(bars).map((b) => b.id)).toEqual(['a', 'b', 'c', 'd']);
    // already in order: the same list, not sorted again
    const ordered = byStart(bars);
    expect(byStart(ordered)).toBe(ordered);
  });

  it('finds the items of a time-ordered list in a domain as a filter does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 60 }),
        fc.integer({ min: -5, max: 45 }),
        fc.integer({ min: 0, max: 50 }),
        (ts, a, len) => {
          const list = ts.sort((x, y) => x - y).map((t, i) => ({ t: t / 2, i }));
          const d = [a / 2, (a + len) / 2] as const;
          expect(within(list, d)).toEqual(list.filter((it) => it.t >= d[0] && it.t <= d[1]));
        },
      ),
    );
  });
});

describe('stepPoints and inBand', () => {
  it('merges bins of the same value', () => {
    const bins = [
      { t0: 0, t1: 1, value: 5 },
      { t0: 1, t1: 2, value: 5 },
      { t0: 2, t1: 3, value: 0 },
      { t0: 3, t1: 4, value: 5 },
    ];
    expect(stepPoints(bins)).toEqual([
      [0, 5],
      [2, 5],
      [2, 0],
      [3, 0],
      [3, 5],
      [4, 5],
    ]);
    expect(stepPoints([])).toEqual([]);
  });

  it('tells whether a lane meets the band', () => {
    expect(inBand(0, 16, [10, 100])).toBe(true);
    expect(inBand(100, 16, [10, 100])).toBe(true);
    expect(inBand(101, 16, [10, 100])).toBe(false);
    expect(inBand(-20, 16, [0, 100])).toBe(false);
  });
});

describe('fitEnd', () => {
  it('shows the activity with a margin, in steps of 10 s, within the run', () => {
    expect(fitEnd(null, 0, 120)).toBe(20);
    expect(fitEnd(12, 3, 120)).toBe(20);
    expect(fitEnd(30, 3, 120)).toBe(40);
    expect(fitEnd(12, 55, 120)).toBe(60);
    expect(fitEnd(200, 3, 120)).toBe(120);
    expect(fitEnd(null, 0, 8)).toBe(8);
  });
});
