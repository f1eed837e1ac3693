// Scenario files: what to simulate. A typed validator refuses a bad file with the field and
// the reason, and fills in the kernel's defaults.
import { FAULT_KINDS, SCOPES, isSystemPolicy, type FaultKind, type Scope } from './stream';
import { DRIVER_NAMES, driverOffers, driverProfile, type DriverName } from './drivers';

export const SCENARIO_VERSION = 1 as const;

/** Limits the engine accepts (the page may set lower ones). */
export const LIMITS = {
  luns: 16384,
  duration: 24 * 3600,
  rate: 100000,
  queueDepth: 1024,
  faults: 10000,
  channels: 8,
  targets: 4096,
  lunsPerTarget: 4096,
  hosts: 64,
} as const;

export interface Workload {
  /** I/O per second offered by the application (fio's rate_iops) */
  rate: number;
  /** Commands the application keeps outstanding at most (fio's iodepth); an arrival beyond it is missed */
  queueDepth: number;
  /** Share of reads, 0..1 */
  readFraction: number;
  /**
   * Behind its schedule (a stall), the application submits at once until it has caught up,
   * as fio's rate_iops does; false: an arrival that finds queueDepth outstanding is lost.
   */
  catchUp: boolean;
}

/** fio-like: 40 reads per second, one outstanding, catching up after a stall */
export const DEFAULT_WORKLOAD: Workload = {
  rate: 40,
  queueDepth: 1,
  readFraction: 1,
  catchUp: true,
};

/** Each LUN's offered I/O per second ("H:C:T:L" -> rate), as the engine sets it up. */
export function offeredRates(sc: Scenario): Map<string, number> {
  const out = new Map<string, number>();
  sc.hosts.forEach((h, hi) => {
    const overrides = new Map((h.overrides ?? []).map((o) => [o.lun, o]));
    for (let c = 0; c < (h.channels ?? 1); c++)
      for (let t = 0; t < h.targets; t++)
        for (let l = 0; l < h.lunsPerTarget; l++) {
          const ov = overrides.get(`${c}:${t}:${l}`);
          const rate = ov?.workload?.rate ?? h.workload?.rate ?? DEFAULT_WORKLOAD.rate;
          out.set(`${hi}:${c}:${t}:${l}`, rate);
        }
  });
  return out;
}

/** Every timing is a parameter with the kernel's default (seconds). */
export interface Timings {
  /** sd's command timeout, SD_TIMEOUT (sysfs device/timeout) */
  cmdTimeout: number;
  /**
   * How late a command's timer fires after its deadline: the queue's one timer is armed
   * for the earliest deadline it knows of (blk_mq_timeout_work), or up to a second later
   * when it is armed afresh (blk_add_timer); 0 to 1 s in the kernel's runs, the model
   * takes the middle
   */
  timerSlack: number;
  /** scsi_abort_command queues the abort HZ/100 later */
  abortDelay: number;
  /** sdev->eh_timeout: how long an EH command (TUR, START UNIT) may take */
  ehTimeout: number;
  /** BUS_RESET_SETTLE_TIME */
  busSettle: number;
  /** HOST_RESET_SETTLE_TIME */
  hostSettle: number;
  /** sd's allowed retries (SD_MAX_RETRIES) */
  retries: number;
  /** How long the driver takes for one abort or reset (scsi_debug: tmf_delay_ms) */
  tmf: number;
  /** Service time of one command */
  ioLatency: number;
  /** Period of the per-LUN I/O counts in the stream */
  tick: number;
  /**
   * From the last failed command to the handler running: the RCU grace period before
   * host_failed (or sdev->eh.failed) counts it, and the wake-up or queue_work hop
   */
  wakeDelay: number;
}

export const KERNEL_TIMINGS: Omit<Timings, 'tmf' | 'ioLatency'> = {
  cmdTimeout: 30,
  timerSlack: 0.5,
  abortDelay: 0.01,
  ehTimeout: 10,
  busSettle: 10,
  hostSettle: 10,
  retries: 5,
  tick: 0.1,
  wakeDelay: 0.004,
};

export interface LunOverride {
  /** "C:T:L" inside the host */
  lun: string;
  scope?: Scope;
  workload?: Partial<Workload>;
}

