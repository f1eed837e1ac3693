// Ready-made scenarios: the cover letter's 13 rows, the Linux 6.12 host ladder cases,
// kernel/'s demonstration, and a few real-world shapes.
import type { FaultSpec, HostSpec, Scenario } from './scenario';
import type { FaultKind, Scope } from './stream';

const FAILING = '0:0:0:0';

function fault(kind: FaultKind, at: number, extra: Partial<FaultSpec> = {}): FaultSpec {
  return { lun: FAILING, kind, at, ...extra };
}
/** A fault that keeps firing (scsi_debug's rule with a positive count). */
const always = (kind: FaultKind, at: number): FaultSpec => fault(kind, at, { duration: 3600 });

/** scsi_debug with fio-like 40 reads/s on every LUN (2 x 2 unless told otherwise). */
function debugHost(scope: Scope, extra: Partial<HostSpec> = {}): HostSpec {
  return {
    driver: 'scsi_debug',
    scope,
    targets: 2,
    lunsPerTarget: 2,
    workload: { rate: 40, queueDepth: 1, readFraction: 1 },
    ...extra,
  };
}

// A cover-letter row, set up as kernel/guest/tests/07-09 and 16-25 set it up on scsi_debug
// (2 targets x 4 LUNs, timeout 2 s on 0:0:0:0, whose next READ gets no answer; the abort
// fails once; "lun" fails the next LUN reset, "target" every target reset (fail_reset=Y),
// "tur" the next TEST UNIT READY), with 40 reads/s on every LUN and every TMF slowed to
// 0.5 s (tmf_delay_ms=500) so that the blocking shows.
function row(name: string, scope: Scope, description: string, faults: FaultSpec[]): Scenario {
  return {
    version: 1,
    name,
    description,
    duration: 20,
    timings: { cmdTimeout: 2, tmf: 0.5 },
    hosts: [debugHost(scope, { lunsPerTarget: 4 })],
    faults: [fault('timeout', 2), fault('abort-fails', 0), ...faults],
  };
}

const lunOkTurOk: FaultSpec[] = [];
const lunOkTurFails: FaultSpec[] = [fault('tur-fails', 0)];
const lunFails: FaultSpec[] = [fault('lun-reset-fails', 0)];
const lunFailsTgtOkTurFails: FaultSpec[] = [fault('lun-reset-fails', 0), fault('tur-fails', 0)];
const lunFailsTgtFails: FaultSpec[] = [
  fault('lun-reset-fails', 0),
  always('target-reset-fails', 0),
];

