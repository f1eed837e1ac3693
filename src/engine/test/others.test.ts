// The other systems' recoveries (issue 17): each one's ladder, and what it blocks at each step.
import { describe, expect, it } from 'vitest';
import { ataDevState } from '../policies/libata';
import { others } from '../presets';
import { offeredScopes } from '../scopes';
import { validateScenario } from '../scenario';
import type { FaultSpec, Scenario } from '../scenario';
import { Sim, simulate } from '../sim';
import type { BlockScope, Scope, StepTransition, Transition } from '../stream';

type Step = Omit<StepTransition, 'result'> & { end: number; result: string };

/** The steps of a run, start and end paired. */
function steps(trs: Transition[]): Step[] {
  const open = new Map<number, StepTransition>();
  const out: Step[] = [];
  for (const t of trs) {
    if (t.type !== 'step') continue;
    if (t.phase === 'start') open.set(t.id, t);
    else {
      const s = open.get(t.id)!;
      out.push({ ...s, end: t.t, result: t.result ?? '' });
    }
  }
  return out.sort((a, b) => a.t - b.t || a.id - b.id);
}

/** Who blocks which LUN at time t (the device transitions up to t). */
function blockedAt(trs: Transition[], t: number): Map<string, BlockScope> {
  const by = new Map<string, BlockScope>();
  for (const tr of trs) {
    if (tr.t > t) break;
    if (tr.type !== 'device') continue;
    if (tr.blockedBy) by.set(tr.on, tr.blockedBy);
    else by.delete(tr.on);
  }
  return by;
}

/** During a step: a millisecond after it starts. */
function during(trs: Transition[], s: Step): Map<string, BlockScope> {
  return blockedAt(trs, s.t + 0.001);
}

const ladder = (ss: Step[]): string[] =>
  ss.filter((s) => s.step !== 'tur').map((s) => `${s.step}:${s.result}`);

function withFaults(scope: Scope, extra: FaultSpec[]): Scenario {
  const sc = others(scope);
  return { ...sc, duration: 60, faults: [...sc.faults, ...extra] };
}
const always = (kind: FaultSpec['kind'], lun = '0:0:0:0'): FaultSpec => ({
  lun,
  kind,
  at: 0,
  duration: 3600,
});

const target0 = ['0:0:0:0', '0:0:0:1', '0:0:0:2', '0:0:0:3'];

