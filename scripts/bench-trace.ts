// `npx tsx scripts/bench-trace.ts [--mb=100] [--case=demo-lun-target] [--page] [--port=N]
// [--idle=10] [--playing] [--write=FILE]` (FILE: the trace it built):
// how fast a large kernel trace parses. It builds a trace of about --mb megabytes from one
// recording of kernel/traces/ (its ftrace, dmesg and fio sections repeated one after the
// other, each copy's time stamps moved on by the recording's length, so that the result
// reads as one long run that recovers over and over), then times in Node the reader
// (text to records, fed in 1 MB chunks as the page's worker feeds it) and the conversion
// (records to the transition stream), MB/s of the text.
//
// With --page it also opens the file in the production page (dist/, built first unless
// --no-build) in Debian's Chromium through "Open trace…": the worker parses it while the page
// records its main thread's long tasks (PerformanceObserver 'longtask') and the longest gap
// between animation frames; what happens once the worker has answered (the result's copy to
// the page, the store and the first render of the run) is timed apart. Measures, never
// asserts; prints a markdown table.
import { FRAMES_AND_LONG_TASKS } from './bench-probe';
import { servePage } from './bench-serve';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { convert, TraceReader } from '../src/trace/index';
import { TRACE_BATCH_SIZE } from '../src/worker/traceProtocol';

const ROOT = path.resolve(import.meta.dirname, '..');
const ARGS = process.argv.slice(2);
const arg = (name: string, dflt: string): string =>
  ARGS.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const MB = Number(arg('mb', '100'));
const CASE = arg('case', 'demo-lun-target');
const PAGE = ARGS.includes('--page');
const PORT = Number(arg('port', process.env.E2E_PORT ?? '4311'));
const CHUNK = 1 << 20;

interface Sections {
  header: string[];
  /** each section's "#@" line and its lines */
  parts: { tag: string; lines: string[] }[];
}

function sectionsOf(text: string): Sections {
  const out: Sections = { header: [], parts: [] };
  for (const line of text.split('\n')) {
    if (line.startsWith('#@')) out.parts.push({ tag: line, lines: [] });
    else if (out.parts.length) out.parts[out.parts.length - 1]!.lines.push(line);
    else out.header.push(line);
  }
  return out;
}

const FTRACE_TS = /^(\s*\S.*?\s)(\d+\.\d+)(: )/;
const DMESG_TS = /^\[\s*(\d+\.\d+)\]/;
const FIO_MS = /^(\d+)(,.*)$/;
const SYNC_MS = /(sync realtime_ms=)(\d+)/;

/** The first and last time stamp of the ftrace section (seconds). */
function spanOf(s: Sections): number {
  let first = Infinity;
  let last = -Infinity;
  for (const p of s.parts)
    if (p.tag === '#@ftrace')
      for (const l of p.lines) {
        const m = FTRACE_TS.exec(l);
        if (!m) continue;
        const t = Number(m[2]);
        first = Math.min(first, t);
        last = Math.max(last, t);
      }
  return Math.ceil(last - first) + 1;
}

/** One copy of a section's line, its clock moved on by dt seconds. */
function shifted(tag: string, line: string, dt: number): string {
  const moveSync = (l: string): string =>
    l.replace(SYNC_MS, (_, a: string, ms: string) => a + String(Number(ms) + dt * 1000));
  if (tag === '#@ftrace') {
    const m = FTRACE_TS.exec(line);
    if (!m || line.startsWith('#')) return line;
    return moveSync(m[1]! + (Number(m[2]) + dt).toFixed(6) + m[3]! + line.slice(m[0].length));
  }
  if (tag === '#@dmesg') {
    const m = DMESG_TS.exec(line);
    if (!m) return line;
    const ts = (Number(m[1]) + dt).toFixed(6).padStart(12);
    return moveSync(`[${ts}]` + line.slice(m[0].length));
  }
  const m = FIO_MS.exec(line);
  return m ? String(Number(m[1]) + dt * 1000) + m[2]! : line;
}

/** A trace of about `mb` MB: the recording's sections, each repeated end to end. */
function buildTrace(text: string, mb: number): { text: string; copies: number } {
  const s = sectionsOf(text);
  const span = spanOf(s);
  const copies = Math.max(1, Math.round((mb * 1e6) / Buffer.byteLength(text)));
  const out: string[] = [...s.header];
  for (const p of s.parts) {
    out.push(p.tag);
    const body = p.lines.filter((l) => l !== '' && !(p.tag === '#@ftrace' && l.startsWith('#')));
    for (let k = 0; k < copies; k++) for (const l of body) out.push(shifted(p.tag, l, k * span));
  }
  return { text: out.join('\n') + '\n', copies };
}

interface NodeFigures {
  mb: number;
  lines: number;
  transitions: number;
  readS: number;
  convertS: number;
  totalS: number;
  mbPerS: number;
  readMbPerS: number;
  progressCalls: number;
}

