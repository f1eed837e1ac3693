// `npm run bench:stream` (and the last part of `npm run bench`): the largest run the page
// takes, in Chromium.
//   e. the worker-to-page stream: 1024 LUNs x 3600 s (one virtual hour, the page's limit)
//      under a storm of random faults, opened from a permalink: transitions per second
//      delivered, and the main-thread time each batch takes (its message handler and the
//      microtasks it queues: the store, React's updates);
//   f. the page's heap (CDP Runtime.getHeapUsage) every 0.5 s while that run streams in and
//      then plays at 100x to its end;
//   g. panning and zooming that run's timeline (wheel zoom in and out, drag pans): frame time,
//      requestAnimationFrame deltas;
//   h. the same stream figures and the same gesture over a run of more than a million
//      transitions: 64 LUNs x 3600 s of the same storm with an I/O tick of 4 ms (the
//      scenario's timings.tick; the hour of e has 196 084 transitions at the kernel's 0.1 s).
// Builds dist/ first unless --no-build; serves it with Vite's preview server on --port (4362)
// and drives Debian's Chromium with Playwright. Measures, never asserts. Writes
// docs/bench/stream.md, stream.csv and stream-heap.svg. --quick: 1024 LUNs x 600 s, and 64
// LUNs x 600 s for h (--duration=S and --h-duration=S set them). --only=h: h alone;
// stream.md's section h and stream.csv's h rows are replaced, the rest of both is kept.
import { FRAMES_AND_LONG_TASKS } from './bench-probe';
import { servePage } from './bench-serve';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, CDPSession, Page } from '@playwright/test';
import LZString from 'lz-string';
import { stormScenario } from './bench-storm';
import { lineChart } from './bench-svg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'docs/bench');
const ARGS = process.argv.slice(2);
const arg = (name: string, dflt: string): string =>
  ARGS.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const QUICK = ARGS.includes('--quick');
/** the sections run: all, or h alone */
const ONLY_H = arg('only', '') === 'h';
const PORT = Number(arg('port', '4362'));
const SHAPE = { targets: 32, lunsPerTarget: 32 };
const DURATION = Number(arg('duration', QUICK ? '600' : '3600'));
/** lost commands in the storm: with their failing aborts and resets, close to 10 000 faults */
const lostFor = (duration: number): number => Math.round((5700 * Math.min(duration, 480)) / 480);
const LOST = lostFor(DURATION);
/** h. 64 LUNs (the most whose lanes the timeline shows unfolded) with a 4 ms I/O tick */
const H_SHAPE = { targets: 4, lunsPerTarget: 16 };
const H_DURATION = Number(arg('h-duration', QUICK ? '600' : '3600'));
const H_TICK = 0.004;
/** what section h is about */
const MILLION = 1_000_000;
const PLAY_SPEED = 100;
/** f. plays for this long at most */
const PLAY_WALL_S = QUICK ? 10 : 30;
const VIEWPORT = { width: 1440, height: 1000 };

function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}
const MB = 1024 * 1024;
const f1 = (x: number): string => x.toFixed(1);

interface Recorded {
  batches: { at: number; n: number; ms: number }[];
  frames: number[];
  tasks: { start: number; duration: number }[];
}

/** Frames, long tasks and every comlink call that carries a batch of transitions. */
const INIT = `
  const batches = [], frames = [], tasks = [];
  const bench = { batches, frames, tasks, armed: false };
  window.__bench = bench;
  const add = MessagePort.prototype.addEventListener;
  MessagePort.prototype.addEventListener = function (type, fn, opts) {
    if (type !== 'message' || typeof fn !== 'function') return add.call(this, type, fn, opts);
    const timed = function (ev) {
      const d = ev.data;
      const a = d && d.type === 'APPLY' && d.argumentList && d.argumentList[0];
      // a batch from the engine worker is { items, lines } (src/worker/wire.ts); the trace
      // worker's is an array
      const v = a && a.value;
      const batch = v && Array.isArray(v.items) ? v.items : Array.isArray(v) ? v : null;
      if (!batch) return fn.call(this, ev);
      const t0 = performance.now();
      try {
        return fn.call(this, ev);
      } finally {
        // the handler and the microtasks it queued (the store's set, React's updates)
        queueMicrotask(() => batches.push({ at: t0, n: batch.length, ms: performance.now() - t0 }));
      }
    };
    return add.call(this, type, timed, opts);
  };
  ${FRAMES_AND_LONG_TASKS}
`;