describe('FreeBSD CAM', () => {
  it('aborts, then resets the LUN, the target busy from the abort until the TM is freed', () => {
    const sim = new Sim(others('cam'), { commandDetail: true });
    const r = sim.run();
    const ss = steps(r.transitions);
    expect(ladder(ss)).toEqual(['abort:failed', 'lun-reset:success']);
    const [abort, reset] = ss as [Step, Step];
    // mprsas_send_abort() and mprsas_send_reset() both call mprsas_prepare_for_tm():
    // MPRSAS_TARGET_INRESET, every LUN of the target refused; the host's other targets go on
    for (const at of [abort.t + 0.001, abort.end, reset.t + 0.001, reset.end - 0.001]) {
      const by = blockedAt(r.transitions, at);
      expect([...by.keys()].sort(), `t=${at}`).toEqual(target0);
      expect(new Set(by.values()), `t=${at}`).toEqual(new Set(['target']));
    }
    // only mprsas_free_tm() clears the flag: no command reaches the target in between
    const sent = r.transitions.filter(
      (t) =>
        t.type === 'cmd' &&
        t.event === 'dispatched' &&
        t.on.startsWith('0:0:0:') &&
        t.t >= abort.t &&
        t.t < reset.end,
    );
    expect(sent).toEqual([]);
    // while the other targets' LUNs take commands all along
    expect(
      r.transitions.some(
        (t) =>
          t.type === 'cmd' &&
          t.event === 'dispatched' &&
          !t.on.startsWith('0:0:0:') &&
          t.t > abort.t &&
          t.t < reset.end,
      ),
    ).toBe(true);
    // and after it, nothing
    expect(blockedAt(r.transitions, reset.end + 0.001).size).toBe(0);
    expect(r.metrics.eio).toBe(0);
    expect(r.metrics.recoveryTime).not.toBeNull();
  });

  it('goes on to the target reset, then reinits the controller, which blocks every device', () => {
    const sc = withFaults('cam', [always('lun-reset-fails'), always('target-reset-fails')]);
    const r = simulate(sc);
    const ss = steps(r.transitions);
    expect(ladder(ss)).toEqual([
      'abort:failed',
      'lun-reset:failed',
      'target-reset:failed',
      'reinit:success',
    ]);
    expect(new Set(during(r.transitions, ss[2]!).values())).toEqual(new Set(['target']));
    const reinit = during(r.transitions, ss[3]!);
    expect(reinit.size).toBe(16);
    expect(new Set(reinit.values())).toEqual(new Set(['host']));
    expect(r.metrics.eio).toBe(0);
  });

  it('a TM that does not answer within its timeout sends the controller to mpr_reinit', () => {
    // TMFs of 6 s: past MPR_ABORT_TIMEOUT (5 s), mprsas_tm_timeout() fires first
    const sc = others('cam');
    const r = simulate({ ...sc, timings: { ...sc.timings, tmf: 6 } });
    const ss = steps(r.transitions);
    expect(ladder(ss)).toEqual(['abort:failed', 'reinit:success']);
    expect(ss[0]!.end - ss[0]!.t).toBeCloseTo(5, 6);
    expect(
      r.transitions.some(
        (t) => t.type === 'escalate' && t.fn === 'mprsas_tm_timeout -> mpr_reinit',
      ),
    ).toBe(true);
  });

  it('loses the device when the reinit fails', () => {
    const sc = withFaults('cam', [
      always('lun-reset-fails'),
      always('target-reset-fails'),
      always('host-reset-fails'),
    ]);
    const r = simulate(sc);
    expect(r.metrics.offlined).toEqual(['0:0:0:0']);
  });
});

describe('Windows Storport', () => {
  it('sends no abort: a LU reset that blocks only that LU', () => {
    const r = simulate(others('storport'));
    const ss = steps(r.transitions);
    expect(ladder(ss)).toEqual(['lun-reset:success']);
    expect([...during(r.transitions, ss[0]!)]).toEqual([['0:0:0:0', 'lun']]);
  });

  it('LU reset, target reset, then a bus reset that pauses every LU of the adapter', () => {
    const sc = withFaults('storport', [always('lun-reset-fails'), always('target-reset-fails')]);
    const r = simulate(sc);
    const ss = steps(r.transitions);
    expect(ladder(ss)).toEqual([
      'lun-reset:failed',
      'target-reset:failed',
      'bus-reset:success',
      'settle:done',
    ]);
    // the target reset still pauses only the LU
    expect([...during(r.transitions, ss[1]!)]).toEqual([['0:0:0:0', 'lun']]);
    const bus = during(r.transitions, ss[2]!);
    expect(bus.size).toBe(16);
    expect(new Set(bus.values())).toEqual(new Set(['host']));
    expect(blockedAt(r.transitions, ss[3]!.end + 0.001).size).toBe(0);
  });
});

