import type { DriverProfile } from './types';

export const virtioScsi: DriverProfile = {
  name: 'virtio_scsi',
  title: 'virtio_scsi (a virtual machine disk)',
  sources: [
    'drivers/scsi/virtio_scsi.c (6.12): virtscsi_abort, virtscsi_device_reset; virtscsi_eh_timed_out returns SCSI_EH_RESET_TIMER',
    'kernel/patches/0024: eh_scopes lun, max_scoped_eh_tmfs 8; eh_timed_out returns SCSI_EH_NOT_HANDLED for LUNs not in host scope',
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
  tmfBound: 8,
  tmf: 0.01,
  ioLatency: 0.0002,
  resetTimer: { scopes: ['host'], fn: 'virtscsi_eh_timed_out' },
  notes: [
    'In 6.12 virtscsi_eh_timed_out always resets the timer: a timeout never reaches error handling, the command waits for the device as long as it takes.',
    'With the series, a LUN in lun scope goes to error handling instead (abort, then LUN reset); host scope keeps the endless wait.',
  ],
};
