import type { DriverProfile } from './types';

export const hisiSas: DriverProfile = {
  name: 'hisi_sas',
  title: 'hisi_sas (libsas)',
  sources: [
    'drivers/scsi/hisi_sas/hisi_sas_main.c, drivers/scsi/libsas/sas_scsi_host.c (6.12): the transport installs eh_strategy_handler = sas_scsi_recover_host',
    'kernel/patches/0029 (scsi_eh.rst 3.7): declined; the midlayer grants no scope to a transport with a strategy handler',
  ],
  handlers: {
    abort: true,
    deviceReset: true,
    targetReset: true,
    busReset: false,
    hostReset: false,
  },
  scopes: ['host'],
  defaultScope: 'host',
  tmfBound: 1,
  tmf: 0.05,
  ioLatency: 0.0005,
  strategy: 'libsas',
  notes: [
    'libsas recovers the whole host with the SAS domain frozen: abort each task, then LU reset, then I_T nexus reset, and offline what is left.',
    'Its LUN and target reset handlers, called from anywhere but that thread, only queue the reset for host recovery.',
  ],
};
