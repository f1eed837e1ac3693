// The host -> channel -> target -> LUN tree at the cursor. Each node selects its own slice
// of the store's view, which keeps a node's object while its drawing is unchanged, so only
// the nodes that changed render again. The blocked region is an overlay on the node that is
// recovering: the whole host, one target, or one LUN.
import { createContext, memo, useContext } from 'react';
import {
  driverProfile,
  type Scenario,
  type BlockScope,
  type DeviceState,
  type FaultKind,
  type NodeId,
  type StepKind,
} from '../../engine';
import { STEP_LABEL } from '../../explain/steps';
import type { ActiveStep, LunView, PlaybackView } from '../../playback/projection';
import type { ChannelNode, HostNode, TargetNode, Topology } from '../../playback/topology';
import { useSim } from '../../store';

export type Density = 'full' | 'small' | 'compact';

/** What the tree reads: the page's store, or another run's (the compare view's columns). */
export interface TreeState {
  view: PlaybackView | null;
  topology: Topology | null;
  scenario: Scenario | null;
  selectedLun: NodeId | null;
}
/** A hook selecting from a TreeState (like useSim, which is the default). */
export type TreeSource = <T>(selector: (s: TreeState) => T) => T;

const SourceContext = createContext<TreeSource>(useSim);

export function densityFor(luns: number): Density {
  if (luns <= 64) return 'full';
  if (luns <= 256) return 'small';
  return 'compact';
}

function StepTag({ steps }: { steps: readonly ActiveStep[] }) {
  const s = steps[0];
  if (!s) return null;
  return (
    <span
      className="step-tag"
      data-testid="step-tag"
      data-step={s.step}
      data-scope={s.scope ?? 'none'}
      title={`${STEP_LABEL[s.step]} (${s.fn})${s.detail ? `: ${s.detail}` : ''}`}
    >
      {STEP_LABEL[s.step]}
      {steps.length > 1 ? ` +${steps.length - 1}` : ''}
    </span>
  );
}

const QUEUE_DOTS = 6;

/** What a small or compact cell draws, as a string that compares by value. */
function briefOf(l: LunView | undefined): string {
  if (!l) return '';
  // each of 256 or 1024 cells runs this at every change of the store: no array on the way
  const faults = l.faults.length === 0 ? '' : l.faults.join(',');
  return `${l.state}|${l.blockedBy ?? ''}|${l.failing ? 1 : 0}|${l.step?.step ?? ''}|${faults}`;
}

function unbrief(s: string): {
  state: DeviceState;
  by: BlockScope | null;
  failing: boolean;
  step: StepKind | null;
  faults: FaultKind[];
} | null {
  if (!s) return null;
  const [state, by, failing, step, faults] = s.split('|');
  return {
    state: state as DeviceState,
    by: by ? (by as BlockScope) : null,
    failing: failing === '1',
    step: step ? (step as StepKind) : null,
    faults: faults ? (faults.split(',') as FaultKind[]) : [],
  };
}

