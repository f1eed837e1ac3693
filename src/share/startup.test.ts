import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { presets, simulate, STREAM_VERSION, type Scenario } from '../engine';
import { createSimStore, startRun, type SimStore } from '../store';
import type { runInWorker } from '../worker/client';
import { decodeLink, encodeLink } from './permalink';
import { describeErrors, fileNameOf, parseScenarioText, scenarioText } from './scenarioFile';
import { startFromLink } from './startup';

/** The engine in this process, handing its stream over as the worker does. */
const inProcess: typeof runInWorker = (scenario, seed, onBatch) => {
  let count = 0;
  const result = simulate(scenario, {
    seed,
    batchSize: 500,
    retain: false,
    onBatch: (b) => {
      count += b.length;
      onBatch(b);
    },
  });
  return {
    done: Promise.resolve({ version: STREAM_VERSION, count, metrics: result.metrics, from: 0 }),
    cancel() {},
  };
};
const run = (s: SimStore): Promise<void> => startRun(s, inProcess);

const playground = presets.playground!;
const withFault: Scenario = {
  ...playground,
  duration: 93,
  faults: [
    { lun: '0:0:1:2', kind: 'timeout', at: 3 },
    { lun: '0:0:1:2', kind: 'abort-fails', at: 3 },
  ],
};

describe('the page started from a link', () => {
  it('runs the linked scenario and seed, paused at its moment with its step, as the page that made it', async () => {
    // the page that makes the link: run, play to a step, select it
    const maker = createSimStore(withFault, 5, 'playground');
    await run(maker);
    maker.getState().seek(9);
    expect(maker.getState().stepNext()).toBe(true);
    const at = maker.getState();
    expect(at.selectedStep).not.toBeNull();
    const link = encodeLink({
      scenario: at.scenario,
      seed: at.seed,
      cursor: at.cursor,
      step: at.selectedStep,
      presetName: at.presetName,
    });

    const opened = createSimStore(playground, 1, 'playground');
    opened.getState().play();
    await startFromLink(decodeLink('', link), opened, run);
    const s = opened.getState();
    expect(s.status).toBe('done');
    expect(s.playing).toBe(false);
    expect(s.seed).toBe(5);
    expect(s.presetName).toBe('playground');
    expect(s.scenario).toEqual({ ...withFault, seed: 5 });
    expect(s.cursor).toBeCloseTo(at.cursor, 6);
    expect(s.selectedStep).toBe(at.selectedStep);
    expect(s.received).toBe(at.received);
    // the same tree at that moment
    expect(s.view).toEqual(at.view);
  });

  it('a bad link leaves the default scenario playing', async () => {
    const store = createSimStore(playground, 1, 'playground');
    await startFromLink(decodeLink('', '#v=7&s=abc'), store, run);
    const s = store.getState();
    expect(s.scenario).toBe(playground);
    expect(s.playing).toBe(true);
    expect(s.status).toBe('done');
  });
});

describe('scenario files', () => {
  it('every preset saved reads back as itself with its seed', () => {
    for (const [name, sc] of Object.entries(presets)) {
      const read = parseScenarioText(scenarioText(sc, 3));
      if ('errors' in read) throw new Error(`${name}: ${describeErrors(name, read.errors)}`);
      expect(read.scenario, name).toEqual({ ...sc, seed: 3 });
    }
  });

  it('reads the files npm run sim reads', () => {
    const dir = path.resolve(import.meta.dirname, '../../scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const read = parseScenarioText(readFileSync(path.join(dir, f), 'utf8'));
      expect('scenario' in read, f).toBe(true);
    }
  });

  it('names the field that is wrong', () => {
    const bad = JSON.parse(scenarioText(playground, 1)) as Record<string, unknown>;
    bad.duration = 'long';
    bad.colour = 'blue';
    const read = parseScenarioText(JSON.stringify(bad));
    expect(read).toEqual({
      errors: [
        { field: 'colour', reason: 'is not a known field' },
        { field: 'duration', reason: 'must be a finite number, got "long"' },
      ],
    });
    if (!('errors' in read)) throw new Error('expected errors');
    expect(describeErrors('x.json', read.errors)).toBe(
      'x.json: colour is not a known field; duration must be a finite number, got "long". The scenario shown is kept.',
    );
  });

  it('refuses text that is not JSON, and more LUNs than the page draws', () => {
    const notJson = parseScenarioText('{"version": 1,');
    expect('errors' in notJson && notJson.errors[0]!.field).toBe('(file)');
    expect('errors' in notJson && notJson.errors[0]!.reason).toMatch(/^is not JSON: /);
    const big = parseScenarioText(
      JSON.stringify({
        ...playground,
        hosts: [{ ...playground.hosts[0], targets: 100, lunsPerTarget: 41 }],
      }),
    );
    expect(big).toEqual({
      errors: [
        {
          field: 'hosts',
          reason: '4100 LUNs: the page draws at most 4096 (npm run sim takes more)',
        },
      ],
    });
  });

  it('names the file after the scenario', () => {
    expect(fileNameOf(playground)).toBe('playground-4-x-4-luns-no-fault-yet.json');
    expect(fileNameOf({ ...playground, name: '¿¿' })).toBe('scenario.json');
  });
});
