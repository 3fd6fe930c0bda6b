import { describeTopologyDiff, diffTopology, redactUrl, type Topology } from '@shardis/core';
import { redactState, type ClusterState, type ClusterStatus } from '@shardis/engine';
import { bar, formatBytes, formatCount, formatDuration, formatPercent, table } from './format.ts';
import type { Output } from './io.ts';
import type { Probe, Refusal } from './session.ts';

export type NodeRole = 'member' | 'joining' | 'leaving';

export interface StatusDocument {
  readonly cluster: string;
  readonly revision: number;
  readonly mode: ClusterState['mode'];
  readonly epoch: number;
  readonly fromEpoch?: number;
  readonly updatedAt: string;
  readonly algorithm: string;
  readonly hash: string;
  readonly hashTags: boolean;
  readonly change: readonly string[];
  readonly nodes: ReadonlyArray<{ id: string; url: string; weight: number; role: NodeRole; reachable: boolean; keys?: number; usedMemory?: number; error?: string }>;
  readonly clients: ReadonlyArray<{ id: string; revision: number; current: boolean }>;
  readonly progress: ReadonlyArray<{ node: string; moved: number; bytes: number; scanned: number; done: boolean; fraction: number }>;
  /** The pin set of the target topology (and of the source while it differs). */
  readonly pins: { readonly count: number; readonly digest: string | null; readonly source?: { readonly count: number; readonly digest: string | null } };
  /** Key ids only: which key signed the state in force, and which this command holds (the first signs). */
  readonly signing: { readonly state: string | null; readonly keys: readonly string[]; readonly verified: boolean };
  /** Nodes whose state was refused, and why. */
  readonly refused: readonly Refusal[];
  readonly topology: Topology;
  readonly source?: Topology;
}

function roleOf(state: ClusterState, id: string): NodeRole {
  if (state.source === undefined) return 'member';
  const inTarget = state.topology.nodes.some((node) => node.id === id);
  const inSource = state.source.nodes.some((node) => node.id === id);
  return inTarget && inSource ? 'member' : inTarget ? 'joining' : 'leaving';
}

const pinsOf = (topology: Topology) => ({ count: topology.pins?.count ?? 0, digest: topology.pins?.digest ?? null });

/** The status as one document: everything redacted (urls, hash seed, keys: ids only). */
export function statusDocument(status: ClusterStatus, security: { signedBy: string | undefined; keyIds: readonly string[]; refused: readonly Refusal[] }): StatusDocument {
  const state = redactState(status.state);
  const weights = new Map([...(state.source?.nodes ?? []), ...state.topology.nodes].map((node) => [node.id, node.weight]));
  const keysOn = new Map(status.nodes.map((node) => [node.id, node.keys]));
  return {
    cluster: state.topology.cluster,
    revision: state.revision,
    mode: state.mode,
    epoch: state.topology.epoch,
    ...(state.source === undefined ? {} : { fromEpoch: state.source.epoch }),
    updatedAt: new Date(state.updatedAt).toISOString(),
    algorithm: state.topology.algorithm,
    hash: state.topology.hash,
    hashTags: state.topology.hashTags,
    change: state.source === undefined ? [] : describeTopologyDiff(diffTopology(state.source, state.topology)),
    nodes: status.nodes.map((node) => ({
      id: node.id,
      url: redactUrl(node.url),
      weight: weights.get(node.id) ?? 0,
      role: roleOf(state, node.id),
      reachable: node.reachable,
      ...(node.keys === undefined ? {} : { keys: node.keys }),
      ...(node.usedMemory === undefined ? {} : { usedMemory: node.usedMemory }),
      ...(node.error === undefined ? {} : { error: node.error }),
    })),
    clients: [...status.clients].map(([id, revision]) => ({ id, revision, current: revision >= state.revision })).sort((a, b) => a.id.localeCompare(b.id)),
    progress: status.progress.map((source) => {
      // SCAN visits every key once: the keys still there plus those already moved off.
      const total = (keysOn.get(source.node) ?? 0) + source.moved;
      const fraction = source.done ? 1 : total <= 0 ? 0 : Math.min(0.99, source.scanned / total);
      return { ...source, fraction };
    }),
    pins: { ...pinsOf(state.topology), ...(state.source === undefined || state.source.pins?.digest === state.topology.pins?.digest ? {} : { source: pinsOf(state.source) }) },
    signing: { state: security.signedBy ?? null, keys: security.keyIds, verified: security.keyIds.length > 0 },
    refused: security.refused,
    topology: state.topology,
    ...(state.source === undefined ? {} : { source: state.source }),
  };
}

