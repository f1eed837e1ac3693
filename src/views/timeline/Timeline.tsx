// The run's timeline (issue 13): per host and target the recovery steps as bars, per LUN its
// I/O and blocked spans coloured by the scope that blocked them; zoom, pan, a range brush,
// a cursor that follows playback, tooltips. D3 draws the lanes, React the frame and labels.
import * as d3 from 'd3';
import {
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
} from 'react';
import type { TimelineModel } from '../../playback/timeline';
import type { Topology } from '../../playback/topology';
import { keyAction, registerTimelineKeys, type KeyAction } from '../../keys/keys';
import { simStore, useSim, type RunStatus } from '../../store';
import { drawLanes, type PatternIds } from './draw';
import { formatTick, type TipContent } from './format';
import {
  PREVIEW_ABOVE_MS,
  LANES_FRAME,
  LANES_KEPT,
  LANES_MEASURE,
  LANES_PREVIEW,
  previewDelay,
  previewTransform,
  redrawDelay,
  type LastDraw,
} from './redraw';
import { layoutLanes } from './layout';
import {
  clampDomain,
  fitEnd,
  FIT_STEP,
  isFull,
  panBy,
  seriesMax,
  zoomAround,
  type Domain,
} from './scale';
import './timeline.css';

const LABEL_W = 168;
const AXIS_H = 22;
const BRUSH_H = 10;
/** W / S zoom by this factor; A / D pan by this part of the visible range */
const KEY_ZOOM = 0.8;
const KEY_PAN = 0.15;
/** pointer travel (px) after which a press is a drag, not a click */
const DRAG_PX = 3;
/** LUN lanes draw their I/O only near the rows in view: redrawn per BAND px scrolled */
const BAND = 400;

type Scale = d3.ScaleLinear<number, number>;

/** Which timeline: the run in the tree, the model's beside a trace, or a compare column's. */
export type TimelineWhich = 'run' | 'compare' | 'policy';

/**
 * The timeline; reads the store. `which`: the run in the tree, or the model's run set beside
 * a recorded trace ("Compare with the model"), or (`'policy'`) the `model` given, one column
 * of the compare view, drawn on the same axis as its `peers`. All share the zoom, the cursor
 * and the time axis. The zoom survives new runs (it is clamped to each run).
 */
export function Timeline({
  which = 'run',
  model: given,
  label: givenLabel,
  peers: givenPeers,
  status: givenStatus,
  testId,
  labelWidth = LABEL_W,
}: {
  which?: TimelineWhich;
  /** `which: 'policy'`: the model drawn (null while its run has not started) */
  model?: TimelineModel | null;
  label?: string;
  /** `which: 'policy'`: the other columns' models, whose runs the axis spans too */
  peers?: readonly TimelineModel[];
  /** `which: 'policy'`: its run's status, for the message while there is no model */
  status?: RunStatus;
  testId?: string;
  /** width of the lane labels' column (px) */
  labelWidth?: number;
}) {
  const own = useSim((s) => s.timeline);
  const other = useSim((s) => s.compare?.timeline ?? null);
  const storeLabel = useSim((s) => (which === 'compare' ? (s.compare?.label ?? '') : ''));
  const label = givenLabel ?? storeLabel;
  const model = which === 'policy' ? (given ?? null) : which === 'run' ? own : other;
  const peer = which === 'run' ? other : own;
  const peers = useMemo<readonly TimelineModel[]>(
    () => (which === 'policy' ? (givenPeers ?? []) : peer ? [peer] : []),
    [which, givenPeers, peer],
  );
  const storeStatus = useSim((s) => s.status);
  const status = which === 'policy' ? (givenStatus ?? 'idle') : storeStatus;
  const view = useSim((s) => s.timelineView);
  const setView = useSim((s) => s.setTimelineView);
  const topology = model?.topology ?? null;
  if (!model || !topology) {
    const message =
      status === 'running'
        ? 'Waiting for the run…'
        : status === 'error'
          ? 'The run failed: no timeline to show.'
          : 'No run yet: choose a preset to see its timeline.';
    return (
      <div
        className="timeline timeline--empty"
        data-testid={testId ?? (which === 'policy' ? 'timeline-policy' : 'timeline')}
        role="status"
      >
        {message}
      </div>
    );
  }
  return (
    <TimelineChart
      model={model}
      peers={peers}
      topology={topology}
      view={view}
      setView={setView}
      which={which}
      label={label}
      testId={testId ?? (which === 'run' ? 'timeline' : `timeline-${which}`)}
      labelW={labelWidth}
    />
  );
}

