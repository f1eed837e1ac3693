// The engine worker's logic in Node: a run prepared up to the cursor and extended by an
// injection there streams what a run from the start would, and simulates only from the cursor.
import { describe, expect, it } from 'vitest';
import {
  offeredRates,
  presets,
  ScenarioError,
  simulate,
  type FaultSpec,
  type Scenario,
  type Transition,
  validateScenario,
} from '../engine';
import { lunCount } from '../store/limits';
import {
  BATCH_SIZE,
  BLOCK_REST_MS,
  FLUSH_MS,
  LOOKAHEAD_FLUSH_MS,
  LOOKAHEAD_S,
  type Reuse,
} from './protocol';
import {
  createRunner,
  partialWait,
  rehearsalScenario,
  WARM_FAULTS,
  WARM_ROUNDS,
  WARM_WHOLE_RATE,
  warmScenario,
} from './runner';

/** A host whose clock moves 1 ms per look, so that slices end and the loop turns. */
function host() {
  let t = 0;
  let turns = 0;
  return {
    now: () => (t += 1),
    turn: () => {
      turns++;
      return new Promise<void>((resolve) => setTimeout(resolve, 0));
    },
    turns: () => turns,
  };
}

const base = presets.playground!;
const fault = (at: number): FaultSpec => ({ lun: '0:0:1:2', kind: 'timeout', at });
const withFault = (sc: Scenario, at: number): Scenario => ({
  ...sc,
  duration: Math.max(sc.duration, at + 30),
  faults: [...sc.faults, fault(at), { ...fault(at), kind: 'abort-fails' }],
});

async function collect(
  runner: ReturnType<typeof createRunner>,
  sc: Scenario,
  seed: number,
): Promise<{ stream: Transition[]; batches: number; from: number; count: number }> {
  const stream: Transition[] = [];
  let batches = 0;
  const r = await runner.run(sc, seed, (b) => {
    batches++;
    stream.push(...b);
  });
  return { stream, batches, from: r.from, count: r.count };
}

/** A run, its batches and what each told of the page's stream to reuse. */
async function runTold(
  runner: ReturnType<typeof createRunner>,
  sc: Scenario,
  seed: number,
  held: number,
) {
  const batches: Transition[][] = [];
  const told: (Reuse | undefined)[] = [];
  const r = await runner.run(
    sc,
    seed,
    (b, reuse) => {
      batches.push(b);
      told.push(reuse);
    },
    undefined,
    held,
  );
  return { r, batches, told };
}

