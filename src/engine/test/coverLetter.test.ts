// The cover letter's three tables, one test per row: the ladder that ran, each fallback,
// the outcome, and which devices were blocked while each step ran.
import { describe, expect, it } from 'vitest';
import { analyze, ladderOf } from '../analysis';
import { coverLetterRows } from '../presets';
import { simulate } from '../sim';

const FAILING = '0:0:0:0';
const TARGET0 = ['0:0:0:0', '0:0:0:1'];
const ALL = ['0:0:0:0', '0:0:0:1', '0:0:1:0', '0:0:1:1'];

interface Row {
  preset: keyof typeof coverLetterRows;
  ladder: string[];
  escalations: string[];
}

const rows: Row[] = [
  // Scenario 1: LUN based error handling
  {
    preset: 's1-lun-ok-tur-ok',
    ladder: ['lun:abort:failed', 'lun:lun-reset:success', 'lun:tur:ready'],
    escalations: [],
  },
  {
    preset: 's1-lun-ok-tur-fails',
    ladder: [
      'lun:abort:failed',
      'lun:lun-reset:success',
      'lun:tur:not-ready',
      'host:lun-reset:success',
      'host:tur:ready',
    ],
    escalations: ['lun->host'],
  },
  {
    preset: 's1-lun-fails',
    ladder: [
      'lun:abort:failed',
      'lun:lun-reset:failed',
      'host:lun-reset:failed',
      'host:target-reset:success',
      'host:tur:ready',
    ],
    escalations: ['lun->host'],
  },
  // Scenario 2: target based error handling (the asynchronous abort stays, outside any scope)
  {
    preset: 's2-lun-ok-tur-ok',
    ladder: ['-:abort:failed', 'target:lun-reset:success', 'target:tur:ready'],
    escalations: [],
  },
  {
    preset: 's2-lun-ok-tur-fails',
    ladder: [
      '-:abort:failed',
      'target:lun-reset:success',
      'target:tur:not-ready',
      'target:target-reset:success',
      'target:tur:ready',
    ],
    escalations: [],
  },
  {
    preset: 's2-lun-fails',
    ladder: [
      '-:abort:failed',
      'target:lun-reset:failed',
      'target:target-reset:success',
      'target:tur:ready',
    ],
    escalations: [],
  },
  {
    preset: 's2-lun-fails-tur-fails',
    ladder: [
      '-:abort:failed',
      'target:lun-reset:failed',
      'target:target-reset:success',
      'target:tur:not-ready',
      'host:lun-reset:failed',
      'host:target-reset:success',
      'host:tur:ready',
    ],
    escalations: ['target->host'],
  },
  {
    preset: 's2-target-fails',
    ladder: [
      '-:abort:failed',
      'target:lun-reset:failed',
      'target:target-reset:failed',
      'host:lun-reset:failed',
      'host:target-reset:failed',
      'host:bus-reset:success',
      'host:settle:done',
      'host:tur:ready',
    ],
    escalations: ['target->host'],
  },
  // Scenario 3: LUN, then target
  {
    preset: 's3-lun-ok-tur-ok',
    ladder: ['lun:abort:failed', 'lun:lun-reset:success', 'lun:tur:ready'],
    escalations: [],
  },
  {
    preset: 's3-lun-ok-tur-fails',
    ladder: [
      'lun:abort:failed',
      'lun:lun-reset:success',
      'lun:tur:not-ready',
      'target:target-reset:success',
      'target:tur:ready',
    ],
    escalations: ['lun->target'],
  },
  {
    preset: 's3-lun-fails',
    ladder: [
      'lun:abort:failed',
      'lun:lun-reset:failed',
      'target:target-reset:success',
      'target:tur:ready',
    ],
    escalations: ['lun->target'],
  },
  {
    preset: 's3-lun-fails-tur-fails',
    ladder: [
      'lun:abort:failed',
      'lun:lun-reset:failed',
      'target:target-reset:success',
      'target:tur:not-ready',
      'host:lun-reset:failed',
      'host:target-reset:success',
      'host:tur:ready',
    ],
    escalations: ['lun->target', 'target->host'],
  },
  {
    preset: 's3-target-fails',
    ladder: [
      'lun:abort:failed',
      'lun:lun-reset:failed',
      'target:target-reset:failed',
      'host:lun-reset:failed',
      'host:target-reset:failed',
      'host:bus-reset:success',
      'host:settle:done',
      'host:tur:ready',
    ],
    escalations: ['lun->target', 'target->host'],
  },
];

describe('cover letter scenarios', () => {
  for (const row of rows) {
    it(`${row.preset}: ${coverLetterRows[row.preset].name}`, () => {
      const result = simulate(coverLetterRows[row.preset]);
      const a = analyze(result.transitions);
      expect(ladderOf(a)).toEqual(row.ladder);
      expect(a.escalations.map((e) => `${e.from}->${e.to}`)).toEqual(row.escalations);

      // outcome: the faulted read was retried and completed; nothing failed, nothing offline
      const failing = result.metrics.luns.find((l) => l.on === FAILING)!;
      expect(failing.eio).toBe(0);
      expect(failing.offline).toBe(false);
      expect(failing.recoveryTime).not.toBeNull();
      expect(result.metrics.eio).toBe(0);
      expect([...a.finalStates.values()].every((s) => s === 'running')).toBe(true);

      // what was blocked while each step ran, by the scope that ran it
      for (const s of a.steps) {
        if (s.step === 'drain' || s.step === 'tmf-slot') continue;
        const blocked = [...s.blocked.keys()].sort();
        const expected =
          s.scope === 'lun'
            ? [FAILING]
            : s.scope === 'target'
              ? TARGET0
              : s.scope === 'host'
                ? ALL
                : [];
        expect(blocked, `${s.scope}:${s.step} at ${s.start}`).toEqual(expected);
        const by = new Set(s.blocked.values());
        if (s.scope) expect([...by], `${s.scope}:${s.step} blocked by`).toEqual([s.scope]);
      }
    });
  }

  it('covers all 13 rows', () => {
    expect(rows.map((r) => r.preset).sort()).toEqual(Object.keys(coverLetterRows).sort());
  });
});
