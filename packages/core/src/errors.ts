/**
 * Every error shardis throws is a `ShardisError` with a stable `code`. Match on `code` (or `name`),
 * not on `instanceof`: two copies of the package in one process make `instanceof` lie.
 */
export type ShardisErrorCode =
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_INVALID_NODES'
  | 'ERR_INVALID_TOPOLOGY'
  | 'ERR_UNKNOWN_ALGORITHM'
  | 'ERR_UNKNOWN_HASH'
  | 'ERR_UNKNOWN_NODE'
  | 'ERR_NODE_PINNED'
  | 'ERR_UNSUPPORTED';

export class ShardisError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'ShardisError';
  }
}

/** A function was called with an argument outside its domain (wrong type, range, or shape). */
export class InvalidArgumentError extends ShardisError {
  /** The argument or option that was wrong, e.g. `"replicas.n"` or `"options.vnodes"`. */
  readonly argument: string;

  constructor(argument: string, message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID_ARGUMENT', `${argument}: ${message}`, options);
    this.name = 'InvalidArgumentError';
    this.argument = argument;
  }
}

/** A node list a placement cannot be built from: empty, duplicate ids, bad weights. */
export class InvalidNodesError extends ShardisError {
  /** Path of the offending value, e.g. `"nodes[3].weight"`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('ERR_INVALID_NODES', `${field}: ${message}`);
    this.name = 'InvalidNodesError';
    this.field = field;
  }
}

/** A topology document that does not decode or validate. The last good topology stays in force. */
export class InvalidTopologyError extends ShardisError {
  /** Path of the offending value, e.g. `"nodes[2].weight"` or `"params.vnodes"`. */
  readonly field: string;

  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID_TOPOLOGY', `invalid topology at ${field}: ${message}`, options);
    this.name = 'InvalidTopologyError';
    this.field = field;
  }
}

export class UnknownAlgorithmError extends ShardisError {
  readonly algorithm: string;

  constructor(algorithm: string, known: readonly string[]) {
    super('ERR_UNKNOWN_ALGORITHM', `unknown placement algorithm ${JSON.stringify(algorithm)}; known: ${known.join(', ')}`);
    this.name = 'UnknownAlgorithmError';
    this.algorithm = algorithm;
  }
}

export class UnknownHashError extends ShardisError {
  readonly hash: string;

  constructor(hash: string, known: readonly string[]) {
    super(
      'ERR_UNKNOWN_HASH',
      `unknown hash function ${JSON.stringify(hash)}; known: ${known.join(', ')} (pass a Hasher to use another)`,
    );
    this.name = 'UnknownHashError';
    this.hash = hash;
  }
}

/** A change names a node the placement does not have (remove, reweight, pin). */
export class UnknownNodeError extends ShardisError {
  readonly node: string;

  constructor(node: string, context: string) {
    super('ERR_UNKNOWN_NODE', `${context}: no node with id ${JSON.stringify(node)}`);
    this.name = 'UnknownNodeError';
    this.node = node;
  }
}

/**
 * A change would remove a node that pinned keys or tags point at. Refused until they are moved
 * (pinned to another node) or unpinned: removing the node would leave them nowhere.
 */
export class NodeHasPinsError extends ShardisError {
  readonly node: string;
  /** The pinned fields (a key or a `{tag}`), as text or as bytes; at most the first 20. */
  readonly pins: ReadonlyArray<string | Uint8Array>;
  /** How many pins point at the node in all. */
  readonly count: number;

  constructor(node: string, pins: ReadonlyArray<string | Uint8Array>, count: number, shown: readonly string[]) {
    const more = count > shown.length ? ` and ${count - shown.length} more` : '';
    super(
      'ERR_NODE_PINNED',
      `node ${JSON.stringify(node)} cannot be removed: ${count} pin${count === 1 ? '' : 's'} point${count === 1 ? 's' : ''} at it (${shown.join(', ')}${more}); pin ${count === 1 ? 'it' : 'them'} to another node or unpin ${count === 1 ? 'it' : 'them'} first`,
    );
    this.name = 'NodeHasPinsError';
    this.node = node;
    this.pins = pins;
    this.count = count;
  }
}

/** The algorithm cannot do what was asked (for example, plain jump hash removing a middle bucket). */
export class UnsupportedOperationError extends ShardisError {
  constructor(message: string) {
    super('ERR_UNSUPPORTED', message);
    this.name = 'UnsupportedOperationError';
  }
}

/** True for any shardis error, also one thrown by another copy of the package. */
export function isShardisError(error: unknown): error is ShardisError {
  if (error instanceof ShardisError) return true;
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_') && /^[A-Z]\w*Error$/.test(error.name);
}
