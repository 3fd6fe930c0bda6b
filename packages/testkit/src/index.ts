export { freePort } from './free-port.ts';
export { rawCommand, startRedis, startRedisServers, stopAll } from './redis-server.ts';
export type { RedisServer, RedisServerOptions } from './redis-server.ts';
