// The benchmarks' workload: scsi_debug LUNs under a seeded random fault storm. Shared by
// scripts/bench.ts (the engine in Node) and scripts/bench-stream.ts (the page in Chromium).
import type { FaultSpec, Scenario, Scope } from '../src/engine';

export const STORM_SEED = 2026;
export const RATE = 100;
export const QUEUE_DEPTH = 4;
export const STORM_SCOPE: Scope = 'lun+target';

/** mulberry32: a tiny seeded PRNG for the storm and the bare loop (not the engine's). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * scsi_debug, targets x lunsPerTarget LUNs at RATE I/O per second each (queue depth 4), with
 * a fault storm: `lost` lost commands (by default one per 8 LUNs) at random times over the
 * run on random LUNs, half of them with a failing abort and a quarter with a failing LUN
 * reset on that LUN.
 */
export function stormScenario(
  shape: { targets: number; lunsPerTarget: number },
  duration: number,
  lost?: number,
): Scenario {
  const rnd = mulberry32(STORM_SEED);
  const luns = shape.targets * shape.lunsPerTarget;
  const faults: FaultSpec[] = [];
  const n = lost ?? luns / 8;
  for (let i = 0; i < n; i++) {
    const lun = `0:0:${Math.floor(rnd() * shape.targets)}:${Math.floor(rnd() * shape.lunsPerTarget)}`;
    const at = Math.round((1 + rnd() * (duration - 2)) * 1000) / 1000;
    faults.push({ lun, kind: 'timeout', at });
    if (rnd() < 0.5) faults.push({ lun, kind: 'abort-fails', at });
    if (rnd() < 0.25) faults.push({ lun, kind: 'lun-reset-fails', at });
  }
  return {
    version: 1,
    name: `bench storm, ${luns} LUNs, ${duration} s`,
    description: `${faults.length} faults on ${luns} scsi_debug LUNs`,
    duration,
    timings: { cmdTimeout: 5, tmf: 0.5 },
    hosts: [
      {
        driver: 'scsi_debug',
        scope: STORM_SCOPE,
        targets: shape.targets,
        lunsPerTarget: shape.lunsPerTarget,
        workload: { rate: RATE, queueDepth: QUEUE_DEPTH, readFraction: 1 },
      },
    ],
    faults,
  };
}
