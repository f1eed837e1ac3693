// Permalinks, scenario files and the compact page (src/share/).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import LZString from 'lz-string';
import type { Page } from '@playwright/test';
import { clock, done, expect, goTo, inject, luns, open, pause, shot, test } from './helpers';

test.describe.configure({ timeout: 120_000 });

const FAILING = '0:0:1:2';

/** What the page draws, to compare two pages: the moment, the tree and the timeline. */
async function drawing(page: Page) {
  const steps = await page.$$eval('[data-testid="timeline"] [data-lane] [data-step]', (els) =>
    els.map(
      (e) =>
        `${e.closest('[data-lane]')?.getAttribute('data-lane')} ${e.getAttribute('data-step')} ${e.getAttribute('data-result')}`,
    ),
  );
  const spans = await page.$$eval('[data-testid="timeline"] [data-span-by]', (els) =>
    els.map(
      (e) =>
        `${e.closest('[data-lane]')?.getAttribute('data-lane')} ${e.getAttribute('data-span-by')}`,
    ),
  );
  return {
    preset: await page.getByTestId('preset').inputValue(),
    presetText: await page.getByTestId('preset').locator('option:checked').textContent(),
    scope: await page.getByTestId('scope').inputValue(),
    clock: await clock(page),
    cursor: Number(await page.getByTestId('timeline-cursor').getAttribute('data-t')).toFixed(6),
    step: await page.getByTestId('explain-step').getAttribute('data-step-id'),
    faults: await page.getByTestId('fault-list').locator('li').allTextContents(),
    luns: await luns(page),
    steps,
    spans,
  };
}

/** Opens a URL and waits for its run; the page must be paused there. */
async function openLink(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await done(page);
  await expect(page.getByTestId('play')).toHaveAttribute('aria-pressed', 'false');
}

test('a copied link opens the same scenario, paused at the same moment, drawn the same', async ({
  page,
  context,
}, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await open(page);
  await pause(page);
  await goTo(page, 3);
  // standing paused, the spare worker runs the scenario up to the cursor; the injection
  // there goes on from that run instead of simulating the first 3 s again
  await page.waitForTimeout(400);
  await inject(page, FAILING, 'timeout+abort-fails');
  const from = Number(await page.locator('.page').getAttribute('data-run-from'));
  expect(from).toBeGreaterThan(2.9);
  expect(from).toBeLessThan(3);
  // stop on the third recovery step: several LUNs blocked, a step selected
  for (let i = 0; i < 3; i++) await page.getByTestId('step').click();
  await expect(page.getByTestId('explain-step')).toHaveAttribute('data-which', 'selected step');
  const before = await drawing(page);
  expect(before.luns.filter((l) => l.by !== '').length).toBeGreaterThan(1);
  expect(before.steps.length).toBeGreaterThan(2);
  expect(before.faults).toHaveLength(2);

  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('share-note')).toContainText('Link copied');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  // the address bar has it too, and the link is of version 1 with the scenario in it
  expect(page.url()).toBe(link);
  expect(new URL(link).hash).toMatch(/^#v=1&p=playground&t=[\d.]+&step=\d+&s=[A-Za-z0-9+$-]+$/);

  const other = await context.newPage();
  await openLink(other, link);
  await expect(other.getByTestId('link-error')).toHaveCount(0);
  // this page's run is simulated from 0: the two runs met only in what they draw
  await expect(other.locator('.page')).toHaveAttribute('data-run-from', '0');
  await expect.poll(async () => (await drawing(other)).luns).toEqual(before.luns);
  expect(await drawing(other)).toEqual(before);
  // the same run, onwards: at 40 s both pages draw the same again
  await goTo(page, 40);
  await goTo(other, 40);
  expect((await drawing(other)).luns).toEqual((await drawing(page)).luns);
  await shot(other, testInfo, 'opened-link');
});

