export { ShardedRedis } from './sharded-redis.ts';
export type { ShardedRedisEvents, ShardedRedisOptions, TopologySource } from './sharded-redis.ts';
export { ioredisDriver } from './driver.ts';
export {
  ClientClosedError,
  CrossSlotError,
  EngineError,
  LeaseExpiredError,
  NodeUnavailableError,
  TopologyNotFoundError,
  TopologyRejectedError,
  TryAgainError,
  UnsupportedCommandError,
  isRetryable,
} from '@shardis/engine';
export type { ClusterState, EngineReply, PerNodeReplies, ScanOptions } from '@shardis/engine';
