import type { Page } from '@playwright/test';
import { done, expect, luns, test } from './helpers';

/** The LUNs blocked, counted by the scope that blocks them. */
async function blocked(page: Page): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const l of await luns(page)) if (l.by) counts[l.by] = (counts[l.by] ?? 0) + 1;
  return counts;
}

async function settled(page: Page, step: number): Promise<void> {
  const panel = page.getByTestId('lesson');
  await expect(panel).toHaveAttribute('data-step', String(step));
  await expect(panel).toHaveAttribute('data-loading', 'false', { timeout: 30_000 });
  await done(page);
}

test.describe('lessons', () => {
  test('a lesson is walked from start to end by keyboard alone', async ({ page }) => {
    // seven runs of the engine, one per step
    test.setTimeout(180_000);
    await page.goto('/');
    await done(page);
    // Tab to the Lessons button
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(
        () => document.activeElement?.getAttribute('data-testid') === 'lessons',
      );
    }
    expect(found, 'the Lessons button is in the tab order').toBe(true);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('lesson-host-stall')).toBeFocused();
    await page.keyboard.press('Enter');
    await settled(page, 1);
    await expect(page.getByTestId('lesson-next')).toBeFocused();
    await expect(page.locator('.page')).toHaveAttribute('data-playing', 'false');

    // what the texts claim, as the tree shows it
    const expected: Record<number, Record<string, number>> = {
      1: {},
      2: {},
      3: { host: 16 },
      4: { host: 16 },
      5: { host: 16 },
      6: { host: 4 },
      7: { lun: 1 },
    };
    const titles: string[] = [];
    for (let step = 1; step <= 7; step++) {
      await settled(page, step);
      expect(await blocked(page), `step ${step}`).toEqual(expected[step]);
      titles.push((await page.getByTestId('lesson-step-title').textContent()) ?? '');
      await expect(page.getByTestId('lesson-next')).toBeFocused();
      // the link names this step
      await expect(page.getByTestId('lesson-link')).toHaveAttribute(
        'href',
        `?lesson=host-stall&step=${step}`,
      );
      await page.keyboard.press('Enter');
    }
    expect(new Set(titles).size).toBe(7);
    // Finish closes the lesson and gives the focus back to the Lessons button
    await expect(page.getByTestId('lesson')).toBeHidden();
    await expect(page.getByTestId('lessons')).toBeFocused();
  });

  test('back goes to the previous step, and a link opens a step', async ({ page }) => {
    await page.goto('/?lesson=escalation&step=3');
    await settled(page, 3);
    await expect(page.getByTestId('lesson-step-title')).toHaveText('To the target');
    expect(await blocked(page)).toEqual({ target: 4 });
    await page.getByTestId('lesson-back').click();
    await settled(page, 2);
    expect(await blocked(page)).toEqual({ lun: 1 });
    expect(new URL(page.url()).search).toBe('?lesson=escalation&step=2');
  });

  test('a link to a lesson that does not exist says so and opens the playground', async ({
    page,
  }) => {
    await page.goto('/?lesson=nope&step=2');
    await expect(page.getByTestId('lesson-link-error')).toContainText('"nope"');
    await done(page);
    await expect(page.getByTestId('preset')).toHaveValue('playground');
    await page.goto('/?lesson=drivers&step=42');
    await expect(page.getByTestId('lesson-link-error')).toContainText('steps 1 to 7');
    await done(page);
  });
});
