import { describe, expect, it, vi } from 'vitest';
import { presets, simulate, type Metrics, type Scenario, type Transition } from '../engine';
import type { RunHandle } from '../worker/client';
import { CancelledError } from '../worker/client';
import { injectAndRun, startRun } from './index';
import { createSimStore, HANDOVER_MS } from './simStore';

const scenario: Scenario = presets.demo!;
const tr = (t: number): Transition => ({ t, type: 'run-end' });
const metrics = {} as Metrics;

describe('sim store', () => {
  it('starts idle with no transitions', () => {
    const s = createSimStore(scenario).getState();
    expect(s.status).toBe('idle');
    expect(s.stream().length).toBe(0);
    expect(s.error).toBeNull();
  });

  it('collects batches of the current run and finishes', () => {
    const store = createSimStore(scenario);
    const id = store.getState().begin();
    expect(store.getState().status).toBe('running');
    store.getState().append(id, [tr(0), tr(1)]);
    store.getState().append(id, [tr(2)]);
    store.getState().finish(id);
    const s = store.getState();
    expect(s.status).toBe('done');
    expect(
      s
        .stream()
        .all()
        .map((x) => x.t),
    ).toEqual([0, 1, 2]);
  });

  it('takes a recorded trace in batch by batch and shows it whole at finish', () => {
    const whole = simulate(scenario, { seed: 1 }).transitions;
    const store = createSimStore(scenario);
    const info = { name: 'rec', header: {}, lines: 10, unknown: 0 };
    const id = store.getState().beginTrace(info, scenario);
    expect(store.getState()).toMatchObject({ source: 'trace', trace: info, status: 'running' });
    for (let i = 0; i < whole.length; i += 100)
      store.getState().append(id, whole.slice(i, i + 100));
    // nothing drawn while it streams in: the timeline comes whole at finish
    expect(store.getState().timeline).toBeNull();
    store.getState().finish(id);
    const s = store.getState();
    expect(s).toMatchObject({ source: 'trace', status: 'done', received: whole.length });
    const once = createSimStore(scenario);
    once.getState().loadTrace(info, whole, scenario);
    expect(s.timeline?.steps.length).toBe(once.getState().timeline?.steps.length);
    expect(s.topology).toEqual(once.getState().topology);
  });

  it('after an injection, draws the tree at the cursor first and the new lanes HANDOVER_MS later', () => {
    let now = 1000;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const sc = presets.playground!;
      const before = simulate(sc, { seed: 1 }).transitions;
      const store = createSimStore(sc);
      const first = store.getState().begin();
      // the first run of the page: its timeline comes with its first batch
      store.getState().append(first, before.slice(0, 10));
      expect(store.getState().timeline).not.toBeNull();
      store.getState().append(first, before.slice(10));
      store.getState().finish(first);
      store.getState().seek(3);
      const old = store.getState().timeline;
      const oldView = store.getState().view;

      const next = store.getState().inject('0:0:1:2', 'timeout');
      const after = simulate(next, { seed: 1 }).transitions;
      const cut = after.findIndex((x) => x.t > 3.5);
      const id = store.getState().begin();
      store.getState().append(id, after.slice(0, 5));
      // short of the cursor: the run before stays drawn, tree and lanes
      expect(store.getState().timeline).toBe(old);
      expect(store.getState().view).toBe(oldView);
      now += 5;
      store.getState().append(id, after.slice(5, cut));
      // the stream reached the cursor: the tree shows the new run there, the lanes wait
      expect(store.getState().view).not.toBe(oldView);
      expect(store.getState().view?.t).toBe(3);
      expect(store.getState().timeline).toBe(old);
      now += HANDOVER_MS - 1;
      store.getState().append(id, after.slice(cut, cut + 5));
      expect(store.getState().timeline).toBe(old);
      now += 1;
      store.getState().append(id, after.slice(cut + 5, cut + 10));
      const handed = store.getState().timeline;
      expect(handed).not.toBe(old);
      expect(handed?.topology).not.toBe(old?.topology);
      // then at most every 200 ms, and whole at the end
      now += 10;
      store.getState().append(id, after.slice(cut + 10, cut + 20));
      expect(store.getState().timeline).toBe(handed);
      store.getState().append(id, after.slice(cut + 20));
      store.getState().finish(id);
      expect(store.getState().timeline).not.toBe(handed);
      expect(store.getState().timeline?.steps.length).toBeGreaterThan(old!.steps.length);
    } finally {
      clock.mockRestore();
    }
  });

  it('drops batches and endings of an abandoned run', () => {
    const store = createSimStore(scenario);
    const old = store.getState().begin();
    store.getState().append(old, [tr(0)]);
    const cur = store.getState().begin();
    store.getState().append(old, [tr(9)]);
    store.getState().fail(old, 'stale');
    store.getState().append(cur, [tr(1)]);
    expect(
      store
        .getState()
        .stream()
        .all()
        .map((x) => x.t),
    ).toEqual([1]);
    expect(store.getState().status).toBe('running');
  });

  it('records an error message', () => {
    const store = createSimStore(scenario);
    const id = store.getState().begin();
    store.getState().fail(id, 'boom');
    expect(store.getState()).toMatchObject({ status: 'error', error: 'boom' });
    store.getState().begin();
    expect(store.getState()).toMatchObject({ status: 'running', error: null });
  });

  it('wakes its subscribers for a timeline view that changed, not for one asked again', () => {
    const store = createSimStore(scenario);
    let woken = 0;
    store.subscribe(() => woken++);
    // what the timeline asks at each frame of playback while its view need not page
    store.getState().setTimelineView((v) => v);
    expect(woken).toBe(0);
    store.getState().setTimelineView(() => [1, 2]);
    expect(store.getState().timelineView).toEqual([1, 2]);
    expect(woken).toBe(1);
    store.getState().setTimelineView((v) => v);
    expect(woken).toBe(1);
    store.getState().setTimelineView(() => null);
    expect(store.getState().timelineView).toBeNull();
    expect(woken).toBe(2);
  });
});

