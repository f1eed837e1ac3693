// FreeBSD CAM with the mpr/mps SAS drivers, as their sources read:
//   sys/cam/cam_periph.c (cam_periph_error: retries, xpt_release_devq), sys/cam/cam_xpt.c
//   (xpt_freeze_devq, xpt_release_devq, CAM_DEV_QFRZN), sys/cam/scsi/scsi_da.c
//   (da_default_timeout 60 s, da_retry_count 4), sys/dev/mpr/mpr_sas.c and
//   sys/dev/mps/mps_sas.c (mprsas_scsiio_timeout, mprsas_send_abort with MPR_ABORT_TIMEOUT,
//   mprsas_send_reset with MPR_RESET_TIMEOUT, mprsas_abort_complete,
//   mprsas_logical_unit_reset_complete, mprsas_target_reset_complete, mprsas_prepare_for_tm
//   and MPRSAS_TARGET_INRESET, mpr_reinit).
// A timed-out CCB freezes only its device's queue (the SIM's queue goes on). The SIM aborts it
// (ABORT TASK); each TM's completion counts the commands still outstanding on the LUN (or the
// target): none left is success, any left sends the next TM: LUN reset, then target reset.
// mprsas_send_abort() and mprsas_send_reset() both call mprsas_prepare_for_tm(), which flags
// the target INRESET, and only mprsas_free_tm() clears it, when the recovery is over: from the
// abort to the last TM, mprsas_action_scsiio() refuses every command to any of the target's
// LUNs with CAM_BUSY (frozen and requeued). If the target reset leaves commands, mpr_reinit()
// resets the controller (the SIM's queue frozen, every device of it waits). The aborted or
// reset CCB comes back to da, whose cam_periph_error() retries it.
import type { Cmd, Dev, Recovery } from '../model';
import type { Ladder, Sim, Sub } from '../sim';
import {
  deviceTimeout,
  addCmd,
  blockLevel,
  endCmd,
  failCmd,
  moveCmd,
  unblockLevel,
  type SystemPolicy,
} from './system';

/** mpr_sas.c: how long the SIM waits for each task management request (MPR_ABORT_TIMEOUT 5;
 * mprsas_abort_complete(): "Abort failed ..., sending logical unit reset") */
export const CAM_ABORT_TIMEOUT = 5;
export const CAM_RESET_TIMEOUT = 30;
/** mpr_reinit(): a diag reset and the port enable; its length is this model's assumption */
export const CAM_REINIT_TIME = 5;

export const camPolicy: SystemPolicy = {
  name: 'cam',
  title: 'FreeBSD CAM (da, mpr/mps)',
  sources: [
    'sys/cam/cam_periph.c',
    'sys/cam/cam_xpt.c',
    'sys/cam/scsi/scsi_da.c',
    'sys/dev/mpr/mpr_sas.c',
    'sys/dev/mps/mps_sas.c',
  ],
  timings: { cmdTimeout: 60, retries: 4 },

  onTimeout(sim, cmd) {
    deviceTimeout(
      sim,
      cmd,
      { fn: 'mprsas_scsiio_timeout', detail: `CCB timeout ${cmd.dev.host.timings.cmdTimeout} s` },
      { fn: 'mprsas_scsiio_timeout', detail: 'on targ->timedout_commands' },
      camRecovery,
    );
  },
};

