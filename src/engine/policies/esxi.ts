// VMware ESXi's PSA/NMP. What is documented, and where:
// - vSphere Storage guide (docs.vmware.com), "Understanding Multipathing and Failover": NMP
//   and the PSA's task management; the host's advanced settings Disk.UseLunReset (1: reset
//   the LUN, not the target or bus) and Disk.UseDeviceReset.
// - vSphere Storage, "Identifying Device Connectivity Problems" and KB 2004684 (Broadcom
//   318712): a device is in permanent device loss (PDL) only when the array returns PDL sense
//   codes (0x5/0x25/0x0 LOGICAL UNIT NOT SUPPORTED and a few others) or rejects the login, on
//   every path; a device that merely stops answering, with no path left, is all paths down
//   (APD): ESXi keeps retrying and starts a timer, Misc.APDTimeout (140 s by default), after
//   which it fails non-virtual-machine I/O and keeps retrying a virtual machine's.
// - KB 2062592: a command failing with a host status sends TEST UNIT READY down its path; if
//   that fails too, the path is marked dead.
// A timed-out command is aborted first (ABORT TASK, nothing blocked); if that fails, NMP
// asks for a LUN reset, run by one of the reset worlds: that LUN's queue waits for it, and
// only that LUN. One world (Disk.ResetThreadMin) takes resets in turn; a reset running
// longer than Disk.MaxResetLatency is overdue, and then a new world is spawned for the next
// one (up to Disk.ResetThreadMax), so resets of several LUNs run side by side.
//
// Defaults, and where each comes from:
// - documented: Disk.UseLunReset 1, Misc.APDTimeout 140 s (not used: see below).
// - assumed: Disk.ResetThreadMin 1, Disk.ResetThreadMax 16, Disk.MaxResetLatency 2000 ms,
//   Disk.ResetLatency 1000 ms. These are the values `esxcli system settings advanced list`
//   is reported to give; no stored VMware page confirmed them, and what the worlds do with
//   them (a new world once a reset is overdue) is this model's reading of their names.
//
// MODELLING ASSUMPTION, not ESXi behaviour: when the LUN reset fails, the model tries it once
// more after Disk.ResetLatency and, if that fails too, fails the LUN's I/O and takes the LUN
// out. ESXi documents no rule that ends recovery after failed resets. PDL does not fit: the
// model's faults carry no sense data. APD does not fit either: the model has one path per LUN
// and no path evaluation, so it cannot say when the path is dead or when it comes back, and
// an APD's end (140 s, then only non-VM I/O failed) depends on that. The model needs the
// failure path to end somewhere, so it ends it here, and says so in the stream
// ('model assumption: ...').
import type { Cmd, Dev } from '../model';
import type { Ladder, Sim } from '../sim';
import { deviceTimeout, addCmd, blockLevel, endCmd, failCmd, type SystemPolicy } from './system';

// assumed defaults (see the header): not found in a stored VMware page
export const ESXI_RESET_THREAD_MIN = 1;
export const ESXI_RESET_THREAD_MAX = 16;
export const ESXI_MAX_RESET_LATENCY = 2;
export const ESXI_RESET_LATENCY = 1;
/** how many LUN resets before the model gives the LUN up: this model's assumption */
export const ESXI_LUN_RESET_TRIES = 2;

/** The end of the failure path: named as the model's, not as an ESXi function (see the header). */
const GIVE_UP = 'model assumption: the LUN is given up';
const GIVE_UP_WHY = `the LUN reset failed ${ESXI_LUN_RESET_TRIES} times; ESXi documents no such rule (PDL needs sense codes, APD needs path state)`;

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
    'VMware KB 2004684 (PDL and APD), KB 2062592 (paths marked dead)',
    'ESXi advanced settings: Disk.UseLunReset, Disk.UseDeviceReset (documented); Disk.ResetThreadMax, Disk.MaxResetLatency, Disk.ResetLatency (defaults assumed)',
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
  for (let attempt = 1; attempt <= ESXI_LUN_RESET_TRIES && !ok; attempt++) {
    if (attempt > 1) yield ESXI_RESET_LATENCY;
    ok = yield* sim.tmf(
      'lun-reset',
      'lun',
      d.id,
      'reset world: LUN RESET',
      () => !sim.fire(d.faults, 'lun-reset-fails'),
      `${attempt > 1 ? 'again, after Disk.ResetLatency (a model assumption); ' : ''}past Disk.MaxResetLatency (${ESXI_MAX_RESET_LATENCY * 1000} ms) it is overdue and other LUNs' resets go to other worlds`,
    );
  }
  pool.running.splice(pool.running.indexOf(started), 1);
  sim.poke();
  const cmds = [...rec.cmds];
  if (ok) sim.resetUA([d]);
  // the LUN's queue runs again (its commands retried, or failed with the device)
  d.rec = null;
  sim.op(
    'unblock-io',
    'lun',
    d.id,
    ok ? 'NMP: the LUN reset is done' : GIVE_UP,
    ok ? undefined : GIVE_UP_WHY,
  );
  sim.refresh(d);
  for (const c of cmds) {
    if (ok) endCmd(sim, rec, c, 'NMP: retry', 'H:0x8 reset: retried');
    else failCmd(sim, rec, c, 'lun', GIVE_UP, GIVE_UP_WHY);
  }
  sim.kick(d);
  sim.poke();
}
