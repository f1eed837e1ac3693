import type { Cmd, Dev, Recovery } from '../model';
import type { Sim } from '../sim';
import type { BlockScope } from '../stream';

/**
 * A recovery policy, shaped around the three operations the cover letter abstracts:
 * add an error command, wake up the handler, block I/O. Host recovery has the same three
 * (scsi_eh_scmd_add, scsi_eh_wakeup, SHOST_RECOVERY), so every policy can show which acted.
 */
export interface Policy {
  scope: BlockScope;
  /** Starts a recovery for this device's scope, blocking I/O at that level (or returns the one running). */
  start(sim: Sim, d: Dev): Recovery;
  /** add error command: the failed command joins the recovery. */
  addErrorCmd(sim: Sim, rec: Recovery, cmd: Cmd, why: string): void;
  /** wake up the handler, once every command the scope holds has failed. */
  wakeUp(sim: Sim, rec: Recovery): void;
}
