// The state of the tree at one moment of a run: each LUN's state, what blocks it, its I/O,
// its queue and the step acting on it, each host's recovery, and the figures "since the
// fault" so far. It folds the transition stream up to a time; a seek backwards restarts
// from the nearest checkpoint, so seeking and playing reach the same state by construction
// (and a test checks that they do). Pure: no DOM, no timers.
import {
  FAULT_KINDS,
  type BlockScope,
  type DeviceState,
  type EscalateTransition,
  type FaultKind,
  type HostState,
  type NodeId,
  type StepRecord,
  type StepResult,
  type Transition,
} from '../engine';
import type { TransitionBuffer } from './buffer';
import type { Topology } from './topology';

/** A step at the cursor: started, and (for the last one) perhaps ended, with its result. */
export interface ActiveStep extends Pick<
  StepRecord,
  'id' | 'step' | 'scope' | 'on' | 'fn' | 'start'
> {
  detail?: string;
  end?: number;
  result?: StepResult;
}

export interface LunView {
  id: NodeId;
  state: DeviceState;
  blockedBy: BlockScope | null;
  /** completions per second over the last tick */
  rate: number;
  /** commands that failed in the last tick */
  failedNow: number;
  /** flips with each tick that completed I/O: the tree's "I/O as it happens" */
  pulse: boolean;
  outstanding: number;
  /** a fault was placed on it (it is not one of the healthy LUNs) */
  failing: boolean;
  faults: readonly FaultKind[];
  step: ActiveStep | null;
  eio: number;
}

export interface NodeView {
  id: NodeId;
  /** the widest scope blocking any of its LUNs, as its own recovery ('target' for a target) */
  blocked: boolean;
  steps: readonly ActiveStep[];
}

export interface HostView extends NodeView {
  state: HostState;
}

export interface LunFigures {
  on: NodeId;
  failing: boolean;
  /** completions since the first fault over what the LUN completed per second before it */
  availability: number | null;
  longestGap: number;
  eio: number;
  /** the failing LUN: from its first fault until it ran again (or now, while it is out) */
  recoveryTime: number | null;
  recovering: boolean;
}

export interface LiveFigures {
  /** the first fault that fails a command, or null before it */
  since: number | null;
  healthyAvailabilityMean: number | null;
  healthyAvailabilityWorst: number | null;
  healthyLongestGap: number | null;
  recoveryTime: number | null;
  eio: number;
  luns: LunFigures[];
}

export interface PlaybackView {
  t: number;
  /** transitions folded so far */
  index: number;
  luns: readonly LunView[];
  targets: ReadonlyMap<NodeId, NodeView>;
  channels: ReadonlyMap<NodeId, NodeView>;
  hosts: ReadonlyMap<NodeId, HostView>;
  active: readonly ActiveStep[];
  /** the step that started last (kept after it ended, with its result) */
  lastStep: ActiveStep | null;
  lastEscalation: EscalateTransition | null;
  figures: LiveFigures;
}

const STATES: readonly DeviceState[] = ['running', 'blocked', 'recovering', 'offline'];
const BY: readonly (BlockScope | null)[] = [null, 'lun', 'target', 'host'];
const byCode = (b: BlockScope | null): number =>
  b === null ? 0 : b === 'lun' ? 1 : b === 'target' ? 2 : 3;
const FAULT_BIT = new Map<FaultKind, number>(FAULT_KINDS.map((k, i) => [k, 1 << i]));

/** Everything the fold changes, as arrays so that a checkpoint is a few copies. */
interface State {
  index: number;
  t: number;
  state: Uint8Array;
  by: Uint8Array;
  faultMask: Uint16Array;
  failing: Uint8Array;
  outstanding: Int32Array;
  tickT: Float64Array;
  tickDt: Float64Array;
  tickDone: Float64Array;
  tickFailed: Float64Array;
  doneBefore: Float64Array; // completions before the first fault
  doneSince: Float64Array;
  eio: Float64Array;
  lastDone: Float64Array;
  maxGap: Float64Array;
  firstFault: Float64Array;
  outSince: Float64Array; // NaN while running
  backAt: Float64Array; // when it last came back after its first fault
  hostState: Map<NodeId, HostState>;
  active: Map<number, ActiveStep>;
  lastStep: ActiveStep | null;
  lastEscalation: EscalateTransition | null;
  since: number | null;
}

