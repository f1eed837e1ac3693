import LZString from 'lz-string';
import type { Page } from '@playwright/test';
import { simulate, type NodeId, type Scenario, type Transition } from '../src/engine';
import {
  LANES_FRAME,
  LANES_MEASURE,
  LANES_PREVIEW,
  PREVIEW_ABOVE_MS,
  REDRAW_SPACING,
  SETTLE_MS,
} from '../src/views/timeline/redraw';
import { buildTimeline } from '../src/playback/timeline';
import { stormScenario } from '../scripts/bench-storm';
import { expect, goTo, pause, test } from './helpers';

test.describe.configure({ timeout: 240_000 });

// 256 LUNs for 900 s: 2 million io-tick lines, past the page's full-detail budget of 1 million,
// so the page summarises the oldest I/O while it streams in. A recovery early (in the
// summarised part) escalates to its target; one late (in the detailed part) stays on its LUN.
const scenario: Scenario = {
  version: 1,
  name: 'long run, 256 LUNs',
  duration: 900,
  timings: { cmdTimeout: 5, tmf: 0.5 },
  hosts: [
    {
      driver: 'scsi_debug',
      scope: 'lun+target',
      targets: 16,
      lunsPerTarget: 16,
      workload: { rate: 50, queueDepth: 4, readFraction: 1 },
    },
  ],
  faults: [
    { lun: '0:0:3:7', kind: 'timeout', at: 40 },
    { lun: '0:0:3:7', kind: 'abort-fails', at: 40 },
    { lun: '0:0:3:7', kind: 'lun-reset-fails', at: 40 },
    { lun: '0:0:9:2', kind: 'timeout', at: 860 },
    { lun: '0:0:9:2', kind: 'abort-fails', at: 860 },
  ],
};

/** The lanes' drawings of the main timeline, in order: the page's User Timing measures. */
/** The timeline's drawings of its lanes; with LANES_FRAME, each with its frame's layout and paint. */
async function lanesDrawn(page: Page, measure = LANES_MEASURE) {
  const all = await page.evaluate(
    (name) =>
      performance.getEntriesByName(name).map((e) => ({
        start: e.startTime,
        ms: e.duration,
        ...((e as PerformanceMeasure).detail as { timeline: string; streaming: boolean }),
      })),
    measure,
  );
  return all.filter((d) => d.timeline === 'timeline');
}

/** Each LUN's blocking scope at time t, as the engine's stream says. */
function blockedAt(stream: readonly Transition[], t: number): string[] {
  const by = new Map<NodeId, string>();
  for (const tr of stream) {
    if (tr.t > t) break;
    if (tr.type === 'device') {
      if (tr.blockedBy) by.set(tr.on, tr.blockedBy);
      else by.delete(tr.on);
    }
  }
  return [...by].map(([l, b]) => `${l}:${b}`).sort();
}

