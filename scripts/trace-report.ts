// `npx tsx scripts/trace-report.ts [DIR]`: every recorded trace (kernel/traces/*.trace.gz)
// beside the engine's run of its scenario, as the markdown tables of kernel/traces/README.md,
// then every divergence, case by case (kernel's, engine's).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { validateScenario } from '../src/engine/scenario';
import { simulate } from '../src/engine/sim';
import type { Metrics, Transition } from '../src/engine/stream';
import { compare, TOLERANCES } from '../src/trace/conformance';
import { parseTrace } from '../src/trace/index';
import { analyze } from '../src/engine/analysis';

const dir = process.argv[2] ?? path.join(import.meta.dirname, '../kernel/traces');
const metricsOf = (ts: readonly Transition[]): Metrics => {
  const m = ts.find((t) => t.type === 'metrics');
  if (m?.type !== 'metrics') throw new Error('no metrics');
  return m.metrics;
};
const pct = (x: number | null): string => (x === null ? '-' : `${Math.round(100 * x)} %`);
const sec = (x: number | null): string => (x === null ? '-' : x.toFixed(2));

const cases: string[] = [
  '| trace | kernel | preset | host load (5 min) | guest jiffies per second |',
  '| --- | --- | --- | --- | --- |',
];
const rows: string[] = [
  '| trace | steps, blocked devices, outcome | failing LUN recovery (s), kernel / engine | healthy availability mean | longest healthy gap (s) | fault to timeout (s) | a TMF took (s), asked | divergences |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
];
const details: string[] = [];
for (const f of readdirSync(dir)
  .filter((x) => x.endsWith('.trace.gz'))
  .sort()) {
  const text = gunzipSync(readFileSync(path.join(dir, f))).toString('utf8');
  const hdr = (k: string): string => new RegExp(`^# ${k}: (.*)$`, 'm').exec(text)?.[1] ?? '';
  const sc = validateScenario(JSON.parse(hdr('scenario')));
  const rate = sc.hosts[0]!.workload?.rate ?? 40;
  const k = parseTrace(text, { rate });
  const r = k.stats.tickRate;
  const e = simulate(sc);
  const d = compare(k.transitions, e.transitions, { ...TOLERANCES, rate });
  const name = f.replace(/\.trace\.gz$/, '');
  const km = metricsOf(k.transitions);
  const em = metricsOf(e.transitions);
  const structural = d.some(
    (x) =>
      x.aspect === 'ladder' || x.aspect.startsWith('blocked') || x.aspect.startsWith('outcome'),
  );
  const load = /, ([\d.]+) over its last 5 minutes/.exec(hdr('recorded'))?.[1] ?? '?';
  const kernel = `${hdr('kernel').replace(/ #.*/, '')}, ${hdr('series').startsWith('none') ? 'unpatched' : 'patched'}`;
  const tick = r === null ? 'not recorded' : r.toFixed(2);
  cases.push(`| \`${name}\` | ${kernel} | \`${hdr('preset')}\` | ${load} | ${tick} |`);
  rows.push(
    `| \`${name}\` | ${structural ? 'differ' : 'same'} | ${sec(km.recoveryTime)} / ${sec(em.recoveryTime)} | ${pct(km.healthyAvailabilityMean)} / ${pct(em.healthyAvailabilityMean)} | ${sec(km.healthyLongestGap)} / ${sec(em.healthyLongestGap)} | ${d.length} |`,
  );
  // how long the guest's jiffies-based waits lasted: the command timeout, the TMFs
  const fault = k.faults.find((x) => x.kind === 'timeout');
  const to = k.transitions.find((t) => t.type === 'cmd' && t.event === 'timeout');
  const toS = fault && to ? (to.t - fault.t).toFixed(2) : '-';
  const tmfs = analyze(k.transitions)
    .steps.filter(
      (x) =>
        x.scope !== null &&
        x.end !== null &&
        (x.step === 'abort' || x.step === 'lun-reset' || x.step === 'target-reset'),
    )
    .map((x) => x.end! - x.start)
    .sort((a, b) => a - b);
  const tmfAsked = sc.timings?.tmf ?? 0;
  const tmfS = tmfs.length ? `${tmfs[Math.floor(tmfs.length / 2)]!.toFixed(2)}, ${tmfAsked}` : '-';
  rows[rows.length - 1] = rows[rows.length - 1]!.replace(
    / \| (\d+) \|$/,
    ` | ${toS} | ${tmfS} | $1 |`,
  );
  for (const x of d) details.push(`${name}: ${x.aspect}: kernel ${x.expected}, engine ${x.got}`);
}
console.log(cases.join('\n'));
console.log();
console.log(rows.join('\n'));
console.log();
console.log(details.join('\n'));
