// What every recovery does the same way, whatever its scope: open (block I/O, start the
// drain), park a failed command, wake the handler once the drain is over.
import type { Cmd, Recovery } from '../model';
import type { Ladder, Sim } from '../sim';
import type { BlockScope } from '../stream';

export interface Names {
  /** the kernel function and a sentence for each of the three operations, and the drain */
  block: [fn: string, detail: string];
  drain: [fn: string, detail: string];
  add: string;
  wake: string;
}

export function newRecovery(scope: BlockScope, on: string, now: number): Recovery {
  return {
    scope,
    on,
    phase: 'waiting',
    cmds: [],
    done: [],
    drainStep: 0,
    slot: false,
    lunReset: new Set(),
    startedAt: now,
  };
}

/**
 * block I/O: opens a recovery; `block` attaches it to what it recovers, which stops that
 * scope's queues; the drain step starts.
 */
export function openRecovery(
  sim: Sim,
  scope: BlockScope,
  on: string,
  names: Names,
  block: (rec: Recovery) => void,
): Recovery {
  const rec = newRecovery(scope, on, sim.now);
  sim.op('block-io', scope, on, names.block[0], names.block[1]);
  block(rec);
  rec.drainStep = sim.stepStart('drain', scope, on, names.drain[0], names.drain[1]);
  return rec;
}

/** add error command: the command joins the recovery. */
export function parkCommand(sim: Sim, rec: Recovery, cmd: Cmd, names: Names, detail: string): void {
  rec.cmds.push(cmd);
  sim.op('add-error-cmd', rec.scope, cmd.dev.id, names.add, detail);
  sim.refresh(cmd.dev);
}

/** wake up: every command the scope holds has failed; the ladder runs after the wake delay. */
export function wakeRecovery(
  sim: Sim,
  rec: Recovery,
  names: Names,
  detail: string,
  ladder: Ladder,
  delay: number,
): void {
  rec.phase = 'running';
  sim.stepEnd(rec.drainStep, 'drain', rec.scope, rec.on, names.drain[0], 'done');
  sim.op('wake-up', rec.scope, rec.on, names.wake, detail);
  sim.spawn(ladder, delay);
}
