import { describe, expect, it } from 'vitest';
import { simulate, validateScenario, type BlockScope } from '../engine';
import { TransitionBuffer } from '../playback/buffer';
import { Projection } from '../playback/projection';
import { buildTimeline } from '../playback/timeline';
import { topologyOf } from '../playback/topology';
import {
  LESSONS,
  lessonFromSearch,
  lessonHref,
  momentStep,
  momentTime,
  stepScenario,
} from './lessons';

describe('lessons', () => {
  it('every lesson has steps, and ids are distinct', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(5);
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
    for (const l of LESSONS) expect(l.steps.length).toBeGreaterThan(1);
  });

  for (const lesson of LESSONS)
    describe(lesson.id, () => {
      lesson.steps.forEach((step, i) => {
        it(`step ${i + 1}: ${step.title}: the place exists and the tree shows what the text says`, () => {
          const sc = stepScenario(step);
          expect(() => validateScenario(sc)).not.toThrow();
          const run = simulate(sc, { seed: sc.seed ?? 1 });
          const model = buildTimeline(run.transitions);
          const t = momentTime(model, step.at);
          expect(t, 'the moment names a step of the run').not.toBeNull();
          expect(t!).toBeGreaterThanOrEqual(0);
          expect(t!).toBeLessThanOrEqual(sc.duration);
          if (typeof step.at !== 'number') {
            const s = momentStep(model, step.at)!;
            // a moment inside a step: the step is still going on then
            if (s.end !== null) expect(t!).toBeLessThan(s.end);
          }
          if (step.blocked) {
            const buffer = new TransitionBuffer();
            buffer.push(run.transitions);
            const first = run.transitions[0]!;
            if (first.type !== 'run-start') throw new Error('no run-start');
            const p = new Projection(topologyOf(first), buffer);
            p.seek(t!);
            const counts: Partial<Record<BlockScope, number>> = {};
            for (const l of p.view().luns)
              if (l.blockedBy) counts[l.blockedBy] = (counts[l.blockedBy] ?? 0) + 1;
            expect(counts).toEqual(step.blocked);
          }
        });
      });
    });

  it('reads its links back, and says what is wrong with a bad one', () => {
    const href = lessonHref('escalation', 2);
    const got = lessonFromSearch(href);
    expect(got && 'lesson' in got ? [got.lesson.id, got.index] : got).toEqual(['escalation', 2]);
    expect(lessonFromSearch('?preset=demo')).toBeNull();
    const unknown = lessonFromSearch('?lesson=nope');
    expect(unknown && 'error' in unknown ? unknown.error : '').toMatch(/"nope".*host-stall/);
    for (const bad of ['0', '99', 'x', '1.5']) {
      const r = lessonFromSearch(`?lesson=drivers&step=${bad}`);
      expect(r && 'error' in r ? r.error : '').toMatch(/steps 1 to 7/);
    }
  });
});
