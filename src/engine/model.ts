// The objects the engine simulates: hosts, targets, LUNs (scsi_device), commands, and the
// recoveries running on them. Plain data; the behaviour is in sim.ts and policies/.
import type { DriverProfile } from './drivers';
import type { Timings, Workload } from './scenario';
import type { BlockScope, DeviceState, FaultKind, HostState, NodeId, Scope } from './stream';

export interface Cmd {
  id: number;
  dev: Dev;
  /** scmd->retries, shared by the abort retry, the disposition retry and the flush retry */
  retries: number;
  /** SCSI_EH_ABORT_SCHEDULED: one async abort per request */
  abortScheduled: boolean;
  /** Marked by patch 21: abort it from the scoped ladder, not from tmf_work_q */
  abortInLadder: boolean;
  /** Times the driver took it back while in flight (Sim.cancel): a ladder holding it stops */
  cancels: number;
  /** result carries DID_TIME_OUT (sd_eh_action counts only those) */
  didTimeOut: boolean;
  /** a READ (else a WRITE): only reads meet a medium error */
  read: boolean;
  /** It hit a fault: the metrics follow it to its end */
  tracked: boolean;
  /** scmd->jiffies_at_alloc */
  issuedAt: number;
}

export type RecoveryPhase = 'waiting' | 'running';

/** One recovery: a device's ladder, a target's, or the host's (scsi_unjam_host). */
export interface Recovery {
  scope: BlockScope;
  on: NodeId;
  phase: RecoveryPhase;
  /** The failed commands it holds (sdev->eh cmd list, starget's, shost->eh_cmd_q) */
  cmds: Cmd[];
  /** Commands resolved by a step, to be retried or finished (done_q) */
  done: Cmd[];
  /** Step id of the open 'drain' step */
  drainStep: number;
  /** Holds one of the host's max_scoped_eh_tmfs slots */
  slot: boolean;
  /** Devices that got a LUN reset in this recovery (a target ladder skips them) */
  lunReset: Set<Dev>;
  /** When the scope was blocked: a scoped ladder's eh_deadline counts from here */
  startedAt: number;
}

export interface Fault {
  kind: FaultKind;
  on: NodeId;
  until: number;
  left: number;
  active: boolean;
  /** a timeout that TEST UNIT READY meets too */
  allCommands: boolean;
}

export interface Dev {
  idx: number;
  id: NodeId;
  host: Host;
  tgt: Tgt;
  channel: number;
  lun: number;
  scope: Scope;
  workload: Workload;
  interval: number;
  offline: boolean;
  /** Requests the block layer holds for this device (not yet dispatched) */
  queue: Cmd[];
  /** Commands dispatched and not yet finished: scsi_device_busy */
  busy: number;
  /** I/Os the application is behind its schedule, to submit as soon as it can */
  behind: number;
  /** Requests the application has outstanding (queue + busy) */
  outstanding: number;
  rec: Recovery | null;
  /** expecting_cc_ua: the next TUR's unit attention means NEEDS_RETRY */
  expectingUA: boolean;
  /** The next normal command gets the reset's unit attention and is retried once */
  pendingUA: boolean;
  /** sd's medium_access_timed_out */
  mediumTimeouts: number;
  faults: Fault[];
  failing: boolean;
  rejectedOnce: boolean;
  // as last emitted
  state: DeviceState;
  blockedBy: BlockScope | null;
  // metrics
  /** requests the application issued */
  created: number;
  completed: number;
  eio: number;
  missed: number;
  tickDone: number;
  tickFailed: number;
  tickOutstanding: number;
  winDone: number;
  winLast: number;
  winGap: number;
  /** winDone and the longest gap as of the last resolved faulted command */
  snapDone: number;
  snapGap: number;
  /** sim.windowEpoch when snapDone and snapGap were taken */
  snapEpoch: number;
  firstFault: number;
  lastResolved: number;
  unresolved: number;
}

export interface Tgt {
  id: NodeId;
  host: Host;
  channel: number;
  tid: number;
  devs: Dev[];
  rec: Recovery | null;
  faults: Fault[];
}

export interface Host {
  idx: number;
  id: NodeId;
  driver: DriverProfile;
  timings: Timings;
  tmfBound: number;
  ehDeadline: number | null;
  state: HostState;
  /** host_failed */
  failed: number;
  /** scsi_host_busy */
  busy: number;
  rec: Recovery | null;
  /** The async aborts queued on tmf_work_q (max_active 1) */
  abortQueue: Cmd[];
  abortRunning: boolean;
  /**
   * Dispatched commands not yet given back, with the completion or timer last scheduled for
   * each; kept only where the recovery takes commands back (Sim.cancel), else null
   */
  flying: Map<Cmd, unknown> | null;
  /** last_reset for eh_deadline, or null */
  lastReset: number | null;
  slotsUsed: number;
  slotQueue: Recovery[];
  devs: Dev[];
  targets: Tgt[];
  channels: number;
  faults: Fault[];
}
