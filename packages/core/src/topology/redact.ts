import { redactUrl } from './node-url.ts';
import type { Topology } from './topology.ts';

/** What a redacted secret reads as; not hex, so a redacted topology can never validate and be stored. */
export const REDACTED = '[redacted]';

/**
 * A copy of a topology that is safe to print or log: `hashSeed` becomes `"[redacted]"`, and urls
 * pass through `redactUrl` (validated urls carry no credentials; this guards the ones that were not).
 */
export function redactTopology(topology: Topology): Topology {
  return Object.freeze({
    version: topology.version,
    cluster: topology.cluster,
    epoch: topology.epoch,
    algorithm: topology.algorithm,
    hash: topology.hash,
    hashTags: topology.hashTags,
    ...(topology.hashSeed === undefined ? {} : { hashSeed: REDACTED }),
    params: topology.params,
    nodes: Object.freeze(topology.nodes.map((node) => Object.freeze({ id: node.id, url: redactUrl(node.url), weight: node.weight }))),
    // Not secret: a count and a digest say nothing about which keys are pinned.
    ...(topology.pins === undefined ? {} : { pins: topology.pins }),
  });
}
