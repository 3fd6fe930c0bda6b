import { InvalidTopologyError, isShardisError } from '../errors.ts';
import { MAX_NODE_ID_LENGTH } from '../placement/nodes.ts';
import { MAX_PINS } from '../placement/pins.ts';
import type { AlgorithmName, JsonValue } from '../placement/placement.ts';
import { algorithmNames } from '../placement/registry.ts';
import { copyJson } from './json-value.ts';
import { parseNodeUrl } from './node-url.ts';
import { checkKnownKeys, describeValue, indexPath, isPlainObject, isWellFormed, ownValue } from './read.ts';
import { buildPlacement, rememberPlacement, toPlacementSpec } from './to-placement.ts';
import { resolveLimits, TOPOLOGY_VERSION, type Topology, type TopologyLimits, type TopologyNode, type TopologyPins, type ValidateTopologyOptions } from './topology.ts';

/** Cluster names become parts of Redis key and channel names: no spaces, braces, `*` or `?`. */
export const CLUSTER_NAME_PATTERN: RegExp = /^[A-Za-z0-9._:-]{1,64}$/;

export const TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set([
  'version', 'cluster', 'epoch', 'algorithm', 'hash', 'hashTags', 'hashSeed', 'params', 'nodes', 'pins',
]);
export const NODE_FIELDS: ReadonlySet<string> = new Set(['id', 'url', 'weight']);
const PINS_FIELDS: ReadonlySet<string> = new Set(['count', 'digest']);
const DIGEST = /^[0-9a-f]{64}$/;
const ALGORITHM_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const HASH_NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** Every keyed hash (SipHash) takes a 128-bit key: 16 bytes, 32 hex digits. */
const HEX_SEED = /^[0-9a-fA-F]{32}$/;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
/** A node object sits at depth 3: document, `nodes` array, node. */
const NODE_DEPTH = 3;

/**
 * Checks an untrusted value and returns a fresh, deeply frozen Topology built from the known fields
 * only; the input is never spread or copied, so keys such as `__proto__` reach nothing. Unknown
 * fields are rejected, not ignored: a misspelt `hashSeed` must fail loudly. The placement is built
 * too (and kept for `topologyPlacement`), so a topology that validates can always be used.
 *
 * Throws `InvalidTopologyError` (code `ERR_INVALID_TOPOLOGY`) whose `field` names the offending
 * path, e.g. `"nodes[2].weight"`; bad `options` throw `InvalidArgumentError`.
 */
export function validateTopology(value: unknown, options?: ValidateTopologyOptions): Topology {
  const limits = resolveLimits(options);
  const hashers = options?.hashers;
  return readGuarded(() => {
    const topology = readTopology(value, limits);
    rememberPlacement(topology, buildPlacement(toPlacementSpec(topology), hashers), hashers);
    return topology;
  });
}

/**
 * Runs a read of untrusted input so that it fails only with InvalidTopologyError: a getter or
 * proxy trap that throws, or anything else unforeseen, becomes one with field `"$"`.
 */
export function readGuarded<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (isShardisError(error) && error.code === 'ERR_INVALID_TOPOLOGY') throw error;
    throw new InvalidTopologyError('$', 'could not be read', { cause: error });
  }
}

/** Every check but the placement's; `createTopology` runs it on a draft whose params are not yet full. */
export function readTopology(value: unknown, limits: TopologyLimits): Topology {
  if (!isPlainObject(value)) throw new InvalidTopologyError('$', `must be a JSON object, got ${describeValue(value)}`);
  // Version first: a newer document may have other fields, and its reader needs "upgrade", not "unknown field".
  const version = readVersion(ownValue(value, 'version', 'version'));
  checkKnownKeys(value, TOP_LEVEL_FIELDS, '');
  const field = (key: string): unknown => ownValue(value, key, key);
  const cluster = readCluster(field('cluster'));
  const epoch = readEpoch(field('epoch'));
  const algorithm = readAlgorithm(field('algorithm'));
  const hash = readHash(field('hash'));
  const hashTags = field('hashTags');
  if (typeof hashTags !== 'boolean') throw new InvalidTopologyError('hashTags', `must be true or false, got ${describeValue(hashTags)}`);
  const hashSeed = readHashSeed(field('hashSeed'));
  const params = readParams(field('params'), limits.maxDepth);
  const nodes = readNodes(field('nodes'), limits);
  const pins = readPins(field('pins'));
  return Object.freeze({
    version,
    cluster,
    epoch,
    algorithm,
    hash,
    hashTags,
    ...(hashSeed === undefined ? {} : { hashSeed }),
    params,
    nodes,
    ...(pins === undefined ? {} : { pins }),
  });
}

function readVersion(value: unknown): typeof TOPOLOGY_VERSION {
  if (value === undefined) throw new InvalidTopologyError('version', 'missing');
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidTopologyError('version', `must be ${TOPOLOGY_VERSION}, got ${describeValue(value)}`);
  }
  if (value > TOPOLOGY_VERSION) {
    throw new InvalidTopologyError(
      'version',
      `version ${value} was written by a newer shardis; upgrade @shardis/core to read it (this one reads version ${TOPOLOGY_VERSION})`,
    );
  }
  return TOPOLOGY_VERSION;
}

function readCluster(value: unknown): string {
  if (typeof value !== 'string' || !CLUSTER_NAME_PATTERN.test(value)) {
    const pattern = String(CLUSTER_NAME_PATTERN);
    throw new InvalidTopologyError('cluster', `must match ${pattern} (it becomes part of Redis key names), got ${describeValue(value)}`);
  }
  return value;
}

