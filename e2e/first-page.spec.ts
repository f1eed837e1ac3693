import path from 'node:path';
import { expect, test } from '@playwright/test';

test('the first page runs the demo preset and lists its transitions', async ({
  page,
}, testInfo) => {
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'SCSI error recovery — visualizer',
  );

  const root = page.locator('[data-status]').first();
  await expect(root).toHaveAttribute('data-status', 'done', { timeout: 30_000 });

  const rows = page.getByTestId('transition');
  const rowCount = await rows.count();
  expect(rowCount).toBeGreaterThan(0);
  await expect(page.getByTestId('transition-count')).toHaveText(String(rowCount));
  await expect(rows.first()).toHaveAttribute('data-kind', /\S/);
  await expect(page.getByTestId('error')).toHaveCount(0);
  // what the engine did on the demo preset (host scope): the host went into recovery, the
  // LUN reset ran and succeeded, and the run ended with its figures
  await expect(page.locator('li[data-kind="host"]').first()).toContainText('host 0 recovery');
  await expect(
    page.locator('li[data-kind="step"]', { hasText: 'host step lun-reset on 0:0:0:0: success' }),
  ).toHaveCount(1);
  await expect(page.locator('[data-metric="I/O failed with EIO"]')).toHaveText('0');
  await expect(page.locator('[data-metric="recovery window"]')).toContainText('5.000 s');

  // The Run button runs it again, to the same end.
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(root).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('transition-count')).toHaveText(String(await rows.count()));

  const shot = path.join(testInfo.project.outputDir, 'first-page.png');
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach('first-page', { path: shot, contentType: 'image/png' });

  expect(consoleErrors, 'console errors').toEqual([]);
  expect(pageErrors, 'page errors').toEqual([]);
});