describe('VMware ESXi', () => {
  const two = (tmf: number): Scenario => {
    const sc = withFaults('esxi', [
      { lun: '0:0:2:1', kind: 'timeout', at: 5 },
      always('abort-fails', '0:0:2:1'),
    ]);
    return { ...sc, timings: { ...sc.timings, tmf } };
  };

  it('resets only the LUN after the abort; an overdue reset lets the next run in parallel', () => {
    // resets of 5 s: past Disk.MaxResetLatency (2 s) the first is overdue, a second world starts
    const r = simulate(two(5));
    const resets = steps(r.transitions).filter((s) => s.step === 'lun-reset');
    expect(resets.map((s) => s.on).sort()).toEqual(['0:0:0:0', '0:0:2:1']);
    const [a, b] = resets as [Step, Step];
    expect(b.t - a.t).toBeCloseTo(2, 6);
    expect(b.t < a.end).toBe(true);
    const by = during(r.transitions, b);
    expect([...by.keys()].sort()).toEqual(['0:0:0:0', '0:0:2:1']);
    expect(new Set(by.values())).toEqual(new Set(['lun']));
    // no target or bus reset, ever (Disk.UseLunReset)
    const kinds = new Set(steps(r.transitions).map((s) => s.step));
    expect([...kinds].sort()).toEqual(['abort', 'lun-reset', 'tmf-slot']);
  });

  it('resets within the latency limit run one after the other on the one world', () => {
    const r = simulate(two(1));
    const [a, b] = steps(r.transitions).filter((s) => s.step === 'lun-reset') as [Step, Step];
    expect(b.t).toBeGreaterThanOrEqual(a.end);
    expect(b.t - a.end).toBeLessThan(1e-6 + 1);
  });

  it('a LUN whose resets fail is given up by the model, named as its assumption, not as PDL', () => {
    // ESXi declares PDL only from sense codes (KB 2004684); the model's end is its own
    const r = simulate(withFaults('esxi', [always('lun-reset-fails')]), { commandDetail: true });
    const ss = steps(r.transitions);
    expect(ladder(ss)).toEqual([
      'abort:failed',
      'lun-reset:failed',
      'lun-reset:failed',
      'offline:done',
    ]);
    expect(r.metrics.offlined).toEqual(['0:0:0:0']);
    const offline = ss.find((s) => s.step === 'offline')!;
    expect(offline.fn).toMatch(/^model assumption: /);
    const eio = r.transitions.filter((t) => t.type === 'cmd' && t.event === 'eio');
    expect(eio.length).toBeGreaterThan(0);
    for (const t of eio) expect(t.type === 'cmd' && t.fn).toMatch(/^model assumption: /);
    expect(JSON.stringify(r.transitions)).not.toMatch(/permanent device loss/i);
  });

  it('nothing is blocked during the abort', () => {
    const r = simulate(others('esxi'));
    const abort = steps(r.transitions).find((s) => s.step === 'abort')!;
    expect(during(r.transitions, abort).size).toBe(0);
  });
});

