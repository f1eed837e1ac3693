// Playback: play/pause, step to the next recovery step, restart, speed (0.1x to 1000x of
// virtual time, on a log scale) and a seek bar over the run.
import { MAX_SPEED, MIN_SPEED, simStore, useSim } from '../store';

const LOG_MIN = Math.log10(MIN_SPEED);
const LOG_MAX = Math.log10(MAX_SPEED);

export const formatSpeed = (x: number): string =>
  x >= 10
    ? `${Math.round(x)}x`
    : x >= 1
      ? `${x.toFixed(1).replace(/\.0$/, '')}x`
      : `${x.toFixed(1)}x`;

const formatBin = (b: number): string => `${Number(b.toPrecision(4))} s`;

export function Controls() {
  const playing = useSim((s) => s.playing);
  const speed = useSim((s) => s.speed);
  const cursor = useSim((s) => s.cursor);
  const duration = useSim((s) => (s.status === 'done' ? s.available : s.scenario.duration));
  const available = useSim((s) => s.available);
  const status = useSim((s) => s.status);
  const st = simStore.getState;
  const waiting = status === 'running' && cursor > available;
  const summary = useSim((s) => s.summary);

  return (
    <section className="controls playback" aria-label="Playback" data-testid="playback">
      <button
        type="button"
        onClick={() => (playing ? st().pause() : st().play())}
        data-testid="play"
        aria-pressed={playing}
      >
        {playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <button
        type="button"
        onClick={() => st().stepNext()}
        data-testid="step"
        title="To the start of the next recovery step"
      >
        Next step ›
      </button>
      <button type="button" onClick={() => st().restart()} data-testid="restart">
        « Restart
      </button>
      <label className="speed">
        Speed{' '}
        <input
          type="range"
          min={LOG_MIN}
          max={LOG_MAX}
          step={0.01}
          value={Math.log10(speed)}
          onChange={(e) => st().setSpeed(10 ** Number(e.target.value))}
          aria-valuetext={formatSpeed(speed)}
          data-testid="speed"
        />{' '}
        <output data-testid="speed-value">{formatSpeed(speed)}</output>
      </label>
      <label className="seek">
        <span className="visually-hidden">Position</span>
        <input
          type="range"
          min={0}
          max={duration}
          step={0.001}
          value={Math.min(cursor, duration)}
          onChange={(e) => st().seek(Number(e.target.value))}
          aria-valuetext={`${cursor.toFixed(3)} seconds`}
          data-testid="seek"
        />
      </label>
      <form
        className="goto"
        onSubmit={(e) => {
          e.preventDefault();
          const input = e.currentTarget.elements.namedItem('t') as HTMLInputElement;
          const t = Number(input.value);
          if (input.value.trim() === '' || !Number.isFinite(t) || t < 0) {
            input.setCustomValidity('a time in seconds, 0 or more');
            input.reportValidity();
            return;
          }
          input.setCustomValidity('');
          st().seek(t);
        }}
      >
        <label>
          Go to{' '}
          <input
            name="t"
            size={7}
            inputMode="decimal"
            placeholder="s"
            data-testid="goto"
            onInput={(e) => e.currentTarget.setCustomValidity('')}
          />
        </label>
      </form>
      <span className="clock" data-testid="clock" data-t={cursor.toFixed(6)}>
        {cursor.toFixed(2)} s <span className="of">/ {duration.toFixed(0)} s</span>
        {waiting ? <span className="waiting"> (simulating…)</span> : null}
      </span>
      {summary ? (
        <p
          className="summary-note"
          data-testid="summary-note"
          data-until={summary.until}
          data-bin={summary.bin}
          data-in={cursor <= summary.until ? 'yes' : 'no'}
        >
          A long run: the page keeps its I/O in full detail after {summary.until.toFixed(1)} s and
          as sums over {formatBin(summary.bin)} before it. Device states, what blocks them and the
          steps are exact throughout.
          {cursor <= summary.until
            ? ` At the cursor, I/O rates are averages over ${formatBin(summary.bin)}.`
            : ''}
        </p>
      ) : null}
    </section>
  );
}
