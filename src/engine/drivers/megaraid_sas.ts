import type { DriverProfile } from './types';

export const megaraidSas: DriverProfile = {
  name: 'megaraid_sas',
  title: 'megaraid_sas (Broadcom MegaRAID, fusion adapters)',
  sources: [
    'drivers/scsi/megaraid/megaraid_sas_base.c (6.12): megasas_task_abort, megasas_reset_target, megasas_reset_bus_host; no eh_device_reset_handler; megasas_reset_timer (eh_timed_out)',
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
  // blk_queue_rq_timeout(scmd_timeout = 90 s); megasas_reset_timer re-arms until 2 x scmd_timeout
  cmdTimeout: 90,
  resetTimer: { scopes: ['host', 'target'], untilAge: 2, fn: 'megasas_reset_timer' },
  notes: [
    'No LUN reset handler: the ladder goes from the abort straight to the target reset.',
    'MFI adapters (those QEMU emulates) refuse the abort and the target reset; their devices keep host scope.',
    'Its queues time out after scmd_timeout (90 s), and megasas_reset_timer re-arms the timer until the command is 2 x 90 s old: recovery starts after 180 s.',
  ],
};
