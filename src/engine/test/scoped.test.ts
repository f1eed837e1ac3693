// What the series does when scoped recoveries meet: a second fault, host recovery starting
// beside a LUN ladder, eh_deadline, and the host's bound on concurrent ladders.
import { describe, expect, it } from 'vitest';
import { analyze, ladderOf } from '../analysis';
import type { Scenario } from '../scenario';
import { simulate } from '../sim';

const base = (over: Partial<Scenario> = {}): Scenario => ({
  version: 1,
  name: 'scoped',
  duration: 40,
  timings: { cmdTimeout: 5, tmf: 1 },
  hosts: [{ driver: 'scsi_debug', scope: 'lun', targets: 2, lunsPerTarget: 2 }],
  faults: [],
  ...over,
});

describe('scoped recovery', () => {
  it('a second failed command of the same device joins the waiting ladder', () => {
    const sc = base({
      hosts: [
        {
          driver: 'scsi_debug',
          scope: 'lun',
          targets: 2,
          lunsPerTarget: 2,
          workload: { rate: 40, queueDepth: 2 },
        },
      ],
      faults: [
        { lun: '0:0:0:0', kind: 'timeout', at: 2, count: 2 },
        { lun: '0:0:0:0', kind: 'abort-fails', at: 0, count: 2 },
      ],
    });
    const r = simulate(sc);
    const a = analyze(r.transitions);
    expect(ladderOf(a)).toEqual([
      'lun:abort:failed',
      'lun:abort:failed',
      'lun:lun-reset:success',
      'lun:tur:ready',
    ]);
    const wakes = r.transitions.filter((t) => t.type === 'op' && t.op === 'wake-up');
    expect(wakes).toHaveLength(1);
    expect(r.metrics.eio).toBe(0);
  });

  it('host recovery pending: the whole host stops at once, the LUN ladder hands over at its next step', () => {
    const sc = base({
      hosts: [
        {
          driver: 'scsi_debug',
          scope: 'lun',
          targets: 2,
          lunsPerTarget: 2,
          overrides: [{ lun: '0:1:0', scope: 'host' }],
        },
      ],
      faults: [
        { lun: '0:0:0:0', kind: 'timeout', at: 2 },
        { lun: '0:0:0:0', kind: 'abort-fails', at: 0, duration: 100 },
        // 0:0:1:0 (host scope) times out while 0:0:0:0's ladder aborts
        { lun: '0:0:1:0', kind: 'timeout', at: 1 },
        { lun: '0:0:1:0', kind: 'abort-fails', at: 0, duration: 100 },
      ],
    });
    const r = simulate(sc);
    const a = analyze(r.transitions);
    const abort = a.steps.find((s) => s.scope === 'lun' && s.step === 'abort')!;
    const hostOn = a.hostRecoveries[0]!.start;
    // the host entered recovery while the LUN ladder's abort ran
    expect(hostOn).toBeGreaterThan(abort.start);
    expect(hostOn).toBeLessThan(abort.end!);
    // the ladder stopped at the boundary: no LUN reset of its own, and handed over
    expect(a.steps.some((s) => s.scope === 'lun' && s.step === 'lun-reset')).toBe(false);
    expect(a.escalations).toEqual([
      expect.objectContaining({ from: 'lun', to: 'host', on: '0:0:0:0' }),
    ]);
    const esc = r.transitions.find((t) => t.type === 'escalate');
    expect(esc && esc.type === 'escalate' && esc.reason).toBe('host recovery pending');
    // the host error handler woke only after the hand-over
    const wake = r.transitions.find(
      (t) => t.type === 'op' && t.op === 'wake-up' && t.scope === 'host',
    )!;
    expect(wake.t).toBeGreaterThanOrEqual(abort.end!);
    // and reset both LUNs
    expect(
      a.steps.filter((s) => s.scope === 'host' && s.step === 'lun-reset').map((s) => s.on),
    ).toEqual(['0:0:0:0', '0:0:1:0']);
  });

  it('eh_deadline 0: the LUN hands over with no step, and host recovery, past its deadline, resets the host', () => {
    const sc = base({
      hosts: [{ driver: 'scsi_debug', scope: 'lun', ehDeadline: 0, targets: 2, lunsPerTarget: 2 }],
      faults: [{ lun: '0:0:0:0', kind: 'timeout', at: 2 }],
    });
    const r = simulate(sc);
    const a = analyze(r.transitions);
    expect(ladderOf(a)).toEqual(['host:host-reset:success', 'host:settle:done', 'host:tur:ready']);
    const esc = r.transitions.find((t) => t.type === 'escalate');
    expect(esc && esc.type === 'escalate' && esc.reason).toBe('past eh_deadline');
  });

  it('the TMF bound: a second LUN waits for a slot, blocked alone, and recovers after the first', () => {
    const sc = base({
      faults: [
        { lun: '0:0:0:0', kind: 'timeout', at: 2 },
        { lun: '0:0:1:1', kind: 'timeout', at: 2 },
        { lun: '0:0:0:0', kind: 'abort-fails', at: 0 },
        { lun: '0:0:1:1', kind: 'abort-fails', at: 0 },
      ],
    });
    const a = analyze(simulate(sc).transitions);
    const wait = a.steps.find((s) => s.step === 'tmf-slot')!;
    const other = wait.on === '0:0:0:0' ? '0:0:1:1' : '0:0:0:0';
    expect(['0:0:0:0', '0:0:1:1']).toContain(wait.on);
    // only the two failing LUNs are blocked while the second waits
    expect([...wait.blocked.keys()].sort()).toEqual(['0:0:0:0', '0:0:1:1']);
    const first = a.steps.filter((s) => s.on === other && s.step !== 'drain');
    expect(first.length).toBeGreaterThan(0);
    expect(wait.end).toBeGreaterThanOrEqual(Math.max(...first.map((s) => s.end!)));
    expect(a.escalations).toHaveLength(0);
    expect(a.hostRecoveries).toHaveLength(0);
  });

  it('an always-timing-out read offlines a LUN-scoped disk at its second recovery (sd_eh_action)', () => {
    const sc = base({
      duration: 60,
      hosts: [{ driver: 'scsi_debug', scope: 'lun', targets: 1, lunsPerTarget: 2 }],
      faults: [
        { lun: '0:0:0:0', kind: 'timeout', at: 2, duration: 100 },
        { lun: '0:0:0:0', kind: 'abort-fails', at: 0, duration: 100 },
      ],
    });
    const r = simulate(sc);
    const a = analyze(r.transitions);
    expect(ladderOf(a)).toEqual([
      'lun:abort:failed',
      'lun:lun-reset:success',
      'lun:tur:ready',
      'lun:lun-reset:success',
      'lun:tur:ready',
      'lun:offline:done',
    ]);
    expect(r.metrics.offlined).toEqual(['0:0:0:0']);
    expect(a.hostRecoveries).toHaveLength(0);
  });
});