describe('Linux NVMe', () => {
  it('polls the CQ, aborts without blocking, then a controller reset quiesces every namespace', () => {
    const r = simulate(others('nvme'));
    const ss = steps(r.transitions);
    expect(ladder(ss)).toEqual(['cq-poll:skipped', 'abort:failed', 'controller-reset:success']);
    expect(during(r.transitions, ss[1]!).size).toBe(0);
    const reset = during(r.transitions, ss[2]!);
    expect(reset.size).toBe(16);
    expect(new Set(reset.values())).toEqual(new Set(['host']));
    // the second timeout comes io_timeout after the first, not after the abort
    const timeouts = r.transitions.filter((t) => t.type === 'cmd' && t.event === 'timeout');
    expect(timeouts).toHaveLength(2);
    expect(timeouts[1]!.t - timeouts[0]!.t).toBeCloseTo(2.5, 6);
    expect(r.metrics.eio).toBe(0);
  });

  it('a controller that does not come back takes every namespace with it', () => {
    const r = simulate(withFaults('nvme', [always('host-reset-fails')]));
    expect(r.metrics.offlined).toHaveLength(16);
  });

  const cmdEvents = (trs: Transition[]): Extract<Transition, { type: 'cmd' }>[] =>
    trs.filter((t): t is Extract<Transition, { type: 'cmd' }> => t.type === 'cmd');
  const ENDS = ['completed', 'completed-after-retry', 'eio', 'rejected-offline'];

  it('the disable cancels what every namespace has in flight; nothing completes until the reset is over', () => {
    // nvme_dev_disable -> nvme_cancel_tagset: the controller's whole tag set, not one command
    const r = simulate(others('nvme'), { commandDetail: true });
    const reset = steps(r.transitions).find((s) => s.step === 'controller-reset')!;
    const cmds = cmdEvents(r.transitions);
    const cancelled = cmds.filter(
      (t) => t.event === 'retry' && t.fn.includes('nvme_cancel_request') && t.t === reset.t,
    );
    // the timed-out command and others, on other namespaces
    expect(cancelled.some((t) => t.on === '0:0:0:0')).toBe(true);
    expect(new Set(cancelled.map((t) => t.on)).size).toBeGreaterThan(1);
    // during the reset, no namespace completes (or fails) a command
    const inside = cmds.filter((t) => t.t > reset.t && t.t < reset.end && ENDS.includes(t.event));
    expect(inside).toEqual([]);
    // after it, each cancelled command is sent again and completes, counted as a retry
    for (const c of cancelled) {
      const end = cmds.find((t) => t.cmd === c.cmd && ENDS.includes(t.event));
      expect(end?.event, `cmd ${c.cmd}`).toBe('completed-after-retry');
      expect(end!.t).toBeGreaterThanOrEqual(reset.end);
    }
    expect(r.metrics.eio).toBe(0);
  });

  it('a cancelled request uses up a retry (nvme_retry_req): with none left it ends at the disable', () => {
    // nvme_decide_disposition: retries >= nvme_max_retries -> COMPLETE with the error
    const base = others('nvme');
    const r = simulate(
      { ...base, timings: { ...base.timings, retries: 0 } },
      { commandDetail: true },
    );
    const reset = steps(r.transitions).find((s) => s.step === 'controller-reset')!;
    const failed = cmdEvents(r.transitions).filter((t) => t.event === 'eio');
    expect(new Set(failed.map((t) => t.on)).size).toBeGreaterThan(1);
    for (const t of failed) expect(t.t).toBe(reset.t);
    expect(r.metrics.eio).toBe(failed.length);
  });

  it("another namespace's aborted command is cancelled by the reset: its own timer does not fire again", () => {
    // 0:0:0:5 times out half a second later; its abort fails too, but 0:0:0:0's reset cancels it
    const sc = withFaults('nvme', [
      { lun: '0:0:0:5', kind: 'timeout', at: 5.5 },
      always('abort-fails', '0:0:0:5'),
    ]);
    const r = simulate(sc);
    const resets = steps(r.transitions).filter((s) => s.step === 'controller-reset');
    expect(resets).toHaveLength(1);
    const five = cmdEvents(r.transitions).filter(
      (t) => t.on === '0:0:0:5' && t.event !== 'completed',
    );
    expect(five.map((t) => t.event)).toEqual(['timeout', 'retry', 'completed-after-retry']);
    expect(five[1]!.t).toBe(resets[0]!.t);
    expect(r.metrics.eio).toBe(0);
  });

  it('a command sent again after a successful abort gets a new abort when it times out again', () => {
    // nvme_prep_rq() clears iod->aborted on every send: only a command that times out twice
    // within one send resets the controller
    const base = others('nvme');
    const sc: Scenario = {
      ...base,
      faults: [{ lun: '0:0:0:0', kind: 'timeout', at: 5, count: 2 }],
    };
    const r = simulate(sc);
    expect(ladder(steps(r.transitions))).toEqual([
      'cq-poll:skipped',
      'abort:success',
      'cq-poll:skipped',
      'abort:success',
    ]);
    expect(r.metrics.eio).toBe(0);
  });

  it('after a failed reset, the requeued requests end with an error, named for NVMe', () => {
    const r = simulate(withFaults('nvme', [always('host-reset-fails')]), { commandDetail: true });
    const reset = steps(r.transitions).find((s) => s.step === 'controller-reset')!;
    const failed = cmdEvents(r.transitions).filter((t) => t.event === 'eio');
    expect(failed.length).toBeGreaterThan(1);
    for (const t of failed) {
      expect(t.t).toBe(reset.end);
      expect(t.fn).toBe('nvme_reset_work -> nvme_mark_namespaces_dead');
    }
  });
});

