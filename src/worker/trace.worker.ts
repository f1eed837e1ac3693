/// <reference lib="webworker" />
// Parses a kernel trace file off the page's thread: the file is read as a stream (gunzipped
// when it is gzip), fed to the parser chunk by chunk, with progress reported as it goes.
import * as Comlink from 'comlink';
import { convert, TraceParseError, TraceReader } from '../trace';
import type { TraceParseResult, TraceWorkerApi } from './traceProtocol';

const GZIP = [0x1f, 0x8b];

async function isGzip(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  return head[0] === GZIP[0] && head[1] === GZIP[1];
}

const api: TraceWorkerApi = {
  async parse(file, onProgress) {
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
      const out: TraceParseResult = {
        transitions: result.transitions,
        header: result.header,
        lines: result.stats.lines,
        unknown: result.stats.unknown,
      };
      return out;
    } catch (err) {
      if (err instanceof TraceParseError) throw new Error(err.message);
      if (err instanceof TypeError && gz)
        throw new Error(`the file is not a whole gzip stream (${err.message})`);
      throw err;
    }
  },
};

Comlink.expose(api);
