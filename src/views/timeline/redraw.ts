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
  /**
   * what it took with the browser's style, layout and paint of it at the next frame (ms);
   * `ms` until that frame is rendered
   */
  frame: number;
}

/** Each drawing's frame (`LastDraw.frame`) is a User Timing measure of this name. */
export const LANES_FRAME = 'timeline lanes frame';

/**
 * A change of view alone (zoom, pan) whose last drawing cost a frame longer than this (with
 * its layout and paint) is first shown by moving and stretching the lanes as drawn, and
 * drawn anew once the view has rested SETTLE_MS, or PREVIEW_MAX_MS after the last drawing.
 * The preview is a CSS transform of the plot, which the browser draws in its own layer: the
 * compositor moves and stretches the pixels, with no layout or paint of the lanes. (An SVG
 * transform of the lanes, the first preview, cost 40-200 ms a step over a long run: the
 * browser laid out and painted every element again.)
 */
export const PREVIEW_ABOVE_MS = 16;
export const SETTLE_MS = 150;
export const PREVIEW_MAX_MS = 500;

/**
 * Milliseconds from now until the lanes are drawn for a view shown as a preview, when the
 * first preview since they were last drawn came at `since`: once the view has rested
 * SETTLE_MS, and at most PREVIEW_MAX_MS after that first preview. (Counted from the last
 * drawing instead, a gesture that began after the lanes had rested half a second drew them
 * at its first step, the slowest frame of a zoom.)
 */
export function previewDelay(since: number, now: number): number {
  return Math.min(SETTLE_MS, Math.max(0, PREVIEW_MAX_MS - (now - since)));
}

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
export function redrawDelay(
  last: Pick<LastDraw, 'end' | 'ms'>,
  now: number,
  streaming: boolean,
): number {
  return streaming ? last.end + REDRAW_SPACING * last.ms - now : 0;
}