describe('startRun', () => {
  function fakeRunner(batches: Transition[][], outcome: 'ok' | Error) {
    return (_s: Scenario, _seed: number, onBatch: (b: Transition[]) => void): RunHandle => {
      for (const b of batches) onBatch(b);
      const count = batches.flat().length;
      return {
        done:
          outcome === 'ok'
            ? Promise.resolve({ version: 1, count, metrics, from: 0 })
            : Promise.reject(outcome),
        cancel() {},
      };
    };
  }

  it('fills the store and ends done', async () => {
    const store = createSimStore(scenario);
    await startRun(store, fakeRunner([[tr(0)], [tr(1), tr(2)]], 'ok'));
    expect(store.getState().status).toBe('done');
    expect(store.getState().stream().length).toBe(3);
  });

  it('shows a worker failure as an error message', async () => {
    const store = createSimStore(scenario);
    await startRun(store, fakeRunner([[tr(0)]], new Error('worker crashed')));
    expect(store.getState()).toMatchObject({ status: 'error', error: 'worker crashed' });
  });

  it('reports a runner that throws at once', async () => {
    const store = createSimStore(scenario);
    await startRun(store, () => {
      throw new Error('no Worker here');
    });
    expect(store.getState()).toMatchObject({ status: 'error', error: 'no Worker here' });
  });

  it("an injection's run takes the start of its stream from the run before when the worker says so", async () => {
    const sc = presets.playground!;
    const first = simulate(sc, { seed: 1 }).transitions;
    const store = createSimStore(sc);
    await startRun(store, fakeRunner([first], 'ok'));
    // a run done, from the engine, in full: the page offers it whole
    expect(store.getState().held()).toEqual({ count: first.length, start: first[0] });
    // an injection (which sets the scenario first); the worker goes on from the run before
    // up to the cursor, and sends only what follows
    const fault = { lun: '0:0:1:2', kind: 'timeout' as const, at: 3 };
    const next = simulate({ ...sc, faults: [...sc.faults, fault] }, { seed: 1 }).transitions;
    const k = next.findIndex((x) => x.t >= 3);
    expect(next.slice(0, k)).toEqual(first.slice(0, k));
    let offered: unknown = 'nothing';
    store.getState().seek(3);
    await injectAndRun('0:0:1:2', ['timeout'], {}, store, (_sc, _seed, onBatch, held) => {
      offered = held;
      onBatch([], k);
      onBatch(next.slice(k, 100));
      onBatch(next.slice(100));
      return {
        done: Promise.resolve({ version: 1, count: next.length, metrics, from: 3 }),
        cancel() {},
      };
    });
    expect(offered).toEqual({ count: first.length, start: first[0] });
    expect(store.getState().status).toBe('done');
    expect(store.getState().stream().all()).toEqual(next);
    expect(store.getState().received).toBe(next.length);
    expect(store.getState().runReused).toBe(k);
  });

  it('offers nothing of a run still going, of a trace or of a summarised run, and fails a reuse it cannot meet', async () => {
    const store = createSimStore(scenario);
    const id = store.getState().begin();
    store.getState().append(id, [tr(0)]);
    // still running
    expect(store.getState().held()).toBeNull();
    store.getState().finish(id);
    // its stream does not start with a run-start
    expect(store.getState().held()).toBeNull();
    const trace = createSimStore(scenario);
    trace
      .getState()
      .loadTrace(
        { name: 'rec', header: {}, lines: 1, unknown: 0 },
        simulate(scenario).transitions,
        scenario,
      );
    expect(trace.getState().held()).toBeNull();
    const long = createSimStore(scenario, 1, '', { detailLines: 100 });
    await startRun(
      long,
      fakeRunner([simulate(presets.playground!, { seed: 1 }).transitions], 'ok'),
    );
    expect(long.getState().summary).not.toBeNull();
    expect(long.getState().held()).toBeNull();
    // a worker that claims more than the page holds: the run fails, saying so
    const sc = presets.playground!;
    const small = createSimStore(sc);
    const whole = simulate(sc, { seed: 1 }).transitions;
    await startRun(small, fakeRunner([whole], 'ok'));
    const run = small.getState().begin();
    small.getState().append(run, whole.slice(10), whole.length + 1);
    expect(small.getState()).toMatchObject({ status: 'error' });
    expect(small.getState().error).toMatch(
      /went on from \d+ transitions of the run before; the page holds \d+/,
    );
  });

  it('stays quiet about a cancelled run', async () => {
    const store = createSimStore(scenario);
    await startRun(store, fakeRunner([], new CancelledError()));
    expect(store.getState().status).toBe('running');
  });
});
