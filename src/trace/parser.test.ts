// The trace parser on each input format, chunked input, and broken input.
import { describe, expect, it } from 'vitest';
import { analyze, ladderOf } from '../engine/analysis';
import type { Transition } from '../engine/stream';
import { TraceParseError, TraceReader, convert, parseTrace } from './index';
import { parseFtraceLine, parseLogLine } from './lines';
import { onGuestClock } from './conformance';
import { hostLadder } from '../engine/presets';

// A host-scope recovery of LUN 0:0:0:0 on host 3 (the abort fails, the LUN reset works), as
// ftrace's `trace` file shows it: a header, markers and scsi events.
const FTRACE = `# tracer: nop
#
# entries-in-buffer/entries-written: 9/9   #P:2
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
              sh-61      [001] .....   100.000000: tracing_mark_write: scsitrace: sync realtime_ms=1700000000000
              sh-61      [001] .....   100.010000: tracing_mark_write: scsitrace: lun 3:0:0:0 sda timeout=5
              sh-61      [001] .....   100.011000: tracing_mark_write: scsitrace: lun 3:0:1:0 sdb timeout=30
              sh-61      [001] .....   101.000000: tracing_mark_write: scsitrace: run-start
              sh-61      [000] .....   103.000000: tracing_mark_write: scsitrace: fault on=3:0:0:0 kind=abort-fails count=always
              sh-61      [000] .....   103.001000: tracing_mark_write: scsitrace: fault on=3:0:0:0 kind=timeout count=1
             fio-80      [000] .....   103.002000: scsi_dispatch_cmd_start: host_no=3 channel=0 id=0 lun=0 data_sgl=1 prot_sgl=0 prot_op=SCSI_PROT_NORMAL driver_tag=1 scheduler_tag=2 cmnd=(READ_10 lba=800 txlen=8 protect=0 raw=28 00 00 00 03 20 00 00 08 00)
    kworker/0:1H-36      [000] ...1.   108.300000: scsi_dispatch_cmd_timeout: host_no=3 channel=0 id=0 lun=0 data_sgl=1 prot_sgl=0 prot_op=SCSI_PROT_NORMAL driver_tag=1 scheduler_tag=2 cmnd=(READ_10 lba=800 txlen=8 protect=0 raw=28 00 00 00 03 20 00 00 08 00) result=(driver=DRIVER_OK host=DID_OK message=COMMAND_COMPLETE status=SAM_STAT_GOOD) sense=(key=0x0 asc=0x0 ascq=0x0)
          <idle>-0       [001] dNs3.   108.320000: scsi_eh_wakeup: host_no=3
            fio-80      [001] .....   109.100000: scsi_dispatch_cmd_done: host_no=3 channel=0 id=0 lun=0 data_sgl=1 prot_sgl=0 prot_op=SCSI_PROT_NORMAL driver_tag=4 scheduler_tag=2 cmnd=(READ_10 lba=800 txlen=8 protect=0 raw=28 00 00 00 03 20 00 00 08 00) result=(driver=DRIVER_OK host=DID_OK message=COMMAND_COMPLETE status=SAM_STAT_GOOD) sense=(key=0x0 asc=0x0 ascq=0x0)
              sh-61      [001] .....   112.000000: tracing_mark_write: scsitrace: run-end
`;

