// Random scenarios for the engine's property tests: topologies of every driver and policy,
// and fault storms.
import fc from 'fast-check';
import { DRIVER_NAMES, driverOffers, driverProfile, type DriverName } from '../drivers';
import type { FaultSpec, HostSpec, Scenario } from '../scenario';
import { FAULT_KINDS, SCOPES } from '../stream';

export const hostArb = fc
  .record({
    driver: fc.constantFrom(...DRIVER_NAMES),
    scopePick: fc.nat(SCOPES.length - 1),
    channels: fc.integer({ min: 1, max: 2 }),
    targets: fc.integer({ min: 1, max: 3 }),
    lunsPerTarget: fc.integer({ min: 1, max: 4 }),
    rate: fc.integer({ min: 0, max: 60 }),
    queueDepth: fc.integer({ min: 1, max: 4 }),
    tmfBound: fc.integer({ min: 1, max: 3 }),
    ehDeadline: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
  })
  .map((h): HostSpec => {
    const p = driverProfile(h.driver as DriverName);
    const offered = SCOPES.filter((s) => driverOffers(p, s));
    return {
      driver: h.driver,
      scope: offered[h.scopePick % offered.length]!,
      channels: h.channels,
      targets: h.targets,
      lunsPerTarget: h.lunsPerTarget,
      tmfBound: h.tmfBound,
      ehDeadline: h.ehDeadline,
      workload: { rate: h.rate, queueDepth: h.queueDepth },
    };
  });

export const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    hosts: fc.array(hostArb, { minLength: 1, maxLength: 2 }),
    faults: fc.array(
      fc.record({
        pick: fc.nat(),
        kind: fc.constantFrom(...FAULT_KINDS),
        at: fc.integer({ min: 0, max: 15 }),
        count: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        duration: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
        all: fc.boolean(),
      }),
      { maxLength: 8 },
    ),
    cmdTimeout: fc.integer({ min: 1, max: 8 }),
    tmf: fc.constantFrom(0, 0.1, 0.5, 1),
    seed: fc.nat(1000),
  })
  .map((r) => {
    const luns: string[] = [];
    r.hosts.forEach((h, hi) => {
      for (let c = 0; c < (h.channels ?? 1); c++)
        for (let t = 0; t < h.targets; t++)
          for (let l = 0; l < h.lunsPerTarget; l++) luns.push(`${hi}:${c}:${t}:${l}`);
    });
    const faults: FaultSpec[] = r.faults.map((f) => {
      const spec: FaultSpec = { lun: luns[f.pick % luns.length]!, kind: f.kind, at: f.at };
      if (f.count !== undefined) spec.count = f.count;
      if (f.duration !== undefined) spec.duration = f.duration;
      if (f.kind === 'timeout' && f.all) spec.allCommands = true;
      return spec;
    });
    return {
      version: 1,
      name: 'random',
      seed: r.seed,
      duration: 40,
      timings: { cmdTimeout: r.cmdTimeout, tmf: r.tmf },
      hosts: r.hosts,
      faults,
    };
  });
