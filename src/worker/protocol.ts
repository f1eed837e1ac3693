import type { Metrics, Scenario, Transition } from '../engine';

/** Transitions per message from the worker to the page (the last one may hold fewer). */
export const BATCH_SIZE = 500;

/** What `run` resolves to once every batch has reached the page. */
export interface RunSummary {
  version: number;
  count: number;
  metrics: Metrics;
}

export type BatchCallback = (batch: Transition[]) => void;

/** The API that src/worker/engine.worker.ts exposes through comlink. */
export interface EngineWorkerApi {
  run(scenario: Scenario, seed: number, onBatch: BatchCallback): Promise<RunSummary>;
}
