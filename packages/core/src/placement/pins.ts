import { InvalidArgumentError } from '../errors.ts';
import { bytesTag, stringTag, type TagRange } from '../hash-tag.ts';
import { encodeUtf8, keyToBytes, scratchBuffer, type Key } from '../key.ts';
import { MAX_NODE_ID_LENGTH } from './nodes.ts';
import { charCodeAt } from '../strings.ts';

/**
 * Pins: an explicit key → node map consulted before the algorithm, so an operator can put one hot
 * key, or every key of one `{hash tag}`, on a node of their choice.
 *
 * A pin's **field** is what Redis Cluster's tag rule makes of a key: the key's `{tag}` (braces
 * included) when it has one, else the whole key. So `{user:42}` pins `{user:42}:cart`,
 * `profile:{user:42}` and `{user:42}` itself, keeping multi-key commands on one tag together,
 * and `hot-counter` pins that one key. Fields are bytes, as Redis stores keys: a string field
 * stands for its UTF-8 bytes, so a string key and its `Buffer` always meet the same pin.
 */

/** Most pins a set may hold. Every client keeps them all in memory (about 100 bytes per pin). */
export const MAX_PINS = 1_000_000;
/** Longest field, in bytes. A key or tag longer than this cannot be pinned, so lookups skip it at once. */
export const MAX_PIN_FIELD_BYTES = 4096;

/** One pin, as listed. `field` is a string when its bytes are valid UTF-8, else the bytes. */
export interface Pin {
  readonly field: string | Uint8Array;
  readonly node: string;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** The filter's size is the first power of two ≥ 16 bits per pin, within these bounds (256 KiB max). */
const MIN_FILTER_BITS = 1 << 10;
const MAX_FILTER_BITS = 1 << 21;

const tagRange: TagRange = { start: 0, end: 0 };
const ASCII = /^[\x00-\x7f]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** FNV-1a's last step mixed through murmur3's fmix32, so the low bits the filter uses are spread. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function hashRange(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME);
  return finish(h);
}

/** The bytes `[start, end)` as a binary string (one UTF-16 unit per byte): the map's key form. */
function binaryString(bytes: Uint8Array, start: number, end: number): string {
  // Fields are at most MAX_PIN_FIELD_BYTES long, far below the engine's argument-count limit.
  return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
}

function binaryBytes(binary: string): Uint8Array {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = charCodeAt(binary, i);
  return bytes;
}

/** How a field reads in a message or a listing: its text when it is UTF-8, else its bytes. */
export function pinFieldValue(binary: string): string | Uint8Array {
  const bytes = binaryBytes(binary);
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes;
  }
}

