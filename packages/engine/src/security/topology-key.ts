import { createHash, createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { InvalidArgumentError } from '@shardis/core';

/**
 * The shared secret that signs topology documents and announcements: one key, or several during a
 * rotation (the first signs, every one verifies). A string is used as its UTF-8 bytes (a hex
 * string is not decoded); generate one with `openssl rand -hex 32`.
 */
export type TopologyKey = string | Uint8Array | ReadonlyArray<string | Uint8Array>;

/** Shorter keys are refused: an HMAC is as strong as its key, and an offline guess is cheap. */
export const MIN_TOPOLOGY_KEY_BYTES = 16;

/** `v1:<key id>:<HMAC-SHA256, 64 lowercase hex digits>`. */
const SIGNATURE_FORMAT = /^v1:([0-9a-f]{8}):([0-9a-f]{64})$/;

export type SignatureCheck = 'valid' | 'unsigned' | 'malformed' | 'unknown-key' | 'bad-signature';

interface KeyEntry {
  readonly id: string;
  readonly key: KeyObject;
}

/**
 * The first 8 hex digits of the key's SHA-256: names the key in a signature so that, during a
 * rotation, a verifier knows which key to try. It reveals nothing an attacker could not get from
 * any signed document (an offline guess of a weak key works on either).
 */
export function topologyKeyId(key: string | Uint8Array): string {
  return createHash('sha256').update(typeof key === 'string' ? Buffer.from(key, 'utf8') : key).digest('hex').slice(0, 8);
}

/**
 * The keys of a `topologyKey` option, held as `KeyObject`s: printing or inspecting the keyring shows
 * key ids, never key bytes. Error messages name the option and the index, never the key.
 */
export class TopologyKeyring {
  private readonly keys: readonly KeyEntry[];

  private constructor(keys: readonly KeyEntry[]) {
    this.keys = keys;
  }

  static from(input: TopologyKey, option = 'topologyKey'): TopologyKeyring {
    const list: ReadonlyArray<unknown> = Array.isArray(input) ? input : [input];
    if (list.length === 0) throw new InvalidArgumentError(option, 'give at least one key');
    const keys = list.map((key, i): KeyEntry => {
      const name = Array.isArray(input) ? `${option}[${i}]` : option;
      if (typeof key !== 'string' && !(key instanceof Uint8Array)) throw new InvalidArgumentError(name, 'must be a string or a Buffer');
      const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
      if (bytes.length < MIN_TOPOLOGY_KEY_BYTES) throw new InvalidArgumentError(name, `must be at least ${MIN_TOPOLOGY_KEY_BYTES} bytes (use \`openssl rand -hex 32\`)`);
      const entry = { id: topologyKeyId(bytes), key: createSecretKey(bytes) };
      bytes.fill(0);
      return entry;
    });
    return new TopologyKeyring(keys);
  }

  /** The id of the key that signs (the first). */
  get signingKeyId(): string {
    return this.keys[0]!.id;
  }

  /** Ids of every key that verifies, signing key first. */
  get keyIds(): string[] {
    return [...new Set(this.keys.map((entry) => entry.id))];
  }

  /** `v1:<key id>:<hex>` over `message` with the signing key. */
  sign(message: Uint8Array): string {
    const signer = this.keys[0]!;
    return `v1:${signer.id}:${createHmac('sha256', signer.key).update(message).digest('hex')}`;
  }

  /** Checks `signature` over `message` in constant time with every key of the id it names. */
  check(message: Uint8Array, signature: string | undefined): SignatureCheck {
    if (signature === undefined || signature === '') return 'unsigned';
    const match = signature.length <= 80 ? SIGNATURE_FORMAT.exec(signature) : null;
    if (match === null) return 'malformed';
    const candidates = this.keys.filter((entry) => entry.id === match[1]);
    if (candidates.length === 0) return 'unknown-key';
    const given = Buffer.from(match[2]!, 'hex');
    // Every candidate is tried, so the time taken does not tell which one matched.
    let valid = false;
    for (const entry of candidates) {
      const expected = createHmac('sha256', entry.key).update(message).digest();
      if (timingSafeEqual(expected, given)) valid = true;
    }
    return valid ? 'valid' : 'bad-signature';
  }

  /** What `util.inspect` and `JSON.stringify` show: ids only. */
  toJSON(): { keyIds: string[] } {
    return { keyIds: this.keyIds };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `TopologyKeyring { keyIds: [${this.keyIds.join(', ')}] }`;
  }
}
