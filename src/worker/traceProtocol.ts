import type { Transition } from '../engine';

export interface TraceProgress {
  /** bytes of the file read so far, of total */
  bytes: number;
  total: number;
  lines: number;
}

/** What the parse found; the transitions themselves stay in the worker until `stream`. */
export interface TraceParseSummary {
  header: Record<string, string>;
  lines: number;
  unknown: number;
  /** transitions in the stream */
  count: number;
  /** the stream's first transition (its run-start names the LUNs), if any */
  first: Transition | null;
  /** the time of the stream's last transition (0 when empty) */
  end: number;
}

/**
 * Transitions per message from the trace worker to the page (the last one may hold fewer).
 * Fewer than the engine's runs would suggest: a recording's io tick carries an entry per LUN,
 * so 1000 transitions are about 15 000 objects to copy and take in (scripts/bench-trace.ts).
 */
export const TRACE_BATCH_SIZE = 1000;

/** The API that src/worker/trace.worker.ts exposes through comlink. */
export interface TraceWorkerApi {
  /** Reads and converts the file, and keeps the stream for `stream`. */
  parse(file: Blob, onProgress: (p: TraceProgress) => void): Promise<TraceParseSummary>;
  /**
   * Hands the parsed stream over in batches, in order, each once the page has taken the one
   * before (so that the page's thread turns between them); resolves to the count sent.
   */
  stream(onBatch: (batch: Transition[]) => void, batchSize?: number): Promise<number>;
}
