// libsas's transport strategy handler, sas_scsi_recover_host() (drivers/scsi/libsas/
// sas_scsi_host.c), which replaces scsi_unjam_host() for hisi_sas and every libsas driver.
// Simplified: with the host blocked as a whole, each failed task is aborted
// (lldd_abort_task); if that fails, its LU is reset (lldd_lu_reset), then its I_T nexus
// (lldd_I_T_nexus_reset); what is still failed is offlined. No bus reset, no settle.
import type { Host, Recovery } from '../model';
import type { Ladder, Sim } from '../sim';
import { lunResetOk, restartHost, testDevices } from './host';

export function* libsasStrategy(sim: Sim, h: Host, rec: Recovery): Ladder {
  const fn = 'sas_scsi_recover_host';
  const id = sim.stepStart(
    'strategy',
    'host',
    h.id,
    fn,
    'eh_strategy_handler: the SAS domain is frozen while it runs',
  );
  for (const cmd of [...rec.cmds]) {
    if (!rec.cmds.includes(cmd)) continue;
    const d = cmd.dev;
    const aborted = yield* sim.tmf(
      'abort',
      'host',
      d.id,
      'sas_eh_handle_sas_errors -> lldd_abort_task',
      () => !sim.fire(d.faults, 'abort-fails'),
    );
    if (aborted) {
      rec.cmds.splice(rec.cmds.indexOf(cmd), 1);
      rec.done.push(cmd);
      continue;
    }
    if (
      yield* sim.tmf('lun-reset', 'host', d.id, 'sas_eh_handle_sas_errors -> lldd_lu_reset', () =>
        lunResetOk(sim, d),
      )
    ) {
      sim.resetUA([d]);
      yield* testDevices(sim, rec, [d], 'sas_eh_handle_sas_errors -> scsi_eh_tur', null);
      if (!rec.cmds.some((c) => c.dev === d)) continue;
    }
    if (
      yield* sim.tmf(
        'target-reset',
        'host',
        d.tgt.id,
        'sas_eh_handle_sas_errors -> lldd_I_T_nexus_reset',
        () => !sim.fire(d.tgt.faults, 'target-reset-fails'),
      )
    ) {
      sim.resetUA(d.tgt.devs);
      yield* testDevices(sim, rec, [d], 'sas_eh_handle_sas_errors -> scsi_eh_tur', null);
    }
  }
  for (const d of sim.failingDevs(rec))
    sim.offline(
      d,
      'host',
      'sas_scsi_recover_host -> scsi_eh_offline_sdevs',
      'Device offlined - not ready after error recovery',
    );
  sim.resolved(rec, new Set(sim.failingDevs(rec)));
  sim.stepEnd(id, 'strategy', 'host', h.id, fn, 'done');
  sim.flushDone(rec, 'scsi_eh_flush_done_q');
  restartHost(sim, h);
}
