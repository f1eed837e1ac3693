// D3 drawing of the timeline's lanes into an SVG group. Called when the model, the size,
// the zoom, the folding or the selection changes; the cursor is not drawn here.
import * as d3 from 'd3';
import type { EscalateTransition, FaultTransition, NodeId } from '../../engine';
import type { CmdMark, StateSpan, StepBar, TimelineModel } from '../../playback/timeline';
import { laneOf, type Topology } from '../../playback/topology';
import {
  barText,
  escalationTip,
  faultTip,
  fitLabel,
  hostSpanTip,
  isFailure,
  markTip,
  rateTip,
  spanTip,
  stepTip,
  type TipContent,
} from './format';
import { laneForNode, type Lane, type LaneLayout } from './layout';
import {
  binSeries,
  byStart,
  clipInterval,
  inBand,
  stepPoints,
  thinByPixel,
  tickIndexAt,
  within,
  type Domain,
} from './scale';

export type PatternIds = Record<'host' | 'target' | 'lun', string>;

export interface DrawContext {
  model: TimelineModel;
  layout: LaneLayout;
  x: d3.ScaleLinear<number, number>;
  domain: Domain;
  width: number;
  /** where open spans and bars end */
  openEnd: number;
  selectedStep: number | null;
  patterns: PatternIds;
  /** completions per tick that fill a LUN lane */
  rateMax: number;
  /** the rows (y, px) scrolled into view, with a margin: LUN lanes outside draw no I/O */
  band: readonly [number, number];
  /** shows (or, with null, hides) the tooltip for a pointer event */
  tip: (event: PointerEvent, content: TipContent | null) => void;
  selectStep: (id: number) => void;
}

/** The marks the LUN lanes draw as ticks; other command events are left out. */
const MARKED = new Set<string>(['timeout', 'eio', 'medium-error', 'rejected-offline']);

const BAR_PAD = 2;

/**
 * The heads of an escalation's arrow (up: recovery climbs to a wider scope) and of a fault's
 * flag, drawn from the top of their stem. Each flag, arrow and bar is drawn where it is, not
 * moved there by a transform: with a transform each, the browser cut the plot into as many
 * paint chunks, and layerizing them took 289 ms against 105 over 16 zoom steps of a long
 * storm's thousands of flags.
 */
const ESC_HEAD = 'l-5,8h10z';
const FAULT_HEAD = 'l7,2.5l-7,2.5z';

/**
 * Level of detail: a lane with more visible flags, arrows or bars than one per this many
 * pixels draws each kind of them as one path (with the nearest one's tooltip), not as an
 * element each. A long run's timeline zoomed out has tens of thousands of them, and
 * redrawing that many elements on every zoom step is what made it stutter.
 */
export const DENSE_PX = 8;
const isDense = (n: number, width: number): boolean => n > width / DENSE_PX;

/** The item whose x is nearest to px, within `within` pixels; null when there is none. */
function nearestAt<T>(
  items: readonly T[],
  xOf: (it: T) => number,
  px: number,
  within = 4,
): T | null {
  const best = d3.least(items, (it) => Math.abs(xOf(it) - px));
  return best !== undefined && Math.abs(xOf(best) - px) <= within ? best : null;
}

type G = d3.Selection<SVGGElement, unknown, null, undefined>;

/** A rectangle as a closed subpath, for many of them in one path element. */
function rectPath(x: number, y: number, w: number, h: number): string {
  return `M${x.toFixed(1)},${y.toFixed(1)}h${w.toFixed(1)}v${h.toFixed(1)}h${(-w).toFixed(1)}z`;
}

function groupBy<T>(items: readonly T[], key: (it: T) => string | null): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    if (k === null) continue;
    let list = m.get(k);
    if (!list) m.set(k, (list = []));
    list.push(it);
  }
  return m;
}

