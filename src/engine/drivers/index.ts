import { isSystemPolicy, type Scope } from '../stream';
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

/**
 * Whether a host with this driver can be recovered this way: a Linux scope if the driver
 * offers it (`lun-only` where it offers `lun`); another system's recovery always, since it
 * stands for that system's whole stack and takes only the driver's TMF and I/O times.
 */
export function driverOffers(p: DriverProfile, s: Scope): boolean {
  if (isSystemPolicy(s)) return true;
  return p.scopes.includes(s === 'lun-only' ? 'lun' : s);
}
