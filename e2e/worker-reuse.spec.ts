// The engine worker outlives a run that ends as it should: the next run (an injection) goes
// on the worker whose engine V8 has already optimised, not on a fresh one. And the page does
// nothing on the injection's click that could wait for the new run.
import { presets, simulate, type FaultSpec } from '../src/engine';
import { LOOKAHEAD_S } from '../src/worker/protocol';
import { REHEARSAL_MEASURE, REHEARSAL_ROUNDS } from '../src/store/rehearse';
import { HANDOVER_MS } from '../src/store/simStore';
import { LANES_MEASURE } from '../src/views/timeline/redraw';
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
  // its first run done, the page has rehearsed an injection in idle time: a small run's
  // stream from the spare, through a store of its own, all its rounds (once in its life)
  const rounds = () =>
    page.evaluate((name) => performance.getEntriesByName(name).length, REHEARSAL_MEASURE);
  await expect.poll(rounds).toBe(REHEARSAL_ROUNDS);
  await inject(page, '0:0:1:2', 'timeout+abort-fails');
  await goTo(page, 30);
  await inject(page, '0:0:2:1', 'timeout+abort-fails');
  await done(page);
  expect(await rounds()).toBe(REHEARSAL_ROUNDS);
  // both injections' runs went on the first run's worker: none was started for them
  expect(started.length).toBe(before);
  expect(engines()).toBe(1);
  // and they did run, the last one going on from the run that worker had prepared up to
  // the cursor while the page stood paused there
  await expect(page.getByTestId('fault-list').locator('li')).toHaveCount(4);
  const from = Number(await page.locator('.page').getAttribute('data-run-from'));
  expect(from).toBeGreaterThan(29.9);
  expect(from).toBeLessThanOrEqual(30);
  // the worker did not send again the stream before 30 s, which the page held: the page
  // took it from the run before, and holds the whole stream of the run, no more, no less
  const sc = presets.playground!;
  const injected = (lun: string, at: number) =>
    (['timeout', 'abort-fails'] as const).map((kind) => ({ lun, kind, at }));
  const whole = simulate(
    { ...sc, faults: [...sc.faults, ...injected('0:0:1:2', 3), ...injected('0:0:2:1', 30)] },
    { seed: 1 },
  ).transitions;
  await expect(page.getByTestId('transition-total')).toHaveText(String(whole.length));
  const reused = Number(await page.locator('.page').getAttribute('data-run-reused'));
  expect(reused).toBe(whole.findIndex((x) => x.t >= 30));
});

test("an injection leaves the run's lanes as drawn until the new run's stream reaches the cursor", async ({
  page,
}) => {
  await open(page);
  await goTo(page, 3);
  await page.getByTestId('lun-0:0:1:2').click();
  const menu = page.getByTestId('inject-menu');
  await expect(menu).toBeVisible();
  // when the click came, by the page's clock
  await page.evaluate(() =>
    document.addEventListener(
      'click',
      (e) => {
        if ((e.target as Element).closest('[data-testid="inject-timeout+abort-fails"]'))
          (window as unknown as { clickedAt: number }).clickedAt = performance.now();
      },
      { capture: true, once: true },
    ),
  );
  await menu.getByTestId('inject-timeout+abort-fails').click();
  await done(page);
  const { clickedAt, draws } = await page.evaluate((name) => {
    const at = (window as unknown as { clickedAt: number }).clickedAt;
    return {
      clickedAt: at,
      draws: performance
        .getEntriesByName(name)
        .filter((e) => e.startTime >= at)
        .map((e) => ({
          start: e.startTime,
          ...((e as PerformanceMeasure).detail as { timeline: string; streaming: boolean }),
        }))
        .filter((d) => d.timeline === 'timeline'),
    };
  }, LANES_MEASURE);
  // the new run's lanes were drawn, the first time once its first model was handed over:
  // HANDOVER_MS after its stream reached the cursor, so not on the click itself (the run's
  // start changes nothing the lanes draw, and drawing them then held up the tree's frame)
  expect(draws.length).toBeGreaterThan(0);
  expect(draws[0]!.start - clickedAt).toBeGreaterThanOrEqual(HANDOVER_MS);
});

test('the worker runs the inject menu entry in view ahead of the click, and the run sends it at once', async ({
  page,
}) => {
  await open(page);
  const sc = presets.playground!;
  const injected = (lun: string, kinds: string[], at: number) =>
    kinds.map((kind) => ({ lun, kind, at }) as FaultSpec);
  const check = async (faults: FaultSpec[], at: number) => {
    await done(page);
    const whole = simulate({ ...sc, faults: [...sc.faults, ...faults] }, { seed: 1 }).transitions;
    await expect(page.getByTestId('transition-total')).toHaveText(String(whole.length));
    const pageEl = page.locator('.page');
    const reused = Number(await pageEl.getAttribute('data-run-reused'));
    const ahead = Number(await pageEl.getAttribute('data-run-ahead'));
    // the run's first message came with the stream up to the first change of a LUN's or
    // the host's state after the cursor, or through the look-ahead when there is none: the
    // worker had run it before the click
    expect(reused).toBe(whole.findIndex((x) => x.t >= at));
    expect(ahead).toBeGreaterThan(0);
    const change = whole.findIndex(
      (x, i) => i >= reused && (x.type === 'device' || x.type === 'host'),
    );
    if (change >= 0) expect(reused + ahead).toBeGreaterThan(change);
    else expect(whole[reused + ahead - 1]!.t).toBeGreaterThan(at + LOOKAHEAD_S - 1);
    return change;
  };

  // the menu opens with its first entry focused: that is the one run ahead; Enter picks it
  await goTo(page, 3);
  await page.waitForTimeout(1000);
  await page.getByTestId('lun-0:0:1:2').click();
  const menu = page.getByTestId('inject-menu');
  await expect(menu.getByTestId('inject-timeout+abort-fails')).toBeFocused();
  await page.waitForTimeout(1000);
  await page.keyboard.press('Enter');
  const first = injected('0:0:1:2', ['timeout', 'abort-fails'], 3);
  expect(await check(first, 3)).toBeGreaterThan(0);

  // the pointer on another entry: that one
  await goTo(page, 30);
  await page.waitForTimeout(1000);
  await page.getByTestId('lun-0:0:2:1').click();
  await menu.getByTestId('inject-lun-reset-fails').hover();
  await page.waitForTimeout(1000);
  await menu.getByTestId('inject-lun-reset-fails').click();
  // a LUN reset that would fail, with no error to call for it: no change of state, so the
  // worker ran it through the look-ahead
  expect(await check([...first, ...injected('0:0:2:1', ['lun-reset-fails'], 30)], 30)).toBe(-1);
});
