// Issue 17: four other systems' recoveries side by side in the compare view, on one preset.
import type { Page } from '@playwright/test';
import { presets, simulate, withScope, type Metrics, type Scope } from '../src/engine';
import { expect, goTo, open, shot, test } from './helpers';

test.describe.configure({ timeout: 120_000 });

const FOUR: Scope[] = ['cam', 'storport', 'esxi', 'nvme'];

async function value(page: Page, metric: string, scope: Scope): Promise<number> {
  const cell = page.locator(
    `[data-testid="compare-table"] tr[data-metric="${metric}"] td[data-policy="${scope}"]`,
  );
  return Number(await cell.getAttribute('data-value'));
}

/** Ticks exactly these policies, never more than four at a time nor fewer than two. */
async function choose(page: Page, want: Scope[]): Promise<void> {
  const box = (s: Scope) => page.getByTestId(`compare-scope-${s}`);
  const on = async (): Promise<Scope[]> =>
    page.$$eval('input[data-testid^="compare-scope-"]:checked', (els) =>
      els.map((e) => e.getAttribute('data-testid')!.slice('compare-scope-'.length)),
    ) as Promise<Scope[]>;
  for (const s of want) {
    const now = await on();
    if (now.includes(s)) continue;
    if (now.length >= 4) await box(now.find((x) => !want.includes(x))!).uncheck();
    await box(s).check();
  }
  for (const s of await on()) if (!want.includes(s)) await box(s).uncheck();
  expect((await on()).sort()).toEqual([...want].sort());
}

test('CAM, Storport, ESXi and NVMe on one fault: the table is the engine’s', async ({
  page,
}, testInfo) => {
  const sc = presets['others-cam']!;
  const runs = new Map<Scope, ReturnType<typeof simulate>>();
  for (const s of FOUR) runs.set(s, simulate(withScope(sc, s), { seed: 1 }));
  const m = (s: Scope): Metrics => runs.get(s)!.metrics;

  await open(page, 'others-cam');
  await page.getByTestId('compare-toggle').click();
  await choose(page, FOUR);
  await expect(page.locator('.compare-column')).toHaveCount(4);
  for (const s of FOUR)
    await expect(page.getByTestId(`compare-column-${s}`)).toHaveAttribute('data-status', 'done', {
      timeout: 30_000,
    });

  for (const s of FOUR) {
    expect(await value(page, 'availability-mean', s)).toBe(m(s).healthyAvailabilityMean);
    expect(await value(page, 'availability-worst', s)).toBe(m(s).healthyAvailabilityWorst);
    expect(await value(page, 'longest-gap', s)).toBe(m(s).healthyLongestGap);
    expect(await value(page, 'recovery-time', s)).toBe(m(s).recoveryTime);
    expect(await value(page, 'eio', s)).toBe(m(s).eio);
    expect(await value(page, 'offlined', s)).toBe(m(s).offlined.length);
  }
  // NVMe's controller reset stops every namespace: the worst mean; ESXi's LUN reset the best
  const mean = page.locator('[data-testid="compare-table"] tr[data-metric="availability-mean"]');
  await expect(mean.locator('td[data-policy="nvme"]')).toHaveAttribute('data-mark', 'worst');
  await expect(mean.locator('td[data-policy="esxi"]')).toHaveAttribute('data-mark', 'best');

  // half a second into NVMe's controller reset: what each one blocks
  const reset = runs
    .get('nvme')!
    .transitions.find((t) => t.type === 'step' && t.step === 'controller-reset')!;
  const t = Math.round((reset.t + 0.5) * 1e6) / 1e6;
  await goTo(page, t);
  const count = (s: Scope) => page.getByTestId(`compare-blocked-${s}`);
  await expect(count('nvme')).toHaveAttribute('data-blocked', '16');
  await expect(count('cam')).toHaveAttribute('data-blocked', '4'); // the target, INRESET
  await expect(count('esxi')).toHaveAttribute('data-blocked', '1');
  await expect(count('storport')).toHaveAttribute('data-blocked', '0');
  // the page's own panel (its run is CAM's) names the system and its sources
  await expect(page.getByTestId('explain-policy')).toHaveAttribute('data-policy', 'cam');
  await expect(page.getByTestId('explain-policy')).toContainText('mpr_sas.c');
  await expect(page.getByTestId('explain-blocked')).toContainText('MPRSAS_TARGET_INRESET');
  await shot(page, testInfo, 'policies-compare');
});
