import { describe, expect, it } from 'vitest';
import { presets } from '../engine';
import {
  MAX_SEED,
  SIM_HELP,
  SIM_USAGE,
  isScenarioPath,
  parseSimArgs,
} from '../../scripts/sim-args';

const refused = (argv: string[]): string => {
  const r = parseSimArgs(argv);
  if (r.ok) throw new Error(`accepted ${JSON.stringify(argv)}`);
  return r.message;
};

describe('parseSimArgs: good arguments', () => {
  it('takes a preset name with the defaults', () => {
    expect(parseSimArgs(['demo'])).toEqual({
      ok: true,
      mode: 'run',
      source: { kind: 'preset', name: 'demo' },
      format: 'text',
    });
  });

  it('takes a scenario file, by its .json ending or by a path', () => {
    expect(parseSimArgs(['my.json'])).toMatchObject({ source: { kind: 'file', path: 'my.json' } });
    expect(parseSimArgs(['dir/scenario'])).toMatchObject({
      source: { kind: 'file', path: 'dir/scenario' },
    });
    expect(isScenarioPath('demo')).toBe(false);
    expect(isScenarioPath('./demo')).toBe(true);
  });

  it('takes every option, before or after the scenario, with a space or an =', () => {
    const want = {
      ok: true,
      mode: 'run',
      source: { kind: 'preset', name: 'demo-lun' },
      policy: 'lun+target',
      seed: 42,
      format: 'jsonl',
    };
    expect(
      parseSimArgs(['demo-lun', '--policy', 'lun+target', '--seed', '42', '--format', 'jsonl']),
    ).toEqual(want);
    expect(
      parseSimArgs(['--policy=lun+target', '--seed=42', '--format=jsonl', 'demo-lun']),
    ).toEqual(want);
  });

  it('takes every scope as --policy', () => {
    for (const p of ['host', 'lun', 'target', 'lun+target'])
      expect(parseSimArgs(['demo', '--policy', p])).toMatchObject({ ok: true, policy: p });
  });

  it('takes the seed bounds 0 and 2^32-1', () => {
    expect(parseSimArgs(['demo', '--seed', '0'])).toMatchObject({ ok: true, seed: 0 });
    expect(parseSimArgs(['demo', '--seed', String(MAX_SEED)])).toMatchObject({
      ok: true,
      seed: MAX_SEED,
    });
  });

  it('takes --format text', () => {
    expect(parseSimArgs(['demo', '--format', 'text'])).toMatchObject({ ok: true, format: 'text' });
  });

  it('takes a scenario after --, even one that starts with a dash', () => {
    expect(parseSimArgs(['--seed', '1', '--', '-odd.json'])).toMatchObject({
      ok: true,
      source: { kind: 'file', path: '-odd.json' },
    });
  });

  it('lists the presets', () => {
    expect(parseSimArgs(['--list'])).toEqual({ ok: true, mode: 'list' });
  });

  it('prints help with --help or -h, whatever else is given', () => {
    expect(parseSimArgs(['--help'])).toEqual({ ok: true, mode: 'help' });
    expect(parseSimArgs(['-h'])).toEqual({ ok: true, mode: 'help' });
    expect(parseSimArgs(['--bogus', '--help'])).toEqual({ ok: true, mode: 'help' });
    expect(SIM_HELP.startsWith(SIM_USAGE)).toBe(true);
  });

  it('knows every engine preset by default, and takes another list', () => {
    for (const name of Object.keys(presets))
      expect(parseSimArgs([name])).toMatchObject({ ok: true, source: { kind: 'preset', name } });
    expect(parseSimArgs(['mine'], ['mine'])).toMatchObject({
      ok: true,
      source: { kind: 'preset', name: 'mine' },
    });
    expect(parseSimArgs(['demo'], ['mine']).ok).toBe(false);
  });
});

describe('parseSimArgs: bad arguments, each with a one-line reason', () => {
  it('refuses an unknown flag', () => {
    expect(refused(['demo', '--bogus'])).toMatch(/unknown option "--bogus"/);
    expect(refused(['demo', '-x'])).toMatch(/unknown option "-x"/);
    expect(refused(['demo', '--bogus=1'])).toMatch(/unknown option "--bogus"/);
  });

  it('refuses a flag without its value', () => {
    expect(refused(['demo', '--seed'])).toMatch(/--seed needs a value/);
    expect(refused(['demo', '--policy'])).toMatch(/--policy needs a value/);
    expect(refused(['demo', '--format'])).toMatch(/--format needs a value/);
    expect(refused(['demo', '--policy', '--seed', '1'])).toMatch(/--policy needs a value/);
    expect(refused(['demo', '--seed='])).toMatch(/--seed needs a value/);
  });

  it('refuses a flag given twice', () => {
    expect(refused(['demo', '--seed', '1', '--seed', '2'])).toMatch(/--seed is given twice/);
  });

  it('refuses a bad --policy', () => {
    expect(refused(['demo', '--policy', 'device'])).toMatch(/--policy must be one of/);
    expect(refused(['demo', '--policy', 'LUN'])).toMatch(/--policy must be one of/);
  });

  it('refuses a bad --format', () => {
    expect(refused(['demo', '--format', 'json'])).toMatch(/--format must be one of text, jsonl/);
  });

  it('refuses a negative, fractional, non-numeric or too large seed', () => {
    for (const s of ['-1', '1.5', '1e3', 'abc', '0x10', ' 7', String(MAX_SEED + 1)])
      expect(refused(['demo', '--seed', s])).toMatch(/--seed must be a whole number/);
  });

  it('refuses no scenario', () => {
    expect(refused([])).toMatch(/no scenario/);
    expect(refused(['--seed', '1'])).toMatch(/no scenario/);
  });

  it('refuses an unknown preset', () => {
    expect(refused(['no-such-preset'])).toMatch(/unknown preset "no-such-preset"/);
  });

  it('refuses two scenarios', () => {
    expect(refused(['demo', 'demo-lun'])).toMatch(/one scenario at a time/);
    expect(refused(['a.json', 'b.json'])).toMatch(/one scenario at a time/);
  });

  it('refuses --list with anything else', () => {
    expect(refused(['--list', 'demo'])).toMatch(/--list takes no other argument/);
    expect(refused(['--list', '--seed', '1'])).toMatch(/--list takes no other argument/);
  });

  it('gives every reason on one line', () => {
    for (const argv of [['--bogus'], ['demo', '--seed', '-1'], [], ['x', 'y'], ['nope']])
      expect(refused(argv)).not.toContain('\n');
  });
});
