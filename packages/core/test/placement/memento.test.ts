import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmur3x86_32 } from '../../src/hash/murmur3.ts';
import { jumpBucket } from '../../src/placement/jump-hash.ts';
import { Memento, rehash } from '../../src/placement/memento.ts';

/**
 * A line-by-line port of the authors' reference (SUPSI-DTI-ISIN/java-consistent-hashing-algorithms,
 * MementoEngine.java + Memento.java), with a Map for the replacement set and buckets as owners.
 * Our Memento folds the set into the bucket table; both must answer alike after any history.
 */
class ReferenceMemento {
  bArraySize: number;
  lastRemoved: number;
  readonly table = new Map<number, { replacer: number; prevRemoved: number }>();

  constructor(size: number) {
    this.bArraySize = size;
    this.lastRemoved = size;
  }

  size(): number {
    return this.bArraySize - this.table.size;
  }

  replacer(bucket: number): number {
    return this.table.get(bucket)?.replacer ?? -1;
  }

  getBucket(lo: number, hi: number): number {
    let b = jumpBucket(lo, hi, this.bArraySize);
    let replacer = this.replacer(b);
    while (replacer >= 0) {
      b = rehash(lo, hi, b) % replacer;
      let r = this.replacer(b);
      while (r >= replacer) {
        b = r;
        r = this.replacer(b);
      }
      replacer = r;
    }
    return b;
  }

  addBucket(): number {
    const bucket = this.lastRemoved;
    if (this.table.size === 0) this.lastRemoved = bucket + 1;
    else {
      this.lastRemoved = this.table.get(bucket)!.prevRemoved;
      this.table.delete(bucket);
    }
    this.bArraySize = Math.max(this.bArraySize, bucket + 1);
    return bucket;
  }

  removeBucket(bucket: number): void {
    if (this.table.size === 0 && bucket === this.bArraySize - 1) {
      this.lastRemoved = this.bArraySize = bucket;
      return;
    }
    this.table.set(bucket, { replacer: this.size() - 1, prevRemoved: this.lastRemoved });
    this.lastRemoved = bucket;
  }
}

/** Deterministic 64-bit hashes as halves. */
function hashes(count: number, seed = 1): Uint32Array {
  const out = new Uint32Array(count * 2);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 0;
  }
  return out;
}

const identity = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Memento (MementoHash, Coluzzi et al. 2024)', () => {
  it('equals plain jump hash while nothing was removed from the middle', () => {
    const keys = hashes(20_000);
    const memento = new Memento(identity(37));
    memento.remove(36); // the last bucket: plain jump shrinks
    let differ = 0;
    for (let i = 0; i < keys.length; i += 2) if (memento.lookup(keys[i]!, keys[i + 1]!) !== jumpBucket(keys[i]!, keys[i + 1]!, 36)) differ++;
    expect(differ).toBe(0);
    expect(memento.removed).toEqual([]);
  });

  it('answers exactly like the reference engine after any sequence of removals and additions', () => {
    const keys = hashes(400, 7);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 80 }), (size, ops) => {
        const ours = new Memento(identity(size));
        const reference = new ReferenceMemento(size);
        for (const [add, pick] of ops) {
          const working = identity(ours.size).filter((b) => ours.entries[b]! >= 0);
          if (add || working.length === 1) {
            const bucket = reference.addBucket();
            expect(ours.add(bucket)).toBe(bucket);
          } else {
            const bucket = working[pick % working.length]!;
            reference.removeBucket(bucket);
            ours.remove(bucket);
          }
          expect(ours.size).toBe(reference.bArraySize);
          let mismatches = 0;
          for (let i = 0; i < keys.length; i += 2) {
            if (ours.lookup(keys[i]!, keys[i + 1]!) !== reference.getBucket(keys[i]!, keys[i + 1]!)) mismatches++;
          }
          expect(mismatches).toBe(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a removal moves only the removed bucket’s keys, spread evenly over the rest', () => {
    const keys = hashes(60_000, 3);
    const memento = new Memento(identity(20));
    for (const bucket of [4, 11, 0]) memento.remove(bucket);
    const before = [];
    for (let i = 0; i < keys.length; i += 2) before.push(memento.lookup(keys[i]!, keys[i + 1]!));
    memento.remove(7);
    const received = new Map<number, number>();
    let strays = 0;
    for (let i = 0, k = 0; i < keys.length; i += 2, k++) {
      const after = memento.lookup(keys[i]!, keys[i + 1]!);
      if (after === 7 || (after !== before[k] && before[k] !== 7)) strays++;
      if (before[k] === 7) received.set(after, (received.get(after) ?? 0) + 1);
    }
    expect(strays).toBe(0);
    // ~3,750 keys of bucket 7 over 16 working buckets: ~234 each; all 16 get their share.
    expect(received.size).toBe(16);
    for (const count of received.values()) expect(count).toBeGreaterThan(150);
  });

  it('adding after removals restores the last removed bucket and exactly its keys', () => {
    const keys = hashes(20_000, 5);
    const memento = new Memento(identity(12));
    memento.remove(3);
    const snapshot = [];
    for (let i = 0; i < keys.length; i += 2) snapshot.push(memento.lookup(keys[i]!, keys[i + 1]!));
    memento.remove(8);
    expect(memento.add(8)).toBe(8);
    const restored = [];
    for (let i = 0; i < keys.length; i += 2) restored.push(memento.lookup(keys[i]!, keys[i + 1]!));
    expect(restored).toEqual(snapshot);
    expect(memento.add(3)).toBe(3);
    expect(memento.removed).toEqual([]);
    let differ = 0;
    for (let i = 0; i < keys.length; i += 2) if (memento.lookup(keys[i]!, keys[i + 1]!) !== jumpBucket(keys[i]!, keys[i + 1]!, 12)) differ++;
    expect(differ).toBe(0);
  });

  it('stays balanced with half of 200 buckets removed', () => {
    const keys = hashes(100_000, 11);
    const memento = new Memento(identity(200));
    for (let b = 0; b < 200; b += 2) memento.remove(b);
    const load = new Map<number, number>();
    for (let i = 0; i < keys.length; i += 2) {
      const owner = memento.lookup(keys[i]!, keys[i + 1]!);
      load.set(owner, (load.get(owner) ?? 0) + 1);
    }
    expect(load.size).toBe(100);
    // 1,000 keys per bucket, σ ≈ 32: the extremes of 100 buckets stay within ±15 % (4.7σ).
    for (const count of load.values()) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('rehash is MurmurHash3_x86_32 of the 8 little-endian bytes of the 64-bit hash', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (lo, hi, seed) => {
        const bytes = new Uint8Array(8);
        new DataView(bytes.buffer).setUint32(0, lo, true);
        new DataView(bytes.buffer).setUint32(4, hi, true);
        expect(rehash(lo, hi, seed)).toBe(murmur3x86_32(bytes, 8, seed));
      }),
      { numRuns: 2_000 },
    );
  });
});
