// scenarios/*.json are the engine's presets written out by `npm run presets`: this keeps
// the two from drifting apart.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { presets, validateScenario } from '../engine';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const nameOf = (file: string): string => file.slice(0, -'.json'.length);

describe('scenarios/*.json', () => {
  it('has files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s equals its engine preset and validates', (file) => {
    const text = readFileSync(path.join(dir, file), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const parsed: unknown = JSON.parse(text);
    const preset = presets[nameOf(file)];
    expect(preset, `no engine preset named ${nameOf(file)} (run npm run presets)`).toBeDefined();
    // through JSON, as the file went: an undefined field is not written
    expect(parsed).toStrictEqual(JSON.parse(JSON.stringify(preset)));
    expect(() => validateScenario(parsed)).not.toThrow();
  });

  it('has a file for every engine preset', () => {
    const missing = Object.keys(presets).filter((n) => !files.includes(`${n}.json`));
    expect(missing, 'run npm run presets').toEqual([]);
  });
});