const take = (page: Page): Promise<Recorded> =>
  page.evaluate(() => {
    const b = (window as unknown as { __bench: Recorded & { armed: boolean } }).__bench;
    const out = { batches: [...b.batches], frames: [...b.frames], tasks: [...b.tasks] };
    b.batches.length = 0;
    b.frames.length = 0;
    b.tasks.length = 0;
    return out;
  });
const arm = (page: Page, on: boolean): Promise<void> =>
  page.evaluate((x) => {
    (window as unknown as { __bench: { armed: boolean } }).__bench.armed = x;
  }, on);

function frameStats(frames: number[]): { n: number; p50: number; p95: number; max: number } {
  const d = frames.slice(1).map((t, i) => t - frames[i]!);
  return {
    n: d.length,
    p50: percentile(d, 0.5),
    p95: percentile(d, 0.95),
    max: Math.max(0, ...d),
  };
}

type Scenario = ReturnType<typeof stormScenario>;

/** The page's heap (CDP Runtime.getHeapUsage), sampled with the phase it was taken in. */
class HeapLog {
  readonly samples: { s: number; phase: string; used: number }[] = [];
  phase = 'stream';
  private readonly t0 = Date.now();
  private timer: ReturnType<typeof setInterval> | null = null;
  constructor(private readonly cdp: CDPSession) {}
  async sample(): Promise<void> {
    try {
      const h = (await this.cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      this.samples.push({ s: (Date.now() - this.t0) / 1000, phase: this.phase, used: h.usedSize });
    } catch {
      // the page between documents
    }
  }
  start(): void {
    this.timer = setInterval(() => void this.sample(), 500);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
  /** a collection, then one sample in the phase 'after gc' */
  async collected(): Promise<number> {
    this.stop();
    await this.cdp.send('HeapProfiler.collectGarbage');
    this.phase = 'after gc';
    await this.sample();
    return this.of('after gc')[0] ?? NaN;
  }
  of(phase: string): number[] {
    return this.samples.filter((h) => h.phase === phase).map((h) => h.used);
  }
  peak(phase: string): number {
    return Math.max(0, ...this.of(phase));
  }
}

/** A page with the probes, the default run streamed in (so that none of its batches counts). */
async function openDefault(page: Page): Promise<{ cdp: CDPSession; heap: HeapLog }> {
  await page.addInitScript(INIT);
  const cdp = await page.context().newCDPSession(page);
  const heap = new HeapLog(cdp);
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.locator('[data-lun]').first().waitFor({ timeout: 60_000 });
  await page.locator('.page[data-status="done"]').waitFor({ timeout: 120_000 });
  await heap.sample();
  return { cdp, heap };
}

interface Streamed {
  recorded: Recorded;
  /** whether the page said done within the time allowed */
  finished: boolean;
  /** the first batch's time (page clock, ms) */
  first: number;
  batches: number;
  transitions: number;
  /** the page's own count */
  shown: number;
  summary: { until: number; bin: number } | null;
  seconds: number;
  rate: number;
  p50: number;
  p95: number;
  max: number;
  busy: number;
  longTasks: number;
  longest: number;
  frames: ReturnType<typeof frameStats>;
}

/** Opens the scenario from a permalink (paused at 0) and waits for its stream to end. */
async function streamFromPermalink(page: Page, sc: Scenario, timeoutMs: number): Promise<Streamed> {
  const json = JSON.stringify(sc);
  await arm(page, true);
  await take(page);
  await page.goto(
    `http://127.0.0.1:${PORT}/#v=1&s=${LZString.compressToEncodedURIComponent(json)}`,
  );
  const finished = await page
    .locator('.page[data-status="done"]')
    .waitFor({ timeout: timeoutMs })
    .then(
      () => true,
      () => false,
    );
  const recorded = await take(page);
  const count = recorded.batches.reduce((n, b) => n + b.n, 0);
  const first = recorded.batches[0]?.at ?? 0;
  const last = recorded.batches.at(-1)?.at ?? first;
  const perBatch = recorded.batches.map((b) => b.ms);
  const shown = Number(await page.getByTestId('transition-total').textContent());
  // what the page kept in full detail, and how it summarised the rest
  const note = page.getByTestId('summary-note');
  const summary = (await note.count())
    ? {
        until: Number(await note.getAttribute('data-until')),
        bin: Number(await note.getAttribute('data-bin')),
      }
    : null;
  return {
    recorded,
    finished,
    first,
    batches: recorded.batches.length,
    transitions: count,
    shown,
    summary,
    seconds: (last - first) / 1000,
    rate: count / Math.max(1e-3, (last - first) / 1000),
    p50: percentile(perBatch, 0.5),
    p95: percentile(perBatch, 0.95),
    max: Math.max(0, ...perBatch),
    busy: perBatch.reduce((a, b) => a + b, 0) / Math.max(1, last - first),
    longTasks: recorded.tasks.length,
    longest: Math.max(0, ...recorded.tasks.map((t) => t.duration)),
    frames: frameStats(recorded.frames),
  };
}

const streamLine = (s: Streamed): string =>
  `  ${s.transitions} transitions in ${s.batches} batches over ${f1(s.seconds)} s: ${Math.round(s.rate)} transitions/s; per batch p50 ${f1(s.p50)} p95 ${f1(s.p95)} max ${f1(s.max)} ms${s.finished ? '' : ' (the stream had not ended when the wait gave up)'}`;

/** The rows of a stream's table in stream.md. */
const streamRows = (
  s: Streamed,
): string => `| transitions delivered | ${s.transitions} in ${s.batches} batches (the page counts ${s.shown})${s.finished ? '' : '; the stream had not ended when the wait gave up'} |
| kept in full detail | ${s.summary ? `the I/O after ${f1(s.summary.until)} s; before it, sums over ${s.summary.bin} s` : 'all of it'} |
| from the first batch to the last | ${f1(s.seconds)} s: **${Math.round(s.rate)} transitions/s** |
| main-thread time per batch, p50 / p95 / max | ${f1(s.p50)} / ${f1(s.p95)} / ${f1(s.max)} ms |
| share of the stream's time in batches | ${f1(100 * s.busy)} % |
| long tasks meanwhile, the longest | ${s.longTasks}, ${f1(s.longest)} ms |
| frame time meanwhile, p50 / p95 / max | ${f1(s.frames.p50)} / ${f1(s.frames.p95)} / ${f1(s.frames.max)} ms (${s.frames.n} frames) |`;

interface Panned {
  n: number;
  p50: number;
  p95: number;
  max: number;
  longTasks: number;
  longest: number;
  /** SVG elements in the plot at the end */
  elements: number;
  /** the visible range (s) before, after the steps in, after the drags, at the end */
  domains: [number, number][];
  /** whether the page was scrolled to bring the plot under the pointer */
  scrolled: boolean;
}

/** The timeline's visible range, from its data-domain. */
async function domainOf(page: Page): Promise<[number, number]> {
  const d = await page.getByTestId('timeline').getAttribute('data-domain');
  const [a, b] = (d ?? 'NaN,NaN').split(',').map(Number);
  return [a!, b!];
}
const rangeText = (d: [number, number]): string => `${d[0].toFixed(3)} to ${d[1].toFixed(3)} s`;

/**
 * The gesture of g and h: twelve wheel steps in at the middle of the plot, three drags of
 * 600 px, twelve wheel steps out; frames and long tasks meanwhile.
 */
async function panAndZoom(page: Page): Promise<Panned> {
  const plot = page.locator('[data-testid="timeline"] svg.tl-plot');
  let box = (await plot.boundingBox())!;
  const pointY = (b: typeof box): number => b.y + Math.min(b.height, 300) / 2;
  // The timeline is under the tree: with 64 LUNs (a taller tree than 1024 folded ones) the
  // point would be below the viewport, and the wheel and the drags would reach nothing.
  const scrolled = pointY(box) > VIEWPORT.height - 20;
  if (scrolled) {
    await page.getByTestId('timeline').scrollIntoViewIfNeeded();
    box = (await plot.boundingBox())!;
  }
  const cx = box.x + box.width / 2;
  const cy = pointY(box);
  const domains = [await domainOf(page)];
  await page.mouse.move(cx, cy);
  await take(page);
  for (let k = 0; k < 12; k++) {
    await page.mouse.wheel(0, -300);
    await page.waitForTimeout(50);
  }
  domains.push(await domainOf(page));
  for (let k = 0; k < 3; k++) {
    await page.mouse.move(cx + 300, cy);
    await page.mouse.down();
    for (let s = 1; s <= 30; s++) await page.mouse.move(cx + 300 - s * 20, cy);
    await page.mouse.up();
  }
  domains.push(await domainOf(page));
  for (let k = 0; k < 12; k++) {
    await page.mouse.wheel(0, 300);
    await page.waitForTimeout(50);
  }
  await page.waitForTimeout(300);
  const panned = await take(page);
  domains.push(await domainOf(page));
  const [d0, din, dpan] = domains as [[number, number], [number, number], [number, number]];
  const moved = din[1] - din[0] < 0.5 * (d0[1] - d0[0]) && dpan[0] !== din[0];
  console.log(
    `  visible range ${rangeText(d0)}; after the steps in ${rangeText(din)}, after the drags ${rangeText(dpan)}${moved ? '' : ': THE GESTURE DID NOT ZOOM AND PAN THE PLOT'}${scrolled ? ' (the page scrolled to the timeline first)' : ''}`,
  );
  const pan = {
    ...frameStats(panned.frames),
    longTasks: panned.tasks.length,
    longest: Math.max(0, ...panned.tasks.map((t) => t.duration)),
    elements: await page.evaluate(
      () => document.querySelectorAll('[data-testid="timeline"] svg.tl-plot *').length,
    ),
    domains,
    scrolled,
  };
  console.log(
    `  ${pan.n} frames: p50 ${f1(pan.p50)} p95 ${f1(pan.p95)} max ${f1(pan.max)} ms; ${pan.longTasks} long tasks`,
  );
  return pan;
}

const panRows = (p: Panned): string => `| frames | ${p.n} |
| frame time p50 / p95 / max | ${f1(p.p50)} / **${f1(p.p95)}** / ${f1(p.max)} ms (goal p95 33 ms or less) |
| long tasks, the longest | ${p.longTasks}, ${f1(p.longest)} ms |
| SVG elements in the plot at the end | ${p.elements} |
| visible range before, after the steps in, after the drags, at the end | ${p.domains.map(rangeText).join('; ')}${p.scrolled ? ' (the page scrolled to the timeline first)' : ''} |`;

const la = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');
const stamp = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** e, f and g: the hour of 1024 LUNs. Returns stream.md's part for them and csv rows. */
async function hour(
  browser: Browser,
  started: number,
  load0: number[],
): Promise<{ md: string; csv: string[]; svg: string }> {
  const sc = { ...stormScenario(SHAPE, DURATION, LOST), seed: 1 };
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    const { heap } = await openDefault(page);
    heap.start();

    // e. the stream: the run from a permalink (paused at 0)
    console.log(
      `e. ${SHAPE.targets * SHAPE.lunsPerTarget} LUNs x ${DURATION} s, ${sc.faults.length} faults, streamed to the page`,
    );
    const stream = await streamFromPermalink(page, sc, 900_000);
    const { transitions: count, shown: total } = stream;
    console.log(streamLine(stream));

    // f. the heap while it plays at 100x
    heap.phase = 'play';
    await page.getByTestId('speed').fill(String(Math.log10(PLAY_SPEED)));
    await page.getByTestId('play').click();
    const playStart = Date.now();
    // to the run's end, or for PLAY_WALL_S at most (a loaded machine plays slower than 100x)
    const ended = await page
      .locator('.page[data-playing="false"]')
      .waitFor({ timeout: PLAY_WALL_S * 1000 })
      .then(
        () => true,
        () => false,
      );
    if (!ended) await page.getByTestId('play').click();
    const played = {
      wallS: (Date.now() - playStart) / 1000,
      virtualS: Number(await page.getByTestId('seek').inputValue()),
      ended,
    };
    console.log(
      `f. played ${f1(played.virtualS)} s of virtual time in ${f1(played.wallS)} s${ended ? ', to the end' : ''}`,
    );
    await page.waitForTimeout(1000);
    const gc = await heap.collected();

    // g. pan and zoom the timeline
    console.log('g. timeline: wheel zoom in and out, drag pans');
    const pan = await panAndZoom(page);

    // ---- report --------------------------------------------------------------------------
    const base = heap.samples[0]?.used ?? 0;
    const totalS = (performance.now() - started) / 1000;
    const load1 = os.loadavg();
    console.log(
      `f. heap: ${f1(base / MB)} MB before, peak ${f1(heap.peak('stream') / MB)} MB streaming, ${f1(heap.peak('play') / MB)} MB playing, ${f1(gc / MB)} MB after a gc`,
    );
    console.log(`e, f and g took ${totalS.toFixed(0)} s; load ${la(load0)} -> ${la(load1)}`);
    const svg = lineChart(
      `The page's heap, 1024 LUNs x ${DURATION} s: streamed, then played at ${PLAY_SPEED}x`,
      'seconds of wall time',
      'heap used, MB',
      ['stream', 'play'].map((p) => ({
        name: p === 'stream' ? 'while the run streams in' : `while it plays at ${PLAY_SPEED}x`,
        points: heap.samples.filter((h) => h.phase === p).map((h) => [h.s, h.used / MB]),
      })),
    );
    const csv = [
      ...heap.samples.map((h) => `heap,${h.s.toFixed(2)},${h.phase},${h.used},bytes`),
      ...stream.recorded.batches.map(
        (b) => `batch,${((b.at - stream.first) / 1000).toFixed(3)},${b.n},${b.ms.toFixed(2)},ms`,
      ),
    ];
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const md = `# The largest run the page takes: stream, heap, timeline

Written by \`npm run bench:stream\` (scripts/bench-stream.ts${QUICK ? ', --quick' : ''}; \`npm run bench\` runs it last);
the raw figures are in [stream.csv](stream.csv). No test asserts on any of these figures.

- date: ${stamp()}
- machine: ${cpu}, ${os.cpus().length} cores; load average (1 / 5 / 15 min) ${la(load0)} before, ${la(load1)} after
- browser: Debian's Chromium ${browser.version()}, headless, viewport ${VIEWPORT.width} x ${VIEWPORT.height}; the production build
- took ${totalS.toFixed(0)} s

The run: ${SHAPE.targets * SHAPE.lunsPerTarget} scsi_debug LUNs x ${DURATION} s (${SHAPE.targets * SHAPE.lunsPerTarget * DURATION} LUN-seconds; the page takes
at most one virtual hour of 1024 LUNs) under the storm of scripts/bench-storm.ts with ${LOST} lost commands, ${sc.faults.length} faults
in all (the engine takes at most 10 000), opened from a permalink.

## e. The worker-to-page stream

| figure | value |
| --- | --- |
${streamRows(stream)}

*Main-thread time per batch* is the comlink message handler that carries the batch plus the
microtasks it queued (the store's append and React's updates), timed in the page; a render
React leaves to a later task is not in it (it shows as frame time). The batch handlers take
${f1(100 * stream.busy)} % of the stream's time; the rest of the long tasks are renders of the
tree and the timeline that the batches set off.

## f. The page's heap

![heap over time](stream-heap.svg)

| phase | heap used |
| --- | --- |
| the default page, before | ${f1(base / MB)} MB |
| peak while the run streams in | ${f1(heap.peak('stream') / MB)} MB |
| peak while it plays at ${PLAY_SPEED}x | ${f1(heap.peak('play') / MB)} MB |
| after a collection at the end | ${f1(gc / MB)} MB |

CDP \`Runtime.getHeapUsage\` (the page's main thread; the worker's heap is apart) every 0.5 s.
Played at ${PLAY_SPEED}x from 0: ${f1(played.virtualS)} s of virtual time in ${f1(played.wallS)} s of wall time${played.ended ? ' (the whole run)' : ` (stopped after ${PLAY_WALL_S} s; the page plays slower than ${PLAY_SPEED}x when its frames take long)`}.

## g. Panning and zooming the timeline

| figure | value |
| --- | --- |
${panRows(pan)}

Over the run of e (${count} transitions in the stream, the page counts ${total}; each of its ${Math.round(DURATION * 10)} I/O ticks carries an entry
per LUN, ${Math.round(((DURATION * 10 * SHAPE.targets * SHAPE.lunsPerTarget) / 1e6) * 10) / 10} million in all): twelve wheel steps in at the
middle of the plot, three drags of 600 px, twelve wheel steps out, as Playwright's mouse
gives them; frame time is the delta between requestAnimationFrame callbacks.
`;
    return { md, csv, svg };
  } finally {
    await page.close();
  }
}

/** h. More than a million transitions: the stream, the heap after it, the gesture of g. */
async function million(browser: Browser): Promise<{ md: string; csv: string[] }> {
  const started = performance.now();
  const load0 = os.loadavg();
  const storm = stormScenario(H_SHAPE, H_DURATION, lostFor(H_DURATION));
  const sc: Scenario = {
    ...storm,
    name: `${storm.name}, I/O tick ${H_TICK * 1000} ms`,
    timings: { ...storm.timings, tick: H_TICK },
    seed: 1,
  };
  const luns = H_SHAPE.targets * H_SHAPE.lunsPerTarget;
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    const { heap } = await openDefault(page);
    const base = heap.samples[0]?.used ?? 0;
    heap.start();
    console.log(
      `h. ${luns} LUNs x ${H_DURATION} s, I/O tick ${H_TICK * 1000} ms, ${sc.faults.length} faults, streamed to the page`,
    );
    const stream = await streamFromPermalink(page, sc, 2 * 3600_000);
    console.log(streamLine(stream));
    const enough = stream.shown >= MILLION;
    const verdict = enough
      ? `the page counts ${stream.shown} transitions: at least a million`
      : `the page counts ${stream.shown} transitions: FEWER than a million, so these are not the figures over a million transitions`;
    console.log(`  ${verdict}`);
    await page.waitForTimeout(1000);
    const gc = await heap.collected();
    console.log(
      `  heap: ${f1(base / MB)} MB before, peak ${f1(heap.peak('stream') / MB)} MB streaming, ${f1(gc / MB)} MB after a gc`,
    );
    console.log('  timeline: wheel zoom in and out, drag pans');
    const pan = await panAndZoom(page);
    const totalS = (performance.now() - started) / 1000;
    const load1 = os.loadavg();
    console.log(`h took ${totalS.toFixed(0)} s; load ${la(load0)} -> ${la(load1)}`);
    const csv = [
      ...heap.samples.map((h) => `h-heap,${h.s.toFixed(2)},${h.phase},${h.used},bytes`),
      ...stream.recorded.batches.map(
        (b) => `h-batch,${((b.at - stream.first) / 1000).toFixed(3)},${b.n},${b.ms.toFixed(2)},ms`,
      ),
      `h-pan,,p50,${pan.p50.toFixed(2)},ms`,
      `h-pan,,p95,${pan.p95.toFixed(2)},ms`,
      `h-pan,,max,${pan.max.toFixed(2)},ms`,
      `h-pan,,frames,${pan.n},frames`,
      `h-pan,,long tasks,${pan.longTasks},tasks`,
      `h-pan,,elements,${pan.elements},elements`,
    ];
    const md = `## h. Panning and zooming over 1 million transitions

Written by \`npm run bench:stream\`${QUICK ? ' (--quick)' : ''}; \`npm run bench:stream -- --only=h\` runs this section alone and
replaces it and the \`h-\` rows of [stream.csv](stream.csv), keeping the sections above.

- date: ${stamp()}; took ${totalS.toFixed(0)} s
- load average (1 / 5 / 15 min) ${la(load0)} before, ${la(load1)} after
- browser: Debian's Chromium ${browser.version()}, headless, viewport ${VIEWPORT.width} x ${VIEWPORT.height}; the production build

The run: ${luns} scsi_debug LUNs x ${H_DURATION} s (${luns * H_DURATION} LUN-seconds, within the page's limits) under the storm
of scripts/bench-storm.ts with ${lostFor(H_DURATION)} lost commands, ${sc.faults.length} faults, and an I/O tick (the scenario's
\`timings.tick\`) of ${H_TICK * 1000} ms instead of the kernel's 100 ms, opened from a permalink as in e. With ${luns} LUNs the
timeline shows every LUN's lane unfolded. ${enough ? `The page counts **${stream.shown} transitions**, more than a million.` : `The page counts ${stream.shown} transitions: **fewer than a million**, so these are not the figures over a million transitions.`}

| figure | value |
| --- | --- |
${streamRows(stream)}
| heap: the default page, the peak while it streams in, after a collection | ${f1(base / MB)} / ${f1(heap.peak('stream') / MB)} / ${f1(gc / MB)} MB |
${panRows(pan)}

The gesture is g's, on the run paused at 0 once it has streamed in.
`;
    return { md, csv };
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const load0 = os.loadavg();
  const served = await servePage(ROOT, PORT, !ARGS.includes('--no-build'));
  const { browser } = served;
  try {
    const mdFile = path.join(OUT_DIR, 'stream.md');
    const csvFile = path.join(OUT_DIR, 'stream.csv');
    mkdirSync(OUT_DIR, { recursive: true });
    let head: string;
    let csv: string[];
    if (ONLY_H) {
      // the sections before h and their rows, as the last full run wrote them
      const old = existsSync(mdFile) ? readFileSync(mdFile, 'utf8') : '';
      head = old.split(/^## h\. /m)[0]!.trimEnd() + '\n';
      const rows = existsSync(csvFile) ? readFileSync(csvFile, 'utf8').split('\n') : [];
      csv = rows.filter((r) => r && !r.startsWith('h-') && !r.startsWith('section,'));
    } else {
      const r = await hour(browser, started, load0);
      writeFileSync(path.join(OUT_DIR, 'stream-heap.svg'), r.svg);
      head = r.md;
      csv = r.csv;
    }
    const h = await million(browser);
    const md = `${head}\n${h.md}`;
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(mdFile)) ?? {};
    writeFileSync(mdFile, await prettier.format(md, { ...options, filepath: mdFile }));
    writeFileSync(
      csvFile,
      `${['section,seconds,phase,value,unit', ...csv, ...h.csv].join('\n')}\n`,
    );
    console.log(
      `bench:stream took ${((performance.now() - started) / 1000).toFixed(0)} s; wrote docs/bench/stream.md and stream.csv${ONLY_H ? ' (section h)' : ' and stream-heap.svg'}`,
    );
  } finally {
    await served.close();
  }
}

await main();
