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

test('a worker that stops answering mid-run is reported, and the run can start again', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await expect(page.locator('.page')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  // a run long enough to be caught in the middle: 1024 LUNs for 8 minutes of virtual time (the page's limit)
  await page.getByTestId('preset').selectOption('playground-1024');
  await expect(page.locator('.page')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await page.getByTestId('edit-duration').fill('480');
  await page.getByTestId('edit-apply').click();
  await expect(page.locator('.page')).toHaveAttribute('data-status', 'running');
  // stop every engine worker of the page from the inside, as a crash would
  await expect.poll(() => page.workers().length).toBeGreaterThan(0);
  for (const w of page.workers())
    if (w.url().includes('engine')) await w.evaluate(() => self.close()).catch(() => {});
  await expect(page.locator('.page')).toHaveAttribute('data-status', 'error', { timeout: 30_000 });
  await expect(page.getByTestId('error')).toContainText('stopped answering');
  // the scenario is kept, with the tree drawn so far
  await expect(page.getByTestId('edit-duration')).toHaveValue('480');
  await expect(page.locator('.tree [data-lun]')).toHaveCount(1024);
  // run again, on a shorter run so that it ends here
  await page.getByTestId('edit-duration').fill('5');
  await page.getByTestId('edit-apply').click();
  await expect(page.locator('.page')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('error')).toHaveCount(0);
});
