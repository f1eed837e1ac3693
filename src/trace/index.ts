// Kernel traces into the engine's transition stream. Pure: text in, transitions out.
//
//   const r = parseTrace(text);                       // a whole file
//   const p = new TraceReader({ onProgress });        // or chunk by chunk
//   for (const chunk of chunks) p.push(chunk);
//   const r = convert(p.end(), { rate: 40 });
//
// Bad input throws a TraceParseError (line number, what was expected); lines of no known
// shape are counted (stats.unknown) and skipped.
import { convert, type ConvertOptions, type TraceResult } from './convert';
import { TraceReader, type ReaderOptions } from './reader';

export { convert, TraceReader };
export type { ConvertOptions, ReaderOptions, TraceResult };
export type { TraceStats } from './convert';
export type { Collected, Progress, SourceKind } from './reader';
export { TraceParseError } from './lines';

export function parseTrace(text: string, opts: ReaderOptions & ConvertOptions = {}): TraceResult {
  const r = new TraceReader(opts);
  r.push(text);
  return convert(r.end(), opts);
}

/** The engine scenario a recording's header carries ("# scenario: {json}"), or null. */
export function scenarioOf(header: Record<string, string>): unknown {
  const s = header.scenario;
  return s ? (JSON.parse(s) as unknown) : null;
}