/** Each lane's faults, escalations and command marks, each list in time order. */
interface LaneItems {
  faults: Map<string, FaultTransition[]>;
  escs: Map<string, EscalateTransition[]>;
  marks: Map<string, CmdMark[]>;
}

/**
 * The lane items last grouped for a layout, and what they were grouped from. A zoom or pan
 * redraws the lanes of the same model and layout: grouping the run's thousands of faults
 * and marks again for each step was a quarter of a zoomed-in redraw.
 */
const grouped = new WeakMap<LaneLayout, { from: unknown[]; items: LaneItems }>();

function inTimeOrder<T extends { t: number }>(list: T[]): T[] {
  for (let i = 1; i < list.length; i++)
    if (list[i]!.t < list[i - 1]!.t) return list.sort((a, b) => a.t - b.t);
  return list;
}

export function laneItems(model: TimelineModel, layout: LaneLayout, topo: Topology): LaneItems {
  const from = [
    model,
    model.version,
    model.faults.length,
    model.escalations.length,
    model.marks.length,
  ];
  const last = grouped.get(layout);
  if (last && last.from.every((v, i) => Object.is(v, from[i]))) return last.items;
  const sorted = <T extends { t: number }>(m: Map<string, T[]>): Map<string, T[]> => {
    for (const list of m.values()) inTimeOrder(list);
    return m;
  };
  const items: LaneItems = {
    faults: sorted(groupBy(model.faults, (f) => laneForNode(layout, topo, f.on)?.key ?? null)),
    escs: sorted(
      groupBy(model.escalations, (e) => {
        const id = laneOf(topo, e.on);
        const lane = layout.byId.get(id) ?? laneForNode(layout, topo, e.on);
        return lane?.key ?? null;
      }),
    ),
    marks: sorted(
      groupBy(model.marks, (m) =>
        MARKED.has(m.event) && layout.byId.get(m.on)?.kind === 'lun' ? `lun:${m.on}` : null,
      ),
    ),
  };
  grouped.set(layout, { from, items });
  return items;
}

export function drawLanes(root: SVGGElement, ctx: DrawContext): void {
  const { model, layout } = ctx;
  const topo = model.topology;
  const g = d3.select(root);
  g.selectAll('*').remove();
  if (!topo) return;

  const {
    faults: faultsByLane,
    escs: escByLane,
    marks: marksByLane,
  } = laneItems(model, layout, topo);

  for (const lane of layout.lanes) {
    const lg = g
      .append('g')
      .attr('class', `tl-lane tl-lane--${lane.kind}`)
      .attr('data-lane', lane.key)
      .attr('transform', `translate(0,${lane.y})`);
    const bg = lg
      .append('rect')
      .attr('class', 'tl-lane-bg')
      .attr('width', ctx.width)
      .attr('height', lane.height);
    if (lane.kind === 'lun') {
      drawLun(lg, bg, lane, ctx);
      if (inBand(lane.y, lane.height, ctx.band))
        drawMarks(lg, lane, marksByLane.get(lane.key) ?? [], ctx);
    } else {
      bg.on('pointermove', (e: PointerEvent) => ctx.tip(e, null));
      if (lane.kind === 'host') drawHostSpans(lg, lane, ctx);
      drawBars(lg, lane, model.stepsByLane.get(lane.id) ?? [], ctx);
    }
    drawEscalations(lg, lane, escByLane.get(lane.key) ?? [], ctx);
    drawFaults(lg, lane, faultsByLane.get(lane.key) ?? [], ctx);
    lg.append('line')
      .attr('class', 'tl-lane-sep')
      .attr('x1', 0)
      .attr('x2', ctx.width)
      .attr('y1', lane.height - 0.5)
      .attr('y2', lane.height - 0.5);
  }
}

