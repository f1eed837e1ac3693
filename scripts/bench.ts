// `npm run bench`: how fast the engine runs, measured in one process.
//   a. events/s of the engine under a fault storm against a bare binary-heap event loop of
//      the same size, three times interleaved (median and spread);
//   b. wall time, transitions and heap of 1024 LUNs x 60 s virtual under that storm;
//   c. scaling from 16 to 4096 LUNs, 10 s virtual each (time and heap per virtual second);
//   d. the engine's event queue against two from npm;
//   e. one virtual hour of 1024 LUNs under the storm: time, events, transitions, the heap
//      over virtual time.
// Prints a summary and writes docs/bench/bench.md, engine.csv, hour.csv, hour-heap.svg and
// scaling.svg; then runs the page's parts in Chromium (scripts/bench-page.ts, then
// scripts/bench-stream.ts; not with --engine-only). --quick: one run of each, shorter runs.
// `npm run bench` starts node with --expose-gc so heap figures are taken after a collection.
import { execFileSync } from 'node:child_process';
import TinyQueue from 'tinyqueue';
import { Heap } from 'heap-js';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Sim, simulate, type Scenario, type SimOptions } from '../src/engine';
import {
  mulberry32,
  QUEUE_DEPTH,
  RATE,
  STORM_SCOPE,
  STORM_SEED,
  stormScenario,
} from './bench-storm';
import { lineChart } from './bench-svg';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'docs/bench');

const ARGS = process.argv.slice(2);
/** --quick: one run of each, shorter runs (a try-out; the figures are noisier) */
const QUICK = ARGS.includes('--quick');
/** --engine-only: not the page's parts (scripts/bench-page.ts, scripts/bench-stream.ts) */
const ENGINE_ONLY = ARGS.includes('--engine-only');
const REPEATS = QUICK ? 1 : 3;
const ENGINE_SEED = 1;
const MAIN = { targets: 32, lunsPerTarget: 32, duration: QUICK ? 20 : 60 };
/** e. one virtual hour of 1024 LUNs (six minutes with --quick) */
const HOUR = { targets: 32, lunsPerTarget: 32, duration: QUICK ? 360 : 3600 };
/** e. the heap is sampled every this many virtual seconds */
const HOUR_SAMPLE = QUICK ? 5 : 30;
const SCALING = [
  { targets: 4, lunsPerTarget: 4 },
  { targets: 8, lunsPerTarget: 8 },
  { targets: 16, lunsPerTarget: 16 },
  { targets: 32, lunsPerTarget: 32 },
  { targets: 64, lunsPerTarget: 64 },
];
const SCALING_DURATION = 10;

// ---- helpers -------------------------------------------------------------------------------

const gc = (globalThis as { gc?: () => void }).gc;
/**
 * A full collection. It waits between collections: a compile job V8 still runs on a
 * function of the last run holds that run's objects (seen as a handle scope retaining a
 * closure context), and a collection at once would count them.
 */
async function collect(): Promise<void> {
  if (!gc) return;
  for (let k = 0; k < 3; k++) {
    await sleep(20);
    gc();
  }
}
const heapUsed = (): number => process.memoryUsage().heapUsed;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
/** (max - min) / median, as a percentage */
const spread = (xs: number[]): number => ((Math.max(...xs) - Math.min(...xs)) / median(xs)) * 100;

const MB = 1024 * 1024;
const fmtInt = (x: number): string => Math.round(x).toLocaleString('en-US');
const fmtM = (x: number): string => `${(x / 1e6).toFixed(2)} M`;
const fmtMB = (x: number): string => `${(x / MB).toFixed(1)} MB`;
const fmtKB = (x: number): string => `${(x / 1024).toFixed(1)} KB`;

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The same table as aligned plain text, for the terminal. */
function textTable(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => c.padStart(w[i]!)).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

// ---- the bare event loop -------------------------------------------------------------------

interface BareEvent {
  t: number;
  seq: number;
  lun: number;
}

