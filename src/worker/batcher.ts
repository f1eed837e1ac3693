/**
 * Regroups a stream of items into batches of a fixed size: `push` hands a
 * batch to `flush` each time `size` items have gathered, `end` hands over
 * whatever is left. Order is kept, and no batch is empty.
 */
export interface Batcher<T> {
  push(items: readonly T[]): void;
  end(): void;
}

export function createBatcher<T>(size: number, flush: (batch: T[]) => void): Batcher<T> {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`batch size must be a positive integer, got ${size}`);
  }
  let pending: T[] = [];
  return {
    push(items) {
      for (const item of items) {
        pending.push(item);
        if (pending.length === size) {
          const batch = pending;
          pending = [];
          flush(batch);
        }
      }
    },
    end() {
      if (pending.length > 0) {
        const batch = pending;
        pending = [];
        flush(batch);
      }
    },
  };
}
