import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DRIVER_NAMES,
  driverProfile,
  presets,
  simulate,
  withScope,
  type FaultKind,
  type Scenario,
} from '../engine';
import { buildTimeline, type TimelineModel } from '../playback/timeline';
import { fileStem } from './download';
import {
  gridFor,
  groupingFor,
  MAX_LUN_ROWS,
  MAX_STEP_ROWS,
  stepBarText,
  TEXT_WIDTH,
  textRange,
  timelineText,
  wrap,
} from './text';

/** The presets pinned by a golden file (e2e/export.spec.ts checks the page against them too). */
export const GOLDEN = ['demo', 's3-lun-fails'];
export const LINK = '<link>';

const goldenPath = (name: string): string =>
  fileURLToPath(new URL(`../../e2e/golden/${name}.txt`, import.meta.url));

function run(sc: Scenario, seed = 1): TimelineModel {
  return buildTimeline(simulate(sc, { seed }).transitions);
}

function exportOf(sc: Scenario, opts: Parameters<typeof timelineText>[3] = {}): string {
  const m = run(sc);
  return timelineText(m, m.topology!, sc, opts);
}

/** The LUN rows of an export: id -> the characters between the bars. */
function lunRows(text: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^ {2}(\S+) +\|(.*)\|$/.exec(line);
    if (m) rows.set(m[1]!, m[2]!);
  }
  return rows;
}

/** Lines that must fit: all but the link (a URL cannot be cut). */
function checkedLines(text: string): string[] {
  const lines = text.split('\n');
  const i = lines.indexOf('Link (open it to see this run):');
  return i < 0 ? lines : lines.slice(0, i + 1);
}

