/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { simulate, type Scenario } from '../engine';
import { BATCH_SIZE, type BatchCallback, type EngineWorkerApi, type RunSummary } from './protocol';

const api: EngineWorkerApi = {
  async run(scenario: Scenario, seed: number, onBatch: BatchCallback): Promise<RunSummary> {
    // onBatch is a comlink proxy: each call is a message to the page whose
    // promise settles once the page has taken the batch. The proxy talks on its
    // own port, so wait for every delivery before resolving: the page then
    // holds the whole stream when `run` returns.
    const deliveries: Promise<unknown>[] = [];
    let count = 0;
    const result = simulate(scenario, {
      seed,
      // the engine hands the stream over in batches of BATCH_SIZE, the last one shorter
      batchSize: BATCH_SIZE,
      onBatch: (batch) => {
        count += batch.length;
        deliveries.push(Promise.resolve(onBatch(batch)));
      },
      // the page keeps the stream; the worker need not keep a second copy
      retain: false,
    });
    await Promise.all(deliveries);
    return { version: result.version, count, metrics: result.metrics };
  },
};

Comlink.expose(api);
