import type { Transition } from '../engine';

export interface TraceProgress {
  /** bytes of the file read so far, of total */
  bytes: number;
  total: number;
  lines: number;
}

export interface TraceParseResult {
  transitions: Transition[];
  header: Record<string, string>;
  lines: number;
  unknown: number;
}

/** The API that src/worker/trace.worker.ts exposes through comlink. */
export interface TraceWorkerApi {
  parse(file: Blob, onProgress: (p: TraceProgress) => void): Promise<TraceParseResult>;
}
