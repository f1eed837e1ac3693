// The host -> channel -> target -> LUN tree of a run, read from its run-start transition
// (so that an imported kernel trace gets its tree the same way as a simulated run).
import type { NodeId, RunStart } from '../engine';

export interface TargetNode {
  id: NodeId; // H:C:T
  host: NodeId;
  channel: NodeId; // H:C
  luns: NodeId[];
}
export interface ChannelNode {
  id: NodeId;
  host: NodeId;
  targets: TargetNode[];
}
export interface HostNode {
  id: NodeId;
  driver: string;
  channels: ChannelNode[];
  luns: NodeId[];
}
export interface Topology {
  hosts: HostNode[];
  targets: TargetNode[];
  luns: NodeId[];
  lunIndex: Map<NodeId, number>;
  targetOf: Map<NodeId, NodeId>;
  hostOf: Map<NodeId, NodeId>;
}

/** "0:0:1:3" -> "0:0:1"; "0:0:1" -> "0:0"; "0:0" -> "0". */
export const parentOf = (id: NodeId): NodeId => id.slice(0, Math.max(0, id.lastIndexOf(':')));

export function topologyOf(start: Pick<RunStart, 'hosts' | 'luns'>): Topology {
  const hosts = new Map<NodeId, HostNode>();
  const channels = new Map<NodeId, ChannelNode>();
  const targets = new Map<NodeId, TargetNode>();
  const targetOf = new Map<NodeId, NodeId>();
  const hostOf = new Map<NodeId, NodeId>();
  for (const h of start.hosts)
    hosts.set(h.id, { id: h.id, driver: h.driver, channels: [], luns: [] });
  start.luns.forEach((lun) => {
    const tid = parentOf(lun);
    const cid = parentOf(tid);
    const hid = parentOf(cid);
    let host = hosts.get(hid);
    if (!host) {
      host = { id: hid, driver: '?', channels: [], luns: [] };
      hosts.set(hid, host);
    }
    let channel = channels.get(cid);
    if (!channel) {
      channel = { id: cid, host: hid, targets: [] };
      channels.set(cid, channel);
      host.channels.push(channel);
    }
    let target = targets.get(tid);
    if (!target) {
      target = { id: tid, host: hid, channel: cid, luns: [] };
      targets.set(tid, target);
      channel.targets.push(target);
    }
    target.luns.push(lun);
    host.luns.push(lun);
    targetOf.set(lun, tid);
    hostOf.set(lun, hid);
    hostOf.set(tid, hid);
  });
  return {
    hosts: [...hosts.values()],
    targets: [...targets.values()],
    luns: [...start.luns],
    lunIndex: new Map(start.luns.map((l, i) => [l, i])),
    targetOf,
    hostOf,
  };
}

/** The lane a node's steps are drawn on: a host's own, or the target of a target or LUN. */
export function laneOf(topo: Topology, on: NodeId): NodeId {
  const depth = on.split(':').length;
  if (depth >= 4) return topo.targetOf.get(on) ?? parentOf(on);
  if (depth === 3) return on;
  if (depth === 2) return parentOf(on);
  return on;
}
