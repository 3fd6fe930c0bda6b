import { jumpBucket } from './jump-hash.ts';

/**
 * MementoHash: Massimo Coluzzi, Amos Brocco, Alessandro Antonucci, Tiziano Leidi, "MementoHash: A
 * Stateful, Minimal Memory, Best Performing Consistent Hash Algorithm", IEEE/ACM Transactions on
 * Networking, 2024 (arXiv:2306.09783). Jump hash over a "b-array" of `size` buckets, plus a
 * replacement set for buckets removed from the middle:
 *
 * - remove(b): if nothing was removed yet and b is the last bucket, shrink the b-array (plain
 *   jump). Otherwise remember (b → replacer = working size after the removal, previous removal).
 * - add(): restore the last removed bucket (LIFO), or append one when none is removed.
 * - lookup: b = jump(key, size); while b is removed with replacer r, rehash the key seeded with b
 *   into [0, r), then follow the replacements of buckets removed earlier (replacer ≥ r).
 *
 * A removal moves only the keys of the removed bucket; an add after removals moves back exactly
 * the keys the last removal moved away. With no middle removal, lookups are plain jump hash.
 *
 * Representation: one Int32Array over the b-array is both the bucket → owner table the placement
 * needs anyway and the replacement set: a working bucket holds its owner (≥ 0), a removed one
 * holds `-(replacer + 1)`. Lookups read one array, and the removal state costs O(removed) on top
 * of the bucket table (the removal order, kept for `add`).
 */
export class Memento {
  /** Length of the b-array: working plus removed buckets. */
  size: number;
  /** Owner (≥ 0) of each working bucket, or `-(replacer + 1)` for a removed one; length ≥ size. */
  entries: Int32Array;
  /** Removed buckets, oldest first; the last one is the paper's "last removed". */
  readonly removed: number[];

  constructor(owners: ArrayLike<number>, removed: readonly number[] = []) {
    this.size = owners.length;
    this.entries = Int32Array.from(owners);
    this.removed = [...removed];
  }

  /** Number of working buckets. */
  get working(): number {
    return this.size - this.removed.length;
  }

  /** The replacer a removal of the i-th remembered bucket (0-based) gets: the paper's `size() - 1`. */
  static replacerAt(size: number, index: number): number {
    return size - index - 1;
  }

  /**
   * Rebuilds a state from its owners (-1 for a removed bucket) and the removals in order; the
   * replacers follow from the order. The caller has checked that they agree.
   */
  static restore(owners: readonly number[], removed: readonly number[]): Memento {
    const memento = new Memento(owners);
    removed.forEach((bucket, i) => {
      memento.entries[bucket] = -(Memento.replacerAt(owners.length, i) + 1);
      memento.removed.push(bucket);
    });
    return memento;
  }

  clone(): Memento {
    return new Memento(this.entries.subarray(0, this.size), this.removed);
  }

  /** True when removing `bucket` is plain jump's only removal: the last bucket, nothing remembered. */
  isTail(bucket: number): boolean {
    return this.removed.length === 0 && bucket === this.size - 1;
  }

  /** Removes a working bucket (the caller checks that it is one). */
  remove(bucket: number): void {
    if (this.isTail(bucket)) {
      this.size--;
      return;
    }
    const replacer = this.working - 1;
    this.entries[bucket] = -(replacer + 1);
    this.removed.push(bucket);
  }

  /** Adds a bucket owned by `owner`: restores the last removed one, or appends. Returns it. */
  add(owner: number): number {
    const restored = this.removed.pop();
    if (restored !== undefined) {
      this.entries[restored] = owner;
      return restored;
    }
    const bucket = this.size;
    if (bucket === this.entries.length) {
      const grown = new Int32Array(Math.max(8, bucket * 2));
      grown.set(this.entries);
      this.entries = grown;
    }
    this.entries[bucket] = owner;
    this.size++;
    return bucket;
  }

  /**
   * The owner of the key whose 64-bit hash is `hi:lo`. Allocates nothing. Terminates: replacers
   * are distinct (the i-th removal gets `size - 1 - i`), so a replacement chain cannot cycle, and
   * each pass of the outer loop rehashes into a strictly smaller range.
   */
  lookup(lo: number, hi: number): number {
    const entries = this.entries;
    let b = jumpBucket(lo, hi, this.size);
    let entry = entries[b]!;
    if (entry >= 0) return entry;
    let replacer = -entry - 1;
    for (;;) {
      b = rehash(lo, hi, b) % replacer;
      entry = entries[b]!;
      // A bucket removed before this one (larger replacer) was replaced: follow the chain down to
      // a working bucket or one removed later, whose own replacement range is smaller.
      while (entry < 0 && -entry - 1 >= replacer) {
        b = -entry - 1;
        entry = entries[b]!;
      }
      if (entry >= 0) return entry;
      replacer = -entry - 1;
    }
  }
}

/**
 * The paper's seeded re-hash `h(key, b)`, on the key's 64-bit hash: MurmurHash3_x86_32 of the
 * 8 bytes `lo, hi` (little-endian) with seed `seed`. Any client in any language reproduces it from
 * the placement's 64-bit key hash, and it needs no second pass over the key.
 */
export function rehash(lo: number, hi: number, seed: number): number {
  let h = seed | 0;
  h = murmurRound(h, lo);
  h = murmurRound(h, hi);
  h ^= 8;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function murmurRound(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
