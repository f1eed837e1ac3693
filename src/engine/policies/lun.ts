// LUN-scoped recovery, as kernel/ patches 0001-0005, 0017, 0018 and 0021 implement it
// (Documentation/scsi/scsi_eh.rst 3.2): the first parked command quiesces the device's
// queue alone; when every command the device holds has failed, a work item holding one of
// the host's max_scoped_eh_tmfs slots runs abort, get sense, START UNIT, LUN reset and TEST
// UNIT READY; resolved, the device restarts; else its commands go to the target (lun+target)
// or to the host.
// `lun-only` (the series' later LUN-only variant, issue 17) runs the same ladder and never
// joins or starts a target recovery: what it cannot resolve goes straight to the host.
import type { Dev, Recovery } from '../model';
import type { Ladder, Sim } from '../sim';
import { lunResetOk, testDevices } from './host';
import { openRecovery, parkCommand, wakeRecovery, type Names } from './recovery';
import { abortInLadder, handToHost, scopedPastDeadline } from './scoped';
import { targetPolicy } from './target';
import type { Policy } from './types';

const NAMES: Names = {
  block: [
    'scsi_device_eh_scmd_add -> blk_mq_quiesce_queue_nowait',
    'only this device stops; its target and host keep running',
  ],
  drain: [
    'scsi_device_eh_scmd_add',
    'waits until sdev->eh.failed == scsi_device_busy(): every command of the device has completed or failed',
  ],
  add: 'scsi_device_eh_scmd_add',
  wake: 'scsi_device_eh_wakeup -> queue_work(scsi_eh_scope)',
};

export const lunPolicy: Policy = {
  scope: 'lun',

  start(sim, d) {
    if (d.rec) return d.rec;
    return openRecovery(sim, 'lun', d.id, NAMES, (rec) => {
      d.rec = rec;
      sim.refresh(d);
    });
  },

  addErrorCmd(sim, rec, cmd, why) {
    parkCommand(
      sim,
      rec,
      cmd,
      NAMES,
      `${why}; parked on the device (${rec.cmds.length + 1} of ${cmd.dev.busy} busy)`,
    );
    this.wakeUp(sim, rec);
  },

  wakeUp(sim, rec) {
    const d = sim.devById.get(rec.on)!;
    if (rec.phase !== 'waiting' || rec.cmds.length === 0 || rec.cmds.length !== d.busy) return;
    wakeRecovery(
      sim,
      rec,
      NAMES,
      `sdev->eh.failed ${rec.cmds.length} == busy ${d.busy}`,
      lunLadder(sim, d, rec),
      d.host.timings.wakeDelay,
    );
  },
};

/**
 * scsi_device_eh_work() -> scsi_device_eh_recover(): take a TMF slot, then step by step
 * (scsi_device_eh_next_step): nothing left -> recovered; give up -> escalate; else abort,
 * get sense, START UNIT, LUN reset, escalate.
 */
function* lunLadder(sim: Sim, d: Dev, rec: Recovery): Ladder {
  const h = d.host;
  // scsi_device_eh_give_up(), checked at every step boundary
  const giveUp = (): string | null =>
    h.state === 'recovery'
      ? 'host recovery pending'
      : d.tgt.rec && d.scope !== 'lun-only'
        ? 'its target is recovering'
        : scopedPastDeadline(sim, rec)
          ? 'past eh_deadline'
          : null;

  yield* sim.takeSlot(h, rec);
  let why: string | null = null;
  // patch 21: scsi_eh_abort_timed_out(), inside the slot
  if (rec.cmds.length && (why = giveUp()) === null) yield* abortInLadder(sim, rec, [d]);
  if (rec.cmds.length && (why = giveUp()) === null) sim.senseAndStartUnit('lun', d.id);
  if (rec.cmds.length && (why = giveUp()) === null) {
    const ok = yield* sim.tmf(
      'lun-reset',
      'lun',
      d.id,
      'scsi_eh_sdev_reset -> eh_device_reset_handler',
      () => lunResetOk(sim, d),
    );
    rec.lunReset.add(d);
    if (ok) {
      sim.resetUA([d]);
      yield* testDevices(sim, rec, [d], 'scsi_eh_sdev_reset -> scsi_eh_tur', new Set());
    }
  }
  sim.releaseSlot(h, rec);

  if (rec.cmds.length === 0) {
    // recovered: restart the queue first, then retry or finish (scsi_eh_flush_done_q)
    endLun(sim, d, rec);
    sim.flushDone(rec);
    sim.kick(d);
    return;
  }

  why ??= 'the LUN ladder did not resolve every command';
  sim.flushDone(rec);
  // scsi_device_eh_escalate() -> scsi_target_eh_join(): join a target recovery already
  // running, or start one if the scope has target and no host recovery is pending
  const start = d.scope === 'lun+target' && h.driver.handlers.targetReset && h.state !== 'recovery';
  // the later LUN-only series has no target level: straight to the host
  if (d.scope !== 'lun-only' && (d.tgt.rec || start)) {
    sim.escalate('lun', 'target', d.id, 'scsi_device_eh_escalate -> scsi_target_eh_join', why);
    const trec = d.tgt.rec ?? targetPolicy.start(sim, d);
    // SCSI_EH_LUN_RESET_SENT: the target ladder will not reset this LUN again
    if (rec.lunReset.has(d)) trec.lunReset.add(d);
    const cmds = rec.cmds;
    rec.cmds = [];
    for (const c of cmds) targetPolicy.addErrorCmd(sim, trec, c, 'handed over by the LUN ladder');
    endLun(sim, d, rec);
  } else {
    sim.escalate('lun', 'host', d.id, 'scsi_device_eh_escalate -> scsi_eh_host_scmd_add', why);
    handToHost(sim, rec, () => endLun(sim, d, rec));
  }
}

function endLun(sim: Sim, d: Dev, rec: Recovery): void {
  sim.releaseSlot(d.host, rec);
  d.rec = null;
  sim.op('unblock-io', 'lun', d.id, 'scsi_device_eh_unblock -> blk_mq_unquiesce_queue');
  sim.refresh(d);
}
