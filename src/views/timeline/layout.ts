// The timeline's lanes, top to bottom: each host, then each of its targets followed by the
// target's LUNs unless the target is folded.
import type { NodeId } from '../../engine';
import type { Topology } from '../../playback/topology';
import { laneLabel } from './format';

export type LaneKind = 'host' | 'target' | 'lun';

export interface Lane {
  /** "host:0", "target:0:0:1", "lun:0:0:1:2" (the lane's data-lane) */
  key: string;
  kind: LaneKind;
  id: NodeId;
  label: string;
  y: number;
  height: number;
  /** sub-rows of step bars (host and target lanes) */
  rows: number;
  /** targets: whether its LUN lanes are shown */
  expanded?: boolean;
  /** targets: how many LUNs it has */
  luns?: number;
  /** LUNs: its target */
  target?: NodeId;
}

export interface LaneSizes {
  /** height of one sub-row of step bars in a host or target lane */
  row: number;
  lun: number;
  /** space before each host lane but the first */
  hostGap: number;
}

export const LANE_SIZES: LaneSizes = { row: 20, lun: 16, hostGap: 6 };

/** Above this many LUNs in the run, targets start folded. */
export const MANY_LUNS = 64;

/**
 * Whether a target's LUN lanes are folded away. Up to MANY_LUNS LUNs, `collapsed` lists the
 * targets the user folded; above it every target starts folded and `collapsed` lists the
 * ones the user opened (the store's toggleTarget flips the entry either way).
 */
export function targetFolded(
  target: NodeId,
  collapsed: Readonly<Record<NodeId, true>>,
  lunCount: number,
): boolean {
  const flagged = collapsed[target] === true;
  return lunCount > MANY_LUNS ? !flagged : flagged;
}

export interface LaneLayout {
  lanes: Lane[];
  height: number;
  /** lane of each node: hosts, targets and the LUNs that are shown */
  byId: Map<NodeId, Lane>;
}

export function layoutLanes(
  topo: Topology,
  laneRows: ReadonlyMap<NodeId, number>,
  collapsed: Readonly<Record<NodeId, true>>,
  sizes: LaneSizes = LANE_SIZES,
): LaneLayout {
  const lanes: Lane[] = [];
  const byId = new Map<NodeId, Lane>();
  let y = 0;
  const push = (lane: Omit<Lane, 'y'>): void => {
    const l: Lane = { ...lane, y };
    lanes.push(l);
    byId.set(l.id, l);
    y += l.height;
  };
  const lunCount = topo.luns.length;
  topo.hosts.forEach((host, hi) => {
    if (hi > 0) y += sizes.hostGap;
    const hostRows = Math.max(1, laneRows.get(host.id) ?? 0);
    push({
      key: `host:${host.id}`,
      kind: 'host',
      id: host.id,
      label: laneLabel.host(host.id),
      height: hostRows * sizes.row,
      rows: hostRows,
    });
    for (const channel of host.channels)
      for (const target of channel.targets) {
        const rows = Math.max(1, laneRows.get(target.id) ?? 0);
        const folded = targetFolded(target.id, collapsed, lunCount);
        push({
          key: `target:${target.id}`,
          kind: 'target',
          id: target.id,
          label: laneLabel.target(target.id),
          height: rows * sizes.row,
          rows,
          expanded: !folded,
          luns: target.luns.length,
        });
        if (folded) continue;
        for (const lun of target.luns)
          push({
            key: `lun:${lun}`,
            kind: 'lun',
            id: lun,
            label: laneLabel.lun(lun),
            height: sizes.lun,
            rows: 1,
            target: target.id,
          });
      }
  });
  return { lanes, height: y, byId };
}

/**
 * The lane a LUN's marks go on: its own, or its target's when folded, or null. Nodes other
 * than LUNs go on their own lane, or their host's.
 */
export function laneForNode(layout: LaneLayout, topo: Topology, id: NodeId): Lane | null {
  const own = layout.byId.get(id);
  if (own) return own;
  const target = topo.targetOf.get(id);
  if (target) {
    const t = layout.byId.get(target);
    if (t) return t;
  }
  const host = topo.hostOf.get(id) ?? id.split(':')[0];
  return (host !== undefined && layout.byId.get(host)) || null;
}
