// The topology model: what every client and worker agrees on, how it is checked and stored.
export { createTopology } from './create.ts';
export type { CreateTopologyInput, TopologyNodeInput } from './create.ts';
export { decodeTopology, encodeTopology } from './codec.ts';
export { describeTopologyDiff, diffTopology } from './diff.ts';
export type { Change, NodeChange, TopologyDiff } from './diff.ts';
export { TOPOLOGY_FIELD_NAMES, topologyFromFields, topologyToFields } from './fields.ts';
export { redactUrl } from './node-url.ts';
export { REDACTED, redactTopology } from './redact.ts';
export { toPlacementSpec, topologyPlacement } from './to-placement.ts';
export { DEFAULT_TOPOLOGY_LIMITS, TOPOLOGY_VERSION } from './topology.ts';
export type { DecodeTopologyOptions, Topology, TopologyLimits, TopologyNode, TopologyPins, ValidateTopologyOptions } from './topology.ts';
export { CLUSTER_NAME_PATTERN, validateTopology } from './validate.ts';
