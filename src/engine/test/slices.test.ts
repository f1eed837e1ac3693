import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presets, simulate, Sim, type Transition } from '..';

describe('a run in slices (as the worker runs it)', () => {
  it('gives the stream of a run in one go, whatever the slice sizes', () => {
    const scenario = presets['s3-target-fails']!;
    const whole = JSON.stringify(simulate(scenario, { seed: 3 }).transitions);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 8 }),
        (sizes) => {
          const got: Transition[] = [];
          const sim = new Sim(scenario, {
            seed: 3,
            batchSize: 97,
            onBatch: (b) => got.push(...b),
            retain: false,
          });
          sim.start();
          let i = 0;
          let last = 0;
          while (sim.advance(sizes[i++ % sizes.length]!)) {
            // virtual time only goes forward between slices
            expect(sim.time).toBeGreaterThanOrEqual(last);
            last = sim.time;
          }
          sim.end();
          expect(JSON.stringify(got)).toBe(whole);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('refuses to start twice', () => {
    const sim = new Sim(presets.demo!, { seed: 1 });
    sim.start();
    expect(() => sim.start()).toThrow(/already started/);
  });
});
