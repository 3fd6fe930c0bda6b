// @shardis/core — the public API. Named exports only; anything not listed here is internal.

// Errors
export {
  ShardisError,
  InvalidArgumentError,
  InvalidNodesError,
  InvalidTopologyError,
  UnknownAlgorithmError,
  UnknownHashError,
  UnknownNodeError,
  NodeHasPinsError,
  UnsupportedOperationError,
  isShardisError,
} from './errors.ts';
export type { ShardisErrorCode } from './errors.ts';

// Keys and hash tags
export type { Key } from './key.ts';
export { keyToBytes } from './key.ts';
export { hashTag } from './hash-tag.ts';

// Hash functions
export type { Hasher } from './hash/hasher.ts';
export { KeyHasher } from './hash/key-hasher.ts';
export { DEFAULT_HASH, builtinHashNames, isKeyedHash, resolveHasher } from './hash/registry.ts';
export type { ResolveHasherOptions } from './hash/registry.ts';
export { city32, city32Hasher } from './hash/city32.ts';
export { city64, city64Hasher } from './hash/city64.ts';
export { crc16, crc16Hasher } from './hash/crc16.ts';
export { crc32, crc32Hasher } from './hash/crc32.ts';
export { fnv1a32, fnv1a64, fnv1aHasher } from './hash/fnv1a.ts';
export { md5, md5Hasher } from './hash/md5.ts';
export { murmur3Hasher, murmur3x64_128, murmur3x86_32 } from './hash/murmur3.ts';
export { murmur3x86_128, murmur3x86Hasher } from './hash/murmur3-x86-128.ts';
export { sha1, sha1Hasher } from './hash/sha1.ts';
export { sipHash13, sipHash24 } from './hash/siphash.ts';
export { xxh3, xxh3Hasher } from './hash/xxh3.ts';
export { xxhash64, xxhash64Hasher } from './hash/xxhash64.ts';

// Placement: the contract
export type {
  Algorithm,
  AlgorithmName,
  CommonOptions,
  JsonValue,
  NodeSpec,
  Partition,
  PartitionedPlacement,
  Placement,
  PlacementChange,
  PlacementNode,
  PlacementSpec,
} from './placement/placement.ts';
export { isPartitioned } from './placement/placement.ts';
export { createPlacement, algorithmNames, getAlgorithm } from './placement/registry.ts';

// Placement: the algorithms
export { ring, ringAlgorithm, DEFAULT_RING_VNODES } from './placement/ring.ts';
export type { RingOptions, KetamaCompat } from './placement/ring.ts';
export { jump, jumpAlgorithm, MAX_JUMP_TABLE_BUCKETS } from './placement/jump.ts';
export type { JumpOptions, JumpPlacement, JumpRemovals } from './placement/jump.ts';
export { jumpHash, jumpHash32, MAX_JUMP_BUCKETS } from './placement/jump-hash.ts';
export { rendezvous, rendezvousAlgorithm } from './placement/rendezvous.ts';
export type { RendezvousOptions } from './placement/rendezvous.ts';
export { maglev, maglevAlgorithm, DEFAULT_MAGLEV_TABLE_SIZE } from './placement/maglev.ts';
export type { MaglevOptions } from './placement/maglev.ts';
export { slots, slotsAlgorithm } from './placement/slots.ts';
export type { SlotRange, SlotsOptions, SlotsPlacement } from './placement/slots.ts';
export { keySlot, SLOT_COUNT } from './placement/key-slot.ts';
export { modulo, moduloAlgorithm } from './placement/modulo.ts';
export type { ModuloOptions } from './placement/modulo.ts';

// Pins: keys and tags placed by hand, consulted before the algorithm
export { Pins, MAX_PINS, MAX_PIN_FIELD_BYTES, pinField, describePinField } from './placement/pins.ts';
export type { Pin } from './placement/pins.ts';
export { PinnedPlacement, pinned, isPinned } from './placement/pinned.ts';

// Move planning
export { planMove } from './plan/move-plan.ts';
export type { KeyMovePlan, Move, MovePair, MovePlan, MoveRange, MoveSummary, PinMove, PinnedMovePlan, RangeMovePlan } from './plan/move-plan.ts';

// Topology
export { createTopology } from './topology/create.ts';
export type { CreateTopologyInput, TopologyNodeInput } from './topology/create.ts';
export { decodeTopology, encodeTopology } from './topology/codec.ts';
export { describeTopologyDiff, diffTopology } from './topology/diff.ts';
export type { Change, NodeChange, TopologyDiff } from './topology/diff.ts';
export { TOPOLOGY_FIELD_NAMES, topologyFromFields, topologyToFields } from './topology/fields.ts';
export { redactUrl } from './topology/node-url.ts';
export { REDACTED, redactTopology } from './topology/redact.ts';
export { toPlacementSpec, topologyPlacement } from './topology/to-placement.ts';
export { DEFAULT_TOPOLOGY_LIMITS, TOPOLOGY_VERSION } from './topology/topology.ts';
export type { DecodeTopologyOptions, Topology, TopologyLimits, TopologyNode, TopologyPins, ValidateTopologyOptions } from './topology/topology.ts';
export { CLUSTER_NAME_PATTERN, validateTopology } from './topology/validate.ts';
