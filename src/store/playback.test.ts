import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { presets, simulate, withScope, type Scenario } from '../engine';
import type { PlaybackView } from '../playback/projection';
import { injectAndRun, startRun } from './index';
import { engineRunner } from './engineRunner';
import { createSimStore, type SimStore } from './simStore';

async function loaded(sc: Scenario): Promise<SimStore> {
  const store = createSimStore(sc);
  await startRun(store, engineRunner);
  return store;
}

/** What the tree draws, without object identities. */
function drawn(v: PlaybackView | null) {
  if (!v) return null;
  return {
    luns: v.luns.map((l) => [
      l.id,
      l.state,
      l.blockedBy,
      l.rate,
      l.outstanding,
      l.step?.id ?? null,
      l.eio,
      l.faults.join(),
    ]),
    targets: [...v.targets.values()].map((t) => [t.id, t.blocked, t.steps.map((s) => s.id).join()]),
    hosts: [...v.hosts.values()].map((h) => [
      h.id,
      h.state,
      h.blocked,
      h.steps.map((s) => s.id).join(),
    ]),
    active: v.active.map((a) => a.id),
    last: v.lastStep ? [v.lastStep.id, v.lastStep.result ?? null] : null,
    figures: v.figures,
  };
}

const demo = presets.demo!;

