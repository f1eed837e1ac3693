// When the page asks the spare worker to run up to the cursor (prepareAtCursor): standing
// paused on a finished run of the engine, once per place, within the budget.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { presets, type Scenario } from '../engine';
import {
  considerInjection,
  injectAndRun,
  PREPARE_LUN_SECONDS,
  prepareAtCursor,
  rehearseAtRest,
  startRun,
} from './index';
import { engineRunner } from './engineRunner';
import { createSimStore, type SimStore } from './simStore';

describe('preparing an injection at the cursor', () => {
  let store: SimStore;
  let asked: [string, number, number][];
  let quiets: number;
  let speculated: [Scenario, number][];
  let stop: () => void;
  const speculate = (sc: Scenario, seed: number) => void speculated.push([sc, seed]);

  beforeEach(async () => {
    vi.useFakeTimers();
    store = createSimStore(presets.playground!);
    await startRun(store, engineRunner);
    asked = [];
    quiets = 0;
    speculated = [];
    stop = prepareAtCursor(
      store,
      (sc, seed, until) => asked.push([sc.name, seed, until]),
      () => quiets++,
      speculate,
    );
  });
  afterEach(() => {
    stop();
    vi.useRealTimers();
  });

  it('asks once the page has stood still at a place, with the scenario, seed and cursor', () => {
    store.getState().seek(3.25);
    vi.advanceTimersByTime(20);
    store.getState().seek(4.5);
    expect(asked).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(asked).toEqual([[presets.playground!.name, store.getState().seed, 4.5]]);
    // the same place again: nothing new
    store.getState().selectLun('0:0:0:1');
    vi.advanceTimersByTime(200);
    expect(asked).toHaveLength(1);
  });

  it('does not ask while playing, or past the budget', () => {
    store.getState().play();
    store.getState().seek(2);
    vi.advanceTimersByTime(200);
    expect(asked).toEqual([]);
    store.getState().pause();
    vi.advanceTimersByTime(200);
    expect(asked).toHaveLength(1);
    // 16 LUNs: the budget ends at PREPARE_LUN_SECONDS / 16 s of cursor
    const past = PREPARE_LUN_SECONDS / 16 + 1;
    store.setState({ scenario: { ...store.getState().scenario, duration: past + 10 } });
    store.setState({ available: past + 10 });
    store.getState().seek(past);
    expect(store.getState().cursor).toBe(past);
    vi.advanceTimersByTime(200);
    expect(asked).toHaveLength(1);
  });

  it('tells the spare to stop its background work when the page plays after a preparation', () => {
    store.getState().seek(3);
    vi.advanceTimersByTime(200);
    expect(asked).toHaveLength(1);
    // an injection sets the scenario (its run takes the preparation): not a reason
    store.getState().setScenario(store.getState().scenario, undefined, true);
    expect(quiets).toBe(0);
    store.setState({ status: 'done' });
    store.getState().play();
    expect(quiets).toBe(1);
    // paused and played again before the next preparation went: nothing to stop
    store.getState().pause();
    store.getState().play();
    expect(quiets).toBe(1);
    store.getState().pause();
    vi.advanceTimersByTime(200);
    expect(asked).toHaveLength(2);
    store.getState().play();
    expect(quiets).toBe(2);
  });

  it('speculates on the injection the menu expects: the scenario its click runs', async () => {
    store.getState().seek(3.25);
    vi.advanceTimersByTime(200);
    expect(asked).toHaveLength(1);
    const options = { duration: 4 };
    expect(
      considerInjection('0:0:1:2', ['timeout', 'abort-fails'], options, store, speculate),
    ).toBe(true);
    expect(speculated).toHaveLength(1);
    // the click: the run the worker is asked for is exactly the one speculated on
    const runs: [Scenario, number][] = [];
    await injectAndRun('0:0:1:2', ['timeout', 'abort-fails'], options, store, (sc, seed, on) => {
      runs.push([sc, seed]);
      return engineRunner(sc, seed, on);
    });
    expect(runs).toEqual(speculated);
    expect(speculated[0]![0].faults.slice(-2)).toEqual([
      { lun: '0:0:1:2', kind: 'timeout', at: 3.25, duration: 4 },
      { lun: '0:0:1:2', kind: 'abort-fails', at: 3.25, duration: 4 },
    ]);
  });

  it('does not speculate while playing or running; follows a preparation sent later', () => {
    store.getState().play();
    expect(considerInjection('0:0:1:2', ['timeout'], {}, store, speculate)).toBe(false);
    store.getState().pause();
    // paused a moment ago: the preparation has not gone yet, the speculation goes twice
    expect(considerInjection('0:0:1:2', ['timeout'], {}, store, speculate)).toBe(true);
    expect(speculated).toHaveLength(1);
    expect(asked).toHaveLength(0);
    vi.advanceTimersByTime(200);
    expect(asked).toHaveLength(1);
    expect(speculated).toHaveLength(2);
    expect(speculated[1]).toEqual(speculated[0]);
    // at another place, the preparation is not followed by it
    store.getState().seek(6);
    vi.advanceTimersByTime(200);
    expect(asked).toHaveLength(2);
    expect(speculated).toHaveLength(2);
    store.setState({ status: 'running' });
    expect(considerInjection('0:0:1:2', ['timeout'], {}, store, speculate)).toBe(false);
  });

  it('stops asking once unsubscribed', () => {
    stop();
    store.getState().seek(5);
    vi.advanceTimersByTime(200);
    expect(asked).toEqual([]);
  });
});

describe('rehearsing an injection once a run is done', () => {
  it('asks when a run of the engine is done, not while it runs or for a recording', async () => {
    const store = createSimStore(presets.playground!);
    const asked: string[] = [];
    const stop = rehearseAtRest(store, (sc) => asked.push(sc.name));
    expect(asked).toEqual([]);
    const run = startRun(store, engineRunner);
    expect(store.getState().status).toBe('running');
    expect(asked).toEqual([]);
    await run;
    expect(asked[0]).toBe(presets.playground!.name);
    // a recording shown is not the engine's
    const n = asked.length;
    store.setState({ source: 'trace', status: 'done' });
    store.setState({ cursor: 1 });
    expect(asked).toHaveLength(n);
    stop();
    store.setState({ source: 'engine', cursor: 2 });
    expect(asked).toHaveLength(n);
  });
});
