// The discrete-event core: virtual clock, workload, dispatch and completion, the timeout
// path (scsi_timeout, scsi_abort_command, scmd_eh_abort_handler), and the routing of a
// failed command to the recovery that takes it. The ladders are in policies/.
import { driverOffers, driverProfile } from './drivers';
import { byTimeThenSeq, EventHeap, type EventQueue, type HeapItem } from './heap';
import type { Cmd, Dev, Fault, Host, Recovery, Tgt } from './model';
import { computeMetrics } from './metrics';
import { policyFor, SYSTEM_POLICY, type Policy } from './policies';
import { makePrng, type Prng } from './prng';
import { withScope } from './scopes';
import { DEFAULT_WORKLOAD } from './scenario';
import {
  KERNEL_TIMINGS,
  validateScenario,
  type FaultSpec,
  type Scenario,
  type Timings,
  type Workload,
} from './scenario';
import {
  STREAM_VERSION,
  isSystemPolicy,
  type BlockScope,
  type CmdEvent,
  type DeviceState,
  type FaultKind,
  type IoTick,
  type NodeId,
  type Op,
  type Scope,
  type StepKind,
  type StepResult,
  type Transition,
  atResolution,
} from './stream';

/** What a ladder yields: a sleep in seconds, or a condition to wait for. */
export type Wait = number | { until: () => boolean; why: string };
export type Ladder = Generator<Wait, void, void>;
export type Sub<T> = Generator<Wait, T, void>;

const enum Ev {
  Arrival,
  Complete,
  Timeout,
  Resume,
  FaultOn,
  FaultOff,
  Tick,
  AbortWork,
  /** a completion or timer whose command the host took back (Sim.cancel): nothing happens */
  Dropped,
}

/** One scheduled event; every field is always present, so the heap's loads stay monomorphic. */
class Event {
  constructor(
    public t: number,
    public seq: number,
    public k: Ev,
    public d: Dev | null,
    public c: Cmd | null,
    /** for Complete: the outcome */
    public o: number,
    /** a process, a fault or a host, by kind */
    public x: Proc | Fault | Host | null,
  ) {}
}

interface Proc {
  gen: Ladder;
  waitFor: (() => boolean) | null;
}

const OUT_OK = 0;
const OUT_MEDIUM = 1;
const OUT_UA = 2;

export interface SimOptions {
  seed?: number;
  /** Every device of every host gets this scope (the CLI's --policy). */
  policy?: Scope;
  /** Receives the stream in order, in batches. */
  onBatch?: (batch: Transition[]) => void;
  batchSize?: number;
  /** Emit a transition for every command completion (heavy; off by default). */
  commandDetail?: boolean;
  /** Keep the whole stream in the result (default true); a streaming caller may not need it. */
  retain?: boolean;
  /** Another event queue, given the (time, sequence) order (the bench compares them). */
  queue?: (order: (a: HeapItem, b: HeapItem) => number) => EventQueue<HeapItem>;
}

export interface SimResult {
  version: typeof STREAM_VERSION;
  seed: number;
  transitions: Transition[];
  metrics: import('./stream').Metrics;
  /** events processed, for the benchmark */
  events: number;
}

export class Sim {
  now = 0;
  scenario: Scenario;
  readonly hosts: Host[] = [];
  readonly devs: Dev[] = [];
  readonly devById = new Map<NodeId, Dev>();
  readonly tgtById = new Map<NodeId, Tgt>();
  readonly rng: Prng;
  readonly seed: number;
  private heap: EventQueue<Event>;
  private seq = 0;
  /** faults' events: below every other sequence number (see `arm`) */
  private faultSeq = Number.MIN_SAFE_INTEGER;
  private cmdSeq = 0;
  private stepSeq = 0;
  private waiters: Proc[] = [];
  private out: Transition[] = [];
  private batch: Transition[] = [];
  private opts: SimOptions;
  private detail: boolean;
  private retain: boolean;
  events = 0;
  escalations = 0;
  steps = 0;
  /** Earliest fault time, the start of the recovery interval */
  windowStart: number | null = null;
  /** Last time a tracked command was resolved (the interval's end, so far) */
  windowEnd: number | null = null;
  trackedOpen = 0;
  /** Counts moves of windowEnd, for the lazy per-device snapshots */
  windowEpoch = 0;

  constructor(scenario: Scenario, opts: SimOptions = {}) {
    this.scenario = validateScenario(opts.policy ? withScope(scenario, opts.policy) : scenario);
    this.opts = opts;
    this.detail = opts.commandDetail ?? false;
    this.retain = opts.retain ?? true;
    this.heap = opts.queue
      ? (opts.queue(byTimeThenSeq) as EventQueue<Event>)
      : new EventHeap<Event>();
    this.seed = opts.seed ?? scenario.seed ?? 1;
    this.rng = makePrng(this.seed);
    this.build();
  }

  // ---- building the topology -------------------------------------------------------------