function drawHostSpans(lg: G, lane: Lane, ctx: DrawContext): void {
  const spans = ctx.model.hostSpans.get(lane.id) ?? [];
  for (const s of spans) {
    const c = clipInterval(s.start, s.end, ctx.domain, ctx.openEnd);
    if (!c) continue;
    lg.append('rect')
      .attr('class', 'tl-hostspan')
      .attr('data-host-recovery', s.end === null ? 'open' : 'closed')
      .attr('x', ctx.x(c[0]))
      .attr('y', 0)
      .attr('width', Math.max(1, ctx.x(c[1]) - ctx.x(c[0])))
      .attr('height', lane.height - 1)
      .attr('fill', `url(#${ctx.patterns.host})`)
      .on('pointermove', (e: PointerEvent) => ctx.tip(e, hostSpanTip(lane.id, s, ctx.openEnd)));
  }
}

function drawBars(lg: G, lane: Lane, bars: readonly StepBar[], ctx: DrawContext): void {
  const rowH = lane.height / lane.rows;
  const visible: { bar: StepBar; x0: number; w: number }[] = [];
  for (const bar of byStart(bars)) {
    const c = clipInterval(bar.start, bar.end, ctx.domain, ctx.openEnd);
    if (!c) continue;
    const x0 = ctx.x(c[0]);
    visible.push({ bar, x0, w: Math.max(2, ctx.x(c[1]) - x0) });
  }
  if (isDense(visible.length, ctx.width)) {
    drawDenseBars(lg, rowH, visible, ctx);
    return;
  }
  for (const { bar, x0, w } of visible) {
    const failed = isFailure(bar.result);
    const selected = bar.id === ctx.selectedStep;
    const y0 = bar.row * rowH + BAR_PAD;
    const bg = lg
      .append('g')
      .attr(
        'class',
        [
          'tl-bar',
          `tl-bar--${bar.step}`,
          failed ? 'is-failed' : '',
          bar.end === null ? 'is-running' : '',
          selected ? 'is-selected' : '',
        ]
          .filter(Boolean)
          .join(' '),
      )
      .attr('data-step', bar.step)
      .attr('data-step-id', bar.id)
      .attr('data-result', bar.result ?? 'running')
      .attr('data-scope', bar.scope ?? 'none')
      .attr('data-selected', selected ? 'true' : null)
      .on('pointermove', (e: PointerEvent) => ctx.tip(e, stepTip(bar, ctx.openEnd)))
      .on('click', (e: MouseEvent) => {
        e.stopPropagation();
        ctx.selectStep(bar.id);
      });
    const h = rowH - 2 * BAR_PAD;
    bg.append('rect')
      .attr('class', 'tl-bar-rect')
      .attr('x', x0)
      .attr('y', y0)
      .attr('width', w)
      .attr('height', h)
      .attr('rx', 2);
    const text = fitLabel(barText(bar), w);
    if (text)
      bg.append('text')
        .attr('class', 'tl-bar-label')
        .attr('x', x0 + 3)
        .attr('y', y0 + h / 2)
        .attr('dy', '0.35em')
        .text(text);
    else if (failed && w >= 6)
      bg.append('text')
        .attr('class', 'tl-bar-label tl-bar-x')
        .attr('x', x0 + w / 2)
        .attr('y', y0 + h / 2)
        .attr('dy', '0.35em')
        .attr('text-anchor', 'middle')
        .text('✗');
  }
}

/**
 * Many bars in a lane: one path per kind of step (and failed, running), which the step
 * colours' CSS fills as it fills a bar; the selected bar is drawn on its own above them.
 * Hovering or clicking finds the bar under the pointer.
 */
