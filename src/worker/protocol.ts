import {
  ScenarioError,
  shown,
  validateScenario,
  type Metrics,
  type RunStart,
  type Scenario,
  type Transition,
} from '../engine';
import type { WireBatch } from './wire';

/** Transitions per message from the worker to the page (the last one may hold fewer). */
export const BATCH_SIZE = 500;

/** What `run` resolves to once every batch has reached the page. */
export interface RunSummary {
  version: number;
  /** transitions in the run's stream, those reused included */
  count: number;
  metrics: Metrics;
  /** virtual time the engine ran from: 0, or the cursor of a preparation it went on from */
  from: number;
}

/**
 * On the first batch of a run that goes on from a preparation: the stream begins with
 * `count` transitions of the run the page holds (the run the preparation is of), which are
 * not sent again; the batch follows them. `start` is their run-start (the LUNs a batch's
 * io lines are packed against, wire.ts).
 */
export interface Reuse {
  count: number;
  start: RunStart;
}

/** A batch of the stream, in order. */
export type BatchCallback = (batch: Transition[], reuse?: Reuse) => void;
/** Virtual time the run has reached; called between slices, so also a sign of life. */
export type ProgressCallback = (t: number) => void;

/** Events the worker's engine handles between two looks at the clock. */
export const CHUNK_EVENTS = 1000;

/** Wall time (ms) the worker's engine runs between two turns of its event loop. */
export const SLICE_MS = 25;

/**
 * Between chunks, the worker sends what it has (short of BATCH_SIZE) once this long has gone
 * by since the last batch, or twice as long as the page took to take that batch, whichever
 * is longer: a short run (an injection on 16 LUNs) reaches the page in tens of ms rather
 * than after BATCH_SIZE transitions, and a page busy with large batches gets larger ones.
 */
export const FLUSH_MS = 30;

/**
 * FLUSH_MS within the look-ahead (LOOKAHEAD_S). An injection's first change of state goes
 * out the moment the engine has it (on 256 LUNs, 20-35 ms after the request in a browser
 * worker); a partial batch at 30 ms came before it in 2 of 5 runs, and in one of them cost
 * the page a frame of its own (the overlay 178 ms after the click, against 51-81 in the
 * other runs). A page playing slowly gets its first batch that much later.
 */
export const LOOKAHEAD_FLUSH_MS = 60;

/**
 * Virtual seconds past where a run starts (0, or the cursor of the preparation it goes on
 * from) that the worker sends the moment it has them, without waiting for FLUSH_MS: what
 * the page plays first (an injection's recovery on 16 LUNs is there within a few ms of the
 * engine) comes in one batch, not in the first 30 ms' worth and then the rest 30 ms later.
 * The first change of a LUN's or a host's state in it goes the moment the engine has it:
 * after an injection on 256 LUNs, the host's block 4.5 s on came in a batch cut at
 * BATCH_SIZE, 2 s further on.
 */
export const LOOKAHEAD_S = 10;

/**
 * Wall time (ms) the worker's engine stands idle once the first change of a LUN's or a
 * host's state in the look-ahead has gone to the page (an injection's block): the page
 * takes it in and draws it meanwhile, on a CPU the engine would otherwise share. On 2
 * shared cores, 8 injections each at 1000x, the block was painted this long after the click
 * (median): 256 LUNs, 112 ms when the engine went straight on, 83 when it stood 50 ms, 62
 * when it stood 80; 16 LUNs, 62, 48 and 42. The rest of the stream comes that much later.
 */
export const BLOCK_REST_MS = 80;

/** The page gives up on a worker it has not heard from for this long (ms). */
export const STALL_MS = 10_000;

/** What the engine worker's runner does (runner.ts): batches as the engine hands them over. */
export interface RunnerApi {
  /**
   * Runs `scenario` up to just before `until` and holds it there: a `run` of the same
   * scenario with faults from `until` on then goes on from it (see runner.ts). Resolves
   * true once there, false when another preparation or a run took its place.
   */
  prepare(scenario: Scenario, seed: number, until: number): Promise<boolean>;
  /**
   * The page expects an injection at the cursor, `scenario` (the inject menu's entry that has
   * the focus or the pointer): the preparation is extended by it and run on to the first
   * change of a LUN's or a host's state, or through LOOKAHEAD_S, holding its stream; a `run`
   * of exactly that scenario and seed then sends all of it at once and goes on from there.
   * The cursor is prepared again behind it, for another choice. Resolves true once it has
   * stopped there, false when there is no preparation it extends or a request took its
   * place.
   */
  speculate(scenario: Scenario, seed: number): Promise<boolean>;
  /**
   * The page plays: its cursor moves away from the preparation, which is dropped, and the
   * engine's warm-up stops (the next preparation goes on with it), so that the worker's
   * background work does not take the CPU the playing page wants.
   */
  quiet(): void;
  /**
   * The stream of a small run with faults on the page's hosts (`rehearsalScenario`, seed 1),
   * in batches as a run sends them: the page rehearses an injection with it (store/rehearse.ts).
   */
  rehearsal(scenario: Scenario): { scenario: Scenario; batches: Transition[][] } | null;
  /**
   * `held`: how many transitions from the start of its stream the page holds of the run
   * before this one (0: none, or not as they came). A run that goes on from a preparation
   * of that run up to at most that many does not send them again (`reuse`).
   */
  run(
    scenario: Scenario,
    seed: number,
    onBatch: BatchCallback,
    onProgress?: ProgressCallback,
    held?: number,
  ): Promise<RunSummary>;
}

/**
 * The API that src/worker/engine.worker.ts exposes through comlink: the runner's, each batch
 * packed for the way to the page (wire.ts), its io lines moved, not copied.
 */
export interface EngineWorkerApi {
  prepare: RunnerApi['prepare'];
  speculate: RunnerApi['speculate'];
  quiet: RunnerApi['quiet'];
  rehearsal(scenario: Scenario): { scenario: Scenario; batches: WireBatch[] } | null;
  run(
    scenario: Scenario,
    seed: number,
    onBatch: (batch: WireBatch) => unknown,
    onProgress?: ProgressCallback,
    held?: number,
  ): Promise<RunSummary>;
}

/**
 * What the worker checks of a run request before it runs anything: the page sends only
 * validated scenarios, but a message is a door like any other.
 */
export function checkRunRequest(
  scenario: unknown,
  seed: unknown,
): { scenario: Scenario; seed: number } {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
    throw new ScenarioError([
      { field: 'seed', reason: `must be an integer from 0 to 4294967295, got ${shown(seed)}` },
    ]);
  return { scenario: validateScenario(scenario), seed };
}
