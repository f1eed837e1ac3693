// The cover letter's three tables, one test per row: the ladder that ran, each fallback,
// the outcome, and which devices were blocked while each step ran.
import { describe, expect, it } from 'vitest';
import { analyze, ladderOf } from '../analysis';
import { coverLetterRows } from '../presets';
import { simulate } from '../sim';
import type { Transition } from '../stream';

const FAILING = '0:0:0:0';
const TARGET0 = ['0:0:0:0', '0:0:0:1', '0:0:0:2', '0:0:0:3'];
const ALL = [...TARGET0, '0:0:1:0', '0:0:1:1', '0:0:1:2', '0:0:1:3'];

interface Row {
  preset: keyof typeof coverLetterRows;
  ladder: string[];
  escalations: string[];
  /**
   * The counters kernel/'s guest test checks for the row (kernel/notes/scoped-eh-model.md
   * section 10): device recoveries, LUN resets, escalations | target recoveries, LUN resets,
   * target resets, escalations | host woke | scsi_debug's LUN resets, target resets.
   */
  counters: string;
}

const rows: Row[] = [
  // Scenario 1: LUN based error handling (tests 07-09)
  {
    preset: 's1-lun-ok-tur-ok',
    ladder: ['lun:abort:failed', 'lun:lun-reset:success', 'lun:tur:ready'],
    escalations: [],
    counters: '110|0000|0|10',
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
    counters: '111|0000|1|20',
  },
  {
    preset: 's1-lun-fails',
    ladder: [
      'lun:abort:failed',
      'lun:lun-reset:failed',
      'host:lun-reset:success',
      'host:tur:ready',
    ],
    escalations: ['lun->host'],
    counters: '111|0000|1|20',
  },
  // Scenario 2: target based error handling (tests 16-20; the asynchronous abort stays,
  // outside any scope)
  {
    preset: 's2-lun-ok-tur-ok',
    ladder: ['-:abort:failed', 'target:lun-reset:success', 'target:tur:ready'],
    escalations: [],
    counters: '000|1100|0|10',
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
    counters: '000|1110|0|11',
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
    counters: '000|1110|0|11',
  },
  {
    preset: 's2-lun-fails-tur-fails',
    ladder: [
      '-:abort:failed',
      'target:lun-reset:failed',
      'target:target-reset:success',
      'target:tur:not-ready',
      'host:lun-reset:success',
      'host:tur:ready',
    ],
    escalations: ['target->host'],
    counters: '000|1111|1|21',
  },
  {
    preset: 's2-target-fails',
    ladder: [
      '-:abort:failed',
      'target:lun-reset:failed',
      'target:target-reset:failed',
      'host:lun-reset:success',
      'host:tur:ready',
    ],
    escalations: ['target->host'],
    counters: '000|1111|1|21',
  },
  // Scenario 3: LUN, then target (tests 21-25)
  {
    preset: 's3-lun-ok-tur-ok',
    ladder: ['lun:abort:failed', 'lun:lun-reset:success', 'lun:tur:ready'],
    escalations: [],
    counters: '110|0000|0|10',
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
    counters: '111|1010|0|11',
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
    counters: '111|1010|0|11',
  },
  {
    preset: 's3-lun-fails-tur-fails',
    ladder: [
      'lun:abort:failed',
      'lun:lun-reset:failed',
      'target:target-reset:success',
      'target:tur:not-ready',
      'host:lun-reset:success',
      'host:tur:ready',
    ],
    escalations: ['lun->target', 'target->host'],
    counters: '111|1011|1|21',
  },
  {
    preset: 's3-target-fails',
    ladder: [
      'lun:abort:failed',
      'lun:lun-reset:failed',
      'target:target-reset:failed',
      'host:lun-reset:success',
      'host:tur:ready',
    ],
    escalations: ['lun->target', 'target->host'],
    counters: '111|1011|1|21',
  },
];

/** The row's counters, read from the stream as kernel/'s sysfs counters and scsi_debug count them. */
function counters(trs: readonly Transition[]): string {
  const n = (p: (t: Transition) => boolean): number => trs.filter(p).length;
  const wake = (scope: string) =>
    n((t) => t.type === 'op' && t.op === 'wake-up' && t.scope === scope);
  const resets = (step: string, scope?: string) =>
    n(
      (t) =>
        t.type === 'step' &&
        t.phase === 'end' &&
        t.step === step &&
        (scope === undefined || t.scope === scope),
    );
  const esc = (from: string) => n((t) => t.type === 'escalate' && t.from === from);
  const device = `${wake('lun')}${resets('lun-reset', 'lun')}${esc('lun')}`;
  const target = `${wake('target')}${resets('lun-reset', 'target')}${resets('target-reset', 'target')}${esc('target')}`;
  const host = wake('host') > 0 ? 1 : 0;
  return `${device}|${target}|${host}|${resets('lun-reset')}${resets('target-reset')}`;
}

describe('cover letter scenarios', () => {
  for (const row of rows) {
    it(`${row.preset}: ${coverLetterRows[row.preset].name}`, () => {
      const result = simulate(coverLetterRows[row.preset]);
      const a = analyze(result.transitions);
      expect(ladderOf(a)).toEqual(row.ladder);
      expect(a.escalations.map((e) => `${e.from}->${e.to}`)).toEqual(row.escalations);
      expect(counters(result.transitions)).toBe(row.counters);

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
