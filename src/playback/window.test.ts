import { describe, expect, it } from 'vitest';
import { simulate, type NodeId, type Scenario, type Transition } from '../engine';
import { createSimStore } from '../store/simStore';
import { SERIES_BINS, buildTimeline } from './timeline';
import { SUMMARY_BINS, binFor, linesFrom, summarise } from './window';

// 64 LUNs for 300 s with four recoveries, two of which escalate to the target
const scenario: Scenario = {
  version: 1,
  name: 'long run',
  duration: 300,
  timings: { cmdTimeout: 5, tmf: 0.5 },
  hosts: [
    {
      driver: 'scsi_debug',
      scope: 'lun+target',
      targets: 4,
      lunsPerTarget: 16,
      workload: { rate: 50, queueDepth: 4, readFraction: 1 },
    },
  ],
  faults: [
    { lun: '0:0:0:3', kind: 'timeout', at: 20 },
    { lun: '0:0:1:5', kind: 'timeout', at: 80 },
    { lun: '0:0:1:5', kind: 'abort-fails', at: 80 },
    { lun: '0:0:1:5', kind: 'lun-reset-fails', at: 80 },
    { lun: '0:0:2:0', kind: 'timeout', at: 150 },
    { lun: '0:0:3:9', kind: 'timeout', at: 262 },
    { lun: '0:0:3:9', kind: 'abort-fails', at: 262 },
    { lun: '0:0:3:9', kind: 'lun-reset-fails', at: 262 },
  ],
};
const whole = simulate(scenario, { seed: 3 }).transitions;
const DETAIL = 20_000;

const lines = (items: readonly Transition[]): number => linesFrom(items, 0);
const totals = (items: readonly Transition[]): Map<NodeId, [number, number]> => {
  const m = new Map<NodeId, [number, number]>();
  for (const tr of items)
    if (tr.type === 'io')
      for (const l of tr.luns) {
        const s = m.get(l.on) ?? [0, 0];
        s[0] += l.done;
        s[1] += l.failed;
        m.set(l.on, s);
      }
  return m;
};
const notIo = (items: readonly Transition[]): Transition[] => items.filter((x) => x.type !== 'io');

/**
 * The run fed to a store in batches of 100 (a few per detail window, so that the cursor's
 * state is carried over a summary), with a check after each.
 */
function feed(detailLines?: number, after?: (s: ReturnType<typeof createSimStore>) => void) {
  const store = createSimStore(scenario, 3, '', detailLines ? { detailLines } : {});
  const id = store.getState().begin();
  for (let i = 0; i < whole.length; i += 100) {
    store.getState().append(id, whole.slice(i, i + 100));
    after?.(store);
  }
  store.getState().finish(id);
  return store;
}

