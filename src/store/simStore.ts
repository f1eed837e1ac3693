import { createStore } from 'zustand/vanilla';
import {
  atResolution,
  LIMITS,
  offeredRates,
  type FaultKind,
  type NodeId,
  type Scenario,
  type Transition,
} from '../engine';
import { TransitionBuffer } from '../playback/buffer';
import type { HeldStream } from '../worker/client';
import { Projection, type PlaybackView } from '../playback/projection';
import { TimelineBuilder, type TimelineModel } from '../playback/timeline';
import { DETAIL_LINES, cutFor, linesFrom, summarise } from '../playback/window';
import { topologyOf, type Topology } from '../playback/topology';

export type RunStatus = 'idle' | 'running' | 'done' | 'error';

/** While a run streams in, the timeline gets a new model at most this often. */
const PUBLISH_EVERY_MS = 200;
/**
 * A new run that takes over from one drawn (an injection) hands its first timeline over this
 * long after its stream has reached the cursor, not at once: the tree's frame at the cursor
 * goes first, and the lanes (the longer draw) follow.
 */
export const HANDOVER_MS = 50;

export const MIN_SPEED = 0.1;
export const MAX_SPEED = 1000;

/** How long an injected fault's run goes on past the injection, at least (seconds). */
export const RUN_AFTER_INJECT = 90;

export interface InjectOptions {
  /** seconds the fault stays on; absent: it fires once */
  duration?: number;
}

/**
 * `sc` with a fault of `kind` on `lun` at the cursor (at the engine's resolution), running
 * at least RUN_AFTER_INJECT past it: what the store's `inject` sets, and what the page asks
 * the worker to speculate on (store/index.ts `considerInjection`).
 */
export function withInjection(
  sc: Scenario,
  cursor: number,
  lun: NodeId,
  kind: FaultKind,
  options: InjectOptions = {},
): Scenario {
  const at = atResolution(cursor);
  const fault = {
    lun,
    kind,
    at,
    ...(options.duration !== undefined ? { duration: options.duration } : {}),
  };
  const duration = Math.min(
    LIMITS.duration,
    Math.max(sc.duration, Math.ceil(at + RUN_AFTER_INJECT)),
  );
  return { ...sc, duration, faults: [...sc.faults, fault] };
}

export interface SimState {
  /** The preset the scenario came from */
  presetName: string;
  scenario: Scenario;
  seed: number;
  status: RunStatus;
  /** Set when status is 'error'. */
  error: string | null;
  /** Counts runs, so that batches of an abandoned run are dropped. */
  runId: number;

  /** Transitions of the current run received so far (bumps with each batch). */
  received: number;
  /**
   * Virtual time the worker simulated the finished run from: 0, or the cursor of the run it
   * had prepared there (an injection at the cursor); null before the run is done.
   */
  runFrom: number | null;
  /** Transitions the current run took from the run before it rather than from the worker. */
  runReused: number;
  /**
   * Transitions past the reused ones that came in the same message, the run's first: what
   * the worker had run ahead of the click (an injection it speculated on, worker/runner.ts).
   */
  runAhead: number;
  /**
   * A long run's io ticks up to `until` are kept as sums over `bin` seconds (see
   * playback/window.ts); null while the whole stream is in full detail.
   */
  summary: { until: number; bin: number } | null;
  /** Virtual time up to which the stream is known. */
  available: number;
  /** The tree of the scenario, before its run has said anything (then the run's) */
  topology: Topology;
  /** What the timeline draws (a new object after each batch). */
  timeline: TimelineModel | null;
  /** The tree at the cursor; kept from the previous run until the new one reaches the cursor. */
  view: PlaybackView | null;

  /** Playback position, seconds of virtual time. */
  cursor: number;
  playing: boolean;
  /** Virtual seconds per real second. */
  speed: number;

