import { describe, expect, it } from 'vitest';
import { REDRAW_SPACING, redrawDelay } from './redraw';

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
