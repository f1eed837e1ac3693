// Reading a transition stream back: the steps that ran with what was blocked while each
// ran, the escalations, and each device's blocked spans. Pure, for tests, the CLI and the
// page alike; it works on any stream, simulated or (later) imported from a kernel trace.
import type {
  BlockScope,
  DeviceState,
  NodeId,
  StepKind,
  StepResult,
  StepTransition,
  Transition,
} from './stream';

export interface StepRecord {
  id: number;
  step: StepKind;
  scope: BlockScope | null;
  on: NodeId;
  fn: string;
  start: number;
  end: number | null;
  result: StepResult | null;
  /** Devices not running when the step started, with what blocked them */
  blocked: Map<NodeId, BlockScope | null>;
}

export interface Span {
  start: number;
  end: number;
  by: BlockScope | null;
}

export interface Analysis {
  steps: StepRecord[];
  escalations: { t: number; from: BlockScope; to: BlockScope; on: NodeId }[];
  /** Per device, the spans in which it was blocked or recovering */
  blockedSpans: Map<NodeId, Span[]>;
  finalStates: Map<NodeId, DeviceState>;
  hostRecoveries: Span[];
  end: number;
}

/** A step as its start transition tells it: not ended yet, no result. */
export function openStep(tr: StepTransition): Omit<StepRecord, 'blocked'> {
  return {
    id: tr.id,
    step: tr.step,
    scope: tr.scope,
    on: tr.on,
    fn: tr.fn,
    start: tr.t,
    end: null,
    result: null,
  };
}

export function analyze(transitions: readonly Transition[]): Analysis {
  const states = new Map<NodeId, { state: DeviceState; by: BlockScope | null }>();
  const out = new Map<NodeId, { since: number; by: BlockScope | null }>();
  const steps: StepRecord[] = [];
  const byId = new Map<number, StepRecord>();
  const escalations: Analysis['escalations'] = [];
  const blockedSpans = new Map<NodeId, Span[]>();
  const hostRecoveries: Span[] = [];
  const hostSince = new Map<NodeId, number>();
  let end = 0;
  const close = (on: NodeId, t: number): void => {
    const o = out.get(on);
    if (!o) return;
    const list = blockedSpans.get(on) ?? [];
    list.push({ start: o.since, end: t, by: o.by });
    blockedSpans.set(on, list);
    out.delete(on);
  };
  for (const tr of transitions) {
    end = Math.max(end, tr.t);
    switch (tr.type) {
      case 'run-start':
        for (const l of tr.luns) states.set(l, { state: 'running', by: null });
        break;
      case 'device': {
        states.set(tr.on, { state: tr.state, by: tr.blockedBy });
        // one span while the device is out of service, whatever moves it between
        // blocked and recovering; it carries the widest scope that held it
        if (tr.state === 'blocked' || tr.state === 'recovering') {
          const o = out.get(tr.on);
          if (!o) out.set(tr.on, { since: tr.t, by: tr.blockedBy });
          else o.by = widerScope(o.by, tr.blockedBy);
        } else close(tr.on, tr.t);
        break;
      }
      case 'host':
        if (tr.state === 'recovery') hostSince.set(tr.on, tr.t);
        else hostRecoveries.push({ start: hostSince.get(tr.on) ?? 0, end: tr.t, by: 'host' });
        break;
      case 'step':
        if (tr.phase === 'start') {
          const blocked = new Map<NodeId, BlockScope | null>();
          for (const [on, s] of states)
            if (s.state === 'blocked' || s.state === 'recovering') blocked.set(on, s.by);
          const rec: StepRecord = { ...openStep(tr), blocked };
          steps.push(rec);
          byId.set(tr.id, rec);
        } else {
          const rec = byId.get(tr.id);
          if (rec) {
            rec.end = tr.t;
            rec.result = tr.result ?? null;
          }
        }
        break;
      case 'escalate':
        escalations.push({ t: tr.t, from: tr.from, to: tr.to, on: tr.on });
        break;
      default:
        break;
    }
  }
  for (const on of [...out.keys()]) close(on, end);
  const finalStates = new Map<NodeId, DeviceState>();
  for (const [on, s] of states) finalStates.set(on, s.state);
  return { steps, escalations, blockedSpans, finalStates, hostRecoveries, end };
}

const RANK: Record<BlockScope, number> = { lun: 0, target: 1, host: 2 };
function widerScope(a: BlockScope | null, b: BlockScope | null): BlockScope | null {
  if (a === null) return b;
  if (b === null) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

export const scopeRank = (s: BlockScope): number => RANK[s];

/** "scope:step:result" for each step that ended, the waits (drain, TMF slot) and the steps that found nothing to do left out. */
export function ladderOf(a: Analysis): string[] {
  return a.steps
    .filter(
      (s) =>
        s.step !== 'drain' && s.step !== 'tmf-slot' && s.result !== null && s.result !== 'skipped',
    )
    .map((s) => `${s.scope ?? '-'}:${s.step}:${s.result}`);
}
