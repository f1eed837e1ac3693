import type { BlockScope } from '../stream';
import { hostPolicy } from './host';
import { lunPolicy } from './lun';
import { targetPolicy } from './target';
import type { Policy } from './types';

export type { Policy } from './types';

/** The policy that runs a recovery of this scope (the host's may be a transport's strategy). */
export function policyFor(scope: BlockScope): Policy {
  return scope === 'host' ? hostPolicy : scope === 'target' ? targetPolicy : lunPolicy;
}