export const coverLetterRows = {
  's1-lun-ok-tur-ok': row(
    'Scenario 1, row 1: LUN scope, LUN reset and TUR succeed',
    'lun',
    'Retried after the LUN reset; only the failing LUN stops.',
    lunOkTurOk,
  ),
  's1-lun-ok-tur-fails': row(
    'Scenario 1, row 2: LUN scope, TUR fails after the LUN reset',
    'lun',
    'Falls back to host recovery.',
    lunOkTurFails,
  ),
  's1-lun-fails': row(
    'Scenario 1, row 3: LUN scope, the LUN reset fails',
    'lun',
    'Falls back to host recovery.',
    lunFails,
  ),
  's2-lun-ok-tur-ok': row(
    'Scenario 2, row 1: target scope, LUN reset and TUR succeed',
    'target',
    'The target ladder resolves it with the LUN reset; no target reset.',
    lunOkTurOk,
  ),
  's2-lun-ok-tur-fails': row(
    'Scenario 2, row 2: target scope, TUR fails after the LUN reset',
    'target',
    'The target reset and its TUR resolve it.',
    lunOkTurFails,
  ),
  's2-lun-fails': row(
    'Scenario 2, row 3: target scope, the LUN reset fails',
    'target',
    'The target reset and its TUR resolve it.',
    lunFails,
  ),
  's2-lun-fails-tur-fails': row(
    'Scenario 2, row 4: target scope, LUN reset fails, TUR fails after the target reset',
    'target',
    'Falls back to host recovery.',
    lunFailsTgtOkTurFails,
  ),
  's2-target-fails': row(
    'Scenario 2, row 5: target scope, LUN and target resets fail',
    'target',
    'Falls back to host recovery.',
    lunFailsTgtFails,
  ),
  's3-lun-ok-tur-ok': row(
    'Scenario 3, row 1: lun+target, LUN reset and TUR succeed',
    'lun+target',
    'Retried after the LUN reset; the target never stops.',
    lunOkTurOk,
  ),
  's3-lun-ok-tur-fails': row(
    'Scenario 3, row 2: lun+target, TUR fails after the LUN reset',
    'lun+target',
    'LUN recovery falls back to target recovery.',
    lunOkTurFails,
  ),
  's3-lun-fails': row(
    'Scenario 3, row 3: lun+target, the LUN reset fails',
    'lun+target',
    'LUN recovery falls back to target recovery.',
    lunFails,
  ),
  's3-lun-fails-tur-fails': row(
    'Scenario 3, row 4: lun+target, LUN reset fails, TUR fails after the target reset',
    'lun+target',
    'LUN, then target, then host recovery.',
    lunFailsTgtOkTurFails,
  ),
  's3-target-fails': row(
    'Scenario 3, row 5: lun+target, LUN and target resets fail',
    'lun+target',
    'LUN, then target, then host recovery.',
    lunFailsTgtFails,
  ),
} satisfies Record<string, Scenario>;

// Linux 6.12 host recovery on scsi_debug (shared/design/linux-6.12-eh.md section 7).
function hostCase(
  name: string,
  description: string,
  faults: FaultSpec[],
  extra: Partial<HostSpec> = {},
): Scenario {
  return {
    version: 1,
    name,
    description,
    duration: 60,
    timings: { cmdTimeout: 5, tmf: 0.5 },
    hosts: [debugHost('host', extra)],
    faults,
  };
}

export const hostLadder = {
  'host-abort-ok': hostCase(
    '6.12 host: the asynchronous abort succeeds',
    'Nothing is blocked; the command is retried.',
    [fault('timeout', 2)],
  ),
  'host-lun-reset': hostCase(
    '6.12 host: the abort fails, the LUN reset succeeds',
    'Every device of the host waits for the LUN reset.',
    [fault('timeout', 2), always('abort-fails', 0)],
  ),
  'host-target-reset': hostCase(
    '6.12 host: the LUN reset fails, the target reset succeeds',
    'Every device waits for two TMFs.',
    [fault('timeout', 2), always('abort-fails', 0), always('lun-reset-fails', 0)],
  ),
  'host-bus-reset': hostCase(
    '6.12 host: the target reset fails, the bus reset runs with its settle time',
    'The bus reset adds a 10 s settle sleep.',
    [
      fault('timeout', 2),
      always('abort-fails', 0),
      always('lun-reset-fails', 0),
      always('target-reset-fails', 0),
    ],
  ),
  'host-offline': hostCase(
    '6.12 host: everything fails, the device goes offline',
    'Every reset fails; the device is offlined and the read fails with EIO.',
    [
      fault('timeout', 2),
      always('abort-fails', 0),
      always('lun-reset-fails', 0),
      always('target-reset-fails', 0),
      always('bus-reset-fails', 0),
      always('host-reset-fails', 0),
    ],
  ),
  'host-tur-offline': hostCase(
    '6.12 host: resets succeed but TEST UNIT READY keeps failing',
    'Bus reset, 10 s, host reset, 10 s, then offline (scsi_debug cannot fail its host reset).',
    [
      fault('timeout', 2),
      always('abort-fails', 0),
      always('lun-reset-fails', 0),
      always('target-reset-fails', 0),
      always('tur-fails', 0),
    ],
  ),
  'host-medium-error': hostCase(
    '6.12 host: a medium error',
    'CHECK CONDITION 03/11: the read fails at once, no recovery.',
    [fault('medium-error', 2)],
  ),
} satisfies Record<string, Scenario>;