describe('a long run in bounded memory', () => {
  it('the run is long enough to need a summary', () => {
    expect(lines(whole)).toBeGreaterThan(5 * DETAIL);
  });

  it('keeps the recent io ticks whole, sums the older ones, and keeps every other transition', () => {
    let batchMax = 0;
    for (let i = 0; i < whole.length; i += 100)
      batchMax = Math.max(batchMax, lines(whole.slice(i, i + 100)));
    let summarised = 0;
    const store = feed(DETAIL, (s) => {
      const st = s.getState();
      const items = st.stream().all();
      // the bound: the detail budget and a quarter, one batch, and the coarse ticks
      expect(lines(items)).toBeLessThanOrEqual(DETAIL * 1.25 + batchMax + SUMMARY_BINS * 64);
      if (st.summary) summarised++;
    });
    expect(summarised).toBeGreaterThan(0);
    const st = store.getState();
    const items = st.stream().all();
    expect(st.received).toBe(whole.length);
    expect(items.length).toBeLessThan(whole.length);
    // nothing but io ticks was touched, and the order of the rest is the run's
    expect(notIo(items)).toEqual(notIo(whole));
    // every completion and failure is still counted, per LUN
    expect(totals(items)).toEqual(totals(whole));
    // the summary: coarse ticks of one length, a power-of-two multiple of the tick
    const { until, bin } = st.summary!;
    expect(Math.log2(bin / 0.1) % 1).toBeCloseTo(0, 9);
    const coarse = items.filter((x) => x.type === 'io' && x.t <= until + 1e-9);
    expect(coarse.length).toBeLessThanOrEqual(SUMMARY_BINS);
    for (const c of coarse) expect(c.type === 'io' && c.dt).toBe(bin);
    // after it, the run's own io ticks, the very objects
    const tail = whole.filter((x) => x.t > until + 1e-9);
    expect(items.slice(items.length - tail.length)).toEqual(tail);
    for (let k = 1; k <= 50; k++) expect(items[items.length - k]).toBe(whole[whole.length - k]);
  });

  it('shows the same tree as the whole stream: exactly in the recent window, states and steps everywhere', () => {
    // the cursor follows the stream as it comes, as when one watches a run live: the
    // projection's state is carried over each summary, not folded again
    const live = (s: ReturnType<typeof createSimStore>) =>
      s.getState().seek(s.getState().available);
    const small = feed(DETAIL, live);
    const big = feed(undefined, live);
    expect(big.getState().summary).toBeNull();
    const until = small.getState().summary!.until;
    const bin = small.getState().summary!.bin;
    const at = (t: number) => {
      small.getState().seek(t);
      big.getState().seek(t);
      return [small.getState().view!, big.getState().view!] as const;
    };
    {
      const [a, b] = [small.getState().view!, big.getState().view!];
      expect(a.t).toBe(b.t);
      expect(a.figures.eio).toBe(b.figures.eio);
      expect(a.figures.healthyAvailabilityMean!).toBeCloseTo(b.figures.healthyAvailabilityMean!, 9);
      expect(a.figures.healthyLongestGap!).toBeCloseTo(b.figures.healthyLongestGap!, 9);
      expect(a.luns.map((l) => [l.state, l.rate, l.outstanding, l.eio])).toEqual(
        b.luns.map((l) => [l.state, l.rate, l.outstanding, l.eio]),
      );
    }
    // at the end of a coarse tick, each LUN's outstanding count is the last fine tick's
    for (const t of [bin * 3, Math.floor(until / bin / 2) * bin, until]) {
      const [a, b] = at(t);
      expect(
        a.luns.map((l) => l.outstanding),
        `t=${t}`,
      ).toEqual(b.luns.map((l) => l.outstanding));
    }
    const times = [5, 21.3, 84.05, 150.5, until - 1, until + 2, 265.2, 280.7, 299.9];
    for (const t of [...times, ...times.slice().reverse()]) {
      small.getState().seek(t);
      big.getState().seek(t);
      const a = small.getState().view!;
      const b = big.getState().view!;
      const exact = t > until + 1;
      for (let i = 0; i < a.luns.length; i++) {
        const x = a.luns[i]!;
        const y = b.luns[i]!;
        expect([x.id, x.state, x.blockedBy, x.step?.step], `${t} ${x.id}`).toEqual([
          y.id,
          y.state,
          y.blockedBy,
          y.step?.step,
        ]);
        if (exact) expect([x.rate, x.outstanding, x.eio]).toEqual([y.rate, y.outstanding, y.eio]);
      }
      expect(a.active.map((s) => s.id)).toEqual(b.active.map((s) => s.id));
      expect([...a.hosts.values()].map((h) => h.state)).toEqual(
        [...b.hosts.values()].map((h) => h.state),
      );
      if (exact) {
        expect(a.figures.eio).toBe(b.figures.eio);
        expect(a.figures.healthyAvailabilityMean!).toBeCloseTo(
          b.figures.healthyAvailabilityMean!,
          2,
        );
      }
    }
    // the timeline is drawn from the batches, not the buffer: the same spans and steps
    const ma = small.getState().timeline!;
    const mb = big.getState().timeline!;
    expect(ma.steps).toEqual(mb.steps);
    expect([...ma.lunSpans]).toEqual([...mb.lunSpans]);
  });

  it('summarising twice nests: a second summary of a summary keeps the sums', () => {
    const cut1 = whole.findIndex((x) => x.t > 100);
    const one = summarise(whole, cut1, 0.1, 0.1, 16);
    expect(one.bin).toBeCloseTo(binFor(one.until, 0.1, 16), 9);
    const cut2 = one.stream.findIndex((x) => x.t > 250);
    const two = summarise(one.stream, cut2, 0.1, one.bin, 16);
    expect(two.bin).toBeGreaterThanOrEqual(one.bin);
    expect(
      two.stream.filter((x) => x.type === 'io' && x.t <= two.until).length,
    ).toBeLessThanOrEqual(16);
    expect(totals(two.stream)).toEqual(totals(whole));
    expect(notIo(two.stream)).toEqual(notIo(whole));
    // time order holds
    for (let i = 1; i < two.stream.length; i++)
      expect(two.stream[i]!.t).toBeGreaterThanOrEqual(two.stream[i - 1]!.t);
  });
});

describe("the timeline's I/O series stay within SERIES_BINS ticks", () => {
  it('halves its resolution past it, keeping every completion', () => {
    // the same run, its io ticks spread 20 times further apart: 60 000 ticks' worth of time
    const stretched = whole.map((x) => ({ ...x, t: x.t * 20 }));
    const m = buildTimeline(stretched);
    const ticks = Math.ceil(stretched[stretched.length - 1]!.t / 0.1);
    expect(ticks).toBeGreaterThan(SERIES_BINS * 8);
    expect(m.tick).toBeGreaterThan(0.1);
    expect(Math.log2(m.tick / 0.1) % 1).toBeCloseTo(0, 9);
    const sum = totals(stretched);
    for (const [lun, s] of m.series) {
      expect(s.done.length).toBeLessThanOrEqual(SERIES_BINS);
      expect([s.done.reduce((a, b) => a + b, 0), s.failed.reduce((a, b) => a + b, 0)]).toEqual(
        sum.get(lun) ?? [0, 0],
      );
    }
    // a short run is untouched: one series entry per tick
    expect(buildTimeline(whole).tick).toBe(0.1);
  });
});
