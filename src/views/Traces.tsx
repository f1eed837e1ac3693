// Kernel traces in the page: open one from the disk (button or drag and drop) or pick a
// recording of kernel/traces/, parse it in a worker with progress, show it in the tree and
// the timeline like a run; "Compare with the model" sets the engine's run of the scenario
// the recording ran beside it, on the same time axis.
import { useEffect, useState } from 'react';
import { ScenarioError, validateScenario, type Scenario, type Transition } from '../engine';
import { scenarioOf } from '../trace';
import { errorMessage, loadScenario, simStore, useSim } from '../store';
import { runInWorker } from '../worker/client';
import { parseTraceInWorker, type TraceProgress } from '../worker/traceClient';

/** The recordings of kernel/traces/, bundled with the page. */
const RECORDED: Record<string, string> = Object.fromEntries(
  Object.entries(
    import.meta.glob<string>('../../kernel/traces/*.trace.gz', {
      query: '?url',
      import: 'default',
      eager: true,
    }),
  ).map(([path, url]) => [path.replace(/^.*\//, '').replace(/\.trace\.gz$/, ''), url]),
);
export const RECORDED_TRACES = Object.keys(RECORDED).sort();

/** The scenario the recording ran, if its header carries a valid one. */
function headerScenario(header: Record<string, string>): Scenario | null {
  try {
    return validateScenario(scenarioOf(header));
  } catch {
    return null;
  }
}

/** A scenario for the page's other panels: the recording's own, or its shape. */
function scenarioForTrace(
  name: string,
  header: Record<string, string>,
  first: Transition | null,
  last: number,
): Scenario {
  const own = headerScenario(header);
  const end = first ? last : 1;
  if (own)
    return { ...own, name: `Recorded: ${name} (${own.name})`, duration: Math.max(end, 1e-3) };
  const luns = first && first.type === 'run-start' ? first.luns : [];
  const targets = new Set(luns.map((l) => l.split(':').slice(0, 3).join(':')));
  return {
    version: 1,
    name: `Recorded: ${name}`,
    duration: Math.max(end, 1e-3),
    hosts: [
      {
        driver: 'scsi_debug',
        targets: Math.max(1, targets.size),
        lunsPerTarget: Math.max(1, Math.ceil(luns.length / Math.max(1, targets.size))),
      },
    ],
    faults: [],
  };
}

type Status =
  | { kind: 'idle' }
  | { kind: 'reading'; name: string; progress: TraceProgress | null }
  | { kind: 'error'; name: string; message: string };

let status: Status = { kind: 'idle' };
const listeners = new Set<(s: Status) => void>();
function setStatus(s: Status): void {
  status = s;
  for (const l of listeners) l(s);
}

/** Reads a trace file (from the disk or the bundled recordings) into the store. */
export async function openTrace(file: Blob, name: string): Promise<void> {
  setStatus({ kind: 'reading', name, progress: null });
  const store = simStore.getState();
  let runId: number | null = null;
  try {
    await parseTraceInWorker(
      file,
      (progress) => setStatus({ kind: 'reading', name, progress }),
      (r) => {
        // for scripts/bench-trace.ts: the worker's answer in hand, then in the store
        performance.mark('trace-answer');
        if (!r.first || r.first.type !== 'run-start')
          throw new Error(
            'no SCSI device found in it (no scsi_* events, kernel log lines or fio logs)',
          );
        const id = store.beginTrace(
          { name, header: r.header, lines: r.lines, unknown: r.unknown },
          scenarioForTrace(name, r.header, r.first, r.end),
        );
        runId = id;
        // the stream comes in batches, each taken in its own task, so the page stays fluid
        return (batch) => store.append(id, batch);
      },
    );
    if (runId !== null) store.finish(runId);
    performance.mark('trace-loaded');
    setStatus({ kind: 'idle' });
  } catch (err) {
    if (runId !== null) store.fail(runId, errorMessage(err));
    setStatus({ kind: 'error', name, message: errorMessage(err) });
  }
}

export async function openRecorded(name: string): Promise<void> {
  const url = RECORDED[name];
  if (!url) return;
  setStatus({ kind: 'reading', name, progress: null });
  try {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    await openTrace(await res.blob(), name);
  } catch (err) {
    setStatus({ kind: 'error', name, message: errorMessage(err) });
  }
}

function useTraceStatus(): Status {
  const [s, set] = useState(status);
  useEffect(() => {
    listeners.add(set);
    return () => {
      listeners.delete(set);
    };
  }, []);
  return s;
}

/** The "Open trace…" button, its progress and its errors. */
export function OpenTrace() {
  const s = useTraceStatus();
  return (
    <span className="open-trace">
      <label className="button-like">
        Open trace…
        <input
          type="file"
          className="visually-hidden"
          accept=".trace,.gz,.txt,.log,.dat,text/plain,application/gzip"
          data-testid="open-trace"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void openTrace(f, f.name);
            e.target.value = '';
          }}
        />
      </label>
      {s.kind === 'reading' ? (
        <span className="trace-progress" data-testid="trace-progress" role="status">
          reading {s.name}
          {s.progress
            ? `: ${Math.round((s.progress.bytes / Math.max(1, s.progress.total)) * 100)} %, ${s.progress.lines.toLocaleString('en-US')} lines`
            : '…'}
        </span>
      ) : null}
      {s.kind === 'error' ? (
        <span className="trace-error" role="alert" data-testid="trace-error">
          {s.name} could not be read: {s.message}. The scenario shown is unchanged.{' '}
          <button type="button" onClick={() => setStatus({ kind: 'idle' })}>
            dismiss
          </button>
        </span>
      ) : null}
    </span>
  );
}

/** Drag and drop of a trace file anywhere on the page. */
export function useTraceDrop(): boolean {
  const [over, setOver] = useState(false);
  useEffect(() => {
    const onOver = (e: DragEvent): void => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setOver(true);
    };
    const onLeave = (e: DragEvent): void => {
      if (e.relatedTarget === null) setOver(false);
    };
    const onDrop = (e: DragEvent): void => {
      const f = e.dataTransfer?.files[0];
      if (!f) return;
      e.preventDefault();
      setOver(false);
      void openTrace(f, f.name);
    };
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
  return over;
}

/** What the recording is, and the comparison with the model. */
export function TraceBanner() {
  const trace = useSim((s) => s.trace);
  const compare = useSim((s) => s.compare);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!trace) return null;
  const scenario = headerScenario(trace.header);
  const h = trace.header;

  const runModel = async (): Promise<void> => {
    if (!scenario) return;
    setBusy(true);
    setError(null);
    const out: Transition[] = [];
    try {
      await runInWorker(scenario, scenario.seed ?? 1, (b) => out.push(...b)).done;
      simStore.getState().setCompare(`The model: the engine's run of "${scenario.name}"`, out);
    } catch (err) {
      setError(err instanceof ScenarioError ? err.message : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel trace-banner" data-testid="trace-banner" aria-label="Recorded trace">
      <p>
        <strong>Recorded on the kernel: {trace.name}</strong>
        {h.kernel ? ` — ${h.kernel}` : ''}
        {h.series ? `; series: ${h.series}` : ''}
      </p>
      <p className="trace-meta">
        {h.command ? (
          <>
            made by <code>{h.command}</code>;{' '}
          </>
        ) : null}
        {h.recorded ? `${h.recorded}; ` : ''}
        {trace.lines.toLocaleString('en-US')} lines read, {trace.unknown} of no known shape skipped.
        A recording cannot take new faults: load its scenario to inject.
      </p>
      <p>
        {compare ? (
          <button type="button" onClick={() => simStore.getState().setCompare(null)}>
            Hide the model
          </button>
        ) : (
          <button
            type="button"
            onClick={() => void runModel()}
            disabled={!scenario || busy}
            data-testid="compare-model"
            title={scenario ? '' : 'the recording names no scenario the engine can run'}
          >
            {busy ? 'Running the model…' : 'Compare with the model'}
          </button>
        )}{' '}
        {scenario ? (
          <button type="button" onClick={() => void loadScenario(scenario, 'edited')}>
            Load its scenario
          </button>
        ) : null}
      </p>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
