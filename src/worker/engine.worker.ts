/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import type { EngineWorkerApi } from './protocol';
import { createRunner } from './runner';
import { BatchEncoder } from './wire';

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

const runner = createRunner({
  now: () => performance.now(),
  turn,
  rest: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

const api: EngineWorkerApi = {
  prepare: (scenario, seed, until) => runner.prepare(scenario, seed, until),
  speculate: (scenario, seed) => runner.speculate(scenario, seed),
  quiet: () => runner.quiet(),
  rehearsal(scenario) {
    const r = runner.rehearsal(scenario);
    if (!r) return null;
    const encoder = new BatchEncoder();
    const batches = r.batches.map((b) => encoder.encode(b));
    return Comlink.transfer(
      { scenario: r.scenario, batches },
      batches.map((w) => w.lines.buffer),
    );
  },
  run(scenario, seed, onBatch, onProgress, held) {
    // one encoder per run: it learns the run's LUNs from its run-start
    const encoder = new BatchEncoder();
    return runner.run(
      scenario,
      seed,
      (batch, reuse) => {
        const wire = encoder.encode(batch, reuse);
        return onBatch(Comlink.transfer(wire, [wire.lines.buffer]));
      },
      onProgress,
      held,
    );
  },
};

Comlink.expose(api);
