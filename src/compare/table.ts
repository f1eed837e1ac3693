// The compare view's table: the engine's figures for the whole run of each policy, row by
// row, with the best and the worst value of each row marked. Pure, so that the page and the
// tests read the same numbers.
import { offeredScopes, type Metrics, type Scenario, type Scope } from '../engine';

export const MIN_POLICIES = 2;
export const MAX_POLICIES = 4;

/** The policies the compare view opens with: host, lun and lun+target where offered. */
export function defaultPolicies(sc: Scenario): Scope[] {
  const offered = offeredScopes(sc);
  const preferred = (['host', 'lun', 'lun+target'] as const).filter((s) => offered.includes(s));
  // the rest of the first four Linux scopes; lun-only and the other systems are ticked by hand
  const first: readonly Scope[] = ['host', 'lun', 'target', 'lun+target'];
  const rest = offered.filter(
    (s) => first.includes(s) && !preferred.includes(s as (typeof preferred)[number]),
  );
  return [...preferred, ...rest].slice(0, 3);
}

/**
 * The policies kept when the scenario changes: those still offered, in the scope order,
 * topped up with the defaults when fewer than two remain.
 */
export function keepPolicies(policies: readonly Scope[], sc: Scenario): Scope[] {
  const offered = offeredScopes(sc);
  const kept = offered.filter((s) => policies.includes(s)).slice(0, MAX_POLICIES);
  if (kept.length >= MIN_POLICIES) return kept;
  for (const s of defaultPolicies(sc))
    if (kept.length < MIN_POLICIES && !kept.includes(s)) kept.push(s);
  return offered.filter((s) => kept.includes(s));
}

export type MetricKey =
  'availability-mean' | 'availability-worst' | 'longest-gap' | 'recovery-time' | 'eio' | 'offlined';

export interface MetricDef {
  key: MetricKey;
  label: string;
  /** which way is better */
  better: 'higher' | 'lower';
  value(m: Metrics): number | null;
  text(m: Metrics): string;
}

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
const sec = (x: number | null): string => (x === null ? '–' : `${x.toFixed(2)} s`);

export const METRICS: readonly MetricDef[] = [
  {
    key: 'availability-mean',
    label: 'healthy LUNs: availability, mean',
    better: 'higher',
    value: (m) => m.healthyAvailabilityMean,
    text: (m) => pct(m.healthyAvailabilityMean),
  },
  {
    key: 'availability-worst',
    label: 'healthy LUNs: availability, worst',
    better: 'higher',
    value: (m) => m.healthyAvailabilityWorst,
    text: (m) => pct(m.healthyAvailabilityWorst),
  },
  {
    key: 'longest-gap',
    label: 'healthy LUNs: longest gap',
    better: 'lower',
    value: (m) => m.healthyLongestGap,
    text: (m) => sec(m.healthyLongestGap),
  },
  {
    key: 'recovery-time',
    label: 'failing LUN: recovery time',
    better: 'lower',
    value: (m) => m.recoveryTime,
    text: (m) => sec(m.recoveryTime),
  },
  {
    key: 'eio',
    label: 'I/O failed with EIO',
    better: 'lower',
    value: (m) => m.eio,
    text: (m) => String(m.eio),
  },
  {
    key: 'offlined',
    label: 'devices offlined',
    better: 'lower',
    value: (m) => m.offlined.length,
    text: (m) => (m.offlined.length ? m.offlined.join(', ') : 'none'),
  },
];

export type Mark = 'best' | 'worst' | null;

export interface Cell {
  scope: Scope;
  /** null: no figure (the run is not done, or the figure does not apply) */
  value: number | null;
  text: string;
  mark: Mark;
}

export interface Row {
  key: MetricKey;
  label: string;
  better: 'higher' | 'lower';
  cells: Cell[];
}

/**
 * The table for the policies in order; `summaries` maps a policy to its run's figures (absent
 * while the run goes on). A row marks its best and worst values once every run is done and
 * the values differ; ties share the mark.
 */
export function compareTable(
  policies: readonly Scope[],
  summaries: Partial<Record<Scope, Metrics | null>>,
): Row[] {
  const complete = policies.every((p) => summaries[p]);
  return METRICS.map((def) => {
    const cells: Cell[] = policies.map((scope) => {
      const m = summaries[scope];
      return m
        ? { scope, value: def.value(m), text: def.text(m), mark: null }
        : { scope, value: null, text: '…', mark: null };
    });
    const values = cells.map((c) => c.value).filter((v): v is number => v !== null);
    if (complete && values.length >= 2) {
      const hi = Math.max(...values);
      const lo = Math.min(...values);
      if (hi !== lo) {
        const best = def.better === 'higher' ? hi : lo;
        const worst = def.better === 'higher' ? lo : hi;
        for (const c of cells)
          if (c.value === best) c.mark = 'best';
          else if (c.value === worst) c.mark = 'worst';
      }
    }
    return { key: def.key, label: def.label, better: def.better, cells };
  });
}
