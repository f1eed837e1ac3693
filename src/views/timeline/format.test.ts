import { describe, expect, it } from 'vitest';
import type { StepBar } from '../../playback/timeline';
import {
  barText,
  decimalsFor,
  fitLabel,
  formatDuration,
  formatRate,
  formatTick,
  formatTime,
  isFailure,
  rateTip,
  spanTip,
  stepLabel,
  stepTip,
} from './format';

const bar = (over: Partial<StepBar> = {}): StepBar => ({
  id: 5,
  step: 'lun-reset',
  scope: 'host',
  on: '0:0:0:0',
  fn: 'scsi_eh_bus_device_reset -> eh_device_reset_handler',
  start: 9.523906,
  end: 11.523906,
  result: 'success',
  lane: '0:0:0',
  row: 0,
  ...over,
});

describe('time formatting', () => {
  it('gives ticks the decimals their spacing needs', () => {
    expect(decimalsFor(5)).toBe(0);
    expect(decimalsFor(1)).toBe(0);
    expect(decimalsFor(0.5)).toBe(1);
    expect(decimalsFor(0.2)).toBe(1);
    expect(decimalsFor(0.01)).toBe(2);
    expect(decimalsFor(0.005)).toBe(3);
    expect(decimalsFor(0)).toBe(0);
    expect(formatTick(12, 2)).toBe('12 s');
    expect(formatTick(12.5, 0.5)).toBe('12.5 s');
    expect(formatTick(0.005, 0.005)).toBe('0.005 s');
    expect(formatTick(-1e-15, 0.1)).toBe('0.0 s');
  });

  it('prints times to the microsecond without trailing zeros', () => {
    expect(formatTime(9.523906)).toBe('9.523906 s');
    expect(formatTime(20)).toBe('20 s');
    expect(formatTime(1.0000004)).toBe('1 s');
    expect(formatTime(0)).toBe('0 s');
  });

  it('picks a unit for durations', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(0.0008)).toBe('800 µs');
    expect(formatDuration(0.008)).toBe('8 ms');
    expect(formatDuration(0.000823)).toBe('823 µs');
    expect(formatDuration(0.25)).toBe('250 ms');
    expect(formatDuration(2)).toBe('2.000 s');
    expect(formatDuration(95.34)).toBe('95.3 s');
    expect(formatDuration(Infinity)).toBe('–');
  });

  it('formats rates', () => {
    expect(formatRate(1234.4)).toBe('1234 IO/s');
    expect(formatRate(12.54)).toBe('12.5 IO/s');
    expect(formatRate(0)).toBe('0 IO/s');
  });
});

describe('labels', () => {
  it('has short names for steps', () => {
    expect(stepLabel('lun-reset')).toBe('LUN reset');
    expect(stepLabel('tur')).toBe('TUR');
    expect(stepLabel('tmf-slot')).toBe('TMF slot');
    expect(stepLabel('host-reset')).toBe('host reset');
  });

  it('marks failures with ✗', () => {
    expect(isFailure('failed')).toBe(true);
    expect(isFailure('not-ready')).toBe(true);
    expect(isFailure('success')).toBe(false);
    expect(isFailure(null)).toBe(false);
    expect(barText(bar({ result: 'failed' }))).toBe('✗ LUN reset');
    expect(barText(bar())).toBe('LUN reset');
  });

  it('fits labels to the bar or drops them', () => {
    expect(fitLabel('LUN reset', 200)).toBe('LUN reset');
    expect(fitLabel('target reset', 50)).toBe('targe…'); // room for 6 characters
    expect(fitLabel('target reset', 20)).toBe('');
    const cut = fitLabel('target reset', 60, 6, 6);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(9);
  });
});

describe('tooltips', () => {
  it('describes a step', () => {
    const tip = stepTip(bar({ detail: 'UNIT ATTENTION' }), 20);
    expect(tip.title).toBe('LUN reset');
    const rows = Object.fromEntries(tip.rows);
    expect(rows.function).toContain('eh_device_reset_handler');
    expect(rows.scope).toBe('host recovery');
    expect(rows.result).toBe('success');
    expect(rows.duration).toBe('2.000 s');
    expect(rows.detail).toBe('UNIT ATTENTION');
    expect(tip.bad).toBe(false);
  });

  it('describes a running step up to now, and an asynchronous abort', () => {
    const tip = stepTip(bar({ end: null, result: null, scope: null, step: 'abort' }), 10.523906);
    const rows = Object.fromEntries(tip.rows);
    expect(rows.result).toBe('running');
    expect(rows.scope).toContain('none');
    expect(rows.duration).toBe('1.000 s so far');
  });

  it('describes a span', () => {
    const tip = spanTip({ start: 9.5, end: null, state: 'blocked', by: 'target' }, '0:0:1:2', 12);
    expect(tip.title).toBe('LUN 0:0:1:2 blocked');
    const rows = Object.fromEntries(tip.rows);
    expect(rows['blocked by']).toBe('target recovery');
    expect(rows.duration).toBe('2.500 s so far');
  });

  it('gives a tick as I/O per second', () => {
    const tip = rateTip('0:0:0:1', 3, 0.1, 25, 0);
    const rows = Object.fromEntries(tip.rows);
    expect(rows.completed).toBe('25 (250 IO/s)');
    expect(rows.tick).toBe('0.2 s – 0.3 s');
    expect(rows.failed).toBeUndefined();
    expect(Object.fromEntries(rateTip('x', 3, 0.1, 0, 2).rows).failed).toBe('2 (20 IO/s)');
  });
});
