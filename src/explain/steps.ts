// Words for the page: what each recovery step is in the kernel, what each scope blocks, and
// what the cover letter's three operations do. The step's own transition names the kernel
// function that ran (its `fn`); these texts say what that function is for.
import type { BlockScope, FaultKind, Op, Scope, StepKind, StepResult } from '../engine';

export const STEP_LABEL: Record<StepKind, string> = {
  abort: 'abort',
  drain: 'waiting for commands in flight',
  'tmf-slot': 'waiting for a TMF slot',
  'get-sense': 'REQUEST SENSE',
  'start-unit': 'START UNIT',
  'lun-reset': 'LUN reset',
  'target-reset': 'target reset',
  'bus-reset': 'bus reset',
  'host-reset': 'host reset',
  settle: 'settle sleep',
  tur: 'TEST UNIT READY',
  offline: 'offline',
  strategy: 'transport strategy',
  'cq-poll': 'completion queue poll',
  'controller-reset': 'controller reset',
  reinit: 'controller reinit',
  'link-reset': 'link reset (hardreset)',
  'cool-down': 'reset cool-down',
  'speed-down': 'speed down',
};

/** Short names for bars and node labels. */
export const STEP_SHORT: Record<StepKind, string> = {
  abort: 'abort',
  drain: 'drain',
  'tmf-slot': 'TMF slot',
  'get-sense': 'sense',
  'start-unit': 'START',
  'lun-reset': 'LUN reset',
  'target-reset': 'tgt reset',
  'bus-reset': 'bus reset',
  'host-reset': 'host reset',
  settle: 'settle',
  tur: 'TUR',
  offline: 'offline',
  strategy: 'strategy',
  'cq-poll': 'CQ poll',
  'controller-reset': 'ctrl reset',
  reinit: 'reinit',
  'link-reset': 'link reset',
  'cool-down': 'cool-down',
  'speed-down': 'speed down',
};

const RESET_WHY =
  'The driver sends the task management function and waits for its answer; a reset handler that returns FAILED (or does not exist) sends the ladder to the next, wider rung.';

export const STEP_TEXT: Record<StepKind, string> = {
  abort:
    "The command timed out. scsi_timeout() hands it to scsi_abort_command(), which queues scmd_eh_abort_handler() to call the driver's eh_abort_handler for that one command. In host scope this runs beside normal I/O and blocks nothing; with the series, a LUN-scoped device aborts inside its own ladder. If the abort succeeds the command is retried; if it fails, the command goes to error handling proper.",
  drain:
    'Error handling cannot start while other commands are still out in the scope being recovered: the handler only wakes when every command in flight has completed or failed (scsi_eh_wakeup() checks scsi_host_busy() == host_failed; the series does the same per device or per target). Until then the scope is already blocked, so every healthy device in it waits for the slowest command, in the worst case its full timeout.',
  'tmf-slot':
    "A scoped ladder waits for one of the host's max_scoped_eh_tmfs slots: the series bounds how many task management functions scoped recovery sends to one HBA at once, so that many failing LUNs cannot flood the firmware.",
  'get-sense':
    'scsi_eh_get_sense() asks for sense data of commands that ended with CHECK CONDITION but without it. The timed-out commands of these cases have none to fetch, so it finds nothing to do.',
  'start-unit':
    'scsi_eh_stu() sends START STOP UNIT to devices that said they need it (NOT READY, initializing command required). None of these cases do, so it is skipped.',
  'lun-reset': `scsi_try_bus_device_reset() calls the driver's eh_device_reset_handler: a LOGICAL UNIT RESET of one LUN, which ends every command of that LUN. ${RESET_WHY}`,
  'target-reset': `scsi_try_target_reset() calls eh_target_reset_handler: a reset of every LUN behind the target port. ${RESET_WHY}`,
  'bus-reset': `scsi_try_bus_reset() calls eh_bus_reset_handler for one channel, then sleeps BUS_RESET_SETTLE_TIME (10 s) so that the devices can come back. ${RESET_WHY}`,
  'host-reset': `scsi_try_host_reset() calls eh_host_reset_handler: the HBA itself is reset, then HOST_RESET_SETTLE_TIME (10 s) of sleep. If even this fails, scsi_eh_offline_sdevs() takes the failing devices offline.`,
  settle:
    'ssleep() after a bus or host reset: BUS_RESET_SETTLE_TIME or HOST_RESET_SETTLE_TIME, 10 s each. The whole host stays blocked while it sleeps, whatever the fault was.',
  tur: 'scsi_eh_tur() sends TEST UNIT READY to check that the device answers after the reset. If it fails, the reset did not help and the ladder goes on; a device that answers nothing makes every TUR wait out eh_timeout (10 s).',
  offline:
    'scsi_eh_offline_sdevs(): every rung failed, so the device is set offline and its commands fail with EIO; it takes no I/O until someone brings it back (echo running > state).',
  strategy:
    "The transport (libsas) replaces the SCSI midlayer's ladder with its own eh_strategy_handler, which recovers the whole host its own way.",
  'cq-poll':
    'NVMe: nvme_timeout() first polls the completion queue with its interrupt off (nvme_poll_irqdisable): a completion found there was only a lost interrupt and ends the command. Here the device never answered, so there is nothing to find.',
  'controller-reset':
    'NVMe: the command timed out again after its abort, so nvme_dev_disable() quiesces the I/O queues of every namespace of the controller and cancels every command in flight on the controller, whatever its namespace (nvme_cancel_tagset, NVME_SC_HOST_ABORTED_CMD); each is requeued and counts one retry (nvme_retry_req, up to nvme_max_retries, 5). nvme_reset_work() disables and re-enables the controller; no namespace completes anything meanwhile. Then nvme_unquiesce_io_queues() sends the cancelled commands again. If the controller does not come back, every namespace is marked dead and its I/O fails.',
  reinit:
    "FreeBSD mpr/mps: the target reset left commands outstanding, so mpr_reinit() diag-resets the controller. The SIM's queue is frozen meanwhile: every device behind the controller waits.",
  'link-reset':
    'libata: ata_eh_reset() hardresets the SATA link (COMRESET) of the port, then waits for the device to be ready. Only this port stops: every port is a Scsi_Host of its own.',
  'cool-down':
    'libata: ata_eh_reset() spaces the resets of one EH session: a failed hardreset is tried again at its deadline (ata_eh_reset_timeouts: 10, 10, then 35 s after the try started), and a new reset for a device that failed IDENTIFY waits until ATA_EH_RESET_COOL_DOWN (5 s) after the last one completed (ehc->last_reset moves to the completion of a reset that succeeds). The port stays blocked meanwhile. A new timeout starts a new session, which is not spaced from the last.',
  'speed-down':
    'libata: ata_eh_speed_down() reads the error ring: more than 3 timeouts in 10 minutes turn NCQ off, and the next time lower the link speed (6.0, 3.0, then 1.5 Gbps); one action per error, the ring cleared after it.',
};

