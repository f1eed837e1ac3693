import type { DriverProfile } from './types';

export const iscsiTcp: DriverProfile = {
  name: 'iscsi_tcp',
  title: 'iscsi_tcp (one iSCSI session)',
  sources: [
    'drivers/scsi/iscsi_tcp.c, drivers/scsi/libiscsi.c (6.12): iscsi_eh_abort, iscsi_eh_device_reset, iscsi_eh_recover_target; no bus or host reset handler',
    'kernel/patches/0028: eh_scopes lun and target, max_scoped_eh_tmfs 1 (libiscsi has one TMF per session)',
  ],
  handlers: {
    abort: true,
    deviceReset: true,
    targetReset: true,
    busReset: false,
    hostReset: false,
  },
  scopes: ['host', 'lun', 'target', 'lun+target'],
  defaultScope: 'lun+target',
  tmfBound: 1,
  tmf: 0.05,
  ioLatency: 0.001,
  notes: [
    'One session is one host with one target: target scope stops every LUN of the session, but not the host.',
    'libiscsi fails a TMF at once while another is outstanding; the bound of 1 keeps the scoped ones apart.',
  ],
};
