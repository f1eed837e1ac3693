// The page's copy of a run's transition stream: append-only, with the times in a typed
// array so that a seek finds its place by binary search.
import type { Transition } from '../engine';

export class TransitionBuffer {
  private items: Transition[] = [];
  private times = new Float64Array(1024);

  get length(): number {
    return this.items.length;
  }

  /** The time of the last transition, or 0 when empty. */
  get lastTime(): number {
    const n = this.items.length;
    return n ? this.times[n - 1]! : 0;
  }

  push(batch: readonly Transition[]): void {
    const need = this.items.length + batch.length;
    if (need > this.times.length) {
      let cap = this.times.length;
      while (cap < need) cap *= 2;
      const next = new Float64Array(cap);
      next.set(this.times.subarray(0, this.items.length));
      this.times = next;
    }
    for (const tr of batch) {
      this.times[this.items.length] = tr.t;
      this.items.push(tr);
    }
  }

  at(i: number): Transition {
    const tr = this.items[i];
    if (!tr) throw new RangeError(`no transition ${i} of ${this.items.length}`);
    return tr;
  }

  timeAt(i: number): number {
    return this.times[i]!;
  }

  /** Index of the first transition later than t (so [0, result) is everything up to t). */
  upperBound(t: number): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The transitions as a read-only array (not a copy). */
  all(): readonly Transition[] {
    return this.items;
  }
}
