// Windows Storport, as Microsoft's driver documentation describes it (learn.microsoft.com,
// Windows drivers: "Storport Driver", "HwStorResetBus routine", "SCSI_REQUEST_BLOCK"
// SRB_FUNCTION_RESET_LOGICAL_UNIT / SRB_FUNCTION_RESET_DEVICE / SRB_FUNCTION_ABORT_COMMAND,
// "StorPortPauseDevice", "StorPortPause"; and the disk class driver's TimeOutValue registry
// value, HKLM\System\CurrentControlSet\Services\Disk, which array vendors set to 60 s, and
// the class layer's 8 retries: learn.microsoft.com/archive/blogs/san, "The Windows Disk timeout
// value: Less is better").
// A request that times out pauses only its logical unit's queue; Storport sends the miniport
// no abort: it resets the LU (SRB_FUNCTION_RESET_LOGICAL_UNIT), then the target
// (SRB_FUNCTION_RESET_DEVICE), then the bus (HwStorResetBus), and a bus reset holds every
// queue of the adapter until the reset is over and the devices have had their hold time.
// The timed-out request comes back with SRB_STATUS_BUS_RESET (or TIMEOUT) and the class
// driver (disk.sys, classpnp) retries it; if even the bus reset fails, the LU is removed.
import type { Cmd, Dev } from '../model';
import type { Ladder, Sim } from '../sim';
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

/** After a bus reset the adapter's queues stay held this long (this model's assumption). */
export const STORPORT_RESET_HOLD = 4;

export const storportPolicy: SystemPolicy = {
  name: 'storport',
  title: 'Windows Storport',
  sources: [
    'learn.microsoft.com: Storport driver overview, HwStorResetBus, SCSI_REQUEST_BLOCK (SRB_FUNCTION_RESET_LOGICAL_UNIT, SRB_FUNCTION_RESET_DEVICE), StorPortPauseDevice',
    'learn.microsoft.com/archive/blogs/san: "The Windows Disk timeout value: Less is better" (TimeOutValue 60 s, 8 retries)',
  ],
  timings: { cmdTimeout: 60, retries: 8 },

  onTimeout(sim, cmd) {
    deviceTimeout(
      sim,
      cmd,
      { fn: 'Storport request timer', detail: `TimeOutValue ${cmd.dev.host.timings.cmdTimeout} s` },
      { fn: 'Storport request timer', detail: 'the LU is already being reset' },
      storportRecovery,
    );
  },
};

function* storportRecovery(sim: Sim, d: Dev, cmd: Cmd): Ladder {
  const h = d.host;
  const tgt = d.tgt;
  const rec = yield* blockLevel(
    sim,
    { kind: 'lun', d },
    'Storport: the unit queue is paused',
    'only this logical unit stops; the other LUs of the target and of the adapter go on',
  );
  addCmd(
    sim,
    rec,
    cmd,
    'Storport request timer',
    'the timed-out SRB is held for the reset; no abort goes to the miniport',
  );
  sim.op(
    'wake-up',
    'lun',
    d.id,
    'Storport reset: SRB_FUNCTION_RESET_LOGICAL_UNIT',
    'Storport sends the miniport a reset, never an abort',
  );
  let reset = [d];
  let ok = yield* sim.tmf(
    'lun-reset',
    'lun',
    d.id,
    'SRB_FUNCTION_RESET_LOGICAL_UNIT -> HwStorStartIo',
    () => !sim.fire(d.faults, 'lun-reset-fails'),
  );
  if (!ok) {
    reset = tgt.devs;
    ok = yield* sim.tmf(
      'target-reset',
      'lun',
      tgt.id,
      'SRB_FUNCTION_RESET_DEVICE -> HwStorStartIo',
      () => !sim.fire(tgt.faults, 'target-reset-fails'),
      'the target is reset; only the timed-out LU queue stays paused',
    );
  }
  if (ok) {
    sim.resetUA(reset);
    const cmds = [...rec.cmds];
    unblockLevel(sim, rec, 'Storport: the unit queue resumes');
    for (const c of cmds)
      endCmd(
        sim,
        rec,
        c,
        'ClassInterpretSenseInfo',
        'SRB_STATUS_BUS_RESET: the class driver retries it',
      );
    return;
  }
  // HwStorResetBus: every queue of the adapter is paused
  sim.escalate('lun', 'host', d.id, 'HwStorResetBus', 'the LU and target resets failed');
  const hrec = yield* blockLevel(
    sim,
    { kind: 'host', h },
    'HwStorResetBus: the adapter queues are paused',
    'a bus reset pauses every queue of the adapter, every LU of every target',
  );
  for (const c of [...rec.cmds]) moveCmd(sim, rec, hrec, c);
  unblockLevel(sim, rec, 'Storport: the unit queue resumes (the adapter still holds it)');
  const busOk = yield* sim.tmf(
    'bus-reset',
    'host',
    `${h.id}:${d.channel}`,
    'HwStorResetBus',
    () => !sim.fire(h.faults, 'bus-reset-fails'),
  );
  if (busOk) {
    const id = sim.stepStart(
      'settle',
      'host',
      h.id,
      'Storport reset hold',
      `${STORPORT_RESET_HOLD} s`,
    );
    yield STORPORT_RESET_HOLD;
    sim.stepEnd(id, 'settle', 'host', h.id, 'Storport reset hold', 'done');
    sim.resetUA(h.devs);
  }
  for (const c of [...hrec.cmds]) {
    if (busOk)
      endCmd(
        sim,
        hrec,
        c,
        'ClassInterpretSenseInfo',
        'SRB_STATUS_BUS_RESET: the class driver retries it',
      );
    else
      failCmd(
        sim,
        hrec,
        c,
        'host',
        'Storport: the LU is removed',
        'every reset failed: the device is reported missing',
      );
  }
  unblockLevel(sim, hrec, 'Storport: the adapter queues resume');
}
