import {
  decodeTopology,
  encodeTopology,
  topologyFromFields,
  topologyToFields,
  type Hasher,
  type Topology,
} from '@shardis/core';
import { TopologyRejectedError } from '../errors.ts';

/**
 * The state of a cluster as stored in Redis, one revision at a time.
 *
 * - `stable`: every key lives on its owner under `topology`.
 * - `migrating`: keys whose owner differs between `source` and `topology` are moving from their
 *   source owner to their target owner; commands on them follow the migration rule.
 * - `frozen`: the first step of an abort; commands on those keys wait (retryable) while every
 *   client stops touching them, so the move can be reversed safely.
 *
 * `revision` grows by one with every write of the document: it is the compare-and-set token and
 * what clients acknowledge. The topology's `epoch` is the placement's version.
 */
export type ClusterMode = 'stable' | 'migrating' | 'frozen';

export interface ClusterState {
  readonly revision: number;
  readonly mode: ClusterMode;
  /** The placement keys are moving to (or simply live on, when stable). */
  readonly topology: Topology;
  /** Where moving keys come from; present unless stable. */
  readonly source?: Topology;
  /** Wall-clock time of the write, ms since the epoch; informational. */
  readonly updatedAt: number;
}

const MODES: ReadonlySet<string> = new Set(['stable', 'migrating', 'frozen']);
/** Fields of the hash that belong to the state, not to the topology. */
const STATE_FIELDS: ReadonlySet<string> = new Set(['revision', 'mode', 'source', 'updatedAt', 'writer', 'signature']);

/** The hash fields a state is stored as. Topology fields are core's; ours are added beside them. */
export function stateToFields(state: ClusterState): Record<string, string> {
  const fields: Record<string, string> = {
    ...topologyToFields(state.topology),
    revision: String(state.revision),
    mode: state.mode,
    updatedAt: String(state.updatedAt),
  };
  if (state.source !== undefined) fields['source'] = encodeTopology(state.source);
  return fields;
}

export interface DecodeStateOptions {
  readonly hashers?: readonly Hasher[];
  /** The cluster the client was configured for: a document naming another is rejected. */
  readonly cluster?: string;
}

const REVISION = /^[1-9][0-9]{0,15}$/;
const MAX_QUOTED = 40;

/** An own string field (never an inherited one), or undefined. */
function own(fields: Record<string, string>, name: string): string | undefined {
  const value: unknown = Object.hasOwn(fields, name) ? fields[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** A hostile value, short enough for an error message (which is logged). */
function quoted(value: string | undefined): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value);
}

/**
 * Decodes and validates a state read with HGETALL; `undefined` when the hash does not exist. Fails
 * only with `TopologyRejectedError`; messages quote at most a few characters of what was read.
 */
export function stateFromFields(fields: Record<string, string>, options: DecodeStateOptions = {}): ClusterState | undefined {
  if (Object.keys(fields).length === 0) return undefined;
  const revisionText = own(fields, 'revision');
  if (revisionText === undefined || !REVISION.test(revisionText) || !Number.isSafeInteger(Number(revisionText))) throw new TopologyRejectedError(`revision ${quoted(revisionText)} is not a positive integer`);
  const revision = Number(revisionText);
  const mode = own(fields, 'mode') ?? '';
  if (!MODES.has(mode)) throw new TopologyRejectedError(`unknown mode ${quoted(mode)}`);
  const topologyFields: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of Object.keys(fields)) {
    const value = own(fields, name);
    if (!STATE_FIELDS.has(name) && value !== undefined) topologyFields[name] = value;
  }
  let topology: Topology;
  let source: Topology | undefined;
  try {
    const decodeOptions = options.hashers === undefined ? {} : { hashers: options.hashers };
    topology = topologyFromFields(topologyFields, decodeOptions);
    if (mode !== 'stable') {
      const text = own(fields, 'source');
      if (text === undefined) throw new TopologyRejectedError(`mode ${mode} needs a source topology`);
      source = decodeTopology(text, decodeOptions);
    }
  } catch (error) {
    if (error instanceof TopologyRejectedError) throw error;
    throw new TopologyRejectedError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (options.cluster !== undefined && topology.cluster !== options.cluster) {
    throw new TopologyRejectedError(`document is for cluster ${JSON.stringify(topology.cluster)}, not ${JSON.stringify(options.cluster)}`, { kind: 'wrong-cluster' });
  }
  if (source !== undefined && source.cluster !== topology.cluster) throw new TopologyRejectedError('source and target name different clusters', { kind: 'wrong-cluster' });
  const updatedAt = Number(own(fields, 'updatedAt') ?? 0);
  const state: ClusterState = { revision, mode: mode as ClusterMode, topology, updatedAt: Number.isFinite(updatedAt) ? updatedAt : 0 };
  return source === undefined ? state : { ...state, source };
}

/** Every node either placement names, target first: the nodes a client must reach. */
export function stateNodes(state: ClusterState): Array<{ id: string; url: string }> {
  const seen = new Map<string, { id: string; url: string }>();
  for (const node of state.topology.nodes) seen.set(node.id, { id: node.id, url: node.url });
  for (const node of state.source?.nodes ?? []) if (!seen.has(node.id)) seen.set(node.id, { id: node.id, url: node.url });
  return [...seen.values()];
}
