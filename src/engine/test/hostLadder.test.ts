// Linux 6.12 host recovery on scsi_debug, 2 targets x 2 LUNs, every TMF 0.5 s: each case
// asserts the ladder, that every device of the host was blocked while it ran, and for how long.
import { describe, expect, it } from 'vitest';
import { analyze, ladderOf, type Analysis } from '../analysis';
import { hostLadder } from '../presets';
import { simulate } from '../sim';

const ALL = ['0:0:0:0', '0:0:0:1', '0:0:1:0', '0:0:1:1'];
const TMF = 0.5;

function run(name: keyof typeof hostLadder) {
  const result = simulate(hostLadder[name]);
  return { result, a: analyze(result.transitions) };
}

/** Every device was out of service exactly while the host was in recovery: one span each. */
function expectWholeHostBlocked(a: Analysis): number {
  expect(a.hostRecoveries).toHaveLength(1);
  const hr = a.hostRecoveries[0]!;
  for (const on of ALL) {
    const spans = a.blockedSpans.get(on) ?? [];
    expect(spans, on).toHaveLength(1);
    expect(spans[0]!.start, on).toBe(hr.start);
    expect(spans[0]!.by, on).toBe('host');
    if (a.finalStates.get(on) !== 'offline') expect(spans[0]!.end, on).toBe(hr.end);
  }
  for (const s of a.steps.filter((x) => x.scope === 'host'))
    expect([...s.blocked.keys()].sort(), `${s.step}`).toEqual(ALL);
  return hr.end - hr.start;
}