  private build(): void {
    const sc = this.scenario;
    sc.hosts.forEach((hs, hi) => {
      const driver = driverProfile(hs.driver);
      const hostScope = hs.scope ?? driver.defaultScope;
      const system = isSystemPolicy(hostScope) ? SYSTEM_POLICY[hostScope] : null;
      const timings: Timings = {
        ...KERNEL_TIMINGS,
        tmf: driver.tmf,
        ioLatency: driver.ioLatency,
        ...(driver.cmdTimeout !== undefined ? { cmdTimeout: driver.cmdTimeout } : {}),
        // another system brings its own defaults; the scenario's timings still win
        ...system?.timings,
        ...sc.timings,
        ...hs.timings,
      };
      const host: Host = {
        idx: hi,
        id: String(hi),
        driver,
        timings,
        tmfBound: hs.tmfBound ?? driver.tmfBound,
        ehDeadline: driver.handlers.hostReset ? (hs.ehDeadline ?? null) : null,
        state: 'running',
        failed: 0,
        busy: 0,
        rec: null,
        abortQueue: [],
        abortRunning: false,
        // only NVMe's controller reset takes commands back (nvme_cancel_tagset): other hosts
        // do not pay for keeping the list
        flying: hostScope === 'nvme' ? new Map() : null,
        lastReset: null,
        slotsUsed: 0,
        slotQueue: [],
        devs: [],
        targets: [],
        channels: hs.channels ?? 1,
        faults: [],
      };
      this.hosts.push(host);
      if (!driverOffers(driver, hostScope))
        throw new Error(`${driver.name} offers ${driver.scopes.join(', ')}; not ${hostScope}`);
      const overrides = new Map((hs.overrides ?? []).map((o) => [o.lun, o]));
      for (let c = 0; c < host.channels; c++)
        for (let t = 0; t < hs.targets; t++) {
          const tgt: Tgt = {
            id: `${hi}:${c}:${t}`,
            host,
            channel: c,
            tid: t,
            devs: [],
            rec: null,
            faults: [],
          };
          host.targets.push(tgt);
          this.tgtById.set(tgt.id, tgt);
          for (let l = 0; l < hs.lunsPerTarget; l++) {
            const ov = overrides.get(`${c}:${t}:${l}`);
            const workload: Workload = { ...DEFAULT_WORKLOAD, ...hs.workload, ...ov?.workload };
            const scope = ov?.scope ?? hostScope;
            const dev: Dev = {
              idx: this.devs.length,
              id: `${hi}:${c}:${t}:${l}`,
              host,
              tgt,
              channel: c,
              lun: l,
              scope,
              workload,
              interval: workload.rate > 0 ? 1 / workload.rate : Infinity,
              offline: false,
              queue: [],
              busy: 0,
              outstanding: 0,
              behind: 0,
              rec: null,
              expectingUA: false,
              pendingUA: false,
              mediumTimeouts: 0,
              faults: [],
              failing: false,
              rejectedOnce: false,
              state: 'running',
              blockedBy: null,
              created: 0,
              completed: 0,
              eio: 0,
              missed: 0,
              tickDone: 0,
              tickFailed: 0,
              tickOutstanding: 0,
              winDone: 0,
              winLast: 0,
              winGap: 0,
              snapDone: 0,
              snapGap: 0,
              snapEpoch: 0,
              firstFault: Infinity,
              lastResolved: -Infinity,
              unresolved: 0,
            };
            tgt.devs.push(dev);
            host.devs.push(dev);
            this.devs.push(dev);
            this.devById.set(dev.id, dev);
          }
        }
    });
    for (const f of sc.faults) this.arm(f);
  }

  /** Places one of the scenario's faults: where the kernel looks for it, and its events. */
  private arm(f: FaultSpec): void {
    const dev = this.devById.get(f.lun)!;
    const fault: Fault = {
      kind: f.kind,
      on: f.lun,
      until: f.duration !== undefined ? f.at + f.duration : Infinity,
      left: f.count ?? (f.duration !== undefined ? Infinity : 1),
      active: false,
      allCommands: f.allCommands ?? false,
    };
    // A fault lives where the kernel looks for it: the target's reset on the target,
    // the bus and host resets on the host (scsi_debug: targetH:C:T/fail_reset).
    if (f.kind === 'target-reset-fails') dev.tgt.faults.push(fault);
    else if (f.kind === 'bus-reset-fails' || f.kind === 'host-reset-fails')
      dev.host.faults.push(fault);
    else dev.faults.push(fault);
    dev.failing = true;
    // The interval opens with the first fault that fails a command; the others (a reset
    // or a TUR that would fail) only shape the recovery.
    if (f.kind === 'timeout' || f.kind === 'medium-error') {
      dev.firstFault = Math.min(dev.firstFault, f.at);
      this.windowStart = Math.min(this.windowStart ?? Infinity, f.at);
    }
    // A fault's events come before every other event of the same instant, in the order the
    // faults were placed: they have a sequence of their own, below every other. A fault
    // placed while the run is under way (`extend`) so takes the place it would have had
    // had it been in the scenario from the start.
    const on = new Event(atResolution(f.at), this.faultSeq++, Ev.FaultOn, dev, null, 0, fault);
    this.heap.push(on);
    if (fault.until !== Infinity)
      this.heap.push(
        new Event(atResolution(fault.until), this.faultSeq++, Ev.FaultOff, dev, null, 0, fault),
      );
  }

  /**
   * Turns this run into the run of `next`, a scenario that differs from this one only by
   * faults added after its own (and by its length), when none of them is due before the
   * events handled so far: the stream so far and the one to come are then exactly those of
   * a run of `next` from the start. This is how an injection at the cursor skips simulating
   * again the part before it. False, and nothing changed, when `next` is not such a scenario.
   */
  extend(next: Scenario): boolean {
    let sc: Scenario;
    try {
      sc = validateScenario(this.opts.policy ? withScope(next, this.opts.policy) : next);
    } catch {
      return false;
    }
    const cur = this.scenario;
    const n = cur.faults.length;
    const added = sc.faults.slice(n);
    const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
    if (
      sc.faults.length < n ||
      !same(sc.faults.slice(0, n), cur.faults) ||
      !same({ ...sc, faults: [], duration: 0 }, { ...cur, faults: [], duration: 0 }) ||
      // the run's end may move, but not to before what has been handled
      sc.duration < this.now ||
      (this.events > 0 && added.some((f) => !(atResolution(f.at) > this.now)))
    )
      return false;
    this.scenario = sc;
    for (const f of added) this.arm(f);
    return true;
  }

