// Linux libata, as drivers/ata/libata-eh.c, libata-scsi.c and libata-sata.c (Debian
// linux-source-6.12) do it. The tree maps onto ATA this way: the host is the controller
// (AHCI), each target a port, which libata registers as a Scsi_Host of its own (its LUNs:
// the devices on the port, behind a port multiplier if more than one). So a port's error
// handling blocks that port alone: shown as its target blocked.
// A timeout takes the SCSI midlayer's path into libata's EH: scsi_timeout() calls the host
// template's eh_timed_out, ata_scsi_eh_timed_out() (__ATA_BASE_SHT), which acts only on a
// deferred qc (ata_scsi_requeue_deferred_qc; this model defers none) and returns
// SCSI_EH_NOT_HANDLED; scsi_abort_command() finds no eh_abort_handler in libata's template
// and fails at once, so scsi_eh_scmd_add() puts the port's Scsi_Host in SHOST_RECOVERY
// (DID_TIME_OUT). scsi_error_handler() calls the transport's eh_strategy_handler,
// ata_scsi_error(): ata_scsi_cmd_error_handler() marks the qc (AC_ERR_TIMEOUT, ATA_QCFLAG_EH)
// and freezes the port (__ata_port_freeze); the port's error handler (ata_do_eh) runs:
// ata_eh_autopsy() records the error in the device's error
// ring (ata_ering_record, ATA_ECAT_TOUT_HSM for a timeout) and ata_eh_speed_down() reads the
// ring: more than 3 such errors in 10 minutes turns NCQ off first, and the next time speeds
// the link down (sata_down_spd_limit: 6.0 -> 3.0 -> 1.5 Gbps), one action per error, the ring
// cleared after each. ata_eh_recover() resets the link (ata_eh_reset: hardreset, COMRESET),
// up to ata_eh_reset_timeouts' four tries, a failed try retried at its deadline (10, 10, 35 s
// after its start; the last at a lower link speed), and revalidates the device (IDENTIFY); a
// device that fails it is reset again, up to ATA_EH_DEV_TRIES (3) times, each reset of the
// EH session no sooner than ATA_EH_RESET_COOL_DOWN (5 s) after the last (ehc->last_reset is
// zeroed when a session starts, so resets of two sessions are not spaced); the timed-out
// command is retried by ata_eh_qc_retry(), which uses up one of its retries (its err_mask
// holds AC_ERR_TIMEOUT, so scmd->allowed is not raised). A device that fails revalidation
// every time is disabled alone (ata_eh_handle_dev_fail -> ata_dev_disable). A link whose reset
// fails ("reset failed, giving up") takes every device of the port with it: ata_do_eh()
// calls ata_dev_disable() for each device of the link when ata_eh_recover() fails. (With a
// port multiplier, sata_pmp_error_handler() -> sata_pmp_eh_recover() retries the host link's
// reset up to ATA_EH_PMP_TRIES (5) times before sata_pmp_detach() takes every device behind
// it; this model keeps ata_eh_reset()'s tries, once, and the same end.)
// Simplified: the drain before the wake-up (scsi_eh_wakeup once host_busy == host_failed)
// is not modelled, and a command that times out while the port's EH runs joins this session
// instead of the next one.
import type { Cmd, Dev, Tgt } from '../model';
import type { Ladder, Sim, Sub } from '../sim';
import { addCmd, blockLevel, endCmd, failCmd, type SystemPolicy } from './system';

/** what scsi_timeout() finds on libata's host template */
const TIMEOUT_PATH =
  'ata_scsi_eh_timed_out: SCSI_EH_NOT_HANDLED; scsi_abort_command: no eh_abort_handler';

export const ATA_EH_RESET_COOL_DOWN = 5;
/** ata_eh_reset_timeouts[]: a try's deadline after its start, one per hardreset try */
export const ATA_EH_RESET_TIMEOUTS = [10, 10, 35, 5];
export const ATA_EH_RESET_TRIES = ATA_EH_RESET_TIMEOUTS.length;
/** ATA_EH_DEV_TRIES: how many times ata_eh_recover() resets for a device that fails revalidation */
export const ATA_EH_DEV_TRIES = 3;
/** ata_eh_speed_down_verdict(): "more than 3" TOUT_HSM errors within 10 minutes */
export const ATA_SPDN_ERRORS = 3;
export const ATA_SPDN_WINDOW = 600;
export const SATA_SPEEDS = ['6.0 Gbps', '3.0 Gbps', '1.5 Gbps'];

