// What the engine worker does, apart from the worker itself (so that Node's tests run it):
// runs in time slices, partial batches while a run goes on, and a run prepared ahead of an
// injection.
import { Sim, type Scenario, type Transition } from '../engine';
import {
  BATCH_SIZE,
  CHUNK_EVENTS,
  checkRunRequest,
  FLUSH_MS,
  LOOKAHEAD_S,
  SLICE_MS,
  type BatchCallback,
  type EngineWorkerApi,
  type ProgressCallback,
  type RunSummary,
} from './protocol';

export interface RunnerHost {
  /** wall-clock milliseconds */
  now(): number;
  /** lets the event loop turn: messages in (a run request during a preparation) */
  turn(): Promise<void>;
}

/**
 * A run started ahead of time on the page's scenario and stopped just before the cursor,
 * its stream held: an injection at the cursor differs from that scenario only by faults
 * from the cursor on, so its run is this one extended (`Sim.extend`), and the part before
 * the cursor, the same in both, is not simulated again.
 */
interface Prepared {
  sim: Sim;
  seed: number;
  /** the stream so far, in the batches the engine handed over */
  held: Transition[][];
  /** where the engine's batches go: `held` until a run takes the preparation over */
  sink: (batch: Transition[]) => void;
  /** settles once the run has reached the cursor, or was dropped */
  ready: Promise<void>;
  dropped: boolean;
}

export function createRunner(host: RunnerHost): EngineWorkerApi {
  let prepared: Prepared | null = null;

  const newSim = (scenario: Scenario, seed: number, sink: () => BatchCallback): Sim =>
    new Sim(scenario, {
      seed,
      // the engine hands the stream over in batches of BATCH_SIZE, the last one shorter
      batchSize: BATCH_SIZE,
      onBatch: (batch) => sink()(batch),
      // the page keeps the stream; the worker need not keep a second copy
      retain: false,
    });

  return {
    async prepare(scenario: Scenario, seed: number, until: number): Promise<boolean> {
      ({ scenario, seed } = checkRunRequest(scenario, seed));
      if (typeof until !== 'number' || !(until >= 0)) return false;
      if (prepared) prepared.dropped = true;
      const held: Transition[][] = [];
      const p: Prepared = {
        sim: newSim(scenario, seed, () => p.sink),
        seed,
        held,
        sink: (batch) => held.push(batch),
        ready: Promise.resolve(),
        dropped: false,
      };
      prepared = p;
      p.ready = (async () => {
        p.sim.start();
        let turned = host.now();
        while (!p.dropped && p.sim.advanceBefore(until, CHUNK_EVENTS)) {
          if (host.now() - turned >= SLICE_MS) {
            await host.turn();
            turned = host.now();
          }
        }
      })().catch(() => {
        // an engine that fails here fails again in the run, which says so
        p.dropped = true;
      });
      await p.ready;
      return !p.dropped;
    },

    async run(
      scenario: Scenario,
      seed: number,
      onBatch: BatchCallback,
      onProgress?: ProgressCallback,
    ): Promise<RunSummary> {
      // onBatch may be a comlink proxy: each call is a message to the page whose promise
      // settles once the page has taken the batch. Wait for every delivery before
      // resolving: the page then holds the whole stream when `run` returns.
      // a request that is not a valid scenario and seed is refused, field by field
      ({ scenario, seed } = checkRunRequest(scenario, seed));
      const deliveries: Promise<unknown>[] = [];
      let count = 0;
      let sent = host.now();
      /** how long the page took to take the last batch */
      let taken = 0;
      const deliver = (batch: Transition[]): void => {
        count += batch.length;
        const at = host.now();
        sent = at;
        deliveries.push(
          Promise.resolve(onBatch(batch)).then(() => {
            taken = host.now() - at;
          }),
        );
      };

      let sim: Sim | null = null;
      const p = prepared;
      prepared = null;
      if (p && !p.dropped && p.seed === seed) {
        await p.ready;
        if (!p.dropped && p.sim.extend(scenario)) {
          sim = p.sim;
          // the stream up to the cursor, at once; the rest as it comes
          sim.flush();
          for (const batch of p.held) deliver(batch);
          p.held.length = 0;
          p.sink = deliver;
        }
      }
      if (p && sim === null) p.dropped = true;
      const started = sim !== null;
      const from = started ? sim!.time : 0;
      sim ??= newSim(scenario, seed, () => deliver);
      try {
        if (!started) sim.start();
        let turned = host.now();
        /** the first LOOKAHEAD_S of the run goes out as soon as the engine has it */
        let ahead = true;
        // in slices of wall time, so that the page hears from the worker while a long run
        // goes on, and gets what there is every FLUSH_MS or so
        while (sim.advance(CHUNK_EVENTS)) {
          const now = host.now();
          if (ahead && sim.time >= from + LOOKAHEAD_S) {
            ahead = false;
            sim.flush();
          } else if (now - sent >= Math.max(FLUSH_MS, 2 * taken)) sim.flush();
          if (now - turned >= SLICE_MS) {
            if (onProgress) deliveries.push(Promise.resolve(onProgress(sim.time)));
            await host.turn();
            turned = host.now();
          }
        }
        const result = sim.end();
        await Promise.all(deliveries);
        return { version: result.version, count, metrics: result.metrics, from };
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
}
