/**
 * The contract of the client suite: a Redis client connected to one of the three set-ups, reduced
 * to the two commands timed. One file per client library and set-up.
 */

/** Where each contender connects; the suite starts all three and stops every server it started. */
export interface ClientEnvironment {
  /** One redis-server: what the raw clients talk to. */
  readonly single: { readonly host: string; readonly port: number; readonly url: string };
  /** Three redis-servers holding one shardis cluster: what the adapters talk to. */
  readonly shardis: { readonly cluster: string; readonly seeds: readonly string[] };
  /** A shardis cluster of one redis-server: the adapters doing the raw clients' work, on the same hardware. */
  readonly shardisSingle: { readonly cluster: string; readonly seeds: readonly string[] };
  /** A three-master Redis Cluster: what ioredis `Cluster` and node-redis `createCluster` talk to. */
  readonly redisCluster: { readonly nodes: readonly { readonly host: string; readonly port: number }[] };
}

export interface ConnectedClient {
  get(key: string): Promise<unknown>;
  set(key: string, value: string): Promise<unknown>;
  close(): Promise<void>;
}

export type ClientTarget = keyof ClientEnvironment;

export interface ClientContender {
  /** Row label, e.g. `shardis ioredis ×3 (auto-pipelined)`. */
  readonly name: string;
  readonly target: ClientTarget;
  /**
   * `auto`: the client batches the commands of concurrent callers into one write per tick
   * (ioredis `enableAutoPipelining`; node-redis always does). `plain`: one write per command.
   */
  readonly pipelining: 'auto' | 'plain';
  /** The raw client this one should be compared with in the same mode, for adapters. */
  readonly baseline?: string;
  connect(environment: ClientEnvironment): Promise<ConnectedClient>;
}
