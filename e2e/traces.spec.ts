import { readFileSync } from 'node:fs';
import path from 'node:path';
import { done, expect, laneSteps, shot, test } from './helpers';

const TRACES = path.resolve(import.meta.dirname, '../kernel/traces');

test('a recorded kernel trace opens through the file chooser and shows its recovery', async ({
  page,
}, testInfo) => {
  await page.goto('/');
  await done(page);
  await page.getByTestId('open-trace').setInputFiles(path.join(TRACES, 'host-lun-reset.trace.gz'));
  await expect(page.locator('.page')).toHaveAttribute('data-source', 'trace', { timeout: 30_000 });
  await expect(page.getByTestId('trace-banner')).toContainText('host-lun-reset');
  await expect(page.getByTestId('trace-banner')).toContainText('6.12');
  // its topology: scsi_debug 2 x 2
  await expect(page.locator('.tree [data-lun]')).toHaveCount(4);
  // its steps in the timeline: the failed abort, then host recovery's LUN reset and TUR
  const steps = await laneSteps(page, 'target:0:0:0');
  expect(steps.map((s) => s.step)).toEqual(expect.arrayContaining(['lun-reset']));
  expect(steps.find((s) => s.step === 'lun-reset')?.result).toBe('success');
  // every LUN was blocked by the host while it recovered
  for (const lun of ['0:0:0:0', '0:0:0:1', '0:0:1:0', '0:0:1:1'])
    await expect(
      page.locator(`[data-lane="lun:${lun}"] [data-span-by="host"]`).first(),
    ).toBeAttached();
  // the model beside it, on the same axis
  await page.getByTestId('compare-model').click();
  const model = page.getByTestId('timeline-compare');
  await expect(model).toBeVisible({ timeout: 30_000 });
  await expect(model.locator('[data-lane="target:0:0:0"] [data-step="lun-reset"]')).toHaveCount(1);
  await shot(page, testInfo, 'trace-and-model');
});

test('a recorded kernel trace dropped on the page opens like one chosen', async ({
  page,
}, testInfo) => {
  await page.goto('/');
  await done(page);
  const bytes = [...readFileSync(path.join(TRACES, 'host-lun-reset.trace.gz'))];
  const drop = await page.evaluateHandle((b) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(b)], 'host-lun-reset.trace.gz'));
    return dt;
  }, bytes);
  await page.dispatchEvent('.page', 'dragover', { dataTransfer: drop });
  await expect(page.locator('[data-drop="true"]')).toBeAttached();
  await page.dispatchEvent('.page', 'drop', { dataTransfer: drop });
  await expect(page.locator('.page')).toHaveAttribute('data-source', 'trace', { timeout: 30_000 });
  await expect(page.locator('[data-drop="true"]')).toHaveCount(0);
  await expect(page.getByTestId('trace-banner')).toContainText('host-lun-reset');
  await expect(page.locator('.tree [data-lun]')).toHaveCount(4);
  const steps = await laneSteps(page, 'target:0:0:0');
  expect(steps.find((s) => s.step === 'lun-reset')?.result).toBe('success');
  await shot(page, testInfo, 'dropped-trace');
});

test('a broken trace file gives its line number and keeps the scenario', async ({
  page,
}, testInfo) => {
  await page.goto('/');
  await done(page);
  const before = await page.getByTestId('preset').inputValue();
  await page.getByTestId('open-trace').setInputFiles({
    name: 'broken.trace',
    mimeType: 'text/plain',
    buffer: Buffer.from(
      '#@fio 0:0:0:0 sda\n1700000000000, 1000, 0, 4096, 0\n1700000000100, oops\n',
    ),
  });
  const error = page.getByTestId('trace-error');
  await expect(error).toBeVisible({ timeout: 30_000 });
  await expect(error).toContainText('broken.trace');
  await expect(error).toContainText('line 3');
  await expect(error).toContainText('expected a fio log line');
  await expect(page.locator('.page')).toHaveAttribute('data-source', 'engine');
  expect(await page.getByTestId('preset').inputValue()).toBe(before);
  await shot(page, testInfo, 'broken-trace');
});
