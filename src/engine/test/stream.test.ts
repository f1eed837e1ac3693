// The stream as a caller receives it: in order, in batches of the size asked for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presets } from '../presets';
import { simulate } from '../sim';
import type { Transition } from '../stream';

describe('the transition stream', () => {
  it('comes in batches of the size asked for, the last one shorter, in order, losing nothing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 700 }),
        fc.constantFrom('demo', 's3-target-fails', 'host-offline'),
        (size, name) => {
          const batches: Transition[][] = [];
          const r = simulate(presets[name]!, { batchSize: size, onBatch: (b) => batches.push(b) });
          expect(batches.flat()).toEqual(r.transitions);
          for (const b of batches.slice(0, -1)) expect(b.length).toBe(size);
          expect(batches.at(-1)!.length).toBeGreaterThan(0);
          expect(batches.at(-1)!.length).toBeLessThanOrEqual(size);
        },
      ),
      { numRuns: 20, seed: 11 },
    );
  });

  it('starts with run-start and ends with the metrics and run-end, times never going back', () => {
    const r = simulate(presets.demo!);
    expect(r.transitions[0]!.type).toBe('run-start');
    expect(r.transitions.at(-2)!.type).toBe('metrics');
    expect(r.transitions.at(-1)!.type).toBe('run-end');
    for (let i = 1; i < r.transitions.length; i++)
      expect(r.transitions[i]!.t).toBeGreaterThanOrEqual(r.transitions[i - 1]!.t);
  });

  it('retain: false streams the same transitions without keeping them', () => {
    const kept = simulate(presets.demo!).transitions;
    const got: Transition[] = [];
    const r = simulate(presets.demo!, { retain: false, onBatch: (b) => got.push(...b) });
    expect(r.transitions).toEqual([]);
    expect(got).toEqual(kept);
  });
});