// The same recovery in the kernel log, whose clock runs 0.5 s behind the trace's.
const DMESG = `[   99.500000] scsitrace: sync realtime_ms=1700000000000
[  102.501000] scsitrace: fault on=3:0:0:0 kind=timeout count=1
[  107.800500] sd 3:0:0:0: [sda] tag#1 abort scheduled
[  107.810000] sd 3:0:0:0: [sda] tag#1 aborting command
[  107.811000] sd 3:0:0:0: [sda] tag#1 cmd abort failed
[  107.812000] random: crng init done
[  107.820000] scsi host3: Waking error handler thread
[  107.821000] scsi host3: Total of 1 commands on 1 devices require eh work
[  107.822000] sd 3:0:0:0: scsi_eh_3: Sending BDR
[  108.322000] sd 3:0:0:0: [sda] tag#1 scsi_eh_done result: 2
[  108.323000] sd 3:0:0:0: [sda] tag#1 scsi_eh_tur return: 2001
[  108.324000] sd 3:0:0:0: [sda] tag#1 scsi_eh_tur return: 2002
[  108.325000] sd 3:0:0:0: [sda] tag#1 scsi_eh_3: flush retry cmd
[  108.326000] scsi host3: waking up host to restart
`;

// fio's completion logs, wall clock (ms): LUN 0:1:0 reads every 100 ms throughout, and stalls
// while the host recovers; 0:0:0 completes once before the fault and the retried read.
function fioLog(fromMs: number, toMs: number, stall: [number, number] | null): string {
  const lines: string[] = [];
  for (let ms = fromMs; ms <= toMs; ms += 100) {
    if (stall && ms > stall[0] && ms < stall[1]) continue;
    lines.push(`${1700000000000 + ms}, 1000000, 0, 4096, ${ms * 8}, 0`);
  }
  return lines.join('\n') + '\n';
}

function recording(): string {
  return [
    '# scsi-eh-trace 1',
    '# case: unit',
    '# guest: scsi_debug 2 x 1',
    '#@ftrace',
    FTRACE.trimEnd(),
    '#@dmesg',
    DMESG.trimEnd(),
    '#@fio 3:0:1:0 sdb',
    fioLog(1000, 12000, [8300, 9100]).trimEnd(),
    '#@fio 3:0:0:0 sda',
    `${1700000000000 + 2000}, 1000000, 0, 4096, 0`,
    `${1700000000000 + 9100}, 6098000000, 0, 4096, 6400`,
  ].join('\n');
}

const ladder = (ts: Transition[]): string[] => ladderOf(analyze(ts));

describe('trace lines', () => {
  it('reads ftrace lines of trace, trace_pipe and trace-cmd report', () => {
    const trace = parseFtraceLine(
      '          <idle>-0       [001] dNs3.   108.320000: scsi_eh_wakeup: host_no=3',
    );
    expect(trace).toMatchObject({
      task: '<idle>',
      pid: 0,
      cpu: 1,
      ts: 108.32,
      event: 'scsi_eh_wakeup',
    });
    // trace-cmd report: no flags column, the event padded
    const report = parseFtraceLine(
      '     kworker/0:1H-36    [000]   108.300000: scsi_dispatch_cmd_timeout: host_no=3 channel=0 id=0 lun=0',
    );
    expect(report).toMatchObject({
      task: 'kworker/0:1H',
      pid: 36,
      ts: 108.3,
      event: 'scsi_dispatch_cmd_timeout',
    });
    // with the tgid column (options/record-tgid)
    const tgid = parseFtraceLine(
      '              sh-61      (     61) [001] .....   100.000000: tracing_mark_write: hello',
    );
    expect(tgid).toMatchObject({ pid: 61, event: 'tracing_mark_write', body: 'hello' });
    expect(parseFtraceLine('not a trace line')).toBeNull();
  });

  it('reads kernel log lines with and without a time stamp', () => {
    expect(parseLogLine('[  107.822000] sd 3:0:0:0: scsi_eh_3: Sending BDR')).toEqual({
      ts: 107.822,
      text: 'sd 3:0:0:0: scsi_eh_3: Sending BDR',
    });
    expect(parseLogLine('<6>[    1.5] scsi host0: scsi_debug')).toEqual({
      ts: 1.5,
      text: 'scsi host0: scsi_debug',
    });
    expect(parseLogLine('sd 3:0:0:0: scsi_eh_3: Sending BDR')).toEqual({
      ts: null,
      text: 'sd 3:0:0:0: scsi_eh_3: Sending BDR',
    });
  });
});

