// The stream as text, up to the cursor: what the engine said, one line per transition.
import { useMemo, useState } from 'react';
import { describeTransition } from '../engine';
import { simStore, useSim } from '../store';

const SHOWN = 400;

export function TransitionList() {
  const received = useSim((s) => s.received);
  const index = useSim((s) => s.view?.index ?? 0);
  const [showIo, setShowIo] = useState(false);
  const [open, setOpen] = useState(false);
  const lines = useMemo(() => {
    if (!open) return [];
    const stream = simStore.getState().stream();
    const out: { i: number; kind: string; text: string }[] = [];
    for (let i = Math.min(index, stream.length) - 1; i >= 0 && out.length < SHOWN; i--) {
      const tr = stream.at(i);
      if (!showIo && tr.type === 'io') continue;
      out.push({ i, kind: tr.type, text: describeTransition(tr) });
    }
    return out.reverse();
    // received: a new run replaces the stream behind the same index
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, index, showIo, received]);
  return (
    <details
      className="panel transitions-panel"
      onToggle={(e) => setOpen(e.currentTarget.open)}
      data-testid="transitions-panel"
    >
      <summary>
        The stream up to the cursor (<span data-testid="transition-total">{received}</span>{' '}
        transitions in the run)
      </summary>
      <label>
        <input type="checkbox" checked={showIo} onChange={(e) => setShowIo(e.target.checked)} />{' '}
        show the per-tick I/O counts
      </label>
      <ol className="transitions" aria-label="Transitions">
        {lines.map((l) => (
          <li key={l.i} data-testid="transition" data-kind={l.kind}>
            {l.text}
          </li>
        ))}
      </ol>
    </details>
  );
}