function fresh(n: number, hosts: readonly NodeId[]): State {
  return {
    index: 0,
    t: 0,
    state: new Uint8Array(n),
    by: new Uint8Array(n),
    faultMask: new Uint16Array(n),
    failing: new Uint8Array(n),
    outstanding: new Int32Array(n),
    tickT: new Float64Array(n).fill(-Infinity),
    tickDt: new Float64Array(n),
    tickDone: new Float64Array(n),
    tickFailed: new Float64Array(n),
    doneBefore: new Float64Array(n),
    doneSince: new Float64Array(n),
    eio: new Float64Array(n),
    lastDone: new Float64Array(n),
    maxGap: new Float64Array(n),
    firstFault: new Float64Array(n).fill(Infinity),
    outSince: new Float64Array(n).fill(NaN),
    backAt: new Float64Array(n).fill(NaN),
    hostState: new Map(hosts.map((h) => [h, 'running'])),
    active: new Map(),
    lastStep: null,
    lastEscalation: null,
    since: null,
  };
}

function clone(s: State): State {
  return {
    ...s,
    state: s.state.slice(),
    by: s.by.slice(),
    faultMask: s.faultMask.slice(),
    failing: s.failing.slice(),
    outstanding: s.outstanding.slice(),
    tickT: s.tickT.slice(),
    tickDt: s.tickDt.slice(),
    tickDone: s.tickDone.slice(),
    tickFailed: s.tickFailed.slice(),
    doneBefore: s.doneBefore.slice(),
    doneSince: s.doneSince.slice(),
    eio: s.eio.slice(),
    lastDone: s.lastDone.slice(),
    maxGap: s.maxGap.slice(),
    firstFault: s.firstFault.slice(),
    outSince: s.outSince.slice(),
    backAt: s.backAt.slice(),
    hostState: new Map(s.hostState),
    active: new Map(s.active),
  };
}

/** Transitions between checkpoints. */
export const CHECKPOINT_EVERY = 4096;

export class Projection {
  private s: State;
  private checkpoints: State[] = [];
  private prev: PlaybackView | null = null;

  constructor(
    readonly topology: Topology,
    private stream: TransitionBuffer,
    private readonly every = CHECKPOINT_EVERY,
    /** each LUN's offered I/O per second; without it, what it completed before the fault */
    private readonly offered: ReadonlyMap<NodeId, number> | null = null,
  ) {
    this.s = fresh(
      topology.luns.length,
      topology.hosts.map((h) => h.id),
    );
    this.checkpoints.push(clone(this.s));
  }

  get time(): number {
    return this.s.t;
  }
  get index(): number {
    return this.s.index;
  }

  /** Moves to time t: forward by folding, backward from the nearest checkpoint. */
  seek(t: number): void {
    this.foldTo(this.stream.upperBound(t));
    this.s.t = t;
  }

  /**
   * Takes over what `old` folded of the first `count` transitions, which this stream shares
   * with old's (an injection's run takes the run before's stream up to the cursor, the same
   * transitions): its checkpoints up to there and its state there, so that the new run is
   * not folded again from its start. `old` moves to that point.
   */
  adopt(old: Projection, count: number): void {
    const same =
      old.topology.luns.length === this.topology.luns.length &&
      old.topology.luns.every((l, i) => l === this.topology.luns[i]) &&
      count <= old.stream.length &&
      count <= this.stream.length &&
      (count === 0 || old.stream.at(count - 1) === this.stream.at(count - 1));
    if (!same || this.s.index > 0) return;
    old.foldTo(count);
    // checkpoints are never changed once taken: the two can hold the same ones
    this.checkpoints = old.checkpoints.filter((c) => c.index <= count);
    this.s = clone(old.s);
    // the nodes' views old drew last: those that come out the same are kept, and the tree
    // draws again only the nodes that changed
    this.prev = old.prev;
  }

