// A run paused before an instant, then given faults from that instant on (`Sim.extend`),
// must be the run of the scenario that had them from the start: this is how the worker
// answers an injection at the cursor without simulating again the part before it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presets, simulate, Sim, type Scenario, type Transition } from '..';
import type { FaultSpec } from '../scenario';
import { FAULT_KINDS } from '../stream';
import { scenarioArb } from './arbitraries';

/** Runs `base` up to (not including) `cut`, extends it to `next`, runs it out. */
function extended(
  base: Scenario,
  next: Scenario,
  cut: number,
  budgets: number[],
): { ok: boolean; transitions: Transition[]; metrics: unknown } {
  const out: Transition[] = [];
  const sim = new Sim(base, { batchSize: 61, onBatch: (b) => out.push(...b), retain: false });
  sim.start();
  let i = 0;
  while (sim.advanceBefore(cut, budgets[i++ % budgets.length]!));
  const ok = sim.extend(next);
  while (sim.advance(budgets[i++ % budgets.length]!));
  const { metrics } = sim.end();
  return { ok, transitions: out, metrics };
}

const addedArb = fc.array(
  fc.record({
    pick: fc.nat(),
    kind: fc.constantFrom(...FAULT_KINDS),
    // at the cut itself, or after it: a tick and a fault then share their instant
    after: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 1, max: 80 }).map((x) => x / 10),
    ),
    duration: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
  }),
  { minLength: 1, maxLength: 3 },
);

describe('extending a run under way (an injection at the cursor)', () => {
  it('gives the stream and figures of the scenario run from the start', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.integer({ min: 0, max: 200 }).map((x) => x / 10),
        addedArb,
        fc.integer({ min: 0, max: 30 }).map((x) => x / 10),
        fc.array(fc.integer({ min: 1, max: 4000 }), { minLength: 1, maxLength: 4 }),
        (base, cut, added, longer, budgets) => {
          const luns = base.hosts.flatMap((h, hi) =>
            Array.from({ length: (h.channels ?? 1) * h.targets * h.lunsPerTarget }, (_, k) => {
              const c = Math.floor(k / (h.targets * h.lunsPerTarget));
              const t = Math.floor(k / h.lunsPerTarget) % h.targets;
              return `${hi}:${c}:${t}:${k % h.lunsPerTarget}`;
            }),
          );
          const faults: FaultSpec[] = added.map((f) => ({
            lun: luns[f.pick % luns.length]!,
            kind: f.kind,
            at: cut + f.after,
            ...(f.duration !== undefined ? { duration: f.duration } : {}),
          }));
          const next: Scenario = {
            ...base,
            duration: base.duration + longer,
            faults: [...base.faults, ...faults],
          };
          const want = simulate(next);
          const got = extended(base, next, cut, budgets);
          expect(got.ok).toBe(true);
          expect(got.transitions).toEqual(want.transitions);
          expect(got.metrics).toEqual(want.metrics);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses a scenario it cannot become, and its run goes on unchanged', () => {
    const base = presets.playground!;
    const alone = simulate(base).transitions;
    const cut = 5;
    const fault: FaultSpec = { lun: '0:0:1:2', kind: 'timeout', at: cut };
    const cases: [string, Scenario][] = [
      // due before events already handled
      ['a fault in the past', { ...base, faults: [{ ...fault, at: cut - 1 }] }],
      [
        'another topology',
        { ...base, hosts: [{ ...base.hosts[0]!, targets: 3 }], faults: [fault] },
      ],
      ['other timings', { ...base, timings: { cmdTimeout: 5, tmf: 2 }, faults: [fault] }],
      ['a fault taken away', { ...base, faults: [] }],
      ['an end before now', { ...base, duration: cut - 1, faults: [fault] }],
      ['not a scenario', { ...base, faults: [{ ...fault, lun: '9:9:9:9' }] }],
    ];
    for (const [what, next] of cases) {
      const from =
        what === 'a fault taken away' ? { ...base, faults: [{ ...fault, at: 50 }] } : base;
      const got = extended(from, next, cut, [1000]);
      expect(got.ok, what).toBe(false);
      expect(got.transitions, what).toEqual(simulate(from).transitions);
    }
    expect(alone.length).toBeGreaterThan(0);
  });
});
