import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jump } from '../../src/placement/jump.ts';
import { maglev } from '../../src/placement/maglev.ts';
import type { CommonOptions, NodeSpec, Placement } from '../../src/placement/placement.ts';
import { rendezvous } from '../../src/placement/rendezvous.ts';
import { ring } from '../../src/placement/ring.ts';

/**
 * Placement flooding: whoever knows the hash can choose keys (user ids, URLs) that all land on one
 * node. The attacker here brute-forces candidate ids against the public MurmurHash3 placement and
 * keeps those that land on node 0; the same ids then go to a placement keyed by SipHash-2-4 with a
 * fresh random 128-bit seed the attacker never saw.
 */
const nodes: NodeSpec[] = Array.from({ length: 10 }, (_, i) => ({ id: `node-${i}` }));
const CRAFTED = 10_000;

function craft(victim: Placement): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < CRAFTED; i++) {
    const candidate = `user:${i}`;
    if (victim.locate(candidate) === 'node-0') keys.push(candidate);
  }
  return keys;
}

function maxOverMean(placement: Placement, keys: readonly string[]): number {
  const counts = new Map(nodes.map((node) => [node.id, 0]));
  for (const key of keys) counts.set(placement.locate(key), counts.get(placement.locate(key))! + 1);
  return Math.max(...counts.values()) / (keys.length / nodes.length);
}

const secret = (): string => randomBytes(16).toString('hex');

describe.each([
  ['jump', jump],
  ['maglev', maglev],
  ['rendezvous', rendezvous],
  ['ring', ring],
] as Array<[string, (nodes: readonly NodeSpec[], options?: CommonOptions) => Placement]>)('flooding %s', (name, make) => {
  it('keys crafted against murmur3 pile onto one node; under siphash24 with a secret seed they spread evenly', () => {
    const crafted = craft(make(nodes, { hash: 'murmur3' }));
    // Every crafted key on node 0: max/mean = 10 (the number of nodes).
    expect(maxOverMean(make(nodes, { hash: 'murmur3' }), crafted)).toBe(10);
    const keyed = make(nodes, { hash: 'siphash24', hashSeed: secret() });
    const spread = maxOverMean(keyed, crafted);
    if (name === 'ring') {
      // A 160-vnode ring is itself uneven by up to ~25 % whatever the hash; the crafted keys must do
      // no worse than ordinary keys do on the same secret ring.
      const ordinary = Array.from({ length: CRAFTED }, (_, i) => `visitor:${i}:${secret().slice(0, 6)}`);
      expect(spread).toBeLessThan(maxOverMean(keyed, ordinary) + 0.1);
      expect(maxOverMean(make(nodes, { hash: 'siphash24', hashSeed: secret(), vnodes: 2000 } as CommonOptions), crafted)).toBeLessThan(1.2);
    } else {
      expect(spread).toBeLessThan(1.2);
    }
  });
});
