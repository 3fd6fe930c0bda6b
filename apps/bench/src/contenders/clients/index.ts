import type { ClientContender } from './contract.ts';
import { ioredisClusterContenders } from './ioredis-cluster.ts';
import { ioredisContenders } from './ioredis.ts';
import { nodeRedisClusterContender } from './node-redis-cluster.ts';
import { nodeRedisContender } from './node-redis.ts';
import { shardisIoredisContenders } from './shardis-ioredis.ts';
import { shardisNodeRedisContenders } from './shardis-node-redis.ts';

export type { ClientContender, ClientEnvironment, ClientTarget, ConnectedClient } from './contract.ts';

/** Every contender of the client suite, in table order. */
export const clientContenders: readonly ClientContender[] = [
  ...ioredisContenders,
  ...shardisIoredisContenders,
  nodeRedisContender,
  ...shardisNodeRedisContenders,
  ...ioredisClusterContenders,
  nodeRedisClusterContender,
];
