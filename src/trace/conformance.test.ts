// Every trace recorded from the real kernel (kernel/traces/*.trace.gz) beside the engine's run
// of the scenario its header names: the same recovery steps with the same results, the same
// devices blocked during each, the same outcome, and the figures within tolerance. What still
// differs is listed in KNOWN, each with its reason in kernel/traces/README.md; a divergence
// not listed fails the case, and so does a listed one that went away (update the list).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../engine/scenario';
import { simulate } from '../engine/sim';
import { compare, TOLERANCES, type Divergence } from './conformance';
import { parseTrace } from './index';

const DIR = join(__dirname, '../../kernel/traces');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.trace.gz'))
  .sort();

/** case -> the aspects that still differ (kernel/traces/README.md says why) */
const KNOWN: Record<string, string[]> = {
  // the guest's clock stretched under the host's load: the command timeout, the 10 s settle
  'host-bus-reset': [
    'recovery 0:0:0:0',
    'availability 0:0:0:1',
    'gap 0:0:0:1',
    'availability 0:0:1:0',
    'gap 0:0:1:0',
    'availability 0:0:1:1',
    'gap 0:0:1:1',
  ],
  'host-lun-reset': ['recovery 0:0:0:0', 'gap 0:0:0:1', 'gap 0:0:1:0', 'gap 0:0:1:1'],
  'host-tur-offline': ['recovery 0:0:0:0', 'gap 0:0:0:1', 'gap 0:0:1:0', 'gap 0:0:1:1'],
};

function run(file: string): { name: string; divergences: Divergence[] } {
  const text = gunzipSync(readFileSync(join(DIR, file))).toString('utf8');
  const sc = validateScenario(JSON.parse(headerScenario(text)));
  const rate = sc.hosts[0]!.workload?.rate ?? 40;
  const kernel = parseTrace(text, { rate });
  // the same scenario, on the kernel's settings: a guest whose tick lost interrupts waited
  // longer (README: the guest's tick); its figures differ and are listed in KNOWN
  const engine = simulate(sc);
  return {
    name: file.replace(/\.trace\.gz$/, ''),
    divergences: compare(kernel.transitions, engine.transitions, { ...TOLERANCES, rate }),
  };
}

function headerScenario(text: string): string {
  const m = /^# scenario: (.*)$/m.exec(text);
  if (!m) throw new Error('the trace has no scenario in its header');
  return m[1]!;
}

describe('the engine against the kernel', () => {
  it('has recorded traces to check', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    it(file.replace(/\.trace\.gz$/, ''), () => {
      const { name, divergences } = run(file);
      for (const d of divergences)
        console.log(`${name}: ${d.aspect}: kernel ${d.expected}, engine ${d.got}`);
      expect(divergences.map((d) => d.aspect).sort()).toEqual([...(KNOWN[name] ?? [])].sort());
    });
  }
});
