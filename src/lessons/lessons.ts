// Guided walk-throughs (issue 14): each a sequence of scenarios, places to pause and short
// texts. A place is named by the step it shows ("the first LUN reset"), not by a time, so a
// lesson stays right when the engine's timings change; the tests check every claim a step
// makes about what is blocked against the engine's run.
import {
  presets,
  withScope,
  type BlockScope,
  type FaultSpec,
  type Scenario,
  type Scope,
  type StepKind,
} from '../engine';
import type { StepBar, TimelineModel } from '../playback/timeline';

/** Where a lesson step pauses: a time, or a step of the run (and how far into it). */
export type Moment =
  | number
  | {
      step: StepKind;
      /** the recovery it belongs to; null: the asynchronous abort (omit: any) */
      scope?: BlockScope | null;
      /** the device it acts on (omit: any) */
      on?: string;
      /** 1 for the first such step (default), 2 for the second… */
      nth?: number;
      /** seconds after the step's start (default: a millisecond, inside it) */
      after?: number;
    }
  /** the first step of the widest recovery the run reached */
  | { widest: true; after?: number };

export interface LessonStep {
  title: string;
  /** a few sentences; plain text */
  text: string;
  /** a preset's name */
  preset: string;
  /** give every host this scope */
  scope?: Scope;
  /** faults added to the preset's */
  faults?: FaultSpec[];
  at: Moment;
  /**
   * What the tree shows at that moment, checked by the tests: how many LUNs each scope
   * blocks when the step named by `at` starts.
   */
  blocked?: Partial<Record<BlockScope, number>>;
}

export interface Lesson {
  id: string;
  title: string;
  summary: string;
  steps: LessonStep[];
}