export interface HostSpec {
  driver: DriverName;
  /** eh_scope of every device of this host; default: the driver's */
  scope?: Scope;
  /** max_scoped_eh_tmfs; default: the driver's */
  tmfBound?: number;
  /** eh_deadline in seconds, or null for off (the default) */
  ehDeadline?: number | null;
  channels?: number;
  targets: number;
  lunsPerTarget: number;
  workload?: Partial<Workload>;
  overrides?: LunOverride[];
  timings?: Partial<Timings>;
}

export interface FaultSpec {
  /** "H:C:T:L" */
  lun: string;
  kind: FaultKind;
  /** seconds of virtual time */
  at: number;
  /** how many times it fires (default 1, or unlimited with a duration) */
  count?: number;
  /** active for this long, seconds */
  duration?: number;
  /**
   * For a timeout: the device answers no command at all, TEST UNIT READY included
   * (scsi_debug's rule with opcode 0xff); by default only reads and writes (0x28, 0x2a).
   */
  allCommands?: boolean;
}

export interface Scenario {
  version: typeof SCENARIO_VERSION;
  name: string;
  description?: string;
  seed?: number;
  /** seconds of virtual time to run */
  duration: number;
  hosts: HostSpec[];
  faults: FaultSpec[];
  /** overrides for every host */
  timings?: Partial<Timings>;
}

export interface FieldError {
  field: string;
  reason: string;
}

/**
 * A value as an error message can show it: JSON where it has one, cut to 60 characters.
 * Never throws, whatever the value (an object whose toString is not a function, a BigInt,
 * a cycle), because the message about bad input must not become a second fault.
 */
