// The explanation panel: the selected step (a click in the timeline), else the step in
// progress at the cursor, else the last one; what the kernel does there, why it escalated,
// and which devices are blocked, by which scope.
import { useMemo } from 'react';
import { driverProfile, isSystemPolicy, type BlockScope, type Scope } from '../engine';
import {
  OP_TEXT,
  POLICY_BLOCK_TEXT,
  POLICY_EXPLAIN,
  RESULT_TEXT,
  SCOPE_TEXT,
  STEP_LABEL,
  STEP_TEXT,
} from '../explain/steps';
import { useSim } from '../store';

const sec = (x: number): string => `${x.toFixed(3)} s`;

/** The step kinds Linux's SCSI midlayer names, whose texts speak of its functions. */
const LINUX_STEPS = {
  abort: 1,
  drain: 1,
  'tmf-slot': 1,
  'get-sense': 1,
  'start-unit': 1,
  'lun-reset': 1,
  'target-reset': 1,
  'bus-reset': 1,
  'host-reset': 1,
  settle: 1,
  tur: 1,
  offline: 1,
  strategy: 1,
} as const;

export function Explain() {
  const view = useSim((s) => s.view);
  const timeline = useSim((s) => s.timeline);
  const selectedId = useSim((s) => s.selectedStep);
  const cursor = useSim((s) => s.cursor);
  const source = useSim((s) => s.source);
  const scenario = useSim((s) => s.scenario);

  const selected = useMemo(
    () => (selectedId === null ? null : (timeline?.steps.find((s) => s.id === selectedId) ?? null)),
    [selectedId, timeline],
  );
  const current = view?.active[view.active.length - 1] ?? null;
  const step = selected ?? current ?? view?.lastStep ?? null;
  const which = selected ? 'selected step' : current ? 'in progress' : step ? 'last step' : null;
  // the recovery of the host the step is on (else the first host's): Linux's or another system's
  const spec = scenario?.hosts[step ? Number(step.on.split(':')[0]) : 0] ?? scenario?.hosts[0];
  const policy: Scope | null = spec
    ? (spec.scope ?? driverProfile(spec.driver).defaultScope)
    : null;
  const other = policy !== null && isSystemPolicy(policy);
  // Linux's words for a step the other systems share (abort, resets) would mislead there
  const shared = step !== null && step.step in LINUX_STEPS;
  const stepText = step ? (other && shared ? POLICY_EXPLAIN[policy] : STEP_TEXT[step.step]) : '';
  const blockText = (s: BlockScope): string =>
    (policy !== null ? POLICY_BLOCK_TEXT[policy]?.[s] : undefined) ?? SCOPE_TEXT[s];

  const blocked = useMemo(() => {
    const counts: Record<BlockScope, string[]> = { host: [], target: [], lun: [] };
    for (const l of view?.luns ?? []) if (l.blockedBy) counts[l.blockedBy].push(l.id);
    return counts;
  }, [view]);
  const offline = view?.luns.filter((l) => l.state === 'offline').map((l) => l.id) ?? [];

  // the cover letter's three operations of the recovery the step belongs to
  const ops = useMemo(() => {
    if (!timeline || !step || step.scope === null) return [];
    const t = step.start;
    // the node whose recovery runs the step: its host, its target, or the LUN itself
    const parts = step.on.split(':');
    const node =
      step.scope === 'host'
        ? parts[0]!
        : step.scope === 'target'
          ? parts.slice(0, 3).join(':')
          : step.on;
    const mine = timeline.ops.filter(
      (o) =>
        o.scope === step.scope && o.t <= t + 1e-9 && (o.on === node || o.on.startsWith(`${node}:`)),
    );
    // the ops of that node's latest recovery: from its last block-io before the step
    let from = 0;
    for (let i = 0; i < mine.length; i++) if (mine[i]!.op === 'block-io') from = i;
    return mine.slice(from).slice(-6);
  }, [timeline, step]);

  const escalation =
    view?.lastEscalation && (!step || view.lastEscalation.t <= step.start + 1e-9)
      ? view.lastEscalation
      : null;
  const total = view?.luns.length ?? 0;

  return (
    <section className="panel explain" aria-label="Explanation" data-testid="explain">
      <h2>What is happening</h2>
      {step ? (
        <div
          data-testid="explain-step"
          data-step={step.step}
          data-step-id={step.id}
          data-which={which ?? ''}
        >
          <p className="step-title">
            <strong>{STEP_LABEL[step.step]}</strong> on {step.on}
            {step.scope ? ` (${step.scope} recovery)` : ' (asynchronous, blocks nothing)'} —{' '}
            <span className="which">{which}</span>
          </p>
          <p className="fn">
            {other ? 'Function' : 'Kernel'}: <code>{step.fn}</code>
          </p>
          <p>{stepText}</p>
          <p className="when">
            From {sec(step.start)}
            {step.end !== null && step.end !== undefined
              ? ` to ${sec(step.end)} (${(step.end - step.start).toFixed(3)} s)`
              : ' (running)'}
            {step.result ? `: ${RESULT_TEXT[step.result]}` : ''}
            {step.detail ? ` — ${step.detail}` : ''}
          </p>
        </div>
      ) : (
        <p data-testid="explain-step" data-step="">
          No recovery has run yet.{' '}
          {source === 'trace'
            ? 'Play the recording, or go to its next step.'
            : `Click a LUN to inject a fault: it is placed at the cursor (${sec(cursor)}).`}
        </p>
      )}
      {escalation ? (
        <p className="escalation" data-testid="explain-escalation">
          Escalated from {escalation.from} to {escalation.to} at {sec(escalation.t)} (
          <code>{escalation.fn}</code>): {escalation.reason}
        </p>
      ) : null}
      {ops.length ? (
        <div className="ops">
          <h3>The driver&apos;s three operations (cover letter)</h3>
          <ul>
            {ops.map((o, i) => (
              <li key={i} data-op={o.op}>
                {sec(o.t)} <strong>{OP_TEXT[o.op].split(':')[0]}</strong> on {o.on} —{' '}
                <code>{o.fn}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="blocked" data-testid="explain-blocked">
        <h3>Blocked now ({cursor.toFixed(2)} s)</h3>
        {blocked.host.length + blocked.target.length + blocked.lun.length === 0 ? (
          <p>Nothing: every device takes I/O{offline.length ? ' (but some are offline)' : ''}.</p>
        ) : (
          <ul>
            {(['host', 'target', 'lun'] as const).map((s) =>
              blocked[s].length ? (
                <li key={s} data-blocked-scope={s} data-count={blocked[s].length}>
                  <span className={`swatch swatch-${s}`} aria-hidden="true" />{' '}
                  <strong>
                    {blocked[s].length} of {total} LUNs
                  </strong>{' '}
                  by {blockText(s)}.
                </li>
              ) : null,
            )}
          </ul>
        )}
        {offline.length ? <p>Offline: {offline.join(', ')}</p> : null}
      </div>
      {policy !== null && policy !== 'host' ? (
        <p className="policy" data-testid="explain-policy" data-policy={policy}>
          <strong>Recovered by {policy}:</strong> {POLICY_EXPLAIN[policy]}
        </p>
      ) : null}
    </section>
  );
}
