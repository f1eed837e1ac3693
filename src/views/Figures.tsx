// Live figures at the cursor: for the healthy LUNs as a whole and per LUN, since the first
// fault. At the end of the run the engine's own figures for the whole run stand beside them.
import { useState } from 'react';
import { useSim } from '../store';

export const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
export const sec = (x: number | null): string => (x === null ? '–' : `${x.toFixed(2)} s`);

export function Figures() {
  const f = useSim((s) => s.view?.figures ?? null);
  const m = useSim((s) => (s.status === 'done' ? (s.timeline?.metrics ?? null) : null));
  const atEnd = useSim((s) => s.status === 'done' && s.cursor >= s.available - 1e-9);
  const source = useSim((s) => s.source);
  const [all, setAll] = useState(false);
  if (!f) return null;
  const rows = f.luns.filter((l) => all || l.failing || l.eio > 0);
  return (
    <section className="panel figures" aria-label="Figures" data-testid="figures">
      <h2>Since the fault{f.since !== null ? ` (${f.since.toFixed(2)} s)` : ''}</h2>
      {f.since === null ? (
        <p>No fault yet: the figures count from the first command that fails.</p>
      ) : null}
      <table className="figures-table">
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">at the cursor</th>
            {m ? (
              <th scope="col">whole run ({source === 'trace' ? 'recording' : 'engine'})</th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">healthy LUNs: availability mean</th>
            <td data-live="availability-mean">{pct(f.healthyAvailabilityMean)}</td>
            {m ? <td data-metric="availability-mean">{pct(m.healthyAvailabilityMean)}</td> : null}
          </tr>
          <tr>
            <th scope="row">healthy LUNs: availability worst</th>
            <td data-live="availability-worst">{pct(f.healthyAvailabilityWorst)}</td>
            {m ? <td data-metric="availability-worst">{pct(m.healthyAvailabilityWorst)}</td> : null}
          </tr>
          <tr>
            <th scope="row">healthy LUNs: longest gap</th>
            <td data-live="longest-gap">{sec(f.healthyLongestGap)}</td>
            {m ? <td data-metric="longest-gap">{sec(m.healthyLongestGap)}</td> : null}
          </tr>
          <tr>
            <th scope="row">failing LUN: recovery time</th>
            <td data-live="recovery-time">{sec(f.recoveryTime)}</td>
            {m ? <td data-metric="recovery-time">{sec(m.recoveryTime)}</td> : null}
          </tr>
          <tr>
            <th scope="row">I/O failed with EIO</th>
            <td data-live="eio">{f.eio}</td>
            {m ? <td data-metric="eio">{m.eio}</td> : null}
          </tr>
          {m ? (
            <tr>
              <th scope="row">devices offlined</th>
              <td>{atEnd ? (m.offlined.length ? m.offlined.join(', ') : 'none') : ''}</td>
              <td data-metric="offlined">{m.offlined.length ? m.offlined.join(', ') : 'none'}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <details className="per-lun">
        <summary>Per LUN</summary>
        <label>
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> every
          LUN (else the failing ones and those with EIO)
        </label>
        <table className="figures-table" data-testid="figures-luns">
          <thead>
            <tr>
              <th scope="col">LUN</th>
              <th scope="col">availability</th>
              <th scope="col">longest gap</th>
              <th scope="col">recovery</th>
              <th scope="col">EIO</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 512).map((l) => (
              <tr key={l.on} data-lun-figures={l.on}>
                <th scope="row">
                  {l.on}
                  {l.failing ? ' (failing)' : ''}
                </th>
                <td>{l.failing ? '–' : pct(l.availability)}</td>
                <td>{f.since === null ? '–' : sec(l.longestGap)}</td>
                <td>
                  {sec(l.recoveryTime)}
                  {l.recovering ? '…' : ''}
                </td>
                <td>{l.eio}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length > 512 ? <p>The first 512 of {rows.length} LUNs.</p> : null}
      </details>
    </section>
  );
}