  /**
   * Handles at most `budget` of the events due before `t`; false once none is left before
   * `t` (or the run has reached its end). The stream is that of `advance`.
   */
  advanceBefore(t: number, budget: number): boolean {
    const end = this.scenario.duration;
    for (let n = 0; n < budget; n++) {
      const next = this.heap.peek();
      if (!next || next.t > end || next.t >= t) return false;
      this.step(this.heap.pop()!);
    }
    return true;
  }

  // ---- the event loop ----------------------------------------------------------------------

  private schedule(
    t: number,
    k: Ev,
    d: Dev | null = null,
    c: Cmd | null = null,
    o = 0,
    x: Proc | Fault | Host | null = null,
  ): Event {
    const ev = new Event(atResolution(t), this.seq++, k, d, c, o, x);
    this.heap.push(ev);
    return ev;
  }

  run(): SimResult {
    this.start();
    while (this.advance(Infinity));
    return this.end();
  }

  private started = false;
  private tickLen = 0.1;

  /** Emits run-start and schedules the first events; then `advance` until it says false. */
  start(): void {
    if (this.started) throw new Error('the run has already started');
    this.started = true;
    this.emit({
      t: 0,
      type: 'run-start',
      version: STREAM_VERSION,
      scenario: this.scenario.name,
      seed: this.seed,
      hosts: this.hosts.map((h) => ({ id: h.id, driver: h.driver.name })),
      luns: this.devs.map((d) => d.id),
    });
    for (const d of this.devs) {
      if (d.interval !== Infinity) this.schedule(this.rng.next() * d.interval, Ev.Arrival, d);
    }
    this.tickLen = this.hosts[0]?.timings.tick ?? 0.1;
    this.schedule(this.tickLen, Ev.Tick);
  }

  /**
   * Handles at most `budget` events; false once the run has reached its end (then call
   * `end`). A caller that yields between calls (the worker) can be cancelled or
   * watched between them; the stream is the same whatever the budgets.
   */
  advance(budget: number): boolean {
    const end = this.scenario.duration;
    for (let n = 0; n < budget; n++) {
      // the earliest event; past the end, every other one is too
      const ev = this.heap.pop();
      if (!ev || ev.t > end) return false;
      this.step(ev);
    }
    return true;
  }

  private step(ev: Event): void {
    this.now = ev.t;
    this.events++;
    this.handle(ev, this.tickLen);
  }

  /** Virtual time reached so far. */
  get time(): number {
    return this.now;
  }

  /** Closes the run: the last tick, the metrics, run-end. */
  end(): SimResult {
    const end = this.scenario.duration;
    this.now = end;
    this.flushTick(this.tickLen);
    const metrics = computeMetrics(this);
    this.emit({ t: end, type: 'metrics', metrics });
    this.emit({ t: end, type: 'run-end' });
    this.flushBatch();
    return {
      version: STREAM_VERSION,
      seed: this.seed,
      transitions: this.out,
      metrics,
      events: this.events,
    };
  }

  private handle(ev: Event, tick: number): void {
    switch (ev.k) {
      case Ev.Arrival:
        return this.arrival(ev.d!);
      case Ev.Complete:
        return this.complete(ev.c!, ev.o);
      case Ev.Timeout:
        return this.timeout(ev.c!);
      case Ev.Resume:
        return this.resume(ev.x as Proc);
      case Ev.FaultOn:
        return this.faultOn(ev.x as Fault);
      case Ev.FaultOff:
        return this.faultOff(ev.x as Fault);
      case Ev.Tick:
        this.flushTick(tick);
        this.schedule(this.now + tick, Ev.Tick);
        return;
      case Ev.AbortWork:
        return this.abortWork(ev.x as Host);
      case Ev.Dropped:
        return;
    }
  }

  // ---- the stream ---------------------------------------------------------------------------

  emit(tr: Transition): void {
    if (this.retain) this.out.push(tr);
    if (this.opts.onBatch) {
      this.batch.push(tr);
      if (this.batch.length >= (this.opts.batchSize ?? 512)) this.flushBatch();
    }
  }

  /**
   * Hands the transitions gathered so far to onBatch now, short of a full batch (the worker
   * does between slices, so that a short run's stream reaches the page without waiting for
   * BATCH_SIZE transitions). The stream is the same, only cut elsewhere.
   */
  flush(): void {
    this.flushBatch();
  }

  /** The transitions gathered since the last batch went out (a new array after each). */
  get pending(): readonly Transition[] {
    return this.batch;
  }

  private flushBatch(): void {
    if (this.opts.onBatch && this.batch.length) {
      this.opts.onBatch(this.batch);
      this.batch = [];
    }
  }

  private flushTick(tick: number): void {
    const luns: IoTick[] = [];
    for (const d of this.devs) {
      if (d.tickDone || d.tickFailed || d.outstanding !== d.tickOutstanding) {
        luns.push({ on: d.id, done: d.tickDone, failed: d.tickFailed, outstanding: d.outstanding });
        d.tickDone = 0;
        d.tickFailed = 0;
        d.tickOutstanding = d.outstanding;
      }
    }
    if (luns.length) this.emit({ t: this.now, type: 'io', dt: tick, luns });
  }

  cmdEvent(cmd: Cmd, event: CmdEvent, fn: string, detail?: string): void {
    const tr: Transition = { t: this.now, type: 'cmd', on: cmd.dev.id, cmd: cmd.id, event, fn };
    if (detail) tr.detail = detail;
    this.emit(tr);
  }

  op(op: Op, scope: BlockScope, on: NodeId, fn: string, detail?: string): void {
    const tr: Transition = { t: this.now, type: 'op', op, scope, on, fn };
    if (detail) tr.detail = detail;
    this.emit(tr);
  }

