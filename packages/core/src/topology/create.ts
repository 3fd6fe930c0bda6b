import { InvalidTopologyError } from '../errors.ts';
import type { Hasher } from '../hash/hasher.ts';
import { DEFAULT_HASH, resolveHasher } from '../hash/registry.ts';
import type { AlgorithmName, JsonValue, PlacementSpec } from '../placement/placement.ts';
import { createPlacement, getAlgorithm } from '../placement/registry.ts';
import { canonicalJson } from './json-value.ts';
import { checkKnownKeys, isPlainObject, memberPath, ownValue } from './read.ts';
import { placementError } from './to-placement.ts';
import { resolveLimits, TOPOLOGY_VERSION, type Topology, type TopologyPins, type ValidateTopologyOptions } from './topology.ts';
import { NODE_FIELDS, readGuarded, readTopology, TOP_LEVEL_FIELDS, validateTopology } from './validate.ts';

/** A node as a user names it; `weight` defaults to 1. */
export interface TopologyNodeInput {
  readonly id: string;
  readonly url: string;
  readonly weight?: number;
}

export interface CreateTopologyInput {
  readonly cluster: string;
  readonly algorithm: AlgorithmName;
  readonly nodes: readonly TopologyNodeInput[];
  /** A built-in name, or the name of one of `options.hashers`. @default the algorithm's (`DEFAULT_HASH`; crc16 for slots) */
  readonly hash?: string;
  /** @default the algorithm's (true) */
  readonly hashTags?: boolean;
  /** Required for keyed hashes, refused for the others; hex. */
  readonly hashSeed?: string;
  /**
   * Params in the topology's own vocabulary (`{ removals: "last" }` for jump, `{ ranges }` for
   * slots); every param left out takes the value of a freshly created placement. @default {}
   */
  readonly params?: { readonly [key: string]: JsonValue };
  /** @default 0 */
  readonly epoch?: number;
  /** A reference to a pin set stored elsewhere (shardis writes it: see `ClusterAdmin.pin`). @default none */
  readonly pins?: TopologyPins;
}

const INPUT_FIELDS: ReadonlySet<string> = new Set([...TOP_LEVEL_FIELDS].filter((field) => field !== 'version'));

/**
 * Builds a validated topology from what a user chooses, filling defaults. Its `params` are those
 * of a freshly built placement's `toSpec()`: the full algorithm state (a slot table, memento
 * removals, vnode counts), so every reader rebuilds exactly this placement whatever its own
 * defaults. Throws `InvalidTopologyError` naming the field, as `validateTopology` does.
 */
export function createTopology(input: CreateTopologyInput, options?: ValidateTopologyOptions): Topology {
  const limits = resolveLimits(options);
  const hashers = options?.hashers;
  const given = readGuarded(() => draftOf(input));
  // The stand-ins for an absent hash and hashTags only let the rest of the draft be checked.
  const draft = readGuarded(() => readTopology({ ...given, hash: given['hash'] ?? DEFAULT_HASH, hashTags: given['hashTags'] ?? true }, limits));
  let spec: PlacementSpec;
  try {
    const fresh = freshSpec(draft, given['hash'] !== undefined, given['hashTags'] !== undefined, hashers);
    // The user's params override the fresh state; the algorithm then checks the mix as it would a document.
    spec = createPlacement({ ...fresh, params: { ...fresh.params, ...draft.params } }, hashers).toSpec();
  } catch (error) {
    throw placementError(error);
  }
  checkParamsKept(draft, spec);
  return validateTopology({ ...draft, hash: spec.hash, hashTags: spec.hashTags, params: spec.params }, options);
}

/**
 * The spec of a placement the algorithm creates from the nodes alone: its defaults for every param,
 * and for the hash and hash-tag rule when the user gave none (slots always hashes with crc16).
 */
function freshSpec(draft: Topology, hashGiven: boolean, hashTagsGiven: boolean, hashers: readonly Hasher[] | undefined): PlacementSpec {
  const nodes = draft.nodes.map((node) => ({ id: node.id, weight: node.weight }));
  // A resolved Hasher carries its key, so a keyed hash works however the algorithm resolves names.
  const hash = hashGiven ? resolveHasher(draft.hash, { seed: draft.hashSeed, extra: hashers }) : undefined;
  return getAlgorithm(draft.algorithm).create(nodes, {
    ...(hash === undefined ? {} : { hash }),
    ...(hashTagsGiven ? { hashTags: draft.hashTags } : {}),
    ...(draft.hashSeed === undefined ? {} : { hashSeed: draft.hashSeed }),
  }).toSpec();
}

/**
 * Each param the user gave must come back unchanged in the algorithm's state: an option it does
 * not know, or state it derives differently, would otherwise vanish without a word.
 */
function checkParamsKept(draft: Topology, spec: PlacementSpec): void {
  for (const key of Object.keys(draft.params)) {
    const field = memberPath('params', key);
    const kept = spec.params[key];
    if (kept === undefined) throw new InvalidTopologyError(field, `is not a parameter of algorithm ${JSON.stringify(draft.algorithm)}`);
    if (canonicalJson(kept, field) !== canonicalJson(draft.params[key]!, field)) {
      throw new InvalidTopologyError(field, `algorithm ${JSON.stringify(draft.algorithm)} derives another value from the nodes; leave it out`);
    }
  }
}

function draftOf(input: unknown): Record<string, unknown> {
  if (!isPlainObject(input)) throw new InvalidTopologyError('$', 'createTopology needs an object { cluster, algorithm, nodes, … }');
  checkKnownKeys(input, INPUT_FIELDS, '');
  const read = (key: string): unknown => ownValue(input, key, key);
  const nodes = read('nodes');
  return {
    version: TOPOLOGY_VERSION,
    cluster: read('cluster'),
    epoch: read('epoch') ?? 0,
    algorithm: read('algorithm'),
    hash: read('hash'),
    hashTags: read('hashTags'),
    hashSeed: read('hashSeed'),
    params: read('params') ?? {},
    nodes: Array.isArray(nodes) ? nodes.map(nodeDraft) : nodes,
    pins: read('pins'),
  };
}

function nodeDraft(node: unknown, index: number): unknown {
  if (!isPlainObject(node)) return node; // validation names the bad entry
  const at = `nodes[${index}]`;
  checkKnownKeys(node, NODE_FIELDS, at);
  return {
    id: ownValue(node, 'id', `${at}.id`),
    url: ownValue(node, 'url', `${at}.url`),
    weight: ownValue(node, 'weight', `${at}.weight`) ?? 1,
  };
}
