import { createStore } from 'zustand/vanilla';
import type { Scenario, Transition } from '../engine';

export type RunStatus = 'idle' | 'running' | 'done' | 'error';

export interface SimState {
  /** The preset the scenario came from */
  presetName: string;
  scenario: Scenario;
  seed: number;
  /** Transitions received so far, in stream order. */
  transitions: Transition[];
  status: RunStatus;
  /** Set when status is 'error'. */
  error: string | null;
  /** Counts runs, so that batches of an abandoned run are dropped. */
  runId: number;

  setScenario(scenario: Scenario, presetName?: string): void;
  /** Clears the stream and marks a new run as running; returns its id. */
  begin(): number;
  append(runId: number, batch: readonly Transition[]): void;
  finish(runId: number): void;
  fail(runId: number, message: string): void;
}

export type SimStore = ReturnType<typeof createSimStore>;

export function createSimStore(scenario: Scenario, seed = 1, presetName = '') {
  return createStore<SimState>()((set, get) => ({
    presetName,
    scenario,
    seed,
    transitions: [],
    status: 'idle',
    error: null,
    runId: 0,

    setScenario(next, name) {
      set({
        scenario: next,
        presetName: name ?? get().presetName,
        transitions: [],
        status: 'idle',
        error: null,
        runId: get().runId + 1,
      });
    },
    begin() {
      const runId = get().runId + 1;
      set({ runId, transitions: [], status: 'running', error: null });
      return runId;
    },
    append(runId, batch) {
      const state = get();
      if (runId !== state.runId || state.status !== 'running' || batch.length === 0) return;
      set({ transitions: state.transitions.concat(batch) });
    },
    finish(runId) {
      const state = get();
      if (runId !== state.runId || state.status !== 'running') return;
      set({ status: 'done' });
    },
    fail(runId, message) {
      const state = get();
      if (runId !== state.runId || state.status !== 'running') return;
      set({ status: 'error', error: message });
    },
  }));
}
