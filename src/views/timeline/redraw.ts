// When the lanes may be redrawn: at once, except while a run streams in, when a redraw comes
// at least REDRAW_SPACING times the last redraw's cost after that one ended.

/**
 * While a run streams in, a redraw of the lanes comes at least this many times the last
 * redraw's cost after it ended: the lanes' script then takes at most a seventh of the main
 * thread (their layout and paint as much again). A long run's lanes, rebuilt with every
 * model handed over, took most of the main thread, and the stream went at their pace.
 */
export const REDRAW_SPACING = 6;

/**
 * Each drawing of the lanes is a User Timing measure of this name (detail: the timeline's
 * test id and whether a run was streaming in), and each preview a mark of LANES_PREVIEW: the
 * browser's performance panel shows them, and the end-to-end tests read them.
 */
export const LANES_MEASURE = 'timeline lanes';
export const LANES_PREVIEW = 'timeline lanes preview';
/** the measures and marks are cleared after this many, to keep them bounded */
export const LANES_KEPT = 2000;

export interface LastDraw {
  /** when it ended (performance.now) */
  end: number;
  /** what it took (ms) */
  ms: number;
}

/**
 * A change of view alone (zoom, pan) whose last drawing took longer than this is first shown
 * by moving and stretching the lanes as drawn (an SVG transform, no new elements), and drawn
 * anew once the view has rested SETTLE_MS, or PREVIEW_MAX_MS after the last drawing.
 */
export const PREVIEW_ABOVE_MS = 50;
export const SETTLE_MS = 150;
export const PREVIEW_MAX_MS = 500;

/**
 * The transform that shows lanes drawn for the time range `drawn` on `width` px as they
 * would be drawn for `view`: translate(tx, 0) scale(k, 1).
 */
export function previewTransform(
  drawn: readonly [number, number],
  view: readonly [number, number],
  width: number,
): { tx: number; k: number } {
  const span = view[1] - view[0];
  return { tx: ((drawn[0] - view[0]) / span) * width, k: (drawn[1] - drawn[0]) / span };
}

/** Milliseconds until the lanes may be redrawn; 0 or less: now. */
export function redrawDelay(last: LastDraw, now: number, streaming: boolean): number {
  return streaming ? last.end + REDRAW_SPACING * last.ms - now : 0;
}
