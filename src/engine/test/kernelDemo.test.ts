// A first check against the real kernel: kernel/'s demonstration (scsi_debug, 4 targets x
// 4 LUNs, every TMF 2 s, fio 40 reads/s per LUN, command timeout 2 s, the abort fails), as
// the patched kernel ran it under QEMU. The figures are data, read from the summary that
// `cd kernel && make demo` printed, committed in kernel/docs/demo/.
//
// Tolerances: the recovery window within 15 %; the healthy LUNs' mean and worst
// availability within 5 points; a longest gap of more than 1 s (a blocked LUN) within 15 %,
// one under 1 s (a LUN that kept running) stays under 0.5 s in both.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demo } from '../presets';
import { simulate } from '../sim';
import type { Scope } from '../stream';

const RUN = new URL('../../../kernel/docs/demo/2026-12-01.txt', import.meta.url);

interface KernelFigures {
  window: number;
  mean: number;
  worst: number;
  /** longest gap, ms: siblings on target 0, LUNs of other targets */
  gapSiblings: number;
  gapOthers: number;
}

/** The summary lines: "  host      6717 ms     68%,    68%     2178 ms /   2190 ms" */
function kernelFigures(): Map<Scope, KernelFigures> {
  const out = new Map<Scope, KernelFigures>();
  const re =
    /^\s+(host|target|lun|lun\+target)\s+(\d+) ms\s+(\d+)%,\s+(\d+)%\s+(\d+) ms \/\s+(\d+) ms\s*$/;
  for (const line of readFileSync(RUN, 'utf8').split('\n')) {
    const m = re.exec(line);
    if (m)
      out.set(m[1] as Scope, {
        window: Number(m[2]) / 1000,
        mean: Number(m[3]) / 100,
        worst: Number(m[4]) / 100,
        gapSiblings: Number(m[5]),
        gapOthers: Number(m[6]),
      });
  }
  return out;
}

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
  const kernel = kernelFigures();
  it('reads the three modes of the recorded run', () => {
    expect([...kernel.keys()].sort()).toEqual(['host', 'lun', 'target']);
  });
  for (const scope of ['host', 'target', 'lun'] as const) {
    it(`${scope} scope matches the kernel's figures`, () => {
      const k = kernel.get(scope)!;
      const m = simulate(demo(scope)).metrics;
      const [w0, w1] = m.recoveryWindow!;
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