describe('playback', () => {
  it('a seek reaches the state that playing reaches, forwards and backwards', async () => {
    const played = await loaded(demo);
    const seeker = await loaded(demo);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 20_000_000 }).map((us) => us / 1e6),
        async (t) => {
          // play from 0 to t in frames of 1/60 s at 10x, the last frame landing on t
          const p = played.getState();
          p.seek(0);
          p.setSpeed(10);
          p.play();
          while (played.getState().cursor < t) {
            const left = (t - played.getState().cursor) / 10;
            played.getState().advance(Math.min(1 / 60, left));
            if (left <= 1 / 60) break;
          }
          played.getState().pause();
          // the seeker jumps there from wherever it was (the end, or an earlier seek)
          seeker.getState().seek(t);
          expect(played.getState().cursor).toBeCloseTo(t, 9);
          expect(drawn(seeker.getState().view)).toEqual(drawn(played.getState().view));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('host scope: during the ladder every LUN is blocked by the host; afterwards all run', async () => {
    const store = await loaded(demo);
    const s = store.getState();
    const lunReset = s.timeline!.steps.find((x) => x.step === 'lun-reset')!;
    expect(lunReset.scope).toBe('host');
    s.seek(lunReset.start + 0.5);
    const v = store.getState().view!;
    expect(v.luns.every((l) => l.blockedBy === 'host')).toBe(true);
    expect(v.hosts.get('0')!.state).toBe('recovery');
    s.seek(19.9);
    expect(store.getState().view!.luns.every((l) => l.state === 'running')).toBe(true);
  });

  it('advances by real time times the speed, and stops at the end', async () => {
    const store = await loaded(demo);
    const s = store.getState();
    s.setSpeed(10);
    s.play();
    s.advance(0.5);
    expect(store.getState().cursor).toBeCloseTo(5, 9);
    s.setSpeed(5000);
    expect(store.getState().speed).toBe(1000);
    s.setSpeed(0.001);
    expect(store.getState().speed).toBe(0.1);
    s.setSpeed(1000);
    s.advance(1);
    expect(store.getState().cursor).toBe(20);
    expect(store.getState().playing).toBe(false);
  });

  it('does not run ahead of a stream still arriving', () => {
    const store = createSimStore(demo);
    const id = store.getState().begin();
    const r = simulate(demo, { seed: 1 });
    const half = r.transitions.filter((t) => t.t <= 6);
    store.getState().append(id, half);
    store.getState().play();
    store.getState().setSpeed(100);
    store.getState().advance(1);
    expect(store.getState().cursor).toBeLessThanOrEqual(6);
    expect(store.getState().view!.t).toBe(store.getState().cursor);
  });

  it('steps to each recovery step in turn, paused, and selects it', async () => {
    const store = await loaded(demo);
    const steps = store.getState().timeline!.steps;
    expect(new Set(steps.map((x) => x.start)).size).toBeLessThan(steps.length);
    store.getState().play();
    for (const step of steps) {
      expect(store.getState().stepNext()).toBe(true);
      expect(store.getState().cursor).toBe(step.start);
      expect(store.getState().playing).toBe(false);
      expect(store.getState().selectedStep).toBe(step.id);
    }
    expect(store.getState().stepNext()).toBe(false);
    expect(store.getState().cursor).toBe(20);
    expect(store.getState().selectedStep).toBeNull();
  });

  it('steps back through every recovery step in reverse order, then to 0', async () => {
    const store = await loaded(demo);
    const steps = store.getState().timeline!.steps;
    store.getState().seek(20);
    for (const step of [...steps].reverse()) {
      expect(store.getState().stepPrev()).toBe(true);
      expect(store.getState().cursor).toBe(step.start);
      expect(store.getState().selectedStep).toBe(step.id);
    }
    expect(store.getState().stepPrev()).toBe(false);
    expect(store.getState().cursor).toBe(0);
    // and forward again from a step reached backwards
    store.getState().seek(steps[2]!.start);
    store.getState().selectStep(steps[2]!.id);
    expect(store.getState().stepNext()).toBe(true);
    expect(store.getState().selectedStep).toBe(steps[3]!.id);
  });

  it('an injection keeps the run before it and the cursor', async () => {
    const store = await loaded(withScope(presets.playground!, 'lun'));
    const before = store
      .getState()
      .stream()
      .all()
      .filter((t) => t.t < 10);
    store.getState().seek(10);
    const view = drawn(store.getState().view);
    await injectAndRun('0:0:1:2', ['timeout', 'abort-fails'], {}, store, engineRunner);
    const s = store.getState();
    expect(s.cursor).toBe(10);
    expect(s.scenario.faults).toEqual([
      { lun: '0:0:1:2', kind: 'timeout', at: 10 },
      { lun: '0:0:1:2', kind: 'abort-fails', at: 10 },
    ]);
    expect(
      s
        .stream()
        .all()
        .filter((t) => t.t < 10),
    ).toEqual(before);
    // the same tree at the cursor (the fault's own transitions aside)
    expect(drawn(s.view)!.luns.map((l) => l.slice(0, 5))).toEqual(
      view!.luns.map((l) => l.slice(0, 5)),
    );
    // and later, only that LUN is blocked, by its own recovery
    const blocked = new Set<string>();
    for (let t = 10; t < 40; t += 0.25) {
      s.seek(t);
      for (const l of store.getState().view!.luns)
        if (l.blockedBy) blocked.add(`${l.id}:${l.blockedBy}`);
    }
    expect([...blocked]).toEqual(['0:0:1:2:lun']);
  });

  it('keeps the old tree and timeline while the new run is still short of the cursor', async () => {
    const store = await loaded(presets.playground!);
    store.getState().seek(30);
    const { timeline, view } = store.getState();
    const next = store.getState().inject('0:0:0:0', 'timeout');
    const id = store.getState().begin();
    const r = simulate(next, { seed: 1 });
    store.getState().append(
      id,
      r.transitions.filter((t) => t.t < 10),
    );
    expect(store.getState().timeline).toBe(timeline);
    expect(store.getState().view).toBe(view);
    store.getState().append(
      id,
      r.transitions.filter((t) => t.t >= 10 && t.t <= 31),
    );
    // the tree shows the new run at the cursor at once; its lanes come HANDOVER_MS later
    // (simStore.test.ts, on a clock of its own), or at the end
    expect(store.getState().view).not.toBe(view);
    expect(store.getState().view!.t).toBe(30);
    store.getState().append(
      id,
      r.transitions.filter((t) => t.t > 31),
    );
    store.getState().finish(id);
    expect(store.getState().timeline).not.toBe(timeline);
    expect(store.getState().view!.t).toBe(30);
  });

  it('the run goes on long enough after a late injection', async () => {
    const store = await loaded(presets.playground!);
    store.getState().seek(110);
    const next = store.getState().inject('0:0:0:0', 'timeout', { duration: 5 });
    expect(next.duration).toBe(200);
    expect(next.faults[0]).toEqual({ lun: '0:0:0:0', kind: 'timeout', at: 110, duration: 5 });
  });
});