describe('a recording', () => {
  const r = parseTrace(recording());

  it('takes its header, topology and faults from the trace', () => {
    expect(r.header.case).toBe('unit');
    const start = r.transitions[0]!;
    expect(start.type === 'run-start' && start.luns).toEqual(['0:0:0:0', '0:0:1:0']);
    expect(start.type === 'run-start' && start.hosts).toEqual([{ id: '0', driver: 'scsi_debug' }]);
    expect(r.faults).toEqual([
      { on: '0:0:0:0', kind: 'abort-fails', t: 2 },
      { on: '0:0:0:0', kind: 'timeout', t: 2.001 },
    ]);
    expect(r.stats.clocks).toBe('sync');
    // the log line about the random pool is not about SCSI
    expect(r.stats.ignored).toBeGreaterThan(0);
    expect(r.stats.unknown).toBe(0);
  });

  it('rebuilds the host ladder from the log, on the trace clock', () => {
    expect(ladder(r.transitions)).toEqual([
      '-:abort:failed',
      'host:lun-reset:success',
      'host:tur:ready',
    ]);
    const a = analyze(r.transitions);
    const reset = a.steps.find((s) => s.step === 'lun-reset')!;
    // the log runs 0.5 s behind: "Sending BDR" at 107.822 is 108.322 on the trace clock
    expect(reset.start).toBeCloseTo(108.322 - 101, 6);
    expect([...reset.blocked.keys()].sort()).toEqual(['0:0:0:0', '0:0:1:0']);
    expect(a.hostRecoveries).toHaveLength(1);
    expect(a.hostRecoveries[0]!.start).toBeCloseTo(108.311 - 101, 6);
    expect(a.hostRecoveries[0]!.end).toBeCloseTo(108.826 - 101, 6);
    const tur = r.transitions.find(
      (t) => t.type === 'step' && t.step === 'tur' && t.phase === 'end',
    );
    expect(tur && tur.type === 'step' && tur.detail).toMatch(/NEEDS_RETRY/);
  });

  it('follows the faulted command and measures the window from the fault to its retry', () => {
    const ev = r.transitions.flatMap((t) => (t.type === 'cmd' ? [t.event] : []));
    expect(ev).toEqual(['timeout', 'abort-scheduled', 'retry', 'completed-after-retry']);
    const m = r.transitions.find((t) => t.type === 'metrics');
    if (m?.type !== 'metrics') throw new Error('no metrics');
    expect(m.metrics.recoveryWindow).toEqual([2.001, 8.1]);
    expect(m.metrics.recoveryTime).toBeCloseTo(6.099, 6);
    const healthy = m.metrics.luns.find((l) => l.on === '0:0:1:0')!;
    // 800 ms without a completion (8.3 s to 9.1 s of the wall clock)
    expect(healthy.longestGap).toBeCloseTo(0.8, 6);
    expect(healthy.availability).toBeGreaterThan(0.8);
    expect(healthy.availability).toBeLessThan(0.95);
  });

  it('turns fio completions into io ticks', () => {
    const ticks = r.transitions.filter((t) => t.type === 'io');
    const done = ticks.reduce(
      (n, t) =>
        n +
        (t.type === 'io'
          ? t.luns.filter((l) => l.on === '0:0:1:0').reduce((a, l) => a + l.done, 0)
          : 0),
      0,
    );
    // 1.1 s to 12.0 s every 100 ms (1.0 s is time 0, before the first tick), less the 7 of the stall
    expect(done).toBe(110 - 7);
    for (const t of ticks) if (t.type === 'io') expect(t.dt).toBe(0.1);
  });

  it('gives the same stream read in chunks of any size, and reports progress', () => {
    const text = recording();
    const whole = parseTrace(text).transitions;
    for (const size of [1, 7, 64, 1000]) {
      const seen: number[] = [];
      const p = new TraceReader({ onProgress: (x) => seen.push(x.lines), progressEvery: 10 });
      for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
      expect(convert(p.end()).transitions).toEqual(whole);
      expect(seen.length).toBeGreaterThan(3);
      expect(seen[seen.length - 1]).toBe(text.split('\n').length);
    }
  });
});

