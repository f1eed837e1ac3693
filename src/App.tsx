import { memo, useCallback, useEffect, useState } from 'react';
import { Compare } from './compare/Compare';
import { offeredScopes, presetGroups, presets, withScope, type NodeId, type Scope } from './engine';
import { startClock } from './playback/clock';
import { EmbedBar, LinkAlert, SharePanel } from './share/SharePanel';
import { linkedScope, startFromLink, useShare } from './share/startup';
import { ExportMenu } from './export/ExportMenu';
import {
  injectAndRun,
  considerInjection,
  loadScenario,
  prepareAtCursor,
  rehearseAtRest,
  simStore,
  startRun,
  useSim,
  type InjectOptions,
} from './store';
import { KeyHelp } from './keys/KeyHelp';
import { LessonMenu, LessonPanel, lessonFromUrl } from './lessons/LessonPanel';
import { useGlobalKeys } from './keys/useGlobalKeys';
import { Controls } from './views/Controls';
import { Editor } from './views/Editor';
import { Explain } from './views/Explain';
import { Figures } from './views/Figures';
import { InjectMenu, type InjectChoice } from './views/InjectMenu';
import { Timeline } from './views/timeline/Timeline';
import { TransitionList } from './views/TransitionList';
import {
  OpenTrace,
  openRecorded,
  RECORDED_TRACES,
  TraceBanner,
  useTraceDrop,
} from './views/Traces';
import { Tree } from './views/tree/Tree';

function choose(name: string, scope: Scope | null): void {
  const base = presets[name];
  if (!base) return;
  void loadScenario(scope ? withScope(base, scope) : base, name);
  simStore.getState().play();
}

/**
 * The panels under the header. Each subscribes to the slices of the store it draws, so the
 * page's own renders (a menu opening or closing, play and pause, a run's status) leave them
 * alone: an injection's click renders the page, not the tree's LUNs and every panel again.
 */
const Stage = memo(function Stage({
  onOpen,
  compare,
}: {
  onOpen: (lun: NodeId, el: HTMLElement) => void;
  compare: boolean;
}) {
  return (
    <>
      <Controls />
      <ExportMenu />

      <Compare onOpen={onOpen} />

      <main className="stage">
        <Tree onOpen={onOpen} />
        <aside className="side">
          <Explain />
          <Figures />
        </aside>
      </main>

      <Timeline />
      {compare ? <Timeline which="compare" /> : null}

      <div className="lower">
        <Editor />
        <TransitionList />
      </div>
    </>
  );
});

interface Menu {
  lun: NodeId;
  anchor: DOMRect;
  el: HTMLElement;
  wasPlaying: boolean;
}

/** What the store's injection takes of a choice in the inject menu. */
const optionsOf = (choice: InjectChoice): InjectOptions =>
  choice.duration !== undefined ? { duration: choice.duration } : {};

