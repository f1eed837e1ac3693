import type { DriverProfile } from './types';
import { scsiDebug } from './scsi_debug';
import { mpt3sas } from './mpt3sas';
import { smartpqi } from './smartpqi';
import { megaraidSas } from './megaraid_sas';
import { virtioScsi } from './virtio_scsi';
import { iscsiTcp } from './iscsi_tcp';
import { hisiSas } from './hisi_sas';

export type { DriverProfile } from './types';

export const DRIVER_NAMES = [
  'scsi_debug',
  'mpt3sas',
  'smartpqi',
  'megaraid_sas',
  'virtio_scsi',
  'iscsi_tcp',
  'hisi_sas',
] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

const PROFILES: Record<DriverName, DriverProfile> = {
  scsi_debug: scsiDebug,
  mpt3sas,
  smartpqi,
  megaraid_sas: megaraidSas,
  virtio_scsi: virtioScsi,
  iscsi_tcp: iscsiTcp,
  hisi_sas: hisiSas,
};

export function driverProfile(name: DriverName): DriverProfile {
  return PROFILES[name];
}
