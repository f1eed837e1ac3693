// The blocked worker makes Chromium log a failed load, so this test does not use the
// helpers' console watch.
import { expect, test } from '@playwright/test';

test('a worker that cannot load is shown as an error message, not a blank page', async ({
  page,
}) => {
  await page.route('**/*engine.worker*', (route) => route.abort());
  await page.goto('/');

  await expect(page.locator('[data-status]').first()).toHaveAttribute('data-status', 'error', {
    timeout: 30_000,
  });
  await expect(page.getByTestId('error')).toContainText('engine worker');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByTestId('run-again')).toBeEnabled();
  // the scenario is still there, and running it again with the worker back works
  await page.unroute('**/*engine.worker*');
  await page.getByTestId('run-again').click();
  await expect(page.locator('.page')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(page.locator('.tree [data-lun]')).toHaveCount(16);
});