describe('Linux 6.12 host recovery', () => {
  it('(a) the asynchronous abort succeeds: nothing is blocked, the read is retried', () => {
    const { result, a } = run('host-abort-ok');
    expect(ladderOf(a)).toEqual(['-:abort:success']);
    expect(a.hostRecoveries).toHaveLength(0);
    expect(a.blockedSpans.size).toBe(0);
    const cmd = result.transitions
      .filter((t) => t.type === 'cmd' && t.on === '0:0:0:0')
      .map((t) => (t.type === 'cmd' ? t.event : ''));
    expect(cmd).toEqual(['timeout', 'abort-scheduled', 'retry', 'completed-after-retry']);
    expect(result.metrics.eio).toBe(0);
  });

  it('(b) the abort fails, the LUN reset succeeds: the whole host waits for one TMF', () => {
    const { result, a } = run('host-lun-reset');
    expect(ladderOf(a)).toEqual(['-:abort:failed', 'host:lun-reset:success', 'host:tur:ready']);
    const blocked = expectWholeHostBlocked(a);
    expect(blocked).toBeGreaterThanOrEqual(TMF);
    expect(blocked).toBeLessThan(TMF + 0.1);
    expect(result.metrics.eio).toBe(0);
    // the TUR met the reset's unit attention once (expecting_cc_ua -> NEEDS_RETRY)
    const tur = result.transitions.find(
      (t) => t.type === 'step' && t.step === 'tur' && t.phase === 'end',
    );
    expect(tur && tur.type === 'step' && tur.detail).toMatch(/NEEDS_RETRY/);
  });

  it('(c) the LUN reset fails, the target reset succeeds', () => {
    const { result, a } = run('host-target-reset');
    expect(ladderOf(a)).toEqual([
      '-:abort:failed',
      'host:lun-reset:failed',
      'host:target-reset:success',
      'host:tur:ready',
    ]);
    const blocked = expectWholeHostBlocked(a);
    expect(blocked).toBeGreaterThanOrEqual(2 * TMF);
    expect(blocked).toBeLessThan(2 * TMF + 0.1);
    // the TUR goes only to the LUN with failed commands
    expect(a.steps.filter((s) => s.step === 'tur').map((s) => s.on)).toEqual(['0:0:0:0']);
    // the target reset's unit attention: the failing LUN's TUR took it; its sibling on the
    // same target meets it with its next command (one retry); the other target's LUNs not
    const uaRetries = result.transitions.flatMap((t) =>
      t.type === 'cmd' && t.event === 'retry' && t.fn === 'scsi_check_sense' ? [t.on] : [],
    );
    expect(uaRetries).toEqual(['0:0:0:1']);
    expect(result.metrics.eio).toBe(0);
  });

  it('(d) the target reset fails: the bus reset runs with its 10 s settle', () => {
    const { result, a } = run('host-bus-reset');
    expect(ladderOf(a)).toEqual([
      '-:abort:failed',
      'host:lun-reset:failed',
      'host:target-reset:failed',
      'host:bus-reset:success',
      'host:settle:done',
      'host:tur:ready',
    ]);
    const settle = a.steps.find((s) => s.step === 'settle')!;
    expect(settle.end! - settle.start).toBeCloseTo(10, 6);
    const blocked = expectWholeHostBlocked(a);
    expect(blocked).toBeGreaterThanOrEqual(3 * TMF + 10);
    expect(blocked).toBeLessThan(3 * TMF + 10.1);
    expect(result.metrics.eio).toBe(0);
  });

  it('(e) everything fails: the device goes offline and the read fails with EIO', () => {
    const { result, a } = run('host-offline');
    expect(ladderOf(a)).toEqual([
      '-:abort:failed',
      'host:lun-reset:failed',
      'host:target-reset:failed',
      'host:bus-reset:failed',
      'host:host-reset:failed',
      'host:offline:done',
    ]);
    const blocked = expectWholeHostBlocked(a);
    expect(blocked).toBeGreaterThanOrEqual(4 * TMF);
    expect(blocked).toBeLessThan(4 * TMF + 0.1);
    expect(result.metrics.offlined).toEqual(['0:0:0:0']);
    expect(a.finalStates.get('0:0:0:0')).toBe('offline');
    for (const on of ALL.slice(1)) expect(a.finalStates.get(on)).toBe('running');
    const failing = result.metrics.luns[0]!;
    // the faulted read, then every later read is rejected
    expect(failing.eio).toBeGreaterThan(1);
    const rejected = result.transitions.filter(
      (t) => t.type === 'cmd' && t.event === 'rejected-offline',
    );
    expect(rejected).toHaveLength(1);
  });

  it('(e) with scsi_debug, whose host reset cannot fail: TUR keeps failing, two settles, offline', () => {
    const { result, a } = run('host-tur-offline');
    expect(ladderOf(a)).toEqual([
      '-:abort:failed',
      'host:lun-reset:failed',
      'host:target-reset:failed',
      'host:bus-reset:success',
      'host:settle:done',
      'host:tur:not-ready',
      'host:host-reset:success',
      'host:settle:done',
      'host:tur:not-ready',
      'host:offline:done',
    ]);
    const blocked = expectWholeHostBlocked(a);
    expect(blocked).toBeGreaterThanOrEqual(4 * TMF + 20);
    expect(blocked).toBeLessThan(4 * TMF + 20.1);
    expect(result.metrics.offlined).toEqual(['0:0:0:0']);
  });

  it('a device that answers nothing: every TUR waits out eh_timeout, then the device goes offline', () => {
    const sc = structuredClone(hostLadder['host-lun-reset']);
    sc.duration = 120;
    sc.faults = [
      { lun: '0:0:0:0', kind: 'timeout', at: 2, duration: 200, allCommands: true },
      { lun: '0:0:0:0', kind: 'abort-fails', at: 0, duration: 200 },
    ];
    const r = simulate(sc);
    const a = analyze(r.transitions);
    const turs = a.steps.filter((s) => s.step === 'tur' && s.scope === 'host');
    expect(turs.map((s) => s.result)).toEqual(['not-ready', 'not-ready', 'not-ready', 'not-ready']);
    for (const t of turs) expect(t.end! - t.start).toBeGreaterThanOrEqual(10);
    expect(r.metrics.offlined).toEqual(['0:0:0:0']);
    // BDR, target, bus (+10 s), host (+10 s): four TURs of 10 s and their aborts, two settles
    const blocked = expectWholeHostBlocked(a);
    expect(blocked).toBeGreaterThanOrEqual(4 * 10 + 20 + 8 * TMF);
    expect(blocked).toBeLessThan(4 * 10 + 20 + 8 * TMF + 0.2);
  });

  it('(f) a medium error fails the read at once, with no recovery', () => {
    const { result, a } = run('host-medium-error');
    expect(a.steps).toHaveLength(0);
    expect(a.blockedSpans.size).toBe(0);
    expect(result.metrics.eio).toBe(1);
    const ev = result.transitions
      .filter((t) => t.type === 'cmd')
      .map((t) => (t.type === 'cmd' ? t.event : ''));
    expect(ev).toEqual(['medium-error']);
  });

  it('(f) only a read meets the medium error: with writes alone nothing fails', () => {
    const sc = structuredClone(hostLadder['host-medium-error']);
    sc.hosts[0]!.workload = { rate: 40, queueDepth: 1, readFraction: 0 };
    expect(simulate(sc).metrics.eio).toBe(0);
    sc.hosts[0]!.workload.readFraction = 0.5;
    expect(simulate(sc).metrics.eio).toBe(1);
  });

  it('waits for the commands in flight on every LUN before the ladder starts', () => {
    // slow I/O on the other LUNs: the drain lasts until their commands complete
    const sc = structuredClone(hostLadder['host-lun-reset']);
    sc.timings = { ...sc.timings, ioLatency: 0.2 };
    const a = analyze(simulate(sc).transitions);
    const drain = a.steps.find((s) => s.step === 'drain')!;
    expect(drain.end! - drain.start).toBeGreaterThan(0.05);
    const reset = a.steps.find((s) => s.step === 'lun-reset')!;
    expect(reset.start).toBeGreaterThanOrEqual(drain.end!);
  });

  it('eh_deadline: past it, host recovery jumps to the host reset', () => {
    const sc = structuredClone(hostLadder['host-bus-reset']);
    sc.hosts[0]!.ehDeadline = 1;
    const a = analyze(simulate(sc).transitions);
    // the deadline counts from the first timeout: the 0.5 s failing abort and the LUN reset
    // fit, then it has passed and only the host reset, its settle and the TUR remain
    expect(ladderOf(a)).toEqual([
      '-:abort:failed',
      'host:lun-reset:failed',
      'host:host-reset:success',
      'host:settle:done',
      'host:tur:ready',
    ]);
  });
});