  /** Moves to just after transition `target - 1`. */
  private foldTo(target: number): void {
    if (target < this.s.index) {
      let cp = this.checkpoints[0]!;
      for (const c of this.checkpoints) if (c.index <= target) cp = c;
      this.s = clone(cp);
    }
    while (this.s.index < target) {
      this.apply(this.stream.at(this.s.index));
      this.s.index++;
      if (this.s.index >= this.checkpoints[this.checkpoints.length - 1]!.index + this.every)
        this.checkpoints.push(clone(this.s));
    }
  }

  /**
   * The stream was summarised (see window.ts): `next` holds the summary, then from index `to`
   * on what this stream held from index `from` on. The state and the checkpoints past `from`
   * carry over; a seek before it folds the summary again from the start.
   */
  rebase(next: TransitionBuffer, from: number, to: number): void {
    const shift = to - from;
    const kept = this.checkpoints.filter((c) => c.index > 0 && c.index >= from);
    for (const c of kept) c.index += shift;
    this.checkpoints = [this.checkpoints[0]!, ...kept];
    this.stream = next;
    if (this.s.index >= from && this.s.index > 0) this.s.index += shift;
    else this.s = clone(this.checkpoints[0]!);
  }

  private apply(tr: Transition): void {
    const s = this.s;
    const idx = this.topology.lunIndex;
    switch (tr.type) {
      case 'device': {
        const i = idx.get(tr.on);
        if (i === undefined) return;
        const code = STATES.indexOf(tr.state);
        const wasOut = s.state[i] !== 0;
        s.state[i] = code;
        s.by[i] = byCode(tr.blockedBy);
        if (code !== 0 && !wasOut) s.outSince[i] = tr.t;
        if (code === 0 || code === 3) {
          if (wasOut && tr.t >= s.firstFault[i]!) s.backAt[i] = tr.t;
          if (code === 0) s.outSince[i] = NaN;
        }
        return;
      }
      case 'fault': {
        const i = idx.get(tr.on);
        if (i === undefined) return;
        const bit = FAULT_BIT.get(tr.fault) ?? 0;
        s.failing[i] = 1;
        if (tr.phase === 'on') {
          s.faultMask[i]! |= bit;
          if (tr.fault === 'timeout' || tr.fault === 'medium-error') {
            if (tr.t < s.firstFault[i]!) s.firstFault[i] = tr.t;
            if (s.since === null) {
              s.since = tr.t;
              // every LUN's gap is counted from the fault on
              for (let j = 0; j < s.lastDone.length; j++) s.lastDone[j] = tr.t;
            }
          }
        } else s.faultMask[i]! &= ~bit;
        return;
      }
      case 'io':
        for (const l of tr.luns) {
          const i = idx.get(l.on);
          if (i === undefined) continue;
          s.tickT[i] = tr.t;
          s.tickDt[i] = tr.dt;
          s.tickDone[i] = l.done;
          s.tickFailed[i] = l.failed;
          s.outstanding[i] = l.outstanding;
          if (s.since === null) s.doneBefore[i]! += l.done;
          else {
            s.doneSince[i]! += l.done;
            s.eio[i]! += l.failed;
            if (l.done > 0) {
              // a completion somewhere in this tick: the gap closes at its start
              const gap = tr.t - tr.dt - s.lastDone[i]!;
              if (gap > s.maxGap[i]!) s.maxGap[i] = gap;
              s.lastDone[i] = tr.t;
            }
          }
        }
        return;
      case 'host':
        s.hostState.set(tr.on, tr.state);
        return;
      case 'step':
        if (tr.phase === 'start') {
          const a: ActiveStep = {
            id: tr.id,
            step: tr.step,
            scope: tr.scope,
            on: tr.on,
            fn: tr.fn,
            start: tr.t,
            ...(tr.detail ? { detail: tr.detail } : {}),
          };
          s.active.set(tr.id, a);
          s.lastStep = a;
        } else {
          const a = s.active.get(tr.id);
          s.active.delete(tr.id);
          if (a && s.lastStep?.id === tr.id)
            s.lastStep = { ...a, end: tr.t, ...(tr.result ? { result: tr.result } : {}) };
        }
        return;
      case 'escalate':
        s.lastEscalation = tr;
        return;
      default:
        return;
    }
  }