interface ChartProps {
  model: TimelineModel;
  /** the other timelines on the same axis */
  peers: readonly TimelineModel[];
  topology: Topology;
  /** the visible range; null: the whole run, following it as it grows */
  view: Domain | null;
  setView: (update: (v: Domain | null) => Domain | null) => void;
  which: TimelineWhich;
  label: string;
  testId: string;
  labelW: number;
}

const noSelection = (): void => {};

function TimelineChart({
  model,
  peers,
  topology,
  view,
  setView,
  which,
  label,
  testId,
  labelW,
}: ChartProps) {
  const collapsed = useSim((s) => s.collapsed);
  // a step of the model's run is not one of the run in the tree: it cannot be selected
  const selected = useSim((s) => s.selectedStep);
  const selectedStep = which === 'run' ? selected : null;
  const selectedLun = useSim((s) => s.selectedLun);
  const brush = useSim((s) => s.brush);
  // While a run streams in, the run's end is the model's, which comes at most every 200 ms:
  // the stream's own end moves with every batch, and each move would redraw every lane.
  const available = useSim((s) => (s.status === 'running' ? 0 : s.available));
  const seek = useSim((s) => s.seek);
  const select = useSim((s) => s.selectStep);
  const selectStep = which === 'run' ? select : noSelection;
  const setBrush = useSim((s) => s.setBrush);
  const toggleTarget = useSim((s) => s.toggleTarget);
  const selectLun = useSim((s) => s.selectLun);

  const rootRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  /** the plot's box: takes the pointer, and clips the plot while a preview stretches it */
  const boxRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<SVGSVGElement>(null);
  const lanesRef = useRef<SVGGElement>(null);
  const axisRef = useRef<SVGGElement>(null);
  const brushRef = useRef<SVGGElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  /** the scale as last drawn, for the brush's handler */
  const xRef = useRef<Scale | null>(null);
  /** whether the last press dragged (then its click neither seeks nor selects) */
  const draggedRef = useRef(false);
  /** time under the pointer while it is over the lanes, for W / S */
  const pointerT = useRef<number | null>(null);
  const brushBehaviour = useRef<d3.BrushBehavior<unknown> | null>(null);

  const [width, setWidth] = useState(0);
  const [viewH, setViewH] = useState(0);
  const [bandIndex, setBandIndex] = useState(0);
  const band = useMemo<[number, number]>(
    () => [(bandIndex - 1) * BAND, (bandIndex + 2) * BAND + viewH],
    [bandIndex, viewH],
  );

  const uid = useId().replace(/[^A-Za-z0-9_-]/g, '');
  const patterns = useMemo<PatternIds>(
    () => ({ host: `tl-${uid}-host`, target: `tl-${uid}-target`, lun: `tl-${uid}-lun` }),
    [uid],
  );

  const fullEnd = Math.max(model.end, ...peers.map((p) => p.end), available, 1e-3);
  const full = useMemo<Domain>(() => [0, fullEnd], [fullEnd]);
  // the cursor, to the fitted view's step: this re-renders the chart once per FIT_STEP
  const cursorStep = useSim((s) => Math.floor(s.cursor / FIT_STEP) * FIT_STEP);
  const activityEnd = useMemo(() => {
    let end = lastActivity(model);
    for (const p of peers) {
      const b = lastActivity(p);
      if (b !== null && (end === null || b > end)) end = b;
    }
    return end;
  }, [model, peers]);
  // the domain changes (and the lanes are redrawn) only when one of its ends does
  const [d0, d1] = view
    ? clampDomain(view, full)
    : [0, fitEnd(activityEnd, cursorStep + FIT_STEP - 2, fullEnd)];
  const domain = useMemo<Domain>(() => [d0, d1], [d0, d1]);
  const x = useMemo<Scale>(
    () =>
      d3
        .scaleLinear()
        .domain(domain)
        .range([0, Math.max(1, width)]),
    [domain, width],
  );
  const layout = useMemo(
    () => layoutLanes(topology, model.laneRows, collapsed),
    // the model's maps grow in place; a new model object comes with each batch
    [topology, model, collapsed],
  );
  const rateMax = useMemo(() => seriesMax([...model.series.values()].map((s) => s.done)), [model]);

  // Width: the scroll body's, less the label column.
  useEffect(() => {
    const body = bodyRef.current;
    if (!body) return;
    const ro = new ResizeObserver(() => {
      setWidth(Math.max(0, body.clientWidth - labelW));
      setViewH(body.clientHeight);
    });
    const onScroll = () => setBandIndex(Math.floor(body.scrollTop / BAND));
    ro.observe(body);
    body.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      ro.disconnect();
      body.removeEventListener('scroll', onScroll);
    };
  }, [labelW]);

  const showTip = useCallback((event: PointerEvent | null, content: TipContent | null) => {
    const tip = tipRef.current;
    const root = rootRef.current;
    if (!tip || !root) return;
    if (!event || !content) {
      tip.hidden = true;
      return;
    }
    const t = d3.select(tip);
    t.selectAll('*').remove();
    t.classed('is-bad', content.bad === true);
    t.append('strong').text(content.title);
    const dl = t.append('dl');
    for (const [k, v] of content.rows) {
      dl.append('dt').text(k);
      dl.append('dd').text(v);
    }
    tip.hidden = false;
    const box = root.getBoundingClientRect();
    const left = event.clientX - box.left + 14;
    const top = event.clientY - box.top + 16;
    const w = tip.offsetWidth;
    tip.style.left = `${left + w > box.width ? Math.max(0, left - w - 24) : left}px`;
    tip.style.top = `${top}px`;
  }, []);

  const selectStepByClick = useCallback(
    (id: number) => {
      if (!draggedRef.current) selectStep(id);
    },
    [selectStep],
  );

  // The lanes: redrawn when the model, size, zoom, folding, selection or scrolled band change;
  // while a run streams in, spaced by their cost (redraw.ts), the latest asked for drawn then.
  // A zoom or pan of lanes that are slow to draw is shown at once by moving and stretching
  // them as drawn, and drawn anew once the view rests (level of detail by time, as trace
  // viewers do by zoom).
  const lastDraw = useRef<LastDraw>({ end: -Infinity, ms: 0, frame: 0 });
  const drawnFor = useRef<{ domain: Domain; inputs: unknown[] } | null>(null);
  /** when the first preview since the lanes were last drawn was shown */
  const previewFrom = useRef<number | null>(null);
  useEffect(() => {
    const g = lanesRef.current;
    const svg = plotRef.current;
    if (!g || !svg || width <= 0) return;
    const inputs = [model, layout, width, fullEnd, selectedStep, patterns, rateMax, band];
    const before = drawnFor.current;
    // read here, not subscribed to: a run's start changes nothing drawn (an injection keeps
    // the lanes of the run before until its stream reaches the cursor), and redrawing the
    // lanes then would hold up the injection's first frame
    const streaming = simStore.getState().status === 'running';
    const draw = (): void => {
      svg.style.transform = '';
      previewFrom.current = null;
      const t0 = performance.now();
      drawLanes(g, {
        model,
        layout,
        x,
        domain,
        width,
        openEnd: fullEnd,
        selectedStep,
        patterns,
        rateMax,
        band,
        tip: showTip,
        selectStep: selectStepByClick,
      });
      const t1 = performance.now();
      const drawn: LastDraw = { end: t1, ms: t1 - t0, frame: t1 - t0 };
      lastDraw.current = drawn;
      drawnFor.current = { domain, inputs };
      timed(() =>
        performance.measure(LANES_MEASURE, {
          start: t0,
          end: t1,
          detail: { timeline: testId, streaming },
        }),
      );
      // what the browser then took to lay out and paint them, to the frame's end
      afterFrame((rendered) => {
        drawn.frame = drawn.ms + rendered;
        timed(() =>
          performance.measure(LANES_FRAME, {
            start: t0,
            duration: drawn.frame,
            detail: { timeline: testId, streaming },
          }),
        );
      });
    };
    const viewOnly =
      before !== null &&
      before.domain !== domain &&
      before.inputs.every((v, i) => Object.is(v, inputs[i]));
    if (!streaming && viewOnly && lastDraw.current.frame > PREVIEW_ABOVE_MS) {
      const { tx, k } = previewTransform(before.domain, domain, width);
      svg.style.transform = `translateX(${tx}px) scaleX(${k})`;
      timed(() => performance.mark(LANES_PREVIEW, { detail: { timeline: testId } }));
      previewFrom.current ??= performance.now();
      const timer = setTimeout(draw, previewDelay(previewFrom.current, performance.now()));
      return () => clearTimeout(timer);
    }
    const wait = redrawDelay(lastDraw.current, performance.now(), streaming);
    if (wait <= 0) {
      draw();
      return;
    }
    const timer = setTimeout(draw, wait);
    return () => clearTimeout(timer);
  }, [
    model,
    layout,
    x,
    domain,
    width,
    fullEnd,
    selectedStep,
    patterns,
    rateMax,
    band,
    showTip,
    selectStepByClick,
    testId,
  ]);

  // The axis.
  useEffect(() => {
    const g = axisRef.current;
    if (!g || width <= 0) return;
    const n = Math.max(2, Math.floor(width / 90));
    const step = d3.tickStep(domain[0], domain[1], n);
    const axis = d3
      .axisTop<number>(x)
      .ticks(n)
      .tickSizeOuter(0)
      .tickFormat((t) => formatTick(t, step));
    const sel = d3.select(g).call(axis);
    // keep the labels at either end inside the strip
    sel.selectAll<SVGGElement, number>('.tick').each(function (t) {
      const px = x(t);
      d3.select(this)
        .select('text')
        .attr('text-anchor', px < 16 ? 'start' : px > width - 22 ? 'end' : 'middle');
    });
  }, [x, domain, width]);

  // The brush strip: its behaviour follows the width; its selection follows the store.
  useEffect(() => {
    xRef.current = x;
  }, [x]);
  useEffect(() => {
    const g = brushRef.current;
    if (!g || width <= 0) return;
    const b = d3
      .brushX<unknown>()
      .extent([
        [0, 0],
        [width, BRUSH_H],
      ])
      .on('end', (e: d3.D3BrushEvent<unknown>) => {
        if (!e.sourceEvent) return; // moved by the effect below
        const sx = xRef.current;
        const s = e.selection as [number, number] | null;
        if (!s || !sx || s[1] - s[0] < 1) setBrush(null);
        else setBrush([sx.invert(s[0]), sx.invert(s[1])]);
      });
    const sel = d3.select(g);
    sel.call(b);
    brushBehaviour.current = b;
    return () => {
      brushBehaviour.current = null;
      sel.on('.brush', null);
      sel.selectAll('*').remove();
    };
  }, [width, setBrush]);
  useEffect(() => {
    const g = brushRef.current;
    const b = brushBehaviour.current;
    if (!g || !b) return;
    let px: [number, number] | null = null;
    if (brush) {
      const a = Math.max(0, x(brush[0]));
      const z = Math.min(width, x(brush[1]));
      if (z > a) px = [a, z];
    }
    d3.select(g).call(b.move, px);
  }, [brush, x, width]);

  // Wheel zoom, drag pan, click to seek: on the plot's box, not the plot, which a preview
  // moves and stretches.
  useEffect(() => {
    const box = boxRef.current;
    const body = bodyRef.current;
    if (!box || !body || width <= 0) return;
    const span = domain[1] - domain[0];
    const apply = (d: Domain) => setView(() => d);
    const timeAt = (clientX: number) => x.invert(clientX - box.getBoundingClientRect().left);

    const onWheel = (e: WheelEvent) => {
      if (e.shiftKey) {
        // shift + wheel scrolls the lanes; a plain wheel zooms
        body.scrollTop += e.deltaY;
        e.preventDefault();
        return;
      }
      e.preventDefault();
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        apply(panBy(domain, full, ((e.deltaX * unit) / width) * span));
        return;
      }
      apply(zoomAround(domain, full, Math.exp(e.deltaY * unit * 0.002), timeAt(e.clientX)));
    };
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0) return;
      draggedRef.current = false;
      const x0 = e.clientX;
      const start = domain;
      const onMove = (m: PointerEvent) => {
        const dx = m.clientX - x0;
        if (!draggedRef.current && Math.abs(dx) < DRAG_PX) return;
        draggedRef.current = true;
        box.classList.add('is-panning');
        showTip(null, null);
        apply(panBy(start, full, (-dx / width) * (start[1] - start[0])));
      };
      const onUp = () => {
        box.classList.remove('is-panning');
        window.removeEventListener('pointermove', onMove);
        window.removeEventListener('pointerup', onUp);
        window.removeEventListener('pointercancel', onUp);
      };
      window.addEventListener('pointermove', onMove);
      window.addEventListener('pointerup', onUp);
      window.addEventListener('pointercancel', onUp);
    };
    const onClick = (e: MouseEvent) => {
      if (draggedRef.current) return;
      seek(timeAt(e.clientX));
    };
    const onMove = (e: PointerEvent) => {
      pointerT.current = timeAt(e.clientX);
    };
    const onLeave = () => {
      pointerT.current = null;
      showTip(null, null);
    };
    box.addEventListener('wheel', onWheel, { passive: false });
    box.addEventListener('pointerdown', onDown);
    box.addEventListener('click', onClick);
    box.addEventListener('pointermove', onMove);
    box.addEventListener('pointerleave', onLeave);
    return () => {
      box.removeEventListener('wheel', onWheel);
      box.removeEventListener('pointerdown', onDown);
      box.removeEventListener('click', onClick);
      box.removeEventListener('pointermove', onMove);
      box.removeEventListener('pointerleave', onLeave);
    };
  }, [x, domain, full, width, seek, setView, showTip]);

  // While playing, a zoomed view pages along with the cursor.
  useEffect(
    () =>
      simStore.subscribe((s, prev) => {
        if (!s.playing || s.cursor === prev.cursor) return;
        setView((v) => {
          if (!v || (s.cursor >= v[0] && s.cursor <= v[1])) return v;
          const w = v[1] - v[0];
          return [s.cursor - w * 0.1, s.cursor + w * 0.9];
        });
      }),
    [setView],
  );

  /** Zoom and pan by key; the page's keyboard reaches this too while the focus is elsewhere. */
  const keyMove = (action: KeyAction): boolean => {
    const span = domain[1] - domain[0];
    const cursor = simStore.getState().cursor;
    const at =
      pointerT.current ??
      (cursor >= domain[0] && cursor <= domain[1] ? cursor : (domain[0] + domain[1]) / 2);
    let next: Domain;
    switch (action) {
      case 'zoom-in':
        next = zoomAround(domain, full, KEY_ZOOM, at);
        break;
      case 'zoom-out':
        next = zoomAround(domain, full, 1 / KEY_ZOOM, at);
        break;
      case 'pan-left':
        next = panBy(domain, full, -KEY_PAN * span);
        break;
      case 'pan-right':
        next = panBy(domain, full, KEY_PAN * span);
        break;
      case 'fit':
        next = full;
        break;
      default:
        return false;
    }
    setView(() => next);
    return true;
  };
  const keyMoveRef = useRef(keyMove);
  useEffect(() => {
    keyMoveRef.current = keyMove;
  });
  useEffect(
    () => (which === 'run' ? registerTimelineKeys((a) => keyMoveRef.current(a)) : undefined),
    [which],
  );

  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape') {
      setBrush(null);
      e.preventDefault();
      return;
    }
    const action = keyAction({ key: e.key });
    if (action && keyMove(action)) {
      e.preventDefault();
      // the page's handler would do it again
      e.stopPropagation();
    }
  };

  let shade: [number, number] | null = null;
  if (brush) {
    const a = Math.max(0, x(brush[0]));
    const z = Math.min(width, x(brush[1]));
    if (z > a) shade = [a, z];
  }
  const plotH = Math.max(layout.height, 1);

  return (
    <div
      className={`timeline timeline--${which}`}
      data-testid={testId}
      data-domain={`${domain[0].toFixed(3)},${domain[1].toFixed(3)}`}
      ref={rootRef}
      tabIndex={0}
      role="region"
      aria-label={`${label ? `${label}. ` : ''}Timeline: wheel or W/S to zoom, drag or A/D to pan, 0 to see the whole run, the strip under the axis to select a range, Escape to clear it`}
      onKeyDown={onKeyDown}
    >
      {label ? <div className="tl-caption">{label}</div> : null}
      <div className="tl-head">
        <div className="tl-corner" style={{ width: labelW }}>
          {view ? (
            <button
              type="button"
              className="tl-reset"
              data-testid="timeline-reset-zoom"
              title="Back to the view that follows the recovery and the cursor"
              onClick={() => setView(() => null)}
            >
              fit
            </button>
          ) : !isFull(domain, full) ? (
            <button
              type="button"
              className="tl-reset"
              data-testid="timeline-whole-run"
              onClick={() => setView(() => full)}
            >
              whole run
            </button>
          ) : (
            <span className="tl-hint">W/S zoom · A/D pan</span>
          )}
        </div>
        <div className="tl-scales">
          <svg className="tl-axis" width={Math.max(1, width)} height={AXIS_H}>
            <g ref={axisRef} transform={`translate(0,${AXIS_H - 1})`} />
            <CursorLine x={x} width={width} y0={AXIS_H - 7} y1={AXIS_H} head />
          </svg>
          <svg
            className="tl-brush"
            width={Math.max(1, width)}
            height={BRUSH_H}
            data-testid="timeline-brush"
            aria-label="select a range"
          >
            <g ref={brushRef} />
          </svg>
        </div>
      </div>
      <div className="tl-body" ref={bodyRef}>
        <div className="tl-inner" style={{ height: plotH }}>
          <div className="tl-labels" style={{ width: labelW, height: plotH }}>
            {layout.lanes.map((lane) => (
              <div
                key={lane.key}
                className={`tl-label tl-label--${lane.kind}${
                  lane.kind === 'lun' && lane.id === selectedLun ? ' is-selected' : ''
                }`}
                data-lane-label={lane.key}
                style={{ top: lane.y, height: lane.height }}
              >
                {lane.kind === 'target' && (
                  <button
                    type="button"
                    className="tl-toggle"
                    data-testid={`toggle-${lane.id}`}
                    aria-expanded={lane.expanded === true}
                    aria-label={`${lane.expanded ? 'Fold' : 'Unfold'} the LUNs of target ${lane.id}`}
                    onClick={() => toggleTarget(lane.id)}
                  >
                    {lane.expanded ? '▾' : '▸'}
                  </button>
                )}
                {lane.kind === 'lun' ? (
                  <button
                    type="button"
                    className="tl-lun-name"
                    aria-pressed={lane.id === selectedLun}
                    onClick={() => selectLun(lane.id)}
                  >
                    {lane.label}
                  </button>
                ) : (
                  <span className="tl-name">{lane.label}</span>
                )}
                {lane.kind === 'target' && !lane.expanded && (
                  <span className="tl-count">{lane.luns} LUNs</span>
                )}
              </div>
            ))}
          </div>
          <div
            className="tl-plot-box"
            ref={boxRef}
            style={{ width: Math.max(1, width), height: plotH }}
          >
            <svg className="tl-plot" ref={plotRef} width={Math.max(1, width)} height={plotH}>
              <Patterns ids={patterns} />
              <g className="tl-lanes" ref={lanesRef} />
            </svg>
            {shade && (
              <div
                className="tl-brush-shade"
                style={{ left: shade[0], width: shade[1] - shade[0], height: plotH }}
              />
            )}
          </div>
          <CursorLine x={x} width={width} y0={0} y1={plotH} left={labelW} />
        </div>
      </div>
      <div className="tl-tooltip" ref={tipRef} role="tooltip" hidden />
    </div>
  );
}

