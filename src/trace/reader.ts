// Reading trace text incrementally: chunks in, records out. A recording (kernel/traces/*.trace.gz,
// unzipped) is a header of "# key: value" lines and sections "#@ftrace", "#@dmesg" and
// "#@fio H:C:T:L dev"; plain files (an ftrace `trace`, `trace_pipe` or `trace-cmd report`, a
// dmesg, a fio log) are read as they are, each line recognised by its shape. Pure.
import type { NodeId } from '../engine/stream';
import {
  HCTL,
  TraceParseError,
  fieldsOf,
  looksLikeDmesg,
  parseFioLine,
  parseFtraceLine,
  parseLogLine,
  type FioLine,
} from './lines';

export type SourceKind = 'auto' | 'ftrace' | 'dmesg' | 'fio';

/** A scsi trace event, or a trace marker ("scsitrace: ..."). */
export interface EventRecord {
  line: number;
  ts: number;
  event: string;
  fields: Record<string, string>;
  /** the marker's text, for tracing_mark_write */
  text?: string;
}

export interface LogRecord {
  line: number;
  ts: number | null;
  text: string;
}

export interface Progress {
  bytes: number;
  lines: number;
}

export interface ReaderOptions {
  /** How to read lines outside any "#@" section (default auto: by their shape) */
  format?: SourceKind;
  /** The LUN of a plain fio log */
  fioLun?: NodeId;
  onProgress?: (p: Progress) => void;
  /** Lines between progress calls (default 50000) */
  progressEvery?: number;
}

export interface Collected {
  header: Record<string, string>;
  events: EventRecord[];
  log: LogRecord[];
  fio: Map<NodeId, FioLine[]>;
  /** LUN -> block device name, from the fio sections */
  devices: Map<NodeId, string>;
  lines: number;
  /** lines of no known shape, skipped */
  unknown: number;
  /** known lines that say nothing about SCSI recovery (other events, other log lines) */
  ignored: number;
}

// The events the conversion reads; every other event is counted as ignored.
const EVENTS = new Set([
  'scsi_dispatch_cmd_start',
  'scsi_dispatch_cmd_done',
  'scsi_dispatch_cmd_error',
  'scsi_dispatch_cmd_timeout',
  'scsi_eh_wakeup',
  'scsi_eh_scoped_start',
  'scsi_eh_scoped_step',
  'scsi_eh_scoped_escalate',
  'scsi_eh_scoped_end',
  'scsi_eh_target_start',
  'scsi_eh_target_step',
  'scsi_eh_target_escalate',
  'scsi_eh_target_end',
]);
const NEEDS: Record<string, string[]> = {
  scsi_eh_wakeup: ['host_no'],
  scsi_eh_target_start: ['host_no', 'channel', 'id', 'cmds'],
  scsi_eh_target_escalate: ['host_no', 'channel', 'id', 'cmds'],
  scsi_eh_target_step: ['host_no', 'channel', 'id', 'lun', 'step', 'result'],
  scsi_eh_target_end: ['host_no', 'channel', 'id', 'result', 'blocked_ms'],
  scsi_eh_scoped_start: ['host_no', 'channel', 'id', 'lun', 'cmds'],
  scsi_eh_scoped_escalate: ['host_no', 'channel', 'id', 'lun', 'cmds'],
  scsi_eh_scoped_step: ['host_no', 'channel', 'id', 'lun', 'step', 'result'],
  scsi_eh_scoped_end: ['host_no', 'channel', 'id', 'lun', 'result', 'blocked_ms'],
};
const DISPATCH_NEEDS = ['host_no', 'channel', 'id', 'lun'];

// Kernel log lines worth keeping: about a SCSI device, host or target, a block device's I/O
// error, or a marker.
const LOG_KEEP =
  /^(?:sd |scsi |sg |scsi host\d|target\d|scsitrace: |I\/O error|blk_update_request)/;

export class TraceReader {
  private readonly opts: ReaderOptions;
  private rest = '';
  private lineNo = 0;
  private bytes = 0;
  private section: { kind: SourceKind; lun?: NodeId } | null = null;
  private plain: { kind: SourceKind; lun?: NodeId };
  private inHeader = true;
  readonly out: Collected = {
    header: {},
    events: [],
    log: [],
    fio: new Map(),
    devices: new Map(),
    lines: 0,
    unknown: 0,
    ignored: 0,
  };

  constructor(opts: ReaderOptions = {}) {
    this.opts = opts;
    this.plain = { kind: opts.format ?? 'auto', lun: opts.fioLun };
  }

  /** Reads the lines of a new file of this kind (the line count goes on). */
  source(kind: SourceKind, lun?: NodeId): void {
    this.flushRest();
    this.section = null;
    this.plain = { kind, lun };
  }

  push(chunk: string): void {
    this.bytes += chunk.length;
    const text = this.rest + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
  }

  /** The last line (without a newline) and the records read. */
  end(): Collected {
    this.flushRest();
    this.out.lines = this.lineNo;
    this.opts.onProgress?.({ bytes: this.bytes, lines: this.lineNo });
    return this.out;
  }

  private flushRest(): void {
    if (this.rest.length) {
      const r = this.rest;
      this.rest = '';
      this.line(r);
    }
  }

