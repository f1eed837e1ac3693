// The compare view's model: the page's scenario run once per policy, each run in its own
// worker, each folded like the page's own run (a stream buffer, a timeline model and a
// projection at the cursor). The cursor is the page's: `setCursor` follows it, so playing,
// seeking and stepping move every column. Pure apart from the runner it is given.
import { createStore } from 'zustand/vanilla';
import {
  offeredRates,
  offeredScopes,
  withScope,
  type Metrics,
  type NodeId,
  type Scenario,
  type Scope,
  type Transition,
} from '../engine';
import { TransitionBuffer } from '../playback/buffer';
import { Projection, type PlaybackView } from '../playback/projection';
import { TimelineBuilder, type TimelineModel } from '../playback/timeline';
import type { Topology } from '../playback/topology';
import type { RunStatus } from '../store/simStore';
import { scenarioTopology } from '../store/simStore';
import { CancelledError, type RunHandle } from '../worker/client';
import { defaultPolicies, keepPolicies, MAX_POLICIES, MIN_POLICIES } from './table';

export type Runner = (
  scenario: Scenario,
  seed: number,
  onBatch: (batch: Transition[]) => void,
) => RunHandle;

/** While a run streams in, its timeline gets a new model at most this often. */
const PUBLISH_EVERY_MS = 200;

/** One policy's run, as its column draws it (the tree reads the same fields as the page's). */
export interface PolicyRun {
  scope: Scope;
  /** the page's scenario under this policy */
  scenario: Scenario;
  status: RunStatus;
  error: string | null;
  /** virtual time up to which the stream is known */
  available: number;
  timeline: TimelineModel | null;
  topology: Topology;
  /** the tree at the shared cursor; kept from the run before until the new one reaches it */
  view: PlaybackView | null;
  /** the engine's figures for the whole run, when it is done */
  summary: Metrics | null;
  selectedLun: NodeId | null;
}

export interface CompareState {
  open: boolean;
  /** two to four scopes, in the engine's scope order */
  policies: Scope[];
  /** the page's scenario the runs are of (null: nothing to compare, e.g. a recorded trace) */
  base: Scenario | null;
  seed: number;
  cursor: number;
  runs: Readonly<Partial<Record<Scope, PolicyRun>>>;

  setOpen(open: boolean): void;
  /** Follows the page's scenario and seed: runs again the policies whose scenario changed. */
  sync(base: Scenario | null, seed: number): void;
  /** Adds or removes a policy (keeping two to four); false when it cannot. */
  togglePolicy(scope: Scope): boolean;
  setCursor(t: number): void;
}

export type CompareStore = ReturnType<typeof createCompareStore>;

interface Engine {
  runId: number;
  key: string;
  buffer: TransitionBuffer;
  builder: TimelineBuilder;
  projection: Projection | null;
  handle: RunHandle | null;
  published: number;
}

const errorMessage = (err: unknown): string =>
  err instanceof Error ? err.message || err.name : String(err);

/**
 * `policies`: the columns to start with; without, the scenario's defaults (host, lun and
 * lun+target where offered) until the reader picks.
 */
