import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventHeap } from '../heap';

describe('event heap', () => {
  it('pops in (time, sequence) order whatever the pushes and pops', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(-1)), { maxLength: 300 }),
        (ops) => {
          const heap = new EventHeap<{ t: number; seq: number }>();
          const model: { t: number; seq: number }[] = [];
          let seq = 0;
          for (const op of ops) {
            if (op < 0) {
              model.sort((a, b) => a.t - b.t || a.seq - b.seq);
              expect(heap.pop()).toEqual(model.shift());
            } else {
              const x = { t: op / 10, seq: seq++ };
              heap.push(x);
              model.push(x);
            }
            expect(heap.size).toBe(model.length);
          }
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });
});
