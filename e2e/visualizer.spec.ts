import {
  clock,
  done,
  expect,
  goTo,
  inject,
  laneSteps,
  luns,
  open,
  pause,
  shot,
  stepThrough,
  test,
  type LunState,
} from './helpers';
import LZString from 'lz-string';
import { playgrounds } from '../src/engine/presets';

const FAILING = '0:0:1:2';
const TARGET = '0:0:1';

/** "0:0:1:2:lun" for each LUN that is blocked */
test.describe.configure({ timeout: 180_000 });

const blockedSet = (ls: LunState[]): string[] =>
  ls.filter((l) => l.by).map((l) => `${l.lun}:${l.by}`);

test('host scope: one timeout blocks every LUN of the host for the whole ladder', async ({
  page,
}, testInfo) => {
  await open(page);
  await goTo(page, 3);
  await inject(page, FAILING, 'timeout+abort-fails');
  expect(await clock(page)).toBeCloseTo(3, 6);
  await expect(page.getByTestId('fault-list').locator('li')).toHaveCount(2);

  const seen: string[] = [];
  let atLunReset = false;
  await stepThrough(page, async ({ step, luns: ls }) => {
    seen.push(step);
    if (step !== 'abort') {
      // from the drain on, host recovery: every LUN blocked, by the host
      const odd = ls.filter((l) => l.by !== 'host' || l.state === 'running');
      expect(odd, `at ${step}`).toEqual([]);
    }
    if (step === 'lun-reset') {
      atLunReset = true;
      // the host's overlay, and the step named on the LUN it acts on
      await expect(page.getByTestId('host-0')).toHaveAttribute('data-state', 'recovery');
      await expect(page.locator('[data-testid="host-0"] > .node-overlay')).toHaveAttribute(
        'data-active',
        'true',
      );
      await expect(page.getByTestId(`lun-${FAILING}`).getByTestId('step-tag')).toHaveAttribute(
        'data-step',
        'lun-reset',
      );
      await shot(page, testInfo, 'host-lun-reset');
    }
  });
  expect(seen.slice(0, 2)).toEqual(['abort', 'drain']);
  expect(seen).toContain('lun-reset');
  expect(seen.indexOf('tur')).toBeGreaterThan(seen.indexOf('lun-reset'));
  expect(atLunReset).toBe(true);
  await expect(page.getByTestId('host-0')).toHaveAttribute('data-blocked', 'false');

  // afterwards every LUN runs again
  await goTo(page, 60);
  expect((await luns(page)).every((l) => l.state === 'running' && l.by === '')).toBe(true);
  // the timeline: the failing LUN's target lane shows abort (failed), LUN reset, TUR in order
  const steps = (await laneSteps(page, `target:${TARGET}`)).map((s) => `${s.step}:${s.result}`);
  expect(steps).toEqual(['abort:failed', 'lun-reset:success', 'tur:ready']);
  const hostSteps = (await laneSteps(page, 'host:0')).map((s) => s.step);
  expect(hostSteps[0]).toBe('drain');
  await expect(page.locator(`[data-lane="lun:0:0:3:3"] [data-span-by="host"]`)).toHaveCount(1);
});

/** Injects on FAILING under `scope` and returns the blocked sets at every step. */
async function blockedAtEachStep(
  page: import('@playwright/test').Page,
  scope: string,
  faults: [string, number?][],
): Promise<{ step: string; blocked: string[] }[]> {
  await open(page, 'playground', scope);
  await goTo(page, 3);
  for (const [entry, seconds] of faults) {
    if (seconds !== undefined) {
      await page.getByTestId(`lun-${FAILING}`).click();
      await page.getByTestId('inject-for').check();
      await page.getByTestId('inject-seconds').fill(String(seconds));
      await page.getByTestId(`inject-${entry}`).click();
      await done(page);
    } else await inject(page, FAILING, entry);
  }
  const stops: { step: string; blocked: string[] }[] = [];
  await stepThrough(page, ({ step, luns: ls }) => {
    stops.push({ step, blocked: blockedSet(ls) });
  });
  expect(stops.length).toBeGreaterThan(2);
  return stops;
}

