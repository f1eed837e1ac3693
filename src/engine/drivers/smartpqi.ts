import type { DriverProfile } from './types';

export const smartpqi: DriverProfile = {
  name: 'smartpqi',
  title: 'smartpqi (Microchip Smart Storage)',
  sources: [
    'drivers/scsi/smartpqi/smartpqi_init.c (6.12): pqi_eh_abort_handler, pqi_eh_device_reset_handler; no target, bus or host reset handler',
    'kernel/patches/0025: eh_scopes lun, max_scoped_eh_tmfs 1 (LUN resets take lun_reset_mutex)',
  ],
  handlers: {
    abort: true,
    deviceReset: true,
    targetReset: false,
    busReset: false,
    hostReset: false,
  },
  scopes: ['host', 'lun'],
  defaultScope: 'lun',
  tmf: 0.05,
  tmfBound: 1,
  ioLatency: 0.0005,
  abortIsLunReset: true,
  notes: [
    'pqi_eh_abort_handler queues a LUN reset for the command and waits for the command with no timeout, then returns SUCCESS: an abort ends recovery, or, if the LUN reset fails, waits for ever.',
    'Only a LUN reset: when it fails, host recovery has no target, bus or host reset to try, and the device goes offline.',
  ],
};
