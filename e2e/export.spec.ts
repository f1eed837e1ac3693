import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Download, Page } from '@playwright/test';
import { done, expect, goTo, open, shot, test } from './helpers';

const GOLDEN = path.resolve(import.meta.dirname, 'golden');
const TRACES = path.resolve(import.meta.dirname, '../kernel/traces');
/** What the golden files have where the page writes its address (src/export/text.test.ts). */
const LINK = '<link>';

test.describe.configure({ timeout: 120_000 });

async function downloaded(page: Page, testid: string): Promise<{ d: Download; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  const file = await d.path();
  return { d, bytes: readFileSync(file) };
}

/** Lines that must fit 80 columns: all but the link's (a URL cannot be cut). */
function fits(text: string): string[] {
  const lines = text.split('\n');
  const i = lines.indexOf('Link (open it to see this run):');
  return (i < 0 ? lines : lines.slice(0, i + 1)).filter((l) => l.length > 80);
}

for (const preset of ['demo', 's3-lun-fails'])
  test(`the text export of ${preset} equals its golden file`, async ({ page }) => {
    await open(page, preset);
    const { d, bytes } = await downloaded(page, 'export-txt');
    expect(d.suggestedFilename()).toMatch(/^scsi-eh-.*\.txt$/);
    const text = bytes.toString('utf8');
    // the link underneath is the run's permalink (here: the preset, at 0 s)
    const url = `${new URL(page.url()).origin}/#v=1&preset=${preset}`;
    expect(text.trimEnd().split('\n').at(-1)).toBe(url);
    expect(fits(text)).toEqual([]);
    expect(text.split(url).join(LINK)).toBe(
      readFileSync(path.join(GOLDEN, `${preset}.txt`), 'utf8'),
    );
  });

test('copy text: to the clipboard, or into a dialog to select when the browser refuses', async ({
  page,
  context,
}, testInfo) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await open(page, 'demo');
  const { bytes } = await downloaded(page, 'export-txt');
  await page.getByTestId('export-copy-text').click();
  await expect(page.getByTestId('export-status')).toHaveText('Copied the timeline as text.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(bytes.toString('utf8'));

  // a browser that refuses: the text in a dialog, selected
  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('no', 'NotAllowedError'));
  });
  await page.getByTestId('export-copy-text').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('export-status')).toContainText('select the text');
  expect(await page.getByTestId('export-text').textContent()).toBe(bytes.toString('utf8'));
  expect(await page.evaluate(() => window.getSelection()?.toString().length ?? 0)).toBeGreaterThan(
    1000,
  );
  await shot(page, testInfo, 'copy-fallback');
  await page.getByTestId('export-dialog-close').click();
  await expect(dialog).toBeHidden();
});

test('the text range follows the choice: the whole run', async ({ page }) => {
  await open(page, 'demo');
  await page.getByTestId('export-range').selectOption('run');
  const text = (await downloaded(page, 'export-txt')).bytes.toString('utf8');
  expect(text).toMatch(/shown 0\.000 s to 20\.000 s, 0\.5 s per column/);
  expect(fits(text)).toEqual([]);
});

test("the text range follows the choice: the timeline's view, zoomed", async ({ page }) => {
  await open(page, 'demo');
  await goTo(page, 9);
  const timeline = page.getByTestId('timeline');
  await timeline.focus();
  for (let i = 0; i < 4; i++) await timeline.press('w');
  await expect(page.getByTestId('timeline-reset-zoom')).toBeVisible();
  const ticks = (
    await page.$$eval('[data-testid="timeline"] .tl-axis .tick text', (els) =>
      els.map((e) => parseFloat(e.textContent ?? '')),
    )
  ).filter(Number.isFinite);
  expect(ticks.length).toBeGreaterThan(2);
  await page.getByTestId('export-range').selectOption('view');
  const text = (await downloaded(page, 'export-txt')).bytes.toString('utf8');
  const m = /shown ([\d.]+) s to ([\d.]+) s/.exec(text);
  expect(m).not.toBeNull();
  const [a, b] = [Number(m![1]), Number(m![2])];
  // the columns cover what the axis shows, and not much more (the zoom is about 8 s of 20)
  expect(a).toBeLessThanOrEqual(ticks[0]!);
  expect(b).toBeGreaterThanOrEqual(ticks.at(-1)!);
  expect(a).toBeGreaterThan(4);
  expect(b - a).toBeLessThan(12);
  expect(fits(text)).toEqual([]);
});

