// What the timeline draws, read from a transition stream: each LUN's blocked spans (with
// the scope that blocked it) and I/O per tick, each host's recovery, and the recovery steps
// as bars on the lane of the host or target they act on. Built incrementally as batches
// arrive; pure, so it is tested in Node and works the same for imported kernel traces.
import type {
  BlockScope,
  CmdEvent,
  DeviceState,
  EscalateTransition,
  FaultTransition,
  IoTransition,
  Metrics,
  NodeId,
  Op,
  StepRecord,
  StepTransition,
  Transition,
} from '../engine';
import { openStep } from '../engine';
import { laneOf, topologyOf, type Topology } from './topology';

export interface StateSpan {
  start: number;
  /** null while it lasts */
  end: number | null;
  state: Exclude<DeviceState, 'running'>;
  by: BlockScope | null;
}

/** A step as the timeline draws it: the analysis' record, where it goes, and its detail. */
export interface StepBar extends Omit<StepRecord, 'blocked'> {
  detail?: string;
  /** the host or target lane it is drawn on */
  lane: NodeId;
  /** sub-row inside the lane, for steps that overlap */
  row: number;
}

export interface OpMark {
  t: number;
  op: Op;
  scope: BlockScope;
  on: NodeId;
  fn: string;
  detail?: string;
}

export interface CmdMark {
  t: number;
  on: NodeId;
  event: CmdEvent;
  fn: string;
  detail?: string;
}

export interface LunSeries {
  /** completions per tick, indexed by round(t / tick) */
  done: number[];
  failed: number[];
}

export interface TimelineModel {
  /** bumps on every change, for memoised drawing */
  version: number;
  topology: Topology | null;
  /** time of the last transition seen */
  end: number;
  complete: boolean;
  tick: number;
  lunSpans: Map<NodeId, StateSpan[]>;
  hostSpans: Map<NodeId, { start: number; end: number | null }[]>;
  steps: StepBar[];
  stepsByLane: Map<NodeId, StepBar[]>;
  /** sub-rows each lane needs */
  laneRows: Map<NodeId, number>;
  escalations: EscalateTransition[];
  faults: FaultTransition[];
  ops: OpMark[];
  marks: CmdMark[];
  series: Map<NodeId, LunSeries>;
  metrics: Metrics | null;
}

/**
 * I/O ticks per LUN series at most: past it, the series go to half the resolution (with 16
 * LUNs, 409.6 s at 0.1 s; an hour at 1.6 s per tick). 4096 x 2 numbers x 1024 LUNs is about
 * 34 MB.
 */
export const SERIES_BINS = 4096;

const QUIET: ReadonlySet<CmdEvent> = new Set(['queued', 'dispatched', 'completed']);

export class TimelineBuilder {
  private m: TimelineModel = {
    version: 0,
    topology: null,
    end: 0,
    complete: false,
    tick: 0.1,
    lunSpans: new Map(),
    hostSpans: new Map(),
    steps: [],
    stepsByLane: new Map(),
    laneRows: new Map(),
    escalations: [],
    faults: [],
    ops: [],
    marks: [],
    series: new Map(),
    metrics: null,
  };
  private stepById = new Map<number, StepBar>();
  /** the first io tick set the tick length */
  private ticked = false;

  /** The series index of an io tick: tick i counts (i - 1) x tick .. i x tick. */
  private tickIndex(tr: IoTransition): number {
    const tick = this.m.tick;
    if (tr.dt === tick) return Math.round(tr.t / tick);
    return Math.max(0, Math.ceil(tr.t / tick - 1e-6));
  }

  /**
   * The I/O series at half the resolution: ticks twice as long, each the sum of two. A long
   * run's series stay within SERIES_BINS ticks per LUN this way (its blocked spans and steps
   * are kept exactly).
   */
  private halve(): void {
    const m = this.m;
    const pair = (a: number[]): number[] => {
      const out = [a[0] ?? 0];
      for (let j = 1; 2 * j - 1 < a.length; j++) out.push((a[2 * j - 1] ?? 0) + (a[2 * j] ?? 0));
      return out;
    };
    for (const s of m.series.values()) {
      s.done = pair(s.done);
      s.failed = pair(s.failed);
    }
    m.tick *= 2;
  }
  /** per lane, the end of the last bar of each row (Infinity while open) */
  private rowEnds = new Map<NodeId, number[]>();

