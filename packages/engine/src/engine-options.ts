import { InvalidArgumentError, type Hasher, type Topology } from '@shardis/core';
import type { AutoEjectOptions } from './nodes/node-pool.ts';
import type { RedisDriver } from './port.ts';
import type { TopologyKey } from './security/topology-key.ts';
import type { StateSigner, StateVerifier } from './topology/state-store.ts';

export interface EngineOptions {
  /** Binds the engine to a client library; given by the adapter. */
  readonly driver: RedisDriver;
  /** Cluster name: the topology is read from `__shardis__:<cluster>:topology` on the seeds. */
  readonly cluster?: string;
  /** Redis urls where the topology can be read (any data node will do; give a few). */
  readonly seeds?: readonly string[];
  /**
   * An explicit topology, for users who keep it themselves: no topology store, no live updates,
   * no migration. Mutually exclusive with `seeds`.
   */
  readonly topology?: Topology;
  /** User hash functions a topology may name. */
  readonly hashers?: readonly Hasher[];
  /** How often to check Redis for a new topology revision, in ms. @default 2000 */
  readonly pollIntervalMs?: number;
  /** Lifetime of this client's lease in Redis, in ms; renewed every third of it. @default 10000 */
  readonly leaseMs?: number;
  /** How long a command waits for a key in motion before failing with TryAgainError, in ms. @default 10000 */
  readonly retryTimeoutMs?: number;
  /** Fail fast on a node after repeated connection failures (twemproxy's auto_eject_hosts). @default false */
  readonly autoEject?: AutoEjectOptions | false;
  /** This client's id in leases and logs. @default a random UUID */
  readonly clientId?: string;
  /**
   * Shared secret of signed topologies (HMAC-SHA256), or several during a rotation: the first
   * signs, every one verifies. With a key, the client acts only on states and announcements signed
   * by one of them; anything else is refused (`topology-rejected`) and the last good topology
   * stays in force. At least 16 bytes; a string is used as its UTF-8 bytes. See SECURITY.md.
   */
  readonly topologyKey?: TopologyKey;
  /** Rejects untrusted topology documents (your own signing scheme; exclusive with `topologyKey`). */
  readonly verifyTopology?: StateVerifier;
  /** Signs documents this process writes (your own signing scheme; exclusive with `topologyKey`). */
  readonly signTopology?: StateSigner;
  /**
   * Rewrites a node's url before connecting, for clients that reach nodes by other addresses
   * than the topology names (NAT, port forwarding, a local proxy). The topology is not changed.
   */
  readonly mapNodeUrl?: (node: { readonly id: string; readonly url: string }) => string;
}

export interface ResolvedEngineOptions {
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
  readonly retryTimeoutMs: number;
}

export function resolveEngineOptions(options: EngineOptions): ResolvedEngineOptions {
  const positive = (value: number | undefined, fallback: number, name: string): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`options.${name}`, `must be a positive number of milliseconds, got ${String(value)}`);
    return value;
  };
  return {
    pollIntervalMs: positive(options.pollIntervalMs, 2000, 'pollIntervalMs'),
    leaseMs: positive(options.leaseMs, 10_000, 'leaseMs'),
    retryTimeoutMs: positive(options.retryTimeoutMs, 10_000, 'retryTimeoutMs'),
  };
}