  /**
   * The state as immutable objects for the views. A node whose drawing did not change keeps
   * the object it had, so a component that selects it does not render again.
   */
  view(): PlaybackView {
    const s = this.s;
    const topo = this.topology;
    const prev = this.prev;
    const stepOn = new Map<NodeId, ActiveStep[]>();
    for (const a of s.active.values()) {
      const list = stepOn.get(a.on);
      if (list) list.push(a);
      else stepOn.set(a.on, [a]);
    }
    const luns: LunView[] = [];
    const n = topo.luns.length;
    for (let i = 0; i < n; i++) {
      const id = topo.luns[i]!;
      const fresh = s.t - s.tickT[i]! < s.tickDt[i]! * 1.5;
      const mask = s.faultMask[i]!;
      const old = prev?.luns[i];
      const step = stepOn.get(id)?.[0] ?? null;
      const state = STATES[s.state[i]!]!;
      const blockedBy = BY[s.by[i]!]!;
      const rate = fresh ? s.tickDone[i]! / s.tickDt[i]! : 0;
      const failedNow = fresh ? s.tickFailed[i]! : 0;
      const pulse = fresh && s.tickDone[i]! > 0 && Math.round(s.tickT[i]! / s.tickDt[i]!) % 2 === 0;
      const outstanding = s.outstanding[i]!;
      const failing = s.failing[i] === 1;
      const eio = s.eio[i]!;
      // most frames change no LUN: compare before allocating
      if (
        old &&
        old.state === state &&
        old.blockedBy === blockedBy &&
        old.rate === rate &&
        old.failedNow === failedNow &&
        old.pulse === pulse &&
        old.outstanding === outstanding &&
        old.failing === failing &&
        old.step === step &&
        old.eio === eio &&
        maskOf(old.faults) === mask
      ) {
        luns.push(old);
        continue;
      }
      luns.push({
        id,
        state,
        blockedBy,
        rate,
        failedNow,
        pulse,
        outstanding,
        failing,
        faults: old && maskOf(old.faults) === mask ? old.faults : faultsOf(mask),
        step,
        eio,
      });
    }
    const nodeView = (id: NodeId, blocked: boolean, old: NodeView | undefined): NodeView => {
      const steps = stepOn.get(id) ?? [];
      if (old && old.blocked === blocked && sameSteps(old.steps, steps)) return old;
      return { id, blocked, steps };
    };
    const targets = new Map<NodeId, NodeView>();
    for (const tg of topo.targets) {
      let blocked = false;
      for (const l of tg.luns) {
        const i = topo.lunIndex.get(l)!;
        if (s.by[i] === 2) blocked = true;
      }
      targets.set(tg.id, nodeView(tg.id, blocked, prev?.targets.get(tg.id)));
    }
    const channels = new Map<NodeId, NodeView>();
    const hosts = new Map<NodeId, HostView>();
    for (const h of topo.hosts) {
      for (const c of h.channels)
        channels.set(c.id, nodeView(c.id, false, prev?.channels.get(c.id)));
      const state = s.hostState.get(h.id) ?? 'running';
      let blocked = state === 'recovery';
      for (const l of h.luns) if (s.by[topo.lunIndex.get(l)!] === 3) blocked = true;
      const base = nodeView(h.id, blocked, prev?.hosts.get(h.id));
      const old = prev?.hosts.get(h.id);
      hosts.set(h.id, old && old === base && old.state === state ? old : { ...base, state });
    }
    const active = [...s.active.values()].sort((a, b) => a.start - b.start || a.id - b.id);
    const v: PlaybackView = {
      t: s.t,
      index: s.index,
      luns: prev && luns.every((l, i) => l === prev.luns[i]) ? prev.luns : luns,
      targets,
      channels,
      hosts,
      active: prev && sameSteps(prev.active, active) ? prev.active : active,
      lastStep: s.lastStep,
      lastEscalation: s.lastEscalation,
      figures: this.figuresAt(prev),
    };
    this.prev = v;
    return v;
  }

