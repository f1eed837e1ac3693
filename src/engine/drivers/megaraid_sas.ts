import type { DriverProfile } from './types';

export const megaraidSas: DriverProfile = {
  name: 'megaraid_sas',
  title: 'megaraid_sas (Broadcom MegaRAID, fusion adapters)',
  sources: [
    'drivers/scsi/megaraid/megaraid_sas_base.c (6.12): megasas_task_abort, megasas_reset_target, megasas_reset_bus_host; no eh_device_reset_handler',
    'kernel/patches/0026: eh_scopes target on fusion adapters for TM-capable devices, max_scoped_eh_tmfs 1 (TMs take reset_mutex)',
  ],
  handlers: {
    abort: true,
    deviceReset: false,
    targetReset: true,
    busReset: false,
    hostReset: true,
  },
  scopes: ['host', 'target'],
  defaultScope: 'target',
  tmfBound: 1,
  tmf: 0.05,
  ioLatency: 0.0005,
  notes: [
    'No LUN reset handler: the ladder goes from the abort straight to the target reset.',
    'MFI adapters (those QEMU emulates) refuse the abort and the target reset; their devices keep host scope.',
  ],
};