  selectedStep: number | null;
  selectedLun: NodeId | null;
  brush: [number, number] | null;
  /** Targets whose LUN lanes the timeline folds away */
  collapsed: Readonly<Record<NodeId, true>>;
  /** The timelines' visible range (shared by the run's and the model's); null: fitted */
  timelineView: readonly [number, number] | null;

  /** Where the run came from: the engine, or a recorded kernel trace */
  source: 'engine' | 'trace';
  /** The recorded trace shown, with its header and what the parser counted */
  trace: TraceInfo | null;
  /** The model's run set beside a trace, on the same axis */
  compare: { label: string; timeline: TimelineModel } | null;

  setScenario(scenario: Scenario, presetName?: string, keepCursor?: boolean): void;
  /**
   * The current run's stream as a run that follows it may reuse (worker/client.ts
   * HeldStream): the whole of it as it came, when it is whole (run-start to run-end), from
   * the engine, and none of it summarised; null otherwise.
   */
  held(): HeldStream | null;
  /** Clears the stream and marks a new run as running; returns its id. */
  begin(): number;
  /**
   * `reuse`, on a run's first batch: its stream begins with that many transitions of the
   * run before (see held), and the batch follows them.
   */
  append(runId: number, batch: readonly Transition[], reuse?: number): void;
  finish(runId: number, from?: number): void;
  fail(runId: number, message: string): void;

  /** Moves the cursor (clamped to the run); the view follows once the stream reaches it. */
  seek(t: number): void;
  play(): void;
  pause(): void;
  setSpeed(speed: number): void;
  restart(): void;
  /** To the start of the next recovery step, paused there; false when there is none. */
  stepNext(): boolean;
  /** To the start of the previous recovery step, paused there; false when there is none. */
  stepPrev(): boolean;
  /** Advances the cursor by `dt` real seconds at the current speed (the playback clock). */
  advance(dt: number): void;

  /** The scenario with a fault on `lun` at the cursor; run it with startRun. */
  inject(lun: NodeId, kind: FaultKind, options?: InjectOptions): Scenario;
  selectStep(id: number | null): void;
  selectLun(lun: NodeId | null): void;
  setBrush(range: [number, number] | null): void;
  toggleTarget(target: NodeId): void;
  setTimelineView(
    update: (v: readonly [number, number] | null) => readonly [number, number] | null,
  ): void;
  /**
   * Starts showing a recorded trace as the run (topology from the trace; no injection): its
   * stream then comes through append and finish with the id returned, batch by batch.
   */
  beginTrace(info: TraceInfo, scenario: Scenario): number;
  /** Shows a recorded trace as the run, the whole stream at once (beginTrace, append, finish). */
  loadTrace(info: TraceInfo, transitions: readonly Transition[], scenario: Scenario): void;
  /** Sets (or clears) the model's run beside the trace. */
  setCompare(label: string | null, transitions?: readonly Transition[]): void;

  /** The whole stream of the current run (not reactive: subscribe to `received`). */
  stream(): TransitionBuffer;
}

export interface TraceInfo {
  name: string;
  header: Record<string, string>;
  lines: number;
  unknown: number;
}

/** A scenario's tree as its run will start it (every LUN, hosts with their drivers). */
export function scenarioTopology(sc: Scenario): Topology {
  return topologyOf({
    hosts: sc.hosts.map((h, i) => ({ id: String(i), driver: h.driver })),
    luns: [...offeredRates(sc).keys()],
  });
}

export type SimStore = ReturnType<typeof createSimStore>;

const clampSpeed = (x: number): number =>
  Number.isFinite(x) ? Math.min(MAX_SPEED, Math.max(MIN_SPEED, x)) : 1;

/** What the store keeps in full detail, at most (io-tick lines; a test makes it smaller). */
export interface StoreOptions {
  detailLines?: number;
}

