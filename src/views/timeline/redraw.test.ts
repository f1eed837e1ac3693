import { describe, expect, it } from 'vitest';
import {
  PREVIEW_MAX_MS,
  previewDelay,
  previewTransform,
  REDRAW_SPACING,
  redrawDelay,
  SETTLE_MS,
} from './redraw';

describe('redrawing the lanes', () => {
  const last = { end: 1000, ms: 100 };

  it('redraws at once when no run streams in (a zoom, a pan, a finished run)', () => {
    expect(redrawDelay(last, 1001, false)).toBeLessThanOrEqual(0);
  });

  it('while a run streams in, spaces redraws by REDRAW_SPACING times the last one', () => {
    expect(REDRAW_SPACING).toBeGreaterThanOrEqual(4);
    expect(redrawDelay(last, 1100, true)).toBe(REDRAW_SPACING * 100 - 100);
    expect(redrawDelay(last, 1000 + REDRAW_SPACING * 100, true)).toBeLessThanOrEqual(0);
    // the lanes' share of the main thread: one draw per (spacing + 1) draws' time at most
    const busy = last.ms / (last.ms + redrawDelay(last, last.end, true));
    expect(busy).toBeLessThanOrEqual(1 / 5);
    // the first redraw of a run is not held back
    expect(redrawDelay({ end: -Infinity, ms: 0 }, 5, true)).toBeLessThanOrEqual(0);
  });
});

describe('the preview of a zoom or pan', () => {
  it('maps a time where the drawing had it to where the new view wants it', () => {
    const drawn: [number, number] = [10, 30];
    const view: [number, number] = [15, 20];
    const width = 800;
    const { tx, k } = previewTransform(drawn, view, width);
    for (const t of [15, 17.5, 20, 10, 30]) {
      const drawnAt = ((t - drawn[0]) / (drawn[1] - drawn[0])) * width;
      const wanted = ((t - view[0]) / (view[1] - view[0])) * width;
      expect(tx + k * drawnAt).toBeCloseTo(wanted, 9);
    }
    expect(previewTransform(view, view, width)).toEqual({ tx: 0, k: 1 });
  });

  it('draws once the view rests, and at most PREVIEW_MAX_MS after the first preview', () => {
    expect(SETTLE_MS).toBeLessThan(PREVIEW_MAX_MS);
    // a gesture's first step: the whole settling time, however long ago the last drawing was
    expect(previewDelay(10_000, 10_000)).toBe(SETTLE_MS);
    // its steps go on: each waits to rest, until the first preview is PREVIEW_MAX_MS old
    expect(previewDelay(10_000, 10_100)).toBe(SETTLE_MS);
    expect(previewDelay(10_000, 10_000 + PREVIEW_MAX_MS - 40)).toBe(40);
    expect(previewDelay(10_000, 10_000 + PREVIEW_MAX_MS + 100)).toBe(0);
  });
});
