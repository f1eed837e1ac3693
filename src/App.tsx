import { useEffect } from 'react';
import { describeTransition, STREAM_VERSION } from './engine';
import { DEMO_PRESET, startRun, useSim } from './store';

export function App() {
  const scenario = useSim((s) => s.scenario);
  const status = useSim((s) => s.status);
  const error = useSim((s) => s.error);
  const transitions = useSim((s) => s.transitions);

  // One run as the page loads.
  useEffect(() => {
    void startRun();
  }, []);

  return (
    <div className="page" data-status={status}>
      <header>
        <h1>SCSI error recovery — visualizer</h1>
        <p className="preset">
          Preset <code>{DEMO_PRESET}</code> ({scenario.name}), stream version{' '}
          <code>{STREAM_VERSION}</code>
        </p>
      </header>

      <section className="controls" aria-label="Run">
        <button type="button" onClick={() => void startRun()} disabled={status === 'running'}>
          Run
        </button>
        <span className="status">
          Status: <strong data-testid="status">{status}</strong>
        </span>
        <span className="count">
          Transitions: <strong data-testid="transition-count">{transitions.length}</strong>
        </span>
      </section>

      {error !== null && (
        <p className="error" role="alert" data-testid="error">
          {error}
        </p>
      )}

      <ol className="transitions" aria-label="Transitions">
        {transitions.map((tr, i) => (
          <li key={i} data-testid="transition" data-kind={tr.type}>
            {describeTransition(tr)}
          </li>
        ))}
      </ol>
    </div>
  );
}