function drawDenseBars(
  lg: G,
  rowH: number,
  visible: readonly { bar: StepBar; x0: number; w: number }[],
  ctx: DrawContext,
): void {
  const h = rowH - 2 * BAR_PAD;
  const groups = groupBy(visible, ({ bar }) =>
    [bar.step, isFailure(bar.result) ? 'failed' : '', bar.end === null ? 'running' : ''].join('|'),
  );
  const under = (e: PointerEvent): StepBar | null => {
    const [px, py] = d3.pointer(e, lg.node());
    const row = Math.floor(py / rowH);
    let best: StepBar | null = null;
    let bestD = 3;
    for (const v of visible) {
      if (v.bar.row !== row) continue;
      const d = px < v.x0 ? v.x0 - px : px > v.x0 + v.w ? px - v.x0 - v.w : 0;
      if (d <= bestD) {
        best = v.bar;
        bestD = d;
      }
    }
    return best;
  };
  for (const [key, list] of groups) {
    const [step, failed, running] = key.split('|');
    const d = list.map(({ bar, x0, w }) => rectPath(x0, bar.row * rowH + BAR_PAD, w, h)).join('');
    lg.append('g')
      .attr(
        'class',
        [
          'tl-bar',
          `tl-bar--${step}`,
          'is-dense',
          failed ? 'is-failed' : '',
          running ? 'is-running' : '',
        ]
          .filter(Boolean)
          .join(' '),
      )
      .attr('data-step', step!)
      .attr('data-steps', list.length)
      .on('pointermove', (e: PointerEvent) => {
        const bar = under(e);
        ctx.tip(e, bar ? stepTip(bar, ctx.openEnd) : null);
      })
      .on('click', (e: MouseEvent) => {
        const bar = under(e as PointerEvent);
        if (!bar) return;
        e.stopPropagation();
        ctx.selectStep(bar.id);
      })
      .append('path')
      .attr('class', 'tl-bar-rect')
      .attr('d', d);
  }
  const sel = visible.find((v) => v.bar.id === ctx.selectedStep);
  if (sel)
    lg.append('g')
      .attr('class', `tl-bar tl-bar--${sel.bar.step} is-selected`)
      .attr('data-step', sel.bar.step)
      .attr('data-step-id', sel.bar.id)
      .attr('data-selected', 'true')
      .append('rect')
      .attr('class', 'tl-bar-rect')
      .attr('x', sel.x0)
      .attr('y', sel.bar.row * rowH + BAR_PAD)
      .attr('width', sel.w)
      .attr('height', h)
      .attr('rx', 2);
}

function spanFill(span: StateSpan, p: PatternIds): string | null {
  if (span.state === 'offline') return null; // CSS: var(--offline)
  return span.by ? `url(#${p[span.by]})` : null;
}

function drawLun(
  lg: G,
  bg: d3.Selection<SVGRectElement, unknown, null, undefined>,
  lane: Lane,
  ctx: DrawContext,
): void {
  const { model, x, domain } = ctx;
  const h = lane.height;
  const series = model.series.get(lane.id);
  const tick = model.tick;
  bg.on('pointermove', (e: PointerEvent) => {
    if (!series) return ctx.tip(e, null);
    const t = x.invert(d3.pointer(e, lg.node())[0]);
    const i = tickIndexAt(t, tick);
    if (i < 1 || i >= series.done.length) return ctx.tip(e, null);
    ctx.tip(e, rateTip(lane.id, i, tick, series.done[i] ?? 0, series.failed[i] ?? 0));
  });

  const spans: VisibleSpan[] = [];
  for (const span of ctx.model.lunSpans.get(lane.id) ?? []) {
    const c = clipInterval(span.start, span.end, domain, ctx.openEnd);
    if (!c) continue;
    const x0 = x(c[0]);
    spans.push({ span, x0, w: Math.max(1, x(c[1]) - x0) });
  }
  if (isDense(spans.length, ctx.width)) drawDenseSpans(lg, lane, spans, ctx);
  else
    for (const { span, x0, w } of spans)
      lg.append('rect')
        .attr('class', `tl-span tl-span--${span.state} tl-span-by--${span.by ?? 'none'}`)
        .attr('data-span-by', span.by ?? 'none')
        .attr('data-span-state', span.state)
        .attr('x', x0)
        .attr('y', 0.5)
        .attr('width', w)
        .attr('height', h - 1.5)
        .attr('fill', spanFill(span, ctx.patterns))
        .on('pointermove', (e: PointerEvent) => ctx.tip(e, spanTip(span, lane.id, ctx.openEnd)));

  if (!series || ctx.rateMax <= 0 || !inBand(lane.y, h, ctx.band)) return;
  const y = d3
    .scaleLinear()
    .domain([0, ctx.rateMax])
    .range([h - 1.5, 2])
    .clamp(true);
  const maxBins = Math.max(1, Math.floor(ctx.width / 2));
  const bins = binSeries(series.done, tick, domain, maxBins);
  if (bins.length) {
    const area = d3
      .area<[number, number]>()
      .digits(1)
      .x((p) => x(p[0]))
      .y0(h - 1.5)
      .y1((p) => y(p[1]));
    lg.append('path')
      .attr('class', 'tl-rate')
      .attr('d', area(stepPoints(bins)));
  }
  // the bins where I/O failed: one path of rectangles per lane (zoomed out, a storm's lanes
  // had thousands of them, an element each)
  const failed = binSeries(series.failed, tick, domain, maxBins).filter((b) => b.value > 0);
  if (failed.length)
    lg.append('path')
      .attr('class', 'tl-failed')
      .attr('data-bins', failed.length)
      .attr(
        'd',
        failed
          .map((b) => {
            const top = Math.min(y(b.value), h - 4);
            const w = Math.max(1.5, x(b.t1) - x(b.t0));
            const hh = Math.max(2.5, h - 1.5 - top);
            return rectPath(x(b.t0), top, w, hh);
          })
          .join(''),
      );
}

