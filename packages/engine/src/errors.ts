import { ShardisError } from '@shardis/core';

/**
 * Errors the engine raises itself. Server errors (WRONGTYPE, NOSCRIPT…) are passed through as the
 * client library made them, so code written for ioredis or node-redis keeps working. Errors with
 * `retryable: true` are the documented retryable ones: the command was not applied, and sending
 * it again later is safe.
 */
export class EngineError extends ShardisError {
  readonly retryable: boolean;

  constructor(code: string, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'EngineError';
    this.retryable = retryable;
  }
}

/** Keys of a command that must run on one node map to several nodes (Redis Cluster's CROSSSLOT). */
export class CrossSlotError extends EngineError {
  readonly command: string;
  readonly nodes: readonly string[];

  constructor(command: string, nodes: readonly string[]) {
    super(
      'ERR_CROSSSLOT',
      `CROSSSLOT ${command}: its keys live on different nodes (${nodes.join(', ')}); put them under one {hash tag}`,
      false,
    );
    this.name = 'CrossSlotError';
    this.command = command;
    this.nodes = nodes;
  }
}

/** The node that owns a key cannot be reached, or is ejected after repeated failures. */
export class NodeUnavailableError extends EngineError {
  readonly node: string;

  constructor(node: string, reason: string, options?: { cause?: unknown }) {
    super('ERR_NODE_UNAVAILABLE', `node ${node} is unavailable: ${reason}`, true, options);
    this.name = 'NodeUnavailableError';
    this.node = node;
  }
}

/** The key is being moved and its fate is briefly undecided; nothing was applied. */
export class TryAgainError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_TRYAGAIN', `TRYAGAIN ${message}`, true, options);
    this.name = 'TryAgainError';
  }
}

/**
 * This client could not renew its lease in Redis in time, so a migration may have started without
 * it: it refuses commands until it has read the topology again. Nothing was applied.
 */
export class LeaseExpiredError extends EngineError {
  constructor(message: string) {
    super('ERR_LEASE_EXPIRED', message, true);
    this.name = 'LeaseExpiredError';
  }
}

/** Another writer changed the topology first: read it again and retry the change. */
export class TopologyConflictError extends EngineError {
  readonly expectedRevision: number;
  readonly actualRevision: number;

  constructor(expectedRevision: number, actualRevision: number, node: string) {
    super(
      'ERR_TOPOLOGY_CONFLICT',
      `topology changed concurrently: expected revision ${expectedRevision}, node ${node} has ${actualRevision}`,
      false,
    );
    this.name = 'TopologyConflictError';
    this.expectedRevision = expectedRevision;
    this.actualRevision = actualRevision;
  }
}

/** No seed holds a topology for this cluster (run `shardis init`), or none could be reached. */
export class TopologyNotFoundError extends EngineError {
  constructor(cluster: string, detail: string) {
    super('ERR_TOPOLOGY_NOT_FOUND', `no topology for cluster ${JSON.stringify(cluster)}: ${detail}`, false);
    this.name = 'TopologyNotFoundError';
  }
}

/**
 * Why a topology document was refused:
 * - `invalid`: it does not decode or validate (malformed, too large, unknown mode…);
 * - `wrong-cluster`: it names another cluster than the one configured;
 * - `unsigned`: a key is configured (`topologyKey`) and the document carries no signature;
 * - `unknown-key`: it is signed with a key this process does not hold;
 * - `bad-signature`: the signature does not match the document (altered, forged, or an old
 *   document whose revision was bumped);
 * - `replay`: every node that answers holds an older revision than the one in force (a rolled
 *   back or replayed state); the one in force stays.
 */
export type TopologyRejectionKind = 'invalid' | 'wrong-cluster' | 'unsigned' | 'unknown-key' | 'bad-signature' | 'replay';

/** A topology update that failed validation or verification; the last good topology stays. */
export class TopologyRejectedError extends EngineError {
  readonly reason: string;
  readonly kind: TopologyRejectionKind;

  constructor(reason: string, options?: { cause?: unknown; kind?: TopologyRejectionKind }) {
    super('ERR_TOPOLOGY_REJECTED', `topology update rejected: ${reason}`, false, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TopologyRejectedError';
    this.reason = reason;
    this.kind = options?.kind ?? 'invalid';
  }
}

/** The command cannot be routed (no keys to route by and no sensible fan-out), or is not supported. */
export class UnsupportedCommandError extends EngineError {
  readonly command: string;

  constructor(command: string, reason: string) {
    super('ERR_UNSUPPORTED_COMMAND', `${command}: ${reason}`, false);
    this.name = 'UnsupportedCommandError';
    this.command = command;
  }
}

export class ClientClosedError extends EngineError {
  constructor() {
    super('ERR_CLIENT_CLOSED', 'the sharded client is closed', false);
    this.name = 'ClientClosedError';
  }
}

/** True for errors after which sending the same command again is safe. */
export function isRetryable(error: unknown): boolean {
  return error instanceof Error && (error as { retryable?: unknown }).retryable === true;
}