let timedCount = 0;
/** A User Timing entry of the lanes (redraw.ts); all of them cleared every LANES_KEPT. */
function timed(record: () => void): void {
  if (++timedCount % LANES_KEPT === 0) {
    performance.clearMeasures(LANES_MEASURE);
    performance.clearMeasures(LANES_FRAME);
    performance.clearMarks(LANES_PREVIEW);
  }
  record();
}

/**
 * Calls `done` with the milliseconds the browser took, at its next frame, from its
 * animation-frame callbacks to the end of the frame's style, layout and paint: a message
 * posted from a frame callback is taken once the frame is rendered.
 */
function afterFrame(done: (ms: number) => void): void {
  requestAnimationFrame(() => {
    const start = performance.now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      done(performance.now() - start);
    };
    channel.port2.postMessage(null);
  });
}

/**
 * The playback cursor: only this small component re-renders as the cursor moves (up to 60
 * times a second); the lanes are not redrawn.
 */
function CursorLine({
  x,
  width,
  y0,
  y1,
  head = false,
  left = 0,
}: {
  x: Scale;
  width: number;
  y0: number;
  y1: number;
  head?: boolean;
  /** the plot's offset in its box, for the line over the lanes */
  left?: number;
}) {
  const cursor = useSim((s) => s.cursor);
  const px = x(cursor);
  const hidden = !(px >= -0.5 && px <= width + 0.5);
  if (head)
    return (
      <path
        className="tl-cursor-head"
        d={`M${px - 5},${y0} L${px + 5},${y0} L${px},${y1} Z`}
        visibility={hidden ? 'hidden' : 'visible'}
      />
    );
  // Over the lanes the cursor is an HTML element moved by a transform: the compositor moves
  // it without repainting the lanes' SVG under it (which costs a frame with many lanes).
  return (
    <div
      className="tl-cursor"
      data-testid="timeline-cursor"
      data-t={cursor}
      style={{
        left,
        top: y0,
        height: y1 - y0,
        transform: `translateX(${px}px)`,
        visibility: hidden ? 'hidden' : 'visible',
      }}
    />
  );
}