describe('the engine worker', () => {
  it('goes on from a run prepared up to the cursor when the injection is there', async () => {
    const runner = createRunner(host());
    expect(await runner.prepare(base, 7, 12.3)).toBe(true);
    const next = withFault(base, 12.3);
    const got = await collect(runner, next, 7);
    // simulated from just before the cursor, not from 0
    expect(got.from).toBeGreaterThan(12.2);
    expect(got.from).toBeLessThan(12.3);
    expect(got.stream).toEqual(simulate(next, { seed: 7 }).transitions);
    expect(got.count).toBe(got.stream.length);
  });

  it('does not send again the part before the cursor to a page that holds it', async () => {
    const before = simulate(base, { seed: 7 }).transitions;
    const next = withFault(base, 12.3);
    const whole = simulate(next, { seed: 7 }).transitions;
    const cases: [string, unknown, boolean][] = [
      ['the whole run before', before.length, true],
      ['less than the preparation', 3, false],
      ['nothing', 0, false],
      ['not a count', 'lots', false],
    ];
    for (const [what, held, reused] of cases) {
      const runner = createRunner(host());
      await runner.prepare(base, 7, 12.3);
      const { r, batches, told } = await runTold(runner, next, 7, held as number);
      const sent = batches.flat();
      expect(r.count, what).toBe(whole.length);
      if (reused) {
        // told once, on the first batch: the count of the run before's transitions to take,
        // which are those of the run before up to the cursor
        const reuse = told[0]!;
        // at once, before the engine has gone on: the page takes that part in meanwhile
        expect(batches[0], what).toEqual([]);
        expect(
          told.slice(1).every((x) => x === undefined),
          what,
        ).toBe(true);
        expect(reuse.start, what).toEqual(before[0]);
        expect(
          before.slice(0, reuse.count).every((x) => x.t < 12.3),
          what,
        ).toBe(true);
        expect([...before.slice(0, reuse.count), ...sent], what).toEqual(whole);
      } else {
        expect(
          told.every((x) => x === undefined),
          what,
        ).toBe(true);
        expect(sent, what).toEqual(whole);
      }
    }
  });

  it('runs from the start whatever does not extend the preparation', async () => {
    const cases: [string, Scenario, number][] = [
      ['another seed', withFault(base, 12.3), 8],
      ['a fault before the cursor', withFault(base, 4), 7],
      ['another scenario', withFault(presets.demo!, 12.3), 7],
    ];
    for (const [what, sc, seed] of cases) {
      const runner = createRunner(host());
      await runner.prepare(base, 7, 12.3);
      const got = await collect(runner, sc, seed);
      expect(got.from, what).toBe(0);
      expect(got.stream, what).toEqual(simulate(sc, { seed }).transitions);
    }
  });

  it('a run that comes while the preparation goes on waits for it and goes on from it', async () => {
    const h = host();
    const runner = createRunner(h);
    const prepared = runner.prepare(base, 1, 40);
    const next = withFault(base, 40);
    const got = await collect(runner, next, 1);
    expect(await prepared).toBe(true);
    expect(h.turns()).toBeGreaterThan(0);
    expect(got.from).toBeGreaterThan(39.9);
    expect(got.stream).toEqual(simulate(next, { seed: 1 }).transitions);
  });

  it('a newer preparation drops the older one, and a run takes a preparation once', async () => {
    const runner = createRunner(host());
    const first = runner.prepare(base, 1, 40);
    const second = runner.prepare(base, 1, 20);
    expect(await first).toBe(false);
    expect(await second).toBe(true);
    const a = await collect(runner, withFault(base, 20), 1);
    expect(a.from).toBeGreaterThan(19.9);
    // the preparation is used up: the next run starts from 0
    const b = await collect(runner, withFault(base, 20), 1);
    expect(b.from).toBe(0);
    expect(b.stream).toEqual(a.stream);
  });

  it('a preparation request is a door like a run request: bad ones are refused', async () => {
    const runner = createRunner(host());
    await expect(runner.prepare({ version: 1 } as unknown as Scenario, 1, 3)).rejects.toThrow(
      ScenarioError,
    );
    await expect(runner.prepare(base, -1, 3)).rejects.toThrow(/seed/);
    for (const until of [NaN, -1, '3' as unknown as number])
      expect(await runner.prepare(base, 1, until), String(until)).toBe(false);
    // nothing was prepared: the run starts from 0
    const got = await collect(runner, withFault(base, 3), 1);
    expect(got.from).toBe(0);
  });

  it('sends what follows the cursor for LOOKAHEAD_S at once, without waiting for FLUSH_MS', async () => {
    // a clock that never moves: no slice ends and FLUSH_MS never comes, so batches end only
    // at BATCH_SIZE transitions (some 50 virtual s of this scenario) and at the look-ahead
    const still = { now: () => 0, turn: () => Promise.resolve() };
    const cases: [string, number][] = [
      ['from a preparation at 12.3 s', 12.3],
      ['from the start', 0],
    ];
    for (const [what, at] of cases) {
      const runner = createRunner(still);
      if (at > 0) await runner.prepare(base, 3, at);
      const next = withFault(base, at > 0 ? at : 5);
      const batches: Transition[][] = [];
      const r = await runner.run(next, 3, (b) => void batches.push(b));
      const soon = r.from + LOOKAHEAD_S;
      // the batch that holds the last of the stream before the look-ahead's end goes out
      // within a chunk of events past it, and the run goes on in other batches
      let i = 0;
      while (i + 1 < batches.length && batches[i + 1]![0]!.t < soon) i++;
      const reaching = batches[i]!;
      expect(reaching[reaching.length - 1]!.t, what).toBeLessThan(soon + 1);
      expect(i, what).toBeLessThan(batches.length - 1);
      expect(batches.flat(), what).toEqual(simulate(next, { seed: 3 }).transitions);
    }
  });

  it('in the look-ahead, sends a block the moment the engine has it', async () => {
    // the clock never moves: without the block, the batch would end at BATCH_SIZE
    const still = { now: () => 0, turn: () => Promise.resolve() };
    for (const at of [0, 12.3]) {
      const runner = createRunner(still);
      if (at > 0) await runner.prepare(base, 3, at);
      const next = withFault(base, at > 0 ? at : 5);
      const batches: Transition[][] = [];
      const r = await runner.run(next, 3, (b) => void batches.push(b));
      const i = batches.findIndex((b) => b.some((t) => t.type === 'device' || t.type === 'host'));
      const batch = batches[i]!;
      const block = batch.find((t) => t.type === 'device' || t.type === 'host')!;
      // the abort failed: the host blocks, within the look-ahead
      expect(block.t, String(at)).toBeLessThan(r.from + LOOKAHEAD_S);
      // the batch ends within a chunk of events after it, well short of BATCH_SIZE
      expect(batch[batch.length - 1]!.t - block.t, String(at)).toBeLessThan(0.5);
      expect(batch.length, String(at)).toBeLessThan(BATCH_SIZE);
      expect(batches.flat()).toEqual(simulate(next, { seed: 3 }).transitions);
    }
  });

  it('stands idle BLOCK_REST_MS once the block has gone, for the page to draw it', async () => {
    for (const how of ['from the preparation', 'speculated', 'from the start']) {
      // from the start, the look-ahead is the run's first LOOKAHEAD_S: the block within it
      const next = withFault(base, how === 'from the start' ? 5 : 12.3);
      const batches: Transition[][] = [];
      /** the batches sent when the engine rested, and for how long */
      const rests: [number, number][] = [];
      const h = host();
      const runner = createRunner({
        ...h,
        rest: (ms) => {
          rests.push([batches.length, ms]);
          return new Promise((resolve) => setTimeout(resolve, 0));
        },
      });
      if (how !== 'from the start') await runner.prepare(base, 3, 12.3);
      if (how === 'speculated') expect(await runner.speculate(next, 3)).toBe(true);
      await runner.run(next, 3, (b) => void batches.push(b));
      // once, right after the batch that holds the block
      expect(
        rests.map(([, ms]) => ms),
        how,
      ).toEqual([BLOCK_REST_MS]);
      const withBlock = batches.findIndex((b) =>
        b.some((t) => t.type === 'device' || t.type === 'host'),
      );
      expect(rests[0]![0], how).toBe(withBlock + 1);
      expect(batches.flat(), how).toEqual(simulate(next, { seed: 3 }).transitions);
    }
  });

  it('in the look-ahead, waits LOOKAHEAD_FLUSH_MS for a partial batch, past it FLUSH_MS', () => {
    expect(LOOKAHEAD_FLUSH_MS).toBeGreaterThan(FLUSH_MS);
    expect(partialWait(true, 0)).toBe(LOOKAHEAD_FLUSH_MS);
    expect(partialWait(false, 0)).toBe(FLUSH_MS);
    // a page slow to take batches gets larger ones, in the look-ahead or not
    expect(partialWait(true, 50)).toBe(100);
    expect(partialWait(false, 20)).toBe(40);
  });

  it("gives the page a small run's stream to rehearse an injection with", () => {
    const runner = createRunner(host());
    for (const name of ['playground', 'demo-lun-target']) {
      const sc = presets[name]!;
      const r = runner.rehearsal(sc)!;
      expect(r.scenario).toEqual(validateScenario(rehearsalScenario(sc)));
      // small: the page folds it a dozen times
      for (const h of r.scenario.hosts) expect(h.targets * h.lunsPerTarget).toBeLessThanOrEqual(4);
      const stream = r.batches.flat();
      expect(stream, name).toEqual(simulate(r.scenario, { seed: 1 }).transitions);
      // a block and a ladder's steps, on the page's drivers
      expect(stream.some((t) => t.type === 'device' && t.blockedBy !== null)).toBe(true);
      expect(r.scenario.hosts.map((h) => h.driver)).toEqual(sc.hosts.map((h) => h.driver));
    }
    expect(() => runner.rehearsal({ version: 1 } as unknown as Scenario)).toThrow(ScenarioError);
  });

  it('sends partial batches while a run goes on', async () => {
    const runner = createRunner(host());
    const got = await collect(runner, base, 1);
    // the clock moves 1 ms per look, one look per 1000 events: a flush every 30 looks or
    // so, each short of 500 transitions
    expect(got.batches).toBeGreaterThan(Math.ceil(got.stream.length / 500) + 1);
    expect(got.stream).toEqual(simulate(base, { seed: 1 }).transitions);
  });
});