/** A field for an error message: quoted text, or `0x…` hex for bytes that are not UTF-8; long ones cut. */
export function describePinField(binary: string): string {
  const value = pinFieldValue(binary);
  const text = typeof value === 'string' ? JSON.stringify(value) : `0x${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/**
 * The field a key is pinned by: its `{tag}`, braces included, when `hashTags` is on and the key
 * has a tag; otherwise the key itself. A pin is valid only for a field that is its own pin field.
 */
export function pinField(key: string, hashTags?: boolean): string;
export function pinField(key: Uint8Array, hashTags?: boolean): Uint8Array;
export function pinField(key: Key, hashTags = true): Key {
  if (!hashTags) return key;
  if (typeof key === 'string') {
    stringTag(key, tagRange);
    return tagRange.start === 0 ? key : key.slice(tagRange.start - 1, tagRange.end + 1);
  }
  bytesTag(key, tagRange);
  return tagRange.start === 0 ? key : key.subarray(tagRange.start - 1, tagRange.end + 1);
}

function toBinary(field: Key, at: string): string {
  const bytes = keyToBytes(field as Key);
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError(at, 'a pinned field must be a string or a Uint8Array (a key, or a {hash tag})');
  if (bytes.length === 0) throw new InvalidArgumentError(at, 'an empty key cannot be pinned');
  if (bytes.length > MAX_PIN_FIELD_BYTES) throw new InvalidArgumentError(at, `longer than ${MAX_PIN_FIELD_BYTES} bytes`);
  return binaryString(bytes, 0, bytes.length);
}

function checkNodeId(node: unknown, at: string): string {
  if (typeof node !== 'string' || node.length === 0 || node.length > MAX_NODE_ID_LENGTH) {
    throw new InvalidArgumentError(at, `the node must be a node id of 1 to ${MAX_NODE_ID_LENGTH} characters`);
  }
  return node;
}

/**
 * An immutable set of pins with O(1) lookups. Only the shape is checked here (non-empty fields of
 * at most 4 KiB, node ids, at most `MAX_PINS`); whether each node exists and each field is a
 * valid pin field under the placement's tag rule is checked by `pinned()`, which knows both.
 *
 * The canonical map is keyed by each field's binary string (one character per byte). A lookup
 * for a key that is not pinned allocates nothing:
 * - a string key without a tag is looked up as it is, in a second map keyed by each UTF-8 field's
 *   text: V8 hashes the string once, natively, and caches the hash in the string;
 * - a tag, or a Buffer key, is hashed in place and tested against a bit filter of 16 to 32 bits
 *   per pin (3–6 % false positives) up to 131,072 pins; beyond, the filter stays at 2^21 bits
 *   (256 KiB) and lets more through (about 40 % at 1,000,000 pins), which costs time, never a
 *   wrong answer. Only a filter hit builds the string for the exact check.
 */
export class Pins {
  /** The set with no pins. */
  static readonly empty: Pins = new Pins(new Map());

  readonly size: number;
  private readonly map: ReadonlyMap<string, string>;
  /** Fields that are UTF-8, keyed by their text (the same string as the binary one for ASCII). */
  private readonly text: ReadonlyMap<string, string>;
  /**
   * Some field holds U+FFFD, which a string key with a lone surrogate also encodes to: string
   * keys then go through their UTF-8 bytes, so both spellings of the Redis key meet the pin.
   */
  private readonly replacement: boolean;
  private readonly bits: Int32Array;
  private readonly mask: number;
  /** Set once every field has been found to be its own pin field under the tag rule (see `pinned`). */
  private tagsChecked = false;

  private constructor(map: Map<string, string>) {
    this.map = map;
    this.size = map.size;
    let bits = MIN_FILTER_BITS;
    while (bits < map.size * 16 && bits < MAX_FILTER_BITS) bits *= 2;
    this.mask = bits - 1;
    this.bits = new Int32Array(bits >>> 5);
    const text = new Map<string, string>();
    let replacement = false;
    for (const [field, node] of map) {
      const bytes = binaryBytes(field);
      const bit = hashRange(bytes, 0, bytes.length) & this.mask;
      this.bits[bit >>> 5] = this.bits[bit >>> 5]! | (1 << (bit & 31));
      const value = ASCII.test(field) ? field : pinFieldValue(field);
      if (typeof value === 'string') {
        text.set(value, node);
        if (value.includes('\uFFFD')) replacement = true;
      }
    }
    this.text = text;
    this.replacement = replacement;
  }

  /**
   * Pins from `[field, node]` pairs: a field is a key or a `{tag}`, as a string or as bytes.
   * @throws InvalidArgumentError naming the entry: empty or over-long field, bad node id, a field
   *   given twice, or more than `MAX_PINS` pins.
   */
  static of(entries: Iterable<readonly [Key, string]>): Pins {
    const map = new Map<string, string>();
    let i = 0;
    for (const entry of entries) {
      const at = `pins[${i++}]`;
      if (!Array.isArray(entry) || entry.length !== 2) throw new InvalidArgumentError(at, 'must be a [field, node] pair');
      const field = toBinary(entry[0] as Key, at);
      if (map.has(field)) throw new InvalidArgumentError(at, `field ${describePinField(field)} is pinned twice`);
      map.set(field, checkNodeId(entry[1], at));
      if (map.size > MAX_PINS) throw new InvalidArgumentError('pins', `more than ${MAX_PINS} pins`);
    }
    return new Pins(map);
  }

  /**
   * Pins from fields already in binary-string form (one character per byte, what
   * `Buffer#toString('latin1')` gives): the form a loader reading Redis replies has at hand.
   */
  static fromBinary(entries: Iterable<readonly [string, string]>): Pins {
    const map = new Map<string, string>();
    for (const [field, node] of entries) {
      if (typeof field !== 'string' || field.length === 0 || field.length > MAX_PIN_FIELD_BYTES || /[^\x00-\xff]/.test(field)) {
        throw new InvalidArgumentError('pins', `a field must be 1 to ${MAX_PIN_FIELD_BYTES} bytes in binary-string form`);
      }
      // Messages name the field only on failure: describing 100,000 fields up front costs.
      if (map.has(field)) throw new InvalidArgumentError(`pins[${describePinField(field)}]`, 'pinned twice');
      if (typeof node !== 'string' || node.length === 0 || node.length > MAX_NODE_ID_LENGTH) checkNodeId(node, `pins[${describePinField(field)}]`);
      map.set(field, node);
      if (map.size > MAX_PINS) throw new InvalidArgumentError('pins', `more than ${MAX_PINS} pins`);
    }
    return new Pins(map);
  }

  /** The node `field` (a key or a `{tag}`, exactly as pinned) is pinned to. Not the hot path. */
  get(field: Key): string | undefined {
    const bytes = keyToBytes(field);
    if (bytes.length === 0 || bytes.length > MAX_PIN_FIELD_BYTES) return undefined;
    return this.map.get(binaryString(bytes, 0, bytes.length));
  }

  /** As `get`, for a field in binary-string form. */
  getBinary(field: string): string | undefined {
    return this.map.get(field);
  }

  /** The pins with `field` pinned to `node` (added, or moved from another node). */
  with(field: Key, node: string): Pins {
    const map = new Map(this.map);
    map.set(toBinary(field, 'field'), checkNodeId(node, 'node'));
    if (map.size > MAX_PINS) throw new InvalidArgumentError('pins', `more than ${MAX_PINS} pins`);
    return new Pins(map);
  }

  /** The pins without `field`; the same set when it was not pinned. */
  without(field: Key): Pins {
    const binary = toBinary(field, 'field');
    if (!this.map.has(binary)) return this;
    const map = new Map(this.map);
    map.delete(binary);
    return new Pins(map);
  }

  /**
   * The pins after removing every field of `unpin`, then pinning each `[field, node]` of `pin`
   * (added, or moved from another node), in one copy however many there are.
   * @throws InvalidArgumentError naming the entry (`unpin[2]`, `pin[0]`): a field to unpin that is
   *   not pinned, a field named twice in `pin`, or what `Pins.of` refuses.
   */
  update(change: { readonly pin?: Iterable<readonly [Key, string]>; readonly unpin?: Iterable<Key> }): Pins {
    const map = new Map(this.map);
    let i = 0;
    for (const field of change.unpin ?? []) {
      const at = `unpin[${i++}]`;
      const binary = toBinary(field, at);
      if (!map.delete(binary)) throw new InvalidArgumentError(at, `${describePinField(binary)} is not pinned`);
    }
    const named = new Set<string>();
    i = 0;
    for (const entry of change.pin ?? []) {
      const at = `pin[${i++}]`;
      if (!Array.isArray(entry) || entry.length !== 2) throw new InvalidArgumentError(at, 'must be a [field, node] pair');
      const binary = toBinary(entry[0] as Key, at);
      if (named.has(binary)) throw new InvalidArgumentError(at, `${describePinField(binary)} is named twice`);
      named.add(binary);
      map.set(binary, checkNodeId(entry[1], at));
      if (map.size > MAX_PINS) throw new InvalidArgumentError('pins', `more than ${MAX_PINS} pins`);
    }
    return new Pins(map);
  }

  /** Every pin as (binary field, node), in no particular order. For loaders, writers and digests. */
  binaryEntries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }

  /** Every pin, sorted by field bytes (the canonical order). */
  list(): Pin[] {
    return [...this.map.keys()].sort(compareBinary).map((field) => ({ field: pinFieldValue(field), node: this.map.get(field)! }));
  }

  /** Binary fields pinned to `node`, sorted. */
  fieldsOn(node: string): string[] {
    const fields: string[] = [];
    for (const [field, owner] of this.map) if (owner === node) fields.push(field);
    return fields.sort(compareBinary);
  }

  /** True when both sets pin the same fields to the same nodes. */
  equals(other: Pins): boolean {
    if (other === this) return true;
    if (other.size !== this.size) return false;
    for (const [field, node] of this.map) if (other.map.get(field) !== node) return false;
    return true;
  }

  /**
   * The node `key` is pinned to, through its pin field (see `pinField`), or `undefined`. The hot
   * path of a pinned placement: allocation-free unless the filter says the field may be pinned.
   */
  lookup(key: Key, hashTags: boolean): string | undefined {
    if (this.size === 0) return undefined;
    if (typeof key !== 'string') return this.lookupBytes(key, hashTags);
    if (this.replacement) return this.lookupRange(scratchBuffer(), 0, encodeUtf8(key, 0, key.length), hashTags);
    if (!hashTags) return this.text.get(key);
    stringTag(key, tagRange);
    if (tagRange.start === 0) return this.text.get(key);
    // The tag with its braces, hashed in place: no substring unless the filter lets it through.
    const start = tagRange.start - 1;
    const end = tagRange.end + 1;
    // UTF-8 needs at least one byte per UTF-16 unit: a longer field cannot be pinned.
    if (end - start > MAX_PIN_FIELD_BYTES) return undefined;
    let h = FNV_OFFSET;
    for (let i = start; i < end; i++) {
      const code = charCodeAt(key, i);
      // Beyond ASCII the UTF-8 bytes differ from the code units: hash the real bytes instead.
      if (code >= 0x80) return this.lookupRange(scratchBuffer(), 0, encodeUtf8(key, start, end), false);
      h = Math.imul(h ^ code, FNV_PRIME);
    }
    if (!this.mayHold(finish(h))) return undefined;
    // ASCII: the substring is its own binary form.
    return this.map.get(key.slice(start, end));
  }

  /**
   * Whether every field is its own pin field under the tag rule: `a{b}c` is refused (its keys
   * follow the tag `{b}`, so the pin could never apply), with a message saying what to pin instead.
   * @internal Called by `pinned()` once per set; the result is remembered.
   */
  checkTagRule(): void {
    if (this.tagsChecked) return;
    for (const field of this.map.keys()) {
      const bytes = binaryBytes(field);
      bytesTag(bytes, tagRange);
      if (tagRange.start !== 0 && (tagRange.start !== 1 || tagRange.end !== bytes.length - 1)) {
        const tag = binaryString(bytes, tagRange.start - 1, tagRange.end + 1);
        throw new InvalidArgumentError(
          `pins[${describePinField(field)}]`,
          `the key has the hash tag ${describePinField(tag)}, and every key of a tag lives on one node: pin ${describePinField(tag)} instead`,
        );
      }
    }
    this.tagsChecked = true;
  }

  private lookupBytes(key: Uint8Array, hashTags: boolean): string | undefined {
    return this.lookupRange(key, 0, key.length, hashTags);
  }

  /** The pin of the key `bytes[start, end)`, its tag found first when `hashTags`. */
  private lookupRange(bytes: Uint8Array, start: number, end: number, hashTags: boolean): string | undefined {
    if (hashTags) {
      bytesTag(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), tagRange);
      if (tagRange.start !== 0) {
        end = start + tagRange.end + 1;
        start += tagRange.start - 1;
      }
    }
    if (end - start > MAX_PIN_FIELD_BYTES || end === start) return undefined;
    if (!this.mayHold(hashRange(bytes, start, end))) return undefined;
    return this.map.get(binaryString(bytes, start, end));
  }

  private mayHold(h: number): boolean {
    const bit = h & this.mask;
    return (this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }
}

/** Byte order of binary strings: their UTF-16 units are the bytes. */
export function compareBinary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