/** A plain binary min-heap ordered by (t, seq). */
class BareHeap {
  private a: BareEvent[] = [];
  get size(): number {
    return this.a.length;
  }
  push(x: BareEvent): void {
    const a = this.a;
    let i = a.length;
    a.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const q = a[p]!;
      if (q.t < x.t || (q.t === x.t && q.seq < x.seq)) break;
      a[i] = q;
      i = p;
    }
    a[i] = x;
  }
  pop(): BareEvent | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    const n = a.length;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n) {
        const l = a[c]!;
        const r = a[c + 1]!;
        if (r.t < l.t || (r.t === l.t && r.seq < l.seq)) c++;
      }
      const y = a[c]!;
      if (last.t < y.t || (last.t === y.t && last.seq < y.seq)) break;
      a[i] = y;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

/**
 * The minimal work of a discrete-event loop: one pending event per LUN; each event is
 * popped, advances the clock, and is pushed again as the next event of a random LUN, half
 * to one and a half I/O intervals on.
 */
function bareLoop(luns: number, events: number): { ms: number; check: number } {
  const rnd = mulberry32(STORM_SEED);
  const interval = 1 / RATE;
  const heap = new BareHeap();
  let seq = 0;
  for (let l = 0; l < luns; l++) heap.push({ t: rnd() * interval, seq: seq++, lun: l });
  let now = 0;
  let check = 0;
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    const ev = heap.pop()!;
    now = ev.t;
    check += ev.lun;
    // the popped event becomes the next one: no allocation, the least a loop can do
    ev.t = now + interval * (0.5 + rnd());
    ev.seq = seq++;
    ev.lun = Math.floor(rnd() * luns);
    heap.push(ev);
  }
  const ms = performance.now() - t0;
  return { ms, check: check + heap.size + now };
}

// ---- measurements --------------------------------------------------------------------------

interface EngineRun {
  ms: number;
  events: number;
  transitions: number;
  heapBefore: number;
  heapAfter: number;
  heapPeak: number;
  heapRetained: number;
}

/** One timed run; heap sampled before, at every batch of the stream, after, and after a gc. */
async function engineRun(sc: Scenario): Promise<EngineRun> {
  await collect();
  const heapBefore = heapUsed();
  let heapPeak = heapBefore;
  const t0 = performance.now();
  const result = simulate(sc, {
    seed: ENGINE_SEED,
    batchSize: 64,
    onBatch: () => {
      const h = heapUsed();
      if (h > heapPeak) heapPeak = h;
    },
  });
  const ms = performance.now() - t0;
  const heapAfter = heapUsed();
  if (heapAfter > heapPeak) heapPeak = heapAfter;
  await collect();
  const heapRetained = heapUsed() - heapBefore;
  return {
    ms,
    events: result.events,
    transitions: result.transitions.length,
    heapBefore,
    heapAfter,
    heapPeak,
    heapRetained,
  };
}

interface ScaleRun {
  luns: number;
  ms: number;
  events: number;
  transitions: number;
  modelPerLun: number;
  retainedPerLun: number;
}

/** Builds the Sim (the model's heap per LUN), then runs it (the heap kept with the result). */
async function scaleRun(shape: { targets: number; lunsPerTarget: number }): Promise<ScaleRun> {
  const luns = shape.targets * shape.lunsPerTarget;
  const sc = stormScenario(shape, SCALING_DURATION);
  // small topologies are built several times over, so their figure rises above the noise
  const copies = Math.max(1, Math.floor(4096 / luns));
  await collect();
  const h0 = heapUsed();
  const sims = Array.from({ length: copies }, () => new Sim(sc, { seed: ENGINE_SEED }));
  await collect();
  const h1 = heapUsed();
  const sim = sims[0]!;
  sims.length = 1;
  await collect();
  const h1b = heapUsed();
  const t0 = performance.now();
  const result = sim.run();
  const ms = performance.now() - t0;
  await collect();
  const h2 = heapUsed();
  const modelPerLun = (h1 - h0) / (luns * copies);
  return {
    luns: sim.devs.length, // (keeps the Sim alive until h2 is read)
    ms,
    events: result.events,
    transitions: result.transitions.length,
    modelPerLun,
    // what the run added to one Sim, plus that Sim's model
    retainedPerLun: (h2 - h1b) / luns + modelPerLun,
  };
}

