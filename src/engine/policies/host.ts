// Linux 6.12 host recovery: scsi_eh_scmd_add() puts the host in SHOST_RECOVERY, so no
// device of the host gets new commands; scsi_error_handler() sleeps until host_failed ==
// scsi_host_busy(); scsi_unjam_host() then walks get sense, START UNIT, LUN reset, target
// reset, bus reset (10 s settle), host reset (10 s settle), each followed by TEST UNIT
// READY, and offlines what is left; scsi_restart_operations() lets I/O run again.
// (drivers/scsi/scsi_error.c, scsi_lib.c of Debian's linux-source-6.12)
import type { Dev, Host, Recovery } from '../model';
import type { Ladder, Sim } from '../sim';
import { libsasStrategy } from './libsas';
import { openRecovery, parkCommand, wakeRecovery, type Names } from './recovery';
import type { Policy } from './types';

const NAMES: Names = {
  block: [
    'scsi_eh_scmd_add -> scsi_host_set_state(SHOST_RECOVERY)',
    'scsi_host_in_recovery(): every device of the host stops taking commands',
  ],
  drain: [
    'scsi_error_handler',
    'sleeps until host_failed == scsi_host_busy(): every command in flight on the host has completed or failed',
  ],
  add: 'scsi_eh_scmd_add',
  wake: 'scsi_eh_wakeup',
};

export const hostPolicy: Policy = {
  scope: 'host',

  start(sim, d) {
    const h = d.host;
    if (h.rec) return h.rec;
    return openRecovery(sim, 'host', h.id, NAMES, (rec) => {
      h.rec = rec;
      sim.setHostState(h, 'recovery', 'scsi_eh_scmd_add');
    });
  },

  addErrorCmd(sim, rec, cmd, why) {
    const h = cmd.dev.host;
    if (h.ehDeadline !== null && h.lastReset === null) h.lastReset = sim.now;
    h.failed++;
    parkCommand(sim, rec, cmd, NAMES, `${why}; host_failed ${h.failed}, busy ${h.busy}`);
    this.wakeUp(sim, rec);
  },

  wakeUp(sim, rec) {
    const h = sim.hostOf(rec);
    if (rec.phase !== 'waiting' || h.failed === 0 || h.failed !== h.busy) return;
    const ladder =
      h.driver.strategy === 'libsas' ? libsasStrategy(sim, h, rec) : unjamHost(sim, h, rec);
    wakeRecovery(
      sim,
      rec,
      NAMES,
      `host_failed ${h.failed} == scsi_host_busy ${h.busy}`,
      ladder,
      h.timings.wakeDelay,
    );
  },
};

/** The LUN reset handler's answer, with the faults and the driver's quirks. */
export function lunResetOk(sim: Sim, d: Dev): boolean {
  if (sim.fire(d.faults, 'lun-reset-fails')) return false;
  // mpt3sas: scsih_dev_reset returns FAILED while scsi_device_busy(), and the command under
  // error handling still holds its budget
  if (d.host.driver.lunResetFailsWhileBusy && d.busy > 0) return false;
  return true;
}

/** scsi_eh_test_devices(): a TUR for each failing device; the ready ones are resolved. */
export function* testDevices(
  sim: Sim,
  rec: Recovery,
  devs: Dev[],
  fn: string,
  counted: Set<Dev> | null,
): Ladder {
  for (const d of devs) {
    if (!rec.cmds.some((c) => c.dev === d)) continue;
    if (yield* sim.tur(d, rec.scope, fn)) {
      if (counted) sim.sdEhAction(rec, d, counted);
      sim.resolved(rec, d);
      sim.refresh(d);
    }
  }
}