export function createCompareStore(runner: Runner, policies?: Scope[]) {
  const engines = new Map<Scope, Engine>();
  let runs = 0;
  let chosen = policies !== undefined;

  return createStore<CompareState>()((set, get) => {
    const setRun = (scope: Scope, patch: Partial<PolicyRun>): void => {
      const prev = get().runs[scope];
      if (!prev) return;
      set({ runs: { ...get().runs, [scope]: { ...prev, ...patch } } });
    };

    /** The run's view at the cursor, if its stream has reached it. */
    const project = (scope: Scope, e: Engine): Partial<PolicyRun> => {
      const run = get().runs[scope];
      const cursor = get().cursor;
      if (!run || !e.projection) return {};
      if (cursor > run.available && run.status === 'running') return {};
      e.projection.seek(cursor);
      return { view: e.projection.view() };
    };

    const live = (scope: Scope, runId: number): Engine | null => {
      const e = engines.get(scope);
      return e && e.runId === runId ? e : null;
    };

    const append = (scope: Scope, runId: number, batch: readonly Transition[]): void => {
      const e = live(scope, runId);
      const run = get().runs[scope];
      if (!e || !run || batch.length === 0) return;
      e.buffer.push(batch);
      e.builder.add(batch);
      const timeline = e.builder.model();
      if (!e.projection && timeline.topology)
        e.projection = new Projection(
          timeline.topology,
          e.buffer,
          undefined,
          offeredRates(run.scenario),
        );
      const now = performance.now();
      const first = run.timeline === null || run.timeline.topology !== timeline.topology;
      const ready =
        (e.buffer.lastTime >= get().cursor || run.timeline === null) &&
        (first || now - e.published >= PUBLISH_EVERY_MS);
      if (ready) e.published = now;
      setRun(scope, {
        available: e.buffer.lastTime,
        ...(ready ? { timeline } : {}),
        ...(ready && timeline.topology ? { topology: timeline.topology } : {}),
      });
      setRun(scope, project(scope, e));
    };

    const finish = (scope: Scope, runId: number): void => {
      const e = live(scope, runId);
      const run = get().runs[scope];
      if (!e || !run) return;
      e.handle = null;
      const timeline = e.builder.model();
      setRun(scope, {
        status: 'done',
        available: Math.max(e.buffer.lastTime, run.scenario.duration),
        timeline,
        ...(timeline.topology ? { topology: timeline.topology } : {}),
        summary: timeline.metrics,
      });
      setRun(scope, project(scope, e));
    };

    const fail = (scope: Scope, runId: number, message: string): void => {
      const e = live(scope, runId);
      if (!e) return;
      e.handle = null;
      setRun(scope, { status: 'error', error: message });
    };

    /** Runs `scope` on the base scenario unless its run is of that scenario already. */
    const start = (scope: Scope): void => {
      const { base, seed } = get();
      if (!base) return;
      const scenario = withScope(base, scope);
      const key = `${seed}|${JSON.stringify(scenario)}`;
      const old = engines.get(scope);
      if (old && old.key === key) return;
      old?.handle?.cancel();
      const e: Engine = {
        runId: ++runs,
        key,
        buffer: new TransitionBuffer(),
        builder: new TimelineBuilder(),
        projection: null,
        handle: null,
        published: -Infinity,
      };
      engines.set(scope, e);
      const prev = get().runs[scope];
      // the column keeps the drawing of the run before (same topology) until the new one
      // reaches the cursor: after an injection the run up to it is the same
      const topology = scenarioTopology(scenario);
      const same = prev !== undefined && prev.topology.luns.join() === topology.luns.join();
      const run: PolicyRun = {
        scope,
        scenario,
        status: 'running',
        error: null,
        available: 0,
        timeline: same ? prev.timeline : null,
        topology: same ? prev.topology : topology,
        view: same ? prev.view : null,
        summary: null,
        selectedLun: null,
      };
      set({ runs: { ...get().runs, [scope]: run } });
      const runId = e.runId;
      try {
        e.handle = runner(scenario, seed, (batch) => append(scope, runId, batch));
      } catch (err) {
        fail(scope, runId, errorMessage(err));
        return;
      }
      e.handle.done.then(
        () => finish(scope, runId),
        (err: unknown) => {
          if (!(err instanceof CancelledError)) fail(scope, runId, errorMessage(err));
        },
      );
    };

    const drop = (scope: Scope): void => {
      engines.get(scope)?.handle?.cancel();
      engines.delete(scope);
      const next = { ...get().runs };
      delete next[scope];
      set({ runs: next });
    };

    const startAll = (): void => {
      if (!get().open) return;
      for (const s of get().policies) start(s);
    };

    return {
      open: false,
      policies: policies ? [...policies] : [],
      base: null,
      seed: 1,
      cursor: 0,
      runs: {},

      setOpen(open) {
        set({ open });
        startAll();
      },
      sync(base, seed) {
        if (base === get().base && seed === get().seed) return;
        if (!base) {
          for (const s of [...engines.keys()]) drop(s);
          set({ base: null, seed });
          return;
        }
        const policies = chosen ? keepPolicies(get().policies, base) : defaultPolicies(base);
        for (const s of [...engines.keys()]) if (!policies.includes(s)) drop(s);
        set({ base, seed, policies });
        startAll();
      },
      togglePolicy(scope) {
        const { policies, base } = get();
        if (base && !offeredScopes(base).includes(scope)) return false;
        chosen = true;
        if (policies.includes(scope)) {
          if (policies.length <= MIN_POLICIES) return false;
          set({ policies: policies.filter((p) => p !== scope) });
          drop(scope);
          return true;
        }
        if (policies.length >= MAX_POLICIES) return false;
        const next = [...policies, scope];
        // keep the engine's order of scopes, so the columns do not move about
        const order = base ? keepPolicies(next, base) : next;
        set({ policies: order.length === next.length ? order : next });
        startAll();
        return true;
      },
      setCursor(t) {
        set({ cursor: t });
        const next = { ...get().runs };
        for (const [scope, e] of engines) {
          const run = next[scope];
          const patch = project(scope, e);
          if (run && patch.view) next[scope] = { ...run, ...patch };
        }
        set({ runs: next });
      },
    };
  });
}

/** The page's store as the compare view follows it. */
export interface PageSource {
  getState(): { scenario: Scenario; seed: number; cursor: number; source: 'engine' | 'trace' };
  subscribe(
    listener: (
      s: { scenario: Scenario; seed: number; cursor: number; source: string },
      prev: { scenario: Scenario; seed: number; cursor: number; source: string },
    ) => void,
  ): () => void;
}

/**
 * Ties the compare runs to the page: its scenario (with the faults injected) and seed, and
 * its cursor. A recorded trace has no scenario to run under other policies. Returns the
 * unsubscribe.
 */
export function follow(compare: CompareStore, page: PageSource): () => void {
  const apply = (s: ReturnType<PageSource['getState']>): void => {
    compare.getState().sync(s.source === 'engine' ? s.scenario : null, s.seed);
    compare.getState().setCursor(s.cursor);
  };
  apply(page.getState());
  // an injection of two faults changes the scenario twice in a row: run the second only
  let pending = false;
  let stopped = false;
  const unsubscribe = page.subscribe((s, prev) => {
    if (s.scenario !== prev.scenario || s.seed !== prev.seed || s.source !== prev.source) {
      if (!pending) {
        pending = true;
        queueMicrotask(() => {
          pending = false;
          if (stopped) return;
          const now = page.getState();
          compare.getState().sync(now.source === 'engine' ? now.scenario : null, now.seed);
        });
      }
    }
    if (s.cursor !== prev.cursor) compare.getState().setCursor(s.cursor);
  });
  return () => {
    stopped = true;
    unsubscribe();
  };
}
