// From what a kernel recorded (ftrace events, the error handler's log lines, fio's completion
// logs) to the engine's transition stream (src/engine/stream.ts). Pure.
//
// The clocks: ftrace's, the kernel log's and fio's (wall clock, ms) are tied together by a
// marker "scsitrace: sync realtime_ms=N" written to both the trace and the log (kernel/guest/
// trace.sh); without one, the trace and the log are taken to share a clock. Time 0 is the
// marker "scsitrace: run-start" (fio running on every LUN), else the first record.
//
// What each record becomes:
//  - markers: "lun H:C:T:L sdX" the topology, "fault on=.. kind=.." a fault transition;
//  - scsi_dispatch_cmd_timeout, _done (after a timeout or with a medium error): cmd events;
//  - log "abort scheduled" / "aborting command" / "cmd abort failed" / "retry aborted
//    command": the asynchronous abort (scope null);
//  - host recovery from the log at scsi_logging_level's error-recovery level: it starts when a
//    failed command goes to the host (the abort failed, a scoped ladder escalated, or the
//    handler woke), "Sending BDR" / "BDR failed", "Sending target reset" / "Target reset
//    failed", "Sending BRST" / "BRST failed", "Sending HRST" / "HRST failed", the TUR
//    ("scsi_eh_tur return: 2002" ready, else not ready, one NEEDS_RETRY (2001) allowed), the
//    settle sleeps (the constant after a successful bus or host reset), "Device offlined",
//    "flush retry cmd", and "waking up host to restart" (scsi_restart_operations) its end;
//  - scoped recovery (the series' scsi_eh_scoped_* and scsi_eh_target_* events): the device or
//    target is blocked from blocked_ms before its _end event; each _step event ends a step
//    that started where the previous one ended;
//  - fio: io ticks (completions per tick, commands outstanding at its end).
import { analyzeMetrics } from './metrics';
import type {
  BlockScope,
  CmdEvent,
  DeviceState,
  FaultKind,
  NodeId,
  StepKind,
  StepResult,
  Transition,
} from '../engine/stream';
import { STREAM_VERSION, FAULT_KINDS } from '../engine/stream';
import type { Collected, EventRecord, LogRecord } from './reader';
import { deviceOf, hostOf } from './lines';

export interface ConvertOptions {
  /** Hosts numbered 0, 1, ... in the order they appear (default true) */
  renumberHosts?: boolean;
  /** Period of the io ticks, seconds (default 0.1, the engine's) */
  tick?: number;
  /** I/O per second each LUN's workload offered; default: measured in the 3 s before the fault */
  rate?: number;
  /** BUS_RESET_SETTLE_TIME and HOST_RESET_SETTLE_TIME (default 10 s) */
  busSettle?: number;
  hostSettle?: number;
  /** run-start's scenario name (default: the header's case) */
  scenario?: string;
  /** run-start's driver of every host (default scsi_debug when the header names it) */
  driver?: string;
}

export interface TraceStats {
  lines: number;
  unknown: number;
  ignored: number;
  events: number;
  logLines: number;
  fioCompletions: number;
  /** how the clocks were tied: 'sync' (markers), 'assumed' (none) */
  clocks: 'sync' | 'assumed';
  /**
   * Seconds of jiffies per second of the guest's clock (1 when no tick went missing), from
   * two "jiffies" markers (/proc/timer_list); null without them. Below 1, every
   * jiffies-based delay (command timeout, msleep, ssleep) lasted 1/tickRate times longer
   * than it asked for.
   */
  tickRate: number | null;
}

export interface TraceResult {
  transitions: Transition[];
  header: Record<string, string>;
  stats: TraceStats;
  /** the fault times (seconds, stream time) per failing LUN */
  faults: { on: NodeId; kind: FaultKind; t: number }[];
}

type Fact =
  | { t: number; o: number; k: 'ev'; r: EventRecord }
  | { t: number; o: number; k: 'log'; r: LogRecord; on?: NodeId; host?: string; msg: string }
  | { t: number; o: number; k: 'lun-block'; on: NodeId }
  | { t: number; o: number; k: 'target-block'; tgt: NodeId };

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const RANK: Record<BlockScope, number> = { lun: 0, target: 1, host: 2 };

const SYNC = /^sync realtime_ms=(\d+)/;
/** Seconds a log marker's copy may lie from where the sync markers put it (the writes' gap) */
const MARKER_PAIR = 1;

