import * as Comlink from 'comlink';
import type { RunStart, Scenario, Transition } from '../engine';
import { STALL_MS, type EngineWorkerApi, type RunSummary } from './protocol';
import { unpacker, type WireBatch } from './wire';

export type { RunSummary } from './protocol';

export interface RunHandle {
  /** Settles when the run ends; rejects with a readable Error if the worker fails. */
  done: Promise<RunSummary>;
  /** Stops the worker; `done` then rejects with a CancelledError. */
  cancel(): void;
}

/**
 * The stream of the run before, as the page holds it from its start: a run that goes on from
 * the worker's preparation of that run takes its first transitions from there (`reuse`, see
 * Reuse in protocol.ts) rather than have them sent again.
 */
export interface HeldStream {
  count: number;
  start: RunStart;
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

function newWorker(): Worker {
  return new Worker(new URL('./engine.worker.ts', import.meta.url), {
    type: 'module',
    name: 'engine',
  });
}

/**
 * A worker started ahead of time: loading one (fetching and compiling the engine) takes
 * longer than simulating up to the cursor, and an injection wants its run at once. Each
 * run takes the spare. A run that ends as it should gives its worker back as the spare: its
 * engine is compiled and optimised by then, and a run on a fresh worker is several times
 * slower until V8 has optimised the engine again (the playground's 120 s: 250-300 ms on a
 * fresh one, 45-70 ms warm, in Chromium on 2 shared cores). A run cancelled, or failed, closes
 * its worker; a new spare is then loaded once no run goes on, not while one runs: on two
 * cores, a worker compiling the engine beside the run's worker and the page's main thread
 * slowed the run it was meant to speed up. While the page stands paused, the spare can run
 * the page's scenario up to the cursor (`prepareSpare`).
 */
interface Loaded {
  worker: Worker;
  api: Comlink.Remote<EngineWorkerApi>;
  /** called when a run takes the spare: its waiting-time listener goes */
  taken?: () => void;
}
let spare: Loaded | null = null;
let running = 0;
function load(): Loaded {
  const worker = newWorker();
  return { worker, api: Comlink.wrap<EngineWorkerApi>(worker) };
}
function dropSpare(): void {
  spare?.worker.terminate();
  spare = null;
}
function takeWorker(): Loaded {
  const w = spare ?? load();
  spare = null;
  w.taken?.();
  w.taken = undefined;
  running++;
  return w;
}
/** A spare that fails while it waits (it cannot load, or crashes) is dropped, so that the next run loads its own. */
function keepAsSpare(w: Loaded): void {
  const listening = new AbortController();
  w.worker.addEventListener(
    'error',
    () => {
      if (spare === w) spare = null;
      w.worker.terminate();
    },
    { signal: listening.signal },
  );
  w.taken = () => listening.abort();
  spare = w;
}
function loadSpare(): void {
  if (spare || running > 0) return;
  keepAsSpare(load());
}
/** A run has ended: its worker becomes the spare if it can serve again, else it closes. */
function released(w: Loaded, reusable: boolean): void {
  running--;
  if (reusable && !spare) keepAsSpare(w);
  else {
    w.api[Comlink.releaseProxy]();
    w.worker.terminate();
  }
  setTimeout(loadSpare, 0);
}

/**
 * Has the spare worker run `scenario` up to just before `until` and hold it there: a run
 * of it with faults placed from `until` on (an injection at the cursor) then goes on from
 * there, and the part before the cursor is not simulated again. Does nothing while a run
 * goes on (there is no spare then); the page calls it again once it stands paused.
 */
export function prepareSpare(scenario: Scenario, seed: number, until: number): void {
  loadSpare();
  // a preparation that fails costs nothing: the run simulates from the start
  spare?.api.prepare(scenario, seed, until).catch(() => {});
}

/**
 * Has the spare worker run ahead, from its preparation, the injection the page expects
 * (`speculate` in protocol.ts); nothing when there is no spare.
 */
export function speculateSpare(scenario: Scenario, seed: number): void {
  // a speculation that fails costs nothing: the run goes on from the preparation
  spare?.api.speculate(scenario, seed).catch(() => {});
}

/**
 * A small run's stream from the spare worker for the page to rehearse an injection with
 * (store/rehearse.ts); null when there is no spare or it has none.
 */
export async function spareRehearsal(
  scenario: Scenario,
): Promise<{ scenario: Scenario; batches: WireBatch[] } | null> {
  loadSpare();
  if (!spare) return null;
  return spare.api.rehearsal(scenario);
}

/**
 * The page plays: the spare drops its preparation and stops warming its engine up (see
 * `quiet` in protocol.ts). Nothing while a run goes on: that run took the spare.
 */
export function quietSpare(): void {
  spare?.api.quiet().catch(() => {});
}

/**
 * Runs a scenario in a Web Worker: the spare (loaded ahead of time, or the last run's) when
 * there is one, else a new one. Batches of transitions reach `onBatch` in stream order. A run
 * that ends as it should leaves its worker as the spare; one cancelled or failed closes it.
 */
export function runInWorker(
  scenario: Scenario,
  seed: number,
  onBatch: (batch: Transition[], reuse?: number) => void,
  held?: HeldStream,
): RunHandle {
  const loaded = takeWorker();
  const { worker, api } = loaded;
  let settled = false;
  let rejectRun: (reason: Error) => void = () => {};
  /** this run's listeners on a worker that may outlive it */
  const listening = new AbortController();

  const failed = new Promise<never>((_, reject) => {
    rejectRun = reject;
    worker.addEventListener(
      'error',
      (event) => {
        event.preventDefault();
        // a worker that could not load: the spare, loaded the same way, is no better
        dropSpare();
        reject(new Error(describeWorkerError(event)));
      },
      { signal: listening.signal },
    );
    worker.addEventListener(
      'messageerror',
      () => reject(new Error('engine worker sent a message that could not be read')),
      { signal: listening.signal },
    );
  });

  // a worker that stops answering (killed, or looping) is given up after STALL_MS
  let heard = performance.now();
  const alive = (): void => {
    heard = performance.now();
  };
  const watchdog = setInterval(() => {
    if (performance.now() - heard > STALL_MS) {
      // whatever stopped this one may have stopped the spare too
      dropSpare();
      rejectRun(
        new Error(`the engine worker stopped answering: nothing from it for ${STALL_MS / 1000} s`),
      );
    }
  }, 1000);

  let ended = false;
  const unpack = unpacker(held?.start, onBatch, (message) => rejectRun(new Error(message)));
  const done = Promise.race([
    api
      .run(
        scenario,
        seed,
        Comlink.proxy((wire: WireBatch) => {
          alive();
          unpack(wire);
        }),
        Comlink.proxy(alive),
        held?.count ?? 0,
      )
      .then((summary) => {
        ended = true;
        return summary;
      }),
    failed,
  ]).finally(() => {
    settled = true;
    clearInterval(watchdog);
    listening.abort();
    // a run that ended as it should (not cancelled, not failed) leaves a worker that works
    released(loaded, ended);
  });

  return {
    done,
    cancel() {
      if (!settled) rejectRun(new CancelledError());
    },
  };
}
