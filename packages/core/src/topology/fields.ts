import { InvalidTopologyError } from '../errors.ts';
import { canonicalJson } from './json-value.ts';
import { parseJson, utf8Length } from './json-text.ts';
import { isPlainObject, ownValue } from './read.ts';
import { resolveLimits, type DecodeTopologyOptions, type Topology } from './topology.ts';
import { readGuarded, validateTopology } from './validate.ts';

/** The Redis hash fields a topology is stored in; `params` and `nodes` hold canonical JSON. */
export const TOPOLOGY_FIELD_NAMES: readonly string[] = Object.freeze([
  'version', 'cluster', 'epoch', 'algorithm', 'hash', 'hashTags', 'hashSeed', 'params', 'nodes', 'pins',
]);

const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;

/**
 * The topology as Redis hash fields (for `HSET`): `version`, `epoch` in decimal, `hashTags` as
 * `"true"`/`"false"`, `hashSeed` only when present, `params` and `nodes` (`[{id,url,weight}…]`)
 * in the canonical JSON of `encodeTopology`, and `pins` (`{"count":…,"digest":…}`) only when present.
 */
export function topologyToFields(topology: Topology): Record<string, string> {
  return readGuarded(() => {
    const fields: Record<string, string> = {
      version: String(topology.version),
      cluster: topology.cluster,
      epoch: String(topology.epoch),
      algorithm: topology.algorithm,
      hash: topology.hash,
      hashTags: String(topology.hashTags),
    };
    if (topology.hashSeed !== undefined) fields['hashSeed'] = topology.hashSeed;
    fields['params'] = canonicalJson(topology.params, 'params');
    fields['nodes'] = canonicalJson(topology.nodes.map((node) => ({ id: node.id, url: node.url, weight: node.weight })), 'nodes');
    if (topology.pins !== undefined) fields['pins'] = canonicalJson({ count: topology.pins.count, digest: topology.pins.digest }, 'pins');
    return fields;
  });
}

/**
 * Reads a topology from Redis hash fields (an `HGETALL` reply) with the limits and checks of
 * `decodeTopology`. Fields other than the known ones are ignored, never read: the same Redis hash
 * may carry metadata that other code writes (a signature, a timestamp), and an older reader must
 * not break on it. A change of meaning comes with a new `version`, which older readers reject.
 */
export function topologyFromFields(fields: Record<string, string>, options?: DecodeTopologyOptions): Topology {
  const limits = resolveLimits(options);
  return readGuarded(() => {
    if (!isPlainObject(fields)) throw new InvalidTopologyError('$', 'must be an object of string fields (an HGETALL reply)');
    const text: Record<string, string | undefined> = {};
    let bytes = 0;
    for (const name of TOPOLOGY_FIELD_NAMES) {
      const value = ownValue(fields, name, name);
      if (value !== undefined && typeof value !== 'string') throw new InvalidTopologyError(name, 'must be a string');
      // Length first: each code unit is at least one byte, so a huge field is refused without a scan.
      if (value !== undefined) bytes += value.length > limits.maxBytes ? value.length : utf8Length(value);
      if (bytes > limits.maxBytes) throw new InvalidTopologyError('$', `larger than the limit of ${limits.maxBytes} bytes`);
      text[name] = value;
    }
    const document = {
      version: decimal(text['version'], 'version'),
      cluster: text['cluster'],
      epoch: decimal(text['epoch'], 'epoch'),
      algorithm: text['algorithm'],
      hash: text['hash'],
      hashTags: flag(text['hashTags']),
      hashSeed: text['hashSeed'],
      // Depth 1: in the document these values sit under its top-level object.
      params: json(text['params'], 'params', limits.maxDepth),
      nodes: json(text['nodes'], 'nodes', limits.maxDepth),
      pins: json(text['pins'], 'pins', limits.maxDepth),
    };
    return validateTopology(document, options);
  });
}

function decimal(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!DECIMAL.test(value)) throw new InvalidTopologyError(field, 'must be a non-negative decimal integer without leading zeros');
  return Number(value);
}

function flag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidTopologyError('hashTags', 'must be "true" or "false"');
}

function json(value: string | undefined, field: string, maxDepth: number): unknown {
  return value === undefined ? undefined : parseJson(value, maxDepth, field, 1);
}