interface VisibleSpan {
  span: StateSpan;
  x0: number;
  w: number;
}

/**
 * Many state spans in a LUN lane (a storm's lane, zoomed out, has a thousand): one path per
 * state and blocking scope, filled as a span of theirs is; hovering shows the span under
 * the pointer.
 */
function drawDenseSpans(lg: G, lane: Lane, spans: readonly VisibleSpan[], ctx: DrawContext): void {
  const h = lane.height - 1.5;
  const under = (e: PointerEvent): StateSpan | null => {
    const px = d3.pointer(e, lg.node())[0];
    // the spans are in time order; the last one starting at or before the pointer
    const i = d3.bisector((v: VisibleSpan) => v.x0).right(spans, px) - 1;
    const v = spans[i];
    return v && px <= v.x0 + v.w ? v.span : null;
  };
  for (const [key, list] of groupBy(spans, ({ span }) => `${span.state}|${span.by ?? 'none'}`)) {
    const [state, by] = key.split('|');
    lg.append('path')
      .attr('class', `tl-span tl-span--${state} tl-span-by--${by} is-dense`)
      .attr('data-span-by', by!)
      .attr('data-span-state', state!)
      .attr('data-spans', list.length)
      .attr('fill', spanFill(list[0]!.span, ctx.patterns))
      .attr('d', list.map(({ x0, w }) => rectPath(x0, 0.5, w, h)).join(''))
      .on('pointermove', (e: PointerEvent) => {
        const span = under(e);
        ctx.tip(e, span ? spanTip(span, lane.id, ctx.openEnd) : null);
      });
  }
}

function drawMarks(lg: G, lane: Lane, marks: readonly CmdMark[], ctx: DrawContext): void {
  const { x, domain } = ctx;
  const visible = thinByPixel(
    within(marks, domain),
    (m) => x(m.t),
    (m) => m.event,
  );
  const h = lane.height;
  lg.selectAll('line.tl-mark')
    .data(visible)
    .join('line')
    .attr('class', (m) => `tl-mark tl-mark--${m.event}`)
    .attr('data-mark', (m) => m.event)
    .attr('x1', (m) => x(m.t))
    .attr('x2', (m) => x(m.t))
    .attr('y1', (m) => (m.event === 'timeout' ? 0 : h * 0.45))
    .attr('y2', (m) => (m.event === 'timeout' ? h * 0.5 : h - 1))
    .on('pointermove', (e: PointerEvent, m) => ctx.tip(e, markTip(m)));
}