/** A device's error ring and what speed-down did to it. */
export interface AtaDevState {
  ering: number[];
  ncqOff: boolean;
  speed: number;
}
/** Each device's error ring (dev->ering outlives an EH session; ehc->last_reset does not). */
const state = new WeakMap<Sim, { devs: Map<string, AtaDevState> }>();

export function ataState(sim: Sim): { devs: Map<string, AtaDevState> } {
  let s = state.get(sim);
  if (!s) state.set(sim, (s = { devs: new Map() }));
  return s;
}

export const libataPolicy: SystemPolicy = {
  name: 'libata',
  title: 'Linux libata',
  sources: ['drivers/ata/libata-eh.c', 'drivers/ata/libata-scsi.c', 'drivers/ata/libata-sata.c'],
  timings: { cmdTimeout: 30 },

  onTimeout(sim, cmd) {
    const d = cmd.dev;
    cmd.didTimeOut = true;
    sim.cmdEvent(
      cmd,
      'timeout',
      'scsi_timeout',
      `timeout ${d.host.timings.cmdTimeout} s; ${TIMEOUT_PATH}`,
    );
    if (d.tgt.rec) {
      addCmd(sim, d.tgt.rec, cmd, 'scsi_eh_scmd_add', "DID_TIME_OUT: the port's EH is running");
      return;
    }
    sim.spawn(ataEh(sim, d.tgt, cmd));
  },
};