// kernel/'s demonstration: scsi_debug, 4 targets x 4 LUNs, every abort and reset 2 s,
// fio 40 reads/s per LUN, command timeout 2 s; at 5 s the next READ on 0:0:0:0 gets no
// answer and its abort fails.
export function demo(scope: Scope): Scenario {
  return {
    version: 1,
    name:
      scope === 'host' ? 'kernel/ demonstration, 4 x 4' : `kernel/ demonstration, 4 x 4 (${scope})`,
    description: "kernel/'s demo: one failing LUN on 4 targets x 4 LUNs, every TMF 2 s.",
    duration: 20,
    timings: { cmdTimeout: 2, tmf: 2 },
    hosts: [debugHost(scope, { targets: 4, lunsPerTarget: 4 })],
    faults: [fault('timeout', 5), always('abort-fails', 0)],
  };
}

/**
 * How others recover (issue 17): the demonstration's fault (at 5 s the next READ on 0:0:0:0
 * gets no answer, every abort fails, every TMF 2 s, timeout 2 s) under another system's
 * recovery, or the series' later lun-only scope. NVMe has one controller: a target of 16
 * namespaces.
 */
export function others(scope: Scope): Scenario {
  const nvme = scope === 'nvme';
  const title = {
    host: 'Linux 6.12',
    lun: 'the series, LUN scope',
    target: 'the series, target scope',
    'lun+target': 'the series, LUN then target',
    'lun-only': 'the later LUN-only series',
    cam: 'FreeBSD CAM (mpr)',
    storport: 'Windows Storport',
    esxi: 'VMware ESXi',
    nvme: 'Linux NVMe',
    libata: 'Linux libata',
  }[scope];
  return {
    version: 1,
    name: `How others recover: ${title}`,
    description: nvme
      ? "One namespace's command times out and its abort fails, on a controller of 16 namespaces; every abort and reset 2 s."
      : "kernel/'s demo fault under another recovery: one LUN's READ times out and its abort fails, on 4 targets x 4 LUNs; every TMF 2 s.",
    duration: 20,
    timings: { cmdTimeout: 2, tmf: 2 },
    hosts: [
      debugHost(scope, nvme ? { targets: 1, lunsPerTarget: 16 } : { targets: 4, lunsPerTarget: 4 }),
    ],
    faults: [fault('timeout', 5), always('abort-fails', 0)],
  };
}

export const OTHERS: Scope[] = ['lun-only', 'cam', 'storport', 'esxi', 'nvme', 'libata'];

/** The cases of kernel/'s benchmark (guest/bench.sh): one failing LUN on 4 x 4, TMFs 2 s. */
export type BenchCase = 'abort' | 'lun' | 'lun-target';

export function benchCase(c: BenchCase, scope: Scope): Scenario {
  // helpers.sh fault_arm: abort "3 -1" (once), lun_always "4 1" (every LUN reset),
  // target fail_reset=Y (every target reset)
  const faults: FaultSpec[] = [fault('timeout', 5), fault('abort-fails', 0)];
  if (c !== 'abort') faults.push(always('lun-reset-fails', 0));
  if (c === 'lun-target') faults.push(always('target-reset-fails', 0));
  const what = {
    abort: 'the abort fails',
    lun: 'the abort and every LUN reset fail',
    'lun-target': 'the abort, every LUN reset and every target reset fail',
  }[c];
  return {
    version: 1,
    name: `kernel/ benchmark: ${what} (${scope})`,
    description: "kernel/'s benchmark case: one failing LUN on 4 targets x 4 LUNs, every TMF 2 s.",
    duration: 60,
    timings: { cmdTimeout: 2, tmf: 2 },
    hosts: [debugHost(scope, { targets: 4, lunsPerTarget: 4 })],
    faults,
  };
}