describe('Linux libata', () => {
  it('resets the link of one port: that port stops, the others go on', () => {
    const r = simulate(others('libata'));
    const ss = steps(r.transitions);
    expect(ladder(ss)).toEqual(['link-reset:success']);
    const by = during(r.transitions, ss[0]!);
    expect([...by.keys()].sort()).toEqual(target0);
    expect(new Set(by.values())).toEqual(new Set(['target']));
  });

  it('turns NCQ off and then speeds the link down; resets of two EH sessions are not spaced', () => {
    const sc: Scenario = {
      ...others('libata'),
      duration: 120,
      faults: [{ lun: '0:0:0:0', kind: 'timeout', at: 5, count: 8 }],
    };
    const sim = new Sim(sc);
    const r = sim.run();
    const ss = steps(r.transitions);
    const resets = ss.filter((s) => s.step === 'link-reset');
    expect(resets).toHaveLength(8);
    // each timeout is an EH session of its own, and ehc->last_reset is zeroed when one starts:
    // resets (2 s) and timeouts (2.5 s) follow each other with no cool-down between them
    expect(ss.filter((s) => s.step === 'cool-down')).toEqual([]);
    expect(resets[1]!.t - resets[0]!.t).toBeLessThan(5);
    // the 4th error within 10 minutes: NCQ off; the 8th: the link to 3.0 Gbps
    const spdn = r.transitions.filter(
      (t): t is StepTransition => t.type === 'step' && t.step === 'speed-down' && t.phase === 'end',
    );
    expect(spdn.map((t) => t.detail)).toEqual([
      'NCQ disabled due to excessive errors',
      'sata_down_spd_limit: link limited to 3.0 Gbps',
    ]);
    expect(ataDevState(sim, sim.devById.get('0:0:0:0')!)).toMatchObject({
      ncqOff: true,
      speed: 1,
    });
  });

  it('within one EH session, a device that fails IDENTIFY is reset again after the cool-down, 3 times', () => {
    const r = simulate(withFaults('libata', [always('tur-fails')]));
    const ss = steps(r.transitions);
    expect(ladder(ss)).toEqual([
      'link-reset:success',
      'cool-down:done',
      'link-reset:success',
      'cool-down:done',
      'link-reset:success',
      'offline:done',
    ]);
    const resets = ss.filter((s) => s.step === 'link-reset');
    for (let i = 1; i < resets.length; i++)
      // 5 s after the last reset's completion (ehc->last_reset, updated when it succeeds)
      expect(resets[i]!.t - resets[i - 1]!.end).toBeCloseTo(5, 6);
    // the port stays blocked throughout, and the device is disabled at the end
    for (const c of ss.filter((s) => s.step === 'cool-down')) {
      const by = during(r.transitions, c);
      expect([...by.keys()].sort()).toEqual(target0);
      expect(new Set(by.values())).toEqual(new Set(['target']));
    }
    expect(r.metrics.offlined).toEqual(['0:0:0:0']);
  });

  it('a failed hardreset is retried at its deadline: 10, 10, then 35 s after each try starts', () => {
    const sc = withFaults('libata', [always('target-reset-fails')]);
    const r = simulate({ ...sc, duration: 120 });
    const resets = steps(r.transitions).filter((s) => s.step === 'link-reset');
    expect(resets.map((s) => s.result)).toEqual(['failed', 'failed', 'failed', 'failed']);
    const gaps = resets.slice(1).map((s, i) => s.t - resets[i]!.t);
    expect(gaps[0]).toBeCloseTo(10, 6);
    expect(gaps[1]).toBeCloseTo(10, 6);
    expect(gaps[2]).toBeCloseTo(35, 6);
    // "reset failed, giving up": ata_do_eh() disables every device of the link, not only the
    // one whose command timed out; the other ports go on
    expect(r.metrics.offlined).toEqual(target0);
    const off = steps(r.transitions).filter((s) => s.step === 'offline');
    expect(new Set(off.map((s) => s.fn))).toEqual(new Set(['ata_do_eh -> ata_dev_disable']));
    const lost = r.metrics.luns.filter((l) => l.eio > 0).map((l) => l.on);
    expect(lost.every((on) => target0.includes(on))).toBe(true);
  });

  it('takes the midlayer path into EH: ata_scsi_eh_timed_out, no abort handler, scsi_eh_scmd_add', () => {
    const r = simulate(others('libata'));
    const t = r.transitions.find((x) => x.type === 'cmd' && x.event === 'timeout');
    expect(t?.type === 'cmd' && t.fn).toBe('scsi_timeout');
    expect(t?.type === 'cmd' && t.detail).toMatch(/ata_scsi_eh_timed_out: SCSI_EH_NOT_HANDLED/);
    // libata's host template has no eh_abort_handler: no abort is ever sent
    expect(steps(r.transitions).some((s) => s.step === 'abort')).toBe(false);
    const ops = r.transitions.filter((x) => x.type === 'op').map((x) => x.type === 'op' && x.fn);
    expect(ops).toContain('scsi_eh_scmd_add');
    expect(JSON.stringify(r.transitions)).not.toMatch(/ata_scsi_timed_out|ata_qc_schedule_eh/);
  });
});

