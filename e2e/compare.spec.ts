import type { Locator, Page } from '@playwright/test';
import {
  analyze,
  presets,
  simulate,
  withScope,
  type Metrics,
  type Scenario,
  type Scope,
} from '../src/engine';
import { clock, done, expect, goTo, open, pause, shot, test } from './helpers';

test.describe.configure({ timeout: 120_000 });

/** The engine's figures for the scenario under one scope, as `npm run sim --policy` gives them. */
function engine(sc: Scenario, scope: Scope): Metrics {
  const viaScope = simulate(withScope(sc, scope), { seed: 1 }).metrics;
  const viaPolicy = simulate(sc, { seed: 1, policy: scope }).metrics;
  // withScope (the page) and --policy (the CLI) are the same run
  expect(viaScope).toEqual(viaPolicy);
  return viaScope;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

function cell(page: Page, metric: string, scope: Scope): Locator {
  return page.locator(
    `[data-testid="compare-table"] tr[data-metric="${metric}"] td[data-policy="${scope}"]`,
  );
}

async function value(page: Page, metric: string, scope: Scope): Promise<number> {
  return Number(await cell(page, metric, scope).getAttribute('data-value'));
}

/** Opens the compare view with exactly these policies; waits for their runs. */
async function compare(page: Page, scopes: Scope[]): Promise<void> {
  await page.getByTestId('compare-toggle').click();
  await expect(page.getByTestId('compare-toggle')).toHaveAttribute('aria-expanded', 'true');
  for (const s of ['host', 'lun', 'target', 'lun+target'] as Scope[]) {
    const box = page.getByTestId(`compare-scope-${s}`);
    if (scopes.includes(s)) await box.check();
    else await box.uncheck();
  }
  await expect(page.locator('.compare-column')).toHaveCount(scopes.length);
  for (const s of scopes) await settled(page, s);
}

async function settled(page: Page, scope: Scope): Promise<void> {
  await expect(page.getByTestId(`compare-column-${scope}`)).toHaveAttribute('data-status', 'done', {
    timeout: 30_000,
  });
}

async function blocked(page: Page, scope: Scope): Promise<string[]> {
  return page.$$eval(`[data-testid="compare-tree-${scope}"] [data-lun]`, (els) =>
    els
      .filter((e) => e.getAttribute('data-blocked-by'))
      .map((e) => `${e.getAttribute('data-lun')}:${e.getAttribute('data-blocked-by')}`),
  );
}

async function columnCursor(page: Page, scope: Scope): Promise<number> {
  return Number(
    await page
      .getByTestId(`compare-timeline-${scope}`)
      .getByTestId('timeline-cursor')
      .getAttribute('data-t'),
  );
}

test("kernel/'s demo, host against lun: the engine's figures, and the trees at one cursor", async ({
  page,
}, testInfo) => {
  const demo = presets.demo!;
  const host = engine(demo, 'host');
  const lun = engine(demo, 'lun');
  expect(host.healthyAvailabilityMean!).toBeLessThan(lun.healthyAvailabilityMean!);

  await open(page, 'demo');
  await compare(page, ['host', 'lun']);

  // the table: the engine's numbers, host's lower and marked worst
  for (const [scope, m] of [
    ['host', host],
    ['lun', lun],
  ] as const) {
    expect(await value(page, 'availability-mean', scope)).toBe(m.healthyAvailabilityMean);
    expect(await value(page, 'availability-worst', scope)).toBe(m.healthyAvailabilityWorst);
    expect(await value(page, 'longest-gap', scope)).toBe(m.healthyLongestGap);
    expect(await value(page, 'recovery-time', scope)).toBe(m.recoveryTime);
    expect(await value(page, 'eio', scope)).toBe(m.eio);
    expect(await value(page, 'offlined', scope)).toBe(m.offlined.length);
    await expect(cell(page, 'availability-mean', scope)).toContainText(
      pct(m.healthyAvailabilityMean!),
    );
  }
  expect(await value(page, 'availability-mean', 'host')).toBeLessThan(
    await value(page, 'availability-mean', 'lun'),
  );
  await expect(cell(page, 'availability-mean', 'host')).toHaveAttribute('data-mark', 'worst');
  await expect(cell(page, 'availability-mean', 'host')).toContainText('▼ worst');
  await expect(cell(page, 'availability-mean', 'lun')).toHaveAttribute('data-mark', 'best');
  await expect(cell(page, 'availability-mean', 'lun')).toContainText('▲ best');
  // the page's own figures for its run (host scope) are the host column's
  await goTo(page, 20);
  await expect(
    page.locator('[data-testid="figures"] td[data-metric="availability-mean"]'),
  ).toHaveText(pct(host.healthyAvailabilityMean!));

  // half a second into the host's recovery: host blocks all 16 LUNs, lun only the failing one
  const recovery = analyze(simulate(withScope(demo, 'host'), { seed: 1 }).transitions)
    .hostRecoveries[0]!;
  const t = Math.round((recovery.start + 0.5) * 1e6) / 1e6;
  expect(recovery.end).toBeGreaterThan(t);
  await goTo(page, t);
  await expect.poll(() => blocked(page, 'host')).toHaveLength(16);
  expect((await blocked(page, 'host')).every((b) => b.endsWith(':host'))).toBe(true);
  expect(await blocked(page, 'lun')).toEqual(['0:0:0:0:lun']);
  await expect(page.getByTestId('compare-blocked-host')).toHaveAttribute('data-blocked', '16');
  await expect(page.getByTestId('compare-blocked-lun')).toHaveAttribute('data-blocked', '1');
  for (const s of ['host', 'lun'] as Scope[]) expect(await columnCursor(page, s)).toBeCloseTo(t, 6);
  await shot(page, testInfo, 'compare-in-recovery');

  // one time axis: the same ticks in every column
  const ticks = (s: Scope) =>
    page.locator(`[data-testid="compare-timeline-${s}"] .tl-axis .tick text`).allTextContents();
  expect(await ticks('host')).toEqual(await ticks('lun'));

  // stepping and playing move every column
  await goTo(page, 0);
  await expect.poll(() => blocked(page, 'host')).toEqual([]);
  await page.getByTestId('step').click();
  await expect.poll(() => clock(page)).toBeGreaterThan(0);
  const stepped = await clock(page);
  for (const s of ['host', 'lun'] as Scope[])
    expect(await columnCursor(page, s)).toBeCloseTo(stepped, 6);
  await page.getByTestId('play').click();
  await expect.poll(() => clock(page)).toBeGreaterThan(stepped + 0.2);
  await pause(page);
  const played = await clock(page);
  for (const s of ['host', 'lun'] as Scope[])
    await expect.poll(() => columnCursor(page, s)).toBeCloseTo(played, 6);
});

test('a fault injected from a column runs again in every column; two to four policies', async ({
  page,
}, testInfo) => {
  await open(page);
  await compare(page, ['host', 'lun', 'lun+target']);
  // no fault yet: nothing to compare but the EIO count
  await expect(cell(page, 'availability-mean', 'host')).toHaveAttribute('data-value', '');

  // at 3 s, from the lun column's tree: the page's injection menu, for the page's scenario
  await goTo(page, 3);
  await page.getByTestId('compare-tree-lun').getByTestId('lun-0:0:1:2').click();
  const menu = page.getByTestId('inject-menu');
  await expect(menu).toBeVisible();
  await menu.getByTestId('inject-timeout+abort-fails').click();
  await expect(menu).toBeHidden();
  await done(page);
  await expect(page.getByTestId('fault-list').locator('li')).toHaveCount(2);
  for (const s of ['host', 'lun', 'lun+target'] as Scope[]) await settled(page, s);

  const base = presets.playground!;
  const injected: Scenario = {
    ...base,
    duration: Math.max(base.duration, Math.ceil(3 + 90)),
    faults: [
      { lun: '0:0:1:2', kind: 'timeout', at: 3 },
      { lun: '0:0:1:2', kind: 'abort-fails', at: 3 },
    ],
  };
  for (const s of ['host', 'lun', 'lun+target'] as Scope[]) {
    const m = engine(injected, s);
    await expect(cell(page, 'availability-mean', s)).toHaveAttribute(
      'data-value',
      String(m.healthyAvailabilityMean),
    );
    expect(await value(page, 'longest-gap', s)).toBe(m.healthyLongestGap);
  }
  expect(await value(page, 'availability-mean', 'host')).toBeLessThan(
    await value(page, 'availability-mean', 'lun'),
  );
  // the cursor stayed at the injection; at 3 s nothing is blocked yet
  expect(await clock(page)).toBeCloseTo(3, 6);

  // two to four: the last two cannot be unticked, a fourth can be added
  await page.getByTestId('compare-scope-lun+target').uncheck();
  await expect(page.locator('.compare-column')).toHaveCount(2);
  await expect(page.getByTestId('compare-scope-host')).toBeDisabled();
  await expect(page.getByTestId('compare-scope-lun')).toBeDisabled();
  await page.getByTestId('compare-scope-target').check();
  await page.getByTestId('compare-scope-lun+target').check();
  await expect(page.locator('.compare-column')).toHaveCount(4);
  await expect(page.getByTestId('compare-scope-host')).toBeEnabled();
  await settled(page, 'target');
  await expect(cell(page, 'availability-mean', 'target')).toHaveAttribute(
    'data-value',
    String(engine(injected, 'target').healthyAvailabilityMean),
  );
  await shot(page, testInfo, 'compare-four');

  // closing it leaves the page as it was
  await page.getByTestId('compare-toggle').click();
  await expect(page.locator('.compare-column')).toHaveCount(0);
  await expect(page.getByTestId('tree').locator('[data-lun]')).toHaveCount(16);
});

test('at 800 px the columns stack, and nothing scrolls sideways', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 800, height: 900 });
  await open(page, 'demo');
  await page.getByTestId('compare-toggle').click();
  // the default: host, lun and lun+target, in the engine's order
  await expect(page.locator('.compare-column')).toHaveCount(3);
  const order = await page
    .locator('.compare-column')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-policy')));
  expect(order).toEqual(['host', 'lun', 'lun+target']);
  for (const s of ['host', 'lun', 'lun+target'] as Scope[]) await settled(page, s);
  const boxes = await page
    .locator('.compare-column')
    .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
  for (let i = 1; i < boxes.length; i++) {
    expect(boxes[i]!.top).toBeGreaterThanOrEqual(boxes[i - 1]!.bottom);
    expect(boxes[i]!.width).toBeGreaterThan(600);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
  const table = await page.getByTestId('compare-table').boundingBox();
  expect(table!.x + table!.width).toBeLessThanOrEqual(800);
  await goTo(page, 10);
  await expect(page.getByTestId('compare-blocked-host')).toHaveAttribute('data-blocked', '16');
  await shot(page, testInfo, 'compare-800');
});

test('a recorded trace has nothing to compare; a preset again has', async ({ page }) => {
  await open(page, 'demo');
  await page.getByTestId('compare-toggle').click();
  await expect(page.locator('.compare-column')).toHaveCount(3);
  const traces = await page
    .locator('[data-testid="preset"] option[value^="trace:"]')
    .evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
  expect(traces.length).toBeGreaterThan(0);
  await page.getByTestId('preset').selectOption(traces[0]!);
  await expect(page.locator('.page')).toHaveAttribute('data-source', 'trace', { timeout: 30_000 });
  await expect(page.locator('.compare-note')).toContainText('cannot be run again');
  await expect(page.locator('.compare-column')).toHaveCount(0);
  await page.getByTestId('preset').selectOption('demo');
  await done(page);
  await expect(page.locator('.compare-column')).toHaveCount(3);
  await settled(page, 'host');
  await expect(cell(page, 'availability-mean', 'host')).toHaveAttribute(
    'data-value',
    String(engine(presets.demo!, 'host').healthyAvailabilityMean),
  );
});
