// The timeline panels on the page (the run's, and any other `.timeline` panel: the model
// beside a trace, a compare view) as one self-contained SVG file: the lanes' SVG cloned
// with the styles they are drawn with written onto each element (so the file needs no
// style sheet and follows the page's theme), the lane labels as SVG text, the axis, the
// cursor, a title and a legend whose swatches use the patterns defined in the file. Fonts
// are generic. Needs a DOM (the page's).

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Properties copied from each drawn element's computed style onto its clone. */
const PAINT = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'visibility',
  'font-size',
  'font-weight',
] as const;

const PAD = 12;
const TITLE_H = 40;
const CAPTION_H = 20;
const LEGEND_H = 20;
const GAP = 16;

export interface SvgExport {
  svg: string;
  width: number;
  height: number;
  /** how many timeline panels it stacks */
  panels: number;
}

/** The `.timeline` panels that have a drawing, top to bottom. */
export function timelinePanels(root: ParentNode = document): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('.timeline')].filter(
    (el) => !el.classList.contains('timeline--empty') && el.querySelector('svg.tl-plot') !== null,
  );
}

function el<K extends keyof SVGElementTagNameMap>(
  name: K,
  attrs: Record<string, string | number> = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A deep clone of `src` with each element's paint written as its style attribute. */
function paintedClone<T extends Element>(src: T): T {
  const copy = src.cloneNode(true) as T;
  const from = [src, ...src.querySelectorAll('*')];
  const to = [copy, ...copy.querySelectorAll('*')];
  from.forEach((s, i) => {
    const d = to[i]!;
    const cs = getComputedStyle(s);
    const style: string[] = [];
    for (const p of PAINT) {
      const v = cs.getPropertyValue(p);
      if (v) style.push(`${p}:${v}`);
    }
    if (cs.display === 'none') style.push('display:none');
    d.setAttribute('style', style.join(';'));
    // the page's classes mean nothing without its style sheet; data-* stay (tests, tools)
    d.removeAttribute('class');
    d.removeAttribute('font-family');
  });
  return copy;
}

const px = (v: string | null | undefined): number => {
  const n = parseFloat(v ?? '');
  return Number.isFinite(n) ? n : 0;
};

const colour = (c: string, fallback: string): string =>
  !c || c === 'transparent' || c === 'rgba(0, 0, 0, 0)' ? fallback : c;

/** One panel: caption, labels, axis, lanes and cursor, with its top-left at (0, 0). */
function panelGroup(panel: HTMLElement): { g: SVGGElement; width: number; height: number } {
  const g = el('g', { 'data-timeline': panel.dataset.testid ?? 'timeline' });
  const plot = panel.querySelector<SVGSVGElement>('svg.tl-plot')!;
  const axis = panel.querySelector<SVGSVGElement>('svg.tl-axis');
  const labelsBox = panel.querySelector<HTMLElement>('.tl-labels');
  const caption = panel.querySelector<HTMLElement>('.tl-caption')?.textContent?.trim() ?? '';
  const labelW = labelsBox ? labelsBox.getBoundingClientRect().width : 168;
  const plotW = px(plot.getAttribute('width'));
  const plotH = px(plot.getAttribute('height'));
  const axisH = axis ? px(axis.getAttribute('height')) : 0;
  const fg = colour(getComputedStyle(panel).color, '#1d2330');
  const labelBg = colour(
    labelsBox ? getComputedStyle(labelsBox).backgroundColor : '',
    'rgb(251, 251, 252)',
  );
  const line = colour(getComputedStyle(panel).borderTopColor, '#d9dde5');

  let y = 0;
  if (caption) {
    g.append(el('text', { x: 4, y: 14, 'font-size': 13, 'font-weight': 600, fill: fg }, caption));
    y += CAPTION_H;
  }
  // the axis over the lanes, to the right of the labels
  if (axis) {
    const a = el('g', { transform: `translate(${labelW},${y})` });
    for (const child of axis.children) a.append(paintedClone(child));
    g.append(a);
    y += axisH;
  }
  g.append(el('line', { x1: 0, x2: labelW + plotW, y1: y - 0.5, y2: y - 0.5, stroke: line }));
  // the labels
  const labels = el('g', { transform: `translate(0,${y})`, 'data-labels': '' });
  labels.append(el('rect', { width: labelW, height: plotH, fill: labelBg }));
  for (const lab of panel.querySelectorAll<HTMLElement>('.tl-label')) {
    const top = px(lab.style.top);
    const h = px(lab.style.height);
    const kind = lab.classList.contains('tl-label--host')
      ? 'host'
      : lab.classList.contains('tl-label--target')
        ? 'target'
        : 'lun';
    const name = lab.querySelector('.tl-name, .tl-lun-name')?.textContent ?? '';
    const count = lab.querySelector('.tl-count')?.textContent ?? '';
    const x = kind === 'lun' ? 26 : kind === 'target' ? 20 : 6;
    const t = el('text', {
      x,
      y: top + h / 2,
      dy: '0.35em',
      'font-size': kind === 'lun' ? 11 : 12,
      'font-weight': kind === 'host' ? 600 : 400,
      fill: fg,
      'data-lane-label': lab.dataset.laneLabel ?? '',
    });
    t.textContent = name;
    if (count) {
      const c = el('tspan', { dx: 6, 'font-size': 10, 'fill-opacity': 0.7 }, count);
      t.append(c);
    }
    labels.append(t);
  }
  labels.append(el('line', { x1: labelW - 0.5, x2: labelW - 0.5, y1: 0, y2: plotH, stroke: line }));
  g.append(labels);
  // the lanes, with the patterns they use
  const lanes = el('g', { transform: `translate(${labelW},${y})`, 'data-plot': '' });
  for (const child of plot.children) lanes.append(paintedClone(child));
  // the selected range's shade (an element over the plot, beside it on the page)
  const shade = panel.querySelector<HTMLElement>('.tl-brush-shade');
  if (shade) {
    const cs = getComputedStyle(shade);
    lanes.append(
      el('rect', {
        x: px(shade.style.left),
        width: px(shade.style.width),
        y: 0,
        height: plotH,
        fill: colour(cs.backgroundColor, '#1f5fbf'),
        'fill-opacity': cs.opacity,
        'data-brush': '',
      }),
    );
  }
  // the cursor
  const cursor = panel.querySelector<HTMLElement>('.tl-cursor');
  if (cursor && cursor.style.visibility !== 'hidden') {
    const m = /translateX\(([-\d.e]+)px\)/.exec(cursor.style.transform);
    const cx = m ? Number(m[1]) : NaN;
    if (Number.isFinite(cx))
      lanes.append(
        el('line', {
          x1: cx,
          x2: cx,
          y1: 0,
          y2: plotH,
          stroke: colour(getComputedStyle(cursor).backgroundColor, '#d12b2b'),
          'stroke-width': 1.5,
          'data-cursor': cursor.dataset.t ?? '',
        }),
      );
  }
  g.append(lanes);
  const height = y + plotH;
  const width = labelW + plotW;
  g.append(el('rect', { width, height, fill: 'none', stroke: line }));
  return { g, width, height };
}

/** The swatches of the blocking scopes, from the first panel's patterns. */
function legend(root: ParentNode, fg: string, width: number): SVGGElement {
  const g = el('g', { 'data-legend': '' });
  const patterns = [...root.querySelectorAll('pattern')].map((p) => p.id);
  const find = (suffix: string): string | undefined => patterns.find((id) => id.endsWith(suffix));
  const items: [string, string][] = [];
  const host = find('-host');
  const target = find('-target');
  const lun = find('-lun');
  if (host) items.push([`url(#${host})`, 'blocked by host recovery']);
  if (target) items.push([`url(#${target})`, 'blocked by target recovery']);
  if (lun) items.push([`url(#${lun})`, "blocked by the LUN's own recovery"]);
  items.push(['#6b6f78', 'offline']);
  let x = 0;
  let y = 0;
  for (const [fill, text] of items) {
    const w = 34 + text.length * 6.2;
    // another row when this one is full
    if (x > 0 && x + w > width) {
      x = 0;
      y += 20;
    }
    g.append(
      el('rect', { x, y: y + 4, width: 22, height: 12, fill, stroke: fg, 'stroke-width': 0.5 }),
    );
    g.append(el('text', { x: x + 28, y: y + 10, dy: '0.35em', 'font-size': 11, fill: fg }, text));
    x += w;
  }
  g.setAttribute('data-rows', String(y / 20 + 1));
  return g;
}

export interface SvgTitle {
  title: string;
  subtitle?: string;
}

/** The SVG file of the page's timeline panels, or null when there is none. */
export function timelineSvg(head: SvgTitle, root: ParentNode = document): SvgExport | null {
  const panels = timelinePanels(root);
  if (!panels.length) return null;
  const first = panels[0]!;
  const bg = colour(getComputedStyle(first).backgroundColor, '#ffffff');
  const fg = colour(getComputedStyle(first).color, '#1d2330');
  const svg = el('svg', { version: '1.1', 'font-family': 'sans-serif' });
  svg.setAttribute('xmlns', SVG_NS);
  svg.append(el('title', {}, head.title));
  const body = el('g', { transform: `translate(${PAD},${PAD})` });
  body.append(
    el('text', { x: 0, y: 14, 'font-size': 15, 'font-weight': 600, fill: fg }, head.title),
  );
  if (head.subtitle)
    body.append(
      el('text', { x: 0, y: 32, 'font-size': 11.5, fill: fg, 'fill-opacity': 0.75 }, head.subtitle),
    );
  let y = TITLE_H;
  let width = 0;
  for (const p of panels) {
    const { g, width: w, height: h } = panelGroup(p);
    g.setAttribute('transform', `translate(0,${y})`);
    body.append(g);
    y += h + GAP;
    width = Math.max(width, w);
  }
  // the swatches use the patterns cloned with the first panel
  const lg = legend(body, fg, width);
  lg.setAttribute('transform', `translate(0,${y - GAP + 8})`);
  body.append(lg);
  y += LEGEND_H * Number(lg.getAttribute('data-rows') ?? 1) - GAP + 8;
  const W = Math.ceil(width + 2 * PAD);
  const H = Math.ceil(y + PAD);
  svg.setAttribute('width', String(W));
  svg.setAttribute('height', String(H));
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.insertBefore(
    el('rect', { width: W, height: H, fill: bg }),
    svg.firstChild?.nextSibling ?? null,
  );
  svg.append(body);
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}\n`;
  return { svg: text, width: W, height: H, panels: panels.length };
}

/**
 * The time range the run's timeline shows, read back from its axis (two tick labels and
 * where they are drawn), or null when it has fewer than two ticks.
 */
export function visibleDomain(root: ParentNode = document): [number, number] | null {
  const panel = timelinePanels(root)[0];
  const axis = panel?.querySelector<SVGSVGElement>('svg.tl-axis');
  if (!axis) return null;
  const width = px(axis.getAttribute('width'));
  const ticks: [number, number][] = [];
  for (const tick of axis.querySelectorAll<SVGGElement>('g.tick')) {
    const m = /translate\(([-\d.e]+)/.exec(tick.getAttribute('transform') ?? '');
    const t = parseFloat(tick.querySelector('text')?.textContent ?? '');
    if (m && Number.isFinite(t)) ticks.push([Number(m[1]), t]);
  }
  if (ticks.length < 2 || !(width > 0)) return null;
  const [x0, t0] = ticks[0]!;
  const [x1, t1] = ticks[ticks.length - 1]!;
  if (x1 === x0) return null;
  const k = (t1 - t0) / (x1 - x0);
  const a = t0 - x0 * k;
  const b = t0 + (width - x0) * k;
  // to the microsecond, the engine's resolution
  const r = (v: number): number => Math.round(v * 1e6) / 1e6;
  return b > a ? [Math.max(0, r(a)), r(b)] : null;
}