/** Parses an SVG file in the page: its root, its lanes, and what its fills refer to. */
async function parseSvg(page: Page, svg: string) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const ids = new Set([...doc.querySelectorAll('[id]')].map((e) => e.id));
    const refs = [...text.matchAll(/url\((?:&quot;|"|')?#([^)"&']+)/g)].map((m) => m[1]!);
    return {
      root: doc.documentElement.nodeName,
      ns: doc.documentElement.namespaceURI,
      errors: doc.getElementsByTagName('parsererror').length,
      width: Number(doc.documentElement.getAttribute('width')),
      height: Number(doc.documentElement.getAttribute('height')),
      lanes: [...doc.querySelectorAll('[data-lane]')].map((e) => e.getAttribute('data-lane')),
      timelines: [...doc.querySelectorAll('[data-timeline]')].map((e) =>
        e.getAttribute('data-timeline'),
      ),
      /** each panel's LUN lanes with a span blocked by host recovery */
      hostBlockedLanes: Object.fromEntries(
        [...doc.querySelectorAll('[data-timeline]')].map((g) => [
          g.getAttribute('data-timeline'),
          [...g.querySelectorAll('[data-lane^="lun:"]')].filter(
            (e) => e.querySelector('[data-span-by="host"]') !== null,
          ).length,
        ]),
      ),
      hostSpans: doc.querySelectorAll('[data-lane^="lun:"] [data-span-by="host"]').length,
      lanesBlockedByHost: [...doc.querySelectorAll('[data-lane^="lun:"]')].filter(
        (e) => e.querySelector('[data-span-by="host"]') !== null,
      ).length,
      steps: [...doc.querySelectorAll('[data-step]')].map((e) => e.getAttribute('data-step')),
      panels: doc.querySelectorAll('[data-timeline]').length,
      patterns: doc.querySelectorAll('pattern').length,
      missingRefs: refs.filter((r) => !ids.has(r)),
      classes: doc.querySelectorAll('[class]').length,
      external: doc.querySelectorAll('style, link, image, foreignObject, script').length,
    };
  }, svg);
}

test('the SVG export is well-formed, self-contained and has every lane', async ({ page }) => {
  await open(page, 'demo');
  await goTo(page, 10);
  const { d, bytes } = await downloaded(page, 'export-svg');
  expect(d.suggestedFilename()).toBe('scsi-eh-demo-host.svg');
  const svg = bytes.toString('utf8');
  const p = await parseSvg(page, svg);
  expect(p.root).toBe('svg');
  expect(p.ns).toBe('http://www.w3.org/2000/svg');
  expect(p.errors).toBe(0);
  const luns = await page.$$eval('.tree [data-lun]', (els) =>
    els.map((e) => `lun:${e.getAttribute('data-lun')}`),
  );
  expect(luns).toHaveLength(16);
  expect(p.lanes).toEqual(
    await page.$$eval('[data-testid="timeline"] [data-lane]', (els) =>
      els.map((e) => e.getAttribute('data-lane')),
    ),
  );
  for (const lane of [...luns, 'host:0', 'target:0:0:0']) expect(p.lanes).toContain(lane);
  // host recovery blocked all 16, span for span as the page draws it
  expect(p.lanesBlockedByHost).toBe(16);
  expect(p.hostSpans).toBe(
    await page
      .locator('[data-testid="timeline"] [data-lane^="lun:"] [data-span-by="host"]')
      .count(),
  );
  // the abort, LUN reset and TUR are there
  expect(p.steps).toEqual(expect.arrayContaining(['abort', 'lun-reset', 'tur']));
  // styles inlined, patterns inside the file, nothing from outside
  expect(p.patterns).toBe(3);
  expect(p.missingRefs).toEqual([]);
  expect(p.classes).toBe(0);
  expect(p.external).toBe(0);
  expect(svg).toMatch(/fill:url\(/);
  expect(p.panels).toBe(1);
});

test('the range selected on the timeline is shaded in the SVG export as on the page', async ({
  page,
}) => {
  await open(page, 'demo');
  await goTo(page, 10);
  await expect(page.locator('.tl-brush-shade')).toHaveCount(0);
  await page.getByTestId('timeline-brush').scrollIntoViewIfNeeded();
  const strip = (await page.getByTestId('timeline-brush').boundingBox())!;
  await page.mouse.move(strip.x + strip.width * 0.3, strip.y + strip.height / 2);
  await page.mouse.down();
  await page.mouse.move(strip.x + strip.width * 0.5, strip.y + strip.height / 2, { steps: 5 });
  await page.mouse.up();
  const shade = page.locator('[data-testid="timeline"] .tl-brush-shade');
  await expect(shade).toHaveCount(1);
  const [left, width] = await shade.evaluate((e: HTMLElement) => [
    parseFloat(e.style.left),
    parseFloat(e.style.width),
  ]);
  expect(left).toBeCloseTo(strip.width * 0.3, -1);
  expect(width).toBeCloseTo(strip.width * 0.2, -1);
  const svg = (await downloaded(page, 'export-svg')).bytes.toString('utf8');
  const rect = await page.evaluate((text) => {
    const r = new DOMParser()
      .parseFromString(text, 'image/svg+xml')
      .querySelector('[data-plot] rect[data-brush]');
    return r && [Number(r.getAttribute('x')), Number(r.getAttribute('width'))];
  }, svg);
  expect(rect).toEqual([left, width]);
});

test('the PNG export decodes at twice the SVG size and has a picture in it', async ({
  page,
}, testInfo) => {
  await open(page, 'demo');
  await goTo(page, 10);
  const svg = await parseSvg(page, (await downloaded(page, 'export-svg')).bytes.toString('utf8'));
  const { d, bytes } = await downloaded(page, 'export-png');
  expect(d.suggestedFilename()).toBe('scsi-eh-demo-host.png');
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const img = await page.evaluate(async (b64) => {
    const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bin], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const data = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    const colours = new Set<number>();
    let reddish = 0;
    for (let i = 0; i < data.length; i += 4 * 7) {
      colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      // the host's hatching (#c0392b) and the cursor
      if (data[i]! > 150 && data[i + 1]! < 110 && data[i + 2]! < 110) reddish++;
    }
    return { width: bmp.width, height: bmp.height, colours: colours.size, reddish };
  }, bytes.toString('base64'));
  expect(img.width).toBe(svg.width * 2);
  expect(img.height).toBe(svg.height * 2);
  expect(img.colours).toBeGreaterThan(20);
  expect(img.reddish).toBeGreaterThan(100);
  await testInfo.attach('export', { body: bytes, contentType: 'image/png' });
});

test('with the compare view open, the pictures have a timeline per policy', async ({ page }) => {
  await open(page, 'demo');
  await page.getByTestId('compare-toggle').click();
  for (const s of ['host', 'lun', 'lun+target'])
    await expect(page.getByTestId(`compare-column-${s}`)).toHaveAttribute('data-status', 'done', {
      timeout: 30_000,
    });
  await goTo(page, 10);
  const svg = (await downloaded(page, 'export-svg')).bytes.toString('utf8');
  const p = await parseSvg(page, svg);
  expect(p.errors).toBe(0);
  // one panel per policy, each with its caption and its 16 LUN lanes, then the page's own
  // run below them (top to bottom, as the page shows them)
  expect(p.panels).toBe(4);
  expect(p.timelines).toEqual([
    'compare-timeline-host',
    'compare-timeline-lun',
    'compare-timeline-lun+target',
    'timeline',
  ]);
  for (const s of ['host', 'lun', 'lun+target']) expect(svg).toContain(`>${s} recovery</text>`);
  expect(p.lanes.filter((l) => l?.startsWith('lun:'))).toHaveLength(4 * 16);
  // host recovery blocks all 16 LUNs in its column; LUN recovery never reaches the host
  expect(p.hostBlockedLanes).toEqual({
    timeline: 16,
    'compare-timeline-host': 16,
    'compare-timeline-lun': 0,
    'compare-timeline-lun+target': 0,
  });
  expect(p.missingRefs).toEqual([]);
  const png = await downloaded(page, 'export-png');
  expect(png.bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const size = await page.evaluate(async (b64) => {
    const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bin], { type: 'image/png' }));
    return { width: bmp.width, height: bmp.height };
  }, png.bytes.toString('base64'));
  expect(size).toEqual({ width: p.width * 2, height: p.height * 2 });
});

