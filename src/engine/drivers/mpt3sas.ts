import type { DriverProfile } from './types';

export const mpt3sas: DriverProfile = {
  name: 'mpt3sas',
  title: 'mpt3sas (Broadcom SAS HBA)',
  sources: [
    'drivers/scsi/mpt3sas/mpt3sas_scsih.c (6.12): scsih_abort, scsih_dev_reset, scsih_target_reset, scsih_host_reset; no eh_bus_reset_handler',
    'kernel/patches/0027: eh_scopes lun and target, max_scoped_eh_tmfs 1 (TMs take tm_cmds.mutex)',
  ],
  handlers: { abort: true, deviceReset: true, targetReset: true, busReset: false, hostReset: true },
  scopes: ['host', 'lun', 'target', 'lun+target'],
  defaultScope: 'lun+target',
  tmfBound: 1,
  tmf: 0.05,
  ioLatency: 0.0005,
  lunResetFailsWhileBusy: true,
  notes: [
    'scsih_dev_reset reports FAILED while the device still holds a command, and a command under error handling holds one: the LUN step fails even when the task management request worked, so recovery goes on to the target reset.',
    'No bus reset handler: host recovery goes from target reset to host reset.',
  ],
};
