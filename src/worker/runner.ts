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
  BLOCK_REST_MS,
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
  /** waits `ms` of wall time, the engine idle (absent: a turn of the event loop) */
  rest?(ms: number): Promise<void>;
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
  /** what it was prepared on: a speculation takes it, and it is prepared again from these */
  base: Scenario;
  until: number;
}

/**
 * A preparation extended ahead of the click by the injection the page expects (the inject
 * menu's entry that has the focus or the pointer: `speculate`) and run on to the first
 * change of a LUN's or a host's state, or through the look-ahead, its stream held: a run
 * of exactly that scenario sends all of it at once and goes on from there.
 */
interface Speculation {
  p: Prepared;
  /** the scenario it was extended to, as JSON */
  key: string;
  /** how many of `p.held`'s batches, and how many transitions, come before the cursor */
  batches: number;
  prefix: number;
  /** the engine's virtual time when it was extended: where the run goes on from */
  from: number;
  /** it stopped at a change of state, which is in `p.held` */
  blocked: boolean;
  /** settles once it has stopped, or was dropped */
  ready: Promise<void>;
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

/**
 * Wall time (ms) a speculation, and the preparation made again behind it, run between two
 * turns of the event loop: they run while the inject menu stands open, and a click may
 * come at any moment.
 */
const SPECULATION_SLICE_MS = 4;

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

/** A change of a LUN's or a host's state: an injection's block, what the page shows first. */
const changesState = (tr: Transition): boolean => tr.type === 'device' || tr.type === 'host';

/**
 * Looks through `sim.pending` as it grows (each call goes on where the last one stopped) for
 * a change of a LUN's or a host's state (`changesState`).
 */
function blockWatch(): (pending: readonly Transition[]) => boolean {
  let looked = 0;
  let lookedIn: readonly Transition[] | null = null;
  return (pending) => {
    if (pending !== lookedIn) {
      lookedIn = pending;
      looked = 0;
    }
    for (; looked < pending.length; looked++) if (changesState(pending[looked]!)) return true;
    return false;
  };
}

export function createRunner(host: RunnerHost): RunnerApi & {
  /** rounds of warm-up run so far */
  warmed(): number;
} {
  let prepared: Prepared | null = null;
  let speculation: Speculation | null = null;
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

  const dropSpeculation = (): void => {
    if (speculation) speculation.p.dropped = true;
    speculation = null;
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

  /**
   * Starts running `scenario` in slices of `slice` ms, up to just before `until`, as the
   * preparation (the one before it is dropped).
   */
  const startPreparation = (
    scenario: Scenario,
    seed: number,
    until: number,
    slice: number,
  ): Prepared => {
    if (prepared) prepared.dropped = true;
    const held: Transition[][] = [];
    const p: Prepared = {
      sim: newSim(scenario, seed, () => p.sink),
      seed,
      held,
      sink: (batch) => held.push(batch),
      ready: Promise.resolve(),
      dropped: false,
      base: scenario,
      until,
    };
    prepared = p;
    p.ready = (async () => {
      p.sim.start();
      let turned = host.now();
      while (!p.dropped && p.sim.advanceBefore(until, CHUNK_EVENTS)) {
        if (host.now() - turned >= slice) {
          await host.turn();
          turned = host.now();
        }
      }
    })().catch(() => {
      // an engine that fails here fails again in the run, which says so
      p.dropped = true;
    });
    return p;
  };

  return {
    async prepare(scenario: Scenario, seed: number, until: number): Promise<boolean> {
      generation++;
      ({ scenario, seed } = checkRunRequest(scenario, seed));
      if (typeof until !== 'number' || !(until >= 0)) return false;
      dropSpeculation();
      const p = startPreparation(scenario, seed, until, SLICE_MS);
      await p.ready;
      if (p.dropped) return false;
      void warm(scenario);
      return true;
    },

    async speculate(scenario: Scenario, seed: number): Promise<boolean> {
      ({ scenario, seed } = checkRunRequest(scenario, seed));
      const key = JSON.stringify(scenario);
      const had = speculation;
      if (had && !had.p.dropped && had.key === key && had.p.seed === seed) {
        await had.ready;
        return !had.p.dropped;
      }
      const gen = ++generation;
      dropSpeculation();
      const p = prepared;
      if (!p || p.dropped || p.seed !== seed) return false;
      await p.ready;
      // a later request (a run, a preparation, another speculation) has taken its place
      if (gen !== generation || p.dropped || prepared !== p) return false;
      // not an injection at the cursor of this preparation: it stays as it was
      if (!p.sim.extend(scenario)) return false;
      prepared = null;
      p.sim.flush();
      const s: Speculation = {
        p,
        key,
        batches: p.held.length,
        prefix: p.held.reduce((n, b) => n + b.length, 0),
        from: p.sim.time,
        blocked: false,
        ready: Promise.resolve(),
      };
      speculation = s;
      const blocks = blockWatch();
      s.ready = (async () => {
        let turned = host.now();
        while (!p.dropped && p.sim.time < s.from + LOOKAHEAD_S && p.sim.advance(CHUNK_EVENTS)) {
          if (blocks(p.sim.pending)) {
            s.blocked = true;
            break;
          }
          if (host.now() - turned >= SPECULATION_SLICE_MS) {
            await host.turn();
            turned = host.now();
          }
        }
        p.sim.flush();
      })().catch(() => {
        // an engine that fails here fails again in the run, which says so
        p.dropped = true;
      });
      await s.ready;
      if (p.dropped) return false;
      // the page may yet choose another injection: the cursor is prepared again behind it
      if (gen === generation) {
        const again = startPreparation(p.base, seed, p.until, SPECULATION_SLICE_MS);
        void again.ready.then(() => {
          if (!again.dropped && gen === generation) void warm(p.base);
        });
      }
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
      dropSpeculation();
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
      let count = 0;
      let sent = host.now();
      /** how long the page took to take the last batch */
      let taken = 0;
      /** the stream's start the page is to take from what it holds: told once */
      let reuse: Reuse | null = null;
      /** virtual time the run goes on from (0: the start) */
      let from = 0;
      /**
       * The page has been sent the look-ahead's first change of a LUN's or a host's state
       * (an injection's block): the engine rests before it goes on (BLOCK_REST_MS).
       */
      let restDue = false;
      let rested = false;
      const deliver = (batch: Transition[]): void => {
        if (!rested)
          for (const tr of batch)
            if (changesState(tr) && tr.t >= from && tr.t < from + LOOKAHEAD_S) {
              rested = restDue = true;
              break;
            }
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
       * The first change of a LUN's or a host's state in the look-ahead (an injection's
       * block, what the page shows first after it) goes out at once rather than at
       * BATCH_SIZE or FLUSH_MS (only the first: a storm changes states in every chunk of
       * events).
       */
      const blocks = blockWatch();
      const holds = typeof held === 'number' && Number.isInteger(held) ? held : 0;
      /**
       * Hands over a run that went on from a preparation: `before`, its stream up to the
       * cursor (`prefix` transitions), the page takes from what it holds when it holds that
       * much, told at once; `after`, what the engine has gathered since, goes at once.
       */
      const handOver = (before: Transition[][], prefix: number, after: Transition[]): void => {
        const start = before[0]?.[0];
        if (start?.type === 'run-start' && prefix <= holds) {
          // told at once: the page takes that part in while the engine goes on
          reuse = { count: prefix, start };
          count += prefix;
          deliver(after);
        } else {
          for (const batch of before) deliver(batch);
          if (after.length > 0) deliver(after);
        }
      };

      let sim: Sim | null = null;
      let blockSent = false;
      const s = speculation;
      speculation = null;
      if (s && !s.p.dropped && s.p.seed === seed && s.key === JSON.stringify(scenario)) {
        await s.ready;
        if (!s.p.dropped) {
          // the preparation made again behind it is not wanted
          if (prepared) prepared.dropped = true;
          prepared = null;
          sim = s.p.sim;
          from = s.from;
          blockSent = s.blocked;
          handOver(s.p.held.slice(0, s.batches), s.prefix, s.p.held.slice(s.batches).flat());
          s.p.held.length = 0;
          s.p.sink = deliver;
        }
      } else if (s) s.p.dropped = true;
      const p = sim === null ? prepared : null;
      if (p) prepared = null;
      if (p && !p.dropped && p.seed === seed) {
        await p.ready;
        if (!p.dropped && p.sim.extend(scenario)) {
          sim = p.sim;
          from = sim.time;
          // the stream up to the cursor: what the page holds it takes from there; then
          // what follows as it comes
          sim.flush();
          handOver(
            p.held,
            p.held.reduce((n, b) => n + b.length, 0),
            [],
          );
          p.held.length = 0;
          p.sink = deliver;
        }
      }
      if (p && sim !== p.sim) p.dropped = true;
      const started = sim !== null;
      sim ??= newSim(scenario, seed, () => deliver);
      try {
        if (!started) sim.start();
        let turned = host.now();
        /** the first LOOKAHEAD_S of the run goes out as soon as the engine has it */
        let ahead = true;
        // in slices of wall time, so that the page hears from the worker while a long run
        // goes on, and gets what there is every FLUSH_MS or so
        for (;;) {
          if (restDue) {
            // the page has the block: its frame gets the CPU the engine would share
            restDue = false;
            await (host.rest ? host.rest(BLOCK_REST_MS) : host.turn());
            turned = host.now();
          }
          if (!sim.advance(CHUNK_EVENTS)) break;
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