function nodeBench(text: string): NodeFigures {
  const bytes = Buffer.byteLength(text);
  const t0 = performance.now();
  let progress = 0;
  const r = new TraceReader({ onProgress: () => progress++, progressEvery: 20000 });
  for (let i = 0; i < text.length; i += CHUNK) r.push(text.slice(i, i + CHUNK));
  const collected = r.end();
  const t1 = performance.now();
  const result = convert(collected);
  const t2 = performance.now();
  return {
    mb: bytes / 1e6,
    lines: result.stats.lines,
    transitions: result.transitions.length,
    readS: (t1 - t0) / 1000,
    convertS: (t2 - t1) / 1000,
    totalS: (t2 - t0) / 1000,
    mbPerS: bytes / 1e6 / ((t2 - t0) / 1000),
    readMbPerS: bytes / 1e6 / ((t1 - t0) / 1000),
    progressCalls: progress,
  };
}

/** The main thread over a stretch of time: its long tasks and its frames. */
interface MainThread {
  seconds: number;
  longTasks: number;
  longestTaskMs: number;
  /** share of the time in long tasks */
  busy: number;
  longestFrameGapMs: number;
}

interface PageFigures {
  /** the same page, left alone as long before the file is chosen */
  idle: MainThread;
  /** from the file chosen to the worker's answer */
  parsing: MainThread;
  progressUpdates: number;
  /** from the worker's answer to the run shown (the result's copy, the store, the render) */
  after: MainThread;
  /** its parts: the answer's message to the summary in hand, the stream into the store, the render */
  phases: { copyS: number; storeS: number; renderS: number };
}

interface Recorded {
  answers: number[];
  tasks: { start: number; duration: number }[];
  frames: number[];
  progress: number[];
  now: number;
}

function mainThread(r: Recorded, from: number, to: number): MainThread {
  // a task belongs where it ends (the one that takes the worker's answer starts before the
  // answer's message reaches the page's listener)
  const tasks = r.tasks.filter((t) => t.start + t.duration > from && t.start + t.duration <= to);
  const frames = [from, ...r.frames.filter((f) => f >= from && f <= to), to];
  let gap = 0;
  for (let i = 1; i < frames.length; i++) gap = Math.max(gap, frames[i]! - frames[i - 1]!);
  const inTasks = tasks.reduce((n, t) => n + Math.min(t.duration, t.start + t.duration - from), 0);
  return {
    seconds: (to - from) / 1000,
    longTasks: tasks.length,
    longestTaskMs: Math.max(0, ...tasks.map((t) => t.duration)),
    busy: to > from ? inTasks / (to - from) : 0,
    longestFrameGapMs: gap,
  };
}

async function pageBench(file: string, idleS: number): Promise<PageFigures> {
  const served = await servePage(ROOT, PORT, !ARGS.includes('--no-build'));
  const { browser } = served;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // before the page's scripts: the trace worker's messages (its answer is the last), every
    // long task, every animation frame and every new progress text, once armed. A string:
    // a function would be sent as tsx compiled it, with helpers the page does not have.
    await page.addInitScript(`
      const answers = [], tasks = [], frames = [], progress = [];
      const bench = { answers, tasks, frames, progress, armed: false };
      window.__bench = bench;
      const Native = window.Worker;
      window.Worker = class extends Native {
        constructor(url, opts) {
          super(url, opts);
          if (opts && opts.name === 'trace')
            this.addEventListener('message', () => answers.push(performance.now()));
        }
      };
      ${FRAMES_AND_LONG_TASKS}
      let shown = '';
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid="trace-progress"]');
        const text = el ? el.textContent : '';
        if (bench.armed && text && text !== shown) progress.push(performance.now());
        shown = text;
      }).observe(document, { subtree: true, childList: true, characterData: true });
    `);
    await page.goto(`http://127.0.0.1:${PORT}/`);
    await page.locator('[data-lun]').first().waitFor({ timeout: 60_000 });
    // paused (as a loaded trace leaves it), unless --playing: what is left is the parse's own
    // cost to the main thread
    const play = page.getByTestId('play');
    if (!ARGS.includes('--playing') && (await play.getAttribute('aria-pressed')) === 'true')
      await play.click();
    await page.waitForTimeout(1000);
    const armed = await page.evaluate(() => {
      (window as unknown as { __bench: { armed: boolean } }).__bench.armed = true;
      return performance.now();
    });
    await page.waitForTimeout(idleS * 1000);
    const t0 = await page.evaluate(() => performance.now());
    await page.getByTestId('open-trace').setInputFiles(file);
    // the stream comes in batches after the parse: shown once the whole run is in
    await page
      .locator('.page[data-source="trace"][data-status="done"]')
      .waitFor({ timeout: 900_000 });
    // the first render of the run: two frames after the page says it shows the trace
    const shown = await page.evaluate(
      () =>
        new Promise<number>((resolve) =>
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now()))),
        ),
    );
    if (process.env.BENCH_DEBUG)
      console.log(
        await page.evaluate(() => ({
          nodes: document.querySelectorAll('*').length,
          timeline: document.querySelectorAll('.timeline *').length,
          tree: document.querySelectorAll('.tree *').length,
        })),
      );
    const r = await page.evaluate(() => {
      const x = (window as unknown as { __bench: Omit<Recorded, 'now'> }).__bench;
      // (no named function in here: tsx would wrap it in a helper the page lacks)
      const [inHand, loaded] = ['trace-answer', 'trace-loaded'].map(
        (m) => performance.getEntriesByName(m, 'mark').pop()?.startTime ?? NaN,
      );
      return { ...x, now: performance.now(), inHand: inHand!, loaded: loaded! };
    });
    // the parse's answer (its summary; the batches of the stream follow it)
    const last = Number.isFinite(r.inHand) ? r.inHand : shown;
    // the answer's task: from its start, if it was a long one
    const answer = Math.min(
      last,
      ...r.tasks.filter((t) => t.start <= last && t.start + t.duration >= last).map((t) => t.start),
    );
    return {
      idle: mainThread(r, armed, armed + idleS * 1000),
      parsing: mainThread(r, t0, answer),
      progressUpdates: r.progress.filter((x) => x >= t0 && x <= answer).length,
      after: mainThread(r, answer, shown),
      phases: {
        copyS: (r.inHand - answer) / 1000,
        storeS: (r.loaded - r.inHand) / 1000,
        renderS: (shown - r.loaded) / 1000,
      },
    };
  } finally {
    await served.close();
  }
}