  stepStart(
    step: StepKind,
    scope: BlockScope | null,
    on: NodeId,
    fn: string,
    detail?: string,
  ): number {
    const id = ++this.stepSeq;
    this.steps++;
    const tr: Transition = { t: this.now, type: 'step', id, phase: 'start', step, scope, on, fn };
    if (detail) tr.detail = detail;
    this.emit(tr);
    return id;
  }

  stepEnd(
    id: number,
    step: StepKind,
    scope: BlockScope | null,
    on: NodeId,
    fn: string,
    result: StepResult,
    detail?: string,
  ): void {
    const tr: Transition = {
      t: this.now,
      type: 'step',
      id,
      phase: 'end',
      step,
      scope,
      on,
      fn,
      result,
    };
    if (detail) tr.detail = detail;
    this.emit(tr);
  }

  escalate(from: BlockScope, to: BlockScope, on: NodeId, fn: string, reason: string): void {
    this.escalations++;
    this.emit({ t: this.now, type: 'escalate', from, to, on, fn, reason });
  }

  // ---- device state, derived from the recoveries ------------------------------------------

  /** Recomputes a device's state and blocking scope, and emits a transition if it changed. */
  refresh(d: Dev): void {
    let state: DeviceState;
    let by: BlockScope | null = null;
    if (d.offline) state = 'offline';
    else {
      if (d.host.state === 'recovery') by = 'host';
      else if (d.tgt.rec) by = 'target';
      else if (d.rec) by = 'lun';
      const recovering =
        (d.rec !== null && d.rec.cmds.length > 0) ||
        (d.tgt.rec !== null && d.tgt.rec.cmds.some((c) => c.dev === d)) ||
        (d.host.rec !== null && d.host.rec.cmds.some((c) => c.dev === d));
      state = recovering ? 'recovering' : by ? 'blocked' : 'running';
    }
    if (state !== d.state || by !== d.blockedBy) {
      d.state = state;
      d.blockedBy = by;
      this.emit({ t: this.now, type: 'device', on: d.id, state, blockedBy: by });
    }
  }

  refreshAll(devs: Dev[]): void {
    for (const d of devs) this.refresh(d);
  }

  /** scsi_host_set_state(): RECOVERY blocks every device of the host (scsi_host_in_recovery). */
  setHostState(h: Host, state: 'running' | 'recovery', fn: string): void {
    if (h.state === state) return;
    h.state = state;
    this.emit({ t: this.now, type: 'host', on: h.id, state, fn });
    this.refreshAll(h.devs);
    this.poke();
  }

  // ---- faults -------------------------------------------------------------------------------

  private faultOn(f: Fault): void {
    f.active = true;
    this.emit({ t: this.now, type: 'fault', on: f.on, fault: f.kind, phase: 'on' });
  }

  private faultOff(f: Fault): void {
    if (!f.active) return;
    f.active = false;
    this.emit({ t: this.now, type: 'fault', on: f.on, fault: f.kind, phase: 'off' });
  }

  /** Consumes one firing of an active fault of this kind, if any. */
  fire(list: Fault[], kind: FaultKind): boolean {
    for (const f of list) {
      if (f.kind === kind && f.active && f.left > 0) {
        f.left--;
        if (f.left === 0) this.faultOff(f);
        return true;
      }
    }
    return false;
  }

  // ---- the workload and the block layer -----------------------------------------------------

  private arrival(d: Dev): void {
    const w = d.workload;
    if (d.outstanding < w.queueDepth) this.issue(d);
    else if (w.catchUp) d.behind++;
    else d.missed++;
    // fio's rate_iops paces the submissions; a little jitter keeps LUNs out of lockstep
    this.schedule(this.now + d.interval * (0.95 + 0.1 * this.rng.next()), Ev.Arrival, d);
  }

  /** The application submits one request (blk_mq_submit_bio). */
  private issue(d: Dev): void {
    const w = d.workload;
    const cmd: Cmd = {
      id: ++this.cmdSeq,
      dev: d,
      retries: 0,
      abortScheduled: false,
      abortInLadder: false,
      cancels: 0,
      didTimeOut: false,
      tracked: false,
      read: w.readFraction >= 1 || this.rng.next() < w.readFraction,
      issuedAt: this.now,
    };
    d.outstanding++;
    d.created++;
    d.queue.push(cmd);
    if (this.detail) this.cmdEvent(cmd, 'queued', 'blk_mq_submit_bio');
    this.kick(d);
  }

  /** Why a device takes no command now (scsi_queue_rq's checks), or null. */
  blocked(d: Dev): BlockScope | null {
    if (d.host.state === 'recovery') return 'host';
    if (d.tgt.rec) return 'target';
    if (d.rec) return 'lun';
    return null;
  }

  /** blk_mq_run_hw_queues(): dispatch what the device will take. */
  kick(d: Dev): void {
    if (d.offline) {
      while (d.queue.length) {
        const cmd = d.queue.shift()!;
        if (!d.rejectedOnce || this.detail) {
          d.rejectedOnce = true;
          this.cmdEvent(
            cmd,
            'rejected-offline',
            'scsi_device_state_check',
            'rejecting I/O to offline device',
          );
        }
        this.resolve(cmd, false);
      }
      return;
    }
    while (d.queue.length && this.blocked(d) === null) this.dispatch(d.queue.shift()!);
  }

