// A rehearsal of an injection, on the page, with nothing shown: a small run's stream (faults
// and the whole ladder, from the engine worker) goes through a store of its own the way an
// injection's run goes through the page's: decoded, appended after a reused start, played
// at speed and stepped through. V8 optimises the page's code only once it has run hot, and
// until the first injection much of it (the fold of blocks and steps, the timeline model's
// spans and bars) has not run at all. On 256 LUNs at 1000x, the first injection on a fresh
// page showed the host's block 71-231 ms after the click (5 runs), the same injection again
// on the same page 41-81 ms. What it does not reach: React's rendering of the new states and
// the lanes' drawing.
import type { Scenario } from '../engine';
import { BatchDecoder, type WireBatch } from '../worker/wire';
import { createSimStore } from './simStore';

/** Rounds of a rehearsal; each goes through the whole stream again. */
export const REHEARSAL_ROUNDS = 12;
/** The User Timing measure of each round (the browser's trace and an e2e test read it). */
export const REHEARSAL_MEASURE = 'injection rehearsal';

/** What a round went through (a test checks it took the paths an injection takes). */
export interface RoundSummary {
  /** transitions of the injection's run, the reused start included */
  received: number;
  /** recovery steps stepped through */
  steps: number;
  /** a LUN blocked (by any scope) where a frame of the injection's playback stopped */
  sawBlock: boolean;
}

/** One round: `wire` is the run of `scenario` (seed 1) as the worker sends it. */
export function rehearseRound(scenario: Scenario, wire: readonly WireBatch[]): RoundSummary {
  const decoder = new BatchDecoder();
  const batches = wire.map((w) => decoder.decode(w));
  const store = createSimStore(scenario, 1, 'rehearsal');
  const s = store.getState;
  // the run as the page first takes it
  let id = s().begin();
  for (const b of batches) s().append(id, b);
  s().finish(id);
  const end = s().available;
  // ... and an injection's at its first fault: the part before reused, the rest streamed
  // in and played at 1000x
  const all = batches.flat();
  const fault = all.findIndex((t) => t.type === 'fault');
  const half = fault > 0 ? fault : Math.floor(all.length / 2);
  s().seek(all[half - 1]?.t ?? 0);
  s().setScenario(scenario, undefined, true);
  id = s().begin();
  s().setSpeed(1000);
  s().play();
  s().append(id, [], half);
  let sawBlock = false;
  const frame = (): void => {
    s().advance(0.016);
    if (s().view?.luns.some((l) => l.blockedBy !== null)) sawBlock = true;
  };
  for (let i = half; i < all.length; i += 64) {
    s().append(id, all.slice(i, i + 64));
    frame();
  }
  s().finish(id);
  while (s().playing) frame();
  const received = s().received;
  // stepping through it, as a user does
  s().seek(0);
  let steps = 0;
  while (s().stepNext()) steps++;
  s().seek(end / 2);
  return { received, steps, sawBlock };
}

export type RehearsalFetch = (
  sc: Scenario,
) => Promise<{ scenario: Scenario; batches: WireBatch[] } | null>;

export interface RehearserOptions {
  /** rounds to run (REHEARSAL_ROUNDS) */
  rounds?: number;
  /** runs a round's callback later: in the browser's idle time, else in a task of its own */
  later?: (cb: () => void) => void;
  /** the page wants its CPU (a run streams in): the round waits for the next `later` */
  busy?: () => boolean;
}

const idle = (cb: () => void): void => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => cb());
  else setTimeout(cb, 0);
};

/**
 * A rehearsal for the page's life: the function returned rehearses the first time it is
 * called, in the background. It asks `fetch` (the spare worker) for the stream, then runs
 * the rounds one at a time, each when `later` calls back and the page is not `busy`, so
 * that what the user does meanwhile waits for one round at most. It resolves to the rounds
 * run. A round that throws ends the rehearsal (it only ever warms code up); a fetch that
 * fails lets the next call ask again.
 */
export function createRehearser(
  fetch: RehearsalFetch,
  { rounds = REHEARSAL_ROUNDS, later = idle, busy = () => false }: RehearserOptions = {},
): (scenario: Scenario) => Promise<number> {
  let asked = false;
  // the page calls it on every change of its store once a run is done: no garbage then
  const none = Promise.resolve(0);
  return (scenario) => {
    if (asked) return none;
    asked = true;
    return fetch(scenario).then(
      (r) =>
        new Promise<number>((resolve) => {
          if (!r || r.batches.length === 0) return resolve(0);
          let done = 0;
          const next = (): void => {
            if (busy()) return later(next);
            const start = performance.now();
            try {
              rehearseRound(r.scenario, r.batches);
              performance.measure(REHEARSAL_MEASURE, { start });
            } catch {
              return resolve(done);
            }
            if (++done < rounds) later(next);
            else resolve(done);
          };
          later(next);
        }),
      () => {
        asked = false;
        return 0;
      },
    );
  };
}
