// Target-scoped recovery, as kernel/ patches 0011-0016 and 0021 implement it
// (Documentation/scsi/scsi_eh.rst 3.6): the first parked command quiesces every device of
// the target (scsi_target_eh_block); when the budget the target's devices hold is all
// failed commands, the target's work item, holding a TMF slot, runs abort, get sense,
// START UNIT, a LUN reset and TUR per failing device (skipped where the driver has no LUN
// reset, or the device's own ladder has just sent one), then the target reset and a TUR of
// each failing device. Resolved: every device restarts. Else: the host takes over.
import type { Recovery, Tgt } from '../model';
import type { Ladder, Sim } from '../sim';
import { lunResetOk, testDevices } from './host';
import { openRecovery, parkCommand, wakeRecovery, type Names } from './recovery';
import { abortInLadder, handToHost, scopedPastDeadline } from './scoped';
import type { Policy } from './types';

const NAMES: Names = {
  block: [
    'scsi_target_eh_block -> blk_mq_quiesce_queue (each device)',
    'every device of the target stops; other targets keep running',
  ],
  drain: [
    'scsi_target_eh_scmd_add',
    'waits until the budget every device of the target holds is failed commands',
  ],
  add: 'scsi_target_eh_scmd_add',
  wake: 'scsi_target_eh_wakeup -> queue_work(scsi_eh_scope)',
};

export const targetPolicy: Policy = {
  scope: 'target',

  start(sim, d) {
    const tgt = d.tgt;
    if (tgt.rec) return tgt.rec;
    return openRecovery(sim, 'target', tgt.id, NAMES, (rec) => {
      tgt.rec = rec;
      sim.refreshAll(tgt.devs);
    });
  },

  addErrorCmd(sim, rec, cmd, why) {
    parkCommand(sim, rec, cmd, NAMES, `${why}; parked on the target`);
    this.wakeUp(sim, rec);
  },

  wakeUp(sim, rec) {
    const tgt = sim.tgtById.get(rec.on)!;
    if (rec.phase !== 'waiting' || rec.cmds.length === 0) return;
    let busy = 0;
    for (const d of tgt.devs) busy += d.busy;
    if (busy !== rec.cmds.length) return;
    wakeRecovery(
      sim,
      rec,
      NAMES,
      `failed ${rec.cmds.length} == busy ${busy}`,
      targetLadder(sim, tgt, rec),
      tgt.host.timings.wakeDelay,
    );
  },
};

/**
 * scsi_target_eh_work() -> scsi_target_eh_recover(): take a TMF slot, then step by step
 * (scsi_target_eh_next_step): nothing left -> recovered; give up -> escalate; else abort,
 * get sense, START UNIT, LUN reset of each failing device, target reset, escalate.
 */
function* targetLadder(sim: Sim, tgt: Tgt, rec: Recovery): Ladder {
  const h = tgt.host;
  const hw = h.driver.handlers;
  const giveUp = (): string | null =>
    h.state === 'recovery'
      ? 'host recovery pending'
      : scopedPastDeadline(sim, rec)
        ? 'past eh_deadline'
        : null;

  yield* sim.takeSlot(h, rec);
  let why: string | null = null;
  // patch 21: only commands a lun+target device marked SCSI_EH_ABORT_SCOPED
  if (rec.cmds.length && (why = giveUp()) === null)
    yield* abortInLadder(sim, rec, sim.failingDevs(rec));
  if (rec.cmds.length && (why = giveUp()) === null) sim.senseAndStartUnit('target', tgt.id);
  // scsi_eh_sdev_reset() on each failing device, one after another; skipped without a LUN
  // reset handler, and for a device whose own ladder sent one (SCSI_EH_LUN_RESET_SENT)
  if (rec.cmds.length && hw.deviceReset && (why = giveUp()) === null) {
    for (const d of sim.failingDevs(rec)) {
      if (rec.lunReset.has(d)) continue;
      const ok = yield* sim.tmf(
        'lun-reset',
        'target',
        d.id,
        'scsi_eh_sdev_reset -> eh_device_reset_handler',
        () => lunResetOk(sim, d),
      );
      rec.lunReset.add(d);
      if (!ok) continue;
      sim.resetUA([d]);
      yield* testDevices(sim, rec, [d], 'scsi_eh_sdev_reset -> scsi_eh_tur', new Set());
    }
  }
  // scsi_eh_starget_reset(): the driver's target reset, then a TUR of each failing device
  if (rec.cmds.length && hw.targetReset && (why = giveUp()) === null) {
    const ok = yield* sim.tmf(
      'target-reset',
      'target',
      tgt.id,
      'scsi_eh_starget_reset -> eh_target_reset_handler',
      () => !sim.fire(tgt.faults, 'target-reset-fails'),
    );
    if (ok) {
      sim.resetUA(tgt.devs);
      yield* testDevices(
        sim,
        rec,
        sim.failingDevs(rec),
        'scsi_eh_starget_reset -> scsi_eh_test_devices',
        new Set(),
      );
    }
  }
  sim.releaseSlot(h, rec);

  if (rec.cmds.length === 0) {
    endTarget(sim, tgt, rec);
    sim.flushDone(rec);
    for (const d of tgt.devs) sim.kick(d);
    return;
  }
  sim.flushDone(rec);
  // scsi_target_eh_escalate(): the commands go to the host before the target unblocks
  sim.escalate(
    'target',
    'host',
    tgt.id,
    'scsi_target_eh_escalate -> scsi_eh_host_scmd_add',
    why ?? 'the target ladder did not resolve every command',
  );
  handToHost(sim, rec, () => endTarget(sim, tgt, rec));
}

function endTarget(sim: Sim, tgt: Tgt, rec: Recovery): void {
  sim.releaseSlot(tgt.host, rec);
  tgt.rec = null;
  sim.op(
    'unblock-io',
    'target',
    tgt.id,
    'scsi_target_eh_unblock -> blk_mq_unquiesce_queue (each device)',
  );
  sim.refreshAll(tgt.devs);
}