/**
 * kernel/'s benchmark, multi part: n LUNs (t:0 of targets 0..n-1) of 8 x 2 time out. The
 * guest arms the faults one LUN after the other, about 1.2 s apart under QEMU TCG
 * (kernel/docs/bench/2026-12-01/console-multi-host.txt: the READs time out at 603.2,
 * 604.4, 605.7 and 606.7 s); `stagger` is that spacing (0: all at once).
 */
export function benchMulti(n: number, scope: Scope, tmfBound: number, stagger = 1.2): Scenario {
  const faults: FaultSpec[] = [];
  for (let t = 0; t < n; t++) {
    faults.push(
      { lun: `0:0:${t}:0`, kind: 'timeout', at: 5 + t * stagger },
      { lun: `0:0:${t}:0`, kind: 'abort-fails', at: 0 },
    );
  }
  return {
    version: 1,
    name: `kernel/ benchmark: ${n} LUNs time out (${scope}, TMF bound ${tmfBound})`,
    description:
      "kernel/'s benchmark, multi part: 8 targets x 2 LUNs, every TMF 2 s, aborts fail; the faults are armed one LUN after another.",
    duration: 90,
    timings: { cmdTimeout: 2, tmf: 2 },
    hosts: [debugHost(scope, { tmfBound, targets: 8, lunsPerTarget: 2 })],
    faults,
  };
}

/** A driver's case: one host of 2 x 2 LUNs (or the shape given), the command timeout 5 s. */
function driverCase(
  name: string,
  description: string,
  host: HostSpec,
  faults: FaultSpec[],
  duration = 40,
  timings: Scenario['timings'] | null = { cmdTimeout: 5 },
): Scenario {
  return {
    version: 1,
    name,
    description,
    duration,
    ...(timings ? { timings } : {}),
    hosts: [host],
    faults,
  };
}

const timeoutAbortFails = (): FaultSpec[] => [fault('timeout', 2), always('abort-fails', 0)];

export const drivers = {
  'smartpqi-abort-is-lun-reset': driverCase(
    'smartpqi: the abort is a LUN reset',
    'pqi_eh_abort_handler queues a LUN reset and waits for the command: the abort always succeeds, and the LUN ladder ends there.',
    { driver: 'smartpqi', targets: 2, lunsPerTarget: 2 },
    timeoutAbortFails(),
    30,
  ),
  'smartpqi-lun-reset-fails': driverCase(
    'smartpqi: the LUN reset fails',
    "The abort waits for the command with no timeout; when the LUN reset fails, it waits for ever, holding the LUN and the host's only TMF slot.",
    { driver: 'smartpqi', targets: 2, lunsPerTarget: 2 },
    [
      fault('timeout', 2),
      always('lun-reset-fails', 0),
      { lun: '0:0:1:0', kind: 'timeout', at: 10 },
    ],
    60,
  ),
  'megaraid-no-lun-reset': driverCase(
    'megaraid_sas: no LUN reset',
    'megaraid_sas has no LUN reset handler: target scope goes from the abort to the target reset.',
    { driver: 'megaraid_sas', targets: 2, lunsPerTarget: 2 },
    timeoutAbortFails(),
  ),
  'virtio-host-scope': driverCase(
    'virtio_scsi under 6.12 host scope: the timeout never reaches recovery',
    'virtscsi_eh_timed_out resets the timer: the read waits as long as the device does.',
    { driver: 'virtio_scsi', scope: 'host', targets: 1, lunsPerTarget: 4 },
    [fault('timeout', 2)],
    60,
  ),
  'virtio-lun-scope': driverCase(
    'virtio_scsi with LUN scope',
    'With the series, a timeout on a LUN-scoped virtio disk goes to its own ladder.',
    { driver: 'virtio_scsi', scope: 'lun', targets: 1, lunsPerTarget: 4 },
    timeoutAbortFails(),
    30,
  ),
  'jbod-mpt3sas': driverCase(
    'A JBOD of 60 disks behind mpt3sas',
    'One failing disk of 60 SAS disks (one target each).',
    { driver: 'mpt3sas', targets: 60, lunsPerTarget: 1, workload: { rate: 100, queueDepth: 4 } },
    timeoutAbortFails(),
    60,
    null,
  ),
  'iscsi-many-luns': driverCase(
    'An iSCSI session with 64 LUNs',
    'iscsi_tcp: one session is one host with one target.',
    { driver: 'iscsi_tcp', targets: 1, lunsPerTarget: 64 },
    timeoutAbortFails(),
    60,
    null,
  ),
} satisfies Record<string, Scenario>;

