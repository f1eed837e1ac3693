// A binary min-heap of events ordered by (time, sequence): equal times keep insertion
// order, so a run is deterministic.
export interface HeapItem {
  t: number;
  seq: number;
}

export class EventHeap<T extends HeapItem> {
  private a: T[] = [];

  get size(): number {
    return this.a.length;
  }

  push(x: T): void {
    const a = this.a;
    let i = a.length;
    a.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const q = a[p]!;
      if (q.t < x.t || (q.t === x.t && q.seq < x.seq)) break;
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
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n) {
        const cr = a[r]!;
        const cl = a[c]!;
        if (cr.t < cl.t || (cr.t === cl.t && cr.seq < cl.seq)) c = r;
      }
      const y = a[c]!;
      if (last.t < y.t || (last.t === y.t && last.seq < y.seq)) break;
      a[i] = y;
      i = c;
    }
    a[i] = last;
    return top;
  }
}