const lessons: Lesson[] = [
  {
    id: 'host-stall',
    title: 'Why host-wide recovery stalls every LUN',
    summary:
      'One READ on one LUN times out; Linux 6.12 stops all sixteen disks of the host until its error handler is done.',
    steps: [
      {
        title: 'Sixteen disks, one host',
        text: "kernel/'s demonstration host: scsi_debug, 4 targets x 4 LUNs, 40 reads/s on each LUN, every abort and reset takes 2 s. At 5 s the next READ to 0:0:0:0 gets no answer, and its abort will fail.",
        preset: 'demo',
        at: 4,
        blocked: {},
      },
      {
        title: 'The timeout, and the abort nobody waits for',
        text: "After the 2 s command timeout, scsi_timeout() hands the command to scsi_abort_command(), which queues scmd_eh_abort_handler() on the host's TMF workqueue. Nothing is blocked yet: the other fifteen LUNs keep running while the driver tries the abort.",
        preset: 'demo',
        at: { step: 'abort', scope: null },
        blocked: {},
      },
      {
        title: 'The abort failed: the host stops',
        text: 'scsi_eh_scmd_add() puts the host in SHOST_RECOVERY. From now on scsi_host_in_recovery() refuses new commands to every device of the host, not only to the failing one. The error handler thread then waits until host_failed equals scsi_host_busy(): every command still in flight must end first.',
        preset: 'demo',
        at: { step: 'drain', scope: 'host' },
        blocked: { host: 16 },
      },
      {
        title: 'Waiting for commands in flight',
        text: 'Here a READ to 0:0:2:1 was in flight when the host stopped, and it times out too. Until its own abort ends it, host_failed cannot equal scsi_host_busy(), the handler cannot start, and all sixteen LUNs wait about 3.5 s before any reset is sent.',
        preset: 'demo',
        faults: [{ lun: '0:0:2:1', kind: 'timeout', at: 8.5 }],
        at: { step: 'drain', scope: 'host', after: 2 },
        blocked: { host: 16 },
      },
      {
        title: 'A reset for one LUN, a stall for sixteen',
        text: 'scsi_eh_bus_device_reset() sends the LUN reset to 0:0:0:0 and waits for it (2 s here), then a TEST UNIT READY. The fifteen healthy LUNs take no I/O all this time: they are blocked by the host, for a reset aimed at one LUN.',
        preset: 'demo',
        at: { step: 'lun-reset', scope: 'host' },
        blocked: { host: 16 },
      },
      {
        title: 'The settle sleeps',
        text: 'When the LUN and target resets fail, scsi_eh_bus_reset() resets the bus, and scsi_try_bus_reset() then sleeps BUS_RESET_SETTLE_TIME, 10 s, with the whole host still stopped. A host reset would add HOST_RESET_SETTLE_TIME, 10 s more. The healthy LUNs of this 2 x 2 host lose about 11.5 s of I/O.',
        preset: 'host-bus-reset',
        at: { step: 'settle', scope: 'host', after: 1 },
        blocked: { host: 4 },
      },
      {
        title: 'The same fault, recovered at LUN scope',
        text: "With the series, a LUN-scoped device's error goes to scsi_device_eh_scmd_add(), which stops only that device's queue (blk_mq_quiesce_queue_nowait()). The same abort and LUN reset run, and the fifteen other LUNs keep their 40 reads/s throughout.",
        preset: 'demo',
        scope: 'lun',
        at: { step: 'lun-reset', scope: 'lun' },
        blocked: { lun: 1 },
      },
    ],
  },
  {
    id: 'cover-letter',
    title: "The cover letter's three tables, row by row",
    summary:
      'Scenario 1 (LUN scope), scenario 2 (target scope) and scenario 3 (both), as kernel/guest/tests set them up on scsi_debug; each pauses where the widest recovery of the row starts.',
    steps: [
      row('s1-lun-ok-tur-ok', 'lun', { lun: 1 }),
      row('s1-lun-ok-tur-fails', 'host', { host: 8 }),
      row('s1-lun-fails', 'host', { host: 8 }),
      row('s2-lun-ok-tur-ok', 'target', { target: 4 }),
      row('s2-lun-ok-tur-fails', 'target', { target: 4 }),
      row('s2-lun-fails', 'target', { target: 4 }),
      row('s2-lun-fails-tur-fails', 'host', { host: 8 }),
      row('s2-target-fails', 'host', { host: 8 }),
      row('s3-lun-ok-tur-ok', 'lun', { lun: 1 }),
      row('s3-lun-ok-tur-fails', 'target', { target: 4 }),
      row('s3-lun-fails', 'target', { target: 4 }),
      row('s3-lun-fails-tur-fails', 'host', { host: 8 }),
      row('s3-target-fails', 'host', { host: 8 }),
    ],
  },
  {
    id: 'escalation',
    title: 'Escalation: LUN, then target, then host',
    summary:
      'Scenario 3, row 5: the abort, the LUN reset and the target reset fail; each recovery hands its commands to the next wider one.',
    steps: [
      {
        title: 'The LUN alone',
        text: 'Both scopes are on. The timed-out command goes to scsi_device_eh_scmd_add(): only 0:0:0:0 stops, and its own ladder runs the abort (it fails).',
        preset: 's3-target-fails',
        at: { step: 'abort', scope: 'lun' },
        blocked: { lun: 1 },
      },
      {
        title: 'The LUN reset',
        text: 'scsi_eh_sdev_reset() sends the LUN reset. It fails: this LUN cannot be recovered on its own.',
        preset: 's3-target-fails',
        at: { step: 'lun-reset', scope: 'lun' },
        blocked: { lun: 1 },
      },
      {
        title: 'To the target',
        text: "The LUN's recovery hands its commands to the target's (scsi_target_eh_scmd_add()), and scsi_target_eh_block() stops the target's four LUNs. The other target's four LUNs keep running.",
        preset: 's3-target-fails',
        at: { step: 'target-reset', scope: 'target' },
        blocked: { target: 4 },
      },
      {
        title: 'To the host',
        text: "The target reset fails too. The target's recovery falls back to the host: scsi_eh_scmd_add(), SHOST_RECOVERY, and all eight LUNs stop. 6.12's ladder runs from its first step; here the LUN reset succeeds (the fault failed only one).",
        preset: 's3-target-fails',
        at: { step: 'lun-reset', scope: 'host' },
        blocked: { host: 8 },
      },
      {
        title: 'The same row under host scope alone',
        text: 'For comparison: without the series every device stops at the first failed abort, and stays stopped through every step.',
        preset: 's3-target-fails',
        scope: 'host',
        at: { step: 'lun-reset', scope: 'host' },
        blocked: { host: 8 },
      },
    ],
  },
  {
    id: 'many-luns',
    title: "Many LUNs failing at once, and the host's TMF bound",
    summary:
      "kernel/'s benchmark, multi part: one LUN on each of 8 targets times out, one after another. Host recovery takes them together; LUN ladders run on their own, at most max_scoped_eh_tmfs at a time.",
    steps: [
      {
        title: 'Host scope: one recovery for all',
        text: 'Each failed abort adds its command to the host. The host stays in recovery while more LUNs fail, and all sixteen LUNs stop until the last one is recovered.',
        preset: 'multi-8-host',
        at: { step: 'lun-reset', scope: 'host' },
        blocked: { host: 16 },
      },
      {
        title: 'LUN scope, one TMF at a time',
        text: 'With max_scoped_eh_tmfs 1, the second failing LUN waits in scsi_eh_scope_tmf_get() for the first ladder to give its slot back. Only the failing LUNs stop; the waiting one stays stopped longer.',
        preset: 'multi-8-lun-bound-1',
        at: { step: 'tmf-slot', scope: 'lun', after: 1 },
        // the LUN in its ladder, and the one waiting for the slot
        blocked: { lun: 2 },
      },
      {
        title: 'LUN scope, four TMFs at a time',
        text: "With a bound of 4, four ladders send their TMFs side by side and the eight LUNs are recovered about three times sooner. The bound is what keeps many failing LUNs from flooding the HBA's TMF resources.",
        preset: 'multi-8-lun-bound-4',
        at: { step: 'lun-reset', scope: 'lun', nth: 4 },
        blocked: { lun: 3 },
      },
    ],
  },
  {
    id: 'drivers',
    title: "The cover letter's drivers and their missing resets",
    summary:
      'Which eh_*_handler a driver registers decides the ladder: a missing reset is skipped, and a scope whose reset is missing is not offered.',
    steps: [
      {
        title: 'mpt3sas: no bus reset',
        text: 'A JBOD of 60 SAS disks, one target each. mpt3sas has device, target and host reset but no bus reset. Scoped recovery: the LUN reset fails (the device is busy), the target reset recovers it, and only that disk ever stops.',
        preset: 'jbod-mpt3sas',
        at: { step: 'target-reset', scope: 'target' },
        blocked: { target: 1 },
      },
      {
        title: 'smartpqi: the abort is a LUN reset',
        text: 'pqi_eh_abort_handler() queues a LUN reset for the command and waits for the command: the abort succeeds and the LUN ladder ends there. smartpqi has no target, bus or host reset.',
        preset: 'smartpqi-abort-is-lun-reset',
        at: { step: 'abort', scope: 'lun' },
        blocked: { lun: 1 },
      },
      {
        title: 'smartpqi: when the LUN reset fails',
        text: "The abort waits for the command with no timeout: if the LUN reset fails, it waits for ever, holding the LUN and the host's only TMF slot. A second failing LUN then waits for the slot.",
        preset: 'smartpqi-lun-reset-fails',
        at: 20,
        // the hung LUN, and the second one waiting for the slot
        blocked: { lun: 2 },
      },
      {
        title: 'megaraid_sas: no LUN reset',
        text: 'megaraid_sas registers no eh_device_reset_handler, so it is offered target scope: the ladder goes from the abort straight to the target reset.',
        preset: 'megaraid-no-lun-reset',
        at: { step: 'target-reset', scope: 'target' },
        blocked: { target: 2 },
      },
      {
        title: 'virtio_scsi under 6.12',
        text: 'virtscsi_eh_timed_out() re-arms the timer: under host scope a command that never answers never reaches recovery, and the read waits as long as the device does.',
        preset: 'virtio-host-scope',
        at: 20,
        // the read waits on the device; nothing is blocked
        blocked: {},
      },
      {
        title: 'virtio_scsi with LUN scope',
        text: 'With the series, a timeout on a LUN-scoped virtio disk goes to its own ladder: abort, LUN reset, and the other three LUNs keep running.',
        preset: 'virtio-lun-scope',
        at: { step: 'lun-reset', scope: 'lun' },
        blocked: { lun: 1 },
      },
      {
        title: 'iscsi_tcp: one session, one target',
        text: 'An iSCSI session is one host with one target; here 64 LUNs. iscsi_tcp has no bus or host reset handler. LUN scope keeps the 63 healthy LUNs running while one is reset.',
        preset: 'iscsi-many-luns',
        at: { step: 'lun-reset', scope: 'lun' },
        blocked: { lun: 1 },
      },
    ],
  },
  {
    id: 'others',
    title: 'How other systems recover one failing disk',
    summary:
      "One fault, kernel/'s demonstration (a READ on 0:0:0:0 times out, every abort fails, every TMF 2 s), under Linux, the later LUN-only series, FreeBSD CAM, Windows Storport, VMware ESXi, Linux NVMe and libata: what each one stops while it recovers. Compare policies (under the playback controls) sets any four side by side with their figures.",
    steps: [
      {
        title: 'Linux 6.12: the whole host',
        text: 'The reference: the failed abort puts the Scsi_Host in SHOST_RECOVERY, and all 16 LUNs wait while scsi_unjam_host() resets one of them.',
        preset: 'demo',
        at: { step: 'lun-reset', scope: 'host' },
        blocked: { host: 16 },
      },
      {
        title: 'The later LUN-only series',
        text: "The series' last form drops the target level: the LUN's own ladder (abort, LUN reset, TUR) with only its queue quiesced; what it cannot resolve goes straight to the host. Here the LUN reset works, so the 15 others never stop.",
        preset: 'others-lun-only',
        at: { step: 'lun-reset', scope: 'lun' },
        blocked: { lun: 1 },
      },
      {
        title: 'FreeBSD CAM: the abort already makes the target busy',
        text: "mprsas_scsiio_timeout() sends ABORT TASK, and mprsas_send_abort() calls mprsas_prepare_for_tm(), which flags the target INRESET: every command to any of its four LUNs is answered CAM_BUSY and requeued. The SIM's queue goes on, so the other targets do too. The abort completes but the command is still outstanding: CAM judges each step by what is left, so it goes on.",
        preset: 'others-cam',
        at: { step: 'abort', scope: 'lun' },
        blocked: { target: 4 },
      },
      {
        title: 'FreeBSD CAM: the target stays busy through the LUN reset',
        text: 'The same task management request goes on as a LUN reset, and only mprsas_free_tm() clears INRESET, when the recovery is over: the four LUNs of the target wait from the abort to the last TM. Wider than the LUN, narrower than Linux 6.12. If the target reset left commands, mpr_reinit() would stop the whole controller.',
        preset: 'others-cam',
        at: { step: 'lun-reset', scope: 'lun' },
        blocked: { target: 4 },
      },
      {
        title: 'Windows Storport: the LU paused, no abort',
        text: 'Storport sends the miniport no abort: it pauses the logical unit queue and sends SRB_FUNCTION_RESET_LOGICAL_UNIT at once. Only that LU waits, so Storport recovers the disk two seconds sooner than the systems that try an abort first.',
        preset: 'others-storport',
        at: { step: 'lun-reset', scope: 'lun' },
        blocked: { lun: 1 },
      },
      {
        title: 'Windows Storport: a bus reset pauses the adapter',
        text: 'When the LU and the target resets fail too, HwStorResetBus resets the bus, and Storport pauses every queue of the adapter for it and its hold time: all 16 LUNs wait, as in Linux host recovery.',
        preset: 'others-storport',
        faults: [
          { lun: '0:0:0:0', kind: 'lun-reset-fails', at: 0, duration: 3600 },
          { lun: '0:0:0:0', kind: 'target-reset-fails', at: 0, duration: 3600 },
        ],
        at: { step: 'bus-reset', scope: 'host' },
        blocked: { host: 16 },
      },
      {
        title: 'VMware ESXi: a LUN reset, and only that LUN',
        text: 'The abort fails, so NMP asks a reset world for a LUN reset (Disk.UseLunReset=1; no target or bus reset by default). Only that LUN waits. One reset world takes resets in turn; once a reset runs past Disk.MaxResetLatency (2 s) another world starts, so LUNs failing together reset in parallel.',
        preset: 'others-esxi',
        at: { step: 'lun-reset', scope: 'lun' },
        blocked: { lun: 1 },
      },
      {
        title: 'Linux NVMe: the abort blocks nothing',
        text: 'nvme_timeout() polls the completion queue, then sends an Abort on the admin queue and re-arms the timer: nothing is quiesced meanwhile.',
        preset: 'others-nvme',
        at: { step: 'abort' },
        blocked: {},
      },
      {
        title: 'Linux NVMe: the controller reset stops every namespace',
        text: 'The command times out again, already aborted: nvme_dev_disable() quiesces the queues of all 16 namespaces and the controller is reset. Short (a second here), but as wide as Linux host recovery.',
        preset: 'others-nvme',
        at: { step: 'controller-reset', scope: 'host' },
        blocked: { host: 16 },
      },
      {
        title: 'Linux libata: one port',
        text: "Every ATA port is a Scsi_Host of its own (in the tree: a target, here with four devices behind a port multiplier). The port's EH hardresets the link: that port's four devices wait, the other ports go on. Repeated timeouts would turn NCQ off, then slow the link down.",
        preset: 'others-libata',
        at: { step: 'link-reset', scope: 'target' },
        blocked: { target: 4 },
      },
    ],
  },
];

