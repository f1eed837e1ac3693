// The compare view: the page's scenario (with the faults injected there) under two to four
// recovery policies side by side. Each column has the tree and the timeline of its run, all
// on the page's time axis and cursor; the table above gives the engine's figures for each
// whole run, the best and the worst of each row marked in words, not only in colour.
import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { offeredScopes, SCOPES, type NodeId, type Scope } from '../engine';
import type { TimelineModel } from '../playback/timeline';
import { simStore, useSim } from '../store';
import { Timeline } from '../views/timeline/Timeline';
import { Tree, type TreeSource, type TreeState } from '../views/tree/Tree';
import { runInWorker } from '../worker/client';
import { createCompareStore, follow, type CompareState } from './store';
import { compareTable, MAX_POLICIES, MIN_POLICIES, type Mark } from './table';
import './compare.css';

/** The page's compare runs. */
export const compareStore = createCompareStore(runInWorker);

function useCompare<T>(selector: (s: CompareState) => T): T {
  return useStore(compareStore, selector);
}

/** What each policy blocks while it recovers one LUN, in a line. */
export const POLICY_TEXT: Record<Scope, string> = {
  host: 'Linux 6.12: the whole host stops while it recovers',
  lun: 'the series: only the failing LUN stops, escalating to the host',
  target: "the series: the failing LUN's target stops",
  'lun+target': 'the series: the LUN first, then its target, then the host',
  'lun-only': 'the later series: the LUN, then straight to the host (no target level)',
  cam: 'FreeBSD CAM: the device queue frozen; the target busy while a reset runs on it',
  storport: 'Windows Storport: the LU paused; a bus reset pauses the whole adapter',
  esxi: 'VMware ESXi: a LUN reset, only that LUN waits; resets run in parallel',
  nvme: 'Linux NVMe: an abort, then a controller reset stops every namespace',
  libata: 'Linux libata: the port (its own host) stops for a link reset',
};

const EMPTY: TreeState = { view: null, topology: null, scenario: null, selectedLun: null };

/** A tree source reading one policy's run. */
function sourceOf(scope: Scope): TreeSource {
  return function useRun<T>(selector: (s: TreeState) => T): T {
    return useStore(compareStore, (s) => selector(s.runs[scope] ?? EMPTY));
  };
}

const MARK_TEXT: Record<Exclude<Mark, null>, string> = { best: '▲ best', worst: '▼ worst' };

export function Compare({ onOpen }: { onOpen: (lun: NodeId, el: HTMLElement) => void }) {
  const open = useCompare((s) => s.open);
  return (
    <section className="compare" data-open={open ? 'true' : 'false'} aria-label="Compare policies">
      <div className="compare-bar">
        <h2 className="compare-title">
          <button
            type="button"
            className="compare-toggle"
            data-testid="compare-toggle"
            aria-expanded={open}
            onClick={() => compareStore.getState().setOpen(!open)}
          >
            <span aria-hidden="true">{open ? '▾' : '▸'}</span> Compare policies
          </button>
        </h2>
        {open ? (
          <Picker />
        ) : (
          <span className="compare-hint">
            this scenario under two to four recovery scopes, side by side
          </span>
        )}
      </div>
      {open ? <Body onOpen={onOpen} /> : null}
    </section>
  );
}

function Picker() {
  const scenario = useSim((s) => s.scenario);
  const policies = useCompare((s) => s.policies);
  const offered = offeredScopes(scenario);
  return (
    <fieldset className="compare-picker">
      <legend className="visually-hidden">Policies to compare (two to four)</legend>
      {SCOPES.map((scope) => {
        const on = policies.includes(scope);
        const can = offered.includes(scope);
        const locked =
          !can ||
          (on && policies.length <= MIN_POLICIES) ||
          (!on && policies.length >= MAX_POLICIES);
        return (
          <label
            key={scope}
            className="compare-scope"
            title={can ? POLICY_TEXT[scope] : `the driver does not offer ${scope} recovery`}
          >
            <input
              type="checkbox"
              data-testid={`compare-scope-${scope}`}
              checked={on}
              disabled={locked}
              onChange={() => compareStore.getState().togglePolicy(scope)}
            />{' '}
            {scope}
          </label>
        );
      })}
    </fieldset>
  );
}