describe('the series: a LUN ladder escalating to the host', () => {
  // The LUN's own ladder aborts the command (patch 21) and its TUR fails; the kernel log
  // prints the ladder's abort and TUR as host recovery would, from a kworker.
  const ftrace = `#@ftrace
  sh-9  [000] .....  10.000000: tracing_mark_write: scsitrace: sync realtime_ms=1000
  sh-9  [000] .....  10.000100: tracing_mark_write: scsitrace: lun 0:0:0:0 sda timeout=2
  sh-9  [000] .....  10.000200: tracing_mark_write: scsitrace: lun 0:0:0:1 sdb timeout=30
  sh-9  [000] .....  11.000000: tracing_mark_write: scsitrace: run-start
  sh-9  [000] .....  13.000000: tracing_mark_write: scsitrace: fault on=0:0:0:0 kind=timeout count=1
  kw-4  [001] ...1.  15.400000: scsi_dispatch_cmd_timeout: host_no=0 channel=0 id=0 lun=0 cmnd=(READ_10 lba=8 txlen=8)
  kw-5  [000] d..2.  15.405000: scsi_eh_scoped_start: host_no=0 channel=0 id=0 lun=0 scope=lun cmds=1
  kw-5  [000] ...1.  15.905000: scsi_eh_scoped_step: host_no=0 channel=0 id=0 lun=0 step=abort result=failed
  kw-5  [000] ...1.  16.405000: scsi_eh_scoped_step: host_no=0 channel=0 id=0 lun=0 step=lun_reset result=success
  kw-5  [000] ...1.  16.405100: scsi_eh_scoped_step: host_no=0 channel=0 id=0 lun=0 step=tur result=failed
  kw-5  [000] ...1.  16.405200: scsi_eh_scoped_escalate: host_no=0 channel=0 id=0 lun=0 scope=lun cmds=1
  kw-5  [000] ...1.  16.405300: scsi_eh_scoped_end: host_no=0 channel=0 id=0 lun=0 result=escalated blocked_ms=990
  fio-7 [001] d.s4.  16.410000: scsi_eh_wakeup: host_no=0
  fio-7 [001] .....  17.000000: scsi_dispatch_cmd_done: host_no=0 channel=0 id=0 lun=0 cmnd=(READ_10 lba=8 txlen=8) result=(driver=DRIVER_OK host=DID_OK message=COMMAND_COMPLETE status=SAM_STAT_GOOD)
`;
  const dmesg = `#@dmesg
[   10.000000] scsitrace: sync realtime_ms=1000
[   15.400100] sd 0:0:0:0: [sda] tag#3 abort left to scoped recovery
[   15.405100] sd 0:0:0:0: [sda] tag#3 aborting command
[   15.904000] sd 0:0:0:0: [sda] tag#3 cmd abort failed
[   15.905100] sd 0:0:0:0: kworker/u8:6: Sending BDR
[   16.404000] sd 0:0:0:0: [sda] tag#3 scsi_eh_done result: 10000
[   16.404500] sd 0:0:0:0: [sda] tag#3 scsi_eh_tur return: 2003
[   16.411000] scsi host0: Total of 1 commands on 1 devices require eh work
[   16.412000] sd 0:0:0:0: scsi_eh_0: Sending BDR
[   16.912000] sd 0:0:0:0: [sda] tag#3 scsi_eh_done result: 0
[   16.912500] sd 0:0:0:0: [sda] tag#3 scsi_eh_tur return: 2002
[   16.913000] sd 0:0:0:0: [sda] tag#3 scsi_eh_0: flush retry cmd
[   16.914000] scsi host0: waking up host to restart
`;
  const r = parseTrace(ftrace + dmesg);
  const a = analyze(r.transitions);

  it('keeps the abort and TUR lines of the LUN ladder out of host recovery', () => {
    expect(ladder(r.transitions)).toEqual([
      'lun:abort:failed',
      'lun:lun-reset:success',
      'lun:tur:not-ready',
      'host:lun-reset:success',
      'host:tur:ready',
    ]);
    expect(a.escalations).toMatchObject([{ from: 'lun', to: 'host', on: '0:0:0:0' }]);
  });

  it('blocks the LUN alone for its ladder, then the host', () => {
    const lunSteps = a.steps.filter((s) => s.scope === 'lun' && s.step !== 'drain');
    for (const s of lunSteps) expect([...s.blocked]).toEqual([['0:0:0:0', 'lun']]);
    const hostReset = a.steps.find((s) => s.scope === 'host' && s.step === 'lun-reset')!;
    expect([...hostReset.blocked.keys()].sort()).toEqual(['0:0:0:0', '0:0:0:1']);
    // the host recovery: from the escalation to scsi_restart_operations
    expect(a.hostRecoveries).toHaveLength(1);
    expect(a.hostRecoveries[0]!.start).toBeCloseTo(16.4052 - 11, 6);
    expect(a.hostRecoveries[0]!.end).toBeCloseTo(16.914 - 11, 6);
    const ev = r.transitions.flatMap((t) => (t.type === 'cmd' ? [t.event] : []));
    expect(ev).toEqual(['timeout', 'abort-scheduled', 'retry', 'completed-after-retry']);
  });
});