function* camRecovery(sim: Sim, d: Dev, cmd: Cmd): Ladder {
  const tgt = d.tgt;
  const rec = yield* blockLevel(
    sim,
    { kind: 'lun', d },
    'xpt_freeze_devq',
    "CAM_DEV_QFRZN: the timed-out CCB's device queue is frozen; the SIM queue goes on",
  );
  addCmd(sim, rec, cmd, 'mprsas_scsiio_timeout', 'the timed-out CCB joins targ->timedout_commands');
  // one TM per target (targ->tm): mprsas_prepare_for_tm() flags it INRESET for the abort
  // already, and the flag stays until mprsas_free_tm() ends the recovery
  const trec = yield* blockLevel(
    sim,
    { kind: 'target', t: tgt },
    'mprsas_send_abort -> mprsas_prepare_for_tm',
    'MPRSAS_TARGET_INRESET: mprsas_action_scsiio() answers CAM_BUSY to every LUN of the target until the TM is freed',
  );
  sim.op('wake-up', 'lun', d.id, 'mprsas_send_abort', 'the SIM sends a task management request');
  const left = (): number => rec.cmds.filter((c) => c.dev === d).length;

  // ABORT TASK, then LUN reset, then target reset, the target INRESET throughout
  let r = yield* camTm(
    sim,
    'abort',
    'lun',
    d.id,
    'mprsas_send_abort -> mprsas_abort_complete',
    CAM_ABORT_TIMEOUT,
    () => !sim.fire(d.faults, 'abort-fails'),
  );
  if (r === 'outstanding') {
    r = yield* camTm(
      sim,
      'lun-reset',
      'lun',
      d.id,
      'mprsas_send_reset(LOGICAL_UNIT_RESET) -> mprsas_logical_unit_reset_complete',
      CAM_RESET_TIMEOUT,
      () => !sim.fire(d.faults, 'lun-reset-fails'),
    );
    if (r === 'done') sim.resetUA([d]);
  }
  if (r === 'outstanding') {
    r = yield* camTm(
      sim,
      'target-reset',
      'target',
      tgt.id,
      'mprsas_send_reset(TARGET_RESET) -> mprsas_target_reset_complete',
      CAM_RESET_TIMEOUT,
      () => !sim.fire(tgt.faults, 'target-reset-fails'),
    );
    if (r === 'done') sim.resetUA(tgt.devs);
  }
  if (r === 'done') {
    unblockLevel(sim, trec, 'mprsas_free_tm', 'INRESET cleared, xpt_release_devq');
    finish(sim, rec, d, 'xpt_release_devq', `no command outstanding: ${left()} to retry`);
    return;
  }
  // mprsas_target_reset_complete() with commands still outstanding, or mprsas_tm_timeout()
  // on a TM that did not answer in time: reinit the controller
  sim.escalate(
    'lun',
    'host',
    d.id,
    r === 'timeout'
      ? 'mprsas_tm_timeout -> mpr_reinit'
      : 'mprsas_target_reset_complete -> mpr_reinit',
    r === 'timeout'
      ? 'the task management request did not complete within its timeout'
      : 'commands still outstanding after the target reset',
  );
  const h = d.host;
  const hrec = yield* blockLevel(
    sim,
    { kind: 'host', h },
    'mpr_reinit -> xpt_freeze_simq',
    'the SIM queue is frozen: every device of the controller waits for the diag reset',
  );
  for (const c of [...rec.cmds]) moveCmd(sim, rec, hrec, c);
  // mprsas_handle_reinit(): every target's flags become INDIAGRESET; the SIM queue holds them
  unblockLevel(sim, trec, 'mprsas_handle_reinit', 'INRESET cleared: the SIM queue is frozen');
  unblockLevel(sim, rec, 'xpt_release_devq');
  const id = sim.stepStart('reinit', 'host', h.id, 'mpr_reinit', 'diag reset, then port enable');
  yield CAM_REINIT_TIME;
  const reinitOk = !sim.fire(h.faults, 'host-reset-fails');
  sim.stepEnd(id, 'reinit', 'host', h.id, 'mpr_reinit', reinitOk ? 'success' : 'failed');
  for (const c of [...hrec.cmds]) {
    if (reinitOk)
      endCmd(
        sim,
        hrec,
        c,
        'cam_periph_error',
        'CAM_SCSI_BUS_RESET after the reinit: da retries it',
      );
    else
      failCmd(
        sim,
        hrec,
        c,
        'host',
        'mpr_reinit',
        'the controller did not come back: the device is lost',
      );
  }
  unblockLevel(sim, hrec, 'xpt_release_simq');
}

type TmResult = 'done' | 'outstanding' | 'timeout';

/**
 * One task management request: the controller answers after the driver's TMF time, unless
 * that is past the request's timeout, when mprsas_tm_timeout() fires first. Its completion
 * handler counts what is still outstanding: none is success.
 */
function* camTm(
  sim: Sim,
  step: 'abort' | 'lun-reset' | 'target-reset',
  scope: 'lun' | 'target',
  on: string,
  fn: string,
  timeout: number,
  ok: () => boolean,
): Sub<TmResult> {
  const tmf = sim.hosts[Number(on.split(':')[0])]!.timings.tmf;
  const id = sim.stepStart(step, scope, on, fn, `timeout ${timeout} s`);
  if (tmf > timeout) {
    yield timeout;
    sim.stepEnd(id, step, scope, on, fn, 'failed', 'mprsas_tm_timeout: no answer in time');
    return 'timeout';
  }
  if (tmf > 0) yield tmf;
  const done = ok();
  sim.stepEnd(
    id,
    step,
    scope,
    on,
    fn,
    done ? 'success' : 'failed',
    done ? 'no command outstanding' : 'commands still outstanding',
  );
  return done ? 'done' : 'outstanding';
}

function finish(sim: Sim, rec: Recovery, d: Dev, fn: string, detail: string): void {
  const cmds = [...rec.cmds];
  unblockLevel(sim, rec, fn, detail);
  for (const c of cmds)
    endCmd(sim, rec, c, 'cam_periph_error', 'CAM_CMD_TIMEOUT: da retries it (da_retry_count)');
  sim.kick(d);
}