export function printNodesTable(out: Output, nodes: ReadonlyArray<{ id: string; url: string; weight: number; role?: NodeRole; reachable?: boolean; keys?: number; usedMemory?: number; error?: string; probe?: Probe | undefined }>): void {
  const rows = nodes.map((node) => {
    const reachable = node.reachable ?? node.probe?.ok;
    const keys = node.keys ?? (node.probe?.ok === true ? node.probe.keys : undefined);
    const error = node.error ?? (node.probe !== undefined && !node.probe.ok ? node.probe.error : undefined);
    return [
      node.id,
      redactUrl(node.url),
      String(node.weight),
      node.role ?? '',
      reachable === undefined ? '?' : reachable ? 'up' : `DOWN${error === undefined ? '' : ` (${error})`}`,
      keys === undefined ? '-' : formatCount(keys),
      node.usedMemory === undefined ? '-' : formatBytes(node.usedMemory),
    ];
  });
  const header = ['NODE', 'ADDRESS', 'WEIGHT', 'ROLE', 'STATUS', 'KEYS', 'MEMORY'];
  // Roles only matter while nodes join or leave.
  const keep = header.map((_, i) => i !== 3 || rows.some((row) => row[3] !== '' && row[3] !== 'member'));
  const pick = <T,>(row: readonly T[]) => row.filter((_, i) => keep[i]);
  out.lines(table(pick(header), rows.map(pick)).map((line) => `  ${line}`));
}

export function printStatus(out: Output, doc: StatusDocument, now = Date.now()): void {
  const age = formatDuration(now - Date.parse(doc.updatedAt));
  const epochs = doc.fromEpoch === undefined ? `epoch ${doc.epoch}` : `epoch ${doc.fromEpoch} → ${doc.epoch}`;
  out.line(`cluster    ${doc.cluster}`);
  out.line(`state      ${doc.mode.toUpperCase()}  revision ${doc.revision}, ${epochs}, written ${doc.updatedAt} (${age} ago)`);
  out.line(`placement  ${doc.algorithm}, hash ${doc.hash}, hash tags ${doc.hashTags ? 'on' : 'off'}`);
  const pins = (p: { count: number; digest: string | null }) => (p.count === 0 ? 'none' : `${p.count} (set ${p.digest?.slice(0, 16)}…)`);
  out.line(`pins       ${pins(doc.pins)}${doc.pins.source === undefined ? '' : `, were ${pins(doc.pins.source)}`}`);
  const held = doc.signing.keys.length === 0 ? 'this command holds no topology key, so nothing was verified' : `verified with key${doc.signing.keys.length > 1 ? 's' : ''} ${doc.signing.keys.join(', ')} (the first signs)`;
  out.line(`signing    ${doc.signing.state === null ? 'unsigned' : `signed with key ${doc.signing.state}`}; ${held}`);
  for (const refusal of doc.refused) out.line(`REFUSED    ${refusal.node} holds a state that was refused (${refusal.kind}): ${refusal.reason}`);
  for (const [i, line] of doc.change.entries()) out.line(`${i === 0 ? 'change    ' : '          '} ${line}`);
  out.line();
  printNodesTable(out, doc.nodes);
  out.line();
  const behind = doc.clients.filter((client) => !client.current).length;
  out.line(`clients    ${doc.clients.length} live${behind > 0 ? `, ${behind} behind revision ${doc.revision}` : ''}`);
  if (doc.clients.length > 0) {
    out.lines(table(['ID', 'ACKNOWLEDGED', ''], doc.clients.map((client) => [client.id, `revision ${client.revision}`, client.current ? 'current' : 'BEHIND'])).map((line) => `  ${line}`));
  }
  if (doc.mode === 'stable') return;
  out.line();
  if (doc.progress.length === 0) {
    out.line(`migration  no source has started yet${doc.mode === 'frozen' ? ' (frozen: a worker will reverse the move)' : '; is a worker running? (`shardis migrate`)'}`);
    return;
  }
  const moved = doc.progress.reduce((sum, source) => sum + source.moved, 0);
  out.line(`migration  ${doc.progress.filter((source) => source.done).length}/${doc.progress.length} sources done, ${formatCount(moved)} keys moved`);
  const width = Math.max(...doc.progress.map((source) => source.node.length));
  for (const source of doc.progress) {
    out.line(`  ${source.node.padEnd(width)}  ${bar(source.fraction, 20)} ${source.done ? ' done ' : formatPercent(source.fraction).padStart(6)}  moved ${formatCount(source.moved)} (${formatBytes(source.bytes)}), scanned ${formatCount(source.scanned)}`);
  }
}
