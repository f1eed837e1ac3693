// The transition stream: the one contract between the engine, the worker, the store,
// the views and (later) imported kernel traces. Change it here; everything else follows.

/** Bumped whenever a field changes meaning or a transition type is removed. */
export const STREAM_VERSION = 1 as const;

/**
 * Recovery of a device: a Linux scope (sysfs eh_scope in the kernel/ series; `lun-only` is the
 * series' later variant, LUN recovery then straight to the host), or another system's
 * recovery as a whole (policies/cam.ts, storport.ts, esxi.ts, nvme.ts, libata.ts), which a
 * host takes for all its devices.
 */
export type LinuxScope = 'host' | 'lun' | 'target' | 'lun+target' | 'lun-only';
export type SystemPolicyName = 'cam' | 'storport' | 'esxi' | 'nvme' | 'libata';
export type Scope = LinuxScope | SystemPolicyName;
export const LINUX_SCOPES: readonly LinuxScope[] = [
  'host',
  'lun',
  'target',
  'lun+target',
  'lun-only',
];
export const SYSTEM_POLICIES: readonly SystemPolicyName[] = [
  'cam',
  'storport',
  'esxi',
  'nvme',
  'libata',
];
export const SCOPES: readonly Scope[] = [...LINUX_SCOPES, ...SYSTEM_POLICIES];
export function isSystemPolicy(s: Scope): s is SystemPolicyName {
  return (SYSTEM_POLICIES as readonly Scope[]).includes(s);
}

/** What blocks a device's I/O: host recovery, its target's recovery, or its own. */
export type BlockScope = 'host' | 'target' | 'lun';

export type DeviceState = 'running' | 'blocked' | 'recovering' | 'offline';
export type HostState = 'running' | 'recovery';

/** Node ids: host "0", channel "0:0", target "0:0:1", LUN "0:0:1:3" (H:C:T:L). */
export type NodeId = string;

export type StepKind =
  | 'abort' // driver eh_abort_handler
  | 'drain' // waiting until every command in flight in the scope has completed or failed
  | 'tmf-slot' // a scoped ladder waiting for one of the host's max_scoped_eh_tmfs slots
  | 'get-sense'
  | 'start-unit'
  | 'lun-reset'
  | 'target-reset'
  | 'bus-reset'
  | 'host-reset'
  | 'settle' // ssleep(BUS_RESET_SETTLE_TIME / HOST_RESET_SETTLE_TIME)
  | 'tur' // TEST UNIT READY (scsi_eh_tur)
  | 'offline' // scsi_eh_offline_sdevs
  | 'strategy' // a transport's eh_strategy_handler (libsas) running the whole host
  | 'cq-poll' // NVMe: nvme_timeout() polls the completion queue before anything else
  | 'controller-reset' // NVMe: nvme_reset_ctrl(), every namespace of the controller quiesced
  | 'reinit' // FreeBSD mpr/mps: mpr_reinit(), the controller's diag reset
  | 'link-reset' // libata: ata_eh_reset(), the SATA link's hardreset (COMRESET)
  | 'cool-down' // libata: a wait between two resets of one EH session (a try's deadline, or ATA_EH_RESET_COOL_DOWN)
  | 'speed-down'; // libata: ata_eh_speed_down() after repeated errors

/** skipped: the step ran and found nothing to do (the kernel traces get_sense that way). */
export type StepResult = 'success' | 'failed' | 'ready' | 'not-ready' | 'done' | 'skipped';

/**
 * The three operations the cover letter abstracts for scoped recovery, plus their
 * undo. Host recovery performs the same three (scsi_eh_scmd_add, scsi_eh_wakeup,
 * SHOST_RECOVERY), so every policy reports which one acted.
 */
export type Op = 'add-error-cmd' | 'wake-up' | 'block-io' | 'unblock-io';

export type CmdEvent =
  | 'queued' // the application issued it; it waits in the block layer (only with commandDetail)
  | 'dispatched' // scsi_queue_rq -> queuecommand (only with commandDetail)
  | 'completed' // scsi_done, GOOD (only with commandDetail)
  | 'timeout' // scsi_timeout: the command's timer fired
  | 'reset-timer' // the driver's eh_timed_out re-armed the timer (SCSI_EH_RESET_TIMER)
  | 'abort-scheduled' // scsi_abort_command queued scmd_eh_abort_handler
  | 'retry' // requeued for another try (scsi_queue_insert)
  | 'completed-after-retry' // a command that had failed once completed
  | 'eio' // finished with an error (scsi_finish_command, BLK_STS_IOERR)
  | 'medium-error' // CHECK CONDITION 03/11: failed at once, no recovery
  | 'rejected-offline'; // rejecting I/O to offline device