/**
 * Flags or arrows of one kind in a dense lane: their stems as one path and their heads (a
 * relative path drawn from the top of each stem) as another; hovering shows the nearest.
 */
function drawDenseFlags<T extends { t: number }>(
  lg: G,
  list: readonly T[],
  ctx: DrawContext,
  o: {
    cls: string;
    count: [string, number];
    h: number;
    head: string;
    tip: (it: T) => TipContent;
  },
): void {
  const xs = list.map((it) => ctx.x(it.t).toFixed(1));
  const g = lg
    .append('g')
    .attr('class', `${o.cls} is-dense`)
    .attr(o.count[0], o.count[1])
    .on('pointermove', (ev: PointerEvent) => {
      const it = nearestAt(list, (f) => ctx.x(f.t), d3.pointer(ev, lg.node())[0]);
      ctx.tip(ev, it ? o.tip(it) : null);
    });
  g.append('path')
    .attr('class', 'tl-dense-stems')
    .attr('d', xs.map((v) => `M${v},0v${o.h}`).join(''));
  g.append('path').attr('d', xs.map((v) => `M${v},0${o.head}`).join(''));
}

function drawEscalations(
  lg: G,
  lane: Lane,
  escs: readonly EscalateTransition[],
  ctx: DrawContext,
): void {
  const { x, domain } = ctx;
  const inView = within(escs, domain);
  const h = Math.min(lane.height, 20);
  if (isDense(inView.length, ctx.width)) {
    for (const [to, list] of groupBy(inView, (e) => e.to))
      drawDenseFlags(lg, list, ctx, {
        cls: `tl-esc tl-esc--${to}`,
        count: ['data-escalations', list.length],
        h,
        head: ESC_HEAD,
        tip: escalationTip,
      });
    return;
  }
  lg.selectAll('g.tl-esc')
    .data(inView)
    .join('g')
    .attr('class', (e) => `tl-esc tl-esc--${e.to}`)
    .attr('data-escalation', (e) => `${e.from}>${e.to}`)
    .on('pointermove', (ev: PointerEvent, e) => ctx.tip(ev, escalationTip(e)))
    .each(function (e) {
      const px = x(e.t).toFixed(1);
      const sel = d3.select(this);
      sel.append('line').attr('x1', px).attr('x2', px).attr('y1', 0).attr('y2', h);
      // an up-pointing arrow head: recovery climbs to a wider scope
      sel.append('path').attr('d', `M${px},0${ESC_HEAD}`);
    });
}

function drawFaults(lg: G, lane: Lane, faults: readonly FaultTransition[], ctx: DrawContext): void {
  const { x, domain } = ctx;
  const inView = within(faults, domain);
  const h = Math.min(lane.height, 16);
  if (isDense(inView.length, ctx.width)) {
    for (const [phase, list] of groupBy(inView, (f) => f.phase))
      drawDenseFlags(lg, list, ctx, {
        cls: `tl-fault tl-fault--${phase}`,
        count: ['data-faults', list.length],
        h,
        head: FAULT_HEAD,
        tip: faultTip,
      });
    return;
  }
  lg.selectAll('g.tl-fault')
    .data(inView)
    .join('g')
    .attr('class', (f) => `tl-fault tl-fault--${f.phase}`)
    .attr('data-fault', (f) => f.fault)
    .attr('data-fault-on', (f: FaultTransition): NodeId => f.on)
    .on('pointermove', (ev: PointerEvent, f) => ctx.tip(ev, faultTip(f)))
    .each(function (f) {
      const px = x(f.t).toFixed(1);
      const sel = d3.select(this);
      sel.append('line').attr('x1', px).attr('x2', px).attr('y1', 0).attr('y2', h);
      sel.append('path').attr('d', `M${px},0${FAULT_HEAD}`);
    });
}
