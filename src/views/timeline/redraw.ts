// When the lanes may be redrawn: at once, except while a run streams in, when a redraw comes
// at least REDRAW_SPACING times the last redraw's cost after that one ended.

/**
 * While a run streams in, a redraw of the lanes comes at least this many times the last
 * redraw's cost after it ended: the lanes' script then takes at most a seventh of the main
 * thread (their layout and paint as much again). A long run's lanes, rebuilt with every
 * model handed over, took most of the main thread, and the stream went at their pace.
 */
export const REDRAW_SPACING = 6;

export interface LastDraw {
  /** when it ended (performance.now) */
  end: number;
  /** what it took (ms) */
  ms: number;
}

/** Milliseconds until the lanes may be redrawn; 0 or less: now. */
export function redrawDelay(last: LastDraw, now: number, streaming: boolean): number {
  return streaming ? last.end + REDRAW_SPACING * last.ms - now : 0;
}