export function convert(c: Collected, opts: ConvertOptions = {}): TraceResult {
  const tick = opts.tick ?? 0.1;
  // ---- clocks
  let offF: number | null = null;
  let offL: number | null = null;
  for (const e of c.events)
    if (e.event === 'marker' && e.text && SYNC.test(e.text)) {
      offF = e.ts - Number(SYNC.exec(e.text)![1]) / 1000;
      break;
    }
  for (const l of c.log) {
    const m = /^scsitrace: (sync realtime_ms=\d+)/.exec(l.text);
    if (m && l.ts !== null) {
      offL = l.ts - Number(SYNC.exec(m[1]!)![1]) / 1000;
      break;
    }
  }
  const base = c.events.length ? offF : offL;
  // Each marker goes to the trace first, then to the log: the log's copy is late by the
  // time between the two writes, so the pair that lies closest gives the shift. A text can
  // come more than once (the two "jiffies" markers are the same, empty, on a periodic-tick
  // kernel), and either copy can be lost (a ring buffer overwritten): a log marker pairs with
  // the trace's copy nearest to where the sync pair puts it, and only within MARKER_PAIR s.
  let logShift = offF !== null && offL !== null ? offF - offL : 0;
  if (offF !== null && offL !== null) {
    const shift0 = logShift;
    const inTrace = new Map<string, number[]>();
    for (const e of c.events)
      if (e.event === 'marker' && e.text) {
        const k = e.text.trim();
        const l = inTrace.get(k);
        if (l) l.push(e.ts);
        else inTrace.set(k, [e.ts]);
      }
    for (const l of c.log) {
      const m = /^scsitrace: (.*)$/.exec(l.text);
      const copies = m ? inTrace.get(m[1]!.trim()) : undefined;
      if (!copies || l.ts === null) continue;
      const at = l.ts + shift0;
      let ft = copies[0]!;
      for (const x of copies) if (Math.abs(x - at) < Math.abs(ft - at)) ft = x;
      if (Math.abs(ft - at) <= MARKER_PAIR) logShift = Math.max(logShift, ft - l.ts);
    }
  }
  // fio's wall clock with nothing to tie it: its first completion at the trace's first record
  let fioShift = base ?? 0;
  if (base === null) {
    let first = Infinity;
    for (const l of c.fio.values()) if (l.length) first = Math.min(first, l[0]!.ms / 1000);
    const t0 = c.events.length ? c.events[0]!.ts : c.log.find((l) => l.ts !== null)?.ts;
    if (first !== Infinity) fioShift = (t0 ?? 0) - first;
  }
  const clocks: TraceStats['clocks'] =
    (c.events.length === 0 || offF !== null) && (c.log.length === 0 || offL !== null)
      ? 'sync'
      : 'assumed';

  // ---- facts in time order
  const facts: Fact[] = [];
  let o = 0;
  for (const r of c.events) facts.push({ t: r.ts, o: o++, k: 'ev', r });
  let lastLogT = c.events.length ? c.events[0]!.ts : 0;
  for (const r of c.log) {
    const t = r.ts === null ? lastLogT : r.ts + logShift;
    lastLogT = t;
    const d = deviceOf(r.text);
    const h = d ? null : hostOf(r.text);
    const msg = d ? d.rest : h ? h.rest : r.text;
    facts.push({ t, o: o++, k: 'log', r, on: d?.on, host: h?.host, msg });
  }
  // When a scoped ladder's device or target was quiesced: at the failure that started it (a
  // LUN's timed-out command joins its ladder at once, patch 21; a target's device joins when
  // its asynchronous abort fails or its LUN ladder escalates), else blocked_ms before its end
  // (counted in jiffies, which lag a guest's clock that lost ticks), no later than its start.
  facts.sort((a, b) => a.t - b.t || a.o - b.o);
  const ladderStart = new Map<string, number>();
  /** the failure that started a ladder: its time and its record's place */
  const firstFail = new Map<string, { t: number; o: number }>();
  const inLadderAbort = new Set<string>();
  const noteFail = (key: string, f: Fact): void => {
    if (!firstFail.has(key)) firstFail.set(key, { t: f.t, o: f.o });
  };
  const blocks: Fact[] = [];
  for (const f of facts) {
    if (f.k === 'log' && f.on) {
      if (f.msg === 'abort left to scoped recovery') inLadderAbort.add(f.on);
      else if (/^cmd abort (failed|not send)/.test(f.msg)) {
        if (inLadderAbort.has(f.on)) inLadderAbort.delete(f.on);
        else noteFail('t' + f.on.split(':').slice(0, 3).join(':'), f);
      }
      continue;
    }
    if (f.k !== 'ev') continue;
    const e = f.r;
    const fl = e.fields;
    if (e.event === 'scsi_dispatch_cmd_timeout' || e.event === 'scsi_eh_scoped_escalate') {
      if (e.event === 'scsi_dispatch_cmd_timeout') noteFail('d' + devOfFields(fl), f);
      else noteFail('t' + tgtOfFields(fl), f);
    }
    if (e.event === 'scsi_eh_scoped_start') ladderStart.set('d' + devOfFields(fl), f.t);
    if (e.event === 'scsi_eh_target_start') ladderStart.set('t' + tgtOfFields(fl), f.t);
    const end =
      e.event === 'scsi_eh_scoped_end'
        ? 'd' + devOfFields(fl)
        : e.event === 'scsi_eh_target_end'
          ? 't' + tgtOfFields(fl)
          : null;
    if (end === null) continue;
    const start = ladderStart.get(end) ?? f.t;
    const fail = firstFail.get(end);
    const t = Math.min(f.t - Number(fl.blocked_ms) / 1000, start, fail?.t ?? Infinity);
    // blocked by the failure (scsi_eh_scmd_add after "cmd abort failed", or the timeout that
    // joins its ladder at once): just after that record; else before anything at its time
    const bo = fail && fail.t === t ? fail.o + 0.5 : o++ - 1e9;
    if (end.startsWith('d')) blocks.push({ t, o: bo, k: 'lun-block', on: end.slice(1) });
    else blocks.push({ t, o: bo, k: 'target-block', tgt: end.slice(1) });
    ladderStart.delete(end);
    firstFail.delete(end);
  }
  // a failure after a ladder started belongs to the next one
  facts.push(...blocks);
  facts.sort((a, b) => a.t - b.t || a.o - b.o);

  // ---- topology and origin
  const hostMap = new Map<string, string>();
  const renumber = opts.renumberHosts ?? true;
  const mapHost = (h: string): string => {
    let m = hostMap.get(h);
    if (m === undefined) hostMap.set(h, (m = renumber ? String(hostMap.size) : h));
    return m;
  };
  const mapNode = (id: NodeId): NodeId => {
    const [h, ...rest] = id.split(':');
    return [mapHost(h!), ...rest].join(':');
  };
  const luns = new Set<NodeId>();
  const devName = new Map<string, NodeId>();
  let origin: number | null = null;
  for (const f of facts) {
    if (f.k === 'ev' && f.r.event === 'marker') {
      const text = f.r.text ?? '';
      const m = /^lun (\d+:\d+:\d+:\d+)(?: (\w+))?/.exec(text);
      if (m) {
        luns.add(mapNode(m[1]!));
        if (m[2]) devName.set(m[2], mapNode(m[1]!));
      }
      if (text === 'run-start' && origin === null) origin = f.t;
    } else if (
      f.k === 'ev' &&
      f.r.fields.lun !== undefined &&
      !f.r.event.startsWith('scsi_eh_target')
    ) {
      luns.add(mapNode(devOfFields(f.r.fields)));
    } else if (f.k === 'ev' && f.r.fields.host_no !== undefined) {
      mapHost(f.r.fields.host_no);
    } else if (f.k === 'log' && f.on) luns.add(mapNode(f.on));
    else if (f.k === 'log' && f.host) mapHost(f.host);
  }
  for (const [lun, dev] of c.devices) {
    luns.add(mapNode(lun));
    devName.set(dev, mapNode(lun));
  }
  for (const lun of c.fio.keys()) luns.add(mapNode(lun));
  if (origin === null) origin = facts.length ? facts[0]!.t : fioStart(c, fioShift);
  const lunList = [...luns].sort(cmpNode);
  const hosts = [...new Set(lunList.map((l) => l.split(':')[0]!))];
  for (const h of hostMap.values()) if (!hosts.includes(h)) hosts.push(h);

  // ---- the stream
  const out: Transition[] = [];
  const T = (t: number): number => r6(Math.max(0, t - origin!));
  const emit = (tr: Transition): void => {
    out.push(tr);
  };
  const scenarioName = opts.scenario ?? c.header.case ?? 'kernel trace';
  const driver =
    opts.driver ?? (/scsi_debug/.test(c.header.guest ?? '') ? 'scsi_debug' : 'unknown');
  emit({
    t: 0,
    type: 'run-start',
    version: STREAM_VERSION,
    scenario: scenarioName,
    seed: 0,
    hosts: hosts.map((id) => ({ id, driver })),
    luns: lunList,
  });

  const holders = new Map<NodeId, Set<BlockScope>>();
  const inEh = new Set<NodeId>();
  const offline = new Set<NodeId>();
  const shown = new Map<NodeId, string>();
  const refresh = (on: NodeId, t: number): void => {
    const h = holders.get(on);
    let by: BlockScope | null = null;
    if (h) for (const s of h) if (by === null || RANK[s] > RANK[by]) by = s;
    const state: DeviceState = offline.has(on)
      ? 'offline'
      : by === null
        ? 'running'
        : inEh.has(on)
          ? 'recovering'
          : 'blocked';
    const key = `${state}/${by}`;
    if ((shown.get(on) ?? 'running/null') === key) return;
    shown.set(on, key);
    emit({ t: T(t), type: 'device', on, state, blockedBy: state === 'offline' ? null : by });
  };
  const hold = (on: NodeId, s: BlockScope, t: number): void => {
    let h = holders.get(on);
    if (!h) holders.set(on, (h = new Set()));
    h.add(s);
    refresh(on, t);
  };
  const lunsOfTarget = (tgt: NodeId): NodeId[] => lunList.filter((l) => l.startsWith(tgt + ':'));
  const lunsOfHost = (h: string): NodeId[] => lunList.filter((l) => l.startsWith(h + ':'));

  // steps
  let stepId = 0;
  interface Open {
    id: number;
    step: StepKind;
    scope: BlockScope | null;
    on: NodeId;
    fn: string;
    detail?: string;
    retried?: boolean;
  }
  const startStep = (
    t: number,
    step: StepKind,
    scope: BlockScope | null,
    on: NodeId,
    fn: string,
  ): Open => {
    const s: Open = { id: ++stepId, step, scope, on, fn };
    emit({ t: T(t), type: 'step', id: s.id, phase: 'start', step, scope, on, fn });
    return s;
  };
  const endStep = (t: number, s: Open, result: StepResult, detail?: string): void => {
    emit({
      t: T(t),
      type: 'step',
      id: s.id,
      phase: 'end',
      step: s.step,
      scope: s.scope,
      on: s.on,
      fn: s.fn,
      result,
      ...((detail ?? s.detail) ? { detail: detail ?? s.detail } : {}),
    });
  };

  // commands
  let cmdSeq = 0;
  const cmdOf = new Map<string, number>();
  const cmdId = (on: NodeId, lba: string): number => {
    const k = `${on}/${lba}`;
    let id = cmdOf.get(k);
    if (id === undefined) cmdOf.set(k, (id = ++cmdSeq));
    return id;
  };
  /** per LUN, the command in recovery (timed out, failed) and its LBA */
  const failedCmd = new Map<NodeId, { id: number; lba: string }>();
  const cmd = (
    t: number,
    on: NodeId,
    id: number,
    event: CmdEvent,
    fn: string,
    detail?: string,
  ): void => {
    emit({ t: T(t), type: 'cmd', on, cmd: id, event, fn, ...(detail ? { detail } : {}) });
  };
  const faults: TraceResult['faults'] = [];
  const resolved = new Map<NodeId, number>();
  const eioTimes = new Map<NodeId, number[]>();
  const addEio = (on: NodeId, t: number): void => {
    const l = eioTimes.get(on) ?? [];
    l.push(t);
    eioTimes.set(on, l);
  };
  const resolve = (on: NodeId, t: number): void => {
    if (
      !resolved.has(on) &&
      faults.some((f) => f.on === on && (f.kind === 'timeout' || f.kind === 'medium-error'))
    )
      resolved.set(on, t);
  };

  // ladders
  interface HostRec {
    open: Open | null;
    drain: Open | null;
    pendingSettle: { kind: 'bus' | 'host'; start: number; step: Open } | null;
  }
  const hostRec = new Map<string, HostRec>();
  const lunLadder = new Map<NodeId, { drain: Open | null; last: number }>();
  const tmfHeld = new Map<string, { by: object; end: number }>();
  /** a ladder that ends gives its TMF slot back then */
  const releaseSlot = (l: object | undefined, h: string, t: number): void => {
    const held = tmfHeld.get(h);
    if (l && held?.by === l) held.end = t;
  };
  const caseMarker = c.events.find((e) => e.event === 'marker' && /^case /.test(e.text ?? ''));
  const tmfBound = Number(/scoped_eh_tmfs=(\d+)/.exec(caseMarker?.text ?? '')?.[1] ?? 1);
  const tgtLadder = new Map<NodeId, { drain: Open | null; last: number }>();
  const asyncAbort = new Map<NodeId, Open>();
  const pendingSched = new Map<NodeId, number>();
  const scopedAbort = new Set<NodeId>();
  let escalations = 0;
  let stepCount = 0;

  const factAt = (t: number, pred: (f: Fact) => boolean, within = 0.1): boolean =>
    facts.some((f) => Math.abs(f.t - t) <= within && pred(f));

  const beginHost = (h: string, t: number, why: string): HostRec => {
    let r = hostRec.get(h);
    if (r) return r;
    r = { open: null, drain: null, pendingSettle: null };
    hostRec.set(h, r);
    emit({
      t: T(t),
      type: 'op',
      op: 'block-io',
      scope: 'host',
      on: h,
      fn: 'scsi_eh_scmd_add -> scsi_host_set_state(SHOST_RECOVERY)',
      detail: why,
    });
    emit({ t: T(t), type: 'host', on: h, state: 'recovery', fn: 'scsi_eh_scmd_add' });
    for (const l of lunsOfHost(h)) hold(l, 'host', t);
    r.drain = startStep(t, 'drain', 'host', h, 'scsi_error_handler');
    return r;
  };
  const wakeHost = (h: string, t: number): HostRec => {
    const r = beginHost(h, t, 'the error handler woke');
    if (r.drain) {
      endStep(t, r.drain, 'done');
      r.drain = null;
      emit({ t: T(t), type: 'op', op: 'wake-up', scope: 'host', on: h, fn: 'scsi_eh_wakeup' });
    }
    return r;
  };
  /** The open host step ends: a reset that was not reported failed succeeded. */
  const closeHostStep = (r: HostRec, t: number): void => {
    if (r.pendingSettle) {
      const ps = r.pendingSettle;
      const settle = ps.kind === 'bus' ? (opts.busSettle ?? 10) : (opts.hostSettle ?? 10);
      const resetEnd = Math.max(ps.start, t - settle);
      endStep(resetEnd, ps.step, 'success');
      const s = startStep(
        resetEnd,
        'settle',
        'host',
        ps.step.on,
        ps.kind === 'bus' ? 'ssleep(BUS_RESET_SETTLE_TIME)' : 'ssleep(HOST_RESET_SETTLE_TIME)',
      );
      endStep(t, s, 'done');
      stepCount++;
      r.pendingSettle = null;
    }
    if (r.open) {
      endStep(t, r.open, r.open.step === 'tur' ? 'ready' : 'success');
      r.open = null;
    }
  };
  const hostStep = (h: string, t: number, step: StepKind, on: NodeId, fn: string): void => {
    const r = wakeHost(h, t);
    closeHostStep(r, t);
    r.open = startStep(t, step, 'host', on, fn);
    stepCount++;
  };
  const endHost = (h: string, t: number): void => {
    const r = hostRec.get(h);
    if (!r) return;
    closeHostStep(r, t);
    if (r.drain) endStep(t, r.drain, 'done');
    emit({
      t: T(t),
      type: 'op',
      op: 'unblock-io',
      scope: 'host',
      on: h,
      fn: 'scsi_restart_operations',
    });
    emit({ t: T(t), type: 'host', on: h, state: 'running', fn: 'scsi_restart_operations' });
    hostRec.delete(h);
    for (const l of lunsOfHost(h)) {
      holders.get(l)?.delete('host');
      if (!holders.get(l)?.size) inEh.delete(l);
      refresh(l, t);
    }
  };
  const targetOf = (on: NodeId): NodeId => on.split(':').slice(0, 3).join(':');
  const hostOfNode = (on: NodeId): string => on.split(':')[0]!;

  for (const f of facts) {
    const t = f.t;
    if (f.k === 'lun-block') {
      const on = mapNode(f.on);
      inEh.add(on);
      emit({
        t: T(t),
        type: 'op',
        op: 'block-io',
        scope: 'lun',
        on,
        fn: 'scsi_device_eh_scmd_add -> blk_mq_quiesce_queue_nowait',
      });
      hold(on, 'lun', t);
      lunLadder.set(on, {
        drain: startStep(t, 'drain', 'lun', on, 'scsi_device_eh_scmd_add'),
        last: t,
      });
      continue;
    }
    if (f.k === 'target-block') {
      const tgt = mapNode(f.tgt);
      emit({
        t: T(t),
        type: 'op',
        op: 'block-io',
        scope: 'target',
        on: tgt,
        fn: 'scsi_target_eh_block -> blk_mq_quiesce_queue (each device)',
      });
      for (const l of lunsOfTarget(tgt)) hold(l, 'target', t);
      tgtLadder.set(tgt, {
        drain: startStep(t, 'drain', 'target', tgt, 'scsi_target_eh_scmd_add'),
        last: t,
      });
      continue;
    }
    if (f.k === 'ev') {
      const e = f.r;
      const fl = e.fields;
      if (e.event === 'marker') {
        const m = /^fault on=(\d+:\d+:\d+:\d+) kind=([\w-]+)/.exec(e.text ?? '');
        if (m && (FAULT_KINDS as readonly string[]).includes(m[2]!)) {
          const on = mapNode(m[1]!);
          const kind = m[2] as FaultKind;
          faults.push({ on, kind, t: T(t) });
          emit({ t: T(t), type: 'fault', on, fault: kind, phase: 'on' });
        }
        continue;
      }
      switch (e.event) {
        case 'scsi_dispatch_cmd_timeout': {
          const on = mapNode(devOfFields(fl));
          const lba = lbaOf(fl);
          const id = cmdId(on, lba);
          failedCmd.set(on, { id, lba });
          inEh.add(on);
          cmd(t, on, id, 'timeout', 'scsi_timeout');
          const ps = pendingSched.get(on);
          if (ps !== undefined && t - ps < 0.01)
            cmd(t, on, id, 'abort-scheduled', 'scsi_abort_command');
          pendingSched.delete(on);
          break;
        }
        case 'scsi_dispatch_cmd_start': {
          const on = mapNode(devOfFields(fl));
          const h = hostOfNode(on);
          // no "waking up host to restart" line (no log): I/O dispatched again ends it
          if (hostRec.has(h) && !c.log.length) endHost(h, t);
          break;
        }
        case 'scsi_dispatch_cmd_done': {
          const on = mapNode(devOfFields(fl));
          const lba = lbaOf(fl);
          const fc = failedCmd.get(on);
          const res = fl.result ?? '';
          const good = /host=DID_OK/.test(res) && /status=SAM_STAT_GOOD/.test(res);
          if (/SAM_STAT_CHECK_CONDITION/.test(res) && /key=0x3\b/.test(fl.sense ?? '')) {
            const id = cmdId(on, lba);
            cmd(t, on, id, 'medium-error', 'scsi_io_completion', 'CHECK CONDITION 03/11');
            resolve(on, t);
          } else if (fc && fc.lba === lba && good) {
            cmd(t, on, fc.id, 'completed-after-retry', 'scsi_finish_command');
            failedCmd.delete(on);
            cmdOf.delete(`${on}/${lba}`);
            resolve(on, t);
          }
          break;
        }
        case 'scsi_eh_wakeup':
          wakeHost(mapHost(fl.host_no!), t);
          break;
        case 'scsi_eh_scoped_start': {
          const on = mapNode(devOfFields(fl));
          ladderStarts(t, lunLadder.get(on), 'lun', on, 'scsi_device_eh_wakeup');
          break;
        }
        case 'scsi_eh_scoped_step': {
          const on = mapNode(devOfFields(fl));
          const l = lunLadder.get(on) ?? { drain: null, last: t };
          scopedStep(t, l, 'lun', on, fl.step!, fl.result!);
          break;
        }
        case 'scsi_eh_scoped_escalate': {
          const on = mapNode(devOfFields(fl));
          const tgtRaw = tgtOfFields(fl);
          const toTarget = factAt(t, (x) => x.k === 'target-block' && x.tgt === tgtRaw);
          escalations++;
          emit({
            t: T(t),
            type: 'escalate',
            from: 'lun',
            to: toTarget ? 'target' : 'host',
            on,
            fn: toTarget
              ? 'scsi_device_eh_escalate -> scsi_target_eh_join'
              : 'scsi_device_eh_escalate -> scsi_eh_scmd_add',
            reason: `the LUN ladder handed ${fl.cmds} command(s) on`,
          });
          if (!toTarget) beginHost(hostOfNode(on), t, 'handed over by the LUN ladder');
          break;
        }
        case 'scsi_eh_scoped_end': {
          const on = mapNode(devOfFields(fl));
          releaseSlot(lunLadder.get(on), hostOfNode(on), t);
          lunLadder.delete(on);
          emit({
            t: T(t),
            type: 'op',
            op: 'unblock-io',
            scope: 'lun',
            on,
            fn: 'scsi_device_eh_unblock -> blk_mq_unquiesce_queue',
          });
          holders.get(on)?.delete('lun');
          if (fl.result === 'recovered' && !holders.get(on)?.size) inEh.delete(on);
          refresh(on, t);
          break;
        }
        case 'scsi_eh_target_start': {
          const tgt = mapNode(tgtOfFields(fl));
          ladderStarts(t, tgtLadder.get(tgt), 'target', tgt, 'scsi_target_eh_wakeup');
          break;
        }
        case 'scsi_eh_target_step': {
          const tgt = mapNode(tgtOfFields(fl));
          const l = tgtLadder.get(tgt) ?? { drain: null, last: t };
          const on = fl.lun === '-1' ? tgt : `${tgt}:${fl.lun}`;
          scopedStep(t, l, 'target', on, fl.step!, fl.result!);
          break;
        }
        case 'scsi_eh_target_escalate': {
          const tgt = mapNode(tgtOfFields(fl));
          escalations++;
          emit({
            t: T(t),
            type: 'escalate',
            from: 'target',
            to: 'host',
            on: tgt,
            fn: 'scsi_target_eh_escalate -> scsi_eh_scmd_add',
            reason: `the target ladder handed ${fl.cmds} command(s) on`,
          });
          beginHost(hostOfNode(tgt), t, 'handed over by the target ladder');
          break;
        }
        case 'scsi_eh_target_end': {
          const tgt = mapNode(tgtOfFields(fl));
          releaseSlot(tgtLadder.get(tgt), hostOfNode(tgt), t);
          tgtLadder.delete(tgt);
          emit({
            t: T(t),
            type: 'op',
            op: 'unblock-io',
            scope: 'target',
            on: tgt,
            fn: 'scsi_target_eh_unblock -> blk_mq_unquiesce_queue (each device)',
          });
          for (const l of lunsOfTarget(tgt)) {
            holders.get(l)?.delete('target');
            if (fl.result === 'recovered' && !holders.get(l)?.size) inEh.delete(l);
            refresh(l, t);
          }
          break;
        }
        default:
          break;
      }
      continue;
    }
    // kernel log
    const msg = f.msg;
    if (f.r.text.startsWith('scsitrace: ')) continue;
    if (f.on) {
      const on = mapNode(f.on);
      const h = hostOfNode(on);
      if (msg === 'abort left to scoped recovery') {
        // patch 21: the LUN's own ladder aborts it; its abort lines are the ladder's
        const fc = failedCmd.get(on);
        if (fc) cmd(t, on, fc.id, 'abort-scheduled', 'scsi_abort_command', msg);
        scopedAbort.add(on);
      } else if (
        scopedAbort.has(on) &&
        (msg === 'aborting command' || /^cmd abort |aborted command$/.test(msg))
      ) {
        if (msg !== 'aborting command') scopedAbort.delete(on);
      } else if (msg === 'abort scheduled') {
        // printed by scsi_timeout after the timeout event; the clocks' tie may put it a
        // hair before: then it goes with the timeout that follows
        const fc = failedCmd.get(on);
        if (fc) cmd(t, on, fc.id, 'abort-scheduled', 'scsi_abort_command');
        else pendingSched.set(on, t);
      } else if (msg === 'aborting command') {
        asyncAbort.set(
          on,
          startStep(t, 'abort', null, on, 'scmd_eh_abort_handler -> eh_abort_handler'),
        );
        stepCount++;
      } else if (msg === 'cmd abort failed' || msg === 'cmd abort not send') {
        const s = asyncAbort.get(on);
        if (s) endStep(t, s, 'failed');
        asyncAbort.delete(on);
        inEh.add(on);
        const tgtRaw = targetOf(f.on);
        // the failed command went to a scoped ladder if one blocks its device or target
        // from about now (blocked_ms counts from a little after)
        const scoped = facts.some(
          (x) =>
            x.t >= t - 0.1 &&
            x.t <= t + 2 &&
            ((x.k === 'lun-block' && x.on === f.on) ||
              (x.k === 'target-block' && x.tgt === tgtRaw)),
        );
        if (!scoped) beginHost(h, t, 'cmd abort failed');
        refresh(on, t);
      } else if (msg === 'retry aborted command' || msg === 'finish aborted command') {
        const s = asyncAbort.get(on);
        if (s) endStep(t, s, 'success');
        asyncAbort.delete(on);
        const fc = failedCmd.get(on);
        if (fc && msg === 'retry aborted command')
          cmd(t, on, fc.id, 'retry', 'scmd_eh_abort_handler', 'retry aborted command');
      } else if (/^scsi_eh_\d+: Sending BDR/.test(msg)) {
        hostStep(h, t, 'lun-reset', on, 'scsi_eh_bus_device_reset -> eh_device_reset_handler');
      } else if (/^scsi_eh_\d+: BDR failed/.test(msg)) {
        const r = hostRec.get(h);
        if (r?.open?.step === 'lun-reset') {
          endStep(t, r.open, 'failed');
          r.open = null;
        }
      } else if (/^scsi_eh_\d+: Sending START_UNIT/.test(msg)) {
        hostStep(h, t, 'start-unit', on, 'scsi_eh_stu');
      } else if (/^scsi_eh_\d+: START_UNIT failed/.test(msg)) {
        const r = hostRec.get(h);
        if (r?.open?.step === 'start-unit') {
          endStep(t, r.open, 'failed');
          r.open = null;
        }
      } else if (/^scsi_eh_done result|^scsi_send_eh_cmnd/.test(msg)) {
        const r = hostRec.get(h);
        if (r && r.open?.step !== 'tur' && r.open?.step !== 'start-unit') {
          closeHostStep(r, t);
          r.open = startStep(t, 'tur', 'host', on, 'scsi_eh_tur');
          stepCount++;
        }
      } else if (/^scsi_eh_tur return: ([0-9a-f]+)/.test(msg)) {
        const code = /^scsi_eh_tur return: ([0-9a-f]+)/.exec(msg)![1]!;
        const r = hostRec.get(h);
        if (r) {
          if (r.open?.step !== 'tur') {
            closeHostStep(r, t);
            r.open = startStep(t, 'tur', 'host', on, 'scsi_eh_tur');
            stepCount++;
          }
          const s = r.open!;
          if (code === '2001' && !s.retried) {
            s.retried = true;
            s.detail = 'NEEDS_RETRY (unit attention), then again';
          } else {
            endStep(
              t,
              s,
              code === '2002' ? 'ready' : 'not-ready',
              s.detail ? `${s.detail}: ${code}` : undefined,
            );
            r.open = null;
          }
        }
      } else if (/^Device offlined/.test(msg)) {
        const r = wakeHost(h, t);
        closeHostStep(r, t);
        const s = startStep(t, 'offline', 'host', on, 'scsi_eh_offline_sdevs');
        endStep(t, s, 'done');
        stepCount++;
        offline.add(on);
        refresh(on, t);
      } else if (/flush retry cmd$/.test(msg)) {
        const fc = failedCmd.get(on);
        cmd(t, on, fc?.id ?? cmdId(on, '?'), 'retry', 'scsi_eh_flush_done_q', 'flush retry cmd');
      } else if (/^\S+ Result: hostbyte=/.test(msg)) {
        const fc = failedCmd.get(on);
        cmd(t, on, fc?.id ?? ++cmdSeq, 'eio', 'scsi_finish_command', msg);
        if (fc) failedCmd.delete(on);
        addEio(on, t);
        resolve(on, t);
      } else if (/^rejecting I\/O to offline device/.test(msg)) {
        cmd(t, on, ++cmdSeq, 'rejected-offline', 'scsi_prep_state_check');
        addEio(on, t);
        resolve(on, t);
      }
      continue;
    }
    if (f.host !== undefined) {
      const h = mapHost(f.host);
      if (
        msg === 'Waking error handler thread' ||
        /^scsi_eh_\d+: waking up/.test(msg) ||
        /^Total of \d+ commands/.test(msg)
      ) {
        wakeHost(h, t);
      } else if (/^scsi_eh_\d+: Sending target reset to target (\d+)/.test(msg)) {
        const id = /target (\d+)/.exec(msg)![1]!;
        const lun = lunList.find((l) => l.startsWith(h + ':') && l.split(':')[2] === id);
        const tgt = lun ? targetOf(lun) : `${h}:0:${id}`;
        hostStep(h, t, 'target-reset', tgt, 'scsi_eh_target_reset -> eh_target_reset_handler');
      } else if (/Target reset failed/.test(msg)) {
        const r = hostRec.get(h);
        if (r?.open?.step === 'target-reset') {
          endStep(t, r.open, 'failed');
          r.open = null;
        }
      } else if (/^scsi_eh_\d+: Sending BRST chan: (\d+)/.test(msg)) {
        const ch = /chan: (\d+)/.exec(msg)![1]!;
        hostStep(h, t, 'bus-reset', `${h}:${ch}`, 'scsi_eh_bus_reset -> eh_bus_reset_handler');
        const r = hostRec.get(h)!;
        r.pendingSettle = { kind: 'bus', start: t, step: r.open! };
        r.open = null;
      } else if (/BRST failed/.test(msg)) {
        const r = hostRec.get(h);
        if (r?.pendingSettle?.kind === 'bus') {
          endStep(t, r.pendingSettle.step, 'failed');
          r.pendingSettle = null;
        }
      } else if (/^scsi_eh_\d+: Sending HRST/.test(msg)) {
        hostStep(h, t, 'host-reset', h, 'scsi_eh_host_reset -> eh_host_reset_handler');
        const r = hostRec.get(h)!;
        r.pendingSettle = { kind: 'host', start: t, step: r.open! };
        r.open = null;
      } else if (/HRST failed/.test(msg)) {
        const r = hostRec.get(h);
        if (r?.pendingSettle?.kind === 'host') {
          endStep(t, r.pendingSettle.step, 'failed');
          r.pendingSettle = null;
        }
      } else if (msg === 'waking up host to restart') {
        endHost(h, t);
      }
    }
  }

  /** A scoped ladder starts: its wait for commands in flight ends, and the handler is woken. */
  function ladderStarts(
    t: number,
    l: { drain: Open | null; last: number } | undefined,
    scope: 'lun' | 'target',
    on: NodeId,
    wake: string,
  ): void {
    if (!l?.drain) return;
    endStep(t, l.drain, 'done');
    l.drain = null;
    l.last = t;
    emit({
      t: T(t),
      type: 'op',
      op: 'wake-up',
      scope,
      on,
      fn: `${wake} -> queue_work(scsi_eh_scope)`,
    });
  }

  function scopedStep(
    t: number,
    l: { drain: Open | null; last: number },
    scope: BlockScope,
    on: NodeId,
    name: string,
    result: string,
  ): void {
    const step = STEP_NAMES[name] ?? null;
    if (step === null) return;
    const r: StepResult =
      result === 'skipped'
        ? 'skipped'
        : step === 'tur'
          ? result === 'success'
            ? 'ready'
            : 'not-ready'
          : result === 'success'
            ? 'success'
            : 'failed';
    // a reset and the TUR after it are traced together, after the TUR: the TUR took no
    // time of its own that the trace shows
    let start = step === 'tur' ? t : l.last;
    const fn = scope === 'lun' ? `scsi_device_eh_step(${name})` : `scsi_target_eh_step(${name})`;
    // one scoped TMF at a time on the host (max_scoped_eh_tmfs 1, unless the case says
    // otherwise): a TMF that ended while this one ran held the slot this one waited for
    const h = hostOfNode(on);
    const held = tmfHeld.get(h);
    if (
      TMF_STEPS.has(step) &&
      tmfBound === 1 &&
      held &&
      held.by !== l &&
      held.end > start &&
      held.end < t
    ) {
      const w = startStep(start, 'tmf-slot', scope, on, 'scsi_eh_scoped_tmf_get');
      endStep(held.end, w, 'done');
      start = held.end;
    }
    const s = startStep(Math.min(start, t), step, scope, on, fn);
    endStep(t, s, r);
    // the TUR after a reset is part of it (scsi_eh_scoped_tmf_put after the TUR)
    if ((TMF_STEPS.has(step) || (step === 'tur' && held?.by === l)) && r !== 'skipped')
      tmfHeld.set(h, { by: l, end: t });
    if (r !== 'skipped') stepCount++;
    l.last = t;
  }

  // ---- io ticks from fio
  const fio = new Map<NodeId, { c: number[]; s: number[] }>();
  let fioCount = 0;
  for (const [lun, lines] of c.fio) {
    const on = mapNode(lun);
    const cs: number[] = [];
    const ss: number[] = [];
    for (const l of lines) {
      const ct = l.ms / 1000 + fioShift;
      cs.push(ct);
      ss.push(ct - l.latNs / 1e9);
    }
    fioCount += lines.length;
    fio.set(on, { c: cs, s: ss });
  }
  let lastT = facts.length ? facts[facts.length - 1]!.t : origin;
  for (const v of fio.values()) if (v.c.length) lastT = Math.max(lastT, v.c[v.c.length - 1]!);
  if (fio.size) {
    const idx = new Map<NodeId, { i: number; out: number; eio: number }>();
    for (const on of fio.keys()) idx.set(on, { i: 0, out: -1, eio: 0 });
    const ticks = Math.min(Math.ceil((lastT - origin) / tick), 10_000_000);
    for (let k = 1; k <= ticks; k++) {
      const end = origin + k * tick;
      const lunsTick: { on: NodeId; done: number; failed: number; outstanding: number }[] = [];
      for (const [on, v] of fio) {
        const st = idx.get(on)!;
        let done = 0;
        while (st.i < v.c.length && v.c[st.i]! <= end) {
          if (v.c[st.i]! > end - tick) done++;
          st.i++;
        }
        const eios = eioTimes.get(on) ?? [];
        let failed = 0;
        while (st.eio < eios.length && eios[st.eio]! <= end) {
          failed++;
          st.eio++;
        }
        // queue depth 1 in the recordings: the next completion's command was out if it was
        // submitted by the tick's end
        let outstanding = 0;
        for (let j = st.i; j < v.c.length && v.s[j]! <= end; j++) outstanding++;
        if (done || failed || outstanding !== st.out) {
          lunsTick.push({ on, done, failed, outstanding });
          st.out = outstanding;
        }
      }
      if (lunsTick.length) emit({ t: r6(k * tick), type: 'io', dt: tick, luns: lunsTick });
    }
  }

  // ---- order and metrics
  const order = out.map((tr, i) => ({ tr, i }));
  order.sort((a, b) => a.tr.t - b.tr.t || a.i - b.i);
  const transitions = order.map((x) => x.tr);
  const end = r6(Math.max(0, lastT - origin));
  const failing = [
    ...new Set(
      faults.filter((x) => x.kind === 'timeout' || x.kind === 'medium-error').map((x) => x.on),
    ),
  ];
  const metrics = analyzeMetrics({
    luns: lunList,
    failing,
    faults: faults.filter((x) => x.kind === 'timeout' || x.kind === 'medium-error'),
    resolved: new Map([...resolved].map(([k, v]) => [k, T(v)])),
    completions: new Map([...fio].map(([k, v]) => [k, v.c.map((x) => x - origin!)])),
    eio: new Map([...eioTimes].map(([k, v]) => [k, v.length])),
    offline: [...offline],
    rate: opts.rate ?? null,
    escalations,
    steps: stepCount,
    end,
  });
  transitions.push({ t: end, type: 'metrics', metrics });
  transitions.push({ t: end, type: 'run-end' });
  // jiffies against the clock, from two "jiffies hz=.. jiffies=.. now_ns=.." markers
  const jif: { j: number; ns: number; hz: number }[] = [];
  for (const e of c.events) {
    const m =
      e.event === 'marker'
        ? /^jiffies hz=(\d+) jiffies=(\d+) now_ns=(\d+)/.exec(e.text ?? '')
        : null;
    if (m) jif.push({ hz: Number(m[1]), j: Number(m[2]), ns: Number(m[3]) });
  }
  const j0 = jif[0];
  const j1 = jif[jif.length - 1];
  // else from two "ticks nproc=N cpu ..." markers (/proc/stat's cpu line, USER_HZ): the
  // periodic tick accounts one tick a CPU as it advances jiffies, and loses both alike
  const acct: { t: number; s: number }[] = [];
  for (const e of c.events) {
    const m =
      e.event === 'marker' ? /^ticks nproc=(\d+) cpu\s+([\d\s]+)$/.exec(e.text ?? '') : null;
    if (!m) continue;
    const f = m[2]!.trim().split(/\s+/).map(Number).slice(0, 8);
    acct.push({ t: e.ts, s: f.reduce((a, b) => a + b, 0) / (100 * Number(m[1])) });
  }
  const a0 = acct[0];
  const a1 = acct[acct.length - 1];
  const tickRate =
    j0 && j1 && j1.ns > j0.ns && j0.hz > 0
      ? r6((j1.j - j0.j) / j0.hz / ((j1.ns - j0.ns) / 1e9))
      : a0 && a1 && a1.t > a0.t
        ? r6((a1.s - a0.s) / (a1.t - a0.t))
        : null;
  return {
    transitions,
    header: c.header,
    faults,
    stats: {
      lines: c.lines,
      unknown: c.unknown,
      ignored: c.ignored,
      events: c.events.length,
      logLines: c.log.length,
      fioCompletions: fioCount,
      clocks,
      tickRate,
    },
  };
}

const TMF_STEPS = new Set<StepKind>(['abort', 'lun-reset', 'target-reset', 'start-unit']);

const STEP_NAMES: Record<string, StepKind> = {
  abort: 'abort',
  get_sense: 'get-sense',
  start_unit: 'start-unit',
  lun_reset: 'lun-reset',
  target_reset: 'target-reset',
  tur: 'tur',
};

function fioStart(c: Collected, shift: number): number {
  let first = Infinity;
  for (const l of c.fio.values()) if (l.length) first = Math.min(first, l[0]!.ms / 1000 + shift);
  return first === Infinity ? 0 : first;
}
function devOfFields(f: Record<string, string>): NodeId {
  return `${f.host_no}:${f.channel}:${f.id}:${f.lun}`;
}
function tgtOfFields(f: Record<string, string>): NodeId {
  return `${f.host_no}:${f.channel}:${f.id}`;
}
function lbaOf(f: Record<string, string>): string {
  const m = /lba=(\d+)/.exec(f.cmnd ?? '');
  return m ? m[1]! : '?';
}
function cmpNode(a: NodeId, b: NodeId): number {
  const x = a.split(':').map(Number);
  const y = b.split(':').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d) return d;
  }
  return 0;
}
