// How a batch of the stream crosses from the engine worker to the page. The stream itself is
// the engine's (stream.ts); only its io ticks travel in another form. An io tick has a line per
// LUN, so a batch of 256 LUNs holds tens of thousands of small objects, and the browser's
// structured clone copies each one, with its LUN's name, on both sides: about 10 ms to write
// in the worker and 10-37 ms to read on the page for 100 ticks of 256 LUNs (Node's V8
// serializer, the same code). Here each line is four integers in one typed array, moved to the
// page without a copy, and the page rebuilds the lines with the LUN names of the run's
// run-start: about 1 ms each side.
import type { IoTick, IoTransition, NodeId, RunStart, Transition } from '../engine';
import type { Reuse } from './protocol';

/** An io tick whose lines travel in the batch's `lines` (LINE numbers each), in order. */
export interface PackedIo {
  t: number;
  type: 'io';
  dt: number;
  /** how many lines of `lines` are this tick's */
  packed: number;
}

export interface WireBatch {
  /** the batch's transitions in stream order; some io ticks packed */
  items: (Transition | PackedIo)[];
  /** each packed line: the LUN's index in run-start's `luns`, done, failed, outstanding */
  lines: Uint32Array;
  /** see BatchCallback: transitions the page takes from the run it holds, before these */
  reuse?: number;
}

/** Numbers per packed line. */
export const LINE = 4;

const isPacked = (x: Transition | PackedIo): x is PackedIo =>
  x.type === 'io' && typeof (x as Partial<PackedIo>).packed === 'number';

/** A number a Uint32Array holds exactly. */
const u32 = (x: number): boolean => x >>> 0 === x;

/**
 * Packs one run's batches, in order: it learns the LUNs from the run's run-start, or from
 * the one a reuse names (the page's decoder then has its own). An io tick that comes before
 * it, or with a line that is not four small non-negative integers (the engine writes none
 * such), goes as it is.
 */
export class BatchEncoder {
  private index: Map<NodeId, number> | null = null;

  encode(batch: readonly Transition[], reuse?: Reuse): WireBatch {
    if (reuse) this.learn(reuse.start);
    let n = 0;
    for (const tr of batch) if (tr.type === 'io') n += tr.luns.length;
    const lines = new Uint32Array(n * LINE);
    const items: (Transition | PackedIo)[] = [];
    let at = 0;
    for (const tr of batch) {
      if (tr.type === 'run-start') this.learn(tr);
      if (tr.type !== 'io' || !this.fits(tr)) {
        items.push(tr);
        continue;
      }
      for (const l of tr.luns) {
        lines[at++] = this.index!.get(l.on)!;
        lines[at++] = l.done;
        lines[at++] = l.failed;
        lines[at++] = l.outstanding;
      }
      items.push({ t: tr.t, type: 'io', dt: tr.dt, packed: tr.luns.length });
    }
    const out: WireBatch = { items, lines: at === lines.length ? lines : lines.slice(0, at) };
    if (reuse) out.reuse = reuse.count;
    return out;
  }

  private learn(start: RunStart): void {
    this.index = new Map(start.luns.map((l, i) => [l, i]));
  }

  private fits(tr: IoTransition): boolean {
    const index = this.index;
    if (!index) return false;
    for (const l of tr.luns)
      if (!index.has(l.on) || !u32(l.done) || !u32(l.failed) || !u32(l.outstanding)) return false;
    return true;
  }
}

/**
 * What the page does with each batch of a run from the engine worker: unpacks it and hands
 * it on with its `reuse`. A batch it cannot read fails the run (`fail`, once, saying why),
 * and nothing more of the run is handed on: its stream would have a hole.
 * `held`: the run-start of the stream the page holds, for a run that reuses it.
 */
export function unpacker(
  held: RunStart | undefined,
  onBatch: (batch: Transition[], reuse?: number) => void,
  fail: (message: string) => void,
): (wire: WireBatch) => void {
  const decoder = new BatchDecoder(held);
  let unreadable = false;
  return (wire) => {
    if (unreadable) return;
    let batch: Transition[];
    try {
      batch = decoder.decode(wire);
    } catch (err) {
      unreadable = true;
      fail(
        `the engine worker sent a batch that could not be read: ${err instanceof Error ? err.message : String(err)}`,
      );
      return;
    }
    onBatch(batch, wire.reuse);
  };
}

/**
 * Unpacks one run's batches, in order; throws, saying what, on a batch it cannot read.
 * `held`: the run-start of the stream the page holds, for a run that reuses it.
 */
export class BatchDecoder {
  private luns: readonly NodeId[] | null;

  constructor(held?: RunStart) {
    this.luns = held ? held.luns : null;
  }

  decode(wire: WireBatch): Transition[] {
    if (!wire || !Array.isArray(wire.items) || !(wire.lines instanceof Uint32Array))
      throw new Error('a batch from the engine worker is not { items, lines }');
    const { items, lines } = wire;
    const out: Transition[] = new Array<Transition>(items.length);
    let at = 0;
    for (let k = 0; k < items.length; k++) {
      const x = items[k]!;
      if (!isPacked(x)) {
        if (x.type === 'run-start') this.luns = x.luns;
        out[k] = x;
        continue;
      }
      const luns = this.luns;
      const end = at + x.packed * LINE;
      if (!luns) throw new Error(`a packed io tick at ${x.t} s came before the run's start`);
      if (!(Number.isInteger(x.packed) && x.packed >= 0 && end <= lines.length))
        throw new Error(`a packed io tick at ${x.t} s claims ${x.packed} lines the batch lacks`);
      const ticks: IoTick[] = new Array<IoTick>(x.packed);
      for (let i = 0; i < x.packed; i++, at += LINE) {
        const on = luns[lines[at]!];
        if (on === undefined)
          throw new Error(`a packed io tick at ${x.t} s names LUN #${lines[at]}, not in the run`);
        ticks[i] = {
          on,
          done: lines[at + 1]!,
          failed: lines[at + 2]!,
          outstanding: lines[at + 3]!,
        };
      }
      out[k] = { t: x.t, type: 'io', dt: x.dt, luns: ticks };
    }
    if (at !== lines.length)
      throw new Error(
        `a batch from the engine worker has ${(lines.length - at) / LINE} lines too many`,
      );
    return out;
  }
}
