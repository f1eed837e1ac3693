import { describe, expect, it } from 'vitest';
import { simulate, type Scenario } from '../../engine';
import { TimelineBuilder } from '../../playback/timeline';
import { layoutLanes } from './layout';
import { laneItems } from './draw';

// two LUNs, each losing commands now and then: faults, escalations and timeout marks
const scenario: Scenario = {
  version: 1,
  name: 'lane items',
  duration: 60,
  timings: { cmdTimeout: 1, tmf: 0.2 },
  hosts: [
    {
      driver: 'scsi_debug',
      scope: 'lun+target',
      targets: 1,
      lunsPerTarget: 2,
      workload: { rate: 20, queueDepth: 2, readFraction: 1 },
    },
  ],
  faults: Array.from({ length: 20 }, (_, k) => ({
    lun: `0:0:0:${k % 2}`,
    kind: k % 4 < 2 ? ('timeout' as const) : ('abort-fails' as const),
    at: 2 + Math.floor(k / 2) * 5,
  })),
};

const count = (m: Map<string, unknown[]>): number =>
  [...m.values()].reduce((n, list) => n + list.length, 0);

describe('laneItems', () => {
  const stream = simulate(scenario, { seed: 1 }).transitions;
  const half = stream.findIndex((tr) => tr.t > 30);

  it('groups a model once, and again when its lists have grown in place', () => {
    const b = new TimelineBuilder();
    b.add(stream.slice(0, half));
    const model = b.model();
    const layout = layoutLanes(model.topology!, model.laneRows, {});
    const first = laneItems(model, layout, model.topology!);
    expect(count(first.faults)).toBe(model.faults.length);
    expect(count(first.faults)).toBeGreaterThan(0);
    // the same model and layout: the same grouping, not a new one
    expect(laneItems(model, layout, model.topology!)).toBe(first);
    // the builder goes on: the model handed out shares its lists, which grow
    const before = model.faults.length;
    b.add(stream.slice(half));
    expect(model.faults.length).toBeGreaterThan(before);
    const again = laneItems(model, layout, model.topology!);
    expect(again).not.toBe(first);
    expect(count(again.faults)).toBe(model.faults.length);
    expect(count(again.escs)).toBe(model.escalations.length);
    // each lane's list is in time order, for the binary search that cuts it to the view
    for (const m of [again.faults, again.escs, again.marks])
      for (const list of m.values())
        for (let i = 1; i < list.length; i++)
          expect(list[i]!.t).toBeGreaterThanOrEqual(list[i - 1]!.t);
  });
});