/** What each recovery is and where it is modelled from (the compare view and the panel). */
export const POLICY_EXPLAIN: Record<Scope, string> = {
  host: 'Linux 6.12 (drivers/scsi/scsi_error.c): one failed command puts the whole Scsi_Host in SHOST_RECOVERY; scsi_unjam_host() walks LUN, target, bus and host resets while every device of the host waits.',
  lun: "The series' LUN scope (kernel/patches): only the failing device's queue is quiesced; what its ladder cannot resolve goes to its target's recovery if one runs, else to the host.",
  target:
    "The series' target scope: every LUN of the failing LUN's target is quiesced while the target's ladder runs; then the host.",
  'lun+target':
    "The series' LUN then target scope: the LUN's ladder, then its target's, then the host's.",
  'lun-only':
    "The series' later LUN-only variant: the LUN's own ladder (abort, LUN reset, TUR) with only its queue quiesced, then straight to host recovery: there is no target level.",
  cam: 'FreeBSD CAM with mpr/mps (sys/cam/cam_periph.c, cam_xpt.c, scsi/scsi_da.c, dev/mpr/mpr_sas.c): the timed-out CCB freezes only its device queue; ABORT TASK, LUN reset, target reset (each judged by the commands still outstanding after it; from the abort until the TM is freed the target is INRESET and answers CAM_BUSY), then mpr_reinit() of the controller.',
  storport:
    'Windows Storport (learn.microsoft.com: Storport, HwStorResetBus, SRB_FUNCTION_RESET_LOGICAL_UNIT / RESET_DEVICE; disk TimeOutValue 60 s): only the logical unit queue is paused; no abort reaches the miniport; LU reset, target reset, then a bus reset that pauses every queue of the adapter.',
  esxi: 'VMware ESXi PSA/NMP (vSphere Storage documentation; Disk.UseLunReset, Disk.ResetThreadMax, Disk.MaxResetLatency): an abort, then a LUN reset (never the target or bus by default) on a reset world; only that LUN waits; a reset past Disk.MaxResetLatency spawns another world, so several LUNs reset in parallel. If the LUN reset fails twice, this model gives the LUN up and fails its I/O: that is an assumption of the model, not documented ESXi behaviour (ESXi declares a device lost (PDL) only on specific sense codes, and treats a device with no path left as all paths down (APD), retried for Misc.APDTimeout, 140 s); the model has neither sense data nor paths to go on.',
  nvme: 'Linux NVMe (drivers/nvme/host/pci.c, core.c): nvme_timeout() polls the completion queue, then aborts and re-arms the timer; a second timeout disables and resets the controller, quiescing every namespace and cancelling what each has in flight, retried after the reset (the tree: one controller per host, one namespace per LUN).',
  libata:
    'Linux libata (drivers/ata/libata-eh.c): each port is a Scsi_Host of its own (the tree: a target per port), so its EH stops that port only; hardreset of the link, a failed try retried at its deadline and a second reset of the session after the 5 s cool-down; NCQ off and link speed-down after repeated timeouts. A timeout reaches it through the midlayer (scsi_timeout -> ata_scsi_eh_timed_out; libata has no eh_abort_handler, so no abort is sent). If the link reset fails, every device of the port is disabled (ata_do_eh -> ata_dev_disable), not only the one that timed out.',
};

