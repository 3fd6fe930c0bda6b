import { readGuarded, validateTopology } from './validate.ts';
import { canonicalJson } from './json-value.ts';
import { parseJson, textOf } from './json-text.ts';
import { resolveLimits, type DecodeTopologyOptions, type Topology } from './topology.ts';
import type { JsonValue } from '../placement/placement.ts';

/**
 * The canonical text of a topology; HMAC signatures are computed over its UTF-8 bytes.
 *
 * It is the RFC 8785 (JSON Canonicalization Scheme) serialisation of the object
 * `{ algorithm, cluster, epoch, hash, hashSeed?, hashTags, nodes: [{ id, url, weight }…], params, pins?: { count, digest }, version }`:
 * - members of every object, `params` at any depth included, sorted by the UTF-16 code units of
 *   their names (so the top level reads algorithm, cluster, epoch, hash, hashSeed, hashTags, nodes,
 *   params, pins, version, and each node id, url, weight); `hashSeed` and `pins` are left out when absent;
 * - `nodes` in topology order (placement order), arrays in `params` in their order;
 * - no whitespace anywhere, no byte-order mark, no trailing newline;
 * - numbers in ECMAScript's shortest round-trip form (`JSON.stringify`): `1`, `0.5`, `1e+21`,
 *   never `-0`; strings with only `"`, `\` and U+0000–U+001F escaped (`\b \t \n \f \r`, else
 *   `\u00xx` lowercase), everything else, non-ASCII included, written as is.
 *
 * Validation guarantees well-formed strings and finite numbers, and normalises url scheme and host,
 * hex seeds (lowercase) and -0, so equal topologies give equal bytes and
 * `decodeTopology(encodeTopology(t))` deep-equals `t`. Any RFC 8785 library re-creates the
 * bytes from the decoded document, which lets other languages verify signatures.
 *
 * Encoding does not re-validate: pass a topology from `validateTopology`, `decodeTopology` or
 * `createTopology`, and sign only those.
 */
export function encodeTopology(topology: Topology): string {
  return readGuarded(() => canonicalJson(documentOf(topology)));
}

function documentOf(topology: Topology): { [key: string]: JsonValue } {
  return {
    version: topology.version,
    cluster: topology.cluster,
    epoch: topology.epoch,
    algorithm: topology.algorithm,
    hash: topology.hash,
    hashTags: topology.hashTags,
    ...(topology.hashSeed === undefined ? {} : { hashSeed: topology.hashSeed }),
    params: topology.params,
    nodes: topology.nodes.map((node) => ({ id: node.id, url: node.url, weight: node.weight })),
    ...(topology.pins === undefined ? {} : { pins: { count: topology.pins.count, digest: topology.pins.digest } }),
  };
}

/**
 * Reads a topology document from text or UTF-8 bytes, safely on hostile input: the size is checked
 * before anything is decoded, bytes must be valid UTF-8, nesting is checked before `JSON.parse`
 * runs (it recurses and would overflow the stack), the node count before nodes are read. Then the
 * document is validated as by `validateTopology`. Fails only with `InvalidTopologyError`
 * (`InvalidArgumentError` for bad `options`).
 */
export function decodeTopology(text: string | Uint8Array, options?: DecodeTopologyOptions): Topology {
  const limits = resolveLimits(options);
  return readGuarded(() => {
    const value = parseJson(textOf(text, limits.maxBytes), limits.maxDepth, '$');
    return validateTopology(value, options);
  });
}
