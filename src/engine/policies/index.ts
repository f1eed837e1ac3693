import type { BlockScope } from '../stream';
import { hostPolicy } from './host';
import { lunPolicy } from './lun';
import { targetPolicy } from './target';
import type { Policy } from './types';
import type { SystemPolicyName } from '../stream';
import { camPolicy } from './cam';
import { esxiPolicy } from './esxi';
import { libataPolicy } from './libata';
import { nvmePolicy } from './nvme';
import { storportPolicy } from './storport';
import type { SystemPolicy } from './system';

export type { Policy } from './types';

/** The policy that runs a recovery of this scope (the host's may be a transport's strategy). */
export function policyFor(scope: BlockScope): Policy {
  return scope === 'host' ? hostPolicy : scope === 'target' ? targetPolicy : lunPolicy;
}

export type { SystemPolicy } from './system';

/** The other systems' recoveries, by name. */
export const SYSTEM_POLICY: Record<SystemPolicyName, SystemPolicy> = {
  cam: camPolicy,
  storport: storportPolicy,
  esxi: esxiPolicy,
  nvme: nvmePolicy,
  libata: libataPolicy,
};