test('when the clipboard is refused, the link is shown to copy; a preset with a scope gets the short form', async ({
  page,
  context,
}, testInfo) => {
  await page.addInitScript(() => {
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
    });
  });
  await open(page, 'demo', 'lun');
  await goTo(page, 9);
  const before = await drawing(page);
  expect(before.scope).toBe('lun');
  expect(before.luns.find((l) => l.lun === '0:0:0:0')?.by).toBe('lun');

  await page.getByTestId('copy-link').click();
  const field = page.getByTestId('link-field');
  await expect(field).toBeVisible();
  await expect(page.getByTestId('share-note')).toContainText('did not let the page write');
  const link = await field.inputValue();
  expect(link).toBe(page.url());
  expect(new URL(link).hash).toBe('#v=1&preset=demo&scope=lun&t=9');
  // the field is selected, ready to copy
  expect(
    await field.evaluate((el: HTMLInputElement) => el.selectionEnd! - el.selectionStart!),
  ).toBe(link.length);
  await shot(page, testInfo, 'link-field');

  const other = await context.newPage();
  await openLink(other, link);
  await expect.poll(async () => (await drawing(other)).luns).toEqual(before.luns);
  expect(await drawing(other)).toEqual(before);
  // another scenario: the link leaves the address bar (a reload would not bring it back)
  expect(other.url()).toBe(link);
  await other.getByTestId('preset').selectOption('playground');
  await expect.poll(() => other.url()).toMatch(/:\d+\/$/);
});

/** A link fragment with this scenario JSON text compressed in it. */
const withText = (text: string): string =>
  `#v=1&t=4&s=${LZString.compressToEncodedURIComponent(text)}`;

test('corrupt links open the default scenario and say what was wrong', async ({
  page,
}, testInfo) => {
  // a good link to start from: the playground with a fault
  const good = JSON.parse(
    await readFile(path.resolve(import.meta.dirname, '../scenarios/playground.json'), 'utf8'),
  ) as { faults: unknown[]; hosts: { targets: number }[] };
  good.faults.push({ lun: FAILING, kind: 'timeout', at: 3 });
  const payload = LZString.compressToEncodedURIComponent(JSON.stringify(good));
  const bad = structuredClone(good);
  bad.hosts[0]!.targets = 0;

  const cases: [string, string, RegExp][] = [
    [
      'unknown version',
      `#v=9&t=4&s=${payload}`,
      /This link is of version 9; this page reads version 1\./,
    ],
    ['no version', `#t=4&s=${payload}`, /This link has no version \(v=\)/],
    [
      'truncated',
      `#v=1&t=4&s=${payload.slice(0, Math.floor(payload.length / 2))}`,
      /could not be decompressed|not JSON \(the link is corrupt or was cut short\)/,
    ],
    [
      'not decompressible',
      '#v=1&t=4&s=A',
      /could not be decompressed: the link is corrupt or was cut short/,
    ],
    [
      'a character no link writes',
      `#v=1&t=4&s=${payload.slice(0, 20)}%21${payload.slice(20)}`,
      /has a character that no link writes \("!" at position 21\)/,
    ],
    ['not JSON', withText('{"version": 1, "name": '), /decompresses to something that is not JSON/],
    [
      'failing validation',
      withText(JSON.stringify(bad)),
      /is not valid: hosts\[0\]\.targets must be at least 1, got 0/,
    ],
    [
      'an unknown preset',
      '#v=1&preset=nowhere',
      /names the preset "nowhere", which this page does not have/,
    ],
    ['a bad position', `#v=1&t=later&s=${payload}`, /position t="later" is not a time in seconds/],
  ];
  for (const [kind, hash, message] of cases) {
    // a page of its own each time (a new fragment alone does not load the page again)
    await page.goto('about:blank');
    await page.goto(`/${hash}`);
    const alert = page.getByTestId('link-error');
    await expect(alert, kind).toHaveText(message);
    await expect(page.getByRole('alert').filter({ has: alert })).toContainText(
      'The default scenario is shown instead.',
    );
    await done(page);
    expect(await page.getByTestId('preset').inputValue(), kind).toBe('playground');
    await expect(page.getByTestId('fault-list').locator('li'), kind).toHaveCount(0);
    await expect(page.locator('.tree [data-lun]'), kind).toHaveCount(16);
    if (kind === 'unknown version') await shot(page, testInfo, 'bad-link');
  }
  // the message can be closed
  await page.getByTestId('link-error').locator('..').getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('link-error')).toHaveCount(0);

  // a link put in the address bar of the open page: a good one is followed...
  await page.goto(`/#v=1&p=playground&t=4&s=${payload}`);
  await done(page);
  await expect(page.getByTestId('fault-list').locator('li')).toHaveCount(1);
  expect(await clock(page)).toBeCloseTo(4, 6);
  // ...and a bad one says so and keeps the scenario shown
  await page.goto(`/#v=2&p=playground&t=4&s=${payload}`);
  await expect(page.getByTestId('link-error')).toHaveText(
    'This link is of version 2; this page reads version 1.',
  );
  await expect(
    page.getByRole('alert').filter({ has: page.getByTestId('link-error') }),
  ).toContainText('The scenario shown is kept.');
  await expect(page.getByTestId('fault-list').locator('li')).toHaveCount(1);
});