function Body({ onOpen }: { onOpen: (lun: NodeId, el: HTMLElement) => void }) {
  // the columns follow the page's scenario and cursor while the view is open
  useEffect(() => follow(compareStore, simStore), []);
  const base = useCompare((s) => s.base);
  const policies = useCompare((s) => s.policies);
  const source = useSim((s) => s.source);
  const timelines = useCompare(useShallow((s) => s.policies.map((p) => s.runs[p]?.timeline)));
  const peers = useMemo(
    () => timelines.filter((t): t is TimelineModel => t !== null && t !== undefined),
    [timelines],
  );
  if (source === 'trace' || !base)
    return (
      <p className="compare-note" role="status">
        A recording from the kernel cannot be run again under another policy: choose a preset to
        compare.
      </p>
    );
  if (policies.length < MIN_POLICIES)
    return (
      <p className="compare-note" role="status">
        The driver of this scenario offers only {offeredScopes(base).join(', ')} recovery: nothing
        to compare it with.
      </p>
    );
  return (
    <div className="compare-body">
      <Table policies={policies} />
      <div
        className="compare-columns"
        data-testid="compare-columns"
        style={{ '--columns': policies.length } as React.CSSProperties}
      >
        {policies.map((scope) => (
          <Column key={scope} scope={scope} peers={peers} onOpen={onOpen} />
        ))}
      </div>
    </div>
  );
}

function Table({ policies }: { policies: Scope[] }) {
  const summaries = useCompare(
    useShallow((s) => Object.fromEntries(policies.map((p) => [p, s.runs[p]?.summary ?? null]))),
  );
  const rows = compareTable(policies, summaries);
  return (
    <div className="compare-table-wrap">
      <table className="compare-table" data-testid="compare-table">
        <caption>
          The whole run under each policy: the engine&apos;s figures, as <code>npm run sim</code>{' '}
          prints them. ▲ best and ▼ worst of each row.
        </caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">figure</span>
            </th>
            {policies.map((p) => (
              <th key={p} scope="col" data-policy={p}>
                {p}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-metric={r.key}>
              <th scope="row">
                {r.label}{' '}
                <span className="compare-better">
                  ({r.better === 'higher' ? 'higher' : 'lower'} is better)
                </span>
              </th>
              {r.cells.map((c) => (
                <td
                  key={c.scope}
                  data-policy={c.scope}
                  data-value={c.value ?? ''}
                  data-mark={c.mark ?? undefined}
                >
                  <span className="compare-value">{c.text}</span>
                  {c.mark ? <span className="compare-mark">{MARK_TEXT[c.mark]}</span> : null}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Column({
  scope,
  peers,
  onOpen,
}: {
  scope: Scope;
  peers: readonly TimelineModel[];
  onOpen: (lun: NodeId, el: HTMLElement) => void;
}) {
  const source = useMemo(() => sourceOf(scope), [scope]);
  const timeline = useCompare((s) => s.runs[scope]?.timeline ?? null);
  const status = useCompare((s) => s.runs[scope]?.status ?? 'idle');
  const error = useCompare((s) => s.runs[scope]?.error ?? null);
  const blocked = useCompare((s) => {
    const v = s.runs[scope]?.view;
    return v ? v.luns.filter((l) => l.blockedBy !== null).length : 0;
  });
  const total = useCompare((s) => s.runs[scope]?.topology.luns.length ?? 0);
  // the healthy LUNs' availability since the fault, up to the cursor (to a tenth of a per cent,
  // so that the column renders again only when the text changes)
  const live = useCompare((s) => {
    const a = s.runs[scope]?.view?.figures.healthyAvailabilityMean;
    return a === null || a === undefined ? null : (a * 100).toFixed(1);
  });
  return (
    <section
      className="compare-column"
      data-policy={scope}
      data-status={status}
      data-testid={`compare-column-${scope}`}
      aria-label={`${scope} recovery`}
    >
      <header className="compare-head">
        <h3>
          <span className="compare-policy">{scope}</span>{' '}
          <span className="compare-policy-text">{POLICY_TEXT[scope]}</span>
        </h3>
        <p className="compare-now" data-testid={`compare-blocked-${scope}`} data-blocked={blocked}>
          {status === 'running' ? 'running… · ' : null}
          {status === 'error' ? (
            <span className="compare-error">the run failed: {error}</span>
          ) : null}
          {status !== 'error' ? `${blocked} of ${total} LUNs blocked at the cursor` : null}
          {status !== 'error' && live !== null ? (
            <span data-testid={`compare-live-${scope}`}>
              {' '}
              · healthy LUNs {live} % available since the fault
            </span>
          ) : null}
        </p>
      </header>
      <Tree
        onOpen={onOpen}
        source={source}
        density={total <= 64 ? 'small' : undefined}
        testId={`compare-tree-${scope}`}
        label={`${scope} recovery: host, targets and LUNs`}
      />
      <Timeline
        which="policy"
        model={timeline}
        peers={peers}
        status={status}
        label={`${scope} recovery`}
        testId={`compare-timeline-${scope}`}
        labelWidth={110}
      />
    </section>
  );
}
