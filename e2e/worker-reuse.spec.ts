// The engine worker outlives a run that ends as it should: the next run (an injection) goes
// on the worker whose engine V8 has already optimised, not on a fresh one.
import { done, expect, goTo, inject, open, test } from './helpers';

test('runs that end as they should leave their worker to the next run', async ({ page }) => {
  const started: string[] = [];
  page.on('worker', (w) => {
    if (w.url().includes('engine')) started.push(w.url());
  });
  await open(page);
  const engines = (): number => page.workers().filter((w) => w.url().includes('engine')).length;
  await expect.poll(engines).toBe(1);
  const before = started.length;
  await goTo(page, 3);
  await inject(page, '0:0:1:2', 'timeout+abort-fails');
  await goTo(page, 30);
  await inject(page, '0:0:2:1', 'timeout+abort-fails');
  await done(page);
  // both injections' runs went on the first run's worker: none was started for them
  expect(started.length).toBe(before);
  expect(engines()).toBe(1);
  // and they did run, the last one going on from the run that worker had prepared up to
  // the cursor while the page stood paused there
  await expect(page.getByTestId('fault-list').locator('li')).toHaveCount(4);
  const from = Number(await page.locator('.page').getAttribute('data-run-from'));
  expect(from).toBeGreaterThan(29.9);
  expect(from).toBeLessThanOrEqual(30);
});
