// The engine against kernel/'s benchmark, run on 2026-12-01 with all 29 patches
// (`cd kernel && make bench BENCH_ARGS="--parts cases,multi --runs 1 --counts 8"`), whose
// figures are committed as data in kernel/docs/bench/2026-12-01/.
//
// One failing LUN (cases.csv): the resets each recovery sent, exactly; the failing LUN's
// recovery within 15 %; the healthy LUNs' mean and worst availability within 5 points.
// Eight LUNs timing out (multi.csv): the resets exactly; all and first recovered within
// 15 %; availability within 5 points, except under host scope (see the README: the guest's
// fio catches up after a stall only as fast as its two emulated CPUs let it, the model's at
// the device's speed).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { benchCase, benchMulti, type BenchCase } from '../presets';
import type { Scenario } from '../scenario';
import { simulate } from '../sim';
import type { Scope, Transition } from '../stream';

const DIR = new URL('../../../kernel/docs/bench/2026-12-01/', import.meta.url);

function csv(name: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(new URL(name, DIR), 'utf8').trim().split('\n');
  const keys = head!.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [keys[i]!, v])));
}

/** aborts, LUN, target, bus and host resets, as the benchmark counts them */
function resets(trs: readonly Transition[]): string {
  const n = (step: string): number =>
    trs.filter((t) => t.type === 'step' && t.phase === 'end' && t.step === step).length;
  return ['abort', 'lun-reset', 'target-reset', 'bus-reset', 'host-reset'].map(n).join(',');
}

const within = (model: number, kernel: number, share: number, what: string): void => {
  expect(
    Math.abs(model - kernel) / kernel,
    `${what}: model ${model.toFixed(2)}, kernel ${kernel.toFixed(2)}`,
  ).toBeLessThanOrEqual(share);
};
const points = (model: number, kernelPct: number, what: string): void => {
  expect(
    Math.abs(model * 100 - kernelPct),
    `${what}: model ${(model * 100).toFixed(1)} %, kernel ${kernelPct} %`,
  ).toBeLessThanOrEqual(5);
};

describe("kernel/'s benchmark: one failing LUN", () => {
  const rows = csv('cases.csv');
  it('has the 12 rows', () => expect(rows).toHaveLength(12));
  for (const row of rows) {
    it(`${row.case}, ${row.mode}`, () => {
      const r = simulate(benchCase(row.case as BenchCase, row.mode as Scope));
      const m = r.metrics;
      expect(resets(r.transitions)).toBe(
        [row.aborts, row.lun_resets, row.target_resets, row.bus_resets, row.host_resets].join(','),
      );
      within(m.recoveryTime!, Number(row.recovery_ms) / 1000, 0.15, 'recovery');
      points(m.healthyAvailabilityMean!, Number(row.avail_mean_pct), 'mean availability');
      points(m.healthyAvailabilityWorst!, Number(row.avail_worst_pct), 'worst availability');
    });
  }
});

/**
 * When the guest armed each failing LUN (its READ reached scsi_debug, "timeout command"),
 * relative to the first; a READ that host recovery held back is placed at the spacing of
 * those before it.
 */
function armTimes(scope: string, bound: string): number[] {
  const lines = readFileSync(new URL('console-excerpt.txt', DIR), 'utf8').split('\n');
  const start = lines.findIndex((l) =>
    l.includes(`fail (timeout), ${scope} scope, TMF bound ${bound}`),
  );
  const times: number[] = [];
  let firstAbortFail = Infinity;
  for (const l of lines.slice(start + 1)) {
    if (l.includes('all_recovered')) break;
    const ts = Number(/^\[\s*([\d.]+)\]/.exec(l)?.[1]);
    if (l.includes('timeout command')) times.push(ts);
    if (l.includes('fail abort')) firstAbortFail = Math.min(firstAbortFail, ts);
  }
  const free = times.filter((t) => t < firstAbortFail);
  const step = free.length > 1 ? (free.at(-1)! - free[0]!) / (free.length - 1) : 0;
  return times.map((t, i) => (i < free.length ? t - free[0]! : i * step));
}

function multiScenario(scope: Scope, bound: number, arms: number[]): Scenario {
  const sc = benchMulti(arms.length, scope, bound, 0);
  sc.faults = sc.faults.map((f) =>
    f.kind === 'timeout' ? { ...f, at: 5 + arms[Number(f.lun.split(':')[2])]! } : f,
  );
  return sc;
}

describe("kernel/'s benchmark: eight LUNs time out", () => {
  const rows = csv('multi.csv').filter((r) => r.fault === 'timeout');
  it('has the 5 rows', () => expect(rows).toHaveLength(5));
  for (const row of rows) {
    it(`${row.mode}, TMF bound ${row.tmf_bound}`, () => {
      const arms = armTimes(row.mode!, row.tmf_bound!);
      expect(arms).toHaveLength(8);
      const r = simulate(multiScenario(row.mode as Scope, Number(row.tmf_bound), arms));
      const m = r.metrics;
      expect(resets(r.transitions)).toBe(
        [row.aborts, row.lun_resets, row.target_resets, row.bus_resets, row.host_resets].join(','),
      );
      within(
        m.recoveryWindow![1] - m.recoveryWindow![0],
        Number(row.all_recovered_ms) / 1000,
        0.15,
        'all recovered',
      );
      const first = Math.min(
        ...m.luns
          .filter((l) => l.failing)
          .map((l) => l.recoveryTime! + arms[Number(l.on.split(':')[2])]!),
      );
      within(first, Number(row.first_recovered_ms) / 1000, 0.15, 'first recovered');
      if (row.mode !== 'host') {
        points(m.healthyAvailabilityMean!, Number(row.avail_mean_pct), 'mean availability');
        points(m.healthyAvailabilityWorst!, Number(row.avail_worst_pct), 'worst availability');
      }
    });
  }
});