describe('the trace and the log on one clock', () => {
  // s2-lun-fails as the idle re-recording has it: the target ladder takes the command whose
  // asynchronous abort failed (the log's "cmd abort failed", then scsi_eh_scmd_add joins the
  // target). The log's clock runs 85 ms behind the trace's, and the two "jiffies" markers,
  // 8 s apart, carry the same (empty) text.
  const mk = (ts: string, text: string): string =>
    `  sh-78 [001] .....  ${ts}: tracing_mark_write: scsitrace: ${text}`;
  const ev = (ts: string, body: string): string => `  kw-11 [001] ...1.  ${ts}: ${body}`;
  const dev = 'host_no=0 channel=0 id=0';
  const ftrace = (lostFirstJiffies: boolean): string =>
    [
      '#@ftrace',
      mk('117.823063', 'sync realtime_ms=1000'),
      mk('117.868766', 'lun 0:0:0:0 sda timeout=2'),
      mk('117.908026', 'lun 0:0:0:1 sdb timeout=30'),
      mk('123.747754', 'run-start'),
      ...(lostFirstJiffies ? [] : [mk('123.934022', 'jiffies ')]),
      mk('126.073279', 'fault on=0:0:0:0 kind=timeout count=1'),
      ev('128.214196', `scsi_dispatch_cmd_timeout: ${dev} lun=0 cmnd=(READ_10 lba=8 txlen=8)`),
      ev('128.756375', `scsi_eh_target_start: ${dev} scope=target cmds=1`),
      ev('129.273177', `scsi_eh_target_step: ${dev} lun=0 step=lun_reset result=failed`),
      ev('129.791033', `scsi_eh_target_step: ${dev} lun=-1 step=target_reset result=success`),
      ev('129.791054', `scsi_eh_target_step: ${dev} lun=-1 step=tur result=success`),
      ev('129.791828', `scsi_eh_target_end: ${dev} result=recovered blocked_ms=1018`),
      mk('132.297815', 'jiffies '),
      mk('132.407064', 'run-end'),
    ].join('\n');
  const dmesg = `#@dmesg
[  117.738383] scsitrace: sync realtime_ms=1000
[  123.667410] scsitrace: run-start
[  123.849161] scsitrace: jiffies 
[  125.988261] scsitrace: fault on=0:0:0:0 kind=timeout count=1
[  128.129397] sd 0:0:0:0: [sda] tag#168 abort scheduled
[  128.142252] sd 0:0:0:0: [sda] tag#168 aborting command
[  128.663245] sd 0:0:0:0: [sda] tag#168 cmd abort failed
[  128.672282] sd 0:0:0:0: kworker/u8:0: Sending BDR
[  129.187911] sd 0:0:0:0: kworker/u8:0: BDR failed
[  129.705665] sd 0:0:0:0: [sda] tag#168 scsi_eh_tur return: 2002
[  129.706866] sd 0:0:0:0: [sda] tag#168 kworker/u8:0: flush retry cmd
[  132.213429] scsitrace: jiffies 
[  132.326708] scsitrace: run-end
`;
  const stepOf = (ts: Transition[], step: string, phase: string): Transition =>
    ts.find((t) => t.type === 'step' && t.step === step && t.phase === phase)!;

  for (const lost of [false, true])
    it(`pairs a repeated marker with its own copy${lost ? ' (the first lost from the trace)' : ''}`, () => {
      const r = parseTrace(ftrace(lost) + '\n' + dmesg);
      // the abort failed before the target ladder started; no host recovery, no host TUR
      expect(ladder(r.transitions)).toEqual([
        '-:abort:failed',
        'target:lun-reset:failed',
        'target:target-reset:success',
        'target:tur:ready',
      ]);
      expect(r.transitions.some((t) => t.type === 'host')).toBe(false);
      // "aborting command" at 128.142252 on the log's clock is 128.227 on the trace's
      // (the closest pair of markers: 85.0 ms)
      expect(stepOf(r.transitions, 'abort', 'start').t).toBeCloseTo(128.227254 - 123.747754, 4);
      // the abort ran with nothing blocked: the target was blocked when it failed
      const a = analyze(r.transitions);
      expect([...a.steps.find((s) => s.step === 'abort')!.blocked]).toEqual([]);
      expect([...a.steps.find((s) => s.step === 'lun-reset')!.blocked].sort()).toEqual([
        ['0:0:0:0', 'target'],
        ['0:0:0:1', 'target'],
      ]);
    });

  it('keeps a host ladder after its failed abort when the markers repeat', () => {
    // the unit recording with two empty "jiffies" markers 10 s apart in the trace and the log
    const jif = (ts: string): string =>
      `              sh-61      [001] .....   ${ts}: tracing_mark_write: scsitrace: jiffies `;
    const text = recording()
      .replace(/(\n.*scsitrace: run-start)/, `$1\n${jif('101.500000')}`)
      .replace(/(\n.*scsitrace: run-end)/, `\n${jif('111.500000')}$1`)
      .replace(/(\[ +99\.500000\] scsitrace: sync.*)/, '$1\n[  101.000000] scsitrace: jiffies ')
      .replace(/(\[ +108\.326000\] .*)/, '$1\n[  111.000000] scsitrace: jiffies ');
    expect(text.match(/scsitrace: jiffies/g)).toHaveLength(4);
    const r = parseTrace(text);
    expect(ladder(r.transitions)).toEqual([
      '-:abort:failed',
      'host:lun-reset:success',
      'host:tur:ready',
    ]);
    const a = analyze(r.transitions);
    // the abort ran before the host was in recovery; the LUN reset with every LUN blocked
    expect([...a.steps.find((s) => s.step === 'abort')!.blocked]).toEqual([]);
    const reset = a.steps.find((s) => s.step === 'lun-reset')!;
    expect(reset.start).toBeCloseTo(108.322 - 101, 6);
    expect([...reset.blocked.keys()].sort()).toEqual(['0:0:0:0', '0:0:1:0']);
  });

  it('blocks the target just after the abort failed, not before', () => {
    const r = parseTrace(ftrace(false) + '\n' + dmesg);
    const i = (pred: (t: Transition) => boolean): number => r.transitions.findIndex(pred);
    const abortEnd = i((t) => t.type === 'step' && t.step === 'abort' && t.phase === 'end');
    const block = i((t) => t.type === 'op' && t.op === 'block-io' && t.scope === 'target');
    expect(r.transitions[abortEnd]!.t).toBe(r.transitions[block]!.t);
    expect(abortEnd).toBeLessThan(block);
  });
});