  private dispatch(cmd: Cmd): void {
    const d = cmd.dev;
    const h = d.host;
    d.busy++;
    h.busy++;
    if (this.detail) this.cmdEvent(cmd, 'dispatched', 'scsi_queue_rq');
    const t = h.timings;
    if (this.fire(d.faults, 'timeout')) {
      this.track(cmd);
      this.fly(cmd, this.schedule(this.expiry(t.cmdTimeout, h), Ev.Timeout, d, cmd));
      return;
    }
    let o = OUT_OK;
    if (cmd.read && this.fire(d.faults, 'medium-error')) {
      o = OUT_MEDIUM;
      this.track(cmd);
    } else if (d.pendingUA) {
      d.pendingUA = false;
      o = OUT_UA;
    }
    const at = this.now + t.ioLatency * (0.5 + this.rng.next());
    this.fly(cmd, this.schedule(at, Ev.Complete, d, cmd, o));
  }

  /** blk_add_timer: the deadline, and the queue timer's lateness. */
  expiry(timeout: number, h: Host): number {
    return this.now + timeout + h.timings.timerSlack;
  }

  private track(cmd: Cmd): void {
    if (!cmd.tracked) {
      cmd.tracked = true;
      cmd.dev.unresolved++;
      this.trackedOpen++;
    }
  }

  private complete(cmd: Cmd, o: number): void {
    const d = cmd.dev;
    if (o === OUT_MEDIUM) {
      // scsi_check_sense: MEDIUM ERROR 03/11 -> SUCCESS disposition, sd fails it at once
      this.cmdEvent(
        cmd,
        'medium-error',
        'scsi_decide_disposition',
        'Sense Key : Medium Error, critical medium error',
      );
      this.release(cmd);
      this.resolve(cmd, false);
      return;
    }
    if (o === OUT_UA) {
      // The unit attention a reset left: NEEDS_RETRY, once (scsi_check_sense)
      this.release(cmd);
      cmd.retries++;
      this.cmdEvent(
        cmd,
        'retry',
        'scsi_check_sense',
        'UNIT ATTENTION 29/xx: Power-on or device reset occurred',
      );
      d.queue.unshift(cmd);
      this.afterRelease(d);
      this.kick(d);
      return;
    }
    this.release(cmd);
    d.mediumTimeouts = 0; // sd_done
    if (cmd.retries > 0 || cmd.tracked)
      this.cmdEvent(cmd, 'completed-after-retry', 'scsi_finish_command');
    else if (this.detail) this.cmdEvent(cmd, 'completed', 'scsi_done');
    this.resolve(cmd, true);
    this.afterRelease(d);
    this.kick(d);
    // behind its schedule, fio submits the next I/O at once, until it has caught up
    while (d.behind > 0 && d.outstanding < d.workload.queueDepth) {
      d.behind--;
      this.issue(d);
    }
  }

  /** The command gives back its tag and budget (scsi_device_unbusy). */
  release(cmd: Cmd): void {
    const d = cmd.dev;
    d.busy--;
    d.host.busy--;
    d.host.flying?.delete(cmd);
  }

  /** Notes the completion or timer of a dispatched command, on a host that takes them back. */
  private fly(cmd: Cmd, ev: Event): void {
    cmd.dev.host.flying?.set(cmd, ev);
  }

  /** The commands dispatched to these devices and not yet given back (blk_mq_tagset_busy_iter). */
  inFlight(devs: readonly Dev[]): Cmd[] {
    const on = new Set(devs);
    const hosts = new Set(devs.map((d) => d.host));
    const out: Cmd[] = [];
    for (const h of hosts) {
      if (!h.flying) throw new Error(`host ${h.id}'s recovery does not take commands back`);
      for (const c of h.flying.keys()) if (on.has(c.dev)) out.push(c);
    }
    return out;
  }

  /**
   * The driver takes a dispatched command back (nvme_cancel_request): its pending completion
   * or timer will not fire, and a ladder holding it sees `cancels` change. The command is still
   * dispatched; the caller completes or requeues it.
   */
  cancel(cmd: Cmd): void {
    const ev = cmd.dev.host.flying?.get(cmd) as Event | undefined;
    if (ev && ev.c === cmd && (ev.k === Ev.Complete || ev.k === Ev.Timeout)) ev.k = Ev.Dropped;
    cmd.cancels++;
  }

  /** After a command left a device: completions can wake error handling (scsi_dec_host_busy). */
  afterRelease(d: Dev): void {
    if (d.rec && d.rec.phase === 'waiting') this.policy(d.rec).wakeUp(this, d.rec);
    if (d.tgt.rec && d.tgt.rec.phase === 'waiting') this.policy(d.tgt.rec).wakeUp(this, d.tgt.rec);
    const h = d.host;
    if (h.rec && h.rec.phase === 'waiting') this.policy(h.rec).wakeUp(this, h.rec);
  }

  /** The request is over for the application: completed, or failed with an error. */
  resolve(cmd: Cmd, ok: boolean): void {
    const d = cmd.dev;
    d.outstanding--;
    if (ok) {
      d.completed++;
      d.tickDone++;
      const ws = this.windowStart;
      if (ws !== null && this.now >= ws) {
        if (d.snapEpoch !== this.windowEpoch) this.snapshot(d);
        d.winDone++;
        const gap = this.now - Math.max(d.winLast, ws);
        if (gap > d.winGap) d.winGap = gap;
        d.winLast = this.now;
      }
    } else {
      d.eio++;
      d.tickFailed++;
    }
    if (cmd.tracked) {
      cmd.tracked = false;
      d.unresolved--;
      this.trackedOpen--;
      d.lastResolved = this.now;
      this.windowEnd = this.now;
      this.windowEpoch++;
    }
  }

  /**
   * A device's figures for the interval as of its current end, taken lazily: the first time
   * the device completes I/O after the end moved (or when the metrics are computed), its
   * figures are still those of that moment.
   */
  snapshot(d: Dev): void {
    d.snapEpoch = this.windowEpoch;
    if (this.windowEnd === null) return;
    d.snapDone = d.winDone;
    d.snapGap = Math.max(d.winGap, this.windowEnd - Math.max(d.winLast, this.windowStart ?? 0));
  }