export const RESULT_TEXT: Record<StepResult, string> = {
  success: 'succeeded',
  failed: 'failed',
  ready: 'device ready',
  'not-ready': 'device not ready',
  done: 'done',
  skipped: 'nothing to do',
};

export const SCOPE_TEXT: Record<BlockScope, string> = {
  host: 'host recovery: the Scsi_Host is in SHOST_RECOVERY, so scsi_host_queue_ready() refuses every command to every device of the host until scsi_restart_operations()',
  target:
    "target recovery (the series): scsi_target_eh_block() quiesces the request queue of every LUN of the target while its ladder runs; the host's other targets go on",
  lun: "LUN recovery (the series): scsi_device_eh_scmd_add() quiesces only this device's request queue (blk_mq_quiesce_queue_nowait) while its own ladder runs; its neighbours go on",
};

export const OP_TEXT: Record<Op, string> = {
  'add-error-cmd':
    'add error command: the failed command is parked with the recovery that will handle it',
  'wake-up': 'wake up: the handler starts once nothing else is in flight in the scope',
  'block-io': 'block I/O: the scope stops taking new commands',
  'unblock-io': 'unblock I/O: the scope takes commands again',
};

export const FAULT_LABEL: Record<FaultKind, string> = {
  timeout: 'command timeout',
  'abort-fails': 'abort fails',
  'lun-reset-fails': 'LUN reset fails',
  'target-reset-fails': 'target reset fails',
  'bus-reset-fails': 'bus reset fails',
  'host-reset-fails': 'host reset fails',
  'tur-fails': 'TEST UNIT READY fails',
  'medium-error': 'medium error (reads)',
};

export const FAULT_TEXT: Record<FaultKind, string> = {
  timeout: 'the next read or write gets no answer, so it times out after the command timeout',
  'abort-fails': "the driver's abort handler returns FAILED",
  'lun-reset-fails': 'the LUN reset (eh_device_reset_handler) returns FAILED',
  'target-reset-fails': "the reset of this LUN's target returns FAILED",
  'bus-reset-fails': "the reset of this LUN's bus returns FAILED",
  'host-reset-fails': "the reset of this LUN's host returns FAILED",
  'tur-fails': 'TEST UNIT READY fails after a reset',
  'medium-error':
    'reads end with CHECK CONDITION, MEDIUM ERROR (03/11): failed at once, no recovery',
};

/** What each level blocks under another system's recovery, where it differs from Linux's words. */
export const POLICY_BLOCK_TEXT: Partial<Record<Scope, Partial<Record<BlockScope, string>>>> = {
  'lun-only': {
    lun: "LUN recovery (the later LUN-only series): only this device's request queue is quiesced while its ladder runs; what it cannot resolve goes straight to the host",
  },
  cam: {
    lun: "FreeBSD CAM: the timed-out CCB's device queue is frozen (xpt_freeze_devq, CAM_DEV_QFRZN), waiting for the target's task management request; the SIM goes on",
    target:
      'FreeBSD mpr/mps: a task management request (abort, LUN or target reset) is out on the target (MPRSAS_TARGET_INRESET), so mprsas_action_scsiio() answers CAM_BUSY to every LUN of it until mprsas_free_tm()',
    host: "FreeBSD mpr/mps: mpr_reinit() diag-resets the controller with the SIM's queue frozen: every device behind it waits",
  },
  storport: {
    lun: 'Windows Storport: the logical unit queue is paused for its reset; the other LUs of the target and of the adapter go on',
    host: 'Windows Storport: a bus reset (HwStorResetBus) pauses every queue of the adapter, for the reset and its hold time',
  },
  esxi: {
    lun: 'VMware ESXi: a reset world is resetting this LUN (Disk.UseLunReset); only this LUN waits, and other LUNs reset in parallel',
  },
  nvme: {
    host: 'Linux NVMe: a controller reset; nvme_dev_disable() quiesced the I/O queues of every namespace of the controller',
  },
  libata: {
    target:
      "Linux libata: the port's EH; the port is a Scsi_Host of its own (a target in this tree), in recovery while its link is reset; other ports go on",
  },
};
