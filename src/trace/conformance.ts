// A recorded kernel run beside the engine's run of the same scenario: what differs. Pure.
//
// Compared: the recovery steps with their results (ladderOf), the devices blocked (and by
// which scope) when each step started, each failing LUN's outcome (retried, EIO, offline),
// and the figures: the failing LUN's recovery time within 15 % (or one I/O period, for the
// few milliseconds of a medium error), each healthy LUN's
// availability within 5 points, each healthy LUN's longest gap within 15 % (or within two
// I/O periods, the resolution fio's completions give a gap at its rate, whichever is more);
// availability and gaps only when the window holds 10 I/O periods or more.
import { analyze, ladderOf, type Analysis } from '../engine/analysis';
import { KERNEL_TIMINGS, type Scenario, type Timings } from '../engine/scenario';
import type { Metrics, NodeId, Transition } from '../engine/stream';

export interface Divergence {
  /** what differs: "ladder", "blocked@N step", "outcome L", "recovery L", "availability L", "gap L" */
  aspect: string;
  /** the kernel's */
  expected: string;
  /** the engine's */
  got: string;
}

export interface Tolerances {
  recovery: number;
  availability: number;
  gap: number;
  /** the I/O rate of a LUN (for the gap's floor) */
  rate: number;
}

/** Fewer I/O than this expected in the window: availability and gaps are not compared */
export const MIN_IOS = 10;

export const TOLERANCES: Omit<Tolerances, 'rate'> = {
  recovery: 0.15,
  availability: 0.05,
  gap: 0.15,
};

const metricsOf = (ts: readonly Transition[]): Metrics => {
  const m = ts.find((t) => t.type === 'metrics');
  if (!m || m.type !== 'metrics') throw new Error('the stream has no metrics');
  return m.metrics;
};

function blockedAt(a: Analysis): string[] {
  return a.steps
    .filter(
      (s) =>
        s.step !== 'drain' && s.step !== 'tmf-slot' && s.result !== null && s.result !== 'skipped',
    )
    .map((s) =>
      [...s.blocked]
        .map(([on, by]) => `${on}=${by}`)
        .sort()
        .join(' '),
    );
}

/** retried / eio / offline / unresolved, per failing LUN */
export function outcomes(ts: readonly Transition[], failing: NodeId[]): Map<NodeId, string> {
  const out = new Map<NodeId, string>();
  const a = analyze(ts);
  for (const on of failing) {
    const ev = ts.flatMap((t) => (t.type === 'cmd' && t.on === on ? [t.event] : []));
    let o = 'unresolved';
    if (ev.includes('completed-after-retry')) o = 'retried';
    if (ev.includes('eio') || ev.includes('medium-error')) o = 'eio';
    if (a.finalStates.get(on) === 'offline') o = 'offline';
    out.set(on, o);
  }
  return out;
}

const pct = (x: number | null): string => (x === null ? 'none' : `${(100 * x).toFixed(1)} %`);
const sec = (x: number | null): string => (x === null ? 'none' : `${x.toFixed(3)} s`);

export function compare(
  kernel: readonly Transition[],
  engine: readonly Transition[],
  tol: Tolerances,
): Divergence[] {
  const d: Divergence[] = [];
  const ka = analyze(kernel);
  const ea = analyze(engine);
  const kl = ladderOf(ka);
  const el = ladderOf(ea);
  if (kl.join(' ') !== el.join(' '))
    d.push({ aspect: 'ladder', expected: kl.join(' '), got: el.join(' ') });
  else {
    const kb = blockedAt(ka);
    const eb = blockedAt(ea);
    kb.forEach((b, i) => {
      if (b !== eb[i])
        d.push({
          aspect: `blocked@${i} ${kl[i]}`,
          expected: b || '(none)',
          got: eb[i] || '(none)',
        });
    });
  }
  const km = metricsOf(kernel);
  const em = metricsOf(engine);
  const failing = km.luns.filter((l) => l.failing).map((l) => l.on);
  const ko = outcomes(kernel, failing);
  const eo = outcomes(engine, failing);
  for (const on of failing)
    if (ko.get(on) !== eo.get(on))
      d.push({ aspect: `outcome ${on}`, expected: ko.get(on)!, got: eo.get(on)! });
  for (const kl2 of km.luns) {
    const el2 = em.luns.find((l) => l.on === kl2.on);
    if (!el2) {
      d.push({ aspect: `lun ${kl2.on}`, expected: 'present', got: 'absent' });
      continue;
    }
    if (kl2.failing) {
      const k = kl2.recoveryTime;
      const e = el2.recoveryTime;
      if (
        k === null || e === null
          ? k !== e
          : Math.abs(e - k) > Math.max(tol.recovery * k, 1 / tol.rate)
      )
        d.push({ aspect: `recovery ${kl2.on}`, expected: sec(k), got: sec(e) });
      continue;
    }
    // a window of a few I/O periods (a medium error) says nothing of availability
    const win = km.recoveryWindow ? km.recoveryWindow[1] - km.recoveryWindow[0] : 0;
    if (win * tol.rate < MIN_IOS) continue;
    const ka2 = kl2.availability;
    const ea2 = el2.availability;
    if (ka2 === null || ea2 === null ? ka2 !== ea2 : Math.abs(ea2 - ka2) > tol.availability)
      d.push({ aspect: `availability ${kl2.on}`, expected: pct(ka2), got: pct(ea2) });
    const floor = 2 / tol.rate;
    if (Math.abs(el2.longestGap - kl2.longestGap) > Math.max(tol.gap * kl2.longestGap, floor))
      d.push({ aspect: `gap ${kl2.on}`, expected: sec(kl2.longestGap), got: sec(el2.longestGap) });
  }
  return d;
}

/** The delays the kernel counts in jiffies. */
const JIFFY_TIMINGS = [
  'cmdTimeout',
  'timerSlack',
  'abortDelay',
  'ehTimeout',
  'busSettle',
  'hostSettle',
  'tmf',
] as const satisfies readonly (keyof Timings)[];

/**
 * The scenario on a recorded guest's clock: a guest whose periodic tick lost interrupts
 * (tickRate below 1, QEMU TCG on a loaded host) waited 1/tickRate times longer for each
 * jiffies-based delay than it asked for, while its time stamps kept the true time.
 */
export function onGuestClock(sc: Scenario, tickRate: number): Scenario {
  const out = structuredClone(sc);
  const base: Partial<Timings> = { ...KERNEL_TIMINGS, ...sc.timings };
  const t: Partial<Timings> = { ...sc.timings };
  for (const k of JIFFY_TIMINGS) {
    const v = base[k];
    if (v !== undefined) t[k] = Math.round((v / tickRate) * 1e6) / 1e6;
  }
  out.timings = t;
  for (const h of out.hosts)
    if (h.timings)
      for (const k of JIFFY_TIMINGS) {
        const v = h.timings[k];
        if (v !== undefined) h.timings[k] = Math.round((v / tickRate) * 1e6) / 1e6;
      }
  return out;
}