export function App() {
  const presetName = useSim((s) => s.presetName);
  const scenario = useSim((s) => s.scenario);
  const status = useSim((s) => s.status);
  const runFrom = useSim((s) => s.runFrom);
  const runReused = useSim((s) => s.runReused);
  const runAhead = useSim((s) => s.runAhead);
  const error = useSim((s) => s.error);
  const playing = useSim((s) => s.playing);
  const [scope, setScope] = useState<Scope | null>(linkedScope);
  const embed = useShare((s) => s.embed);
  const [menu, setMenu] = useState<Menu | null>(null);
  const [help, setHelp] = useState(false);
  const toggleHelp = useCallback(() => setHelp((h) => !h), []);
  useGlobalKeys(menu === null && !help, toggleHelp);

  // One run as the page loads: the link's, paused at its moment, or the default playing
  // at 1x; the clock runs for the page's life.
  useEffect(() => {
    // a lesson's link opens that lesson's step; any other link, its run; none, the playground
    if (!lessonFromUrl(location.search)) void startFromLink();
    const stopClock = startClock(simStore);
    // paused, the spare worker runs up to the cursor: an injection there goes on from it
    const stopPreparing = prepareAtCursor(simStore);
    // a run done, the page rehearses an injection once, in idle time (store/rehearse.ts)
    const stopRehearsing = rehearseAtRest(simStore);
    return () => {
      stopRehearsing();
      stopPreparing();
      stopClock();
    };
  }, []);

  const dropping = useTraceDrop();
  const source = useSim((s) => s.source);
  const compare = useSim((s) => s.compare !== null);

  const openMenu = useCallback((lun: NodeId, el: HTMLElement) => {
    const st = simStore.getState();
    // a recording cannot take new faults (its banner says so)
    if (st.source === 'trace') return;
    const wasPlaying = st.playing;
    st.pause();
    st.selectLun(lun);
    setMenu({ lun, anchor: el.getBoundingClientRect(), el, wasPlaying });
  }, []);

  const closeMenu = (resume: boolean): void => {
    if (!menu) return;
    const m = menu;
    setMenu(null);
    simStore.getState().selectLun(null);
    if (resume && m.wasPlaying) simStore.getState().play();
    m.el.focus();
  };

  const inject = (choice: InjectChoice): void => {
    if (!menu) return;
    void injectAndRun(menu.lun, choice.kinds, optionsOf(choice));
    setScope(null);
    closeMenu(true);
  };

  const scopes = offeredScopes(scenario);
  const known =
    presets[presetName] !== undefined ||
    (presetName.startsWith('trace:') && RECORDED_TRACES.includes(presetName.slice(6)));

  return (
    <div
      className="page"
      data-status={status}
      data-run-from={runFrom ?? undefined}
      data-run-reused={runReused}
      data-run-ahead={runAhead}
      data-playing={playing ? 'true' : 'false'}
      data-source={source}
      data-drop={dropping ? 'true' : undefined}
      data-embed={embed ? 'true' : undefined}
    >
      <EmbedBar />
      <header className="top">
        <h1>SCSI error recovery</h1>
        <label>
          Scenario{' '}
          <select
            value={known ? presetName : ''}
            onChange={(e) => {
              setScope(null);
              setMenu(null);
              const v = e.target.value;
              if (v.startsWith('trace:')) void openRecorded(v.slice(6));
              else choose(v, null);
            }}
            data-testid="preset"
          >
            {!known ? <option value="">{scenario.name}</option> : null}
            {presetGroups.map((g) => (
              <optgroup key={g.label} label={g.label}>
                {g.names.map((n) => (
                  <option key={n} value={n}>
                    {presets[n]?.name ?? n}
                  </option>
                ))}
              </optgroup>
            ))}
            {RECORDED_TRACES.length ? (
              <optgroup label="Recorded on the kernel (kernel/traces)">
                {RECORDED_TRACES.map((n) => (
                  <option key={n} value={`trace:${n}`}>
                    {n}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </label>
        <label>
          Recovery scope{' '}
          <select
            value={scope ?? ''}
            onChange={(e) => {
              const next = e.target.value === '' ? null : (e.target.value as Scope);
              setScope(next);
              setMenu(null);
              if (next) {
                void loadScenario(withScope(scenario, next));
                simStore.getState().play();
              } else choose(presetName, null);
            }}
            data-testid="scope"
            disabled={source === 'trace'}
          >
            <option value="">as the scenario says</option>
            {scopes.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <LessonMenu />
        <OpenTrace />
        <SharePanel />
        <button
          type="button"
          className="help-button"
          onClick={toggleHelp}
          aria-haspopup="dialog"
          data-testid="key-help-open"
          title="Keyboard shortcuts (?)"
        >
          <span aria-hidden="true">⌨ ?</span>
          <span className="visually-hidden">Keyboard shortcuts</span>
        </button>
        <span className="status">
          <span className="visually-hidden">Engine: </span>
          <strong data-testid="status">{status}</strong>
        </span>
      </header>
      {scenario.description ? <p className="description">{scenario.description}</p> : null}
      <LinkAlert />

      {error !== null && (
        <div className="error" role="alert">
          <p data-testid="error">{error}</p>
          <p>
            The scenario is kept.{' '}
            <button type="button" onClick={() => void startRun()} data-testid="run-again">
              Run it again
            </button>
          </p>
        </div>
      )}

      <TraceBanner />

      <LessonPanel />

      <Stage onOpen={openMenu} compare={compare} />

      {help ? <KeyHelp onClose={() => setHelp(false)} /> : null}
      {menu ? (
        <InjectMenu
          lun={menu.lun}
          anchor={menu.anchor}
          onInject={inject}
          onConsider={(choice) => void considerInjection(menu.lun, choice.kinds, optionsOf(choice))}
          onClose={() => closeMenu(true)}
        />
      ) : null}
    </div>
  );
}
