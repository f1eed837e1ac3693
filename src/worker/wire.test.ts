// The stream's way from the engine worker to the page: packed and unpacked, it is the stream.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { presets, simulate, type IoTick, type Transition } from '../engine';
import { BatchDecoder, BatchEncoder, LINE, unpacker, type WireBatch } from './wire';

/** The batches through an encoder and a decoder, as the worker and the page hold them. */
function roundTrip(batches: readonly Transition[][]): { out: Transition[]; wires: WireBatch[] } {
  const enc = new BatchEncoder();
  const dec = new BatchDecoder();
  const wires = batches.map((b) => enc.encode(b));
  // what the page gets is a structured clone of what the worker sent
  const out = wires.flatMap((w) => dec.decode(structuredClone(w)));
  return { out, wires };
}

const inBatches = (stream: readonly Transition[], size: number): Transition[][] => {
  const out: Transition[][] = [];
  for (let i = 0; i < stream.length; i += size) out.push(stream.slice(i, i + size));
  return out;
};

describe('the stream on its way from the worker to the page', () => {
  it("comes out as the engine's stream, its io lines packed in one typed array a batch", () => {
    for (const name of ['playground', 'playground-san-8x32']) {
      const stream = simulate(presets[name]!, { seed: 3 }).transitions;
      for (const size of [1, 7, 500]) {
        const { out, wires } = roundTrip(inBatches(stream, size));
        expect(out, `${name} in batches of ${size}`).toEqual(stream);
        // every io tick after run-start was packed: no line object crossed
        const lines = stream.reduce((n, t) => n + (t.type === 'io' ? t.luns.length : 0), 0);
        expect(wires.reduce((n, w) => n + w.lines.length, 0)).toBe(lines * LINE);
        for (const w of wires)
          for (const x of w.items) if (x.type === 'io') expect('packed' in x).toBe(true);
      }
    }
  });

  it('sends as they are the io ticks it cannot pack, and they still arrive', () => {
    const line = fc.record({
      on: fc.constantFrom('0:0:0:0', '0:0:0:1', '0:0:9:9'),
      done: fc.oneof(fc.nat(), fc.double(), fc.constant(2 ** 32), fc.constant(-1)),
      failed: fc.nat(),
      outstanding: fc.nat(),
    });
    const start: Transition = {
      t: 0,
      type: 'run-start',
      version: 1,
      scenario: 'x',
      seed: 1,
      hosts: [{ id: '0', driver: 'scsi_debug' }],
      luns: ['0:0:0:0', '0:0:0:1'],
    } as Transition;
    fc.assert(
      fc.property(
        fc.array(fc.array(line, { maxLength: 5 }), { maxLength: 8 }),
        fc.boolean(),
        (ticks, startFirst) => {
          const io: Transition[] = ticks.map((luns, i) => ({
            t: (i + 1) / 10,
            type: 'io',
            dt: 0.1,
            luns: luns as IoTick[],
          }));
          // an io tick before the run's start cannot be packed either
          const stream = startFirst ? [start, ...io] : [...io, start];
          expect(roundTrip(inBatches(stream, 3)).out).toEqual(stream);
        },
      ),
    );
  });

  it("packs a run that reuses the page's stream against that stream's run-start", () => {
    const stream = simulate(presets['playground-san-8x32']!, { seed: 2 }).transitions;
    const start = stream[0]!;
    if (start.type !== 'run-start') throw new Error('no run-start');
    // the page holds the first 40 transitions; the worker sends what follows
    const enc = new BatchEncoder();
    const first = enc.encode(stream.slice(40, 200), { count: 40, start });
    const second = enc.encode(stream.slice(200, 300));
    expect(first.reuse).toBe(40);
    expect(second.reuse).toBeUndefined();
    for (const w of [first, second])
      for (const x of w.items) if (x.type === 'io') expect('packed' in x).toBe(true);
    const dec = new BatchDecoder(start);
    expect([first, second].flatMap((w) => dec.decode(structuredClone(w)))).toEqual(
      stream.slice(40, 300),
    );
  });

  it('the page fails the run at a batch it cannot read, once, and takes nothing after it', () => {
    const stream = simulate(presets.playground!, { seed: 1 }).transitions;
    const enc = new BatchEncoder();
    const wires = inBatches(stream.slice(0, 120), 40).map((b) => enc.encode(b));
    const got: [number, number | undefined][] = [];
    const failures: string[] = [];
    const unpack = unpacker(
      undefined,
      (b, reuse) => got.push([b.length, reuse]),
      (m) => failures.push(m),
    );
    unpack(structuredClone(wires[0]!));
    // the second batch lost its lines on the way
    unpack({ ...structuredClone(wires[1]!), lines: new Uint32Array(0) });
    unpack(structuredClone(wires[2]!));
    expect(got).toEqual([[40, undefined]]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(
      /^the engine worker sent a batch that could not be read: a packed io tick at [\d.]+ s claims \d+ lines the batch lacks$/,
    );
  });

  it('refuses a batch it cannot read, saying why', () => {
    const stream = simulate(presets.playground!, { seed: 1 }).transitions.slice(0, 40);
    const wire = new BatchEncoder().encode(stream);
    const bad: [string, WireBatch, RegExp][] = [
      ['not a batch', null as unknown as WireBatch, /not \{ items, lines \}/],
      ['lines cut short', { ...wire, lines: wire.lines.slice(0, 8) }, /lines the batch lacks/],
      [
        'a line too many',
        { ...wire, lines: new Uint32Array([...wire.lines, 0, 0, 0, 0]) },
        /1 lines too many/,
      ],
      [
        'a LUN not in the run',
        { ...wire, lines: wire.lines.map((x, i) => (i % LINE === 0 ? 999 : x)) },
        /LUN #999, not in the run/,
      ],
      [
        'no run-start before it',
        { ...wire, items: wire.items.filter((x) => x.type !== 'run-start') },
        /before the run's start/,
      ],
    ];
    for (const [what, w, message] of bad)
      expect(() => new BatchDecoder().decode(w), what).toThrow(message);
  });
});
