export {
  ShardisError,
  InvalidArgumentError,
  InvalidNodesError,
  InvalidTopologyError,
  UnknownAlgorithmError,
  UnknownHashError,
  UnknownNodeError,
  UnsupportedOperationError,
  isShardisError,
} from './errors.ts';
export type { ShardisErrorCode } from './errors.ts';
export type { Key } from './key.ts';
export { keyToBytes } from './key.ts';
export { hashTag } from './hash-tag.ts';
export type { Hasher } from './hash/hasher.ts';
export { KeyHasher } from './hash/key-hasher.ts';
export type {
  AlgorithmName,
  CommonOptions,
  JsonValue,
  NodeSpec,
  Placement,
  PlacementChange,
  PlacementNode,
  PlacementSpec,
} from './placement/placement.ts';