describe('plain-text timeline', () => {
  it.each(GOLDEN)('%s equals its golden file byte for byte', (name) => {
    const sc = presets[name]!;
    const text = exportOf(sc, { seed: 1, link: LINK });
    const file = goldenPath(name);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
    expect(existsSync(file), `${file} (UPDATE_GOLDEN=1 writes it)`).toBe(true);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });

  it('has a header, an axis, a legend, the steps and the link', () => {
    const text = exportOf(presets.demo!, { seed: 7, link: 'http://example.test/x' });
    expect(text).toContain('Scenario: kernel/ demonstration, 4 x 4');
    expect(text).toMatch(
      /^host 0: scsi_debug, 16 LUN\(s\) on 4 target\(s\); recovery scope host$/m,
    );
    expect(text).toMatch(/^seed 7; run 0 s to 20\.000 s; shown 4\.000 s to 12\.600 s/m);
    expect(text).toContain('One row per LUN.');
    expect(text).toMatch(/^time \(s\) +4 +6 +8 +10 +12$/m);
    expect(text).toContain('Legend');
    for (const k of ['. running', '_ running, no I/O', 'x offline', 'H host recovery'])
      expect(text).toContain(k);
    expect(text).toContain('T target recovery');
    expect(text).toContain("L the LUN's own");
    expect(text).toContain('! fault armed');
    // the steps with their kernel functions
    expect(text).toMatch(
      /7\.519 s {2}- +abort +0:0:0:0 +FAILED +2\.000 s\n +scmd_eh_abort_handler/,
    );
    expect(text).toMatch(/9\.524 s {2}host +LUN reset +0:0:0:0 +ok +2\.000 s/);
    expect(text).toContain('scsi_eh_bus_device_reset -> eh_device_reset_handler');
    expect(text.trimEnd().split('\n').at(-1)).toBe('http://example.test/x');
  });

  it('host scope: every LUN shows H for the whole host recovery, and not before', () => {
    const sc = presets.demo!;
    const m = run(sc);
    const text = timelineText(m, m.topology!, sc);
    const rows = lunRows(text);
    expect([...rows.keys()]).toEqual(m.topology!.luns);
    const span = m.hostSpans.get('0')![0]!;
    const g = gridFor(textRange(m), TEXT_WIDTH - 12 - 2);
    const first = Math.ceil(span.start / g.step - g.k0);
    const last = Math.floor(span.end! / g.step - g.k0) - 1;
    expect(last - first).toBeGreaterThan(5);
    for (const [lun, row] of rows) {
      expect(row.slice(first, last + 1), lun).toBe('H'.repeat(last - first + 1));
      expect(row.slice(0, first - 1), lun).not.toContain('H');
      expect(row.slice(last + 2), lun).not.toContain('H');
    }
  });

  it('LUN scope: only the failing LUN shows L, and nothing else is blocked', () => {
    const text = exportOf(presets['demo-lun']!);
    const rows = lunRows(text);
    expect(rows.size).toBe(16);
    for (const [lun, row] of rows) {
      if (lun === '0:0:0:0') expect(row).toMatch(/L{5,}/);
      else expect(row, lun).toMatch(/^[._]+$/);
    }
  });

  it('lun+target: the failing LUN goes from L to T, its target siblings show T only', () => {
    const rows = lunRows(exportOf(presets['s3-lun-fails']!));
    expect(rows.get('0:0:0:0')).toMatch(/\*L+T+\./);
    for (const lun of ['0:0:0:1', '0:0:0:2', '0:0:0:3'])
      expect(rows.get(lun)).toMatch(/^\.+T+\.+$/);
    for (const lun of ['0:0:1:0', '0:0:1:1']) expect(rows.get(lun)).toMatch(/^\.+$/);
  });

  it('an offlined LUN shows its EIO and x to the end', () => {
    const rows = lunRows(exportOf(presets['host-offline']!));
    expect(rows.get('0:0:0:0')).toMatch(/H+Ex+\|?$/);
  });

  it('draws one row per target above 24 LUNs, and per host above 24 targets', () => {
    const san = presets['playground-san-8x32']!;
    const sc: Scenario = {
      ...san,
      duration: 10,
      faults: [
        { lun: '0:0:3:5', kind: 'timeout', at: 2 },
        { lun: '0:0:3:5', kind: 'abort-fails', at: 0 },
      ],
    };
    const text = exportOf(sc);
    expect(text).toContain('One row per target (256 LUNs, more than 24)');
    const rows = lunRows(text);
    expect([...rows.keys()]).toEqual([...Array(8).keys()].map((t) => `0:0:${t}/*`));
    // host scope: every target's row is blocked by the host at some point
    for (const row of rows.values()) expect(row).toContain('H');
    expect(rows.get('0:0:3/*')).toContain('*');

    const jbod = exportOf(presets['jbod-mpt3sas']!);
    expect(jbod).toContain('One row per host (60 LUNs on 60 targets, more than 24)');
    expect([...lunRows(jbod).keys()]).toEqual(['0/*']);
    // its six steps fall in one column: four rows of them, the rest counted and listed
    const stepRows = jbod.split('\n').filter((l) => /^(host 0 +| +):.*:$/.test(l));
    expect(stepRows).toHaveLength(MAX_STEP_ROWS);
    expect(jbod).toContain('(2 step(s) overlap others and are not drawn)');
    expect(jbod.match(/^ +3\d\.\d{3} s {2}(lun|target) /gm)).toHaveLength(6);
  });

  it('uses the range it is given, on round columns', () => {
    const text = exportOf(presets.demo!, { range: [9, 12] });
    expect(text).toMatch(/shown 9\.000 s to 12\.000 s, 0\.05 s per column/);
    const rows = lunRows(text);
    expect(rows.get('0:0:0:1')!.length).toBe(60);
  });

  it('step bars: the name and result when they fit, capitals when failed, else the letter', () => {
    const bar = (step: 'abort' | 'lun-reset', result: 'failed' | 'success') => ({
      step,
      result,
      end: 1,
    });
    expect(stepBarText(bar('lun-reset', 'success'), 16)).toBe('[LUN reset ok--]');
    expect(stepBarText(bar('lun-reset', 'success'), 11)).toBe('[LUN reset]');
    expect(stepBarText(bar('lun-reset', 'success'), 9)).toBe('[LUN rst]');
    expect(stepBarText(bar('lun-reset', 'success'), 3)).toBe('lll');
    expect(stepBarText(bar('abort', 'failed'), 14)).toBe('[ABORT FAILED]');
    expect(stepBarText(bar('abort', 'failed'), 9)).toBe('[ABORT!-]');
    expect(stepBarText(bar('abort', 'failed'), 2)).toBe('AA');
  });

  it('a run still streaming in: said so, and nothing drawn past what is known', () => {
    const sc = presets.demo!;
    const all = simulate(sc, { seed: 1 }).transitions;
    const m = buildTimeline(all.filter((t) => t.t <= 10));
    expect(m.complete).toBe(false);
    const text = timelineText(m, m.topology!, sc, { range: [4, 12] });
    expect(m.end).toBeCloseTo(9.6, 6);
    expect(text).toMatch(/run 0 s to 9\.600 s \(still running\)/);
    const row = lunRows(text).get('0:0:0:1')!;
    // 0.2 s per column from 4 s: known up to column 28, blank after
    expect(row).toHaveLength(40);
    expect(row.slice(0, 28)).toMatch(/^\.+H$/);
    expect(row.slice(28)).toMatch(/^ +$/);
  });

  it("lists another system's steps in the legend only when the run has them", () => {
    const nvme = exportOf(presets['others-nvme']!);
    expect(nvme).toMatch(/q CQ poll/);
    expect(nvme).toMatch(/c controller reset/);
    expect(nvme).not.toMatch(/k link reset/);
    expect(exportOf(presets['others-libata']!)).toMatch(/k link reset/);
    expect(exportOf(presets.demo!)).not.toMatch(/CQ poll/);
    for (const line of nvme.split('\n')) expect(line.length).toBeLessThanOrEqual(TEXT_WIDTH);
  });

  it('wraps words to the width', () => {
    expect(wrap('aaa bbb ccc', 7, '', '  ')).toEqual(['aaa bbb', '  ccc']);
    expect(wrap('x'.repeat(12), 5)).toEqual(['xxxxx', 'xxxxx', 'xx']);
    expect(wrap('café → µs', 80)).toEqual(['cafe -> us']);
  });

  it('names files from the preset and scope', () => {
    expect(fileStem('demo', 'host')).toBe('scsi-eh-demo-host');
    expect(fileStem('Scenario 3, row 3: lun+target', undefined)).toBe(
      'scsi-eh-scenario-3-row-3-lun-target',
    );
    expect(fileStem('', null)).toBe('scsi-eh-timeline');
  });

  it('grids: round seconds per column, the range covered, within the columns', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.double({ min: 1e-3, max: 5000, noNaN: true }),
        fc.integer({ min: 10, max: 70 }),
        (a, w, cols) => {
          const g = gridFor([a, a + w], cols);
          expect(g.cols).toBeLessThanOrEqual(cols);
          expect(g.k0 * g.step).toBeLessThanOrEqual(a + 1e-6);
          expect((g.k0 + g.cols) * g.step).toBeGreaterThanOrEqual(a + w - 1e-6 * (a + w));
        },
      ),
    );
  });

  it('every line of random scenarios fits 80 columns and is ASCII', () => {
    const kinds: FaultKind[] = [
      'timeout',
      'abort-fails',
      'lun-reset-fails',
      'target-reset-fails',
      'tur-fails',
      'medium-error',
    ];
    const arb = fc.record({
      driver: fc.constantFrom(...DRIVER_NAMES),
      scopeIndex: fc.nat(3),
      hosts: fc.integer({ min: 1, max: 2 }),
      shape: fc.oneof(
        fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 })),
        fc.tuple(fc.integer({ min: 5, max: 12 }), fc.integer({ min: 3, max: 4 })),
        fc.tuple(fc.integer({ min: 25, max: 30 }), fc.constant(1)),
      ),
      faults: fc.array(
        fc.record({
          kind: fc.constantFrom(...kinds),
          at: fc.double({ min: 0, max: 8, noNaN: true }),
        }),
        { maxLength: 3 },
      ),
      range: fc.option(
        fc.tuple(
          fc.double({ min: 0, max: 10, noNaN: true }),
          fc.double({ min: 0.01, max: 20, noNaN: true }),
        ),
      ),
      name: fc.string({ maxLength: 120 }),
    });
    fc.assert(
      fc.property(arb, (p) => {
        const scopes = driverProfile(p.driver).scopes;
        const scope = scopes[p.scopeIndex % scopes.length]!;
        const [targets, lunsPerTarget] = p.shape;
        const base: Scenario = {
          version: 1,
          name: p.name || 'x',
          duration: 12,
          timings: { cmdTimeout: 1, tmf: 0.2 },
          hosts: Array.from({ length: p.hosts }, () => ({
            driver: p.driver,
            targets,
            lunsPerTarget,
            workload: { rate: 10, queueDepth: 1, readFraction: 1 },
          })),
          faults: p.faults.map((f) => ({
            lun: '0:0:0:0',
            kind: f.kind,
            at: Math.round(f.at * 1000) / 1000,
          })),
        };
        const sc = withScope(base, scope);
        const m = run(sc);
        const text = timelineText(m, m.topology!, sc, {
          seed: 1,
          link: 'http://127.0.0.1/?s=' + 'q'.repeat(120),
          range: p.range ? [p.range[0], p.range[0] + p.range[1]] : null,
        });
        for (const line of checkedLines(text)) {
          expect(line.length, line).toBeLessThanOrEqual(TEXT_WIDTH);
          expect(line, line).toMatch(/^[\x20-\x7e]*$/);
        }
        const luns = m.topology!.luns.length;
        const rows = lunRows(text);
        if (luns <= MAX_LUN_ROWS) expect(rows.size).toBe(luns);
        else
          expect(rows.size).toBe(
            groupingFor(m.topology!) === 'target' ? m.topology!.targets.length : p.hosts,
          );
      }),
      { numRuns: Number(process.env.RUNS ?? 40) },
    );
  });
});
