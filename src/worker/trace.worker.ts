/// <reference lib="webworker" />
// Parses a kernel trace file off the page's thread: the file is read as a stream (gunzipped
// when it is gzip), fed to the parser chunk by chunk, with progress reported as it goes.
import * as Comlink from 'comlink';
import { convert, TraceParseError, TraceReader } from '../trace';
import type { Transition } from '../engine';
import { TRACE_BATCH_SIZE, type TraceWorkerApi } from './traceProtocol';

const GZIP = [0x1f, 0x8b];

async function isGzip(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  return head[0] === GZIP[0] && head[1] === GZIP[1];
}

/** The last parse's stream, until it is handed over */
let parsed: Transition[] = [];

const api: TraceWorkerApi = {
  async parse(file, onProgress) {
    parsed = [];
    const total = file.size;
    let bytes = 0;
    let lines = 0;
    let last = 0;
    const reader = new TraceReader({
      progressEvery: 20000,
      onProgress: (p) => {
        lines = p.lines;
      },
    });
    let stream: ReadableStream<Uint8Array> = file.stream();
    const gz = await isGzip(file);
    // count the bytes read from the file itself, so that progress is a share of its size
    stream = stream.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, ctl) {
          bytes += chunk.byteLength;
          ctl.enqueue(chunk);
        },
      }),
    );
    if (gz)
      stream = stream.pipeThrough(
        new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
      );
    const decoder = new TextDecoder('utf-8');
    const it = stream.getReader();
    try {
      for (;;) {
        const { value, done } = await it.read();
        if (done) break;
        reader.push(decoder.decode(value, { stream: true }));
        if (bytes - last > 256 * 1024 || bytes === total) {
          last = bytes;
          await onProgress({ bytes, total, lines });
        }
      }
      reader.push(decoder.decode());
      const result = convert(reader.end());
      parsed = result.transitions;
      const n = parsed.length;
      return {
        header: result.header,
        lines: result.stats.lines,
        unknown: result.stats.unknown,
        count: n,
        first: n ? parsed[0]! : null,
        end: n ? parsed[n - 1]!.t : 0,
      };
    } catch (err) {
      if (err instanceof TraceParseError) throw new Error(err.message);
      if (err instanceof TypeError && gz)
        throw new Error(`the file is not a whole gzip stream (${err.message})`);
      throw err;
    }
  },
  async stream(onBatch, batchSize = TRACE_BATCH_SIZE) {
    const all = parsed;
    parsed = [];
    const size = Math.max(1, Math.floor(batchSize));
    // one batch at a time: each call is a message whose promise settles once the page has
    // taken it, so the page never has more than one batch to take in one task
    for (let i = 0; i < all.length; i += size) await onBatch(all.slice(i, i + size));
    return all.length;
  },
};

Comlink.expose(api);
