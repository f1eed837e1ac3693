import { expect, test as base, type Page, type TestInfo } from '@playwright/test';

/**
 * Every test fails on a console error or an unhandled rejection in the page, and leaves
 * a full-page screenshot as an artifact (test-results/, and attached to the report).
 */
export const test = base.extend<{ watch: void }>({
  watch: [
    async ({ page }, use, testInfo) => {
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
      await use();
      await shot(page, testInfo, 'final');
      expect(errors, 'console errors and unhandled rejections').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

export async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}

export async function done(page: Page): Promise<void> {
  await expect(page.locator('.page')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
}

/** Opens the page with a preset (default: the 4 x 4 playground) and a scope, paused at 0. */
export async function open(page: Page, preset = 'playground', scope?: string): Promise<void> {
  await page.goto('/');
  await done(page);
  if (preset !== 'playground') {
    await page.getByTestId('preset').selectOption(preset);
    await done(page);
  }
  if (scope) {
    await page.getByTestId('scope').selectOption(scope);
    await done(page);
  }
  await pause(page);
  await goTo(page, 0);
}

export async function pause(page: Page): Promise<void> {
  const play = page.getByTestId('play');
  if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
  await expect(play).toHaveAttribute('aria-pressed', 'false');
}

export async function clock(page: Page): Promise<number> {
  return Number(await page.getByTestId('clock').getAttribute('data-t'));
}

export async function goTo(page: Page, t: number): Promise<void> {
  await page.getByTestId('goto').fill(String(t));
  await page.getByTestId('goto').press('Enter');
  await expect.poll(() => clock(page)).toBeCloseTo(t, 5);
}

/** Clicks a LUN and picks an entry of the inject menu; waits for the new run. */
export async function inject(
  page: Page,
  lun: string,
  entry: string,
  seconds?: number,
): Promise<void> {
  await page.getByTestId(`lun-${lun}`).click();
  const menu = page.getByTestId('inject-menu');
  await expect(menu).toBeVisible();
  if (seconds !== undefined) await menu.getByTestId('inject-seconds').fill(String(seconds));
  await menu.getByTestId(`inject-${entry}`).click();
  await expect(menu).toBeHidden();
  await done(page);
}

export interface LunState {
  lun: string;
  state: string;
  by: string;
}

export async function luns(page: Page): Promise<LunState[]> {
  return page.$$eval('.tree [data-lun]', (els) =>
    els.map((e) => ({
      lun: e.getAttribute('data-lun') ?? '',
      state: e.getAttribute('data-state') ?? '',
      by: e.getAttribute('data-blocked-by') ?? '',
    })),
  );
}

/**
 * Presses "Next step" until the run has no step left, calling `visit` at each stop with
 * the step in the explanation panel and the LUNs' states.
 */
export async function stepThrough(
  page: Page,
  visit: (stop: { t: number; step: string; luns: LunState[] }) => void | Promise<void>,
  max = 200,
): Promise<number> {
  let stops = 0;
  for (let i = 0; i < max; i++) {
    const explain = page.getByTestId('explain-step');
    const mark = async () =>
      `${await clock(page)} ${await explain.getAttribute('data-step-id')} ${await explain.getAttribute('data-which')}`;
    const before = await mark();
    await page.getByTestId('step').click();
    // several steps can start at one instant: wait for the selection, not the clock
    await expect.poll(mark).not.toBe(before);
    const t = await clock(page);
    const step = (await explain.getAttribute('data-step')) ?? '';
    const which = (await explain.getAttribute('data-which')) ?? '';
    if (which !== 'selected step') return stops; // the end of the run: no step selected
    await visit({ t, step, luns: await luns(page) });
    stops++;
  }
  throw new Error(`more than ${max} steps`);
}

export async function laneSteps(
  page: Page,
  lane: string,
): Promise<{ step: string; result: string }[]> {
  return page.$$eval(`[data-lane="${lane}"] [data-step]`, (els) =>
    els.map((e) => ({
      step: e.getAttribute('data-step') ?? '',
      result: e.getAttribute('data-result') ?? '',
    })),
  );
}