test('a recorded trace cannot be linked, and the page says so', async ({ page }) => {
  await page.goto('/');
  await done(page);
  const trace = await page
    .getByTestId('preset')
    .locator('option[value^="trace:"]')
    .first()
    .getAttribute('value');
  expect(trace).toBeTruthy();
  await page.getByTestId('preset').selectOption(trace!);
  await expect(page.locator('.page')).toHaveAttribute('data-source', 'trace', { timeout: 30_000 });
  const url = page.url();
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('share-note')).toContainText(
    'A recorded kernel trace cannot be linked',
  );
  expect(page.url()).toBe(url);
});

test('a scenario saved as JSON loads back as the same run', async ({ page }, testInfo) => {
  await open(page);
  await goTo(page, 3);
  await inject(page, FAILING, 'timeout+abort-fails');
  await goTo(page, 12);
  const before = await drawing(page);

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('save-scenario').click(),
  ]);
  expect(download.suggestedFilename()).toBe('playground-4-x-4-luns-no-fault-yet.json');
  const file = testInfo.outputPath('saved.json');
  await download.saveAs(file);
  const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  // a scenario file as `npm run sim` reads: the playground's, with the faults and the seed
  expect(saved.version).toBe(1);
  expect(saved.seed).toBe(1);
  expect(saved.faults).toEqual([
    { lun: FAILING, kind: 'timeout', at: 3 },
    { lun: FAILING, kind: 'abort-fails', at: 3 },
  ]);

  // another scenario, then the file back
  await page.getByTestId('preset').selectOption('demo');
  await done(page);
  await expect(page.getByTestId('fault-list').locator('li')).toHaveCount(2);
  await page.getByTestId('load-scenario').setInputFiles(file);
  await expect(page.getByTestId('share-note')).toContainText('Loaded saved.json');
  await done(page);
  await pause(page);
  await goTo(page, 12);
  const after = await drawing(page);
  expect(after.luns).toEqual(before.luns);
  expect(after.steps).toEqual(before.steps);
  expect(after.spans).toEqual(before.spans);
  expect(after.faults).toEqual(before.faults);
  expect(after.presetText).toBe('Playground: 4 x 4 LUNs, no fault yet');
});

