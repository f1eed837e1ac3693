// Per driver: the ladder skips the resets the driver lacks, as scsi_error.c skips them.
import { describe, expect, it } from 'vitest';
import { analyze, ladderOf } from '../analysis';
import { DRIVER_NAMES, driverProfile } from '../drivers';
import { drivers } from '../presets';
import type { Scenario } from '../scenario';
import { simulate } from '../sim';

const steps = (sc: Scenario, policy?: Parameters<typeof simulate>[1]) => {
  const r = simulate(sc, policy);
  return { r, a: analyze(r.transitions) };
};

describe('driver profiles', () => {
  it('smartpqi: the abort is a LUN reset that always succeeds; the LUN ladder ends there', () => {
    const { r, a } = steps(drivers['smartpqi-abort-is-lun-reset']);
    expect(ladderOf(a)).toEqual(['lun:abort:success']);
    expect(r.metrics.eio).toBe(0);
    expect(a.escalations).toHaveLength(0);
  });

  it('smartpqi: a failing LUN reset hangs the abort, holding the LUN and the only TMF slot', () => {
    const { r, a } = steps(drivers['smartpqi-lun-reset-fails']);
    const abort = a.steps.find((s) => s.step === 'abort')!;
    expect(abort.on).toBe('0:0:0:0');
    expect(abort.end).toBeNull();
    expect(a.finalStates.get('0:0:0:0')).toBe('recovering');
    // a second LUN failing later waits for the slot, for ever, blocked alone
    const wait = a.steps.find((s) => s.step === 'tmf-slot')!;
    expect(wait.on).toBe('0:0:1:0');
    expect(wait.end).toBeNull();
    expect(a.finalStates.get('0:0:1:0')).toBe('recovering');
    expect(a.finalStates.get('0:0:0:1')).toBe('running');
    expect(a.escalations).toHaveLength(0);
    expect(a.steps.some((s) => ['target-reset', 'bus-reset', 'host-reset'].includes(s.step))).toBe(
      false,
    );
    expect(r.metrics.recoveryTime).toBeNull();
  });

  it('megaraid_sas: no LUN reset; target scope goes from the abort to the target reset', () => {
    const { r, a } = steps(drivers['megaraid-no-lun-reset']);
    expect(ladderOf(a)).toEqual([
      '-:abort:failed',
      'target:target-reset:success',
      'target:tur:ready',
    ]);
    expect(r.metrics.eio).toBe(0);
    // megasas_reset_timer re-arms the timer until the command is 2 timeouts old
    const ev = r.transitions
      .filter((t) => t.type === 'cmd')
      .map((t) => (t.type === 'cmd' ? t.event : ''));
    expect(ev.slice(0, 4)).toEqual(['timeout', 'reset-timer', 'timeout', 'abort-scheduled']);
    // and by default the queue's timeout is scmd_timeout, 90 s: recovery starts after 180 s
    const slow = simulate({ ...drivers['megaraid-no-lun-reset'], duration: 300, timings: {} });
    const first = slow.transitions.find((t) => t.type === 'cmd' && t.event === 'abort-scheduled')!;
    expect(first.t).toBeGreaterThan(180);
    expect(first.t).toBeLessThan(184);
    // and host scope has no LUN reset to try either
    const host = analyze(
      simulate(drivers['megaraid-no-lun-reset'], { policy: 'host' }).transitions,
    );
    expect(ladderOf(host)).toEqual([
      '-:abort:failed',
      'host:target-reset:success',
      'host:tur:ready',
    ]);
  });

  it('virtio_scsi under 6.12 host scope: a timeout never reaches recovery', () => {
    const { r, a } = steps(drivers['virtio-host-scope']);
    expect(a.steps).toHaveLength(0);
    expect(a.blockedSpans.size).toBe(0);
    const ev = r.transitions
      .filter((t) => t.type === 'cmd')
      .map((t) => (t.type === 'cmd' ? t.event : ''));
    expect(ev[0]).toBe('timeout');
    expect(ev.filter((e) => e === 'reset-timer').length).toBeGreaterThanOrEqual(10);
    expect(ev.every((e) => e === 'timeout' || e === 'reset-timer')).toBe(true);
    // the read is still waiting at the end: the failing LUN never recovered
    expect(r.metrics.recoveryTime).toBeNull();
  });

  it('virtio_scsi with the series in LUN scope: the timeout reaches the LUN ladder', () => {
    const { a } = steps(drivers['virtio-lun-scope']);
    expect(ladderOf(a)).toEqual(['lun:abort:failed', 'lun:lun-reset:success', 'lun:tur:ready']);
  });

  it('mpt3sas: the LUN reset reports failure while the device holds a command, the target reset follows', () => {
    const sc: Scenario = {
      ...drivers['megaraid-no-lun-reset'],
      hosts: [{ driver: 'mpt3sas', targets: 2, lunsPerTarget: 2 }],
    };
    const { a } = steps(sc);
    expect(ladderOf(a)).toEqual([
      'lun:abort:failed',
      'lun:lun-reset:failed',
      'target:target-reset:success',
      'target:tur:ready',
    ]);
    // host scope: no bus reset handler, the ladder goes from target reset to host reset
    const failAll: Scenario = {
      ...sc,
      hosts: [{ driver: 'mpt3sas', scope: 'host', targets: 2, lunsPerTarget: 2 }],
      faults: [...sc.faults, { lun: '0:0:0:0', kind: 'target-reset-fails', at: 0, duration: 100 }],
    };
    expect(ladderOf(steps(failAll).a)).toEqual([
      '-:abort:failed',
      'host:lun-reset:failed',
      'host:target-reset:failed',
      'host:host-reset:success',
      'host:settle:done',
      'host:tur:ready',
    ]);
  });

  it('iscsi_tcp: one TMF slot; two failing LUNs recover one after the other', () => {
    const sc: Scenario = {
      version: 1,
      name: 'two LUNs of one session',
      duration: 40,
      timings: { cmdTimeout: 5, tmf: 1 },
      hosts: [{ driver: 'iscsi_tcp', scope: 'lun', targets: 1, lunsPerTarget: 4 }],
      faults: [
        { lun: '0:0:0:0', kind: 'timeout', at: 2 },
        { lun: '0:0:0:1', kind: 'timeout', at: 2 },
      ],
    };
    const { a } = steps(sc);
    const tmfs = a.steps.filter((s) => s.step === 'abort');
    expect(tmfs.map((s) => s.on)).toEqual(['0:0:0:0', '0:0:0:1']);
    // never two TMFs at once
    expect(tmfs[1]!.start).toBeGreaterThanOrEqual(tmfs[0]!.end!);
    expect(a.steps.some((s) => s.step === 'tmf-slot')).toBe(true);
    // the bound is 4 for scsi_debug set so: both at once
    const four = analyze(
      simulate({
        ...sc,
        hosts: [{ driver: 'scsi_debug', scope: 'lun', tmfBound: 4, targets: 1, lunsPerTarget: 4 }],
      }).transitions,
    );
    const t4 = four.steps.filter((s) => s.step === 'abort');
    expect(t4[1]!.start).toBeLessThan(t4[0]!.end!);
  });

  it('hisi_sas keeps host scope: libsas strategy handler, no scoped recovery offered', () => {
    expect(driverProfile('hisi_sas').scopes).toEqual(['host']);
    const sc: Scenario = {
      version: 1,
      name: 'hisi_sas',
      duration: 30,
      timings: { cmdTimeout: 5 },
      hosts: [{ driver: 'hisi_sas', targets: 2, lunsPerTarget: 2 }],
      faults: [
        { lun: '0:0:0:0', kind: 'timeout', at: 2 },
        { lun: '0:0:0:0', kind: 'abort-fails', at: 0, count: 2 },
      ],
    };
    const { a } = steps(sc);
    expect(ladderOf(a)).toEqual([
      '-:abort:failed',
      'host:strategy:done',
      'host:abort:failed',
      'host:lun-reset:success',
      'host:tur:ready',
    ]);
    expect(() => simulate({ ...sc, hosts: [{ ...sc.hosts[0]!, scope: 'lun' }] })).toThrow(
      /hisi_sas offers host; not lun/,
    );
  });

  it('every profile names its sources and offers host scope', () => {
    for (const n of DRIVER_NAMES) {
      const p = driverProfile(n);
      expect(p.sources.length, n).toBeGreaterThan(0);
      expect(p.scopes, n).toContain('host');
      expect(p.scopes, n).toContain(p.defaultScope);
      if (p.scopes.includes('lun')) expect(p.handlers.deviceReset, n).toBe(true);
      if (p.scopes.includes('target')) expect(p.handlers.targetReset, n).toBe(true);
    }
  });
});