/** scsi_unjam_host() -> scsi_eh_ready_devs(), then scsi_eh_flush_done_q() and scsi_restart_operations(). */
function* unjamHost(sim: Sim, h: Host, rec: Recovery): Ladder {
  const hw = h.driver.handlers;
  const counted = new Set<Dev>();
  const left = (): boolean => rec.cmds.length > 0;
  sim.senseAndStartUnit('host', h.id);

  // scsi_eh_bus_device_reset(): one LUN reset per device with failed commands, then its TUR
  if (left() && hw.deviceReset && !sim.pastDeadline(h)) {
    for (const d of sim.failingDevs(rec)) {
      if (sim.pastDeadline(h)) break;
      const ok = yield* sim.tmf(
        'lun-reset',
        'host',
        d.id,
        'scsi_eh_bus_device_reset -> eh_device_reset_handler',
        () => lunResetOk(sim, d),
      );
      if (!ok) continue;
      sim.resetUA([d]);
      yield* testDevices(sim, rec, [d], 'scsi_eh_bus_device_reset -> scsi_eh_tur', counted);
    }
  }

  // scsi_eh_target_reset(): one reset per target id (scmd_id; the channel is not looked at),
  // in the order of the work queue, sent to the first command's target
  if (left() && hw.targetReset && !sim.pastDeadline(h)) {
    const check: Dev[] = [];
    for (const tid of uniq(rec.cmds.map((c) => c.dev.tgt.tid))) {
      if (sim.pastDeadline(h)) break;
      const tgt = rec.cmds.find((c) => c.dev.tgt.tid === tid)!.dev.tgt;
      const ok = yield* sim.tmf(
        'target-reset',
        'host',
        tgt.id,
        'scsi_eh_target_reset -> eh_target_reset_handler',
        () => !sim.fire(tgt.faults, 'target-reset-fails'),
      );
      if (!ok) continue;
      sim.resetUA(tgt.devs);
      check.push(...sim.failingDevs(rec).filter((d) => d.tgt.tid === tid));
    }
    if (!sim.pastDeadline(h))
      yield* testDevices(sim, rec, check, 'scsi_eh_target_reset -> scsi_eh_test_devices', counted);
  }

  // scsi_eh_bus_reset(): one reset per channel with failed commands, then the settle sleep
  if (left() && hw.busReset && !sim.pastDeadline(h)) {
    const check: Dev[] = [];
    for (const ch of uniq(sim.failingDevs(rec).map((d) => d.channel))) {
      if (sim.pastDeadline(h)) break;
      const on = `${h.id}:${ch}`;
      const ok = yield* sim.tmf(
        'bus-reset',
        'host',
        on,
        'scsi_eh_bus_reset -> eh_bus_reset_handler',
        () => !sim.fire(h.faults, 'bus-reset-fails'),
      );
      if (!ok) continue;
      yield* sim.settle(
        'host',
        on,
        h.timings.busSettle,
        'scsi_try_bus_reset: BUS_RESET_SETTLE_TIME',
      );
      sim.resetUA(h.devs.filter((d) => d.channel === ch));
      check.push(...sim.failingDevs(rec).filter((d) => d.channel === ch));
    }
    if (!sim.pastDeadline(h))
      yield* testDevices(sim, rec, check, 'scsi_eh_bus_reset -> scsi_eh_test_devices', counted);
  }

  // scsi_eh_host_reset(): one call; eh_deadline is not checked here
  if (left() && hw.hostReset) {
    const ok = yield* sim.tmf(
      'host-reset',
      'host',
      h.id,
      'scsi_eh_host_reset -> eh_host_reset_handler',
      () => !sim.fire(h.faults, 'host-reset-fails'),
    );
    if (ok) {
      yield* sim.settle(
        'host',
        h.id,
        h.timings.hostSettle,
        'scsi_try_host_reset: HOST_RESET_SETTLE_TIME',
      );
      // scsi_report_bus_reset() for the first command's channel only
      const ch = rec.cmds[0]!.dev.channel;
      sim.resetUA(h.devs.filter((d) => d.channel === ch));
      yield* testDevices(
        sim,
        rec,
        sim.failingDevs(rec),
        'scsi_eh_host_reset -> scsi_eh_test_devices(try_stu=1)',
        null,
      );
    }
  }

  // scsi_eh_offline_sdevs(): what is left is finished, its device offline
  for (const d of sim.failingDevs(rec))
    sim.offline(
      d,
      'host',
      'scsi_eh_offline_sdevs',
      'Device offlined - not ready after error recovery',
    );
  sim.resolved(rec, new Set(sim.failingDevs(rec)));

  sim.flushDone(rec);
  restartHost(sim, h);
}

/** scsi_error_handler: host_failed = 0; scsi_restart_operations(): SHOST_RUNNING, run every queue. */
export function restartHost(sim: Sim, h: Host): void {
  h.failed = 0;
  h.lastReset = null;
  h.rec = null;
  sim.op(
    'unblock-io',
    'host',
    h.id,
    'scsi_restart_operations',
    'SHOST_RUNNING; scsi_run_host_queues',
  );
  sim.setHostState(h, 'running', 'scsi_restart_operations');
  for (const d of h.devs) sim.kick(d);
}

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
