export { nodeRedisDriver } from './driver.ts';
export type { NodeRedisDriverOptions } from './driver.ts';
export { createShardedClient, ShardedClient } from './sharded-client.ts';
export type { ShardedClientOptions, ShardedClientType } from './sharded-client.ts';
