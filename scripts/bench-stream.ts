// `npm run bench:stream` (and the last part of `npm run bench`): the largest run the page
// takes, in Chromium.
//   e. the worker-to-page stream: 1024 LUNs x 3600 s (one virtual hour, the page's limit)
//      under a storm of random faults, opened from a permalink: transitions per second
//      delivered, and the main-thread time each batch takes (its message handler and the
//      microtasks it queues: the store, React's updates);
//   f. the page's heap (CDP Runtime.getHeapUsage) every 0.5 s while that run streams in and
//      then plays at 100x to its end;
//   g. panning and zooming that run's timeline (wheel zoom in and out, drag pans): frame time,
//      requestAnimationFrame deltas.
// Builds dist/ first unless --no-build; serves it with Vite's preview server on --port (4362)
// and drives Debian's Chromium with Playwright. Measures, never asserts. Writes
// docs/bench/stream.md, stream.csv and stream-heap.svg. --quick: 1024 LUNs x 600 s.
import { FRAMES_AND_LONG_TASKS } from './bench-probe';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import LZString from 'lz-string';
import { preview } from 'vite';
import { stormScenario } from './bench-storm';
import { lineChart } from './bench-svg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'docs/bench');
const ARGS = process.argv.slice(2);
const arg = (name: string, dflt: string): string =>
  ARGS.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const QUICK = ARGS.includes('--quick');
const PORT = Number(arg('port', '4362'));
const SHAPE = { targets: 32, lunsPerTarget: 32 };
const DURATION = Number(arg('duration', QUICK ? '600' : '3600'));
/** lost commands in the storm: with their failing aborts and resets, close to 10 000 faults */
const LOST = Math.round((5700 * Math.min(DURATION, 480)) / 480);
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
      const batch = a && Array.isArray(a.value) ? a.value : null;
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