/**
 * Hosts with no fault placed: the page's starting points, where the user clicks a LUN to
 * inject one. scsi_debug with kernel/'s demonstration timings (command timeout 2 s, every
 * TMF 2 s) so that a ladder fits on a screen.
 */
function playground(
  name: string,
  description: string,
  host: HostSpec,
  duration = 120,
  timings: Scenario['timings'] = { cmdTimeout: 2, tmf: 2 },
): Scenario {
  return { version: 1, name, description, duration, timings, hosts: [host], faults: [] };
}

export const playgrounds = {
  playground: playground(
    'Playground: 4 x 4 LUNs, no fault yet',
    "kernel/'s demonstration host (scsi_debug, 4 targets x 4 LUNs, 40 reads/s each, every TMF 2 s) with nothing failing: click a LUN to inject a fault.",
    debugHost('host', { targets: 4, lunsPerTarget: 4 }),
  ),
  'playground-san-8x32': playground(
    'Playground: 8 targets x 32 LUNs',
    'A SAN port: 8 targets of 32 LUNs each on scsi_debug, 20 reads/s per LUN.',
    debugHost('host', {
      targets: 8,
      lunsPerTarget: 32,
      workload: { rate: 20, queueDepth: 1, readFraction: 1 },
    }),
    60,
  ),
  'playground-1024': playground(
    'Playground: 1024 LUNs',
    'An iSCSI-sized host: 16 targets x 64 LUNs on scsi_debug, 10 reads/s per LUN.',
    debugHost('host', {
      targets: 16,
      lunsPerTarget: 64,
      workload: { rate: 10, queueDepth: 1, readFraction: 1 },
    }),
    60,
  ),
} satisfies Record<string, Scenario>;

/** The preset menu's groups, in order. */
export const presetGroups: { label: string; names: string[] }[] = [
  { label: 'Playgrounds (click a LUN)', names: Object.keys(playgrounds) },
  {
    label: "kernel/'s demonstration and benchmark",
    names: [
      'demo',
      'demo-target',
      'demo-lun',
      'demo-lun-target',
      'bench-lun-fails-host',
      'bench-lun-fails-lun-target',
      'multi-8-host',
      'multi-8-lun-bound-1',
      'multi-8-lun-bound-4',
    ],
  },
  { label: 'The cover letter, row by row', names: Object.keys(coverLetterRows) },
  { label: 'Linux 6.12 host ladder', names: Object.keys(hostLadder) },
  { label: 'Drivers', names: Object.keys(drivers) },
  { label: 'How others recover', names: OTHERS.map((s) => `others-${s}`) },
];

export const presets: Record<string, Scenario> = {
  ...playgrounds,
  demo: demo('host'),
  'demo-target': demo('target'),
  'demo-lun': demo('lun'),
  'demo-lun-target': demo('lun+target'),
  'bench-lun-fails-host': benchCase('lun', 'host'),
  'bench-lun-fails-lun-target': benchCase('lun', 'lun+target'),
  'multi-8-host': benchMulti(8, 'host', 1),
  'multi-8-lun-bound-1': benchMulti(8, 'lun', 1),
  'multi-8-lun-bound-4': benchMulti(8, 'lun', 4),
  ...coverLetterRows,
  ...hostLadder,
  ...drivers,
  ...Object.fromEntries(OTHERS.map((s) => [`others-${s}`, others(s)])),
};
