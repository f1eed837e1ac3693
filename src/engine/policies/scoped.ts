// What the LUN and target ladders share.
import type { Dev, Recovery } from '../model';
import type { Ladder, Sim } from '../sim';
import { hostPolicy } from './host';

/**
 * Patch 21, scsi_eh_abort_timed_out(): the ladder's first step aborts the timed-out
 * commands that scsi_abort_command() marked SCSI_EH_ABORT_SCOPED. An aborted command is
 * resolved (done queue: retried after the restart).
 */
export function* abortInLadder(sim: Sim, rec: Recovery, devs: Dev[]): Ladder {
  for (const d of devs) {
    for (const cmd of rec.cmds.filter((c) => c.dev === d && c.abortInLadder)) {
      cmd.abortInLadder = false;
      const ok = yield* sim.abort(rec.scope, d, 'scsi_eh_abort_timed_out');
      if (ok) {
        rec.cmds.splice(rec.cmds.indexOf(cmd), 1);
        rec.done.push(cmd);
        sim.refresh(d);
      }
    }
  }
}

/**
 * scsi_eh_host_scmd_add(): what a scoped ladder could not resolve goes to host recovery,
 * each command counting in host_failed as any failed command does. The host blocks and
 * takes the commands first, then the scope lets go, so no command slips through in between.
 */
export function handToHost(sim: Sim, rec: Recovery, release: () => void): void {
  const cmds = rec.cmds;
  rec.cmds = [];
  const hrec = hostPolicy.start(sim, cmds[0]!.dev);
  for (const c of cmds)
    hostPolicy.addErrorCmd(sim, hrec, c, `handed over by the ${rec.scope} ladder`);
  release();
}

/** scsi_eh_scope_past_deadline(): eh_deadline counted from when the scope was blocked. */
export function scopedPastDeadline(sim: Sim, rec: Recovery): boolean {
  const h = sim.hostOf(rec);
  return h.ehDeadline !== null && sim.now - rec.startedAt > h.ehDeadline;
}