const Lun = memo(function Lun({
  id,
  index,
  density,
  onOpen,
}: {
  id: NodeId;
  index: number;
  density: Density;
  onOpen: (lun: NodeId, el: HTMLElement) => void;
}) {
  const useTree = useContext(SourceContext);
  // A full cell draws the LUN's I/O; a small or compact one only its state, so it selects a
  // short string that stays equal while the state does (1024 cells would otherwise all
  // render again on every tick of I/O).
  const full = density === 'full';
  const v = useTree((s) => (full ? s.view?.luns[index] : undefined));
  const brief = useTree((s) => (full ? '' : briefOf(s.view?.luns[index])));
  const b = full ? null : unbrief(brief);
  const selected = useTree((s) => s.selectedLun === id);
  const lunNo = id.slice(id.lastIndexOf(':') + 1);
  const state = v?.state ?? b?.state ?? 'running';
  const by = v?.blockedBy ?? b?.by ?? null;
  const rate = v?.rate ?? 0;
  const step = v?.step?.step ?? b?.step ?? null;
  const faults = v?.faults ?? b?.faults ?? [];
  const failing = v?.failing ?? b?.failing ?? false;
  const level = full
    ? rate <= 0
      ? 0
      : rate < 10
        ? 1
        : rate < 40
          ? 2
          : 3
    : state === 'running'
      ? 1
      : 0;
  const label =
    // the name starts with what the cell shows ("LUN 2 40/s", or "2" when small)
    // (and the step named on it: "LUN 2 0/s abort")
    (full
      ? `LUN ${lunNo} ${rate.toFixed(0)}/s${v && v.eio > 0 ? ` · ${v.eio} EIO` : ''}` +
        (v?.step ? ` ${STEP_LABEL[v.step.step]}` : '')
      : `LUN ${lunNo}`) +
    ` (${id}): ${state}` +
    (by ? `, blocked by ${by} recovery` : '') +
    (step && !(full && v?.step) ? `, ${STEP_LABEL[step]} in progress` : '') +
    (faults.length ? `, faults: ${faults.join(', ')}` : '') +
    '. Press to inject a fault.';
  return (
    <button
      type="button"
      className="node lun"
      data-testid={`lun-${id}`}
      data-lun={id}
      data-state={state}
      data-blocked-by={by ?? ''}
      data-failing={failing ? 'true' : 'false'}
      data-io={level}
      data-pulse={v?.pulse ? 'on' : 'off'}
      data-selected={selected ? 'true' : undefined}
      aria-label={label}
      title={label}
      onClick={(e) => onOpen(id, e.currentTarget)}
    >
      {density !== 'compact' && (
        <span className="lun-name">{density === 'full' ? `LUN ${lunNo}` : lunNo}</span>
      )}
      {density === 'full' ? ' ' : null}
      {density === 'full' && (
        <>
          <span className="queue" aria-hidden="true" data-queue={v?.outstanding ?? 0}>
            {Array.from({ length: Math.min(QUEUE_DOTS, v?.outstanding ?? 0) }, (_, i) => (
              <i key={i} />
            ))}
            {(v?.outstanding ?? 0) > QUEUE_DOTS ? `+${(v?.outstanding ?? 0) - QUEUE_DOTS}` : ''}
          </span>
          <span className="io" aria-hidden="true">
            <span className="io-bar" />
          </span>
          <span className="lun-figures" aria-hidden="true">
            {rate.toFixed(0)}/s
            {v && v.eio > 0 ? <span className="eio"> · {v.eio} EIO</span> : null}
          </span>
          {/* named in the button's label already */}
          {v?.step ? ' ' : null}
          {v?.step ? (
            <span aria-hidden="true">
              <StepTag steps={[v.step]} />
            </span>
          ) : null}
          {v?.faults.length ? ' ' : null}
          {v?.faults.length ? (
            <span className="fault-badge" title={v.faults.join(', ')} aria-hidden="true">
              ⚡
            </span>
          ) : null}
        </>
      )}
      {/* A full cell keeps its overlay to fade it in and out; a small or compact one has it
          only while its LUN's own recovery blocks it: 256 or 1024 overlays, each a positioned
          layer of its own, made every frame that painted anything paint and layerize them
          all (about 6 ms a frame with 1024 LUNs). */}
      {full || by === 'lun' ? (
        <span
          className="node-overlay"
          data-scope="lun"
          data-active={by === 'lun' ? 'true' : 'false'}
        />
      ) : null}
    </button>
  );
});

const Target = memo(function Target({
  target,
  topology,
  density,
  onOpen,
}: {
  target: TargetNode;
  topology: Topology;
  density: Density;
  onOpen: (lun: NodeId, el: HTMLElement) => void;
}) {
  const useTree = useContext(SourceContext);
  const v = useTree((s) => s.view?.targets.get(target.id));
  const tid = target.id.slice(target.id.lastIndexOf(':') + 1);
  return (
    <div
      className="node target"
      data-testid={`target-${target.id}`}
      data-node={target.id}
      data-blocked={v?.blocked ? 'true' : 'false'}
      role="group"
      aria-label={`target ${target.id}${v?.blocked ? ', blocked by target recovery' : ''}`}
    >
      <div className="node-head">
        <span className="node-name">{density === 'compact' ? tid : `target ${tid}`}</span>
        {v?.steps.length ? <StepTag steps={v.steps} /> : null}
      </div>
      <div className="luns">
        {target.luns.map((l) => (
          <Lun key={l} id={l} index={topology.lunIndex.get(l)!} density={density} onOpen={onOpen} />
        ))}
      </div>
      <span
        className="node-overlay"
        data-scope="target"
        data-active={v?.blocked ? 'true' : 'false'}
      />
    </div>
  );
});

