// A first check against the real kernel: kernel/'s demonstration (scsi_debug, 4 targets x
// 4 LUNs, every TMF 2 s, fio 40 reads/s per LUN, command timeout 2 s, the abort fails) as
// measured on 2026-11-28 and printed in kernel/README.md.
//
// Tolerances: the recovery window within 15 %; the healthy LUNs' mean and worst
// availability within 5 points; a longest gap of more than 1 s (a blocked LUN) within 15 %,
// one under 1 s (a LUN that kept running) stays under 0.5 s in both. Those figures were
// measured before patch 21, which moves the lun scope's abort into the ladder; healthy LUNs
// do not see the difference, the failing LUN's window hardly does.
import { describe, expect, it } from 'vitest';
import { demo } from '../presets';
import { simulate } from '../sim';
import type { Scope } from '../stream';

interface KernelFigures {
  window: number;
  mean: number;
  worst: number;
  /** longest gap, ms: siblings on target 0, LUNs of other targets */
  gapSiblings: number;
  gapOthers: number;
}

const KERNEL: Partial<Record<Scope, KernelFigures>> = {
  host: { window: 6.8, mean: 0.69, worst: 0.67, gapSiblings: 2171, gapOthers: 2189 },
  target: { window: 7.7, mean: 0.94, worst: 0.7, gapSiblings: 2235, gapOthers: 186 },
  lun: { window: 6.9, mean: 0.99, worst: 0.98, gapSiblings: 157, gapOthers: 161 },
};

function expectGap(model: number, kernelMs: number, label: string): void {
  const k = kernelMs / 1000;
  if (k > 1)
    expect(
      Math.abs(model - k) / k,
      `${label}: model ${model} s, kernel ${k} s`,
    ).toBeLessThanOrEqual(0.15);
  else expect(model, `${label}: model ${model} s, kernel ${k} s`).toBeLessThan(0.5);
}

describe("kernel/'s demonstration", () => {
  for (const scope of ['host', 'target', 'lun'] as const) {
    it(`${scope} scope matches the kernel's figures`, () => {
      const k = KERNEL[scope]!;
      const m = simulate(demo(scope)).metrics;
      const [w0, w1] = m.window!;
      expect(
        Math.abs(w1 - w0 - k.window) / k.window,
        `window ${w1 - w0} vs ${k.window}`,
      ).toBeLessThanOrEqual(0.15);
      expect(
        Math.abs(m.healthyAvailabilityMean! - k.mean),
        'mean availability',
      ).toBeLessThanOrEqual(0.05);
      expect(
        Math.abs(m.healthyAvailabilityWorst! - k.worst),
        'worst availability',
      ).toBeLessThanOrEqual(0.05);
      const healthy = m.luns.filter((l) => !l.failing);
      const sib = Math.max(
        ...healthy.filter((l) => l.on.startsWith('0:0:0:')).map((l) => l.longestGap),
      );
      const other = Math.max(
        ...healthy.filter((l) => !l.on.startsWith('0:0:0:')).map((l) => l.longestGap),
      );
      expectGap(sib, k.gapSiblings, 'siblings');
      expectGap(other, k.gapOthers, 'other targets');
      expect(m.eio).toBe(0);
    });
  }
});
