import { InvalidArgumentError } from '../errors.ts';
import { crc16Hasher } from '../hash/crc16.ts';
import { KeyHasher } from '../hash/key-hasher.ts';
import type { Key } from '../key.ts';

/** Redis Cluster's hash slot count. */
export const SLOT_COUNT = 16384;

const tagged = new KeyHasher(crc16Hasher, true);

/**
 * The Redis Cluster hash slot of a key, as `CLUSTER KEYSLOT` computes it (`keyHashSlot` in
 * redis/src/cluster.c): CRC16-XMODEM of the hash tag, or of the whole key when there is no
 * non-empty tag, `& 16383`. Strings are hashed as UTF-8; `foo{}{bar}` hashes whole (8363), as
 * Redis does. Tested against a real `redis-server --cluster-enabled yes`.
 * @throws InvalidArgumentError when `key` is neither a string nor a Uint8Array.
 */
export function keySlot(key: Key): number {
  if (typeof key !== 'string' && !(key instanceof Uint8Array)) {
    throw new InvalidArgumentError('key', 'must be a string or a Uint8Array');
  }
  return tagged.hash32(key) & (SLOT_COUNT - 1);
}
