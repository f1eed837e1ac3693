// The playback clock: each animation frame advances the cursor by the real time elapsed
// times the speed. Page-side only (the engine has no timers).
import type { SimStore } from '../store/simStore';

/** Longest real step one frame may take (a tab in the background, a debugger pause). */
const MAX_FRAME = 0.25;

export function startClock(store: SimStore): () => void {
  let last = performance.now();
  let handle = 0;
  const frame = (now: number): void => {
    const dt = Math.min(MAX_FRAME, Math.max(0, (now - last) / 1000));
    last = now;
    store.getState().advance(dt);
    handle = requestAnimationFrame(frame);
  };
  handle = requestAnimationFrame(frame);
  return () => cancelAnimationFrame(handle);
}