/** Fills that tell the blocking scopes apart by more than hue. */
function Patterns({ ids }: { ids: PatternIds }) {
  return (
    <defs>
      {/* host: diagonal hatch */}
      <pattern
        id={ids.host}
        width={6}
        height={6}
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect className="tl-pat-bg tl-pat--host" width={6} height={6} />
        <line className="tl-pat-line tl-pat--host" x1={0} y1={0} x2={0} y2={6} />
      </pattern>
      {/* target: cross-hatch */}
      <pattern
        id={ids.target}
        width={6}
        height={6}
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect className="tl-pat-bg tl-pat--target" width={6} height={6} />
        <line className="tl-pat-line tl-pat--target" x1={0} y1={0} x2={0} y2={6} />
        <line className="tl-pat-line tl-pat--target" x1={0} y1={0} x2={6} y2={0} />
      </pattern>
      {/* LUN: solid with dots */}
      <pattern id={ids.lun} width={5} height={5} patternUnits="userSpaceOnUse">
        <rect className="tl-pat-solid tl-pat--lun" width={5} height={5} />
        <circle className="tl-pat-dot" cx={2.5} cy={2.5} r={1} />
      </pattern>
    </defs>
  );
}

/** When the last step, blocked span or fault of the run ended (null: nothing happened). */
function lastActivity(model: TimelineModel): number | null {
  let end: number | null = null;
  const at = (t: number): void => {
    if (end === null || t > end) end = t;
  };
  for (const st of model.steps) at(st.end ?? model.end);
  for (const spans of model.lunSpans.values())
    for (const sp of spans) if (sp.state !== 'offline') at(sp.end ?? model.end);
  for (const f of model.faults) at(f.t);
  return end;
}
