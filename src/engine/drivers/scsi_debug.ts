import type { DriverProfile } from './types';

export const scsiDebug: DriverProfile = {
  name: 'scsi_debug',
  title: 'scsi_debug (test driver)',
  sources: [
    'drivers/scsi/scsi_debug.c (6.12): sdebug_abort, sdebug_device_reset, sdebug_target_reset, sdebug_bus_reset, sdebug_host_reset',
    'kernel/patches/0007, 0014: eh_scope module parameter (host by default)',
    'kernel/patches/0008: tmf_delay_ms slows every abort and reset',
    'kernel/patches/0019: scoped_eh_tmfs, the host bound (1 by default)',
  ],
  handlers: { abort: true, deviceReset: true, targetReset: true, busReset: true, hostReset: true },
  scopes: ['host', 'lun', 'target', 'lun+target'],
  defaultScope: 'host',
  tmfBound: 1,
  tmf: 0,
  // delay=1 jiffy at HZ=250
  ioLatency: 0.004,
  notes: [
    'Every reset handler exists; bus and host resets always succeed unless a fault says otherwise.',
    'No eh_timed_out and no skip_settle_delay: the 10 s settles after bus and host resets apply.',
  ],
};
