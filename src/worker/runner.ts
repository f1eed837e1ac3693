// What the engine worker does, apart from the worker itself (so that Node's tests run it):
// runs in time slices, partial batches while a run goes on, a run prepared ahead of an
// injection, and the engine warmed up while the page stands paused.
import {
  DEFAULT_WORKLOAD,
  FAULT_KINDS,
  Sim,
  validateScenario,
  type FaultKind,
  type HostSpec,
  type Scenario,
  type Transition,
} from '../engine';
import {
  BATCH_SIZE,
  CHUNK_EVENTS,
  checkRunRequest,
  FLUSH_MS,
  LOOKAHEAD_FLUSH_MS,
  LOOKAHEAD_S,
  SLICE_MS,
  type BatchCallback,
  type RunnerApi,
  type ProgressCallback,
  type Reuse,
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

/** Every fault that fails a step of the ladder, the abort and each reset (not TUR). */
const LADDER_FAILS = FAULT_KINDS.filter((k) => k.endsWith('-fails') && k !== 'tur-fails');

/**
 * The faults the engine is run through to warm it up, one set per round (see `warm`): the
 * inject menu's first entry, the whole ladder failing, and a medium error.
 */
export const WARM_FAULTS: readonly (readonly FaultKind[])[] = [
  ['timeout', 'abort-fails'],
  ['timeout', ...LADDER_FAILS],
  ['medium-error'],
  ['timeout', 'abort-fails', 'lun-reset-fails'],
];
/** Rounds of warm-up a worker runs in its life, at most. */
export const WARM_ROUNDS = 8;
/** Events of one round, at most. */
export const WARM_EVENTS = 100_000;
/** Virtual seconds a round runs past its faults, at most. */
const WARM_SPAN = 30;
/** Events between two looks at the clock during warm-up. */
const WARM_CHUNK = 250;
/**
 * Wall time (ms) the warm-up runs between two turns of the event loop: a run request that
 * comes during it waits this long at most.
 */
const WARM_SLICE_MS = 4;

/** I/O per second of each LUN in a warm-up round on the whole topology, at most. */
export const WARM_WHOLE_RATE = 2;

/**
 * The scenario of warm-up round `round`: the page's hosts (their drivers, scopes and
 * timings, so the code the injection will run) and one of WARM_FAULTS on one of their LUNs.
 * Null when there is no LUN to place it on. In even rounds (and when `whole` is false) the
 * hosts are cut to 2 targets of 2 LUNs on one channel; in odd ones they keep every LUN, each
 * offering at most WARM_WHOLE_RATE I/O per second: a block then goes through all the LUNs
 * an injection's does (on 256 LUNs, a browser worker warmed on cut hosts only took 18-33 ms
 * to an injection's block, 10-13 ms warm; warmed on both, 13-19).
 */
export function warmScenario(
  sc: Scenario,
  round: number,
  whole = round % 2 === 1,
): Scenario | null {
  const hosts = sc.hosts.map((spec) => {
    const cut: HostSpec = whole
      ? {
          ...spec,
          workload: {
            ...spec.workload,
            rate: Math.min(spec.workload?.rate ?? DEFAULT_WORKLOAD.rate, WARM_WHOLE_RATE),
          },
        }
      : {
          ...spec,
          channels: 1,
          targets: Math.min(spec.targets, 2),
          lunsPerTarget: Math.min(spec.lunsPerTarget, 2),
        };
    // they name LUNs that may not be there any more
    delete cut.overrides;
    return cut;
  });
  const h = hosts.findIndex((x, i) => i >= round % hosts.length && x.targets * x.lunsPerTarget > 0);
  const host = hosts[h];
  if (!host) return null;
  const lun = `${h}:0:${round % host.targets}:${(round >> 1) % host.lunsPerTarget}`;
  const at = 3;
  const kinds = WARM_FAULTS[round % WARM_FAULTS.length]!;
  return {
    ...sc,
    name: 'warm-up',
    duration: at + WARM_SPAN,
    hosts,
    faults: kinds.map((kind) => ({ lun, kind, at })),
  };
}

/**
 * What the page rehearses an injection on (store/rehearse.ts): the page's hosts cut down as
 * for the warm-up, with the whole ladder failing on one LUN at 3 s; null when there is no
 * LUN to place it on.
 */
export function rehearsalScenario(sc: Scenario): Scenario | null {
  return warmScenario(sc, 1, false);
}

/**
 * How long (ms) after the last batch the worker sends what it has, short of BATCH_SIZE:
 * FLUSH_MS, LOOKAHEAD_FLUSH_MS within the look-ahead, or twice as long as the page took to
 * take the last batch (`taken`), whichever is longer.
 */
export function partialWait(ahead: boolean, taken: number): number {
  return Math.max(ahead ? LOOKAHEAD_FLUSH_MS : FLUSH_MS, 2 * taken);
}

export function createRunner(host: RunnerHost): RunnerApi & {
  /** rounds of warm-up run so far */
  warmed(): number;
} {
  let prepared: Prepared | null = null;
  /** bumped by each request: a warm-up under way stops at its next turn */
  let generation = 0;
  let warmed = 0;

  /**
   * Runs the engine, in the background and in short slices, through small runs with faults
   * (warmScenario), their streams dropped, until WARM_ROUNDS are done: V8 optimises the
   * engine's code only once it has run hot, and the page's first run (a playground without
   * error handling for most of it) leaves much of the ladder cold. On 16 LUNs, the first
   * 10 virtual s after an injection took the engine 35 ms cold and 2-4 ms warm (Node, the
   * same V8). Any request stops it; the next preparation goes on with it.
   */
  const warm = async (sc: Scenario): Promise<void> => {
    const gen = generation;
    // after the preparation's answer has gone out, and any request that came meanwhile
    await host.turn();
    while (warmed < WARM_ROUNDS && gen === generation) {
      try {
        const spec = warmScenario(sc, warmed);
        if (!spec) return;
        const sim = new Sim(validateScenario(spec), {
          seed: warmed + 1,
          batchSize: BATCH_SIZE,
          onBatch: () => {},
          retain: false,
        });
        sim.start();
        let turned = host.now();
        let left = WARM_EVENTS;
        while (left > 0 && sim.advance(WARM_CHUNK)) {
          left -= WARM_CHUNK;
          if (host.now() - turned >= WARM_SLICE_MS) {
            await host.turn();
            if (gen !== generation) return;
            turned = host.now();
          }
        }
        sim.end();
      } catch {
        // a warm-up that fails is given up: the run that follows reports its own failures
        warmed = WARM_ROUNDS;
        return;
      }
      warmed++;
    }
  };

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
      generation++;
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
      if (p.dropped) return false;
      void warm(scenario);
      return true;
    },

    warmed: () => warmed,

    rehearsal(scenario: Scenario) {
      const found = rehearsalScenario(validateScenario(scenario));
      if (!found) return null;
      const spec = validateScenario(found);
      const batches: Transition[][] = [];
      new Sim(spec, {
        seed: 1,
        batchSize: BATCH_SIZE,
        onBatch: (b) => batches.push(b),
        retain: false,
      }).run();
      return { scenario: spec, batches };
    },

    quiet() {
      generation++;
      if (prepared) prepared.dropped = true;
      prepared = null;
    },

    async run(
      scenario: Scenario,
      seed: number,
      onBatch: BatchCallback,
      onProgress?: ProgressCallback,
      held = 0,
    ): Promise<RunSummary> {
      // onBatch may be a comlink proxy: each call is a message to the page whose promise
      // settles once the page has taken the batch. Wait for every delivery before
      // resolving: the page then holds the whole stream when `run` returns.
      generation++;
      // a request that is not a valid scenario and seed is refused, field by field
      ({ scenario, seed } = checkRunRequest(scenario, seed));
      const deliveries: Promise<unknown>[] = [];
      /** how far `sim.pending` was looked through for a block (blocks) */
      let looked = 0;
      let lookedIn: readonly Transition[] | null = null;
      let count = 0;
      let sent = host.now();
      /** how long the page took to take the last batch */
      let taken = 0;
      /** the stream's start the page is to take from what it holds: told once */
      let reuse: Reuse | null = null;
      const deliver = (batch: Transition[]): void => {
        count += batch.length;
        const at = host.now();
        sent = at;
        const r = reuse;
        reuse = null;
        deliveries.push(
          Promise.resolve(r ? onBatch(batch, r) : onBatch(batch)).then(() => {
            taken = host.now() - at;
          }),
        );
      };

      /**
       * Whether the transitions the engine gathered since the last look change a LUN's or a
       * host's state: an injection's block, what the page shows first after it. The first
       * one in the look-ahead goes out at once rather than at BATCH_SIZE or FLUSH_MS (only
       * the first: a storm changes states in every chunk of events).
       */
      const blocks = (pending: readonly Transition[]): boolean => {
        if (pending !== lookedIn) {
          lookedIn = pending;
          looked = 0;
        }
        for (; looked < pending.length; looked++) {
          const type = pending[looked]!.type;
          if (type === 'device' || type === 'host') return true;
        }
        return false;
      };

      let sim: Sim | null = null;
      const p = prepared;
      prepared = null;
      if (p && !p.dropped && p.seed === seed) {
        await p.ready;
        if (!p.dropped && p.sim.extend(scenario)) {
          sim = p.sim;
          // the stream up to the cursor: what the page holds it takes from there, the rest
          // goes at once; then what follows as it comes
          sim.flush();
          const prefix = p.held.reduce((n, b) => n + b.length, 0);
          const holds = typeof held === 'number' && Number.isInteger(held) ? held : 0;
          const start = p.held[0]?.[0];
          if (start?.type === 'run-start' && prefix <= holds) {
            // told at once: the page takes that part in while the engine goes on
            reuse = { count: prefix, start };
            count += prefix;
            deliver([]);
          } else for (const batch of p.held) deliver(batch);
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
        let blockSent = false;
        // in slices of wall time, so that the page hears from the worker while a long run
        // goes on, and gets what there is every FLUSH_MS or so
        while (sim.advance(CHUNK_EVENTS)) {
          const now = host.now();
          if (ahead && sim.time >= from + LOOKAHEAD_S) {
            ahead = false;
            sim.flush();
          } else if (ahead && !blockSent && blocks(sim.pending)) {
            blockSent = true;
            sim.flush();
          } else if (now - sent >= partialWait(ahead, taken)) sim.flush();
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
