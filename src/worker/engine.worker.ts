/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { Sim, type Scenario } from '../engine';
import {
  BATCH_SIZE,
  checkRunRequest,
  FLUSH_MS,
  SLICE_EVENTS,
  type BatchCallback,
  type EngineWorkerApi,
  type ProgressCallback,
  type RunSummary,
} from './protocol';

/** Lets the worker's event loop turn: messages in, and a sign of life out. */
const turn = (): Promise<void> =>
  new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });

const api: EngineWorkerApi = {
  async run(
    scenario: Scenario,
    seed: number,
    onBatch: BatchCallback,
    onProgress?: ProgressCallback,
  ): Promise<RunSummary> {
    // onBatch is a comlink proxy: each call is a message to the page whose
    // promise settles once the page has taken the batch. The proxy talks on its
    // own port, so wait for every delivery before resolving: the page then
    // holds the whole stream when `run` returns.
    // a request that is not a valid scenario and seed is refused, field by field
    ({ scenario, seed } = checkRunRequest(scenario, seed));
    const deliveries: Promise<unknown>[] = [];
    let count = 0;
    let sent = performance.now();
    /** how long the page took to take the last batch */
    let taken = 0;
    const sim = new Sim(scenario, {
      seed,
      // the engine hands the stream over in batches of BATCH_SIZE, the last one shorter
      batchSize: BATCH_SIZE,
      onBatch: (batch) => {
        count += batch.length;
        const at = performance.now();
        sent = at;
        deliveries.push(
          Promise.resolve(onBatch(batch)).then(() => {
            taken = performance.now() - at;
          }),
        );
      },
      // the page keeps the stream; the worker need not keep a second copy
      retain: false,
    });
    try {
      sim.start();
      // in slices, so that the page hears from the worker even while a long run goes on
      while (sim.advance(SLICE_EVENTS)) {
        if (performance.now() - sent >= Math.max(FLUSH_MS, 2 * taken)) sim.flush();
        if (onProgress) deliveries.push(Promise.resolve(onProgress(sim.time)));
        await turn();
      }
      const result = sim.end();
      await Promise.all(deliveries);
      return { version: result.version, count, metrics: result.metrics };
    } catch (err) {
      // an engine invariant that broke: say what reproduces it
      const what = err instanceof Error ? err.message : String(err);
      throw new Error(
        `the engine stopped at ${sim.time.toFixed(6)} s of scenario "${scenario.name}" with seed ${seed}: ${what}. ` +
          `To reproduce it, save the scenario as JSON and run: npm run sim -- scenario.json --seed ${seed}`,
      );
    }
  },
};

Comlink.expose(api);
