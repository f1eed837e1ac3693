import { describe, expect, it } from 'vitest';
import { topologyOf } from '../../playback/topology';
import { LANE_SIZES, MANY_LUNS, laneForNode, layoutLanes, targetFolded } from './layout';

const luns = (host: string, targets: number, per: number): string[] =>
  Array.from({ length: targets * per }, (_, i) => `${host}:0:${Math.floor(i / per)}:${i % per}`);

const topo = topologyOf({
  hosts: [
    { id: '0', driver: 'a' },
    { id: '1', driver: 'b' },
  ],
  luns: [...luns('0', 2, 2), ...luns('1', 1, 3)],
});

describe('layoutLanes', () => {
  it('orders host, then each target and its LUNs', () => {
    const { lanes } = layoutLanes(topo, new Map(), {});
    expect(lanes.map((l) => l.key)).toEqual([
      'host:0',
      'target:0:0:0',
      'lun:0:0:0:0',
      'lun:0:0:0:1',
      'target:0:0:1',
      'lun:0:0:1:0',
      'lun:0:0:1:1',
      'host:1',
      'target:1:0:0',
      'lun:1:0:0:0',
      'lun:1:0:0:1',
      'lun:1:0:0:2',
    ]);
    expect(lanes[0]?.label).toBe('host 0');
    expect(lanes[1]?.label).toBe('target 0:0:0');
    expect(lanes[2]?.label).toBe('LUN 0:0:0:0');
  });

  it('stacks lanes without gaps inside a host, with sub-rows for overlapping steps', () => {
    const { lanes, height } = layoutLanes(topo, new Map([['0:0:0', 2]]), {});
    const [host, target, lun] = lanes;
    expect(host?.y).toBe(0);
    expect(host?.height).toBe(LANE_SIZES.row);
    expect(target?.y).toBe(LANE_SIZES.row);
    expect(target?.rows).toBe(2);
    expect(target?.height).toBe(2 * LANE_SIZES.row);
    expect(lun?.y).toBe(3 * LANE_SIZES.row);
    expect(lun?.height).toBe(LANE_SIZES.lun);
    const host1 = lanes.find((l) => l.key === 'host:1');
    const prev = lanes[lanes.indexOf(host1!) - 1]!;
    expect(host1!.y).toBe(prev.y + prev.height + LANE_SIZES.hostGap);
    const last = lanes[lanes.length - 1]!;
    expect(height).toBe(last.y + last.height);
  });

  it('hides the LUNs of a folded target and says so', () => {
    const { lanes, byId } = layoutLanes(topo, new Map(), { '0:0:1': true });
    expect(lanes.some((l) => l.key === 'lun:0:0:1:0')).toBe(false);
    expect(byId.get('0:0:1')?.expanded).toBe(false);
    expect(byId.get('0:0:1')?.luns).toBe(2);
    expect(byId.get('0:0:0')?.expanded).toBe(true);
  });

  it('finds the lane of a hidden LUN on its target', () => {
    const layout = layoutLanes(topo, new Map(), { '0:0:1': true });
    expect(laneForNode(layout, topo, '0:0:1:1')?.key).toBe('target:0:0:1');
    expect(laneForNode(layout, topo, '0:0:0:1')?.key).toBe('lun:0:0:0:1');
    expect(laneForNode(layout, topo, '1')?.key).toBe('host:1');
    expect(laneForNode(layout, topo, '1:0')?.key).toBe('host:1');
  });
});

describe('targetFolded', () => {
  it('folds what `collapsed` lists up to MANY_LUNS LUNs', () => {
    expect(targetFolded('0:0:1', {}, MANY_LUNS)).toBe(false);
    expect(targetFolded('0:0:1', { '0:0:1': true }, MANY_LUNS)).toBe(true);
  });

  it('above MANY_LUNS folds every target but those `collapsed` lists', () => {
    expect(targetFolded('0:0:1', {}, MANY_LUNS + 1)).toBe(true);
    expect(targetFolded('0:0:1', { '0:0:1': true }, MANY_LUNS + 1)).toBe(false);
    const big = topologyOf({ hosts: [{ id: '0', driver: 'a' }], luns: luns('0', 4, 20) });
    const { lanes } = layoutLanes(big, new Map(), { '0:0:2': true });
    expect(lanes.filter((l) => l.kind === 'lun').map((l) => l.target)).toEqual(
      Array(20).fill('0:0:2'),
    );
    expect(lanes.filter((l) => l.kind === 'target')).toHaveLength(4);
  });
});
