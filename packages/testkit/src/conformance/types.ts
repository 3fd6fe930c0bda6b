import type { AutoEjectOptions, RedisDriver, ShardedEngine } from '@shardis/engine';
import type { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The part of the test runner the suite uses, passed in by the caller so that testkit never
 * imports a runner at module level (keyv's `TestFunction`). Vitest's own functions fit as they are.
 */
export interface TestApi {
  readonly describe: typeof describe;
  readonly it: typeof it;
  readonly expect: typeof expect;
  readonly beforeAll: typeof beforeAll;
  readonly afterAll: typeof afterAll;
}

/** One argument as a user passes it to the adapter. */
export type Arg = string | Buffer | number;

/** What the suite asks the adapter for; every field maps to a documented adapter option. */
export interface ConformanceClientOptions {
  readonly cluster: string;
  readonly seeds: readonly string[];
  readonly pollIntervalMs?: number;
  readonly leaseMs?: number;
  readonly retryTimeoutMs?: number;
  readonly autoEject?: AutoEjectOptions | false;
  readonly clientId?: string;
  /** Rewrites a node's url before connecting (the engine's `mapNodeUrl`). */
  readonly mapNodeUrl?: (node: { readonly id: string; readonly url: string }) => string;
  /** ACL user for every node. */
  readonly username?: string;
  readonly password?: string;
}

/**
 * A small, uniform view of a client made through the adapter's NATIVE API (ioredis's `call`,
 * `pipeline`, `multi`, `scanStream`; node-redis's `sendCommand`, `multi`, `scanIterator`…), so one
 * suite checks every adapter. Replies use RESP2 shapes: bulk strings as text (or Buffers from
 * `callBuffer`), integers as numbers, status replies as text, nil as null.
 */
export interface ConformanceClient {
  /** The engine under the adapter, for events, `state` and `refresh()`. */
  readonly engine: ShardedEngine;
  /** One raw command; bulk replies as UTF-8 strings. */
  call(...args: Arg[]): Promise<unknown>;
  /** One raw command; bulk replies as Buffers (binary keys and values). */
  callBuffer(...args: Arg[]): Promise<unknown>;
  /** A pipeline: one `[error, reply]` per command, in order; server errors stay in place. */
  pipeline(commands: ReadonlyArray<readonly Arg[]>): Promise<Array<[Error | null, unknown]>>;
  /**
   * MULTI … EXEC through the adapter's transaction API: one `[error, reply]` per command.
   * Rejects when the transaction cannot run at all (CROSSSLOT, EXECABORT).
   */
  multi(commands: ReadonlyArray<readonly Arg[]>): Promise<Array<[Error | null, unknown]>>;
  /** Every key, through the adapter's cluster-wide scan (scanStream / scanIterator). */
  scanAll(options?: { readonly match?: string; readonly count?: number; readonly type?: string }): Promise<string[]>;
  quit(): Promise<void>;
}

/** What each adapter gives the suite: a driver (for the harness) and a way to make clients. */
export interface ConformanceFactory {
  /** The adapter's name, shown in the suite's titles. */
  readonly name: string;
  /** The adapter's `RedisDriver`, used by the harness to write topologies as this client would. */
  driver(options?: { readonly username?: string; readonly password?: string }): RedisDriver;
  createClient(options: ConformanceClientOptions): Promise<ConformanceClient>;
}

/** The groups of the suite; each can be skipped with a reason. */
export type GroupName =
  | 'routing'
  | 'fan-out'
  | 'keyless'
  | 'pipeline'
  | 'crossslot'
  | 'scan'
  | 'binary'
  | 'live-topology'
  | 'pubsub-loss'
  | 'killed-node'
  | 'auth'
  | 'invalid-topology'
  | 'sentinel';

export interface ConformanceOptions {
  /** Groups not to run, each with the reason shown in the report (Hono's `skip: [{ reason }]`). */
  readonly skip?: Partial<Record<GroupName, string>>;
}

/** What a group needs: the runner, the adapter, and a prefix unique to this run. */
export interface GroupContext {
  readonly test: TestApi;
  readonly factory: ConformanceFactory;
}