test('a bad scenario file names the field and keeps the scenario', async ({ page }, testInfo) => {
  await open(page, 'demo');
  const before = await drawing(page);
  const text = await readFile(path.resolve(import.meta.dirname, '../scenarios/demo.json'), 'utf8');
  const bad = JSON.parse(text) as {
    hosts: { lunsPerTarget: unknown }[];
    faults: { lun: string }[];
  };
  bad.hosts[0]!.lunsPerTarget = 'four';
  bad.faults[0]!.lun = '0:0:9:0';
  await page.getByTestId('load-scenario').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(bad)),
  });
  const error = page.getByTestId('load-error');
  await expect(error).toHaveAttribute('role', 'alert');
  await expect(error).toContainText('broken.json');
  await expect(error).toContainText('hosts[0].lunsPerTarget must be a finite number, got "four"');
  await expect(error).toContainText('faults[0].lun 0:0:9:0 is not a LUN of the topology');
  await expect(error).toContainText('The scenario shown is kept.');
  await shot(page, testInfo, 'bad-file');
  await page.getByTestId('load-scenario').setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('version: 1\n'),
  });
  await expect(error).toContainText('notes.txt: (file) is not JSON');
  // nothing changed
  await expect(page.locator('.page')).toHaveAttribute('data-status', 'done');
  expect(await drawing(page)).toEqual(before);
});

test('?embed shows the tree, the controls and the timeline, with a way to the full page', async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 800, height: 700 });
  await openLink(page, '/?embed&preset=demo-lun&t=9');
  const root = page.locator('.page');
  await expect(root).toHaveAttribute('data-embed', 'true');
  expect(await clock(page)).toBeCloseTo(9, 6);
  await expect(page.getByTestId('embed-bar')).toContainText('kernel/ demonstration');
  await expect(page.locator('.tree')).toBeVisible();
  await expect(page.getByTestId('playback')).toBeVisible();
  await expect(page.getByTestId('timeline')).toBeVisible();
  for (const hidden of [
    'editor',
    'transitions-panel',
    'preset',
    'scope',
    'copy-link',
    'explain',
    'export-menu',
    'compare-toggle',
  ])
    await expect(page.getByTestId(hidden), hidden).toBeHidden();
  await expect(page.getByTestId(`lun-0:0:0:0`)).toHaveAttribute('data-blocked-by', 'lun');
  // the full page, at the same moment
  const full = page.getByTestId('open-full');
  await shot(page, testInfo, 'embed');
  await page.getByTestId('step').click();
  const t = await clock(page);
  const [opened] = await Promise.all([page.context().waitForEvent('page'), full.click()]);
  await done(opened);
  expect(new URL(opened.url()).search).toBe('');
  await expect(opened.locator('.page')).not.toHaveAttribute('data-embed', 'true');
  await expect(opened.getByTestId('editor')).toBeVisible();
  expect(await opened.getByTestId('preset').inputValue()).toBe('demo-lun');
  expect(await clock(opened)).toBeCloseTo(t, 6);

  // without ?embed the same link is the full page
  await openLink(page, '/?preset=demo-lun&t=9');
  await expect(root).not.toHaveAttribute('data-embed', 'true');
  await expect(page.getByTestId('editor')).toBeVisible();
});

/** axe-core's serious and critical findings on the page as it is, but for `exclude`. */
async function axeFindings(page: Page, exclude: string[] = []): Promise<string[]> {
  await page.addScriptTag({
    path: path.resolve(import.meta.dirname, '../node_modules/axe-core/axe.min.js'),
  });
  return page.evaluate(async (exclude) => {
    interface AxeResult {
      violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
    }
    type Context = Document | { exclude: string[][] };
    const axe = (window as unknown as { axe: { run: (ctx: Context) => Promise<AxeResult> } }).axe;
    const result = await axe.run(exclude.length ? { exclude: exclude.map((s) => [s]) } : document);
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, exclude);
}

test('the sharing controls, the bad-link alert and the compact page pass an axe scan', async ({
  page,
}) => {
  await page.addInitScript(() => {
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
    });
  });
  await page.goto('/#v=3&s=x');
  await done(page);
  await pause(page);
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('link-field')).toBeVisible();
  await expect(page.getByTestId('link-error')).toBeVisible();
  // the tree's own findings (its LUN buttons' names) belong to the tree's work
  expect(await axeFindings(page, ['.tree'])).toEqual([]);
  await page.goto('about:blank');
  await openLink(page, '/?embed&preset=demo&t=9');
  expect(await axeFindings(page, ['.tree'])).toEqual([]);
});