function row(name: string, widest: BlockScope, blocked: LessonStep['blocked']): LessonStep {
  const sc = presets[name];
  if (!sc) throw new Error(`lessons: no preset "${name}"`);
  return {
    title: sc.name,
    text: `${sc.description ?? ''} The widest recovery this row reaches is ${widest === 'lun' ? 'the LUN' : widest === 'target' ? 'the target' : 'the host'}: look at which LUNs are blocked, and by whom. Step on (→) to see each reset and TEST UNIT READY with its result.`,
    preset: name,
    at: { widest: true },
    blocked,
  };
}

export const LESSONS: readonly Lesson[] = lessons;

export function lessonById(id: string): Lesson | null {
  return LESSONS.find((l) => l.id === id) ?? null;
}

/** The scenario a lesson step runs. */
export function stepScenario(step: LessonStep): Scenario {
  const base = presets[step.preset];
  if (!base) throw new Error(`lessons: no preset "${step.preset}"`);
  let sc = step.scope ? withScope(base, step.scope) : base;
  if (step.faults?.length) sc = { ...sc, faults: [...sc.faults, ...step.faults] };
  return sc;
}

const WIDTH: Record<BlockScope, number> = { lun: 1, target: 2, host: 3 };

/** The step of the run a moment names, or null (a plain time names none). */
export function momentStep(model: TimelineModel, m: Moment): StepBar | null {
  if (typeof m === 'number') return null;
  if ('widest' in m) {
    let best: StepBar | null = null;
    for (const s of model.steps) {
      // the first step that acts (not the wait for commands in flight, nor a skipped one)
      if (s.scope === null || s.step === 'drain' || s.result === 'skipped') continue;
      if (!best || WIDTH[s.scope] > WIDTH[best.scope!]) best = s;
    }
    return best;
  }
  let n = m.nth ?? 1;
  for (const s of model.steps) {
    if (s.step !== m.step) continue;
    if (m.scope !== undefined && s.scope !== m.scope) continue;
    if (m.on !== undefined && s.on !== m.on) continue;
    if (--n === 0) return s;
  }
  return null;
}

