import { useStore } from 'zustand';
import { presets, type Scenario } from '../engine';
import { CancelledError, runInWorker, type RunHandle } from '../worker/client';
import { createSimStore, type SimState, type SimStore } from './simStore';

export { createSimStore } from './simStore';
export type { RunStatus, SimState, SimStore } from './simStore';

export const DEMO_PRESET = 'demo';

function demoScenario(): Scenario {
  const scenario = presets[DEMO_PRESET];
  if (!scenario) throw new Error(`the engine has no "${DEMO_PRESET}" preset`);
  return scenario;
}

/** The page's one store. */
export const simStore: SimStore = createSimStore(demoScenario(), 1, DEMO_PRESET);

export function useSim<T>(selector: (state: SimState) => T): T {
  return useStore(simStore, selector);
}

type Runner = typeof runInWorker;

let current: RunHandle | null = null;

/** Runs the store's scenario in the worker, cancelling any run still going. */
export function startRun(store: SimStore = simStore, runner: Runner = runInWorker): Promise<void> {
  current?.cancel();
  const { scenario, seed, begin, append, finish, fail } = store.getState();
  const runId = begin();
  let handle: RunHandle;
  try {
    handle = runner(scenario, seed, (batch) => append(runId, batch));
  } catch (err) {
    fail(runId, errorMessage(err));
    return Promise.resolve();
  }
  current = handle;
  return handle.done.then(
    () => finish(runId),
    (err: unknown) => {
      if (!(err instanceof CancelledError)) fail(runId, errorMessage(err));
    },
  );
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string' && err) return err;
  return 'unknown error';
}
