/**
 * Names of the keys and channel shardis keeps on every data node. They share one prefix that no
 * data key should use: SCAN, migration and `verify` skip it.
 */
export const CONTROL_PREFIX = '__shardis__:';

export interface ControlKeys {
  /** Hash: the cluster state (topology fields, revision, mode, source). */
  readonly topology: string;
  /** Pub/sub channel announcing a new revision (a hint; Redis holds the truth). */
  readonly channel: string;
  /** Prefix of client lease keys: `<prefix><clientId>`. */
  readonly clientLeasePrefix: string;
  /** String on a source node: the id of the migration whose moves have started there. */
  readonly migrationFlag: string;
  /** Set on a source node: keys whose last move failed half-way and are being reconciled. */
  readonly uncertain: string;
  /** Prefix of migration worker keys (leases and checkpoints). */
  readonly migrationPrefix: string;
  /** Prefix of pin sets: hash `<prefix><sha256>`, field = key or `{tag}`, value = node id. Never changed once written. */
  readonly pinsPrefix: string;
  /** Sorted set: the digest of each pin set on this node, scored by the state revision it was last written at. */
  readonly pinSets: string;
}

export function controlKeys(cluster: string): ControlKeys {
  const base = `${CONTROL_PREFIX}${cluster}:`;
  return {
    topology: `${base}topology`,
    channel: `${base}topology`,
    clientLeasePrefix: `${base}client:`,
    migrationFlag: `${base}moving`,
    uncertain: `${base}uncertain`,
    migrationPrefix: `${base}migration:`,
    pinsPrefix: `${base}pins:`,
    pinSets: `${base}pinsets`,
  };
}

const PREFIX_BYTES = Buffer.from(CONTROL_PREFIX, 'utf8');

/** True for shardis's own keys, which are never routed, scanned for users or migrated. */
export function isControlKey(key: Buffer | string): boolean {
  if (typeof key === 'string') return key.startsWith(CONTROL_PREFIX);
  return key.length >= PREFIX_BYTES.length && key.compare(PREFIX_BYTES, 0, PREFIX_BYTES.length, 0, PREFIX_BYTES.length) === 0;
}
