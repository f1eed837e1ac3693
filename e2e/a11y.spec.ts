import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import { clock, expect, goTo, open, pause, shot, test } from './helpers';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's scan of the page as it is; the serious and critical findings. */
async function scan(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (c: Document, o: object) => Promise<{ violations: Violation[] }> };
      }
    ).axe;
    const res = await axe.run(document, { resultTypes: ['violations'] });
    return res.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join('; ')})`,
    );
}

const domain = async (page: Page): Promise<[number, number]> => {
  const d = (await page.getByTestId('timeline').getAttribute('data-domain')) ?? '';
  const [a, b] = d.split(',').map(Number);
  return [a!, b!];
};

/** Relative luminance (WCAG) of a CSS rgb()/rgba() colour. */
function luminance(css: string): number {
  const m = /rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)/.exec(css);
  if (!m) throw new Error(`not an rgb() colour: ${css}`);
  const [r, g, b] = [m[1], m[2], m[3]].map((v) => {
    const c = Number(v) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

test.describe('accessibility and keyboard', () => {
  for (const scheme of ['light', 'dark'] as const)
    test(`axe finds nothing serious in the main views (${scheme})`, async ({ page }, testInfo) => {
      await page.emulateMedia({ colorScheme: scheme });
      await open(page, 'demo');
      await goTo(page, 3);
      expect(await scan(page)).toEqual([]);
      // the inject menu and the help overlay
      await page.locator('[data-lun]').first().click();
      await expect(page.getByTestId('inject-menu')).toBeVisible();
      expect(await scan(page)).toEqual([]);
      await page.keyboard.press('Escape');
      await page.getByTestId('key-help-open').click();
      await expect(page.getByTestId('key-help')).toBeVisible();
      expect(await scan(page)).toEqual([]);
      await shot(page, testInfo, `help-${scheme}`);
      await page.keyboard.press('Escape');
      // the compare view, the lesson panel and the export bar
      await page.getByTestId('compare-toggle').click();
      await expect(page.getByTestId('compare-table')).toBeVisible();
      await page.getByTestId('lessons').click();
      await page.getByTestId('lesson-escalation').click();
      await expect(page.getByTestId('lesson')).toHaveAttribute('data-loading', 'false', {
        timeout: 30_000,
      });
      await expect(
        page.locator('[data-testid^="compare-column-"][data-status="done"]'),
      ).toHaveCount(3, { timeout: 30_000 });
      expect(await scan(page)).toEqual([]);
      await shot(page, testInfo, `compare-lesson-${scheme}`);
    });

  for (const scheme of ['light', 'dark'] as const)
    test(`the theme follows the system's ${scheme} setting; the blocking scopes differ in more than hue`, async ({
      page,
    }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await open(page, 'demo');
      // the page's background and text follow the system setting
      const colours = await page.evaluate(() => {
        const root = getComputedStyle(document.documentElement);
        const panel = document.querySelector('[data-testid="timeline"]');
        return {
          bg: root.backgroundColor,
          fg: root.color,
          panel: panel ? getComputedStyle(panel).backgroundColor : '',
        };
      });
      if (scheme === 'dark') {
        expect(luminance(colours.bg)).toBeLessThan(0.05);
        expect(luminance(colours.panel)).toBeLessThan(0.05);
        expect(luminance(colours.fg)).toBeGreaterThan(0.6);
      } else {
        expect(luminance(colours.bg)).toBeGreaterThan(0.85);
        expect(luminance(colours.panel)).toBeGreaterThan(0.85);
        expect(luminance(colours.fg)).toBeLessThan(0.05);
      }

      // the tree's shading of what blocks a node: with the colours taken out, the three
      // gradients still differ (diagonal stripes, cross-hatching, dots)
      const shapes = await page.evaluate(() =>
        Object.fromEntries(
          ['host', 'target', 'lun'].map((scope) => {
            const el = document.querySelector(`.tree .node-overlay[data-scope="${scope}"]`);
            const image = el ? getComputedStyle(el).backgroundImage : 'none';
            const size = el ? getComputedStyle(el).backgroundSize : '';
            return [
              scope,
              `${image.replace(/(rgba?|color|color-mix)\([^()]*(\([^()]*\)[^()]*)*\)/g, 'C')} ${size}`,
            ];
          }),
        ),
      );
      for (const s of Object.values(shapes)) expect(s).toMatch(/gradient/);
      expect(new Set(Object.values(shapes)).size, JSON.stringify(shapes)).toBe(3);

      // the timeline's fills: three patterns, each drawn with other shapes
      const patterns = await page.$$eval('[data-testid="timeline"] pattern', (els) =>
        els.map((p) => ({
          id: p.id,
          shape: [
            p.getAttribute('patternTransform') ?? '',
            ...[...p.children].map((c) => c.tagName),
          ].join(' '),
        })),
      );
      const shapeOf = (suffix: string) => patterns.find((p) => p.id.endsWith(suffix))?.shape;
      const timelineShapes = ['-host', '-target', '-lun'].map(shapeOf);
      expect(timelineShapes.every((s) => s !== undefined)).toBe(true);
      expect(new Set(timelineShapes).size, JSON.stringify(patterns)).toBe(3);
    });

  test('the page keys: space, arrows, + and -, W/S/A/D, ? and Escape', async ({ page }) => {
    await open(page, 'demo');
    await page.locator('h1').click();
    // space plays and pauses
    await page.keyboard.press(' ');
    await expect(page.locator('.page')).toHaveAttribute('data-playing', 'true');
    await page.keyboard.press(' ');
    await expect(page.locator('.page')).toHaveAttribute('data-playing', 'false');
    // arrows go from step to step, and back
    await goTo(page, 0);
    await page.locator('h1').click();
    await page.keyboard.press('ArrowRight');
    const first = await clock(page);
    expect(first).toBeGreaterThan(0);
    await page.keyboard.press('ArrowRight');
    const second = await clock(page);
    expect(second).toBeGreaterThanOrEqual(first);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => clock(page)).toBeCloseTo(first, 6);
    // + doubles the speed, - halves it
    const speed = page.getByTestId('speed-value');
    await expect(speed).toHaveText('1x');
    await page.keyboard.press('+');
    await expect(speed).toHaveText('2x');
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    await expect(speed).toHaveText('0.5x');
    // W zooms the timeline in, S out, D pans right, 0 shows the whole run
    const [a0, b0] = await domain(page);
    await page.keyboard.press('w');
    const [a1, b1] = await domain(page);
    expect(b1 - a1).toBeLessThan(b0 - a0);
    await page.keyboard.press('d');
    const [a2] = await domain(page);
    expect(a2).toBeGreaterThan(a1);
    // A pans back left, the width kept
    await page.keyboard.press('a');
    const [a2l, b2l] = await domain(page);
    expect(a2l).toBeLessThan(a2);
    expect(b2l - a2l).toBeCloseTo(b1 - a1, 6);
    await page.keyboard.press('d');
    await page.keyboard.press('s');
    const [a3, b3] = await domain(page);
    expect(b3 - a3).toBeGreaterThan(b1 - a1);
    await page.keyboard.press('0');
    const [a4, b4] = await domain(page);
    expect(a4).toBe(0);
    expect(b4).toBeGreaterThanOrEqual(b0 - 1e-3);
    // ? opens the help, with the focus in it; Escape closes it and gives the focus back
    await page.keyboard.press('?');
    const help = page.getByTestId('key-help');
    await expect(help).toBeVisible();
    await expect(help).toContainText('previous recovery step');
    await expect(page.getByTestId('key-help-close')).toBeFocused();
    // keys do not reach the page behind the help
    await page.keyboard.press(' ');
    await expect(page.locator('.page')).toHaveAttribute('data-playing', 'false');
    await page.keyboard.press('Escape');
    await expect(help).toBeHidden();
  });

  test('keys typed into a field stay there', async ({ page }) => {
    await open(page, 'demo');
    await pause(page);
    const before = await domain(page);
    await page.getByTestId('goto').fill('');
    await page.getByTestId('goto').pressSequentially('w s 2');
    await expect(page.getByTestId('goto')).toHaveValue('w s 2');
    expect(await domain(page)).toEqual(before);
    await expect(page.locator('.page')).toHaveAttribute('data-playing', 'false');
  });
});