interface HourRun {
  ms: number;
  events: number;
  transitions: number;
  /** the per-LUN entries of the io transitions */
  ioEntries: number;
  faults: number;
  heapBefore: number;
  heapPeak: number;
  heapRetained: number;
  /** virtual s, wall s, heap used (garbage included) */
  series: { t: number; wall: number; heap: number }[];
}

/**
 * One long run, its stream counted as it goes but not kept (kept, an hour of 1024 LUNs would
 * be about 2.3 GB: the stream's per-LUN I/O entries, see the text of e); the heap is sampled
 * (without a collection, garbage included) each time the stream passes another HOUR_SAMPLE
 * virtual s.
 */
async function hourRun(): Promise<HourRun> {
  const sc = stormScenario(HOUR, HOUR.duration);
  await collect();
  const heapBefore = heapUsed();
  const series: HourRun['series'] = [{ t: 0, wall: 0, heap: heapBefore }];
  let next = HOUR_SAMPLE;
  let heapPeak = heapBefore;
  const t0 = performance.now();
  let transitions = 0;
  let ioEntries = 0;
  const result = simulate(sc, {
    seed: ENGINE_SEED,
    batchSize: 64,
    retain: false,
    onBatch: (batch) => {
      transitions += batch.length;
      for (const tr of batch) if (tr.type === 'io') ioEntries += tr.luns.length;
      const h = heapUsed();
      if (h > heapPeak) heapPeak = h;
      const t = batch[batch.length - 1]!.t;
      if (t >= next) {
        series.push({ t, wall: (performance.now() - t0) / 1000, heap: h });
        while (next <= t) next += HOUR_SAMPLE;
      }
    },
  });
  const ms = performance.now() - t0;
  await collect();
  return {
    ms,
    events: result.events,
    transitions,
    ioEntries,
    faults: sc.faults.length,
    heapBefore,
    heapPeak,
    heapRetained: heapUsed() - heapBefore,
    series,
  };
}