test('one long run: old I/O is summarised, and the tree still shows who is blocked, by what', async ({
  page,
}) => {
  const run = simulate(scenario, { seed: 1 });
  const stream = run.transitions;
  const stepStart = (step: string, after: number): number =>
    stream.find((x) => x.type === 'step' && x.phase === 'start' && x.step === step && x.t > after)!
      .t;
  const early = stepStart('target-reset', 0) + 0.05;
  const late = stepStart('lun-reset', 800) + 0.05;

  await page.goto(
    `/#v=1&t=0&s=${LZString.compressToEncodedURIComponent(JSON.stringify({ ...scenario, seed: 1 }))}`,
  );
  await expect(page.locator('.page')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  await pause(page);

  // the page says what it summarised: the early recovery lies in it, the late one does not
  const note = page.getByTestId('summary-note');
  await expect(note).toBeVisible();
  const until = Number(await note.getAttribute('data-until'));
  const bin = Number(await note.getAttribute('data-bin'));
  expect(until).toBeGreaterThan(early);
  expect(until).toBeLessThan(late);
  expect(bin).toBeGreaterThan(0.1);
  await expect(page.getByTestId('transition-total')).toHaveText(String(stream.length));

  for (const t of [early, late]) {
    await goTo(page, t);
    await expect(note).toHaveAttribute('data-in', t <= until ? 'yes' : 'no');
    const shown = await page.$$eval('[data-testid="tree"] [data-lun]', (els) =>
      els
        .filter((e) => e.getAttribute('data-blocked-by'))
        .map((e) => `${e.getAttribute('data-lun')}:${e.getAttribute('data-blocked-by')}`)
        .sort(),
    );
    expect(shown, `blocked at ${t}`).toEqual(blockedAt(stream, t));
  }
  // the early recovery blocked the failing LUN's whole target; the late one its LUN alone
  await goTo(page, early);
  await expect(
    page.locator('[data-testid="tree"] [data-lun][data-blocked-by="target"]'),
  ).toHaveCount(16);
  await goTo(page, late);
  await expect(
    page.locator('[data-testid="tree"] [data-lun]:not([data-blocked-by=""])'),
  ).toHaveCount(1);
  // and the timeline kept the steps of both, summarised part or not
  for (const step of ['target-reset', 'lun-reset'])
    expect(
      await page.locator(`[data-testid="timeline"] [data-step="${step}"]`).count(),
    ).toBeGreaterThan(0);
});

// One LUN under 400 lost commands in 300 s: its lane has a fault flag every 1.5 px or so
const dense: Scenario = {
  version: 1,
  name: 'dense lane',
  duration: 300,
  timings: { cmdTimeout: 1, tmf: 0.2 },
  hosts: [
    {
      driver: 'scsi_debug',
      scope: 'lun',
      targets: 1,
      lunsPerTarget: 2,
      workload: { rate: 50, queueDepth: 4, readFraction: 1 },
    },
  ],
  faults: Array.from({ length: 400 }, (_, k) => ({
    lun: '0:0:0:0',
    kind: 'timeout' as const,
    at: Math.round((1 + k * 0.72) * 1000) / 1000,
  })),
};

test('a lane too dense for an element per flag draws them as one path, and zooming in brings them back', async ({
  page,
}) => {
  const stream = simulate(dense, { seed: 1 }).transitions;
  const faults = stream.filter((x) => x.type === 'fault' && x.on === '0:0:0:0' && x.phase === 'on');
  expect(faults.length).toBe(400);
  await page.goto(
    `/#v=1&t=0&s=${LZString.compressToEncodedURIComponent(JSON.stringify({ ...dense, seed: 1 }))}`,
  );
  await expect(page.locator('.page')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await pause(page);
  // the editor lists the first hundred faults, and a hundred more per click
  const listed = page.getByTestId('fault-list').locator('li');
  await expect(listed).toHaveCount(100);
  await expect(page.getByTestId('fault-more')).toContainText('300 more faults not listed');
  await page.getByTestId('fault-more').getByRole('button', { name: 'show 100 more' }).click();
  await expect(listed).toHaveCount(200);
  await expect(listed.nth(199)).toContainText(`${dense.faults[199]!.at.toFixed(2)} s: `);
  const lane = page.locator('[data-testid="timeline"] [data-lane="lun:0:0:0:0"]');
  const group = lane.locator('g.tl-fault--on.is-dense');
  await expect(group).toHaveCount(1);
  await expect(group).toHaveAttribute('data-faults', '400');
  await expect(lane.locator('g.tl-fault[data-fault]')).toHaveCount(0);
  // the flags' stems, in the order of the faults
  const d = (await group.locator('path.tl-dense-stems').getAttribute('d'))!;
  const xs = [...d.matchAll(/M([\d.]+),0/g)].map((m) => Number(m[1]));
  expect(xs).toHaveLength(400);
  for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThanOrEqual(xs[i - 1]!);
  // hovering a flag shows that fault: the tooltip of the nearest
  await lane.scrollIntoViewIfNeeded();
  const plot = (await page.locator('[data-testid="timeline"] svg.tl-plot').boundingBox())!;
  const box = (await lane.boundingBox())!;
  const i = 123;
  await page.mouse.move(plot.x + xs[i]!, box.y + 4);
  const tip = page.locator('[data-testid="timeline"] .tl-tooltip');
  await expect(tip).toBeVisible();
  // (the flag on top there may be the 'off' of the fault before, when it fired)
  await expect(tip).toContainText(/fault timeout (on|off)\s*on\s*0:0:0:0/);
  const at = faults[i]!.t;
  const shown = Number(/at\s*([\d.]+)\s*s/.exec((await tip.textContent())!)?.[1]);
  expect(Math.abs(shown - at)).toBeLessThan(1);
  // its blocked spans too: one path per state and scope, and hovering one shows that span
  const spanPaths = lane.locator('path.tl-span.is-dense');
  expect(await spanPaths.count()).toBeGreaterThan(0);
  const spanCounts = await spanPaths.evaluateAll((els) =>
    els.map((e) => Number(e.getAttribute('data-spans'))),
  );
  // as many as the page's model of the run has (the whole run is in view)
  const modelSpans = buildTimeline(stream).lunSpans.get('0:0:0:0')!;
  expect(modelSpans.length).toBeGreaterThan(160);
  expect(spanCounts.reduce((a, b) => a + b, 0)).toBe(modelSpans.length);
  await expect(lane.locator('rect[data-span-by]')).toHaveCount(0);
  const lunPath = lane.locator('path.tl-span.is-dense[data-span-by="lun"]').first();
  const rects = [...(await lunPath.getAttribute('d'))!.matchAll(/M([\d.]+),[\d.]+h([\d.]+)/g)].map(
    (m) => [Number(m[1]), Number(m[2])] as const,
  );
  // the pointer over the widest (the lane's flags and ticks lie over most of them, so the
  // event goes to the spans' path itself): the tooltip is that span's
  const [sx, sw] = rects.reduce((a, b) => (b[1] > a[1] ? b : a));
  const lb = (await lane.locator('rect.tl-lane-bg').boundingBox())!;
  await lunPath.dispatchEvent('pointermove', {
    clientX: plot.x + sx + sw / 2,
    clientY: lb.y + lb.height / 2,
  });
  const spanAt = modelSpans.find(
    (sp) => Math.abs((sp.start / 300) * plot.width - sx) < 1 && sp.by === 'lun',
  );
  expect(spanAt).toBeDefined();
  await expect(tip).toContainText('LUN 0:0:0:0');
  await expect(tip).toContainText('lun recovery');
  const from = Number(/from\s*([\d.]+)\s*s/.exec((await tip.textContent())!)?.[1]);
  expect(Math.abs(from - spanAt!.start)).toBeLessThan(0.5);
  // zoomed in far enough, each flag is its own element again
  const domain = async (): Promise<number> => {
    const [a, b] = (await page.getByTestId('timeline').getAttribute('data-domain'))!
      .split(',')
      .map(Number);
    return b! - a!;
  };
  expect(await domain()).toBeCloseTo(300, 0);
  await page.locator('[data-testid="timeline"]').focus();
  for (let k = 0; k < 10; k++) await page.keyboard.press('w');
  await expect.poll(domain).toBeLessThan(60);
  await expect(lane.locator('g.tl-fault.is-dense')).toHaveCount(0);
  expect(await lane.locator('g.tl-fault[data-fault="timeout"]').count()).toBeGreaterThan(0);
  // and each span
  await expect(lane.locator('path.tl-span.is-dense')).toHaveCount(0);
  expect(await lane.locator('rect[data-span-by="lun"]').count()).toBeGreaterThan(0);
});

// 64 LUNs for 300 s, their I/O drawn every 4 ms: lanes that take tens of ms to draw
const busy: Scenario = {
  ...stormScenario({ targets: 4, lunsPerTarget: 16 }, 300, 100),
  name: 'busy lanes, 64 LUNs',
};
busy.timings = { ...busy.timings, tick: 0.004 };
// and three reads that fail at once with a medium error: failed I/O in the first LUN's lane
busy.faults = [
  ...busy.faults,
  ...[20, 120, 220].map((at) => ({ lun: '0:0:0:0', kind: 'medium-error' as const, at })),
];

test('while a run streams in, the lanes give way to it; zoomed, lanes slow to draw are first stretched as drawn', async ({
  page,
}) => {
  await page.goto(
    `/#v=1&t=0&s=${LZString.compressToEncodedURIComponent(JSON.stringify({ ...busy, seed: 1 }))}`,
  );
  await expect(page.locator('.page')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  await pause(page);
  // While it streamed in, each drawing of the lanes came at least REDRAW_SPACING times the
  // cost of the one before after that one ended (redraw.ts): the lanes left the main thread
  // to the stream. The drawings are the page's User Timing measures.
  const draws = await lanesDrawn(page);
  const streamed = draws.filter((d) => d.streaming);
  console.log(
    `lanes drawn while streaming: ${streamed.length}, ms ${streamed.map((d) => d.ms.toFixed(0)).join(' ')}`,
  );
  expect(streamed.length).toBeGreaterThan(2);
  let spaced = 0;
  for (let i = 1; i < draws.length; i++) {
    const [a, b] = [draws[i - 1]!, draws[i]!];
    if (!b.streaming) continue;
    const gap = b.start - (a.start + a.ms);
    expect(gap, `drawing ${i} at ${b.start.toFixed(1)} ms`).toBeGreaterThanOrEqual(
      REDRAW_SPACING * a.ms - 2,
    );
    // a drawing that waited longer than the store's 200 ms between models was held back
    if (REDRAW_SPACING * a.ms > 250) spaced++;
  }
  // the lanes of 64 busy LUNs cost enough to be held back at least once
  expect(spaced).toBeGreaterThan(0);
  // the failed reads are drawn: a LUN lane's failed I/O is one path of the bins where it failed
  await expect(
    page.locator('[data-testid="timeline"] [data-lane="lun:0:0:0:0"] path.tl-failed'),
  ).toHaveAttribute('data-bins', '3');

  // Zoomed in, lanes whose frame took over PREVIEW_ABOVE_MS to draw, lay out and paint are
  // first shown stretched as drawn (a preview), and drawn anew for the new view once it
  // rests; cheaper ones at once.
  const previews = (): Promise<number> =>
    page.evaluate(
      (name) =>
        performance
          .getEntriesByName(name)
          .filter((e) => (e as PerformanceMark).detail?.timeline === 'timeline').length,
      LANES_PREVIEW,
    );
  const before = await lanesDrawn(page);
  const previewsBefore = await previews();
  // each drawing's frame is measured once the browser has rendered it
  await expect.poll(async () => (await lanesDrawn(page, LANES_FRAME)).length).toBe(before.length);
  const frame = (await lanesDrawn(page, LANES_FRAME)).at(-1)!.ms;
  expect(frame).toBeGreaterThanOrEqual(before.at(-1)!.ms);
  const slow = frame > PREVIEW_ABOVE_MS;
  console.log(
    `lanes last drawn in ${before.at(-1)!.ms.toFixed(0)} ms, ${frame.toFixed(0)} ms with their frame`,
  );
  // what the plot and its lanes were moved by meanwhile
  await page.evaluate(() => {
    const svg = document.querySelector<SVGSVGElement>('[data-testid="timeline"] svg.tl-plot')!;
    const lanes = svg.querySelector('g.tl-lanes')!;
    const seen: string[] = [];
    (window as unknown as { __moved: string[] }).__moved = seen;
    new MutationObserver(() => {
      seen.push(`plot ${svg.style.transform}`);
      if (lanes.hasAttribute('transform')) seen.push(`lanes ${lanes.getAttribute('transform')}`);
    }).observe(svg, { attributes: true, subtree: true, attributeFilter: ['style', 'transform'] });
  });
  await page.getByTestId('timeline').focus();
  await page.keyboard.press('w');
  await expect.poll(async () => (await lanesDrawn(page)).length).toBeGreaterThan(before.length);
  expect(await previews()).toBe(previewsBefore + (slow ? 1 : 0));
  const moved = await page.evaluate(() => (window as unknown as { __moved: string[] }).__moved);
  // the preview is a CSS transform of the plot (its own layer: the compositor moves its
  // pixels), never a transform of the lanes' SVG, which the browser lays out and paints again
  expect(moved.filter((m) => m.startsWith('lanes'))).toEqual([]);
  if (slow) expect(moved.some((m) => /^plot translateX\(.+px\) scaleX\(.+\)$/.test(m))).toBe(true);
  if (slow) {
    // drawn once the view had rested SETTLE_MS after the preview, although the lanes had
    // been drawn long before (not at once, as when the wait counted from that drawing)
    const shown = await page.evaluate(
      (name) => performance.getEntriesByName(name).at(-1)!.startTime,
      LANES_PREVIEW,
    );
    const drawn = (await lanesDrawn(page)).at(-1)!.start;
    expect(drawn - shown).toBeGreaterThanOrEqual(SETTLE_MS - 2);
  }
  // the preview was a transform of the plot, gone once the lanes are drawn for the view
  await expect(page.locator('[data-testid="timeline"] svg.tl-plot')).toHaveCSS('transform', 'none');
});