describe("the engine worker's warm-up", () => {
  it("cuts the page's scenario to a few LUNs, or its I/O, and places one fault set on one LUN", () => {
    for (const [name, sc] of Object.entries(presets)) {
      for (let round = 0; round < WARM_ROUNDS; round++) {
        const warm = warmScenario(sc, round);
        expect(warm, name).not.toBeNull();
        // a scenario the engine takes, with the page's drivers: on at most 4 LUNs a host in
        // even rounds; on all of them in odd ones, each offering at most WARM_WHOLE_RATE
        const valid = validateScenario(warm);
        expect(
          valid.hosts.map((h) => h.driver),
          name,
        ).toEqual(sc.hosts.map((h) => h.driver));
        if (round % 2 === 0)
          for (const h of valid.hosts) expect(h.targets * h.lunsPerTarget).toBeLessThanOrEqual(4);
        else {
          expect(lunCount(valid), name).toBe(lunCount(sc));
          for (const rate of offeredRates(valid).values())
            expect(rate, name).toBeLessThanOrEqual(WARM_WHOLE_RATE);
        }
        expect(
          valid.faults.map((f) => f.kind),
          name,
        ).toEqual(WARM_FAULTS[round % WARM_FAULTS.length]);
      }
    }
    const empty: Scenario = { ...base, hosts: [{ ...base.hosts[0]!, targets: 0 }], faults: [] };
    expect(warmScenario(empty, 0)).toBeNull();
  });

  it('speculates: runs the injection the page expects to its block, and a run of it sends that at once', async () => {
    const before = simulate(base, { seed: 7 }).transitions;
    const next = withFault(base, 12.3);
    const whole = simulate(next, { seed: 7 }).transitions;
    for (const held of [before.length, 0]) {
      const runner = createRunner(host());
      expect(await runner.prepare(base, 7, 12.3)).toBe(true);
      expect(await runner.speculate(next, 7)).toBe(true);
      const { r, batches, told } = await runTold(runner, next, 7, held);
      expect(r.from, String(held)).toBeGreaterThan(12.2);
      expect(r.count, String(held)).toBe(whole.length);
      const isBlock = (t: Transition) => t.type === 'device' || t.type === 'host';
      if (held > 0) {
        // the first message holds everything up to the block: the engine had run it
        expect(batches[0]!.some(isBlock)).toBe(true);
        expect(told[0]!.count).toBeGreaterThan(0);
        expect([...before.slice(0, told[0]!.count), ...batches.flat()]).toEqual(whole);
      } else {
        // a page that does not hold the run before gets it first, then the block at once
        expect(told.every((x) => x === undefined)).toBe(true);
        const i = batches.findIndex((b) => b.some(isBlock));
        expect(batches[i]![batches[i]!.length - 1]!.t).toBeLessThan(12.3 + LOOKAHEAD_S);
        expect(batches.flat()).toEqual(whole);
      }
    }
  });

  it('speculates once per choice: another choice goes on from the cursor, prepared again', async () => {
    const next = withFault(base, 12.3);
    const other: Scenario = {
      ...base,
      duration: Math.max(base.duration, 42.3),
      faults: [...base.faults, { lun: '0:0:0:1', kind: 'medium-error', at: 12.3 }],
    };
    const runner = createRunner(host());
    await runner.prepare(base, 7, 12.3);
    expect(await runner.speculate(next, 7)).toBe(true);
    // the same choice again: the same speculation
    expect(await runner.speculate(next, 7)).toBe(true);
    // the user clicks another entry: the cursor's preparation, made again, serves it
    const got = await collect(runner, other, 7);
    expect(got.from).toBeGreaterThan(12.2);
    expect(got.stream).toEqual(simulate(other, { seed: 7 }).transitions);

    // a newer speculation takes the place of the older one
    await runner.prepare(base, 7, 12.3);
    const first = runner.speculate(next, 7);
    const second = runner.speculate(other, 7);
    expect(await first).toBe(false);
    expect(await second).toBe(true);
    const again = await collect(runner, next, 7);
    expect(again.from).toBeGreaterThan(12.2);
    expect(again.stream).toEqual(simulate(next, { seed: 7 }).transitions);
  });

  it('speculates only on a preparation it extends, and a run that comes meanwhile takes it', async () => {
    const next = withFault(base, 12.3);
    const runner = createRunner(host());
    // nothing prepared
    expect(await runner.speculate(next, 7)).toBe(false);
    await runner.prepare(base, 7, 12.3);
    // a fault before the cursor, another seed: the preparation stays as it was
    expect(await runner.speculate(withFault(base, 4), 7)).toBe(false);
    expect(await runner.speculate(next, 8)).toBe(false);
    // a bad request is refused by field, like a run request
    await expect(runner.speculate({ version: 1 } as unknown as Scenario, 7)).rejects.toThrow(
      ScenarioError,
    );
    // a run that comes before the speculation has begun takes the preparation itself
    const early = runner.speculate(next, 7);
    const first = await collect(runner, next, 7);
    expect(await early).toBe(false);
    expect(first.from).toBeGreaterThan(12.2);
    expect(first.stream).toEqual(simulate(next, { seed: 7 }).transitions);
    // one that comes while it goes on (its engine between two slices) waits for it
    await runner.prepare(base, 7, 12.3);
    const speculated = runner.speculate(next, 7);
    await new Promise((r) => setTimeout(r, 0));
    const got = await collect(runner, next, 7);
    expect(await speculated).toBe(true);
    expect(got.from).toBeGreaterThan(12.2);
    expect(got.stream).toEqual(simulate(next, { seed: 7 }).transitions);
    // the page plays: the speculation and the preparation go
    await runner.prepare(base, 7, 12.3);
    expect(await runner.speculate(next, 7)).toBe(true);
    runner.quiet();
    const after = await collect(runner, next, 7);
    expect(after.from).toBe(0);
    expect(after.stream).toEqual(simulate(next, { seed: 7 }).transitions);
  });

  it('stops and drops the preparation when the page plays (quiet)', async () => {
    const h = host();
    const runner = createRunner(h);
    expect(await runner.prepare(base, 7, 12.3)).toBe(true);
    runner.quiet();
    for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 0));
    expect(runner.warmed()).toBe(0);
    // the injection that follows runs from the start
    const next = withFault(base, 12.3);
    const got = await collect(runner, next, 7);
    expect(got.from).toBe(0);
    expect(got.stream).toEqual(simulate(next, { seed: 7 }).transitions);
  });

  it('runs after a preparation, stops for a run, and goes on at the next preparation', async () => {
    const h = host();
    const runner = createRunner(h);
    expect(await runner.prepare(base, 7, 12.3)).toBe(true);
    // the run comes before the first round is through: the warm-up stops for it
    const next = withFault(base, 12.3);
    const got = await collect(runner, next, 7);
    expect(got.stream).toEqual(simulate(next, { seed: 7 }).transitions);
    const afterRun = runner.warmed();
    expect(afterRun).toBe(0);
    for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 0));
    expect(runner.warmed()).toBe(0);
    // the next preparation starts it again, and it goes through every round
    const turns = h.turns();
    expect(await runner.prepare(next, 7, 30)).toBe(true);
    await expect.poll(() => runner.warmed(), { timeout: 20_000, interval: 20 }).toBe(WARM_ROUNDS);
    expect(h.turns()).toBeGreaterThan(turns + WARM_ROUNDS);
    // and a run after it streams what a run from the start does
    const last = withFault(next, 30);
    const after = await collect(runner, last, 7);
    expect(after.from).toBeGreaterThan(29.9);
    expect(after.stream).toEqual(simulate(last, { seed: 7 }).transitions);
  });
});
