import { describe, expect, it } from 'vitest';
import { presets, simulate, withScope, type Scenario, type Scope } from '../engine';
import { createSimStore } from '../store/simStore';
import { CancelledError } from '../worker/client';
import { createCompareStore, follow, type CompareStore, type Runner } from './store';
import { compareTable, defaultPolicies, keepPolicies } from './table';

const demo: Scenario = presets.demo!;
const playground: Scenario = presets.playground!;

/** The engine in Node, streaming in batches as the worker does; records what it ran. */
function nodeRunner(log: { scenario: Scenario; seed: number }[] = []): Runner {
  return (scenario, seed, onBatch) => {
    log.push({ scenario, seed });
    let cancel: (e: Error) => void = () => {};
    const cancelled = new Promise<never>((_, reject) => (cancel = reject));
    const run = Promise.resolve().then(() => {
      const r = simulate(scenario, { seed, batchSize: 500, onBatch, retain: false });
      return { version: r.version, count: 0, metrics: r.metrics, from: 0 };
    });
    return { done: Promise.race([run, cancelled]), cancel: () => cancel(new CancelledError()) };
  };
}

/** Until every run of the store has ended. */
async function settled(store: CompareStore): Promise<void> {
  // the page's changes reach the compare store a microtask later
  await Promise.resolve();
  for (let i = 0; i < 200; i++) {
    const { policies, runs } = store.getState();
    if (policies.every((p) => runs[p] && runs[p].status !== 'running')) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the runs did not end');
}

describe('compare table', () => {
  it('defaults to host, lun and lun+target where the driver offers them', () => {
    expect(defaultPolicies(demo)).toEqual(['host', 'lun', 'lun+target']);
    const virtio: Scenario = { ...demo, hosts: [{ ...demo.hosts[0]!, driver: 'virtio_scsi' }] };
    expect(defaultPolicies(virtio)).toEqual(['host', 'lun']);
    // a choice the new scenario's driver does not offer is dropped, and topped up to two
    expect(keepPolicies(['host', 'target', 'lun+target'], virtio)).toEqual(['host', 'lun']);
    expect(keepPolicies(['lun+target', 'target'], demo)).toEqual(['target', 'lun+target']);
  });

  it('marks the best and the worst of each row, ties sharing, none while a run is going', () => {
    const host = simulate(withScope(demo, 'host'), { seed: 1 }).metrics;
    const lun = simulate(withScope(demo, 'lun'), { seed: 1 }).metrics;
    const rows = compareTable(['host', 'lun'], { host, lun });
    const row = (k: string) => rows.find((r) => r.key === k)!;
    expect(row('availability-mean').cells.map((c) => c.mark)).toEqual(['worst', 'best']);
    expect(row('longest-gap').cells.map((c) => c.mark)).toEqual(['worst', 'best']);
    expect(row('availability-mean').cells[0]!.value).toBe(host.healthyAvailabilityMean);
    // the same EIO count under both: no mark
    expect(row('eio').cells.map((c) => [c.value, c.mark])).toEqual([
      [host.eio, null],
      [lun.eio, null],
    ]);
    expect(host.eio).toBe(lun.eio);
    const pending = compareTable(['host', 'lun'], { host });
    expect(pending[0]!.cells.map((c) => c.mark)).toEqual([null, null]);
    expect(pending[0]!.cells[1]!.text).toBe('…');
  });
});

describe('compare store', () => {
  it("runs the demo under host and lun: the engine's figures, host's availability lower", async () => {
    const store = createCompareStore(nodeRunner(), ['host', 'lun']);
    store.getState().setOpen(true);
    store.getState().sync(demo, 1);
    await settled(store);
    const { runs } = store.getState();
    for (const scope of ['host', 'lun'] as Scope[]) {
      const direct = simulate(withScope(demo, scope), { seed: 1 }).metrics;
      const run = runs[scope]!;
      expect(run.status).toBe('done');
      expect(run.scenario.hosts[0]!.scope).toBe(scope);
      const { luns: a, ...summary } = run.summary!;
      const { luns: b, ...expected } = direct;
      expect(summary).toEqual(expected);
      expect(a).toEqual(b);
    }
    const host = runs.host!.summary!;
    const lun = runs.lun!.summary!;
    expect(host.healthyAvailabilityMean!).toBeLessThan(lun.healthyAvailabilityMean!);
    expect(host.healthyAvailabilityWorst!).toBeLessThan(lun.healthyAvailabilityWorst!);
    expect(host.healthyLongestGap!).toBeGreaterThan(lun.healthyLongestGap!);
  });

  it('projects every run at the shared cursor: host blocks all 16 LUNs, lun only the failing one', async () => {
    const store = createCompareStore(nodeRunner(), ['host', 'lun']);
    store.getState().setOpen(true);
    store.getState().sync(demo, 1);
    await settled(store);
    const hostRun = store.getState().runs.host!;
    // half a second into the host's recovery
    const span = [...hostRun.timeline!.hostSpans.values()][0]![0]!;
    const t = span.start + 0.5;
    expect(span.end === null || span.end > t).toBe(true);
    store.getState().setCursor(t);
    const { host, lun } = store.getState().runs;
    expect(host!.view!.t).toBe(t);
    expect(lun!.view!.t).toBe(t);
    const blocked = (v: typeof host) =>
      v!.view!.luns.filter((l) => l.blockedBy !== null).map((l) => `${l.id}:${l.blockedBy}`);
    expect(blocked(host)).toHaveLength(16);
    expect(blocked(host).every((x) => x.endsWith(':host'))).toBe(true);
    expect(blocked(lun)).toEqual(['0:0:0:0:lun']);
    // back before the fault: nothing blocked in either
    store.getState().setCursor(1);
    expect(blocked(store.getState().runs.host)).toEqual([]);
    expect(blocked(store.getState().runs.lun)).toEqual([]);
  });

  it('follows the page: a fault injected there runs again in every column, the cursor moves them', async () => {
    const log: { scenario: Scenario; seed: number }[] = [];
    const page = createSimStore(playground, 1, 'playground');
    const store = createCompareStore(nodeRunner(log));
    store.getState().setOpen(true);
    const stop = follow(store, page);
    expect(store.getState().policies).toEqual(['host', 'lun', 'lun+target']);
    await settled(store);
    expect(log.map((r) => r.scenario.hosts[0]!.scope)).toEqual(['host', 'lun', 'lun+target']);
    expect(store.getState().runs.host!.summary!.healthyAvailabilityMean).toBeNull();

    page.getState().seek(3);
    page.getState().inject('0:0:1:2', 'timeout');
    page.getState().inject('0:0:1:2', 'abort-fails');
    await settled(store);
    expect(log).toHaveLength(6);
    for (const r of log.slice(3))
      expect(r.scenario.faults.map((f) => [f.kind, f.at])).toEqual([
        ['timeout', 3],
        ['abort-fails', 3],
      ]);
    const { host, lun } = store.getState().runs;
    expect(host!.summary!.healthyAvailabilityMean!).toBeLessThan(
      lun!.summary!.healthyAvailabilityMean!,
    );
    // the page's cursor is the columns' cursor
    page.getState().seek(7.5);
    expect(store.getState().cursor).toBe(7.5);
    expect(store.getState().runs['lun+target']!.view!.t).toBe(7.5);

    // the page's scope selector changes no column's scenario: nothing runs again
    page.getState().setScenario(withScope(page.getState().scenario, 'lun'), undefined, true);
    await settled(store);
    expect(log).toHaveLength(6);

    // two to four columns
    expect(store.getState().togglePolicy('lun')).toBe(true);
    expect(store.getState().togglePolicy('host')).toBe(false);
    expect(store.getState().policies).toEqual(['host', 'lun+target']);
    expect(store.getState().runs.lun).toBeUndefined();
    expect(store.getState().togglePolicy('target')).toBe(true);
    expect(store.getState().togglePolicy('lun')).toBe(true);
    expect(store.getState().policies).toEqual(['host', 'lun', 'target', 'lun+target']);
    await settled(store);
    expect(store.getState().runs.target!.status).toBe('done');
    stop();
  });

  it('keeps nothing to compare while the page shows a recorded trace', () => {
    const store = createCompareStore(nodeRunner());
    store.getState().setOpen(true);
    store.getState().sync(null, 1);
    expect(store.getState().base).toBeNull();
    expect(store.getState().runs).toEqual({});
  });
});
