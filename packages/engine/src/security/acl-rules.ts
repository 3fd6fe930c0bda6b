import { CLUSTER_NAME_PATTERN, InvalidArgumentError } from '@shardis/core';
import { CONTROL_PREFIX, controlKeys } from '../topology/control-keys.ts';

/**
 * Redis 7 ACL rules for the two kinds of shardis users, as arguments of `ACL SETUSER <name> on
 * >password …` (or of a `user` line in an ACL file). SECURITY.md prints them; the integration
 * suite runs them against real servers.
 */
export interface ApplicationAclOptions {
  readonly cluster: string;
  /**
   * Glob patterns of the keys the application may read and write. @default every key outside
   * `__shardis__:` (the patterns of `patternsOutside`)
   */
  readonly keys?: readonly string[];
  /** Channels it may publish and subscribe to. @default every channel outside `__shardis__:` */
  readonly channels?: readonly string[];
  /**
   * Limits the lease keys this user may write to clients whose `clientId` starts with this prefix
   * (give each application its own user and prefix): a user can then vouch only for its own
   * clients during a migration. @default '' (any client id)
   */
  readonly clientIdPrefix?: string;
}

const GLOB_SPECIAL = /[*?[\]\\]/;

/**
 * Glob patterns that together match every string that does not start with `prefix` (ACL key and
 * channel patterns are allow-lists, with no way to deny): for each position, "the same so far,
 * then a different character", plus every proper prefix on its own (the empty string included).
 */
export function patternsOutside(prefix: string): string[] {
  if (prefix.length === 0 || GLOB_SPECIAL.test(prefix)) throw new InvalidArgumentError('prefix', 'must be non-empty and free of glob characters (* ? [ ] \\)');
  const patterns: string[] = [];
  for (let i = 0; i < prefix.length; i++) patterns.push(`${prefix.slice(0, i)}[^${prefix[i]}]*`);
  for (let i = 0; i < prefix.length; i++) patterns.push(prefix.slice(0, i));
  return patterns;
}

/**
 * The application user: data commands on its own keys, read access to its cluster's state (and
 * to the migration flag and uncertain set the guard script reads), its own lease keys, SUBSCRIBE
 * on the topology channel — but no write to the state hash, no PUBLISH on the topology channel,
 * and none of the `@dangerous` commands (MIGRATE, RESTORE, CONFIG, FLUSHALL, CLIENT KILL…).
 * INFO is given back because ioredis sends it as its ready check.
 */
export function applicationAclRules(options: ApplicationAclOptions): string[] {
  if (typeof options.cluster !== 'string' || !CLUSTER_NAME_PATTERN.test(options.cluster)) throw new InvalidArgumentError('options.cluster', `must match ${CLUSTER_NAME_PATTERN}`);
  const keys = controlKeys(options.cluster);
  const prefix = options.clientIdPrefix ?? '';
  if (typeof prefix !== 'string' || GLOB_SPECIAL.test(prefix) || /\s/.test(prefix)) throw new InvalidArgumentError('options.clientIdPrefix', 'must be free of glob characters and spaces');
  const dataKeys = options.keys ?? patternsOutside(CONTROL_PREFIX);
  const dataChannels = options.channels ?? patternsOutside(CONTROL_PREFIX);
  return [
    'resetkeys',
    'resetchannels',
    '-@all',
    '+@all',
    '-@dangerous',
    '+info',
    // PUBLISH only through the selector below, which names data channels alone.
    '-publish',
    '-spublish',
    `%R~${CONTROL_PREFIX}${options.cluster}:*`,
    `~${keys.clientLeasePrefix}${prefix}*`,
    ...dataKeys.map((pattern) => `~${pattern}`),
    `&${keys.channel}`,
    ...dataChannels.map((pattern) => `&${pattern}`),
    `(+publish +spublish ${dataChannels.map((pattern) => `&${pattern}`).join(' ')})`,
  ];
}

/**
 * The operator (CLI, migration worker): every key and channel, and the commands a migration
 * needs (MIGRATE on sources, RESTORE on targets, CLIENT LIST/KILL to fence lapsed clients, INFO),
 * but not the rest of `@dangerous` (CONFIG, FLUSHALL, SHUTDOWN, DEBUG, MODULE, REPLICAOF…).
 */
export function operatorAclRules(): string[] {
  return ['resetkeys', 'resetchannels', '-@all', '+@all', '-@dangerous', '+migrate', '+restore', '+restore-asking', '+client|list', '+client|kill', '+info', '~*', '&*'];
}