function* ataEh(sim: Sim, port: Tgt, cmd: Cmd): Ladder {
  const rec = yield* blockLevel(
    sim,
    { kind: 'target', t: port },
    "scsi_eh_scmd_add (the port's Scsi_Host in SHOST_RECOVERY)",
    "this port's own Scsi_Host stops; every other port is another host and goes on",
  );
  addCmd(sim, rec, cmd, 'scsi_eh_scmd_add', 'DID_TIME_OUT: the command goes to EH');
  sim.op(
    'wake-up',
    'target',
    port.id,
    'scsi_eh_wakeup -> scsi_error_handler -> ata_scsi_error',
    "the transport's eh_strategy_handler; ata_scsi_cmd_error_handler: AC_ERR_TIMEOUT, __ata_port_freeze",
  );
  const st = ataState(sim);
  const d = cmd.dev;

  // ata_eh_autopsy(): record the error; ata_eh_speed_down(): one action per error
  let ds = st.devs.get(d.id);
  if (!ds) st.devs.set(d.id, (ds = { ering: [], ncqOff: false, speed: 0 }));
  ds.ering.push(sim.now);
  const recent = ds.ering.filter((t) => sim.now - t <= ATA_SPDN_WINDOW).length;
  if (recent > ATA_SPDN_ERRORS) {
    const fn = 'ata_eh_autopsy -> ata_eh_speed_down';
    const id = sim.stepStart('speed-down', 'target', d.id, fn, `${recent} timeouts in 10 min`);
    let what: string;
    if (!ds.ncqOff) {
      ds.ncqOff = true;
      what = 'NCQ disabled due to excessive errors';
    } else if (ds.speed < SATA_SPEEDS.length - 1) {
      ds.speed++;
      what = `sata_down_spd_limit: link limited to ${SATA_SPEEDS[ds.speed]}`;
    } else what = 'lowest link speed already: transfer mode lowered';
    ds.ering = []; // ata_ering_clear()
    sim.stepEnd(id, 'speed-down', 'target', d.id, fn, 'done', what);
  }

  // ata_eh_recover(): reset the link, then revalidate the device; a device that fails
  // revalidation gets ATA_EH_DEV_TRIES chances, each with a new reset
  let lastReset: number | null = null; // ehc->last_reset: this EH session's, zeroed at its start
  let ready = false;
  let linkOk = true;
  for (let devTry = 1; devTry <= ATA_EH_DEV_TRIES && !ready; devTry++) {
    // ata_eh_reset(): a second reset in one EH session (ATA_EHI_DID_RESET) comes no sooner
    // than ATA_EH_RESET_COOL_DOWN after ehc->last_reset
    if (lastReset !== null && sim.now < lastReset + ATA_EH_RESET_COOL_DOWN)
      yield* ataWait(
        sim,
        port,
        'ata_eh_reset: ATA_EH_RESET_COOL_DOWN',
        lastReset + ATA_EH_RESET_COOL_DOWN - sim.now,
        'until 5 s after the last reset of this EH session',
      );
    let ok = false;
    for (let attempt = 1; attempt <= ATA_EH_RESET_TRIES && !ok; attempt++) {
      const start = sim.now;
      lastReset = start;
      ok = yield* sim.tmf(
        'link-reset',
        'target',
        port.id,
        'ata_eh_reset -> sata_link_hardreset (COMRESET)',
        () => !sim.fire(port.faults, 'target-reset-fails'),
        `try ${attempt} of ${ATA_EH_RESET_TRIES}`,
      );
      // a reset that succeeds moves ehc->last_reset to its completion ("update to completion
      // time"): the cool-down before the next one runs from there
      if (ok) lastReset = sim.now;
      if (ok || attempt === ATA_EH_RESET_TRIES) break;
      // a failed try is retried at its deadline (ata_eh_reset_timeouts[] after its start)
      const deadline = start + ATA_EH_RESET_TIMEOUTS[attempt - 1]!;
      if (sim.now < deadline)
        yield* ataWait(
          sim,
          port,
          'ata_eh_reset: reset failed, retrying',
          deadline - sim.now,
          `try ${attempt} started ${ATA_EH_RESET_TIMEOUTS[attempt - 1]} s before the next`,
        );
      // the last try is made at a lower link speed (sata_down_spd_limit before it)
      if (attempt === ATA_EH_RESET_TRIES - 1 && ds.speed < SATA_SPEEDS.length - 1) ds.speed++;
    }
    // ata_eh_recover(): "reset failed, giving up"
    if (!ok) {
      linkOk = false;
      break;
    }
    sim.resetUA(port.devs);
    ready = yield* sim.tur(
      d,
      'target',
      'ata_eh_revalidate_and_attach -> ata_dev_revalidate (IDENTIFY)',
    );
  }
  if (!linkOk)
    // ata_do_eh(): ata_eh_recover() failed, so every device of the link is disabled
    for (const x of port.devs)
      sim.offline(
        x,
        'target',
        'ata_do_eh -> ata_dev_disable',
        'reset failed, giving up: every device of the link is disabled',
      );
  const cmds = [...rec.cmds];
  for (const c of cmds) {
    if (!linkOk)
      failCmd(
        sim,
        rec,
        c,
        'target',
        'ata_eh_finish',
        'the device is disabled: the link reset failed',
      );
    else if (ready || c.dev !== d)
      // ata_eh_finish() -> ata_eh_qc_retry(): a timed-out qc has AC_ERR_TIMEOUT in its
      // err_mask, so scmd->allowed is not raised: the retry counts against the budget
      endCmd(sim, rec, c, 'ata_eh_qc_retry', 'AC_ERR_TIMEOUT: retried after the reset');
    else
      failCmd(
        sim,
        rec,
        c,
        'target',
        'ata_eh_handle_dev_fail -> ata_dev_disable',
        'the device failed revalidation every time: it is disabled',
      );
  }
  port.rec = null;
  sim.op(
    'unblock-io',
    'target',
    port.id,
    'ata_scsi_error -> scsi_restart_operations',
    'the port thaws (ata_eh_thaw_port)',
  );
  sim.refreshAll(port.devs);
  for (const x of port.devs) sim.kick(x);
  sim.poke();
}

/** The port waits, blocked, before its next reset. */
function* ataWait(sim: Sim, port: Tgt, fn: string, seconds: number, detail: string): Sub<void> {
  const id = sim.stepStart('cool-down', 'target', port.id, fn, `${seconds.toFixed(3)} s ${detail}`);
  yield seconds;
  sim.stepEnd(id, 'cool-down', 'target', port.id, fn, 'done');
}

/** What speed-down did to a device (for the tests and the page). */
export function ataDevState(sim: Sim, d: Dev): AtaDevState | undefined {
  return ataState(sim).devs.get(d.id);
}
