// The scenario editor: per host its driver, scope and shape (targets, LUNs per target) and
// workload; the run's length and the two timings that set the pace (command timeout, TMF
// time); the faults placed so far, each removable. A bad value is refused with its field
// named, and the scenario that runs stays the one before.
import { useState } from 'react';
import {
  DRIVER_NAMES,
  SCOPES,
  driverOffers,
  driverProfile,
  ScenarioError,
  validateScenario,
  type DriverName,
  type FieldError,
  type Scenario,
  type Scope,
} from '../engine';
import { FAULT_LABEL } from '../explain/steps';
import { loadScenario, simStore, useSim } from '../store';
import { PAGE_LIMITS, pageRefusals } from '../store/limits';

/** The page draws at most this many LUNs (the engine takes more, from the CLI). */
export const PAGE_LUN_LIMIT = PAGE_LIMITS.luns;

/**
 * The fault list shows this many faults, and this many more per click. A storm places
 * thousands; drawn all at once, its 20 000 elements were laid out and painted again with
 * every frame of the timeline's zoom.
 */
export const FAULTS_SHOWN = 100;

interface HostForm {
  driver: DriverName;
  scope: Scope;
  targets: string;
  lunsPerTarget: string;
  rate: string;
  queueDepth: string;
}
interface Form {
  duration: string;
  cmdTimeout: string;
  tmf: string;
  seed: string;
  hosts: HostForm[];
}

function formOf(sc: Scenario, seed: number): Form {
  return {
    duration: String(sc.duration),
    cmdTimeout: String(sc.timings?.cmdTimeout ?? ''),
    tmf: String(sc.timings?.tmf ?? ''),
    seed: String(seed),
    hosts: sc.hosts.map((h) => ({
      driver: h.driver,
      scope: h.scope ?? driverProfile(h.driver).defaultScope,
      targets: String(h.targets),
      lunsPerTarget: String(h.lunsPerTarget),
      rate: String(h.workload?.rate ?? ''),
      queueDepth: String(h.workload?.queueDepth ?? ''),
    })),
  };
}

/** A number field: empty means "the default", anything else must parse. */
function num(v: string): number | undefined {
  const s = v.trim();
  if (s === '') return undefined;
  return Number(s);
}

export function scenarioOf(base: Scenario, f: Form): { scenario?: Scenario; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const timings: Record<string, number> = { ...(base.timings ?? {}) };
  for (const k of ['cmdTimeout', 'tmf'] as const) {
    const v = num(f[k]);
    if (v === undefined) delete timings[k];
    else timings[k] = v;
  }
  const hosts = f.hosts.map((h, i) => {
    const old = base.hosts[i];
    const workload = { ...(old?.workload ?? {}) } as Record<string, unknown>;
    const rate = num(h.rate);
    const qd = num(h.queueDepth);
    if (rate === undefined) delete workload.rate;
    else workload.rate = rate;
    if (qd === undefined) delete workload.queueDepth;
    else workload.queueDepth = qd;
    const p = driverProfile(h.driver);
    const offered = p.scopes;
    if (!driverOffers(p, h.scope))
      errors.push({
        field: `hosts[${i}].scope`,
        reason: `${h.driver} offers ${offered.join(', ')}; not ${h.scope}`,
      });
    return {
      ...(old ?? {}),
      driver: h.driver,
      scope: h.scope,
      targets: num(h.targets) ?? NaN,
      lunsPerTarget: num(h.lunsPerTarget) ?? NaN,
      workload,
    };
  });
  const candidate = {
    ...base,
    duration: num(f.duration) ?? NaN,
    timings,
    hosts,
  };
  try {
    const sc = validateScenario(JSON.parse(JSON.stringify(candidate)) as unknown);
    errors.push(...pageRefusals(sc));
    if (errors.length) return { errors };
    return { scenario: sc, errors };
  } catch (err) {
    if (err instanceof ScenarioError) return { errors: [...errors, ...err.errors] };
    return { errors: [...errors, { field: '(scenario)', reason: String(err) }] };
  }
}

