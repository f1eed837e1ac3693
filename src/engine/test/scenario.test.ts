import { describe, expect, it } from 'vitest';
import { presets } from '../presets';
import { ScenarioError, validateScenario, type Scenario } from '../scenario';
import { simulate } from '../sim';

function errorsOf(input: unknown): { field: string; reason: string }[] {
  try {
    validateScenario(input);
  } catch (e) {
    if (e instanceof ScenarioError) return e.errors;
    throw e;
  }
  return [];
}

const good: Scenario = presets['s1-lun-ok-tur-ok']!;

describe('scenario files', () => {
  it('accepts every preset', () => {
    for (const [name, sc] of Object.entries(presets)) expect(errorsOf(sc), name).toEqual([]);
  });

  it('refuses a bad file with the field and the reason', () => {
    expect(errorsOf(null)).toEqual([{ field: '(file)', reason: 'must be a JSON object' }]);
    expect(errorsOf({ ...good, version: 2 })[0]).toEqual({
      field: 'version',
      reason: 'must be 1, got 2',
    });
    expect(errorsOf({ ...good, duration: -1 })[0]!.field).toBe('duration');
    expect(errorsOf({ ...good, duration: Number.NaN })[0]!.reason).toMatch(/finite number/);
    expect(errorsOf({ ...good, hosts: [] })[0]).toEqual({
      field: 'hosts',
      reason: 'must be a non-empty array',
    });
    expect(errorsOf({ ...good, hosts: [{ ...good.hosts[0]!, driver: 'lpfc' }] })[0]!.field).toBe(
      'hosts[0].driver',
    );
    expect(errorsOf({ ...good, hosts: [{ ...good.hosts[0]!, targets: 0 }] })[0]!.field).toBe(
      'hosts[0].targets',
    );
    expect(
      errorsOf({
        ...good,
        hosts: [{ driver: 'smartpqi', scope: 'target', targets: 1, lunsPerTarget: 1 }],
      })[0],
    ).toEqual({
      field: 'hosts[0].scope',
      reason: 'smartpqi offers host, lun; not target',
    });
    expect(errorsOf({ ...good, faults: [{ lun: '0:0:9:0', kind: 'timeout', at: 1 }] })[0]).toEqual({
      field: 'faults[0].lun',
      reason: '0:0:9:0 is not a LUN of the topology',
    });
    expect(
      errorsOf({ ...good, faults: [{ lun: '0:0:0:0', kind: 'explode', at: 1 }] })[0]!.field,
    ).toBe('faults[0].kind');
    expect(errorsOf({ ...good, extra: 1 })[0]).toEqual({
      field: 'extra',
      reason: 'is not a known field',
    });
    expect(errorsOf({ ...good, timings: { cmdTimeout: 0 } })[0]!.field).toBe('timings.cmdTimeout');
  });

  it('refuses a topology over the limit, naming it', () => {
    const huge = { ...good, hosts: [{ driver: 'scsi_debug', targets: 400, lunsPerTarget: 250 }] };
    expect(errorsOf(huge)).toEqual([
      { field: 'hosts', reason: '100000 LUNs in all; the engine takes at most 16384' },
    ]);
  });

  it('gives the same stream, byte for byte, for the same scenario and seed', () => {
    const a = JSON.stringify(simulate(presets.demo!, { seed: 42 }).transitions);
    const b = JSON.stringify(simulate(structuredClone(presets.demo!), { seed: 42 }).transitions);
    const c = JSON.stringify(simulate(presets.demo!, { seed: 43 }).transitions);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});
