// The menu a click on a LUN opens: the engine's fault kinds, once or for a while, placed at
// the cursor's virtual time. A dialog: focus moves into it, Escape closes it and gives the
// focus back to the LUN.
import { useEffect, useRef, useState } from 'react';
import type { FaultKind, NodeId } from '../engine';
import { FAULT_KINDS } from '../engine';
import { FAULT_LABEL, FAULT_TEXT } from '../explain/steps';
import { useSim } from '../store';

export interface InjectChoice {
  kinds: FaultKind[];
  duration?: number;
}

/** The menu's entries: the fault kinds, and first the usual case of kernel/'s demonstration. */
export const ENTRIES: { id: string; kinds: FaultKind[]; label: string; text: string }[] = [
  {
    id: 'timeout+abort-fails',
    kinds: ['timeout', 'abort-fails'],
    label: 'command timeout, and its abort fails',
    text: "the next read or write gets no answer and the driver's abort fails: the command goes to error handling (kernel/'s demonstration)",
  },
  ...FAULT_KINDS.map((k) => ({ id: k, kinds: [k], label: FAULT_LABEL[k], text: FAULT_TEXT[k] })),
];

export function InjectMenu({
  lun,
  anchor,
  onInject,
  onConsider,
  onClose,
}: {
  lun: NodeId;
  anchor: DOMRect | null;
  onInject: (choice: InjectChoice) => void;
  /**
   * The entry that has the focus or the pointer, as it would be chosen: the page has the
   * engine run it ahead (store/index.ts considerInjection). Once per entry and mode.
   */
  onConsider?: (choice: InjectChoice) => void;
  onClose: () => void;
}) {
  // playback is paused while the menu is open: this is where the fault goes
  const at = useSim((s) => s.cursor);
  const [mode, setMode] = useState<'once' | 'for'>('once');
  const [seconds, setSeconds] = useState('10');
  const ref = useRef<HTMLDivElement>(null);
  const secondsValue = Number(seconds);
  const secondsOk = Number.isFinite(secondsValue) && secondsValue > 0 && secondsValue <= 3600;
  const choiceOf = (kinds: FaultKind[]): InjectChoice => ({
    kinds,
    ...(mode === 'for' ? { duration: secondsValue } : {}),
  });
  const considered = useRef('');
  const consider = (id: string, kinds: FaultKind[]): void => {
    if (!onConsider || (mode === 'for' && !secondsOk)) return;
    const key = `${id}/${mode}/${mode === 'for' ? secondsValue : ''}`;
    if (key === considered.current) return;
    considered.current = key;
    onConsider(choiceOf(kinds));
  };

  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('button[data-kind]')?.focus();
  }, []);

  // a press anywhere else closes it, as a menu does
  useEffect(() => {
    const onDown = (e: PointerEvent): void => {
      if (ref.current && e.target instanceof Node && !ref.current.contains(e.target)) onClose();
    };
    document.addEventListener('pointerdown', onDown, true);
    return () => document.removeEventListener('pointerdown', onDown, true);
  }, [onClose]);

  const style: React.CSSProperties = {};
  if (anchor) {
    const left = Math.min(anchor.left, window.innerWidth - 340);
    style.left = Math.max(8, left);
    const below = anchor.bottom + 6;
    if (below + 380 < window.innerHeight) style.top = below;
    else style.top = Math.max(8, anchor.top - 386);
  }

  return (
    <div
      ref={ref}
      className="inject-menu"
      role="dialog"
      aria-modal="false"
      aria-label={`Inject a fault on LUN ${lun}`}
      data-testid="inject-menu"
      style={style}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <div className="inject-head">
        Inject on <strong>LUN {lun}</strong> at <strong>{at.toFixed(2)} s</strong>
      </div>
      <fieldset className="inject-mode">
        <legend>How long</legend>
        <label>
          <input
            type="radio"
            name="inject-mode"
            checked={mode === 'once'}
            onChange={() => setMode('once')}
            data-testid="inject-once"
          />{' '}
          once
        </label>
        <label>
          <input
            type="radio"
            name="inject-mode"
            checked={mode === 'for'}
            onChange={() => setMode('for')}
            data-testid="inject-for"
          />{' '}
          for{' '}
          <input
            type="number"
            min={0.1}
            max={3600}
            step={0.1}
            value={seconds}
            aria-label="seconds the fault stays on"
            aria-invalid={!secondsOk}
            onChange={(e) => {
              setSeconds(e.target.value);
              setMode('for');
            }}
            data-testid="inject-seconds"
          />{' '}
          s
        </label>
        {mode === 'for' && !secondsOk ? (
          <p className="field-error" role="alert">
            The duration must be a number of seconds above 0 and at most 3600.
          </p>
        ) : null}
      </fieldset>
      <ul className="inject-kinds">
        {ENTRIES.map((e) => (
          <li key={e.id}>
            <button
              type="button"
              data-kind={e.id}
              data-testid={`inject-${e.id}`}
              disabled={mode === 'for' && !secondsOk}
              title={e.text}
              onFocus={() => consider(e.id, e.kinds)}
              onPointerEnter={() => consider(e.id, e.kinds)}
              onClick={() => onInject(choiceOf(e.kinds))}
            >
              {e.label}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="inject-cancel" onClick={onClose}>
        Cancel
      </button>
    </div>
  );
}