describe('Linux libata, retries', () => {
  it('a timed-out command uses up a retry each time (AC_ERR_TIMEOUT: scmd->allowed not raised)', () => {
    // one READ that times out three times, with two retries allowed: EIO after the third
    const base = others('libata');
    const sc: Scenario = {
      ...base,
      duration: 60,
      timings: { ...base.timings, retries: 2 },
      faults: [{ lun: '0:0:0:0', kind: 'timeout', at: 5, count: 3 }],
    };
    const r = simulate(sc);
    expect(steps(r.transitions).filter((s) => s.step === 'link-reset')).toHaveLength(3);
    expect(r.metrics.eio).toBe(1);
  });
});

describe('the later LUN-only series', () => {
  it('goes from the LUN straight to the host, where lun+target tries the target', () => {
    const sc = withFaults('lun-only', [always('lun-reset-fails')]);
    const only = simulate(sc);
    const esc = only.transitions.filter((t) => t.type === 'escalate');
    expect(esc.map((t) => (t.type === 'escalate' ? `${t.from}>${t.to}` : ''))).toEqual([
      'lun>host',
    ]);
    expect(steps(only.transitions).some((s) => s.scope === 'target')).toBe(false);
    const both = simulate({ ...sc, hosts: [{ ...sc.hosts[0]!, scope: 'lun+target' }] });
    expect(
      both.transitions.some((t) => t.type === 'escalate' && t.from === 'lun' && t.to === 'target'),
    ).toBe(true);
  });
});

describe('choosing a policy', () => {
  it('offers the other systems with every driver, lun-only where the driver offers lun', () => {
    const sc = others('cam');
    expect(offeredScopes(sc)).toEqual([
      'host',
      'lun',
      'target',
      'lun+target',
      'lun-only',
      'cam',
      'storport',
      'esxi',
      'nvme',
      'libata',
    ]);
    const hisi: Scenario = {
      ...sc,
      hosts: [{ ...sc.hosts[0]!, driver: 'hisi_sas', scope: 'host' }],
    };
    expect(offeredScopes(hisi)).toEqual(['host', 'cam', 'storport', 'esxi', 'nvme', 'libata']);
    expect(() =>
      validateScenario({ ...hisi, hosts: [{ ...hisi.hosts[0]!, scope: 'lun-only' }] }),
    ).toThrow(/hisi_sas offers host; not lun-only/);
  });

  it('refuses a device that mixes another system with the host it is on', () => {
    const sc = others('storport');
    const mixed = (scope: Scope, lunScope: Scope): Scenario => ({
      ...sc,
      hosts: [{ ...sc.hosts[0]!, scope, overrides: [{ lun: '0:0:1', scope: lunScope }] }],
    });
    expect(() => validateScenario(mixed('storport', 'lun'))).toThrow(
      /overrides\[0\]\.scope.*recovered by storport/,
    );
    expect(() => validateScenario(mixed('lun', 'nvme'))).toThrow(/recovered by lun/);
    expect(() => validateScenario(mixed('lun', 'target'))).not.toThrow();
    expect(() => validateScenario(mixed('nvme', 'nvme'))).not.toThrow();
  });
});
