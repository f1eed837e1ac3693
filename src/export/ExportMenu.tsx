// The page's exports (issue 14): the timeline as text (copied, or downloaded as .txt), and
// the timeline panels on the page as SVG and PNG files.
import { currentLinkUrl } from '../share/SharePanel';
import { useEffect, useRef, useState } from 'react';
import type { Scenario } from '../engine';
import { simStore, useSim } from '../store';
import { copyText, download, fileStem, svgToPng } from './download';
import { timelineSvg, visibleDomain } from './svg';
import { timelineText } from './text';
import './export.css';

type RangeChoice = 'recovery' | 'run' | 'view' | 'brush';

function scopesOf(sc: Scenario): string {
  return sc.hosts.map((h, i) => `host ${i}: ${h.driver}, scope ${h.scope ?? 'default'}`).join('; ');
}

/** The text export of the store's run, or null when there is no timeline yet. */
export function currentText(choice: RangeChoice = 'recovery'): string | null {
  const st = simStore.getState();
  const model = st.timeline;
  if (!model) return null;
  const range: readonly [number, number] | null =
    choice === 'run'
      ? [0, Math.max(model.end, st.available)]
      : choice === 'view'
        ? visibleDomain()
        : choice === 'brush'
          ? st.brush
          : null;
  return timelineText(model, model.topology ?? st.topology, st.scenario, {
    // a recorded kernel trace has no seed
    ...(st.source === 'engine' ? { seed: st.seed } : {}),
    // the run's permalink (src/share); the page's address for a recorded trace
    link: currentLinkUrl() ?? location.href,
    range,
  });
}

function stem(): string {
  const st = simStore.getState();
  return fileStem(st.presetName || st.scenario.name, st.scenario.hosts[0]?.scope);
}

export function ExportMenu() {
  const ready = useSim((s) => s.timeline !== null);
  const hasBrush = useSim((s) => s.brush !== null);
  const [choice, setChoice] = useState<RangeChoice>('recovery');
  const [message, setMessage] = useState('');
  const [shown, setShown] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const preRef = useRef<HTMLPreElement>(null);

  // a choice that no longer applies falls back to the recovery's window
  const range: RangeChoice = choice === 'brush' && !hasBrush ? 'recovery' : choice;

  useEffect(() => {
    const d = dialogRef.current;
    if (!d || shown === null) return;
    if (!d.open) d.showModal();
    const pre = preRef.current;
    if (pre) {
      pre.focus();
      window.getSelection()?.selectAllChildren(pre);
    }
  }, [shown]);

  const copy = async () => {
    const text = currentText(range);
    if (text === null) return;
    if (await copyText(text)) setMessage('Copied the timeline as text.');
    else {
      setMessage('The browser did not let the page copy: select the text and copy it.');
      setShown(text);
    }
  };
  const txt = () => {
    const text = currentText(range);
    if (text === null) return;
    download(new Blob([text], { type: 'text/plain;charset=utf-8' }), `${stem()}.txt`);
    setMessage('');
  };
  const picture = (): ReturnType<typeof timelineSvg> => {
    const st = simStore.getState();
    return timelineSvg({
      title: `SCSI error recovery: ${st.scenario.name}`,
      subtitle: `${scopesOf(st.scenario)}; ${
        st.source === 'trace' ? 'recorded on the kernel' : `seed ${st.seed}`
      }; cursor at ${st.cursor.toFixed(3)} s`,
    });
  };
  const svg = () => {
    const out = picture();
    if (!out) return setMessage('No timeline on the page to export.');
    download(new Blob([out.svg], { type: 'image/svg+xml;charset=utf-8' }), `${stem()}.svg`);
    setMessage('');
  };
  const png = async () => {
    const out = picture();
    if (!out) return setMessage('No timeline on the page to export.');
    setBusy(true);
    try {
      const blob = await svgToPng(out.svg, out.width, out.height, 2);
      download(blob, `${stem()}.png`);
      setMessage('');
    } catch (err) {
      setMessage(`The PNG could not be made: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="export-menu" aria-label="Export" data-testid="export-menu">
      <span className="export-title">Export</span>
      <label title="The time range of the text export (the pictures show the timeline as it is)">
        Text range{' '}
        <select
          value={range}
          onChange={(e) => setChoice(e.target.value as RangeChoice)}
          data-testid="export-range"
        >
          <option value="recovery">recovery, with a margin</option>
          <option value="run">whole run</option>
          <option value="view">the timeline&apos;s view</option>
          <option value="brush" disabled={!hasBrush}>
            the selected range
          </option>
        </select>
      </label>
      <button
        type="button"
        disabled={!ready}
        onClick={() => void copy()}
        data-testid="export-copy-text"
      >
        Copy text
      </button>
      <button type="button" disabled={!ready} onClick={txt} data-testid="export-txt">
        Download .txt
      </button>
      <button type="button" disabled={!ready} onClick={svg} data-testid="export-svg">
        Download SVG
      </button>
      <button
        type="button"
        disabled={!ready || busy}
        onClick={() => void png()}
        data-testid="export-png"
      >
        Download PNG
      </button>
      <span className="export-status" role="status" data-testid="export-status">
        {message}
      </span>
      {shown !== null ? (
        <dialog
          ref={dialogRef}
          className="export-dialog"
          aria-labelledby="export-dialog-title"
          data-testid="export-dialog"
          onClose={() => setShown(null)}
        >
          <h2 id="export-dialog-title">The timeline as text</h2>
          <p>Select it (it is selected now) and copy it with Ctrl+C.</p>
          <pre ref={preRef} tabIndex={0} data-testid="export-text">
            {shown}
          </pre>
          <form method="dialog">
            <button type="submit" data-testid="export-dialog-close">
              Close
            </button>
          </form>
        </dialog>
      ) : null}
    </section>
  );
}