test('LUN scope: only the failing LUN is ever blocked', async ({ page }, testInfo) => {
  const stops = await blockedAtEachStep(page, 'lun', [['timeout+abort-fails']]);
  const ever = new Set(stops.flatMap((s) => s.blocked));
  expect([...ever]).toEqual([`${FAILING}:lun`]);
  expect(stops.map((s) => s.step)).toContain('lun-reset');
  expect(
    await page.locator(`[data-lane="lun:${FAILING}"] [data-span-by="lun"]`).count(),
  ).toBeGreaterThan(0);
  await expect(page.locator('[data-span-by="host"], [data-span-by="target"]')).toHaveCount(0);
  await shot(page, testInfo, 'lun-scope');
});

test("target scope: only the failing LUN's target is ever blocked", async ({ page }, testInfo) => {
  const stops = await blockedAtEachStep(page, 'target', [['timeout+abort-fails']]);
  const ever = new Set(stops.flatMap((s) => s.blocked));
  expect([...ever].sort()).toEqual([0, 1, 2, 3].map((l) => `${TARGET}:${l}:target`));
  await expect(page.locator('[data-span-by="host"], [data-span-by="lun"]')).toHaveCount(0);
  await shot(page, testInfo, 'target-scope');
});

test('lun+target, the LUN reset failing: first the LUN alone, then its target', async ({
  page,
}, testInfo) => {
  const stops = await blockedAtEachStep(page, 'lun+target', [
    ['lun-reset-fails', 60],
    ['timeout+abort-fails'],
  ]);
  const kinds = stops.map((s) =>
    s.blocked.length === 0
      ? 'none'
      : s.blocked.every((b) => b === `${FAILING}:lun`)
        ? 'lun'
        : s.blocked.every((b) => b.startsWith(`${TARGET}:`) && b.endsWith(':target')) &&
            s.blocked.length === 4
          ? 'target'
          : `other ${s.blocked.join(' ')}`,
  );
  expect(kinds.filter((k) => k.startsWith('other'))).toEqual([]);
  const firstLun = kinds.indexOf('lun');
  const firstTarget = kinds.indexOf('target');
  expect(firstLun).toBeGreaterThanOrEqual(0);
  expect(firstTarget).toBeGreaterThan(firstLun);
  expect(kinds.slice(firstTarget).includes('lun')).toBe(false);
  const steps = stops.map((s) => s.step);
  expect(steps.indexOf('target-reset')).toBeGreaterThan(steps.indexOf('lun-reset'));
  const lunResets = await laneSteps(page, `target:${TARGET}`);
  expect(lunResets.find((s) => s.step === 'lun-reset')?.result).toBe('failed');
  expect(lunResets.find((s) => s.step === 'target-reset')?.result).toBe('success');
  await shot(page, testInfo, 'lun-target-escalation');
});

test('pause, play, speed and seek do what they say', async ({ page }, testInfo) => {
  await open(page);
  await goTo(page, 3);
  await inject(page, FAILING, 'timeout+abort-fails');
  // speed: the slider is logarithmic, 10^-1 .. 10^3
  await page.getByTestId('speed').fill('1');
  await expect(page.getByTestId('speed-value')).toHaveText('10x');
  // play for a while at 10x, then pause: the clock moved forward and then stands
  const t0 = await clock(page);
  await page.getByTestId('play').click();
  await expect.poll(() => clock(page), { timeout: 10_000 }).toBeGreaterThan(t0 + 4);
  await pause(page);
  const tPaused = await clock(page);
  const played = await luns(page);
  const explained = await page.getByTestId('explain').innerText();
  await page.waitForTimeout(300);
  expect(await clock(page)).toBe(tPaused);
  await shot(page, testInfo, 'played');

  // the same moment reached by a seek from the start, and by a seek back from the end
  await page.getByTestId('restart').click();
  expect(await clock(page)).toBe(0);
  await goTo(page, tPaused);
  expect(await luns(page)).toEqual(played);
  await goTo(page, 60);
  await goTo(page, tPaused);
  expect(await luns(page)).toEqual(played);
  expect(await page.getByTestId('explain').innerText()).toEqual(explained);
  await shot(page, testInfo, 'seeked');

  // step: to the start of the next recovery step, paused there, and it is selected
  await goTo(page, 3);
  await page.getByTestId('step').click();
  await expect(page.getByTestId('explain-step')).toHaveAttribute('data-which', 'selected step');
  await expect(page.getByTestId('explain-step')).toHaveAttribute('data-step', 'abort');
  const stepId = await page
    .locator('[data-step-id][data-selected="true"]')
    .getAttribute('data-step');
  expect(stepId).toBe('abort');
  await expect(page.getByTestId('play')).toHaveAttribute('aria-pressed', 'false');
  // the timeline's cursor follows the playback position
  await expect(page.getByTestId('timeline-cursor')).toHaveAttribute(
    'data-t',
    String(await clock(page)),
  );
});

