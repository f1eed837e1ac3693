// The page's rehearsal of an injection (rehearse.ts): the paths a round takes, and that the
// page rehearses once.
import { describe, expect, it } from 'vitest';
import { presets, type Scenario } from '../engine';
import { createRunner } from '../worker/runner';
import { BatchEncoder, type WireBatch } from '../worker/wire';
import { createRehearser, REHEARSAL_MEASURE, rehearseRound } from './rehearse';

const runner = createRunner({ now: () => 0, turn: () => Promise.resolve() });

function rehearsal(sc: Scenario): { scenario: Scenario; batches: WireBatch[] } {
  const r = runner.rehearsal(sc)!;
  const encoder = new BatchEncoder();
  return { scenario: r.scenario, batches: r.batches.map((b) => encoder.encode(b)) };
}

describe("the page's rehearsal of an injection", () => {
  it('takes the paths an injection takes: a reused start, a block at a frame, steps', () => {
    // host scope, and the scoped ladder (LUN, then target, then host)
    for (const name of ['playground', 'playground-san-8x32', 'demo-lun-target']) {
      const sc = presets[name]!;
      const r = rehearsal(sc);
      const stream = runner.rehearsal(sc)!.batches.flat();
      const steps = stream.filter((t) => t.type === 'step' && t.phase === 'start').length;
      expect(steps, name).toBeGreaterThan(3);
      const got = rehearseRound(r.scenario, r.batches);
      // the injection's run took the start from the run before and the rest as batches
      expect(got.received, name).toBe(stream.length);
      expect(got.steps, name).toBe(steps);
      expect(got.sawBlock, name).toBe(true);
      // a second round over the same batches goes the same way
      expect(rehearseRound(r.scenario, r.batches), name).toEqual(got);
    }
  });

  it('rehearses once in the page life, each round when called back and the page is not busy', async () => {
    const sc = presets.playground!;
    const tasks: (() => void)[] = [];
    let fetched = 0;
    let busy = false;
    const rehearse = createRehearser(
      (s) => {
        fetched++;
        return Promise.resolve(rehearsal(s));
      },
      { rounds: 3, later: (cb) => tasks.push(cb), busy: () => busy },
    );
    const first = rehearse(sc);
    expect(await rehearse(sc)).toBe(0);
    // the rounds wait for their tasks
    await Promise.resolve();
    await Promise.resolve();
    const rounds = () => performance.getEntriesByName(REHEARSAL_MEASURE).length;
    const before = rounds();
    // a round that comes while the page is busy waits for the next
    busy = true;
    tasks.shift()!();
    tasks.shift()!();
    expect(rounds()).toBe(before);
    busy = false;
    let ran = 0;
    while (tasks.length) {
      tasks.shift()!();
      ran++;
    }
    expect(ran).toBe(3);
    expect(rounds() - before).toBe(3);
    expect(await first).toBe(3);
    expect(await rehearse(sc)).toBe(0);
    expect(fetched).toBe(1);
  });

  it('asks again after a fetch that failed, and stops at a round that throws', async () => {
    const sc = presets.playground!;
    let calls = 0;
    const rehearse = createRehearser(
      () => {
        calls++;
        if (calls === 1) return Promise.reject(new Error('no spare'));
        // a batch the decoder refuses: the round throws
        return Promise.resolve({
          scenario: sc,
          batches: [
            { items: [{ t: 0, type: 'io', dt: 0.1, packed: 5 }], lines: new Uint32Array(0) },
          ],
        });
      },
      { rounds: 4, later: (cb) => cb() },
    );
    expect(await rehearse(sc)).toBe(0);
    expect(await rehearse(sc)).toBe(0);
    expect(calls).toBe(2);
    expect(await rehearse(sc)).toBe(0);
    expect(calls).toBe(2);
  });
});
