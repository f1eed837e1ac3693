// A 4-ary min-heap of events ordered by (time, sequence): equal times keep insertion
// order, so a run is deterministic. Four children per node halve the depth of a binary
// heap; the engine's queue holds a few events per LUN.
export interface HeapItem {
  t: number;
  seq: number;
}

const before = (a: HeapItem, b: HeapItem): boolean => a.t < b.t || (a.t === b.t && a.seq < b.seq);

/** (time, sequence) order, for a queue from elsewhere. */
export const byTimeThenSeq = (a: HeapItem, b: HeapItem): number => a.t - b.t || a.seq - b.seq;

/** What the engine needs of its event queue (the bench measures others against ours). */
export interface EventQueue<T> {
  push(x: T): void;
  pop(): T | undefined;
  /** the item `pop` would give, left in place */
  peek(): T | undefined;
}

export class EventHeap<T extends HeapItem> implements EventQueue<T> {
  private a: T[] = [];

  get size(): number {
    return this.a.length;
  }

  peek(): T | undefined {
    return this.a[0];
  }

  push(x: T): void {
    const a = this.a;
    let i = a.length;
    a.push(x);
    while (i > 0) {
      const p = (i - 1) >> 2;
      const q = a[p]!;
      if (!before(x, q)) break;
      a[i] = q;
      i = p;
    }
    a[i] = x;
  }

  pop(): T | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    const n = a.length;
    let i = 0;
    for (;;) {
      const c0 = 4 * i + 1;
      if (c0 >= n) break;
      let m = c0;
      let mv = a[c0]!;
      const end = c0 + 4 < n ? c0 + 4 : n;
      for (let c = c0 + 1; c < end; c++) {
        const v = a[c]!;
        if (before(v, mv)) {
          m = c;
          mv = v;
        }
      }
      if (!before(mv, last)) break;
      a[i] = mv;
      i = m;
    }
    a[i] = last;
    return top;
  }
}
