import * as Comlink from 'comlink';
import type { Transition } from '../engine';
import type { TraceParseSummary, TraceProgress, TraceWorkerApi } from './traceProtocol';

export type { TraceParseSummary, TraceProgress } from './traceProtocol';
export { TRACE_BATCH_SIZE } from './traceProtocol';

/**
 * Parses a trace file in a fresh worker; rejects with the parser's message (line, expected).
 * Once parsed, `onParsed` sees the summary (it may throw to refuse the trace) and returns
 * where the stream goes: the worker then hands it over in batches, in order. Resolves once
 * the page has every batch.
 */
export async function parseTraceInWorker(
  file: Blob,
  onProgress: (p: TraceProgress) => void,
  onParsed: (summary: TraceParseSummary) => (batch: Transition[]) => void,
  batchSize?: number,
): Promise<TraceParseSummary> {
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
    const summary = await Promise.race([api.parse(file, Comlink.proxy(onProgress)), failed]);
    const onBatch = onParsed(summary);
    await Promise.race([api.stream(Comlink.proxy(onBatch), batchSize), failed]);
    return summary;
  } finally {
    api[Comlink.releaseProxy]();
    worker.terminate();
  }
}
