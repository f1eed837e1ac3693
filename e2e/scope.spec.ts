import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';

async function done(page: Page) {
  await expect(page.locator('.page')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
}

/** "71.8 %" -> 0.718 */
async function availabilityMean(page: Page): Promise<number> {
  const text = await page
    .locator('[data-metric="healthy LUNs: availability mean / worst"]')
    .innerText();
  return Number(text.split('/')[0]!.replace('%', '').trim()) / 100;
}

test('the demo under host scope stops the host; under LUN scope only the failing LUN', async ({
  page,
}, testInfo) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto('/');
  await done(page);
  // host scope: the host went into recovery and every healthy LUN lost about 2 s of 7
  await expect(page.locator('li[data-kind="host"]').first()).toContainText('host 0 recovery');
  const hostAvail = await availabilityMean(page);
  expect(hostAvail).toBeLessThan(0.8);
  expect(hostAvail).toBeGreaterThan(0.6);

  await page.getByTestId('scope').selectOption('lun');
  await done(page);
  await expect(page.getByTestId('transition-total')).not.toHaveText('0');
  // LUN scope: no host recovery at all, only the LUN's own ladder
  await expect(page.locator('li[data-kind="host"]')).toHaveCount(0);
  await expect(
    page.locator('li[data-kind="step"]', { hasText: 'lun step lun-reset on 0:0:0:0' }).first(),
  ).toBeVisible();
  expect(await availabilityMean(page)).toBeGreaterThan(0.97);

  const shot = path.join(testInfo.project.outputDir, 'scope-lun.png');
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach('scope-lun', { path: shot, contentType: 'image/png' });
  expect(errors).toEqual([]);
});