test('with the model beside a kernel trace, the pictures stack both timelines', async ({
  page,
}) => {
  await page.goto('/');
  await done(page);
  await page.getByTestId('open-trace').setInputFiles(path.join(TRACES, 'host-lun-reset.trace.gz'));
  await expect(page.locator('.page')).toHaveAttribute('data-source', 'trace', { timeout: 30_000 });
  await page.getByTestId('compare-model').click();
  await expect(page.getByTestId('timeline-compare')).toBeVisible({ timeout: 30_000 });
  const svg = (await downloaded(page, 'export-svg')).bytes.toString('utf8');
  const p = await parseSvg(page, svg);
  expect(p.errors).toBe(0);
  expect(p.panels).toBe(2);
  expect(svg).toContain('recorded on the kernel');
  expect(p.patterns).toBe(6);
  expect(p.missingRefs).toEqual([]);
  expect(p.lanes.filter((l) => l === 'target:0:0:0')).toHaveLength(2);
  const png = await downloaded(page, 'export-png');
  expect(png.bytes.length).toBeGreaterThan(10_000);
  // and the text of the recorded run
  const text = (await downloaded(page, 'export-txt')).bytes.toString('utf8');
  expect(fits(text)).toEqual([]);
  expect(text).toMatch(/^ {2}0:0:0:1 +\|[._]*H+[._]*\|$/m);
  // a recording has no seed
  expect(text).toMatch(/^run 0 s to [\d.]+ s; shown /m);
});