  private line(raw: string): void {
    this.lineNo++;
    const every = this.opts.progressEvery ?? 50000;
    if (this.opts.onProgress && this.lineNo % every === 0)
      this.opts.onProgress({ bytes: this.bytes - this.rest.length, lines: this.lineNo });
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.startsWith('#@')) return this.sectionLine(text);
    const where = this.section ?? this.plain;
    if (this.inHeader && this.section === null && text.startsWith('# ')) {
      const m = /^# ([\w -]+?): (.*)$/.exec(text);
      if (m) this.out.header[m[1]!] = m[2]!;
      else this.out.ignored++;
      return;
    }
    if (text.trim() === '') return;
    this.inHeader = false;
    switch (where.kind) {
      case 'ftrace':
        return this.ftrace(text, true);
      case 'dmesg':
        return this.logLine(text);
      case 'fio':
        return this.fioLine(text, where.lun);
      default:
        return this.auto(text, where.lun);
    }
  }

  private sectionLine(text: string): void {
    this.inHeader = false;
    const [tag, ...args] = text.slice(2).trim().split(/\s+/);
    if (tag === 'ftrace' || tag === 'dmesg') {
      this.section = { kind: tag };
      return;
    }
    if (tag === 'fio') {
      const lun = args[0];
      if (!lun || !HCTL.test(lun))
        throw new TraceParseError(this.lineNo, '"#@fio H:C:T:L [device]"', text);
      if (args[1]) this.out.devices.set(lun, args[1]);
      if (!this.out.fio.has(lun)) this.out.fio.set(lun, []);
      this.section = { kind: 'fio', lun };
      return;
    }
    throw new TraceParseError(
      this.lineNo,
      'a section "#@ftrace", "#@dmesg" or "#@fio H:C:T:L"',
      text,
    );
  }

  private auto(text: string, lun: NodeId | undefined): void {
    if (text.startsWith('#') || /^cpus=\d+$/.test(text) || /^version = /.test(text)) {
      this.out.ignored++;
      return;
    }
    const f = parseFtraceLine(text);
    if (f) return this.ftrace(text, false);
    if (looksLikeDmesg(text)) return this.logLine(text);
    if (parseFioLine(text)) return this.fioLine(text, lun);
    this.out.unknown++;
  }

  private ftrace(text: string, inSection: boolean): void {
    if (text.startsWith('#') || /^cpus=\d+$/.test(text.trim()) || /^version = /.test(text)) {
      this.out.ignored++;
      return;
    }
    const f = parseFtraceLine(text);
    if (!f) {
      this.out.unknown++;
      return;
    }
    void inSection;
    if (f.event === 'tracing_mark_write' || f.event === 'print') {
      const i = f.body.indexOf('scsitrace: ');
      if (i < 0) {
        this.out.ignored++;
        return;
      }
      this.out.events.push({
        line: this.lineNo,
        ts: f.ts,
        event: 'marker',
        fields: {},
        text: f.body.slice(i + 'scsitrace: '.length).trim(),
      });
      return;
    }
    if (!EVENTS.has(f.event)) {
      this.out.ignored++;
      return;
    }
    const fields = fieldsOf(f.body);
    const need = f.event.startsWith('scsi_dispatch_cmd') ? DISPATCH_NEEDS : NEEDS[f.event]!;
    for (const k of need)
      if (fields[k] === undefined)
        throw new TraceParseError(
          this.lineNo,
          `${need.map((n) => n + '=').join(' ')} in a ${f.event} event`,
          text,
        );
    if (f.event.startsWith('scsi_dispatch_cmd')) {
      // a long trace is mostly these: keep what the conversion reads
      const lba = /lba=(\d+)/.exec(fields.cmnd ?? '');
      const keep: Record<string, string> = {
        host_no: fields.host_no!,
        channel: fields.channel!,
        id: fields.id!,
        lun: fields.lun!,
        cmnd: lba ? `lba=${lba[1]}` : '',
      };
      if (fields.result !== undefined) keep.result = fields.result;
      if (fields.sense !== undefined) keep.sense = fields.sense;
      this.out.events.push({ line: this.lineNo, ts: f.ts, event: f.event, fields: keep });
      return;
    }
    this.out.events.push({ line: this.lineNo, ts: f.ts, event: f.event, fields });
  }

  private logLine(text: string): void {
    const l = parseLogLine(text);
    if (!LOG_KEEP.test(l.text)) {
      this.out.ignored++;
      return;
    }
    this.out.log.push({ line: this.lineNo, ts: l.ts, text: l.text });
  }

  private fioLine(text: string, lun: NodeId | undefined): void {
    const f = parseFioLine(text);
    if (!f)
      throw new TraceParseError(
        this.lineNo,
        'a fio log line "time_ms, latency_ns, direction, size, offset"',
        text,
      );
    if (!lun)
      throw new TraceParseError(
        this.lineNo,
        'a LUN for this fio log (a "#@fio H:C:T:L" section, or the fioLun option)',
        text,
      );
    let list = this.out.fio.get(lun);
    if (!list) this.out.fio.set(lun, (list = []));
    list.push(f);
  }
}