  /** scsi_finish_command with an error: the I/O fails (EIO). */
  finish(cmd: Cmd, fn: string, detail: string): void {
    this.cmdEvent(cmd, 'eio', fn, detail);
    this.release(cmd);
    this.resolve(cmd, false);
    this.afterRelease(cmd.dev);
  }

  /** scsi_queue_insert(SCSI_MLQUEUE_EH_RETRY): back to the front of the device's queue. */
  requeue(cmd: Cmd, fn: string, detail?: string): void {
    const d = cmd.dev;
    this.cmdEvent(cmd, 'retry', fn, detail ?? `retry ${cmd.retries} of ${d.host.timings.retries}`);
    this.release(cmd);
    d.queue.unshift(cmd);
    this.afterRelease(d);
  }

  // ---- timeouts and the asynchronous abort --------------------------------------------------

  /** scsi_timeout() */
  private timeout(cmd: Cmd): void {
    const d = cmd.dev;
    const h = d.host;
    if (isSystemPolicy(d.scope)) return SYSTEM_POLICY[d.scope].onTimeout(this, cmd);
    this.cmdEvent(cmd, 'timeout', 'scsi_timeout', `timeout ${h.timings.cmdTimeout} s`);
    if (h.ehDeadline !== null && h.lastReset === null) h.lastReset = this.now;
    const rt = h.driver.resetTimer;
    const young =
      rt?.untilAge === undefined || this.now - cmd.issuedAt <= rt.untilAge * h.timings.cmdTimeout;
    if (rt && rt.scopes.includes(d.scope) && young) {
      // the driver's eh_timed_out returned SCSI_EH_RESET_TIMER
      this.cmdEvent(
        cmd,
        'reset-timer',
        rt.fn,
        'SCSI_EH_RESET_TIMER: the timer is re-armed, nothing else happens',
      );
      this.fly(cmd, this.schedule(this.expiry(h.timings.cmdTimeout, h), Ev.Timeout, d, cmd));
      return;
    }
    this.abortCommand(cmd);
  }

  /** scsi_abort_command(), with patch 21's scoped variant. */
  private abortCommand(cmd: Cmd): void {
    const d = cmd.dev;
    const h = d.host;
    if (!h.driver.handlers.abort) {
      cmd.didTimeOut = true;
      return this.ehScmdAdd(cmd, 'no eh_abort_handler');
    }
    if (cmd.abortScheduled) {
      cmd.didTimeOut = true;
      return this.ehScmdAdd(cmd, 'previous abort failed');
    }
    cmd.abortScheduled = true;
    if (
      (d.scope === 'lun' || d.scope === 'lun+target' || d.scope === 'lun-only') &&
      !d.host.driver.strategy
    ) {
      // patch 21: SCSI_EH_ABORT_SCOPED: the ladder aborts it, inside its TMF slot
      cmd.abortInLadder = true;
      cmd.didTimeOut = true;
      return this.ehScmdAdd(cmd, 'abort scheduled in the scoped ladder (SCSI_EH_ABORT_SCOPED)');
    }
    this.cmdEvent(
      cmd,
      'abort-scheduled',
      'scsi_abort_command',
      `scmd_eh_abort_handler in ${h.timings.abortDelay * 1000} ms on scsi_tmf_${h.id}`,
    );
    h.abortQueue.push(cmd);
    if (!h.abortRunning) {
      h.abortRunning = true;
      this.schedule(this.now + h.timings.abortDelay, Ev.AbortWork, null, null, 0, h);
    }
  }

  /** scmd_eh_abort_handler() on the host's tmf_work_q (max_active 1: one at a time). */
  private abortWork(h: Host): void {
    const cmd = h.abortQueue.shift();
    if (!cmd) {
      h.abortRunning = false;
      return;
    }
    this.spawn(this.asyncAbort(h, cmd));
  }

  private *asyncAbort(h: Host, cmd: Cmd): Ladder {
    const d = cmd.dev;
    const fn = 'scmd_eh_abort_handler';
    if (this.pastDeadline(h)) {
      cmd.didTimeOut = true;
      this.ehScmdAdd(cmd, 'past eh_deadline: no abort');
    } else {
      const ok = yield* this.abort(null, d, fn);
      if (!ok) this.ehScmdAdd(cmd, 'cmd abort failed');
      else {
        cmd.didTimeOut = true;
        if (this.pastDeadline(h)) this.ehScmdAdd(cmd, 'past eh_deadline after the abort');
        else {
          if (h.ehDeadline !== null && h.abortQueue.length === 0 && h.state === 'running')
            h.lastReset = null;
          this.retryOrFinish(cmd, fn, 'retry aborted command');
          this.kick(d);
        }
      }
    }
    // the next queued abort, if any
    this.abortWork(h);
  }

  /** Retry if the budget allows (!scsi_noretry_cmd && ++retries <= allowed), else EIO. */
  retryOrFinish(cmd: Cmd, fn: string, detail: string): void {
    const d = cmd.dev;
    if (!d.offline && cmd.retries < d.host.timings.retries) {
      cmd.retries++;
      this.requeue(cmd, fn, `${detail}: retry ${cmd.retries} of ${d.host.timings.retries}`);
    } else
      this.finish(cmd, fn, d.offline ? 'device offline' : `retries exhausted (${cmd.retries})`);
  }

  pastDeadline(h: Host): boolean {
    return h.ehDeadline !== null && h.lastReset !== null && this.now - h.lastReset > h.ehDeadline;
  }

  // ---- routing a failed command (scsi_eh_scmd_add and the series' scsi_eh_scoped_scmd_add) --

