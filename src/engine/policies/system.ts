// What the other systems' recoveries (cam.ts, storport.ts, esxi.ts, nvme.ts, libata.ts)
// share: each takes a timed-out command itself, instead of scsi_timeout()'s path, and blocks
// I/O with the engine's three levels, so the tree, the timeline and the figures read them as
// they read Linux's. A level is held by one recovery at a time (a second one waits for it).
import type { Cmd, Dev, Host, Recovery, Tgt } from '../model';
import type { Ladder, Sim, Sub } from '../sim';
import type { Timings } from '../scenario';
import type { BlockScope, SystemPolicyName } from '../stream';
import { newRecovery } from './recovery';

export interface SystemPolicy {
  name: SystemPolicyName;
  title: string;
  /** the public sources the model follows: files and documentation pages */
  sources: string[];
  /** its defaults, under the scenario's own timings (which win, so runs compare) */
  timings: Partial<Timings>;
  /** the command's timer fired: what this system does with it */
  onTimeout(sim: Sim, cmd: Cmd): void;
}

/** A recovery that runs at once: no drain, no slot (these systems have neither). */
export function running(scope: BlockScope, on: string, now: number): Recovery {
  const rec = newRecovery(scope, on, now);
  rec.phase = 'running';
  return rec;
}

/** Waits until no recovery holds this level, then blocks it; returns the recovery holding it. */
export function* blockLevel(
  sim: Sim,
  level: { kind: 'lun'; d: Dev } | { kind: 'target'; t: Tgt } | { kind: 'host'; h: Host },
  fn: string,
  detail: string,
): Sub<Recovery> {
  if (level.kind === 'lun') {
    const d = level.d;
    if (d.rec) yield { until: () => d.rec === null, why: `${d.id} free` };
    const rec = running('lun', d.id, sim.now);
    sim.op('block-io', 'lun', d.id, fn, detail);
    d.rec = rec;
    sim.refresh(d);
    return rec;
  }
  if (level.kind === 'target') {
    const t = level.t;
    if (t.rec) yield { until: () => t.rec === null, why: `${t.id} free` };
    const rec = running('target', t.id, sim.now);
    sim.op('block-io', 'target', t.id, fn, detail);
    t.rec = rec;
    sim.refreshAll(t.devs);
    return rec;
  }
  const h = level.h;
  if (h.rec) yield { until: () => h.rec === null, why: `host ${h.id} free` };
  const rec = running('host', h.id, sim.now);
  sim.op('block-io', 'host', h.id, fn, detail);
  h.rec = rec;
  sim.setHostState(h, 'recovery', fn);
  return rec;
}

/** Lets go of a level: its devices take commands again, and their queues run. */
export function unblockLevel(sim: Sim, rec: Recovery, fn: string, detail?: string): void {
  if (rec.scope === 'lun') {
    const d = sim.devById.get(rec.on)!;
    if (d.rec !== rec) return;
    d.rec = null;
    sim.op('unblock-io', 'lun', d.id, fn, detail);
    sim.refresh(d);
    sim.kick(d);
  } else if (rec.scope === 'target') {
    const t = sim.tgtById.get(rec.on)!;
    if (t.rec !== rec) return;
    t.rec = null;
    sim.op('unblock-io', 'target', t.id, fn, detail);
    sim.refreshAll(t.devs);
    for (const d of t.devs) sim.kick(d);
  } else {
    const h = sim.hostOf(rec);
    if (h.rec !== rec) return;
    h.rec = null;
    sim.op('unblock-io', 'host', h.id, fn, detail);
    sim.setHostState(h, 'running', fn);
    for (const d of h.devs) sim.kick(d);
  }
  sim.poke();
}

/**
 * A timed-out command on a system that recovers the device itself: the timeout is recorded,
 * and the command joins the device's recovery when one runs, or starts one.
 */
export function deviceTimeout(
  sim: Sim,
  cmd: Cmd,
  timeout: { fn: string; detail: string },
  join: { fn: string; detail: string },
  recover: (sim: Sim, d: Dev, cmd: Cmd) => Ladder,
): void {
  const d = cmd.dev;
  cmd.didTimeOut = true;
  sim.cmdEvent(cmd, 'timeout', timeout.fn, timeout.detail);
  if (d.rec) addCmd(sim, d.rec, cmd, join.fn, join.detail);
  else sim.spawn(recover(sim, d, cmd));
}

/** add error command: the command joins the recovery (shown as recovering on its LUN). */
export function addCmd(sim: Sim, rec: Recovery, cmd: Cmd, fn: string, detail: string): void {
  if (!rec.cmds.includes(cmd)) rec.cmds.push(cmd);
  sim.op('add-error-cmd', rec.scope, cmd.dev.id, fn, detail);
  sim.refresh(cmd.dev);
}

/** Moves a command from one recovery to another (a wider one takes it over). */
export function moveCmd(sim: Sim, from: Recovery, to: Recovery, cmd: Cmd): void {
  const i = from.cmds.indexOf(cmd);
  if (i >= 0) from.cmds.splice(i, 1);
  if (!to.cmds.includes(cmd)) to.cmds.push(cmd);
  sim.refresh(cmd.dev);
}

/** The recovery ended the command: retried within its budget, else failed. */
export function endCmd(sim: Sim, rec: Recovery, cmd: Cmd, fn: string, detail: string): void {
  const i = rec.cmds.indexOf(cmd);
  if (i >= 0) rec.cmds.splice(i, 1);
  sim.retryOrFinish(cmd, fn, detail);
  sim.kick(cmd.dev);
}

/** The recovery gave up: the device is gone, its command fails. */
export function failCmd(
  sim: Sim,
  rec: Recovery,
  cmd: Cmd,
  scope: BlockScope,
  fn: string,
  detail: string,
): void {
  const i = rec.cmds.indexOf(cmd);
  if (i >= 0) rec.cmds.splice(i, 1);
  sim.offline(cmd.dev, scope, fn, detail);
  sim.finish(cmd, fn, detail);
}

/** A step of fixed length with no fault to meet. */
export function* timedStep(
  sim: Sim,
  step: Parameters<Sim['stepStart']>[0],
  scope: BlockScope | null,
  on: string,
  fn: string,
  seconds: number,
  detail?: string,
): Sub<void> {
  const id = sim.stepStart(step, scope, on, fn, detail);
  if (seconds > 0) yield seconds;
  sim.stepEnd(id, step, scope, on, fn, 'done');
}
