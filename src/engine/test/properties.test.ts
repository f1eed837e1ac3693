// Property tests over random topologies and fault storms, every driver and every policy:
// the Linux scopes and the other systems' recoveries.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, scopeRank } from '../analysis';
import type { Scenario } from '../scenario';
import { Sim } from '../sim';
import { scenarioArb } from './arbitraries';
import {
  SCOPES,
  type BlockScope,
  type DeviceState,
  type HostState,
  type NodeId,
  type Transition,
} from '../stream';

/** Replays the stream, checking what must hold at every dispatch; returns the violations. */
function checkStream(sc: Scenario, trs: Transition[], outstanding: number): string[] {
  const bad: string[] = [];
  const dev = new Map<NodeId, DeviceState>();
  const host = new Map<NodeId, HostState>();
  const ended = new Set<number>();
  const open = new Set<number>();
  const issued = new Set<number>();
  for (const tr of trs) {
    if (tr.type === 'run-start') for (const l of tr.luns) dev.set(l, 'running');
    else if (tr.type === 'device') dev.set(tr.on, tr.state);
    else if (tr.type === 'host') host.set(tr.on, tr.state);
    else if (tr.type === 'cmd') {
      if (tr.event === 'queued') {
        if (issued.has(tr.cmd)) bad.push(`cmd ${tr.cmd} queued twice`);
        issued.add(tr.cmd);
      } else if (tr.event === 'dispatched') {
        if (!issued.has(tr.cmd)) bad.push(`cmd ${tr.cmd} dispatched but never queued`);
        if (dev.get(tr.on) !== 'running')
          bad.push(`t=${tr.t} cmd ${tr.cmd} dispatched to ${tr.on} while ${dev.get(tr.on)}`);
        if (host.get(tr.on.split(':')[0]!) === 'recovery')
          bad.push(`t=${tr.t} cmd ${tr.cmd} dispatched while host in recovery`);
        if (ended.has(tr.cmd)) bad.push(`cmd ${tr.cmd} dispatched after it ended`);
        open.add(tr.cmd);
      } else if (
        tr.event === 'completed' ||
        tr.event === 'completed-after-retry' ||
        tr.event === 'eio' ||
        tr.event === 'medium-error' ||
        tr.event === 'rejected-offline'
      ) {
        if (ended.has(tr.cmd)) bad.push(`cmd ${tr.cmd} ended twice`);
        ended.add(tr.cmd);
        open.delete(tr.cmd);
      }
    }
  }
  void sc;
  // every command issued has ended, or is still outstanding (queued, in flight, in recovery)
  const stillOut = [...issued].filter((c) => !ended.has(c)).length;
  return bad.concat(
    stillOut === outstanding
      ? []
      : [`${stillOut} commands never ended, ${outstanding} outstanding`],
  );
}

describe('engine properties', () => {
  it('holds its invariants over random topologies and fault storms', () => {
    // the policies a run recovered a timeout with: every one of them must have been exercised
    const exercised = new Set<string>();
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const sim = new Sim(sc, { commandDetail: true });
        const r = sim.run();
        // no command dispatched to a blocked device or a host in recovery; none ends twice
        const outstanding = sim.devs.reduce((a, d) => a + d.outstanding, 0);
        expect(checkStream(sc, r.transitions, outstanding)).toEqual([]);

        // every command ends completed or failed, or is still queued or in flight
        for (const d of sim.devs) {
          expect(d.created, d.id).toBe(d.completed + d.eio + d.outstanding);
          expect(d.outstanding, d.id).toBe(d.queue.length + d.busy);
          expect(d.busy, d.id).toBeGreaterThanOrEqual(0);
        }
        for (const h of sim.hosts) expect(h.busy).toBe(h.devs.reduce((a, d) => a + d.busy, 0));

        // counts add up: the per-tick I/O equals the totals
        const done = new Map<NodeId, number>();
        const failed = new Map<NodeId, number>();
        for (const tr of r.transitions)
          if (tr.type === 'io')
            for (const l of tr.luns) {
              done.set(l.on, (done.get(l.on) ?? 0) + l.done);
              failed.set(l.on, (failed.get(l.on) ?? 0) + l.failed);
            }
        for (const l of r.metrics.luns) {
          expect(done.get(l.on) ?? 0, l.on).toBe(l.completed);
          expect(failed.get(l.on) ?? 0, l.on).toBe(l.eio);
        }

        // escalation only goes up
        const a = analyze(r.transitions);
        for (const e of a.escalations) expect(scopeRank(e.to)).toBeGreaterThan(scopeRank(e.from));

        // every step that started ended, or the run ended inside it
        for (const s of a.steps)
          if (s.end === null) expect(s.start).toBeLessThanOrEqual(sc.duration);

        // LUN scope blocks nothing outside its LUN, target scope nothing outside its target,
        // until a fallback to host recovery
        const failingLuns = new Set(sc.faults.map((f) => f.lun));
        const failingTargets = new Set(
          sc.faults.map((f) => f.lun.split(':').slice(0, 3).join(':')),
        );
        const hostRecovered = new Set<string>();
        for (const tr of r.transitions) {
          if (tr.type === 'host' && tr.state === 'recovery') hostRecovered.add(tr.on);
          if (tr.type !== 'device' || tr.state === 'running' || tr.state === 'offline') continue;
          const h = tr.on.split(':')[0]!;
          if (hostRecovered.has(h)) continue;
          const by = tr.blockedBy as BlockScope;
          if (by === 'lun')
            expect(failingLuns.has(tr.on), `${tr.on} blocked by lun at ${tr.t}`).toBe(true);
          if (by === 'target')
            expect(
              failingTargets.has(tr.on.split(':').slice(0, 3).join(':')),
              `${tr.on} blocked by target at ${tr.t}`,
            ).toBe(true);
          if (by === 'host') expect.unreachable('host block without host recovery');
          const d = sim.devById.get(tr.on)!;
          if (d.scope === 'lun' || d.scope === 'lun-only') expect(by).toBe('lun');
          if (d.scope === 'host') expect.unreachable(`${tr.on} in host scope blocked by ${by}`);
          // the other systems block what they document, and nothing else
          if (d.scope === 'storport' || d.scope === 'esxi') expect(by, tr.on).toBe('lun');
          if (d.scope === 'libata') expect(by, `${tr.on}: a port`).toBe('target');
          if (d.scope === 'nvme') expect.unreachable(`${tr.on}: NVMe blocks only the controller`);
        }
        // before any host recovery, no LUN-only device is blocked by a target
        for (const tr of r.transitions)
          if (tr.type === 'device' && tr.blockedBy === 'target') {
            const d = sim.devById.get(tr.on)!;
            expect(d.scope, tr.on).not.toBe('lun-only');
            expect(['esxi', 'storport', 'nvme'], tr.on).not.toContain(d.scope);
          }
        for (const tr of r.transitions)
          if (tr.type === 'cmd' && tr.event === 'timeout')
            exercised.add(sim.devById.get(tr.on)!.scope);
      }),
      { numRuns: 150, seed: 20261201 },
    );
    expect([...exercised].sort()).toEqual([...SCOPES].sort());
  });

  it('is a pure function of scenario and seed', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(1000), (sc, seed) => {
        const a = JSON.stringify(new Sim(sc, { seed }).run().transitions);
        const b = JSON.stringify(new Sim(structuredClone(sc), { seed }).run().transitions);
        expect(a).toBe(b);
      }),
      { numRuns: 25, seed: 7 },
    );
  });
});
