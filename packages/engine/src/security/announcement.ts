import type { TopologyKeyring } from './topology-key.ts';

/**
 * The pub/sub announcement of a new revision. It is only ever a hint to go and read Redis: a
 * client never takes content from it. Unsigned it is the revision in decimal (`"42"`), as every
 * shardis version has published; signed it is `"42 v1:<key id>:<hex>"`, an HMAC over
 *
 *     "shardis/announce/v1\n" + cluster + "\n" + revision
 *
 * A client with a `topologyKey` acts only on validly signed announcements of a revision newer
 * than the one in force, so a flood of forged or replayed messages costs it an HMAC each and no
 * Redis read at all; a client without a key acts on any revision newer than its own, and its
 * re-reads are rate-limited.
 */
export const ANNOUNCE_MESSAGE_PREFIX = 'shardis/announce/v1\n';

/** Longer messages are dropped unread; a signed announcement is under 100 bytes. */
export const MAX_ANNOUNCEMENT_BYTES = 128;

const ANNOUNCEMENT = /^([1-9][0-9]{0,15})(?: (v1:[0-9a-f]{8}:[0-9a-f]{64}))?$/;

function message(cluster: string, revision: number): Buffer {
  return Buffer.from(`${ANNOUNCE_MESSAGE_PREFIX}${cluster}\n${revision}`, 'utf8');
}

export function formatAnnouncement(cluster: string, revision: number, keyring?: TopologyKeyring): string {
  return keyring === undefined ? String(revision) : `${revision} ${keyring.sign(message(cluster, revision))}`;
}

/**
 * The revision an announcement names, or `undefined` when it is to be ignored: too long, not in
 * the format, not newer than `after`, or — with a keyring — unsigned or not signed by one of its
 * keys. The cheap tests come first, the HMAC last.
 */
export function readAnnouncement(payload: Uint8Array, cluster: string, options: { readonly keyring?: TopologyKeyring | undefined; readonly after?: number } = {}): number | undefined {
  if (payload.length > MAX_ANNOUNCEMENT_BYTES) return undefined;
  const match = ANNOUNCEMENT.exec(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('latin1'));
  if (match === null) return undefined;
  const revision = Number(match[1]);
  if (!Number.isSafeInteger(revision) || revision <= (options.after ?? 0)) return undefined;
  const keyring = options.keyring;
  if (keyring === undefined) return revision;
  return keyring.check(message(cluster, revision), match[2]) === 'valid' ? revision : undefined;
}