export type FaultKind =
  | 'timeout'
  | 'abort-fails'
  | 'lun-reset-fails'
  | 'target-reset-fails'
  | 'bus-reset-fails'
  | 'host-reset-fails'
  | 'tur-fails'
  | 'medium-error';

export const FAULT_KINDS: readonly FaultKind[] = [
  'timeout',
  'abort-fails',
  'lun-reset-fails',
  'target-reset-fails',
  'bus-reset-fails',
  'host-reset-fails',
  'tur-fails',
  'medium-error',
];

/** A time at the stream's resolution, a microsecond: the engine's events and the page's cursor. */
export const atResolution = (t: number): number => Math.round(t * 1e6) / 1e6;

interface Base {
  /** Virtual time in seconds (microsecond resolution). */
  t: number;
}

export interface RunStart extends Base {
  type: 'run-start';
  version: typeof STREAM_VERSION;
  scenario: string;
  seed: number;
  hosts: { id: NodeId; driver: string }[];
  luns: NodeId[];
}
export interface FaultTransition extends Base {
  type: 'fault';
  on: NodeId;
  fault: FaultKind;
  phase: 'on' | 'off';
}
export interface CmdTransition extends Base {
  type: 'cmd';
  on: NodeId;
  cmd: number;
  event: CmdEvent;
  fn: string;
  detail?: string;
}
export interface DeviceTransition extends Base {
  type: 'device';
  on: NodeId;
  state: DeviceState;
  blockedBy: BlockScope | null;
}
export interface HostTransition extends Base {
  type: 'host';
  on: NodeId;
  state: HostState;
  fn: string;
}
export interface OpTransition extends Base {
  type: 'op';
  op: Op;
  /** The recovery whose operation this is. */
  scope: BlockScope;
  on: NodeId;
  fn: string;
  detail?: string;
}
export interface StepTransition extends Base {
  type: 'step';
  /** Pairs the start with its end. */
  id: number;
  phase: 'start' | 'end';
  step: StepKind;
  /** Which recovery runs it; null for the asynchronous abort, which blocks nothing. */
  scope: BlockScope | null;
  on: NodeId;
  fn: string;
  result?: StepResult;
  detail?: string;
}
export interface EscalateTransition extends Base {
  type: 'escalate';
  from: BlockScope;
  to: BlockScope;
  on: NodeId;
  fn: string;
  reason: string;
}
/** One LUN's line in an io tick. */
export interface IoTick {
  on: NodeId;
  done: number;
  failed: number;
  /** Commands the application has outstanding at the tick (queued, dispatched or in recovery) */
  outstanding: number;
}
/**
 * Per-LUN I/O completed (and failed) since the previous tick; a LUN with nothing done or
 * failed whose outstanding count did not change is left out.
 */
export interface IoTransition extends Base {
  type: 'io';
  /** tick length in seconds */
  dt: number;
  luns: IoTick[];
}
export interface MetricsTransition extends Base {
  type: 'metrics';
  metrics: Metrics;
}
export interface RunEnd extends Base {
  type: 'run-end';
}

export type Transition =
  | RunStart
  | FaultTransition
  | CmdTransition
  | DeviceTransition
  | HostTransition
  | OpTransition
  | StepTransition
  | EscalateTransition
  | IoTransition
  | MetricsTransition
  | RunEnd;

export type TransitionType = Transition['type'];

export interface LunMetrics {
  on: NodeId;
  failing: boolean;
  /** I/O completed over the whole run */
  completed: number;
  /** I/O completed inside the recovery interval */
  completedInWindow: number;
  /** completedInWindow / (rate x interval), about 0..1 (healthy LUNs only, else null) */
  availability: number | null;
  /** Longest time without a completion inside the interval, seconds */
  longestGap: number;
  eio: number;
  /** Arrivals the workload could not issue: queueDepth commands were already outstanding */
  missed: number;
  /** From this LUN's first fault to the resolution of its last faulted command */
  recoveryTime: number | null;
  offline: boolean;
}

export interface Metrics {
  /** [start, end] of the recovery interval, seconds; null when no fault was placed */
  recoveryWindow: [number, number] | null;
  healthyAvailabilityMean: number | null;
  healthyAvailabilityWorst: number | null;
  healthyLongestGap: number | null;
  /** Longest recovery time over the failing LUNs */
  recoveryTime: number | null;
  eio: number;
  offlined: NodeId[];
  escalations: number;
  steps: number;
  luns: LunMetrics[];
}
