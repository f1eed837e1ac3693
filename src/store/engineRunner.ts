// For the store's tests in Node: the engine run in-process, batch by batch, as the worker does.
import { simulate, type Scenario, type Transition } from '../engine';
import type { RunHandle } from '../worker/client';

export const engineRunner = (
  sc: Scenario,
  seed: number,
  onBatch: (b: Transition[]) => void,
): RunHandle => {
  const r = simulate(sc, { seed, batchSize: 500, onBatch: (b) => onBatch([...b]), retain: false });
  return {
    done: Promise.resolve({ version: r.version, count: 0, metrics: r.metrics, from: 0 }),
    cancel() {},
  };
};
