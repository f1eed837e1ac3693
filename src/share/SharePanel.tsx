// Sharing a run: "Copy link" (a permalink to the scenario, seed and moment), "Save
// scenario" (its JSON file) and "Load scenario…" (a JSON file back); the alert of a bad
// link the page was opened with; and the bar of the compact page (?embed).
import { useRef, useState } from 'react';
import { loadScenario, simStore, useSim } from '../store';
import { linkUrl, type LinkState } from './permalink';
import {
  describeErrors,
  fileNameOf,
  MAX_FILE_BYTES,
  parseScenarioText,
  scenarioText,
} from './scenarioFile';
import { useShare, watchAddress } from './startup';
import './share.css';

const TRACE_REFUSED =
  'A recorded kernel trace cannot be linked or saved: a link carries a scenario for the engine, ' +
  'and the trace is read from its file. "Load its scenario" in the trace banner runs its scenario in the engine, ' +
  'which can be linked.';

/** The run as it stands: scenario, seed, cursor and selected step. */
function currentRun(): LinkState {
  const s = simStore.getState();
  return {
    scenario: s.scenario,
    seed: s.seed,
    cursor: s.cursor,
    step: s.selectedStep,
    presetName: s.presetName,
  };
}

/** The link to the run as it stands; null for a recorded trace, which cannot be linked. */
export function currentLinkUrl(): string | null {
  if (simStore.getState().source === 'trace') return null;
  return linkUrl(window.location.href, currentRun());
}

type Note = { kind: 'ok' | 'refused' | 'error'; text: string } | null;

export function SharePanel() {
  const source = useSim((s) => s.source);
  const [note, setNote] = useState<Note>(null);
  const [fallback, setFallback] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // a confirmation goes away by itself; a refusal or an error stays until closed
  const say = (next: Note): void => {
    clearTimeout(timer.current);
    setNote(next);
    if (next?.kind === 'ok') timer.current = setTimeout(() => setNote(null), 8000);
  };

  const copyLink = async (): Promise<void> => {
    setFallback(null);
    if (simStore.getState().source === 'trace') {
      say({ kind: 'refused', text: TRACE_REFUSED });
      return;
    }
    const url = linkUrl(window.location.href, currentRun());
    window.history.replaceState(window.history.state, '', url);
    watchAddress();
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(url);
      say({ kind: 'ok', text: 'Link copied: it opens this scenario paused at this moment.' });
    } catch {
      say({
        kind: 'refused',
        text: 'The browser did not let the page write to the clipboard: copy the link from the field.',
      });
      setFallback(url);
      // select it once it is drawn
      requestAnimationFrame(() => field.current?.select());
    }
  };

  const save = (): void => {
    setFallback(null);
    const s = simStore.getState();
    if (s.source === 'trace') {
      say({ kind: 'refused', text: TRACE_REFUSED });
      return;
    }
    const blob = new Blob([scenarioText(s.scenario, s.seed)], { type: 'application/json' });
    const href = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = href;
    a.download = fileNameOf(s.scenario);
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
    say({ kind: 'ok', text: `Saved as ${a.download}.` });
  };

  const load = async (file: File): Promise<void> => {
    setFallback(null);
    if (file.size > MAX_FILE_BYTES) {
      say({
        kind: 'error',
        text: describeErrors(file.name, [
          {
            field: '(file)',
            reason: `is ${(file.size / 1048576).toFixed(1)} MB; a scenario file is at most ${MAX_FILE_BYTES / 1048576} MB`,
          },
        ]),
      });
      return;
    }
    let text: string;
    try {
      text = await file.text();
    } catch (err) {
      say({
        kind: 'error',
        text: describeErrors(file.name, [
          { field: '(file)', reason: `could not be read: ${String(err)}` },
        ]),
      });
      return;
    }
    const read = parseScenarioText(text);
    if ('errors' in read) {
      say({ kind: 'error', text: describeErrors(file.name, read.errors) });
      return;
    }
    simStore.setState({ seed: read.scenario.seed ?? 1 });
    void loadScenario(read.scenario, 'file');
    simStore.getState().play();
    say({ kind: 'ok', text: `Loaded ${file.name}: ${read.scenario.name}.` });
  };

  return (
    <div className="share" data-testid="share">
      <button
        type="button"
        onClick={() => void copyLink()}
        data-testid="copy-link"
        data-refused={source === 'trace' ? 'true' : undefined}
        title={
          source === 'trace'
            ? 'A recorded trace cannot be linked'
            : 'Copy a link to this scenario, paused at this moment'
        }
      >
        Copy link
      </button>
      <button
        type="button"
        onClick={save}
        data-testid="save-scenario"
        data-refused={source === 'trace' ? 'true' : undefined}
        title={
          source === 'trace'
            ? 'A recorded trace cannot be saved as a scenario'
            : 'Download the scenario as a JSON file (as npm run sim reads)'
        }
      >
        Save scenario
      </button>
      <label className="share-load" title="Open a scenario JSON file">
        Load scenario…
        <input
          type="file"
          accept="application/json,.json"
          className="visually-hidden"
          data-testid="load-scenario"
          onChange={(e) => {
            const input = e.currentTarget;
            const file = input.files?.[0];
            // the same file may be chosen again after it is fixed
            input.value = '';
            if (file) void load(file);
          }}
        />
      </label>
      {note ? (
        <div
          className={`share-note share-note-${note.kind}`}
          role={note.kind === 'error' ? 'alert' : 'status'}
          data-testid={note.kind === 'error' ? 'load-error' : 'share-note'}
          data-kind={note.kind}
        >
          <span>{note.text}</span>
          {fallback !== null ? (
            <input
              ref={field}
              type="text"
              readOnly
              value={fallback}
              aria-label="Link to this moment"
              data-testid="link-field"
              onFocus={(e) => e.currentTarget.select()}
            />
          ) : null}
          <button
            type="button"
            className="share-close"
            aria-label="Close the message"
            onClick={() => {
              setNote(null);
              setFallback(null);
            }}
          >
            ×
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** What was wrong with the link the page was opened with. */
export function LinkAlert() {
  const error = useShare((s) => s.linkError);
  const dismiss = useShare((s) => s.dismissLinkError);
  if (error === null) return null;
  return (
    <div className="error link-error" role="alert">
      <p data-testid="link-error">{error.message}</p>
      <p>
        {error.kept ? 'The scenario shown is kept.' : 'The default scenario is shown instead.'}{' '}
        <button type="button" onClick={dismiss}>
          Close
        </button>
      </p>
    </div>
  );
}

/** The compact page's bar: the scenario's name and a way to the full page. */
export function EmbedBar() {
  const embed = useShare((s) => s.embed);
  const name = useSim((s) => s.scenario.name);
  const source = useSim((s) => s.source);
  if (!embed) return null;
  const full = (): string =>
    source === 'trace'
      ? window.location.pathname
      : linkUrl(window.location.href, currentRun(), false);
  return (
    <div className="embed-bar" data-testid="embed-bar">
      <strong>{name}</strong>
      <a
        href={full()}
        target="_blank"
        rel="noopener"
        data-testid="open-full"
        // the link takes the moment shown when it is followed
        onClick={(e) => {
          e.currentTarget.href = full();
        }}
      >
        Open in the full page ↗
      </a>
    </div>
  );
}
