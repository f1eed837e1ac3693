// VMware ESXi's PSA/NMP, as VMware's documentation describes it: the vSphere Storage guide
// (docs.vmware.com, "Understanding Storage Device Naming", "Managing Storage Paths and
// Multipathing Plug-Ins": NMP and the PSA's task management), the host's advanced settings
// Disk.UseLunReset (1: reset the LUN, not the target or bus), Disk.UseDeviceReset,
// Disk.ResetThreadMax (16 reset worlds, so resets of several LUNs run at once),
// Disk.MaxResetLatency (2000 ms: a reset that takes longer is overdue, warned about, and a
// new reset world takes the next one), Disk.ResetLatency (1000 ms between reset-world
// wake-ups), and the KB articles on "Cmd ... failed H:0x8" (reset) and APD/PDL. The values
// are the settings' defaults as `esxcli system settings advanced list` gives them; this model
// did not find them on a stored page, so they are the weakest facts here.
// A timed-out command is aborted first (ABORT TASK, nothing blocked); if that fails, NMP
// asks for a LUN reset, run by one of the reset worlds: that LUN's queue waits for it, and
// only that LUN. One world (Disk.ResetThreadMin) takes resets in turn; a reset running
// longer than Disk.MaxResetLatency is overdue, and then a new world is spawned for the next
// one (up to Disk.ResetThreadMax), so resets of several LUNs run side by side. If the LUN
// reset fails too, one more after Disk.ResetLatency; then the device is treated as lost
// (its I/O fails; with one path that is PDL).
import type { Cmd, Dev } from '../model';
import type { Ladder, Sim } from '../sim';
import { deviceTimeout, addCmd, blockLevel, endCmd, failCmd, type SystemPolicy } from './system';

export const ESXI_RESET_THREAD_MIN = 1;
export const ESXI_RESET_THREAD_MAX = 16;
export const ESXI_MAX_RESET_LATENCY = 2;
export const ESXI_RESET_LATENCY = 1;

/** A host's reset worlds: how many exist, and when each busy one started its reset. */
interface Worlds {
  count: number;
  running: number[];
}
const worlds = new WeakMap<Sim, Map<string, Worlds>>();

export const esxiPolicy: SystemPolicy = {
  name: 'esxi',
  title: 'VMware ESXi (PSA/NMP)',
  sources: [
    'docs.vmware.com: vSphere Storage, multipathing (PSA, NMP) and storage device connectivity (APD, PDL)',
    'ESXi advanced settings: Disk.UseLunReset, Disk.UseDeviceReset, Disk.ResetThreadMax, Disk.MaxResetLatency, Disk.ResetLatency',
  ],
  timings: {},

  onTimeout(sim, cmd) {
    deviceTimeout(
      sim,
      cmd,
      { fn: 'vmkernel: command timed out', detail: `after ${cmd.dev.host.timings.cmdTimeout} s` },
      { fn: 'NMP: the LUN is being reset', detail: 'waits for the reset' },
      esxiRecovery,
    );
  },
};

function* esxiRecovery(sim: Sim, d: Dev, cmd: Cmd): Ladder {
  // ABORT TASK of the one command; nothing else waits
  const aborted = yield* sim.tmf(
    'abort',
    null,
    d.id,
    'PSA task management: ABORT TASK',
    () => !sim.fire(d.faults, 'abort-fails'),
  );
  if (aborted) {
    sim.retryOrFinish(cmd, 'NMP: retry after the abort', 'H:0x5 aborted');
    sim.kick(d);
    return;
  }
  const rec = yield* blockLevel(
    sim,
    { kind: 'lun', d },
    'NMP: LUN reset requested (Disk.UseLunReset=1)',
    'only this LUN waits for its reset; the other LUNs of the target and adapter go on',
  );
  addCmd(sim, rec, cmd, 'NMP: the failed command waits for the reset', 'H:0x8 reset');
  let map = worlds.get(sim);
  if (!map) worlds.set(sim, (map = new Map()));
  let w = map.get(d.host.id);
  if (!w) map.set(d.host.id, (w = { count: ESXI_RESET_THREAD_MIN, running: [] }));
  const pool = w;
  // a free world, else a new one once a running reset is overdue, else wait (polling)
  let waitId: number | null = null;
  for (;;) {
    if (pool.running.length < pool.count) break;
    const oldest = Math.min(...pool.running);
    const overdue = oldest + ESXI_MAX_RESET_LATENCY;
    if (sim.now >= overdue - 1e-9 && pool.count < ESXI_RESET_THREAD_MAX) {
      pool.count++;
      break;
    }
    waitId ??= sim.stepStart(
      'tmf-slot',
      'lun',
      d.id,
      'reset world queue',
      `${pool.running.length} of ${pool.count} reset world(s) busy`,
    );
    yield Math.max(1e-3, Math.min(ESXI_RESET_LATENCY, overdue - sim.now));
  }
  if (waitId !== null) sim.stepEnd(waitId, 'tmf-slot', 'lun', d.id, 'reset world queue', 'done');
  const started = sim.now;
  pool.running.push(started);
  sim.op(
    'wake-up',
    'lun',
    d.id,
    'reset world',
    `${pool.running.length} of ${pool.count} world(s) busy (Disk.ResetThreadMax ${ESXI_RESET_THREAD_MAX})`,
  );
  let ok = false;
  for (let attempt = 1; attempt <= 2 && !ok; attempt++) {
    if (attempt > 1) yield ESXI_RESET_LATENCY;
    ok = yield* sim.tmf(
      'lun-reset',
      'lun',
      d.id,
      'reset world: LUN RESET',
      () => !sim.fire(d.faults, 'lun-reset-fails'),
      `${attempt > 1 ? 'again, after Disk.ResetLatency; ' : ''}past Disk.MaxResetLatency (${ESXI_MAX_RESET_LATENCY * 1000} ms) it is overdue and other LUNs' resets go to other worlds`,
    );
  }
  pool.running.splice(pool.running.indexOf(started), 1);
  sim.poke();
  const cmds = [...rec.cmds];
  if (ok) sim.resetUA([d]);
  // the LUN's queue runs again (its commands retried, or failed with the device)
  d.rec = null;
  sim.op('unblock-io', 'lun', d.id, ok ? 'NMP: the LUN reset is done' : 'NMP: the device is lost');
  sim.refresh(d);
  for (const c of cmds) {
    if (ok) endCmd(sim, rec, c, 'NMP: retry', 'H:0x8 reset: retried');
    else
      failCmd(
        sim,
        rec,
        c,
        'lun',
        'NMP: permanent device loss',
        'the LUN reset failed twice: the device is lost',
      );
  }
  sim.kick(d);
  sim.poke();
}
