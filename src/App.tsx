import { useEffect, useMemo, useState } from 'react';
import {
  describeTransition,
  driverProfile,
  presets,
  offeredScopes,
  withScope,
  STREAM_VERSION,
  type Metrics,
  type Scope,
  type Transition,
} from './engine';
import { simStore, startRun, useSim } from './store';

const PRESET_NAMES = Object.keys(presets);

function choose(name: string, scope: Scope | null): void {
  const base = presets[name];
  if (!base) return;
  simStore.getState().setScenario(scope ? withScope(base, scope) : base, name);
  void startRun();
}

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
const sec = (x: number | null): string => (x === null ? '–' : `${x.toFixed(3)} s`);

function MetricsPanel({ m }: { m: Metrics }) {
  const rows: [string, string][] = [
    [
      'recovery window',
      m.recoveryWindow ? `${sec(m.recoveryWindow[0])} → ${sec(m.recoveryWindow[1])}` : 'no fault',
    ],
    ['failing LUN recovered in', sec(m.recoveryTime)],
    [
      'healthy LUNs: availability mean / worst',
      `${pct(m.healthyAvailabilityMean)} / ${pct(m.healthyAvailabilityWorst)}`,
    ],
    ['healthy LUNs: longest gap', sec(m.healthyLongestGap)],
    ['I/O failed with EIO', String(m.eio)],
    ['devices offlined', m.offlined.length ? m.offlined.join(', ') : 'none'],
    ['escalations', String(m.escalations)],
  ];
  return (
    <dl className="metrics" data-testid="metrics">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd data-metric={k}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function App() {
  const presetName = useSim((s) => s.presetName);
  const scenario = useSim((s) => s.scenario);
  const status = useSim((s) => s.status);
  const error = useSim((s) => s.error);
  const transitions = useSim((s) => s.transitions);
  const [showIo, setShowIo] = useState(false);
  const [scope, setScope] = useState<Scope | null>(null);

  // One run as the page loads.
  useEffect(() => {
    void startRun();
  }, []);

  const shown = useMemo<Transition[]>(
    () => (showIo ? transitions : transitions.filter((t) => t.type !== 'io')),
    [transitions, showIo],
  );
  const metrics = useMemo(() => {
    for (let i = transitions.length - 1; i >= 0; i--) {
      const t = transitions[i]!;
      if (t.type === 'metrics') return t.metrics;
    }
    return null;
  }, [transitions]);
  const base = presets[presetName];
  const scopes = base ? offeredScopes(base) : [];

  return (
    <div className="page" data-status={status}>
      <header>
        <h1>SCSI error recovery — visualizer</h1>
        <p className="preset">
          <strong>{scenario.name}</strong>
          {scenario.description ? ` — ${scenario.description}` : ''}
        </p>
        <p className="preset" data-testid="hosts">
          {scenario.hosts
            .map(
              (h, i) =>
                `host ${i}: ${h.driver}, ${h.channels ?? 1} x ${h.targets} x ${h.lunsPerTarget} LUNs, ${h.scope ?? driverProfile(h.driver).defaultScope} scope`,
            )
            .join('; ')}
          . Stream version <code>{STREAM_VERSION}</code>.
        </p>
      </header>

      <section className="controls" aria-label="Run">
        <label>
          Preset{' '}
          <select
            value={presetName}
            onChange={(e) => {
              setScope(null);
              choose(e.target.value, null);
            }}
            data-testid="preset"
          >
            {PRESET_NAMES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label>
          Scope{' '}
          <select
            value={scope ?? ''}
            onChange={(e) => {
              const next = e.target.value === '' ? null : (e.target.value as Scope);
              setScope(next);
              choose(presetName, next);
            }}
            data-testid="scope"
          >
            <option value="">as the preset says</option>
            {scopes.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void startRun()} disabled={status === 'running'}>
          Run
        </button>
        <span className="status">
          Status: <strong data-testid="status">{status}</strong>
        </span>
      </section>

      {error !== null && (
        <p className="error" role="alert" data-testid="error">
          {error}
        </p>
      )}

      {metrics && <MetricsPanel m={metrics} />}

      <section className="list-head" aria-label="Transitions shown">
        <span>
          Transitions: <strong data-testid="transition-count">{shown.length}</strong> shown of{' '}
          <span data-testid="transition-total">{transitions.length}</span>
        </span>
        <label>
          <input type="checkbox" checked={showIo} onChange={(e) => setShowIo(e.target.checked)} />{' '}
          show the per-tick I/O counts
        </label>
      </section>

      <ol className="transitions" aria-label="Transitions">
        {shown.map((tr, i) => (
          <li key={i} data-testid="transition" data-kind={tr.type}>
            {describeTransition(tr)}
          </li>
        ))}
      </ol>
    </div>
  );
}