function Channel({
  channel,
  topology,
  density,
  onOpen,
}: {
  channel: ChannelNode;
  topology: Topology;
  density: Density;
  onOpen: (lun: NodeId, el: HTMLElement) => void;
}) {
  const useTree = useContext(SourceContext);
  const v = useTree((s) => s.view?.channels.get(channel.id));
  return (
    <div className="node channel" data-testid={`channel-${channel.id}`} data-node={channel.id}>
      <div className="node-head">
        <span className="node-name">
          channel {channel.id.slice(channel.id.lastIndexOf(':') + 1)}
        </span>
        {v?.steps.length ? <StepTag steps={v.steps} /> : null}
      </div>
      <div className="targets">
        {channel.targets.map((t) => (
          <Target key={t.id} target={t} topology={topology} density={density} onOpen={onOpen} />
        ))}
      </div>
    </div>
  );
}

function Host({
  host,
  topology,
  density,
  scope,
  onOpen,
}: {
  host: HostNode;
  topology: Topology;
  density: Density;
  scope: string;
  onOpen: (lun: NodeId, el: HTMLElement) => void;
}) {
  const useTree = useContext(SourceContext);
  const v = useTree((s) => s.view?.hosts.get(host.id));
  return (
    <section
      className="node host"
      data-testid={`host-${host.id}`}
      data-node={host.id}
      data-state={v?.state ?? 'running'}
      data-blocked={v?.blocked ? 'true' : 'false'}
      aria-label={`host ${host.id}, ${host.driver}, ${scope} scope${v?.state === 'recovery' ? ', in recovery' : ''}`}
    >
      <div className="node-head">
        <span className="node-name">
          host {host.id} <span className="driver">{host.driver}</span>{' '}
          <span className="scope-name">{scope} scope</span>
        </span>
        {v?.state === 'recovery' ? <span className="host-state">SHOST_RECOVERY</span> : null}
        {v?.steps.length ? <StepTag steps={v.steps} /> : null}
      </div>
      {host.channels.map((c) => (
        <Channel key={c.id} channel={c} topology={topology} density={density} onOpen={onOpen} />
      ))}
      <span
        className="node-overlay"
        data-scope="host"
        data-active={v?.blocked ? 'true' : 'false'}
      />
    </section>
  );
}

export function Tree({
  onOpen,
  source = useSim,
  density: fixed,
  testId = 'tree',
  label = 'Host, targets and LUNs',
}: {
  onOpen: (lun: NodeId, el: HTMLElement) => void;
  /** where the tree reads its run; default: the page's store */
  source?: TreeSource;
  /** the cells' size; default: by the number of LUNs */
  density?: Density;
  testId?: string;
  label?: string;
}) {
  const useSource = source;
  const topology = useSource((s) => s.topology);
  const scenario = useSource((s) => s.scenario);
  if (!topology)
    return (
      <div className="tree empty" data-testid={testId}>
        Simulating…
      </div>
    );
  const density = fixed ?? densityFor(topology.luns.length);
  return (
    <SourceContext.Provider value={source}>
      <div className="tree" data-testid={testId} data-density={density} aria-label={label}>
        {topology.hosts.map((h, i) => {
          const spec = scenario?.hosts[i];
          const scope = spec ? (spec.scope ?? driverProfile(spec.driver).defaultScope) : 'host';
          return (
            <Host
              key={h.id}
              host={h}
              topology={topology}
              density={density}
              scope={scope}
              onOpen={onOpen}
            />
          );
        })}
      </div>
    </SourceContext.Provider>
  );
}
