import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyze, presets, simulate } from '../engine';
import { buildTimeline, TimelineBuilder } from './timeline';

const run = simulate(presets['s3-target-fails']!, { seed: 3 });

describe('timeline model', () => {
  it('is the same whatever the batches the stream came in', () => {
    const whole = buildTimeline(run.transitions);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), (size) => {
        const b = new TimelineBuilder();
        for (let i = 0; i < run.transitions.length; i += size)
          b.add(run.transitions.slice(i, i + size));
        const m = b.model();
        expect({ ...m, version: 0 }).toEqual({ ...whole, version: 0 });
      }),
      { numRuns: 20 },
    );
  });

  it('has the steps and blocked spans that the engine analysis finds', () => {
    const m = buildTimeline(run.transitions);
    const a = analyze(run.transitions);
    expect(m.steps.map((s) => [s.id, s.step, s.scope, s.on, s.start, s.end, s.result])).toEqual(
      a.steps.map((s) => [s.id, s.step, s.scope, s.on, s.start, s.end, s.result]),
    );
    // a device's spans, joined where one ends as the next starts, are the analysis' spans
    for (const [lun, spans] of a.blockedSpans) {
      const mine = m.lunSpans.get(lun)!.filter((s) => s.state !== 'offline');
      const joined: { start: number; end: number }[] = [];
      for (const s of mine) {
        const last = joined[joined.length - 1];
        if (last && last.end === s.start) last.end = s.end ?? m.end;
        else joined.push({ start: s.start, end: s.end ?? m.end });
      }
      expect(joined).toEqual(spans.map((s) => ({ start: s.start, end: s.end })));
    }
    expect(m.escalations.map((e) => [e.from, e.to])).toEqual(
      a.escalations.map((e) => [e.from, e.to]),
    );
    expect(m.complete).toBe(true);
  });

  it('puts each step on the lane of its host or target, overlapping steps on separate rows', () => {
    const m = buildTimeline(simulate(presets['multi-8-lun-bound-4']!, { seed: 1 }).transitions);
    for (const s of m.steps) {
      const depth = s.on.split(':').length;
      expect(s.lane).toBe(depth >= 3 ? s.on.split(':').slice(0, 3).join(':') : s.on.split(':')[0]);
    }
    for (const [, bars] of m.stepsByLane)
      for (const a of bars)
        for (const b of bars)
          if (a !== b && a.row === b.row)
            expect((a.end ?? Infinity) <= b.start || (b.end ?? Infinity) <= a.start).toBe(true);
  });
});