describe('the guest tick', () => {
  it('is measured from two jiffies markers against the clock', () => {
    const mk = (ts: string, text: string): string =>
      `  sh-9  [000] .....  ${ts}: tracing_mark_write: scsitrace: ${text}`;
    const text = [
      mk('10.000000', 'run-start'),
      mk('10.000100', 'jiffies hz=1000 jiffies=4294967000 now_ns=10000100000'),
      // 10 s of clock, 4 s of jiffies
      mk('20.000100', 'jiffies hz=1000 jiffies=4294971000 now_ns=20000100000'),
    ].join('\n');
    expect(parseTrace(text).stats.tickRate).toBeCloseTo(0.4, 6);
    expect(parseTrace(mk('1.0', 'run-start')).stats.tickRate).toBeNull();
    // the older form: /proc/stat's accounting, 4 s of ticks on each of 2 CPUs in 10 s
    const acct = [
      mk('10.0', 'ticks nproc=2 cpu  100 0 100 800 0 0 0 0 0 0'),
      mk('20.0', 'ticks nproc=2 cpu  150 0 150 1500 0 0 0 0 0 0'),
    ].join('\n');
    expect(parseTrace(acct).stats.tickRate).toBeCloseTo(0.4, 6);
  });

  it('stretches the jiffies-based delays of a scenario, and only those', () => {
    const sc = onGuestClock(hostLadder['host-lun-reset'], 0.5);
    expect(sc.timings).toMatchObject({ cmdTimeout: 10, tmf: 1, busSettle: 20, hostSettle: 20 });
    expect(sc.timings?.ioLatency).toBeUndefined();
    expect(hostLadder['host-lun-reset'].timings).toEqual({ cmdTimeout: 5, tmf: 0.5 });
  });
});

