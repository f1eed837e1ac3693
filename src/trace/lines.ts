// One line of each input format, parsed. Pure: no DOM, no timers, no I/O.
import type { NodeId } from '../engine/stream';

/** Bad input: where, and what was expected there. */
export class TraceParseError extends Error {
  constructor(
    readonly line: number,
    readonly expected: string,
    readonly got: string,
  ) {
    super(
      `line ${line}: expected ${expected}, got "${got.length > 80 ? got.slice(0, 77) + '...' : got}"`,
    );
    this.name = 'TraceParseError';
  }
}

/** An event line of ftrace's `trace` or `trace_pipe` file, or of `trace-cmd report`. */
export interface FtraceLine {
  task: string;
  pid: number;
  cpu: number;
  /** seconds, the trace clock */
  ts: number;
  event: string;
  body: string;
}

// task-pid, an optional "( tgid)" or "(-------)", [cpu], optional flags (4 or 5 columns of
// irqs-off, need-resched, hardirq/softirq, preempt depth, migrate-disable), timestamp, event.
const FTRACE =
  /^\s*(.+?)-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d+)\]\s+(?:[.a-zA-Z0-9]{4,5}\s+)?(\d+\.\d+):\s+([\w:]+?):\s?(.*)$/;

export function parseFtraceLine(text: string): FtraceLine | null {
  const m = FTRACE.exec(text);
  if (!m) return null;
  return {
    task: m[1]!.trim(),
    pid: Number(m[2]),
    cpu: Number(m[3]),
    ts: Number(m[4]),
    event: m[5]!.replace(/^scsi:/, ''),
    body: m[6]!,
  };
}

/** `key=value` pairs of an event body; a value in parentheses is kept whole. */
export function fieldsOf(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(\w+)=(\([^)]*\)|\S*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) out[m[1]!] = m[2]!;
  return out;
}

/** A kernel log line: dmesg's, with or without the time stamp, or a syslog "<6>" prefix. */
export interface LogLine {
  /** seconds since boot, or null without a time stamp */
  ts: number | null;
  text: string;
}

const DMESG = /^(?:<\d+>)?\s*(?:\[\s*(\d+\.\d+)\]\s?)?(.*)$/;
const HAS_TS = /^(?:<\d+>)?\s*\[\s*\d+\.\d+\]/;

export function looksLikeDmesg(text: string): boolean {
  return HAS_TS.test(text);
}

export function parseLogLine(text: string): LogLine {
  const m = DMESG.exec(text)!;
  return { ts: m[1] !== undefined ? Number(m[1]) : null, text: m[2]! };
}

/** One line of a fio log (write_lat_log): time (ms), latency (ns), direction, size, offset. */
export interface FioLine {
  ms: number;
  latNs: number;
  ddir: number;
}

const FIO = /^\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)(?:\s*,\s*\d+)*\s*$/;

export function parseFioLine(text: string): FioLine | null {
  const m = FIO.exec(text);
  if (!m) return null;
  return { ms: Number(m[1]), latNs: Number(m[2]), ddir: Number(m[3]) };
}

/** "H:C:T:L" with every part a number. */
export const HCTL = /^\d+:\d+:\d+:\d+$/;

/** The device a kernel log line is about ("sd 0:0:0:0: ...", "scsi 0:0:1:2: ..."). */
export function deviceOf(text: string): { on: NodeId; rest: string } | null {
  const m = /^(?:sd|scsi|sg|st|sr) (\d+:\d+:\d+:\d+): (?:\[(\w+)\] )?(?:tag#\d+ )?(.*)$/.exec(text);
  return m ? { on: m[1]!, rest: m[3]! } : null;
}

/** The host a kernel log line is about ("scsi host0: ..."). */
export function hostOf(text: string): { host: string; rest: string } | null {
  const m = /^scsi host(\d+): (.*)$/.exec(text);
  return m ? { host: m[1]!, rest: m[2]! } : null;
}