  /**
   * The series decides which recovery a failed command joins, in this order: its device's
   * recovery if one has started; else its target's; else, with no host recovery pending, a
   * new recovery of the device's scope; else the host's.
   */
  ehScmdAdd(cmd: Cmd, why: string): void {
    const d = cmd.dev;
    const h = d.host;
    let rec: Recovery | null = null;
    if (d.rec) rec = d.rec;
    else if (d.tgt.rec) rec = d.tgt.rec;
    else if (h.state !== 'recovery' && !h.driver.strategy) {
      if (d.scope === 'lun' || d.scope === 'lun+target' || d.scope === 'lun-only')
        rec = this.policyByScope('lun').start(this, d);
      else if (d.scope === 'target') rec = this.policyByScope('target').start(this, d);
    }
    if (!rec) rec = this.policyByScope('host').start(this, d);
    this.policy(rec).addErrorCmd(this, rec, cmd, why);
  }

  policy(rec: Recovery): Policy {
    return policyFor(rec.scope);
  }

  policyByScope(scope: BlockScope): Policy {
    return policyFor(scope);
  }

  hostOf(rec: Recovery): Host {
    return this.hosts[Number(rec.on.split(':')[0])]!;
  }

  // ---- processes (the ladders) -------------------------------------------------------------

  /** Starts a process now, or after a delay (a work item, a woken thread). */
  spawn(gen: Ladder, delay = 0): void {
    const p: Proc = { gen, waitFor: null };
    if (delay > 0) this.schedule(this.now + delay, Ev.Resume, null, null, 0, p);
    else this.resume(p);
  }

  private resume(p: Proc): void {
    for (;;) {
      const r = p.gen.next();
      if (r.done) return;
      const w = r.value;
      if (typeof w === 'number') {
        this.schedule(this.now + w, Ev.Resume, null, null, 0, p);
        return;
      }
      if (w.until()) continue;
      p.waitFor = w.until;
      this.waiters.push(p);
      return;
    }
  }

  /** Re-checks the conditions ladders wait for. */
  poke(): void {
    if (!this.waiters.length) return;
    const ready: Proc[] = [];
    this.waiters = this.waiters.filter((p) => {
      if (p.waitFor && p.waitFor()) {
        p.waitFor = null;
        ready.push(p);
        return false;
      }
      return true;
    });
    for (const p of ready) this.schedule(this.now, Ev.Resume, null, null, 0, p);
  }

  // ---- building blocks the ladders share -------------------------------------------------

  /** A task management function or reset: takes the driver's TMF time, then succeeds or fails. */
  *tmf(
    step: StepKind,
    scope: BlockScope | null,
    on: NodeId,
    fn: string,
    ok: () => boolean,
    detail?: string,
  ): Sub<boolean> {
    const id = this.stepStart(step, scope, on, fn, detail);
    const h = this.hosts[Number(on.split(':')[0])]!;
    if (h.timings.tmf > 0) yield h.timings.tmf;
    const success = ok();
    this.stepEnd(id, step, scope, on, fn, success ? 'success' : 'failed');
    return success;
  }

  /**
   * The driver's eh_abort_handler for a command of this device. smartpqi's queues a LUN
   * reset and waits for the command without a timeout: a failing LUN reset hangs it.
   */
  *abort(scope: BlockScope | null, d: Dev, fn: string): Sub<boolean> {
    const name = `${fn} -> eh_abort_handler`;
    if (!d.host.driver.abortIsLunReset)
      return yield* this.tmf('abort', scope, d.id, name, () => !this.fire(d.faults, 'abort-fails'));
    const id = this.stepStart(
      'abort',
      scope,
      d.id,
      name,
      'queues a LUN reset, waits for the command with no timeout',
    );
    if (d.host.timings.tmf > 0) yield d.host.timings.tmf;
    if (this.fire(d.faults, 'lun-reset-fails')) {
      // wait_for_completion(&wait): the command never completes, the handler never returns
      yield { until: () => false, why: 'the aborted command, for ever' };
    }
    this.resetUA([d]);
    this.stepEnd(id, 'abort', scope, d.id, name, 'success', 'the LUN reset completed the command');
    return true;
  }

  /**
   * scsi_eh_get_sense() and the START UNIT step (scsi_eh_stu, scsi_eh_sdev_stu): they act
   * only on a CHECK CONDITION without sense data and on NOT READY sense with allow_restart;
   * no modelled fault gives either (timed-out commands are skipped as ABORT_SCHEDULED), so
   * both find nothing to do.
   */
  senseAndStartUnit(scope: BlockScope, on: NodeId): void {
    const steps: [StepKind, string, string][] = [
      ['get-sense', 'scsi_eh_get_sense', 'no failed command lacks sense data'],
      [
        'start-unit',
        scope === 'host' ? 'scsi_eh_stu' : 'scsi_eh_sdev_stu',
        'no sense data asks for START UNIT',
      ],
    ];
    for (const [step, fn, why] of steps) {
      const id = this.stepStart(step, scope, on, fn);
      this.stepEnd(id, step, scope, on, fn, 'skipped', why);
    }
  }

  /** ssleep(settle) after a bus or host reset, unless the template sets skip_settle_delay. */
  *settle(scope: BlockScope, on: NodeId, seconds: number, fn: string): Sub<void> {
    const h = this.hosts[Number(on.split(':')[0])]!;
    if (h.driver.skipSettleDelay || seconds <= 0) return;
    const id = this.stepStart('settle', scope, on, fn, `ssleep(${seconds})`);
    yield seconds;
    this.stepEnd(id, 'settle', scope, on, fn, 'done');
  }