describe('plain files', () => {
  it('reads a trace_pipe capture (no header) with the scoped events', () => {
    const pipe = `  kworker/u8:2-40   [000] .....   10.000000: scsi_eh_scoped_start: host_no=0 channel=0 id=0 lun=0 scope=lun cmds=1
  kworker/u8:2-40   [000] .....   10.500000: scsi_eh_scoped_step: host_no=0 channel=0 id=0 lun=0 step=abort result=failed
  kworker/u8:2-40   [000] .....   11.000000: scsi_eh_scoped_step: host_no=0 channel=0 id=0 lun=0 step=lun_reset result=success
  kworker/u8:2-40   [000] .....   11.000000: scsi_eh_scoped_step: host_no=0 channel=0 id=0 lun=0 step=tur result=success
  kworker/u8:2-40   [000] .....   11.001000: scsi_eh_scoped_end: host_no=0 channel=0 id=0 lun=0 result=recovered blocked_ms=1001
`;
    const r = parseTrace(pipe);
    expect(ladder(r.transitions)).toEqual([
      'lun:abort:failed',
      'lun:lun-reset:success',
      'lun:tur:ready',
    ]);
    const a = analyze(r.transitions);
    // blocked from blocked_ms before the end: 10.0 s, where the first record is (time 0)
    expect(a.blockedSpans.get('0:0:0:0')).toEqual([{ start: 0, end: 1.001, by: 'lun' }]);
    // no sync marker: nothing to tie, nothing tied
    expect(r.stats.clocks).toBe('assumed');
  });

  it('reads a trace-cmd report with target recovery escalating to the host', () => {
    const report = `cpus=2
   kworker/u8:2-40    [000]    20.000000: scsi_eh_target_start:  host_no=1 channel=0 id=0 scope=target cmds=1
   kworker/u8:2-40    [000]    20.500000: scsi_eh_target_step:   host_no=1 channel=0 id=0 lun=0 step=lun_reset result=failed
   kworker/u8:2-40    [000]    21.000000: scsi_eh_target_step:   host_no=1 channel=0 id=0 lun=-1 step=target_reset result=failed
   kworker/u8:2-40    [000]    21.000100: scsi_eh_target_escalate: host_no=1 channel=0 id=0 scope=target cmds=1
   kworker/u8:2-40    [000]    21.000200: scsi_eh_target_end:    host_no=1 channel=0 id=0 result=escalated blocked_ms=1500
          <idle>-0     [001]    21.001000: scsi_eh_wakeup:        host_no=1
`;
    const r = parseTrace(report, { renumberHosts: false });
    expect(ladder(r.transitions)).toEqual([
      'target:lun-reset:failed',
      'target:target-reset:failed',
    ]);
    const esc = r.transitions.filter((t) => t.type === 'escalate');
    expect(esc).toMatchObject([{ from: 'target', to: 'host', on: '1:0:0' }]);
    expect(
      r.transitions.some((t) => t.type === 'host' && t.state === 'recovery' && t.on === '1'),
    ).toBe(true);
  });

  it('reads a dmesg without time stamps: the steps in their order, at one time', () => {
    const plain = DMESG.split('\n')
      .map((l) => l.replace(/^\[[^\]]*\] /, ''))
      .join('\n');
    const r = parseTrace(plain, { format: 'dmesg' });
    expect(ladder(r.transitions)).toEqual([
      '-:abort:failed',
      'host:lun-reset:success',
      'host:tur:ready',
    ]);
  });

  it('reads a fio log given its LUN', () => {
    const r = parseTrace(fioLog(0, 1000, null), { format: 'fio', fioLun: '0:0:2:1' });
    expect(r.stats.fioCompletions).toBe(11);
    const start = r.transitions[0]!;
    expect(start.type === 'run-start' && start.luns).toEqual(['0:0:2:1']);
  });
});