  add(batch: readonly Transition[]): void {
    const m = this.m;
    for (const tr of batch) {
      if (tr.t > m.end) m.end = tr.t;
      switch (tr.type) {
        case 'run-start':
          m.topology = topologyOf(tr);
          for (const l of tr.luns) {
            m.lunSpans.set(l, []);
            m.series.set(l, { done: [], failed: [] });
          }
          for (const h of tr.hosts) m.hostSpans.set(h.id, []);
          for (const h of m.topology.hosts) m.stepsByLane.set(h.id, []);
          for (const t of m.topology.targets) m.stepsByLane.set(t.id, []);
          break;
        case 'device': {
          const spans = m.lunSpans.get(tr.on);
          if (!spans) break;
          const last = spans[spans.length - 1];
          if (last && last.end === null) {
            if (last.state === tr.state && last.by === tr.blockedBy) break;
            last.end = tr.t;
          }
          if (tr.state !== 'running')
            spans.push({ start: tr.t, end: null, state: tr.state, by: tr.blockedBy });
          break;
        }
        case 'host': {
          const spans = m.hostSpans.get(tr.on);
          if (!spans) break;
          const last = spans[spans.length - 1];
          if (tr.state === 'recovery') {
            if (!last || last.end !== null) spans.push({ start: tr.t, end: null });
          } else if (last && last.end === null) last.end = tr.t;
          break;
        }
        case 'step':
          if (tr.phase === 'start') this.startStep(tr);
          else {
            const bar = this.stepById.get(tr.id);
            if (bar) {
              bar.end = tr.t;
              bar.result = tr.result ?? null;
              if (tr.detail) bar.detail = tr.detail;
              const ends = this.rowEnds.get(bar.lane);
              if (ends) ends[bar.row] = tr.t;
            }
          }
          break;
        case 'escalate':
          m.escalations.push(tr);
          break;
        case 'fault':
          m.faults.push(tr);
          break;
        case 'op':
          m.ops.push({
            t: tr.t,
            op: tr.op,
            scope: tr.scope,
            on: tr.on,
            fn: tr.fn,
            ...(tr.detail ? { detail: tr.detail } : {}),
          });
          break;
        case 'cmd':
          if (!QUIET.has(tr.event))
            m.marks.push({
              t: tr.t,
              on: tr.on,
              event: tr.event,
              fn: tr.fn,
              ...(tr.detail ? { detail: tr.detail } : {}),
            });
          break;
        case 'io': {
          if (!this.ticked) {
            m.tick = tr.dt;
            this.ticked = true;
          }
          let i = this.tickIndex(tr);
          while (i >= SERIES_BINS) {
            this.halve();
            i = this.tickIndex(tr);
          }
          const fine = tr.dt === m.tick;
          for (const l of tr.luns) {
            const s = m.series.get(l.on);
            if (!s) continue;
            while (s.done.length <= i) {
              s.done.push(0);
              s.failed.push(0);
            }
            if (fine) {
              s.done[i] = l.done;
              s.failed[i] = l.failed;
            } else {
              s.done[i]! += l.done;
              s.failed[i]! += l.failed;
            }
          }
          break;
        }
        case 'metrics':
          m.metrics = tr.metrics;
          break;
        case 'run-end':
          m.complete = true;
          break;
      }
    }
    m.version++;
  }

  private startStep(tr: StepTransition): void {
    const m = this.m;
    const lane = m.topology ? laneOf(m.topology, tr.on) : tr.on;
    let ends = this.rowEnds.get(lane);
    if (!ends) {
      ends = [];
      this.rowEnds.set(lane, ends);
    }
    let row = ends.findIndex((e) => e <= tr.t);
    if (row < 0) {
      row = ends.length;
      ends.push(Infinity);
    } else ends[row] = Infinity;
    m.laneRows.set(lane, Math.max(m.laneRows.get(lane) ?? 0, row + 1));
    const bar: StepBar = {
      ...openStep(tr),
      lane,
      row,
      ...(tr.detail ? { detail: tr.detail } : {}),
    };
    m.steps.push(bar);
    this.stepById.set(tr.id, bar);
    let list = m.stepsByLane.get(lane);
    if (!list) {
      list = [];
      m.stepsByLane.set(lane, list);
    }
    list.push(bar);
  }

  /** The model as it stands: a new object (the lists inside are shared and keep growing). */
  model(): TimelineModel {
    return { ...this.m };
  }
}

export function buildTimeline(transitions: readonly Transition[]): TimelineModel {
  const b = new TimelineBuilder();
  b.add(transitions);
  return b.model();
}

/** The start time of the first step that starts after t, or null. */
export function nextStepStart(model: TimelineModel, t: number): number | null {
  let best: number | null = null;
  for (const s of model.steps)
    if (s.start > t + 1e-9 && (best === null || s.start < best)) best = s.start;
  return best;
}

/** The step with this id, or null. */
export function stepById(model: TimelineModel, id: number): StepBar | null {
  return model.steps.find((s) => s.id === id) ?? null;
}
