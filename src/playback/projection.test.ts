import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { atResolution, offeredRates, presets, simulate } from '../engine';
import { TransitionBuffer } from './buffer';
import { Projection, type PlaybackView } from './projection';
import { buildTimeline } from './timeline';
import { topologyOf } from './topology';

const scenario = presets['bench-lun-fails-host']!;
const run = simulate(scenario, { seed: 7 });
const buffer = new TransitionBuffer();
buffer.push(run.transitions);
const start = run.transitions[0]!;
if (start.type !== 'run-start') throw new Error('no run-start');
const topo = topologyOf(start);

const plain = (v: PlaybackView) =>
  JSON.parse(
    JSON.stringify({
      ...v,
      targets: [...v.targets],
      channels: [...v.channels],
      hosts: [...v.hosts],
    }),
  ) as unknown;

describe('projection', () => {
  it('from a checkpoint reaches the state of a fold from the start', () => {
    expect(buffer.length).toBeGreaterThan(500);
    const withCheckpoints = new Projection(topo, buffer, 50);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: run.metrics.recoveryWindow![1] + 2, noNaN: true }), {
          minLength: 1,
          maxLength: 6,
        }),
        (ts) => {
          for (const t of ts) withCheckpoints.seek(t);
          const t = ts[ts.length - 1]!;
          const fromStart = new Projection(topo, buffer, 1e9);
          fromStart.seek(t);
          expect(plain(withCheckpoints.view())).toEqual(plain(fromStart.view()));
        },
      ),
      // back from inside the host's recovery to before it, and in again
      { numRuns: 40, examples: [[[10, 3]], [[12, 1, 9]], [[14, 0.05]]] },
    );
  });

  it("an injection's run that takes over the run before's folding reaches the state of a fold from its start", () => {
    const end = run.metrics.recoveryWindow![1] + 2;
    const lun = topo.luns[1]!;
    fc.assert(
      fc.property(
        // on a tick (where the run before has a transition at the cursor itself) or between
        fc.oneof(
          fc.integer({ min: 1, max: Math.floor(end * 10) }).map((k) => k / 10),
          fc.double({ min: 0.1, max: end, noNaN: true }).map(atResolution),
        ),
        fc.double({ min: 0, max: end + 5, noNaN: true }),
        fc.array(fc.double({ min: 0, max: end, noNaN: true }), { maxLength: 3 }),
        (at, t, before) => {
          // the run before, played about and then stopped at the cursor
          const old = new Projection(topo, buffer, 50);
          for (const x of before) old.seek(x);
          old.seek(at);
          const drawn = old.view();
          // the injection's run: a fault at the cursor; the same stream before it, which the
          // page takes from the run before (the same objects), then its own
          const injected = simulate(
            { ...scenario, faults: [...scenario.faults, { lun, kind: 'timeout', at }] },
            { seed: 7 },
          ).transitions;
          const count = injected.findIndex((x) => x.t >= at);
          expect(injected.slice(0, count)).toEqual(buffer.all().slice(0, count));
          const next = new TransitionBuffer();
          next.push(buffer.all().slice(0, count));
          next.push(injected.slice(count));
          const adopted = new Projection(topo, next, 50);
          adopted.adopt(old, count);
          adopted.seek(at);
          // the nodes that did not change keep the objects the run before drew
          const v = adopted.view();
          expect(v.luns.filter((l, i) => l === drawn.luns[i]).length).toBeGreaterThan(0);
          adopted.seek(t);
          const fresh = new Projection(topo, next, 50);
          fresh.seek(t);
          expect(plain(adopted.view())).toEqual(plain(fresh.view()));
        },
      ),
      {
        numRuns: 20,
        examples: [
          [10, 10, []],
          [12, 14, [1]],
          [0.1, 9, [12]],
        ],
      },
    );
  });

  it('takes over nothing of a stream that does not share the part', () => {
    const old = new Projection(topo, buffer, 50);
    old.seek(12);
    const copied = new TransitionBuffer();
    copied.push(buffer.all().map((x) => ({ ...x })));
    const p = new Projection(topo, copied, 50);
    p.adopt(old, buffer.upperBound(11));
    // it folds from its start: its first seek applies everything up to there
    expect(p.index).toBe(0);
    p.seek(12);
    expect(plain(p.view())).toEqual(plain(old.view()));
  });

  it('agrees with the engine: each timed step is active on its node, and the final figures', () => {
    const p = new Projection(topo, buffer);
    const model = buildTimeline(run.transitions);
    const timed = model.steps.filter((x) => x.end !== null && x.end > x.start);
    expect(timed.length).toBeGreaterThanOrEqual(5);
    for (const step of timed) {
      p.seek((step.start + step.end!) / 2);
      const v = p.view();
      expect(v.active.map((a) => a.id)).toContain(step.id);
      // the node it acts on carries it
      const on =
        v.luns.find((l) => l.id === step.on)?.step ??
        v.targets.get(step.on)?.steps[0] ??
        v.channels.get(step.on)?.steps[0] ??
        v.hosts.get(step.on)?.steps[0];
      expect(on).toBeDefined();
    }
    p.seek(run.metrics.recoveryWindow![1]);
    const f = p.view().figures;
    expect(f.eio).toBe(run.metrics.eio);
    // live availability counts with tick resolution; the engine's, exactly
    expect(f.healthyAvailabilityMean!).toBeCloseTo(run.metrics.healthyAvailabilityMean!, 1);
    const q = new Projection(topo, buffer, undefined, offeredRates(scenario));
    q.seek(run.metrics.recoveryWindow![1]);
    const g = q.view().figures;
    expect(
      Math.abs(g.healthyAvailabilityMean! - run.metrics.healthyAvailabilityMean!),
    ).toBeLessThan(0.02);
    expect(
      Math.abs(g.healthyAvailabilityWorst! - run.metrics.healthyAvailabilityWorst!),
    ).toBeLessThan(0.03);
    expect(Math.abs(f.healthyLongestGap! - run.metrics.healthyLongestGap!)).toBeLessThan(0.25);
    expect(Math.abs(f.recoveryTime! - run.metrics.recoveryTime!)).toBeLessThan(0.25);
  });

  it('keeps the objects of nodes that did not change', () => {
    const p = new Projection(topo, buffer);
    p.seek(1);
    const a = p.view();
    p.seek(1);
    const b = p.view();
    expect(b.luns).toBe(a.luns);
    expect(b.hosts.get('0')).toBe(a.hosts.get('0'));
    p.seek(run.metrics.recoveryWindow![0] + 1.2);
    const c = p.view();
    expect(c.luns).not.toBe(a.luns);
  });
});