/** The time a moment names in a run, or null when the run has no such step. */
export function momentTime(model: TimelineModel, m: Moment): number | null {
  if (typeof m === 'number') return m;
  const s = momentStep(model, m);
  if (!s) return null;
  if (m.after !== undefined) return s.start + m.after;
  // a millisecond in, or the middle of a shorter step
  const len = s.end === null ? Infinity : s.end - s.start;
  return s.start + Math.min(0.001, len / 2);
}

/** The link of a lesson step (1-based in the URL, as people count). */
export function lessonHref(id: string, index: number): string {
  return `?lesson=${encodeURIComponent(id)}&step=${index + 1}`;
}

/** Reads `?lesson=…&step=…`; null when the URL names no lesson. */
export function lessonFromSearch(
  search: string,
): { lesson: Lesson; index: number } | { error: string } | null {
  const q = new URLSearchParams(search);
  const id = q.get('lesson');
  if (id === null) return null;
  const lesson = lessonById(id);
  if (!lesson)
    return {
      error: `This link names the lesson "${id}", which this page does not have. The lessons are: ${LESSONS.map((l) => l.id).join(', ')}.`,
    };
  const raw = q.get('step') ?? '1';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > lesson.steps.length)
    return {
      error: `This link asks for step "${raw}" of the lesson "${lesson.title}", which has steps 1 to ${lesson.steps.length}.`,
    };
  return { lesson, index: n - 1 };
}
