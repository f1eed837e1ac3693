import { useStore } from 'zustand';
import { atResolution, presets, type FaultKind, type NodeId, type Scenario } from '../engine';
import {
  CancelledError,
  prepareSpare,
  quietSpare,
  speculateSpare,
  spareRehearsal,
  runInWorker,
  type RunHandle,
} from '../worker/client';
import { lunCount } from './limits';
import { createRehearser } from './rehearse';
import {
  createSimStore,
  withInjection,
  type InjectOptions,
  type SimState,
  type SimStore,
} from './simStore';

export { createSimStore, MIN_SPEED, MAX_SPEED, withInjection } from './simStore';
export type { InjectOptions, RunStatus, SimState, SimStore } from './simStore';

export const DEFAULT_PRESET = 'playground';

function defaultScenario(): Scenario {
  const scenario = presets[DEFAULT_PRESET];
  if (!scenario) throw new Error(`the engine has no "${DEFAULT_PRESET}" preset`);
  return scenario;
}

/** The page's one store. */
export const simStore: SimStore = createSimStore(defaultScenario(), 1, DEFAULT_PRESET);

export function useSim<T>(selector: (state: SimState) => T): T {
  return useStore(simStore, selector);
}

type Runner = typeof runInWorker;

let current: RunHandle | null = null;

/** Runs the store's scenario in the worker, cancelling any run still going. */
export function startRun(store: SimStore = simStore, runner: Runner = runInWorker): Promise<void> {
  current?.cancel();
  const { scenario, seed, begin, append, finish, fail, held } = store.getState();
  // what of the run before the worker need not send again (an injection's run goes on from it)
  const before = held();
  const runId = begin();
  let handle: RunHandle;
  try {
    handle = runner(
      scenario,
      seed,
      (batch, reuse) => append(runId, batch, reuse),
      before ?? undefined,
    );
  } catch (err) {
    fail(runId, errorMessage(err));
    return Promise.resolve();
  }
  current = handle;
  return handle.done.then(
    (summary) => finish(runId, summary.from),
    (err: unknown) => {
      if (!(err instanceof CancelledError)) fail(runId, errorMessage(err));
    },
  );
}

/** Places the faults on `lun` at the cursor and runs the result; the cursor stays. */
export function injectAndRun(
  lun: NodeId,
  kinds: readonly FaultKind[],
  options: InjectOptions = {},
  store: SimStore = simStore,
  runner: Runner = runInWorker,
): Promise<void> {
  for (const kind of kinds) store.getState().inject(lun, kind, options);
  return startRun(store, runner);
}

/**
 * The page's rehearsal of an injection (store/rehearse.ts): once, in idle time, and not
 * while a run streams in.
 */
const rehearseOnce = createRehearser(spareRehearsal, {
  busy: () => simStore.getState().status === 'running',
});

/**
 * Once a run of the engine is done, the page rehearses an injection (`rehearse`, which does
 * so once in the page's life). Returns the unsubscribe.
 */
export function rehearseAtRest(
  store: SimStore = simStore,
  rehearse: (sc: Scenario) => void = (sc) => void rehearseOnce(sc),
): () => void {
  const look = (s: SimState): void => {
    if (s.status === 'done' && s.source === 'engine') rehearse(s.scenario);
  };
  look(store.getState());
  return store.subscribe(look);
}

/**
 * LUN-seconds up to the cursor that the spare worker runs ahead of an injection: at most
 * about a second of the engine in the background, and the stream it holds (16 LUNs up to
 * 20 min, 1024 LUNs up to 19 s).
 */
export const PREPARE_LUN_SECONDS = 20_000;
/** Whether the spare worker runs the page's run up to its cursor (`prepareAtCursor`). */
function preparable(s: SimState): boolean {
  return (
    s.status === 'done' &&
    !s.playing &&
    s.source === 'engine' &&
    lunCount(s.scenario) * atResolution(s.cursor) <= PREPARE_LUN_SECONDS
  );
}

/**
 * The user is about to choose `kinds` on `lun` (the inject menu's entry that has the focus
 * or the pointer): where the spare has prepared the cursor, it runs that injection ahead to
 * its block (`speculate`), so that the click's run sends it at once. The scenario is the one
 * `injectAndRun` would run. False when the cursor is not prepared (nothing asked).
 */
export function considerInjection(
  lun: NodeId,
  kinds: readonly FaultKind[],
  options: InjectOptions = {},
  store: SimStore = simStore,
  speculate: typeof speculateSpare = speculateSpare,
): boolean {
  const s = store.getState();
  if (!preparable(s) || kinds.length === 0) return false;
  let next = s.scenario;
  for (const kind of kinds) next = withInjection(next, s.cursor, lun, kind, options);
  expected.set(store, { runId: s.runId, at: atResolution(s.cursor), scenario: next, seed: s.seed });
  speculate(next, s.seed);
  return true;
}

/**
 * The injection each store's page last expected (considerInjection), at the cursor of a
 * run: a preparation sent after it (the page paused for the menu less than PREPARE_AFTER_MS
 * before) is followed by it.
 */
const expected = new WeakMap<
  SimStore,
  { runId: number; at: number; scenario: Scenario; seed: number }
>();

/** how long the page stands still before the spare runs up to the cursor (ms) */
const PREPARE_AFTER_MS = 80;

/**
 * While the page stands paused on a run of the engine, has the spare worker run the
 * scenario up to the cursor: an injection there (always at the cursor) then goes on from
 * it, instead of simulating again the part before it. When the page plays after that, the
 * spare drops the preparation and stops warming its engine up (`quiet`). Returns the
 * unsubscribe.
 */
export function prepareAtCursor(
  store: SimStore = simStore,
  prepare: typeof prepareSpare = prepareSpare,
  quiet: typeof quietSpare = quietSpare,
  speculate: typeof speculateSpare = speculateSpare,
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = '';
  /** a preparation went to the spare, and the page has not played since */
  let sent = false;
  const unsubscribe = store.subscribe((s) => {
    const at = atResolution(s.cursor);
    const wanted = preparable(s);
    const key = wanted ? `${s.runId}@${at}` : '';
    if (key === asked) return;
    asked = key;
    clearTimeout(timer);
    // playing moves the cursor away from it: the spare stops its work in the background
    if (sent && s.playing) {
      sent = false;
      quiet();
    }
    if (wanted)
      timer = setTimeout(() => {
        sent = true;
        prepare(s.scenario, s.seed, at);
        const e = expected.get(store);
        if (e && e.runId === s.runId && e.at === at) speculate(e.scenario, e.seed);
      }, PREPARE_AFTER_MS);
  });
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}

/** Loads a scenario (a preset or an edited one) and runs it from the start. */
export function loadScenario(
  scenario: Scenario,
  name?: string,
  store: SimStore = simStore,
  runner: Runner = runInWorker,
): Promise<void> {
  store.getState().setScenario(scenario, name);
  return startRun(store, runner);
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string' && err) return err;
  return 'unknown error';
}