async function main(): Promise<void> {
  const src = gunzipSync(readFileSync(path.join(ROOT, 'kernel/traces', `${CASE}.trace.gz`)));
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-trace-'));
  const write = arg('write', '');
  try {
    // built, written out and read back: the measured runs start from a file's text alone
    const tb = performance.now();
    const built = buildTrace(src.toString('utf8'), MB);
    const file = write || path.join(dir, `${CASE}-x${built.copies}.trace`);
    writeFileSync(file, built.text);
    const copies = built.copies;
    console.log(
      `built from ${CASE}: ${copies} copies, ${(Buffer.byteLength(built.text) / 1e6).toFixed(1)} MB in ${((performance.now() - tb) / 1000).toFixed(1)} s; load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}, ${cpus().length} CPUs`,
    );
    built.text = '';
    const text = readFileSync(file, 'utf8');
    const runs = [nodeBench(text), nodeBench(text), nodeBench(text)];
    const best = runs.reduce((a, b) => (b.totalS < a.totalS ? b : a));
    const f = (x: number, d = 2): string => x.toFixed(d);
    console.log(`\n| Node ${process.version} (best of 3) | figure |\n| --- | --- |`);
    console.log(`| text | ${f(best.mb, 1)} MB, ${best.lines.toLocaleString('en-US')} lines |`);
    console.log(`| reader (1 MB chunks) | ${f(best.readS)} s, ${f(best.readMbPerS, 0)} MB/s |`);
    console.log(`| conversion | ${f(best.convertS)} s, ${best.transitions} transitions |`);
    console.log(
      `| both | ${f(best.totalS)} s, **${f(best.mbPerS, 0)} MB/s** (the 3 runs: ${runs.map((r) => f(r.totalS)).join(', ')} s) |`,
    );
    console.log(`| progress calls | ${best.progressCalls} |`);
    if (!PAGE) return;
    const p = await pageBench(file, Number(arg('idle', '10')));
    const row = (what: string, m: MainThread): string =>
      `| ${what} | ${f(m.seconds)} s | ${m.longTasks} | ${f(m.longestTaskMs, 0)} ms | ${f(100 * m.busy, 0)} % | ${f(m.longestFrameGapMs, 0)} ms |`;
    console.log(
      '\n| Chromium, the page | lasted | long tasks | the longest | in long tasks | longest gap between frames |\n| --- | --- | --- | --- | --- | --- |',
    );
    console.log(row('left alone, before the file is chosen', p.idle));
    console.log(
      row(
        `the worker parses (${f(best.mb / p.parsing.seconds, 0)} MB/s; ${p.progressUpdates} progress texts shown)`,
        p.parsing,
      ),
    );
    console.log(row("the worker's answer to the run shown", p.after));
    console.log(
      `\nthe answer to the run shown: ${f(p.phases.copyS)} s to have the result in hand (its copy from the worker), ${f(p.phases.storeS)} s into the store (beginTrace, then append for each batch of ${TRACE_BATCH_SIZE}, finish), ${f(p.phases.renderS)} s to the second frame after`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