test('the inject menu works from the keyboard alone', async ({ page }) => {
  await open(page);
  await goTo(page, 2);
  await page.getByTestId(`lun-${FAILING}`).focus();
  await page.keyboard.press('Enter');
  const menu = page.getByTestId('inject-menu');
  await expect(menu).toBeVisible();
  // the first entry has the focus; Escape closes and gives the focus back to the LUN
  await expect(menu.getByTestId('inject-timeout+abort-fails')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(page.getByTestId(`lun-${FAILING}`)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(menu).toBeVisible();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter'); // the second entry: a command timeout alone
  await done(page);
  await expect(page.getByTestId('fault-list').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('fault-list').locator('li')).toHaveAttribute(
    'data-fault',
    'timeout',
  );
});

test('the tree stays legible from 4 x 4 to 8 x 32 and 1024 LUNs', async ({ page }, testInfo) => {
  await open(page, 'playground-san-8x32');
  await expect(page.locator('.tree [data-lun]')).toHaveCount(256);
  await expect(page.getByTestId('tree')).toHaveAttribute('data-density', 'small');
  await goTo(page, 5);
  await inject(page, '0:0:3:7', 'timeout+abort-fails');
  await goTo(page, 10.5); // timeout 2 s, slack 0.5 s, the abort 2 s: the host stops at 9.5 s
  expect(blockedSet(await luns(page))).toHaveLength(256);
  await shot(page, testInfo, 'san-8x32');

  await page.getByTestId('preset').selectOption('playground-1024');
  await done(page);
  await expect(page.locator('.tree [data-lun]')).toHaveCount(1024);
  await expect(page.getByTestId('tree')).toHaveAttribute('data-density', 'compact');
  const box = await page.getByTestId('tree').boundingBox();
  expect(box!.height).toBeLessThan(900);
  await shot(page, testInfo, 'grid-1024');
});

test("in a tree of 256 LUNs, a LUN's own recovery shades that LUN alone, as in a full one", async ({
  page,
}) => {
  // LUN scope on the 8 x 32 SAN port: two LUNs time out and their aborts fail
  const sc = structuredClone(playgrounds['playground-san-8x32']);
  sc.hosts[0]!.scope = 'lun';
  sc.faults = ['0:0:1:2', '0:0:3:7'].flatMap((lun) => [
    { lun, kind: 'timeout' as const, at: 2 },
    { lun, kind: 'abort-fails' as const, at: 2 },
  ]);
  await page.goto(`/#v=1&t=0&s=${LZString.compressToEncodedURIComponent(JSON.stringify(sc))}`);
  await done(page);
  await expect(page.getByTestId('tree')).toHaveAttribute('data-density', 'small');
  const shaded = page.locator('.tree .lun > .node-overlay[data-active="true"]');
  await expect(shaded).toHaveCount(0);
  await goTo(page, 5.5); // timeout 2 s, slack 0.5 s, the abort 2 s: LUN resets from 4.5 s
  const blocked = blockedSet(await luns(page));
  expect(blocked).toEqual(['0:0:1:2:lun', '0:0:3:7:lun']);
  // the two LUNs' overlays, and no other (a small cell has one only while it is shown)
  await expect(shaded).toHaveCount(2);
  await expect(page.locator('.tree .lun > .node-overlay')).toHaveCount(2);
  await expect(page.getByTestId('lun-0:0:1:2').locator('.node-overlay')).toHaveAttribute(
    'data-active',
    'true',
  );
  await expect(page.getByTestId('lun-0:0:3:7').locator('.node-overlay')).toHaveAttribute(
    'data-active',
    'true',
  );
  // and the overlay covers its cell inside its border (2 px while it recovers)
  const cell = (await page.getByTestId('lun-0:0:1:2').boundingBox())!;
  const over = (await page.getByTestId('lun-0:0:1:2').locator('.node-overlay').boundingBox())!;
  expect(Math.abs(over.width - cell.width)).toBeLessThanOrEqual(4.5);
  expect(Math.abs(over.height - cell.height)).toBeLessThanOrEqual(4.5);
  expect(Math.abs(over.x - cell.x)).toBeLessThanOrEqual(2.5);
  expect(Math.abs(over.y - cell.y)).toBeLessThanOrEqual(2.5);
});