describe('broken input', () => {
  const lineOf = (f: () => unknown): TraceParseError => {
    try {
      f();
    } catch (e) {
      if (e instanceof TraceParseError) return e;
      throw e;
    }
    throw new Error('no error');
  };

  it('a bad fio line: its line number and what was expected', () => {
    const text = [
      '#@fio 0:0:0:0 sda',
      '1700000000000, 1000, 0, 4096, 0',
      '1700000000100, oops',
    ].join('\n');
    const e = lineOf(() => parseTrace(text));
    expect(e.line).toBe(3);
    expect(e.expected).toMatch(/fio log line/);
    expect(e.message).toMatch(/^line 3: expected a fio log line/);
  });

  it('a fio section without a LUN, an unknown section', () => {
    expect(lineOf(() => parseTrace('#@fio sda\n')).line).toBe(1);
    expect(lineOf(() => parseTrace('#@ftrace\n#@perf\n')).expected).toMatch(/section/);
  });

  it('a scsi event without its device', () => {
    const text = `#@ftrace
  kworker/u8:2-40   [000] .....   10.000000: scsi_eh_scoped_start: host_no=0 channel=0 scope=lun cmds=1
`;
    const e = lineOf(() => parseTrace(text));
    expect(e.line).toBe(2);
    expect(e.expected).toMatch(/id= lun=/);
  });

  it('a fio log without a LUN', () => {
    expect(lineOf(() => parseTrace('1700000000000, 1000, 0, 4096, 0\n')).expected).toMatch(/LUN/);
  });

  it('lines of no known shape are counted and skipped', () => {
    const text = `hello\n${FTRACE}\n%%% garbage %%%\n`;
    const r = parseTrace(text);
    expect(r.stats.unknown).toBe(2);
    expect(r.faults).toHaveLength(2);
  });
});