function readEpoch(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidTopologyError('epoch', `must be a non-negative safe integer, got ${describeValue(value)}`);
  }
  return value === 0 ? 0 : value; // -0 would not survive a JSON round trip
}

/**
 * Only the shape is checked here; whether the algorithm exists is the registry's answer, given
 * when the placement is built (an `UnknownAlgorithmError` becomes field `algorithm`).
 */
function readAlgorithm(value: unknown): AlgorithmName {
  if (typeof value !== 'string' || !ALGORITHM_NAME.test(value)) {
    throw new InvalidTopologyError('algorithm', `must be an algorithm name (${algorithmNames().join(', ')}), got ${describeValue(value)}`);
  }
  return value as AlgorithmName;
}

/** Shape only, as for the algorithm: the hash registry (with `options.hashers`) says whether it exists. */
function readHash(value: unknown): string {
  if (typeof value !== 'string' || !HASH_NAME.test(value)) {
    throw new InvalidTopologyError('hash', `must be a hash name, got ${describeValue(value)}`);
  }
  return value;
}

/** Secret: messages describe what is wrong with the seed, never what it is. */
function readHashSeed(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !HEX_SEED.test(value)) {
    throw new InvalidTopologyError('hashSeed', 'must be 16 bytes written as 32 hex digits (the 128-bit key of a keyed hash)');
  }
  // Hex digits carry no case: one spelling keeps equal topologies byte-equal.
  return value.toLowerCase();
}

/** A reference only: the set itself is checked where it is loaded, against this count and digest. */
function readPins(value: unknown): TopologyPins | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new InvalidTopologyError('pins', `must be an object { count, digest }, got ${describeValue(value)}`);
  checkKnownKeys(value, PINS_FIELDS, 'pins');
  const count = ownValue(value, 'count', 'pins.count');
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || count > MAX_PINS) {
    throw new InvalidTopologyError('pins.count', `must be an integer in [1, ${MAX_PINS}] (a topology without pins has no pins field), got ${describeValue(count)}`);
  }
  const digest = ownValue(value, 'digest', 'pins.digest');
  if (typeof digest !== 'string' || !DIGEST.test(digest)) {
    throw new InvalidTopologyError('pins.digest', `must be a SHA-256 digest in 64 lowercase hex digits, got ${describeValue(digest)}`);
  }
  return Object.freeze({ count, digest });
}

function readParams(value: unknown, maxDepth: number): { readonly [key: string]: JsonValue } {
  if (!isPlainObject(value)) throw new InvalidTopologyError('params', `must be an object, got ${describeValue(value)}`);
  return copyJson(value, 'params', 1, maxDepth) as { readonly [key: string]: JsonValue };
}

function readNodes(value: unknown, limits: TopologyLimits): readonly TopologyNode[] {
  if (!Array.isArray(value)) throw new InvalidTopologyError('nodes', `must be an array, got ${describeValue(value)}`);
  const count = value.length;
  if (count === 0) throw new InvalidTopologyError('nodes', 'a topology needs at least one node');
  if (count > limits.maxNodes) {
    throw new InvalidTopologyError('nodes', `has ${count} nodes, more than the limit of ${limits.maxNodes} (raise maxNodes if this is expected)`);
  }
  if (NODE_DEPTH > limits.maxDepth) throw new InvalidTopologyError('nodes', `nested deeper than ${limits.maxDepth} levels`);
  const ids = new Map<string, number>();
  const addresses = new Map<string, number>();
  const nodes: TopologyNode[] = [];
  for (let i = 0; i < count; i++) {
    const at = indexPath('nodes', i);
    const { node, address } = readNode(ownValue(value, String(i), at), at);
    const sameId = ids.get(node.id);
    if (sameId !== undefined) throw new InvalidTopologyError(`${at}.id`, `duplicate node id ${describeValue(node.id)} (also nodes[${sameId}])`);
    ids.set(node.id, i);
    const sameAddress = addresses.get(address);
    if (sameAddress !== undefined) throw new InvalidTopologyError(`${at}.url`, `same server as nodes[${sameAddress}] (${address})`);
    addresses.set(address, i);
    nodes.push(node);
  }
  return Object.freeze(nodes);
}

function readNode(value: unknown, at: string): { node: TopologyNode; address: string } {
  if (!isPlainObject(value)) throw new InvalidTopologyError(at, `must be an object { id, url, weight }, got ${describeValue(value)}`);
  checkKnownKeys(value, NODE_FIELDS, at);
  const id = ownValue(value, 'id', `${at}.id`);
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_NODE_ID_LENGTH) {
    throw new InvalidTopologyError(`${at}.id`, `must be a string of 1 to ${MAX_NODE_ID_LENGTH} characters, got ${describeValue(id)}`);
  }
  // Ids are printed in status output and logs: no line breaks or terminal escapes.
  if (CONTROL_CHARACTER.test(id)) throw new InvalidTopologyError(`${at}.id`, 'must not contain control characters');
  if (!isWellFormed(id)) throw new InvalidTopologyError(`${at}.id`, 'contains a lone surrogate (not valid Unicode)');
  const { url, address } = parseNodeUrl(ownValue(value, 'url', `${at}.url`), `${at}.url`);
  const weight = ownValue(value, 'weight', `${at}.weight`);
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
    throw new InvalidTopologyError(`${at}.weight`, `must be a finite number > 0, got ${describeValue(weight)}`);
  }
  return { node: Object.freeze({ id, url, weight }), address };
}