export function Editor() {
  const scenario = useSim((s) => s.scenario);
  const seed = useSim((s) => s.seed);
  const [form, setForm] = useState<Form>(() => formOf(scenario, seed));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [basis, setBasis] = useState(scenario);
  const [shown, setShown] = useState(FAULTS_SHOWN);
  // a new preset (or an injection) resets the form to what runs
  if (basis !== scenario) {
    setBasis(scenario);
    setForm(formOf(scenario, seed));
    setErrors([]);
  }

  const setHost = (i: number, patch: Partial<HostForm>): void =>
    setForm({ ...form, hosts: form.hosts.map((h, j) => (j === i ? { ...h, ...patch } : h)) });

  const apply = (): void => {
    const { scenario: next, errors: errs } = scenarioOf(scenario, form);
    const s = Number(form.seed);
    if (!Number.isInteger(s) || s < 0 || s > 2 ** 31)
      errs.push({
        field: 'seed',
        reason: `must be a whole number from 0 to 2^31, got ${form.seed}`,
      });
    setErrors(errs);
    if (!next || errs.length) return;
    const name = next.name.startsWith('Edited: ') ? next.name : `Edited: ${next.name}`;
    simStore.setState({ seed: s });
    void loadScenario({ ...next, name }, 'edited');
  };

  const removeFault = (i: number): void => {
    const next = { ...scenario, faults: scenario.faults.filter((_, j) => j !== i) };
    void loadScenario(next);
  };

  const field = (key: string) =>
    errors.find((e) => e.field === key || e.field.startsWith(`${key}.`));

  return (
    <section className="panel editor" aria-label="Scenario" data-testid="editor">
      <h2>Scenario</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        {form.hosts.map((h, i) => (
          <fieldset key={i} className="host-form">
            <legend>Host {i}</legend>
            <label>
              driver{' '}
              <select
                value={h.driver}
                data-testid={`edit-driver-${i}`}
                onChange={(e) => {
                  const driver = e.target.value as DriverName;
                  const p = driverProfile(driver);
                  setHost(i, {
                    driver,
                    scope: driverOffers(p, h.scope) ? h.scope : p.defaultScope,
                  });
                }}
              >
                {DRIVER_NAMES.map((d) => (
                  <option key={d}>{d}</option>
                ))}
              </select>
            </label>
            <label>
              scope{' '}
              <select
                value={h.scope}
                data-testid={`edit-scope-${i}`}
                onChange={(e) => setHost(i, { scope: e.target.value as Scope })}
              >
                {SCOPES.filter((s) => driverOffers(driverProfile(h.driver), s)).map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </label>
            <label>
              targets{' '}
              <input
                inputMode="numeric"
                value={h.targets}
                size={5}
                data-testid={`edit-targets-${i}`}
                aria-invalid={!!field(`hosts[${i}].targets`)}
                onChange={(e) => setHost(i, { targets: e.target.value })}
              />
            </label>
            <label>
              LUNs per target{' '}
              <input
                inputMode="numeric"
                value={h.lunsPerTarget}
                size={5}
                data-testid={`edit-luns-${i}`}
                aria-invalid={!!field(`hosts[${i}].lunsPerTarget`)}
                onChange={(e) => setHost(i, { lunsPerTarget: e.target.value })}
              />
            </label>
            <label>
              I/O per s per LUN{' '}
              <input
                inputMode="decimal"
                value={h.rate}
                size={6}
                placeholder="default"
                data-testid={`edit-rate-${i}`}
                onChange={(e) => setHost(i, { rate: e.target.value })}
              />
            </label>
            <label>
              queue depth{' '}
              <input
                inputMode="numeric"
                value={h.queueDepth}
                size={4}
                placeholder="default"
                onChange={(e) => setHost(i, { queueDepth: e.target.value })}
              />
            </label>
          </fieldset>
        ))}
        <fieldset>
          <legend>Run</legend>
          <label>
            length (s){' '}
            <input
              inputMode="decimal"
              value={form.duration}
              size={6}
              data-testid="edit-duration"
              onChange={(e) => setForm({ ...form, duration: e.target.value })}
            />
          </label>
          <label>
            command timeout (s){' '}
            <input
              inputMode="decimal"
              value={form.cmdTimeout}
              size={5}
              placeholder="30"
              onChange={(e) => setForm({ ...form, cmdTimeout: e.target.value })}
            />
          </label>
          <label>
            each TMF takes (s){' '}
            <input
              inputMode="decimal"
              value={form.tmf}
              size={5}
              placeholder="driver's"
              onChange={(e) => setForm({ ...form, tmf: e.target.value })}
            />
          </label>
          <label>
            seed{' '}
            <input
              inputMode="numeric"
              value={form.seed}
              size={8}
              onChange={(e) => setForm({ ...form, seed: e.target.value })}
            />
          </label>
        </fieldset>
        <button type="submit" data-testid="edit-apply">
          Apply and run
        </button>
      </form>
      {errors.length ? (
        <ul className="field-errors" role="alert" data-testid="edit-errors">
          {errors.map((e, i) => (
            <li key={i}>
              <code>{e.field}</code> {e.reason}
            </li>
          ))}
          <li>The scenario running is unchanged.</li>
        </ul>
      ) : null}
      <h3>Faults placed</h3>
      {scenario.faults.length === 0 ? (
        <p>None yet. Click a LUN to place one at the cursor.</p>
      ) : (
        <ul className="fault-list" data-testid="fault-list">
          {scenario.faults.slice(0, shown).map((f, i) => (
            <li key={i} data-fault={f.kind} data-lun={f.lun}>
              {f.at.toFixed(2)} s: {FAULT_LABEL[f.kind]} on {f.lun}
              {f.duration !== undefined
                ? ` for ${f.duration} s`
                : f.count && f.count > 1
                  ? ` ×${f.count}`
                  : ' (once)'}{' '}
              <button
                type="button"
                onClick={() => removeFault(i)}
                aria-label={`remove ${FAULT_LABEL[f.kind]} on ${f.lun}`}
              >
                remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {scenario.faults.length > shown ? (
        <p className="fault-more" data-testid="fault-more">
          {scenario.faults.length - shown} more faults not listed.{' '}
          <button type="button" onClick={() => setShown(shown + FAULTS_SHOWN)}>
            show {Math.min(FAULTS_SHOWN, scenario.faults.length - shown)} more
          </button>
        </p>
      ) : null}
    </section>
  );
}
