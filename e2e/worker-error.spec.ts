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
  await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
});
