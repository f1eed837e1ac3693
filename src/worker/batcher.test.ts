import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBatcher } from './batcher';

describe('createBatcher', () => {
  it('keeps order, fills every batch but the last, and loses nothing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.array(fc.nat(), { maxLength: 30 }), { maxLength: 20 }),
        (size, chunks) => {
          const batches: number[][] = [];
          const batcher = createBatcher<number>(size, (b) => batches.push(b));
          for (const chunk of chunks) batcher.push(chunk);
          batcher.end();

          expect(batches.flat()).toEqual(chunks.flat());
          for (const b of batches) expect(b.length).toBeGreaterThan(0);
          for (const b of batches.slice(0, -1)) expect(b.length).toBe(size);
          expect(batches.at(-1)?.length ?? 0).toBeLessThanOrEqual(size);
        },
      ),
    );
  });

  it('flushes a full batch as soon as it fills, before end', () => {
    const batches: string[][] = [];
    const batcher = createBatcher<string>(2, (b) => batches.push(b));
    batcher.push(['a', 'b', 'c']);
    expect(batches).toEqual([['a', 'b']]);
    batcher.end();
    expect(batches).toEqual([['a', 'b'], ['c']]);
    batcher.end();
    expect(batches).toHaveLength(2);
  });

  it('refuses a batch size below 1', () => {
    expect(() => createBatcher(0, () => {})).toThrow(RangeError);
    expect(() => createBatcher(1.5, () => {})).toThrow(RangeError);
  });
});
