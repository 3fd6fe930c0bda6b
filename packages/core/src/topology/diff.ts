import type { AlgorithmName } from '../placement/placement.ts';
import { canonicalJson } from './json-value.ts';
import { redactUrl } from './node-url.ts';
import type { Topology, TopologyNode } from './topology.ts';

export interface Change<T> {
  readonly from: T;
  readonly to: T;
}

export interface NodeChange<T> extends Change<T> {
  readonly id: string;
}

/** What changes from topology `a` to `b`, for a human to review before applying it. */
export interface TopologyDiff {
  readonly epoch: Change<number>;
  /** A renamed cluster is another cluster: its key and channel names differ. */
  readonly cluster: Change<string> | undefined;
  readonly algorithm: Change<AlgorithmName> | undefined;
  readonly hash: Change<string> | undefined;
  readonly hashTags: Change<boolean> | undefined;
  /** The seed is secret: the diff says that it changes, never what it is. */
  readonly hashSeedChanged: boolean;
  /** Names of the `params` members added, removed or changed, sorted. */
  readonly params: readonly string[];
  /** In `b`'s order. */
  readonly added: readonly TopologyNode[];
  /** In `a`'s order. */
  readonly removed: readonly TopologyNode[];
  readonly reweighted: readonly NodeChange<number>[];
  /** Nodes whose url changed: the same id served from another address. */
  readonly readdressed: readonly NodeChange<string>[];
  /** Nodes kept by both sides appear in another relative order (it moves keys for jump, modulo and slots). */
  readonly reordered: boolean;
  /** The pin set changes (its count on each side; 0 for none). Pinned keys and tags move. */
  readonly pins: Change<number> | undefined;
  /** Why almost every key would change node; empty for an incremental change. */
  readonly remapsMostKeys: readonly string[];
  /** Nothing but the epoch differs. */
  readonly unchanged: boolean;
}

export function diffTopology(a: Topology, b: Topology): TopologyDiff {
  const before = new Map(a.nodes.map((node) => [node.id, node]));
  const after = new Map(b.nodes.map((node) => [node.id, node]));
  const reweighted: NodeChange<number>[] = [];
  const readdressed: NodeChange<string>[] = [];
  for (const node of b.nodes) {
    const old = before.get(node.id);
    if (old === undefined) continue;
    if (old.weight !== node.weight) reweighted.push({ id: node.id, from: old.weight, to: node.weight });
    if (old.url !== node.url) readdressed.push({ id: node.id, from: old.url, to: node.url });
  }
  const keptBefore = a.nodes.filter((node) => after.has(node.id)).map((node) => node.id);
  const keptAfter = b.nodes.filter((node) => before.has(node.id)).map((node) => node.id);
  const diff = {
    epoch: { from: a.epoch, to: b.epoch },
    cluster: change(a.cluster, b.cluster),
    algorithm: change(a.algorithm, b.algorithm),
    hash: change(a.hash, b.hash),
    hashTags: change(a.hashTags, b.hashTags),
    hashSeedChanged: a.hashSeed !== b.hashSeed,
    params: changedParams(a, b),
    added: b.nodes.filter((node) => !before.has(node.id)),
    removed: a.nodes.filter((node) => !after.has(node.id)),
    reweighted,
    readdressed,
    reordered: keptBefore.some((id, i) => keptAfter[i] !== id),
    pins: a.pins?.digest === b.pins?.digest ? undefined : { from: a.pins?.count ?? 0, to: b.pins?.count ?? 0 },
    remapsMostKeys: remapReasons(a, b),
  };
  const unchanged = diff.cluster === undefined && diff.algorithm === undefined && diff.hash === undefined
    && diff.hashTags === undefined && !diff.hashSeedChanged && diff.params.length === 0 && diff.added.length === 0
    && diff.removed.length === 0 && reweighted.length === 0 && readdressed.length === 0 && !diff.reordered
    && diff.pins === undefined;
  return { ...diff, unchanged };
}

function change<T>(from: T, to: T): Change<T> | undefined {
  return from === to ? undefined : { from, to };
}

function changedParams(a: Topology, b: Topology): string[] {
  const names = new Set([...Object.keys(a.params), ...Object.keys(b.params)]);
  return [...names].filter((name) => {
    const x = a.params[name];
    const y = b.params[name];
    return x === undefined || y === undefined || canonicalJson(x) !== canonicalJson(y);
  }).sort();
}

function remapReasons(a: Topology, b: Topology): string[] {
  const reasons: string[] = [];
  if (a.algorithm !== b.algorithm) reasons.push(`the algorithm changes from ${a.algorithm} to ${b.algorithm}`);
  if (a.hash !== b.hash) reasons.push(`the hash changes from ${a.hash} to ${b.hash}`);
  if (a.hashTags !== b.hashTags) reasons.push(`hash tags are turned ${b.hashTags ? 'on' : 'off'}`);
  if (a.hashSeed !== b.hashSeed) reasons.push('the hash seed changes');
  // Modulo is the one algorithm whose every key moves when the node count does.
  if (a.algorithm === 'modulo' && b.algorithm === 'modulo' && a.nodes.length !== b.nodes.length) {
    reasons.push(`modulo placement goes from ${a.nodes.length} to ${b.nodes.length} nodes`);
  }
  return reasons;
}

/** The diff as lines for a terminal or a log; urls pass through `redactUrl`, the seed is never shown. */
export function describeTopologyDiff(diff: TopologyDiff): string[] {
  const lines: string[] = [`epoch ${diff.epoch.from} → ${diff.epoch.to}`];
  if (diff.epoch.to <= diff.epoch.from) lines.push('! the epoch does not advance: clients would ignore this topology');
  if (diff.cluster !== undefined) lines.push(`! cluster ${diff.cluster.from} → ${diff.cluster.to}: another cluster (key and channel names change)`);
  for (const reason of diff.remapsMostKeys) lines.push(`! ${reason}: almost every key moves`);
  for (const node of diff.added) lines.push(`+ node ${node.id} at ${redactUrl(node.url)}, weight ${node.weight}`);
  for (const node of diff.removed) lines.push(`- node ${node.id} at ${redactUrl(node.url)}, weight ${node.weight}`);
  for (const node of diff.reweighted) lines.push(`~ node ${node.id} weight ${node.from} → ${node.to}`);
  for (const node of diff.readdressed) lines.push(`~ node ${node.id} address ${redactUrl(node.from)} → ${redactUrl(node.to)}`);
  if (diff.reordered) lines.push('~ node order changes');
  if (diff.params.length > 0) lines.push(`~ params change: ${diff.params.join(', ')}`);
  if (diff.pins !== undefined) lines.push(`~ pins change: ${diff.pins.from} → ${diff.pins.to} pinned keys or tags`);
  if (diff.unchanged) lines.push('no change');
  return lines;
}