  /**
   * The figures change with every frame only in their last digits: they are worked out
   * again when a transition was folded or the cursor entered another tenth of a second.
   */
  private figuresKey = '';
  private figuresAt(prev: PlaybackView | null): LiveFigures {
    const tenth = Math.floor(this.s.t * 10 + 1e-6);
    const key = `${this.s.index}:${tenth}`;
    if (prev && key === this.figuresKey) return prev.figures;
    this.figuresKey = key;
    // at the tenth, so that a seek and playing show the same figures
    return this.figures(tenth / 10);
  }

  private figures(now: number): LiveFigures {
    const s = this.s;
    const topo = this.topology;
    const luns: LunFigures[] = [];
    let eio = 0;
    let worst: number | null = null;
    let sum = 0;
    let count = 0;
    let gap: number | null = null;
    let recovery: number | null = null;
    const since = s.since;
    for (let i = 0; i < topo.luns.length; i++) {
      const failing = s.failing[i] === 1;
      let availability: number | null = null;
      let longestGap = 0;
      if (since !== null) {
        const elapsed = now - since;
        const before =
          this.offered?.get(topo.luns[i]!) ?? (since > 0 ? s.doneBefore[i]! / since : 0);
        if (elapsed > 0 && before > 0)
          availability = Math.min(s.doneSince[i]! / (before * elapsed), 9.99);
        longestGap = Math.max(s.maxGap[i]!, Math.max(0, now - s.lastDone[i]!));
      }
      const out = !Number.isNaN(s.outSince[i]!);
      const first = s.firstFault[i]!;
      let recoveryTime: number | null = null;
      if (first !== Infinity && now >= first) {
        if (out && s.outSince[i]! >= first - 1e-9) recoveryTime = now - first;
        else if (!Number.isNaN(s.backAt[i]!)) recoveryTime = s.backAt[i]! - first;
      }
      eio += s.eio[i]!;
      if (!failing && since !== null) {
        if (availability !== null) {
          sum += availability;
          count++;
          worst = worst === null ? availability : Math.min(worst, availability);
        }
        gap = gap === null ? longestGap : Math.max(gap, longestGap);
      }
      if (recoveryTime !== null) recovery = Math.max(recovery ?? 0, recoveryTime);
      luns.push({
        on: topo.luns[i]!,
        failing,
        availability: failing ? null : availability,
        longestGap,
        eio: s.eio[i]!,
        recoveryTime,
        recovering: out && recoveryTime !== null,
      });
    }
    return {
      since,
      healthyAvailabilityMean: count ? sum / count : null,
      healthyAvailabilityWorst: worst,
      healthyLongestGap: gap,
      recoveryTime: recovery,
      eio,
      luns,
    };
  }
}

function faultsOf(mask: number): FaultKind[] {
  return FAULT_KINDS.filter((k) => (mask & FAULT_BIT.get(k)!) !== 0);
}
function maskOf(faults: readonly FaultKind[]): number {
  let m = 0;
  for (const f of faults) m |= FAULT_BIT.get(f)!;
  return m;
}
function sameSteps(a: readonly ActiveStep[], b: readonly ActiveStep[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
