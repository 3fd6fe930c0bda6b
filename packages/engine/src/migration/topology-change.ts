import { InvalidArgumentError, pinned, topologyPlacement, validateTopology, type Hasher, type Pins, type Topology, type TopologyPins } from '@shardis/core';

/** An operator's change: the nodes to add (with their address), remove, or reweight. */
export interface TopologyChange {
  readonly add?: ReadonlyArray<{ readonly id: string; readonly url: string; readonly weight?: number }>;
  readonly remove?: readonly string[];
  readonly weights?: Readonly<Record<string, number>>;
}

/**
 * The topology after a change, at the next epoch. The algorithm computes the new placement state
 * (ring points, memento's removed buckets, the slot table…) and the node list; addresses come
 * from the current topology and the change. The pins stay as they are. Bad input throws a typed
 * error; nothing is written. Given the current `pins`, removing a node they point at throws
 * `NodeHasPinsError` listing them.
 */
export function nextTopology(current: Topology, change: TopologyChange, hashers?: readonly Hasher[], pins?: Pins): Topology {
  const placement = pins === undefined || pins.size === 0 ? topologyPlacement(current, hashers) : pinned(topologyPlacement(current, hashers), pins);
  const urls = new Map(current.nodes.map((node) => [node.id, node.url]));
  for (const [i, node] of (change.add ?? []).entries()) {
    if (node === null || typeof node !== 'object' || typeof node.url !== 'string') throw new InvalidArgumentError(`change.add[${i}].url`, 'each added node needs a url');
    urls.set(node.id, node.url);
  }
  const next = placement.with({
    ...(change.add === undefined ? {} : { add: change.add.map((node) => (node.weight === undefined ? { id: node.id } : { id: node.id, weight: node.weight })) }),
    ...(change.remove === undefined ? {} : { remove: change.remove }),
    ...(change.weights === undefined ? {} : { weights: change.weights }),
  });
  const spec = next.toSpec();
  const candidate = {
    version: current.version,
    cluster: current.cluster,
    epoch: current.epoch + 1,
    algorithm: spec.algorithm,
    hash: spec.hash,
    hashTags: spec.hashTags,
    ...(spec.hashSeed === undefined ? {} : { hashSeed: spec.hashSeed }),
    params: spec.params,
    nodes: spec.nodes.map((node) => ({ id: node.id, url: urls.get(node.id)!, weight: node.weight })),
    ...(current.pins === undefined ? {} : { pins: current.pins }),
  };
  return validateTopology(candidate, hashers === undefined ? {} : { hashers });
}

/** The same placement at the next epoch with another pin set (`undefined`: none). */
export function withPinSet(topology: Topology, pins: TopologyPins | undefined, hashers?: readonly Hasher[]): Topology {
  const { pins: _old, ...rest } = topology;
  const candidate = { ...rest, epoch: topology.epoch + 1, nodes: topology.nodes.map((node) => ({ ...node })), params: JSON.parse(JSON.stringify(topology.params)) as unknown };
  return validateTopology(pins === undefined ? candidate : { ...candidate, pins }, hashers === undefined ? {} : { hashers });
}

/** The same placement at another epoch (a rollback is published as a new epoch). */
export function atEpoch(topology: Topology, epoch: number, hashers?: readonly Hasher[]): Topology {
  return validateTopology({ ...topology, epoch, nodes: topology.nodes.map((node) => ({ ...node })), params: JSON.parse(JSON.stringify(topology.params)) as unknown }, hashers === undefined ? {} : { hashers });
}