async function main(): Promise<void> {
  const started = performance.now();
  const load0 = os.loadavg();
  if (!ARGS.includes('--no-build'))
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const sc = { ...stormScenario(SHAPE, DURATION, LOST), seed: 1 };
  const server = await preview({
    root: ROOT,
    logLevel: 'silent',
    preview: { host: '127.0.0.1', port: PORT, strictPort: true, open: false },
  });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
  const version = browser.version();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.addInitScript(INIT);
    const cdp = await page.context().newCDPSession(page);
    const heap: { s: number; phase: string; used: number }[] = [];
    let phase = 'stream';
    const t0 = Date.now();
    const sample = async (): Promise<void> => {
      try {
        const h = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
        heap.push({ s: (Date.now() - t0) / 1000, phase, used: h.usedSize });
      } catch {
        // the page between documents
      }
    };
    await page.goto(`http://127.0.0.1:${PORT}/`);
    await page.locator('[data-lun]').first().waitFor({ timeout: 60_000 });
    // the default run's stream in, so that none of its batches counts below
    await page.locator('.page[data-status="done"]').waitFor({ timeout: 120_000 });
    await sample();
    const sampler = setInterval(() => void sample(), 500);

    // e. the stream: the run from a permalink (paused at 0)
    console.log(
      `e. ${SHAPE.targets * SHAPE.lunsPerTarget} LUNs x ${DURATION} s, ${sc.faults.length} faults, streamed to the page`,
    );
    const json = JSON.stringify(sc);
    await arm(page, true);
    await take(page);
    await page.goto(
      `http://127.0.0.1:${PORT}/#v=1&s=${LZString.compressToEncodedURIComponent(json)}`,
    );
    await page.locator('.page[data-status="done"]').waitFor({ timeout: 900_000 });
    const streamed = await take(page);
    const count = streamed.batches.reduce((n, b) => n + b.n, 0);
    const first = streamed.batches[0]?.at ?? 0;
    const last = streamed.batches.at(-1)?.at ?? first;
    const perBatch = streamed.batches.map((b) => b.ms);
    const total = Number(await page.getByTestId('transition-total').textContent());
    // what the page kept in full detail, and how it summarised the rest
    const note = page.getByTestId('summary-note');
    const summary = (await note.count())
      ? {
          until: Number(await note.getAttribute('data-until')),
          bin: Number(await note.getAttribute('data-bin')),
        }
      : null;
    const stream = {
      batches: streamed.batches.length,
      transitions: count,
      shown: total,
      seconds: (last - first) / 1000,
      rate: count / Math.max(1e-3, (last - first) / 1000),
      p50: percentile(perBatch, 0.5),
      p95: percentile(perBatch, 0.95),
      max: Math.max(0, ...perBatch),
      busy: perBatch.reduce((a, b) => a + b, 0) / Math.max(1, last - first),
      longTasks: streamed.tasks.length,
      longest: Math.max(0, ...streamed.tasks.map((t) => t.duration)),
      frames: frameStats(streamed.frames),
    };
    console.log(
      `  ${count} transitions in ${stream.batches} batches over ${f1(stream.seconds)} s: ${Math.round(stream.rate)} transitions/s; per batch p50 ${f1(stream.p50)} p95 ${f1(stream.p95)} max ${f1(stream.max)} ms`,
    );

    // f. the heap while it plays at 100x
    phase = 'play';
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
    clearInterval(sampler);
    await cdp.send('HeapProfiler.collectGarbage');
    phase = 'after gc';
    await sample();

    // g. pan and zoom the timeline
    console.log('g. timeline: wheel zoom in and out, drag pans');
    const plot = page.locator('[data-testid="timeline"] svg.tl-plot');
    const box = (await plot.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + Math.min(box.height, 300) / 2;
    await page.mouse.move(cx, cy);
    await take(page);
    for (let k = 0; k < 12; k++) {
      await page.mouse.wheel(0, -300);
      await page.waitForTimeout(50);
    }
    for (let k = 0; k < 3; k++) {
      await page.mouse.move(cx + 300, cy);
      await page.mouse.down();
      for (let s = 1; s <= 30; s++) await page.mouse.move(cx + 300 - s * 20, cy);
      await page.mouse.up();
    }
    for (let k = 0; k < 12; k++) {
      await page.mouse.wheel(0, 300);
      await page.waitForTimeout(50);
    }
    await page.waitForTimeout(300);
    const panned = await take(page);
    const pan = {
      ...frameStats(panned.frames),
      longTasks: panned.tasks.length,
      longest: Math.max(0, ...panned.tasks.map((t) => t.duration)),
    };
    console.log(
      `  ${pan.n} frames: p50 ${f1(pan.p50)} p95 ${f1(pan.p95)} max ${f1(pan.max)} ms; ${pan.longTasks} long tasks`,
    );
    const lanes = await page.evaluate(
      () => document.querySelectorAll('[data-testid="timeline"] svg.tl-plot *').length,
    );

    // ---- report --------------------------------------------------------------------------
    const stat = (p: string): number[] => heap.filter((h) => h.phase === p).map((h) => h.used);
    const peak = (p: string): number => Math.max(0, ...stat(p));
    const base = heap[0]?.used ?? 0;
    const gc = stat('after gc')[0] ?? NaN;
    const totalS = (performance.now() - started) / 1000;
    const load1 = os.loadavg();
    const la = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');
    console.log(
      `f. heap: ${f1(base / MB)} MB before, peak ${f1(peak('stream') / MB)} MB streaming, ${f1(peak('play') / MB)} MB playing, ${f1(gc / MB)} MB after a gc`,
    );
    console.log(`bench:stream took ${totalS.toFixed(0)} s; load ${la(load0)} -> ${la(load1)}`);
    const svg = lineChart(
      `The page's heap, 1024 LUNs x ${DURATION} s: streamed, then played at ${PLAY_SPEED}x`,
      'seconds of wall time',
      'heap used, MB',
      ['stream', 'play'].map((p) => ({
        name: p === 'stream' ? 'while the run streams in' : `while it plays at ${PLAY_SPEED}x`,
        points: heap.filter((h) => h.phase === p).map((h) => [h.s, h.used / MB]),
      })),
    );
    const csv = [
      'section,seconds,phase,value,unit',
      ...heap.map((h) => `heap,${h.s.toFixed(2)},${h.phase},${h.used},bytes`),
      ...streamed.batches.map(
        (b) => `batch,${((b.at - first) / 1000).toFixed(3)},${b.n},${b.ms.toFixed(2)},ms`,
      ),
    ];
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const md = `# The largest run the page takes: stream, heap, timeline

Written by \`npm run bench:stream\` (scripts/bench-stream.ts${QUICK ? ', --quick' : ''}; \`npm run bench\` runs it last);
the raw figures are in [stream.csv](stream.csv). No test asserts on any of these figures.

- date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}
- machine: ${cpu}, ${os.cpus().length} cores; load average (1 / 5 / 15 min) ${la(load0)} before, ${la(load1)} after
- browser: Debian's Chromium ${version}, headless, viewport ${VIEWPORT.width} x ${VIEWPORT.height}; the production build
- took ${totalS.toFixed(0)} s

The run: ${SHAPE.targets * SHAPE.lunsPerTarget} scsi_debug LUNs x ${DURATION} s (${SHAPE.targets * SHAPE.lunsPerTarget * DURATION} LUN-seconds; the page takes
at most one virtual hour of 1024 LUNs) under the storm of scripts/bench-storm.ts with ${LOST} lost commands, ${sc.faults.length} faults
in all (the engine takes at most 10 000), opened from a permalink.

## e. The worker-to-page stream

| figure | value |
| --- | --- |
| transitions delivered | ${count} in ${stream.batches} batches (the page counts ${total}) |
| kept in full detail | ${summary ? `the I/O after ${f1(summary.until)} s; before it, sums over ${summary.bin} s` : 'all of it'} |
| from the first batch to the last | ${f1(stream.seconds)} s: **${Math.round(stream.rate)} transitions/s** |
| main-thread time per batch, p50 / p95 / max | ${f1(stream.p50)} / ${f1(stream.p95)} / ${f1(stream.max)} ms |
| share of the stream's time in batches | ${f1(100 * stream.busy)} % |
| long tasks meanwhile, the longest | ${stream.longTasks}, ${f1(stream.longest)} ms |
| frame time meanwhile, p50 / p95 / max | ${f1(stream.frames.p50)} / ${f1(stream.frames.p95)} / ${f1(stream.frames.max)} ms (${stream.frames.n} frames) |

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
| peak while the run streams in | ${f1(peak('stream') / MB)} MB |
| peak while it plays at ${PLAY_SPEED}x | ${f1(peak('play') / MB)} MB |
| after a collection at the end | ${f1(gc / MB)} MB |

CDP \`Runtime.getHeapUsage\` (the page's main thread; the worker's heap is apart) every 0.5 s.
Played at ${PLAY_SPEED}x from 0: ${f1(played.virtualS)} s of virtual time in ${f1(played.wallS)} s of wall time${played.ended ? ' (the whole run)' : ` (stopped after ${PLAY_WALL_S} s; the page plays slower than ${PLAY_SPEED}x when its frames take long)`}.

## g. Panning and zooming the timeline

| figure | value |
| --- | --- |
| frames | ${pan.n} |
| frame time p50 / p95 / max | ${f1(pan.p50)} / **${f1(pan.p95)}** / ${f1(pan.max)} ms (goal p95 33 ms or less) |
| long tasks, the longest | ${pan.longTasks}, ${f1(pan.longest)} ms |
| SVG elements in the plot at the end | ${lanes} |

Over the run of e (${count} transitions in the stream; each of its ${Math.round(DURATION * 10)} I/O ticks carries an entry
per LUN, ${Math.round(((DURATION * 10 * SHAPE.targets * SHAPE.lunsPerTarget) / 1e6) * 10) / 10} million in all): twelve wheel steps in at the
middle of the plot, three drags of 600 px, twelve wheel steps out, as Playwright's mouse
gives them; frame time is the delta between requestAnimationFrame callbacks.
`;
    mkdirSync(OUT_DIR, { recursive: true });
    const mdFile = path.join(OUT_DIR, 'stream.md');
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(mdFile)) ?? {};
    writeFileSync(mdFile, await prettier.format(md, { ...options, filepath: mdFile }));
    writeFileSync(path.join(OUT_DIR, 'stream.csv'), `${csv.join('\n')}\n`);
    writeFileSync(path.join(OUT_DIR, 'stream-heap.svg'), svg);
    console.log('wrote docs/bench/stream.md, stream.csv and stream-heap.svg');
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
}

await main();