export function shown(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? typeof v;
  } catch {
    text = typeof v;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export class ScenarioError extends Error {
  constructor(public readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.reason}`).join('; '));
    this.name = 'ScenarioError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  errors: FieldError[] = [];
  fail(field: string, reason: string): void {
    if (this.errors.length < 50) this.errors.push({ field, reason });
  }
  num(
    o: Obj,
    key: string,
    path: string,
    opts: { min?: number; max?: number; int?: boolean; optional?: boolean; gt?: number },
  ): number | undefined {
    const v = o[key];
    const f = path ? `${path}.${key}` : key;
    if (v === undefined) {
      if (!opts.optional) this.fail(f, 'is required');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.fail(f, `must be a finite number, got ${shown(v)}`);
      return undefined;
    }
    if (opts.int && !Number.isInteger(v)) this.fail(f, `must be a whole number, got ${v}`);
    else if (opts.min !== undefined && v < opts.min)
      this.fail(f, `must be at least ${opts.min}, got ${v}`);
    else if (opts.gt !== undefined && v <= opts.gt)
      this.fail(f, `must be more than ${opts.gt}, got ${v}`);
    else if (opts.max !== undefined && v > opts.max)
      this.fail(f, `must be at most ${opts.max}, got ${v}`);
    else return v;
    return undefined;
  }
  oneOf<T extends string>(
    o: Obj,
    key: string,
    path: string,
    choices: readonly T[],
    optional: boolean,
  ): T | undefined {
    const v = o[key];
    const f = path ? `${path}.${key}` : key;
    if (v === undefined) {
      if (!optional) this.fail(f, 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
      this.fail(f, `must be one of ${choices.join(', ')}; got ${shown(v)}`);
      return undefined;
    }
    return v as T;
  }
  unknownKeys(o: Obj, path: string, known: string[]): void {
    for (const k of Object.keys(o))
      if (!known.includes(k)) {
        // a key that reads as nothing (empty, spaces, control characters) is quoted
        const name = /^[\w$.-]+$/.test(k) ? k : JSON.stringify(k);
        this.fail(path ? `${path}.${name}` : name, 'is not a known field');
      }
  }
}

function checkWorkload(c: Checker, v: unknown, path: string): void {
  if (v === undefined) return;
  if (!isObj(v)) return c.fail(path, 'must be an object');
  c.unknownKeys(v, path, ['rate', 'queueDepth', 'readFraction', 'catchUp']);
  if (v.catchUp !== undefined && typeof v.catchUp !== 'boolean')
    c.fail(`${path}.catchUp`, 'must be true or false');
  c.num(v, 'rate', path, { min: 0, max: LIMITS.rate, optional: true });
  c.num(v, 'queueDepth', path, { min: 1, max: LIMITS.queueDepth, int: true, optional: true });
  c.num(v, 'readFraction', path, { min: 0, max: 1, optional: true });
}

const TIMING_KEYS: (keyof Timings)[] = [
  'wakeDelay',
  'cmdTimeout',
  'timerSlack',
  'abortDelay',
  'ehTimeout',
  'busSettle',
  'hostSettle',
  'retries',
  'tmf',
  'ioLatency',
  'tick',
];

function checkTimings(c: Checker, v: unknown, path: string): void {
  if (v === undefined) return;
  if (!isObj(v)) return c.fail(path, 'must be an object');
  c.unknownKeys(v, path, TIMING_KEYS);
  for (const k of TIMING_KEYS) {
    if (k === 'retries') c.num(v, k, path, { min: 0, max: 100, int: true, optional: true });
    else if (k === 'cmdTimeout' || k === 'ehTimeout' || k === 'tick' || k === 'ioLatency')
      c.num(v, k, path, { gt: 0, max: 3600, optional: true });
    else c.num(v, k, path, { min: 0, max: 3600, optional: true });
  }
}

/** A LUN address "H:C:T:L" split into numbers, or null. */
export function parseLunId(s: string): [number, number, number, number] | null {
  const m = /^(\d{1,5}):(\d{1,5}):(\d{1,5}):(\d{1,5})$/.exec(s);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
}

/**
 * Checks a parsed JSON value as a scenario. Returns the scenario (typed) or throws a
 * ScenarioError listing every field that is wrong and why.
 */
export function validateScenario(input: unknown): Scenario {
  const c = new Checker();
  if (!isObj(input))
    throw new ScenarioError([{ field: '(file)', reason: 'must be a JSON object' }]);
  c.unknownKeys(input, '', [
    'version',
    'name',
    'description',
    'seed',
    'duration',
    'hosts',
    'faults',
    'timings',
  ]);
  if (input.version !== SCENARIO_VERSION)
    c.fail(
      'version',
      `must be ${SCENARIO_VERSION}, got ${input.version === undefined ? 'nothing' : shown(input.version)}`,
    );
  if (typeof input.name !== 'string' || input.name.length === 0 || input.name.length > 200)
    c.fail('name', 'must be a string of 1 to 200 characters');
  if (input.description !== undefined && typeof input.description !== 'string')
    c.fail('description', 'must be a string');
  c.num(input, 'seed', '', { min: 0, max: 2 ** 32 - 1, int: true, optional: true });
  c.num(input, 'duration', '', { gt: 0, max: LIMITS.duration });
  checkTimings(c, input.timings, 'timings');

  const hostShapes: { channels: number; targets: number; luns: number }[] = [];
  if (!Array.isArray(input.hosts) || input.hosts.length === 0)
    c.fail('hosts', 'must be a non-empty array');
  else if (input.hosts.length > LIMITS.hosts)
    c.fail('hosts', `at most ${LIMITS.hosts} hosts, got ${input.hosts.length}`);
  else {
    let total = 0;
    input.hosts.forEach((h: unknown, i: number) => {
      const p = `hosts[${i}]`;
      if (!isObj(h)) return c.fail(p, 'must be an object');
      c.unknownKeys(h, p, [
        'driver',
        'scope',
        'tmfBound',
        'ehDeadline',
        'channels',
        'targets',
        'lunsPerTarget',
        'workload',
        'overrides',
        'timings',
      ]);
      const driver = c.oneOf(h, 'driver', p, DRIVER_NAMES, false);
      const profile = driver ? driverProfile(driver) : undefined;
      const scope = c.oneOf(h, 'scope', p, SCOPES, true);
      if (profile && scope && !driverOffers(profile, scope))
        c.fail(`${p}.scope`, `${driver} offers ${profile.scopes.join(', ')}; not ${scope}`);
      const hostScope = scope ?? profile?.defaultScope;
      c.num(h, 'tmfBound', p, { min: 1, max: 256, int: true, optional: true });
      if (h.ehDeadline !== null) c.num(h, 'ehDeadline', p, { min: 0, max: 3600, optional: true });
      const channels =
        c.num(h, 'channels', p, { min: 1, max: LIMITS.channels, int: true, optional: true }) ?? 1;
      const targets = c.num(h, 'targets', p, { min: 1, max: LIMITS.targets, int: true }) ?? 0;
      const lpt =
        c.num(h, 'lunsPerTarget', p, { min: 1, max: LIMITS.lunsPerTarget, int: true }) ?? 0;
      total += channels * targets * lpt;
      hostShapes[i] = { channels, targets, luns: lpt };
      checkWorkload(c, h.workload, `${p}.workload`);
      checkTimings(c, h.timings, `${p}.timings`);
      if (h.overrides !== undefined) {
        if (!Array.isArray(h.overrides)) c.fail(`${p}.overrides`, 'must be an array');
        else
          h.overrides.forEach((o: unknown, j: number) => {
            const q = `${p}.overrides[${j}]`;
            if (!isObj(o)) return c.fail(q, 'must be an object');
            c.unknownKeys(o, q, ['lun', 'scope', 'workload']);
            const parts = typeof o.lun === 'string' ? /^(\d+):(\d+):(\d+)$/.exec(o.lun) : null;
            if (!parts) c.fail(`${q}.lun`, 'must be "C:T:L" inside the host');
            else if (
              Number(parts[1]) >= channels ||
              Number(parts[2]) >= targets ||
              Number(parts[3]) >= lpt
            )
              c.fail(
                `${q}.lun`,
                `${String(o.lun)} is not in this host (${channels} channel(s) x ${targets} target(s) x ${lpt} LUN(s))`,
              );
            const s = c.oneOf(o, 'scope', q, SCOPES, true);
            if (profile && s && !driverOffers(profile, s))
              c.fail(`${q}.scope`, `${driver} offers ${profile.scopes.join(', ')}; not ${s}`);
            // another system's recovery is the host's as a whole: no device mixes it with Linux's
            else if (
              s &&
              hostScope &&
              s !== hostScope &&
              (isSystemPolicy(s) || isSystemPolicy(hostScope))
            )
              c.fail(
                `${q}.scope`,
                `the host is recovered by ${hostScope}; a device cannot be ${s}`,
              );
            checkWorkload(c, o.workload, `${q}.workload`);
          });
      }
    });
    if (total > LIMITS.luns)
      c.fail('hosts', `${total} LUNs in all; the engine takes at most ${LIMITS.luns}`);
  }

  if (!Array.isArray(input.faults)) c.fail('faults', 'must be an array (it may be empty)');
  else if (input.faults.length > LIMITS.faults)
    c.fail('faults', `at most ${LIMITS.faults} faults, got ${input.faults.length}`);
  else
    input.faults.forEach((f: unknown, i: number) => {
      const p = `faults[${i}]`;
      if (!isObj(f)) return c.fail(p, 'must be an object');
      c.unknownKeys(f, p, ['lun', 'kind', 'at', 'count', 'duration', 'allCommands']);
      if (f.allCommands !== undefined && typeof f.allCommands !== 'boolean')
        c.fail(`${p}.allCommands`, 'must be true or false');
      if (f.allCommands !== undefined && f.kind !== 'timeout')
        c.fail(`${p}.allCommands`, 'goes only with kind timeout');
      const id = typeof f.lun === 'string' ? parseLunId(f.lun) : null;
      if (!id) c.fail(`${p}.lun`, 'must be "H:C:T:L"');
      else {
        const shape = hostShapes[id[0]];
        if (
          Array.isArray(input.hosts) &&
          (!shape || id[1] >= shape.channels || id[2] >= shape.targets || id[3] >= shape.luns)
        )
          c.fail(`${p}.lun`, `${String(f.lun)} is not a LUN of the topology`);
      }
      c.oneOf(f, 'kind', p, FAULT_KINDS, false);
      c.num(f, 'at', p, { min: 0, max: LIMITS.duration });
      c.num(f, 'count', p, { min: 1, max: 1e6, int: true, optional: true });
      c.num(f, 'duration', p, { gt: 0, max: LIMITS.duration, optional: true });
    });

  if (c.errors.length) throw new ScenarioError(c.errors);
  return input as unknown as Scenario;
}
