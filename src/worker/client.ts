import * as Comlink from 'comlink';
import type { Scenario, Transition } from '../engine';
import type { EngineWorkerApi, RunSummary } from './protocol';

export type { RunSummary } from './protocol';

export interface RunHandle {
  /** Settles when the run ends; rejects with a readable Error if the worker fails. */
  done: Promise<RunSummary>;
  /** Stops the worker; `done` then rejects with a CancelledError. */
  cancel(): void;
}

export class CancelledError extends Error {
  constructor() {
    super('run cancelled');
    this.name = 'CancelledError';
  }
}

function describeWorkerError(event: Event): string {
  if (event instanceof ErrorEvent && event.message) {
    const where = event.filename ? ` (${event.filename}:${event.lineno})` : '';
    return `engine worker error: ${event.message}${where}`;
  }
  return 'the engine worker failed to load or crashed';
}

/**
 * Runs a scenario in a fresh Web Worker. Batches of transitions reach
 * `onBatch` in stream order; the worker is closed when the run ends.
 */
export function runInWorker(
  scenario: Scenario,
  seed: number,
  onBatch: (batch: Transition[]) => void,
): RunHandle {
  const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'engine',
  });
  const api = Comlink.wrap<EngineWorkerApi>(worker);
  let settled = false;
  let rejectRun: (reason: Error) => void = () => {};

  const failed = new Promise<never>((_, reject) => {
    rejectRun = reject;
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(new Error(describeWorkerError(event)));
    });
    worker.addEventListener('messageerror', () => {
      reject(new Error('engine worker sent a message that could not be read'));
    });
  });

  const done = Promise.race([api.run(scenario, seed, Comlink.proxy(onBatch)), failed]).finally(
    () => {
      settled = true;
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  );

  return {
    done,
    cancel() {
      if (!settled) rejectRun(new CancelledError());
    },
  };
}