  /**
   * scsi_eh_tur(): TEST UNIT READY with sdev->eh_timeout. A unit attention while
   * expecting_cc_ua gives NEEDS_RETRY and one more TUR; only FAILED means not ready.
   */
  *tur(d: Dev, scope: BlockScope, fn: string): Sub<boolean> {
    const id = this.stepStart('tur', scope, d.id, fn);
    const end = (ready: boolean, detail?: string): boolean => {
      this.stepEnd(id, 'tur', scope, d.id, fn, ready ? 'ready' : 'not-ready', detail);
      return ready;
    };
    const lat = d.host.timings.ioLatency;
    if (d.offline) return end(true, 'device offline: nothing to test');
    if (d.faults.some((f) => f.kind === 'timeout' && f.allCommands && f.active)) {
      // no answer within sdev->eh_timeout: scsi_send_eh_cmnd gives up and
      // scsi_abort_eh_cmnd aborts the TUR (the nested ladder stops when the abort works)
      yield d.host.timings.ehTimeout;
      const aborted = yield* this.abort(scope, d, 'scsi_abort_eh_cmnd');
      return end(
        false,
        `no answer in eh_timeout (${d.host.timings.ehTimeout} s)${aborted ? ', aborted' : ', the abort failed too'}: FAILED`,
      );
    }
    yield lat;
    if (this.fire(d.faults, 'tur-fails')) return end(false, 'DID_ERROR: FAILED');
    if (!d.pendingUA) return end(true);
    // the reset's unit attention goes to this TUR (scsi_debug reports it after any
    // injected error); expected, it means NEEDS_RETRY and one more TUR
    d.pendingUA = false;
    if (!d.expectingUA) return end(true, 'UNIT ATTENTION 29/xx, not expected: SUCCESS');
    d.expectingUA = false;
    yield lat;
    if (this.fire(d.faults, 'tur-fails'))
      return end(false, 'UNIT ATTENTION (NEEDS_RETRY), then DID_ERROR: FAILED');
    return end(true, 'UNIT ATTENTION 29/xx (NEEDS_RETRY), then GOOD');
  }

  /** A reset left a unit attention on these devices (expecting_cc_ua, and the UA itself). */
  resetUA(devs: Dev[]): void {
    for (const d of devs) {
      d.expectingUA = true;
      d.pendingUA = true;
    }
  }

  /**
   * scsi_eh_flush_done_q(): retry what the budget allows, finish the rest; sd_eh_action
   * may have offlined the disk.
   */
  flushDone(rec: Recovery, fn = 'scsi_eh_flush_done_q'): void {
    const done = rec.done;
    rec.done = [];
    for (const cmd of done) this.retryOrFinish(cmd, fn, 'flush retry cmd');
  }

  /**
   * sd_eh_action(): a medium-access command that timed out (result DID_TIME_OUT) counts once
   * per recovery; the second time the disk is offlined ("Medium access timeout failure").
   */
  sdEhAction(rec: Recovery, d: Dev, counted: Set<Dev>): boolean {
    const timedOut = rec.cmds.some((c) => c.dev === d && c.didTimeOut);
    if (!timedOut || counted.has(d)) return true;
    counted.add(d);
    d.mediumTimeouts++;
    if (d.mediumTimeouts >= 2) {
      this.offline(d, rec.scope, 'sd_eh_action', 'Medium access timeout failure. Offlining disk!');
      return false;
    }
    return true;
  }

  /** Moves the recovery's commands of these devices to its done queue. */
  resolved(rec: Recovery, devs: Set<Dev> | Dev): void {
    const has = (d: Dev): boolean => (devs instanceof Set ? devs.has(d) : devs === d);
    const keep: Cmd[] = [];
    for (const c of rec.cmds) (has(c.dev) ? rec.done : keep).push(c);
    rec.cmds = keep;
  }

  offline(d: Dev, scope: BlockScope, fn: string, detail: string): void {
    if (d.offline) return;
    const id = this.stepStart('offline', scope, d.id, fn, detail);
    d.offline = true;
    this.stepEnd(id, 'offline', scope, d.id, fn, 'done', detail);
    this.refresh(d);
  }

  /** Devices that have commands in this recovery, in the host's device order (shost_for_each_device). */
  failingDevs(rec: Recovery): Dev[] {
    const seen = new Set<Dev>();
    for (const c of rec.cmds) seen.add(c.dev);
    return [...seen].sort((x, y) => x.idx - y.idx);
  }

  // ---- the host's bound on scoped ladders (max_scoped_eh_tmfs) ------------------------------

  /**
   * scsi_eh_scope_tmf_get(): wait_event until one of the host's max_scoped_eh_tmfs slots is
   * free, uninterruptibly (FIFO here, to keep runs deterministic). The ladder checks whether
   * to give up only once it holds the slot.
   */
  *takeSlot(h: Host, rec: Recovery): Sub<void> {
    h.slotQueue.push(rec);
    const free = (): boolean => h.slotQueue[0] === rec && h.slotsUsed < h.tmfBound;
    if (!free()) {
      const fn = 'scsi_eh_scope_tmf_get';
      const id = this.stepStart(
        'tmf-slot',
        rec.scope,
        rec.on,
        fn,
        `${h.slotsUsed} of ${h.tmfBound} slots busy`,
      );
      yield { until: free, why: 'a TMF slot' };
      this.stepEnd(id, 'tmf-slot', rec.scope, rec.on, fn, 'done');
    }
    h.slotQueue.shift();
    h.slotsUsed++;
    rec.slot = true;
    this.poke();
  }

  releaseSlot(h: Host, rec: Recovery): void {
    if (!rec.slot) return;
    rec.slot = false;
    h.slotsUsed--;
    this.poke();
  }
}

export function simulate(scenario: Scenario, opts: SimOptions = {}): SimResult {
  return new Sim(scenario, opts).run();
}
