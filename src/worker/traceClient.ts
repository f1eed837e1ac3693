import * as Comlink from 'comlink';
import type { TraceParseResult, TraceProgress, TraceWorkerApi } from './traceProtocol';

export type { TraceParseResult, TraceProgress } from './traceProtocol';

/** Parses a trace file in a fresh worker; rejects with the parser's message (line, expected). */
export async function parseTraceInWorker(
  file: Blob,
  onProgress: (p: TraceProgress) => void,
): Promise<TraceParseResult> {
  const worker = new Worker(new URL('./trace.worker.ts', import.meta.url), {
    type: 'module',
    name: 'trace',
  });
  const api = Comlink.wrap<TraceWorkerApi>(worker);
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      reject(new Error(e.message ? `trace worker error: ${e.message}` : 'the trace worker failed'));
    });
  });
  try {
    return await Promise.race([api.parse(file, Comlink.proxy(onProgress)), failed]);
  } finally {
    api[Comlink.releaseProxy]();
    worker.terminate();
  }
}