function gitState(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src/engine'], { cwd: ROOT })
      .toString()
      .trim();
    return dirty ? `${head} (src/engine with uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}

// ---- main ----------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = os.loadavg()[0]!;
  if (!gc) console.warn('bench: no global.gc (run `npm run bench`): heap figures include garbage');
  const luns = MAIN.targets * MAIN.lunsPerTarget;
  const storm = stormScenario(MAIN, MAIN.duration);

  // warm-up: the JIT sees both loops once before anything is timed
  simulate(stormScenario({ targets: 8, lunsPerTarget: 8 }, 10), { seed: ENGINE_SEED });
  bareLoop(luns, 1e6);

  console.log(
    `a/b. ${luns} LUNs x ${MAIN.duration} s, ${storm.faults.length} faults, ${REPEATS} runs interleaved with the bare loop`,
  );
  const engine: EngineRun[] = [];
  const bare: { ms: number; events: number }[] = [];
  let check = 0;
  for (let r = 0; r < REPEATS; r++) {
    const e = await engineRun(storm);
    engine.push(e);
    await collect();
    const b = bareLoop(luns, e.events);
    check += b.check;
    bare.push({ ms: b.ms, events: e.events });
    console.log(
      `  run ${r + 1}: engine ${fmtInt(e.ms)} ms, ${fmtM((e.events / e.ms) * 1000)} events/s; bare ${fmtInt(b.ms)} ms, ${fmtM((e.events / b.ms) * 1000)} events/s`,
    );
  }
  const engineRate = engine.map((e) => (e.events / e.ms) * 1000);
  const bareRate = bare.map((b) => (b.events / b.ms) * 1000);
  const ratio = median(engineRate) / median(bareRate);
  const ratios = engine.map((_, i) => engineRate[i]! / bareRate[i]!);
  const first = engine[0]!;

  // d. the event queue: the same storm with ours and with two from npm, interleaved
  console.log(`d. the engine's event queue against tinyqueue and heap-js, ${REPEATS} runs each`);
  const queues: { name: string; why: string; make?: SimOptions['queue'] }[] = [
    { name: 'EventHeap (ours, 4-ary)', why: 'src/engine/heap.ts' },
    {
      name: 'tinyqueue 3',
      why: 'binary heap, comparator',
      make: (order) => new TinyQueue([], order),
    },
    { name: 'heap-js 2', why: 'binary heap, comparator', make: (order) => new Heap(order) },
  ];
  const queueRates = queues.map(() => [] as number[]);
  for (let r = 0; r < REPEATS; r++)
    for (const [i, q] of queues.entries()) {
      await collect();
      const t0 = performance.now();
      const res = simulate(storm, {
        seed: ENGINE_SEED,
        retain: false,
        ...(q.make ? { queue: q.make } : {}),
      });
      queueRates[i]!.push((res.events / (performance.now() - t0)) * 1000);
    }
  const ourQueue = median(queueRates[0]!);
  const dHead = ['queue', 'what', 'median events/s', 'spread', 'against ours'];
  const dRows = queues.map((q, i) => [
    q.name,
    q.why,
    fmtM(median(queueRates[i]!)),
    `${spread(queueRates[i]!).toFixed(1)}%`,
    (median(queueRates[i]!) / ourQueue).toFixed(3),
  ]);
  for (const row of dRows) console.log(`  ${row.join('  ')}`);

  console.log(`c. scaling, ${SCALING_DURATION} s virtual each, ${REPEATS} runs (median)`);
  const scaling: { runs: ScaleRun[]; med: ScaleRun }[] = [];
  for (const shape of SCALING) {
    const runs: ScaleRun[] = [];
    for (let r = 0; r < REPEATS; r++) runs.push(await scaleRun(shape));
    const med: ScaleRun = {
      ...runs[0]!,
      ms: median(runs.map((x) => x.ms)),
      modelPerLun: median(runs.map((x) => x.modelPerLun)),
      retainedPerLun: median(runs.map((x) => x.retainedPerLun)),
    };
    scaling.push({ runs, med });
    console.log(`  ${med.luns} LUNs: ${fmtInt(med.ms)} ms`);
  }
  console.log(
    `e. ${HOUR.targets * HOUR.lunsPerTarget} LUNs x ${HOUR.duration} s virtual under the storm, once`,
  );
  const hour = await hourRun();
  console.log(
    `  ${fmtInt(hour.ms)} ms, ${fmtInt(hour.events)} events, ${fmtInt(hour.transitions)} transitions, peak heap ${fmtMB(hour.heapPeak)}`,
  );
  const totalS = (performance.now() - started) / 1000;

  // ---- report ------------------------------------------------------------------------------
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const cores = os.cpus().length;
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const rateHead = ['', 'median events/s', 'min', 'max', 'spread'];
  const rateRow = (name: string, xs: number[]): string[] => [
    name,
    fmtM(median(xs)),
    fmtM(Math.min(...xs)),
    fmtM(Math.max(...xs)),
    `${spread(xs).toFixed(1)}%`,
  ];
  const rateRows = [rateRow('engine', engineRate), rateRow('bare heap loop', bareRate)];
  const walls = engine.map((e) => e.ms);
  const bHead = ['figure', 'value'];
  const bRows = [
    ['wall time, median of 3', `${fmtInt(median(walls))} ms (spread ${spread(walls).toFixed(1)}%)`],
    [
      'virtual time',
      `${MAIN.duration} s (${fmtInt(median(walls) / MAIN.duration)} ms per virtual s)`,
    ],
    ['events', fmtInt(first.events)],
    ['transitions', fmtInt(first.transitions)],
    [
      'transitions/s (wall), median',
      `${fmtInt(median(engine.map((e) => (e.transitions / e.ms) * 1000)))} (the engine pops ${fmtInt(first.events / Math.max(1, first.transitions))} events per transition)`,
    ],
    ['heap used before (after gc)', fmtMB(first.heapBefore)],
    ['heap used, peak sampled during the run', fmtMB(Math.max(...engine.map((e) => e.heapPeak)))],
    ['heap used right after the run', fmtMB(first.heapAfter)],
    ['heap retained with the result (after gc)', fmtMB(median(engine.map((e) => e.heapRetained)))],
    ['process peak RSS (whole bench)', fmtMB(process.resourceUsage().maxRSS * 1024)],
  ];
  const cHead = [
    'LUNs',
    'events',
    'transitions',
    'wall ms',
    'ms per virtual s',
    'events/s',
    'model heap per LUN',
    'heap per LUN with result',
    'heap per virtual s',
  ];
  const cRows = scaling.map(({ med: s }) => [
    String(s.luns),
    fmtInt(s.events),
    fmtInt(s.transitions),
    fmtInt(s.ms),
    (s.ms / SCALING_DURATION).toFixed(1),
    fmtM((s.events / s.ms) * 1000),
    fmtKB(s.modelPerLun),
    fmtKB(s.retainedPerLun),
    fmtKB((s.retainedPerLun * s.luns) / SCALING_DURATION),
  ]);

  const eHead = ['figure', 'value'];
  const eRows = [
    ['virtual time', `${HOUR.duration} s (${hour.faults} faults)`],
    [
      'wall time',
      `${(hour.ms / 1000).toFixed(1)} s (${fmtInt(hour.ms / HOUR.duration)} ms per virtual s)`,
    ],
    ['events', `${fmtInt(hour.events)} (${fmtM((hour.events / hour.ms) * 1000)} events/s)`],
    [
      'transitions',
      `${fmtInt(hour.transitions)} (their io ticks carry ${fmtM(hour.ioEntries)} per-LUN entries)`,
    ],
    ['heap used before (after gc)', fmtMB(hour.heapBefore)],
    ['heap used, peak sampled during the run', fmtMB(hour.heapPeak)],
    ['heap retained after the run (after gc)', fmtMB(hour.heapRetained)],
  ];

  console.log('\nsummary');
  console.log(textTable(rateHead, rateRows));
  console.log(
    `engine/bare ${ratio.toFixed(3)} (1/${(1 / ratio).toFixed(1)}; per run ${ratios.map((x) => x.toFixed(3)).join(', ')}; goal at least 1/3)`,
  );
  console.log(textTable(bHead, bRows));
  console.log(textTable(cHead, cRows));
  console.log(textTable(dHead, dRows));
  console.log(textTable(eHead, eRows));
  console.log(`bench took ${totalS.toFixed(0)} s (checksum ${check.toFixed(0)})`);

  const md = `# Engine benchmark

Written by \`npm run bench\` (scripts/bench.ts); run it again to refresh this page and
[engine.csv](engine.csv). No test asserts on any of these figures.

- date: ${date}
- machine: ${cpu}, ${cores} cores, ${os.platform()} ${os.release()}
- node ${process.version}${gc ? ', started with --expose-gc (heap figures are taken after a collection)' : ', without --expose-gc (heap figures include garbage)'}
- engine: commit ${gitState()}
- the whole bench took ${totalS.toFixed(0)} s; 1-minute load average ${loadBefore.toFixed(2)} before it,
  ${os.loadavg()[0]!.toFixed(2)} after (other work on the machine shows as spread)

## The workload

scsi_debug, ${STORM_SCOPE} scope, command timeout 5 s, every TMF 0.5 s; every LUN offers
${RATE} reads per second at queue depth ${QUEUE_DEPTH}. The fault storm (seed ${STORM_SEED}): one
lost command (\`timeout\`) per 8 LUNs, at uniformly random times over the run on uniformly
random LUNs; with half of them an \`abort-fails\` on the same LUN and with a quarter a
\`lun-reset-fails\`. The engine runs with seed ${ENGINE_SEED}. For ${luns} LUNs (${MAIN.targets}
targets x ${MAIN.lunsPerTarget} LUNs) over ${MAIN.duration} s that is ${storm.faults.length} faults.

## a. Events per second: the engine against a bare event loop

${table(rateHead, rateRows)}

**engine / bare = ${ratio.toFixed(3)}** (1/${(1 / ratio).toFixed(1)}; per run ${ratios.map((x) => x.toFixed(3)).join(', ')}; the goal is at least 1/3).

*Engine events/s* is \`result.events\` (the events the engine's loop popped) divided by the
wall time of \`simulate()\` (validation, building the model, the run and the metrics) for
${luns} LUNs x ${MAIN.duration} s under the storm. *Bare heap loop events/s* is a plain
binary heap ordered by (time, seq) holding one pending event per LUN (${luns}), processing
the same number of events, each popped, advancing the clock, and pushed again (the same
object, no allocation) as the next event of a random LUN: the least work any
discrete-event loop of this size does. (The engine's own queue is a 4-ary heap, src/engine/heap.ts.) Both are
measured ${REPEATS} times, interleaved (engine, bare, engine, ...); *spread* is
(max - min) / median.

## b. ${luns} LUNs x ${MAIN.duration} s virtual under the storm

${table(bHead, bRows)}

*Wall time* is that of the same runs as in a. *Transitions* is the length of the stream
(the I/O counts come as one \`io\` transition per 0.1 s tick, so the stream does not grow
with the I/O rate). *Heap used* is \`process.memoryUsage().heapUsed\`: before the run after a
collection; the peak of samples taken at every batch of 64 transitions during the run and
right after it (garbage included); and what stays after a collection while the result
(stream and metrics) is still referenced, less the heap before. *Peak RSS* is
\`process.resourceUsage().maxRSS\`, the most the whole bench process held at once.

## c. Scaling, ${SCALING_DURATION} s virtual each

${table(cHead, cRows)}

The same storm density (one lost command per 8 LUNs) and workload, ${SCALING.map((s) => `${s.targets}x${s.lunsPerTarget}`).join(', ')} LUNs,
median of ${REPEATS} runs. *ms per virtual s* is the wall time of \`Sim.run()\` divided by
the ${SCALING_DURATION} s simulated (a run of 16 or 64 LUNs lasts tens of ms, so its events/s
is mostly fixed costs and noise). *Model heap per LUN* is the heap a constructed \`Sim\`
takes before it runs (hosts, targets, devices, the queued faults) per LUN, fixed costs
included (a small topology is built 4096/LUNs times over and the figure averaged, to rise
above the collector's noise); *heap per LUN with result* is what stays after the run while
the Sim and its stream are referenced, mostly the stream's per-tick I/O counts; *heap per
virtual s* is that heap for all the LUNs divided by the ${SCALING_DURATION} s simulated.

![scaling](scaling.svg)

## d. The engine's event queue

${table(dHead, dRows)}

The storm of a and b, run ${REPEATS} times with each queue, interleaved, without keeping the
stream (\`retain: false\`): the engine's own 4-ary heap, and two well-kept binary heaps from
npm given the same (time, sequence) order. The engine keeps its own queue while it is at
least as fast; a queue from npm would replace it otherwise.

## e. ${HOUR.targets * HOUR.lunsPerTarget} LUNs for ${HOUR.duration / 60} virtual minutes under the storm

${table(eHead, eRows)}

![heap over virtual time](hour-heap.svg)

The storm of a, spread over ${HOUR.duration} s (one lost command per 8 LUNs, so ${hour.faults} faults
for ${HOUR.targets * HOUR.lunsPerTarget} LUNs), run once. The stream is counted as it comes, batch by batch, and
not kept (\`retain: false\`, as in the page's worker): the heap is the engine's own, sampled at
every batch of 64 transitions, garbage included (the peak), and each time the stream passes
another ${HOUR_SAMPLE} virtual s (the series, in [hour.csv](hour.csv)). The engine's heap stays flat over
the hour. The stream is what would grow: with its per-LUN I/O entries
(${fmtM(hour.ioEntries)} here), kept whole it takes about 650 KB per virtual second for
1024 LUNs (233 MB for 360 s, measured once with \`--quick\` by a version of this section that kept the stream), some 2.3 GB for
the hour. The page therefore keeps the I/O in full detail for a recent window only
(src/playback/window.ts) and sums the older ticks; its heap over the same hour, in Chromium,
is in [stream.md](stream.md).
`;

  const csvHead =
    'section,repeat,luns,virtual_s,wall_ms,events,transitions,events_per_s,heap_before_bytes,heap_peak_bytes,heap_retained_bytes,model_heap_per_lun_bytes,retained_heap_per_lun_bytes';
  const csv: string[] = [csvHead];
  const n = (x: number): string => String(Math.round(x));
  engine.forEach((e, i) =>
    csv.push(
      [
        'engine',
        i + 1,
        luns,
        MAIN.duration,
        e.ms.toFixed(1),
        e.events,
        e.transitions,
        n((e.events / e.ms) * 1000),
        n(e.heapBefore),
        n(e.heapPeak),
        n(e.heapRetained),
        '',
        '',
      ].join(','),
    ),
  );
  bare.forEach((b, i) =>
    csv.push(
      ['bare', i + 1, luns, '', b.ms.toFixed(1), b.events, '', n((b.events / b.ms) * 1000)]
        .concat(['', '', '', '', ''])
        .join(','),
    ),
  );
  for (const { runs } of scaling)
    runs.forEach((s, i) =>
      csv.push(
        [
          'scaling',
          i + 1,
          s.luns,
          SCALING_DURATION,
          s.ms.toFixed(1),
          s.events,
          s.transitions,
          n((s.events / s.ms) * 1000),
          '',
          '',
          '',
          n(s.modelPerLun),
          n(s.retainedPerLun),
        ].join(','),
      ),
    );

  mkdirSync(OUT_DIR, { recursive: true });
  // as `npm run format` would leave it (the tables aligned)
  const mdFile = path.join(OUT_DIR, 'bench.md');
  // loaded only now, so that it takes no heap while the engine is measured
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(mdFile)) ?? {};
  writeFileSync(mdFile, await prettier.format(md, { ...options, filepath: mdFile }));
  writeFileSync(path.join(OUT_DIR, 'engine.csv'), `${csv.join('\n')}\n`);
  writeFileSync(
    path.join(OUT_DIR, 'hour.csv'),
    `virtual_s,wall_s,heap_used_bytes\n${hour.series.map((x) => `${x.t.toFixed(3)},${x.wall.toFixed(2)},${x.heap}`).join('\n')}\n`,
  );
  writeFileSync(
    path.join(OUT_DIR, 'hour-heap.svg'),
    lineChart(
      `Heap used, ${HOUR.targets * HOUR.lunsPerTarget} LUNs x ${HOUR.duration} s under the storm`,
      'virtual seconds',
      'heap MB, or wall s',
      [
        {
          name: 'heap used (garbage included)',
          points: hour.series.map((x) => [x.t, x.heap / MB]),
        },
        { name: 'wall seconds so far', points: hour.series.map((x) => [x.t, x.wall]) },
      ],
    ),
  );
  writeFileSync(
    path.join(OUT_DIR, 'scaling.svg'),
    lineChart(
      `Scaling, ${SCALING_DURATION} s virtual (median of ${REPEATS})`,
      'LUNs',
      'ms or KB per virtual second',
      [
        {
          name: 'wall ms per virtual s',
          points: scaling.map(({ med: x }) => [x.luns, x.ms / SCALING_DURATION]),
        },
        {
          name: 'heap KB per virtual s (with the result)',
          points: scaling.map(({ med: x }) => [
            x.luns,
            (x.retainedPerLun * x.luns) / SCALING_DURATION / 1024,
          ]),
        },
      ],
    ),
  );
  console.log(
    `wrote ${path.relative(process.cwd(), OUT_DIR)}/bench.md, engine.csv, hour.csv, hour-heap.svg, scaling.svg`,
  );
}

await main();

// the page's parts, in Chromium: each builds nothing twice and serves dist/ on its own port
if (!ENGINE_ONLY) {
  const tsx = ['--import', 'tsx'];
  const quick = QUICK ? ['--quick'] : [];
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  for (const script of ['scripts/bench-page.ts', 'scripts/bench-stream.ts'])
    execFileSync(process.execPath, [...tsx, script, '--no-build', ...quick], {
      cwd: ROOT,
      stdio: 'inherit',
    });
}
