import LZString from 'lz-string';
import { simulate, type NodeId, type Scenario, type Transition } from '../src/engine';
import { expect, goTo, pause, test } from './helpers';

test.describe.configure({ timeout: 240_000 });

// 256 LUNs for 900 s: 2 million io-tick lines, past the page's full-detail budget of 1 million,
// so the page summarises the oldest I/O while it streams in. A recovery early (in the
// summarised part) escalates to its target; one late (in the detailed part) stays on its LUN.
const scenario: Scenario = {
  version: 1,
  name: 'long run, 256 LUNs',
  duration: 900,
  timings: { cmdTimeout: 5, tmf: 0.5 },
  hosts: [
    {
      driver: 'scsi_debug',
      scope: 'lun+target',
      targets: 16,
      lunsPerTarget: 16,
      workload: { rate: 50, queueDepth: 4, readFraction: 1 },
    },
  ],
  faults: [
    { lun: '0:0:3:7', kind: 'timeout', at: 40 },
    { lun: '0:0:3:7', kind: 'abort-fails', at: 40 },
    { lun: '0:0:3:7', kind: 'lun-reset-fails', at: 40 },
    { lun: '0:0:9:2', kind: 'timeout', at: 860 },
    { lun: '0:0:9:2', kind: 'abort-fails', at: 860 },
  ],
};

/** Each LUN's blocking scope at time t, as the engine's stream says. */
function blockedAt(stream: readonly Transition[], t: number): string[] {
  const by = new Map<NodeId, string>();
  for (const tr of stream) {
    if (tr.t > t) break;
    if (tr.type === 'device') {
      if (tr.blockedBy) by.set(tr.on, tr.blockedBy);
      else by.delete(tr.on);
    }
  }
  return [...by].map(([l, b]) => `${l}:${b}`).sort();
}

test('one long run: old I/O is summarised, and the tree still shows who is blocked, by what', async ({
  page,
}) => {
  const run = simulate(scenario, { seed: 1 });
  const stream = run.transitions;
  const stepStart = (step: string, after: number): number =>
    stream.find((x) => x.type === 'step' && x.phase === 'start' && x.step === step && x.t > after)!
      .t;
  const early = stepStart('target-reset', 0) + 0.05;
  const late = stepStart('lun-reset', 800) + 0.05;

  await page.goto(
    `/#v=1&t=0&s=${LZString.compressToEncodedURIComponent(JSON.stringify({ ...scenario, seed: 1 }))}`,
  );
  await expect(page.locator('.page')).toHaveAttribute('data-status', 'done', { timeout: 200_000 });
  await pause(page);

  // the page says what it summarised: the early recovery lies in it, the late one does not
  const note = page.getByTestId('summary-note');
  await expect(note).toBeVisible();
  const until = Number(await note.getAttribute('data-until'));
  const bin = Number(await note.getAttribute('data-bin'));
  expect(until).toBeGreaterThan(early);
  expect(until).toBeLessThan(late);
  expect(bin).toBeGreaterThan(0.1);
  await expect(page.getByTestId('transition-total')).toHaveText(String(stream.length));

  for (const t of [early, late]) {
    await goTo(page, t);
    await expect(note).toHaveAttribute('data-in', t <= until ? 'yes' : 'no');
    const shown = await page.$$eval('[data-testid="tree"] [data-lun]', (els) =>
      els
        .filter((e) => e.getAttribute('data-blocked-by'))
        .map((e) => `${e.getAttribute('data-lun')}:${e.getAttribute('data-blocked-by')}`)
        .sort(),
    );
    expect(shown, `blocked at ${t}`).toEqual(blockedAt(stream, t));
  }
  // the early recovery blocked the failing LUN's whole target; the late one its LUN alone
  await goTo(page, early);
  await expect(
    page.locator('[data-testid="tree"] [data-lun][data-blocked-by="target"]'),
  ).toHaveCount(16);
  await goTo(page, late);
  await expect(
    page.locator('[data-testid="tree"] [data-lun]:not([data-blocked-by=""])'),
  ).toHaveCount(1);
  // and the timeline kept the steps of both, summarised part or not
  for (const step of ['target-reset', 'lun-reset'])
    expect(
      await page.locator(`[data-testid="timeline"] [data-step="${step}"]`).count(),
    ).toBeGreaterThan(0);
});