export function createSimStore(
  scenario: Scenario,
  seed = 1,
  presetName = '',
  options: StoreOptions = {},
) {
  const detailMax = options.detailLines ?? DETAIL_LINES;
  let buffer = new TransitionBuffer();
  /** io-tick lines in the buffer from index `detailStart` on (the part in full detail) */
  let detailLines = 0;
  let detailStart = 0;
  /** the run's tick, and the coarse tick of its summary (0: none yet) */
  let baseTick = 0;
  let summaryBin = 0;
  let total = 0;
  let builder = new TimelineBuilder();
  let projection: Projection | null = null;
  /** when the timeline model was last handed to the views (performance.now) */
  let published = -Infinity;
  /** when the current run's stream reached the cursor (performance.now); null: not yet */
  let reachedAt: number | null = null;
  /** the stream of the run before, while the new run may still reuse its start */
  let previous: TransitionBuffer | null = null;
  /** ... and its projection, whose folding of that start the new run's takes over */
  let previousProjection: Projection | null = null;

  return createStore<SimState>()((set, get) => {
    /** The view at the cursor, if the stream has reached it. */
    const project = (cursor: number): Partial<SimState> => {
      const { available, status } = get();
      if (!projection) return {};
      if (cursor > available && status === 'running') return {};
      projection.seek(cursor);
      return { view: projection.view() };
    };

    return {
      presetName,
      scenario,
      seed,
      status: 'idle',
      error: null,
      runId: 0,
      received: 0,
      runFrom: null,
      runReused: 0,
      runAhead: 0,
      summary: null,
      available: 0,
      timeline: null,
      topology: scenarioTopology(scenario),
      view: null,
      cursor: 0,
      playing: false,
      speed: 1,
      selectedStep: null,
      selectedLun: null,
      brush: null,
      collapsed: {},
      timelineView: null,
      source: 'engine',
      trace: null,
      compare: null,

      setScenario(next, name, keepCursor = false) {
        set({
          source: 'engine',
          trace: null,
          compare: null,
          ...(keepCursor ? {} : { timeline: null, topology: scenarioTopology(next) }),
          scenario: next,
          presetName: name ?? get().presetName,
          status: 'idle',
          error: null,
          runId: get().runId + 1,
          ...(keepCursor
            ? {}
            : {
                cursor: 0,
                view: null,
                selectedStep: null,
                selectedLun: null,
                brush: null,
                collapsed: {},
              }),
        });
      },
      held() {
        // an injection has set the scenario (the status is idle then) before it asks: what
        // counts is the stream, whole from its run-start to its run-end
        const s = get();
        const n = buffer.length;
        const start = n > 0 ? buffer.at(0) : null;
        if (s.source !== 'engine' || s.summary !== null) return null;
        if (start?.type !== 'run-start' || buffer.at(n - 1).type !== 'run-end') return null;
        return { count: n, start };
      },
      begin() {
        const runId = get().runId + 1;
        previous = get().held() ? buffer : null;
        previousProjection = previous ? projection : null;
        buffer = new TransitionBuffer();
        builder = new TimelineBuilder();
        projection = null;
        detailLines = 0;
        detailStart = 0;
        baseTick = 0;
        summaryBin = 0;
        total = 0;
        reachedAt = null;
        // the timeline and the view stay those of the run before until the new stream
        // reaches the cursor: after an injection, the run up to it is the same
        set({
          runId,
          status: 'running',
          error: null,
          received: 0,
          runFrom: null,
          runReused: 0,
          runAhead: 0,
          available: 0,
          summary: null,
        });
        return runId;
      },
      append(runId, batch, reuse) {
        const state = get();
        if (runId !== state.runId || state.status !== 'running') return;
        // only a run's first batch may reuse the run before: let that go after it
        const had = previous;
        const hadProjection = previousProjection;
        previous = null;
        previousProjection = null;
        let reused = 0;
        if (reuse !== undefined) {
          if (!had || !(Number.isInteger(reuse) && reuse > 0 && reuse <= had.length)) {
            get().fail(
              runId,
              `the engine worker went on from ${reuse} transitions of the run before; the page holds ${had?.length ?? 0}`,
            );
            return;
          }
          set({ runReused: reuse, runAhead: batch.length });
          batch = had.all().slice(0, reuse).concat(batch);
          reused = reuse;
        }
        if (batch.length === 0) return;
        buffer.push(batch);
        total += batch.length;
        for (const tr of batch)
          if (tr.type === 'io') {
            detailLines += tr.luns.length;
            if (!baseTick) baseTick = tr.dt;
          }
        // past the detail budget by a quarter, the oldest quarter goes into the summary
        if (detailLines > detailMax * 1.25) {
          const items = buffer.all();
          const cut = cutFor(items, detailStart, detailLines, detailMax);
          const r = cut > 0 ? summarise(items, cut, baseTick, summaryBin || baseTick) : null;
          if (r && r.from > 0) {
            const next = new TransitionBuffer();
            next.push(r.stream);
            projection?.rebase(next, r.from, r.to);
            buffer = next;
            detailStart = r.to;
            detailLines = linesFrom(r.stream, r.to);
            summaryBin = r.bin;
            set({ summary: { until: r.until, bin: r.bin } });
          }
        }
        builder.add(batch);
        const timeline = builder.model();
        if (!projection && timeline.topology) {
          projection = new Projection(
            timeline.topology,
            buffer,
            undefined,
            offeredRates(state.scenario),
          );
          // the run before folded the part reused already
          if (reused > 0 && hadProjection) projection.adopt(hadProjection, reused);
        }
        const now = performance.now();
        if (state.source === 'trace') {
          // a recording's stream is whole before it comes: take it in quietly (each redraw
          // of a long recording's timeline costs as much as the whole handover) and show
          // it at finish; only the count moves, at most every 200 ms
          if (now - published >= PUBLISH_EVERY_MS) {
            published = now;
            set({ received: total });
          }
          return;
        }
        // the timeline redraws whole with each new model: while the run streams in, hand
        // it over once the stream has reached the cursor (HANDOVER_MS later when it takes
        // over from a run drawn before) and then at most every 200 ms
        const first = state.timeline === null || state.timeline.topology !== timeline.topology;
        const reached = buffer.lastTime >= state.cursor || state.timeline === null;
        if (reached) reachedAt ??= now;
        const ready =
          reached &&
          (state.timeline === null ||
            (first ? now - reachedAt! >= HANDOVER_MS : now - published >= PUBLISH_EVERY_MS));
        if (ready) published = now;
        set({
          received: total,
          available: buffer.lastTime,
          ...(ready ? { timeline } : {}),
          ...(ready && timeline.topology ? { topology: timeline.topology } : {}),
        });
        set(project(get().cursor));
      },
      finish(runId, from = 0) {
        const state = get();
        if (runId !== state.runId || state.status !== 'running') return;
        const end = Math.max(buffer.lastTime, state.scenario.duration);
        const timeline = builder.model();
        set({
          status: 'done',
          received: total,
          runFrom: from,
          available: end,
          timeline,
          ...(timeline.topology ? { topology: timeline.topology } : {}),
        });
        if (state.cursor > end) set({ cursor: end });
        set(project(get().cursor));
      },
      fail(runId, message) {
        const state = get();
        if (runId !== state.runId || state.status !== 'running') return;
        set({ status: 'error', error: message, playing: false });
      },

      seek(t) {
        const { scenario: sc, status, available } = get();
        const end = status === 'done' ? available : sc.duration;
        const cursor = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), end);
        set({ cursor, ...project(cursor) });
      },
      play() {
        const { status, cursor, available } = get();
        if (status === 'done' && cursor >= available) get().seek(0);
        set({ playing: true });
      },
      pause() {
        // stop on the engine's resolution (a microsecond), so the position reads back exactly
        const cursor = Math.floor(get().cursor * 1e6 + 1e-6) / 1e6;
        set({ playing: false, cursor, ...project(cursor) });
      },
      setSpeed(speed) {
        set({ speed: clampSpeed(speed) });
      },
      restart() {
        get().seek(0);
      },
      stepNext() {
        const { timeline, cursor, status, available, selectedStep } = get();
        get().pause();
        const steps = timeline?.steps ?? [];
        // steps are in start order; several can start at one instant (the host ladder's
        // get-sense, START UNIT and LUN reset), and each gets its own stop
        let i = selectedStep === null ? -1 : steps.findIndex((x) => x.id === selectedStep);
        if (i >= 0 && Math.abs(steps[i]!.start - cursor) < 1e-9) i++;
        else i = steps.findIndex((x) => x.start > cursor + 1e-9);
        const next = i >= 0 ? steps[i] : undefined;
        if (!next) {
          set({ selectedStep: null });
          if (status === 'done') get().seek(available);
          return false;
        }
        get().seek(next.start);
        set({ selectedStep: next.id });
        return true;
      },
      stepPrev() {
        const { timeline, cursor, selectedStep } = get();
        get().pause();
        const steps = timeline?.steps ?? [];
        let i = selectedStep === null ? -1 : steps.findIndex((x) => x.id === selectedStep);
        if (i >= 0 && Math.abs(steps[i]!.start - cursor) < 1e-9) i--;
        else {
          // the last step that starts before the cursor
          i = -1;
          for (let k = 0; k < steps.length; k++) if (steps[k]!.start < cursor - 1e-9) i = k;
        }
        const prev = i >= 0 ? steps[i] : undefined;
        if (!prev) {
          set({ selectedStep: null });
          get().seek(0);
          return false;
        }
        get().seek(prev.start);
        set({ selectedStep: prev.id });
        return true;
      },
      advance(dt) {
        const { playing, speed, cursor, available, status } = get();
        if (!playing || !(dt > 0)) return;
        // while the worker is still producing, do not run ahead of the stream
        const limit = status === 'done' ? available : Math.max(cursor, available);
        const next = Math.min(cursor + dt * speed, limit);
        if (next !== cursor) set({ cursor: next, ...project(next) });
        if (status === 'done' && next >= available) set({ playing: false });
      },

      inject(lun, kind, options = {}) {
        const { scenario: sc, cursor } = get();
        const next = withInjection(sc, cursor, lun, kind, options);
        get().setScenario(next, undefined, true);
        return next;
      },
      selectStep(id) {
        set({ selectedStep: id });
      },
      selectLun(lun) {
        set({ selectedLun: lun });
      },
      setBrush(range) {
        set({ brush: range && range[1] > range[0] ? range : null });
      },
      toggleTarget(target) {
        const collapsed = { ...get().collapsed };
        if (collapsed[target]) delete collapsed[target];
        else collapsed[target] = true;
        set({ collapsed });
      },
      setTimelineView(update) {
        // the timeline asks at each frame of playback whether its view pages along; an
        // unchanged view must not wake every subscriber (256 LUN cells' selectors, each frame)
        const was = get().timelineView;
        const next = update(was);
        if (next !== was) set({ timelineView: next });
      },
      beginTrace(info, sc) {
        get().setScenario(sc, `trace:${info.name}`);
        const runId = get().begin();
        set({ source: 'trace', trace: info, playing: false });
        return runId;
      },
      loadTrace(info, transitions, sc) {
        const runId = get().beginTrace(info, sc);
        get().append(runId, transitions);
        get().finish(runId);
      },
      setCompare(label, transitions) {
        if (label === null || !transitions) {
          set({ compare: null });
          return;
        }
        const b = new TimelineBuilder();
        b.add(transitions);
        set({ compare: { label, timeline: b.model() } });
      },
      stream() {
        return buffer;
      },
    };
  });
}
