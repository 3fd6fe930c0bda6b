import { describe, expect, it } from 'vitest';
import { describeTopologyDiff, diffTopology, redactTopology, REDACTED, validateTopology, type Topology } from '../../src/topology/index.ts';
import { expectInvalid } from './helpers.ts';

const base: Topology = {
  version: 1, cluster: 'main', epoch: 4, algorithm: 'ring', hash: 'xxhash64', hashTags: true,
  params: { vnodes: 160, compat: 'none' },
  nodes: [
    { id: 'a', url: 'redis://a:6379', weight: 1 },
    { id: 'b', url: 'redis://b:6379', weight: 1 },
    { id: 'c', url: 'redis://c:6379', weight: 1 },
  ],
};

describe('diffTopology', () => {
  it('reports nothing but the epoch for equal topologies', () => {
    const diff = diffTopology(base, { ...base, epoch: 5 });
    expect(diff).toMatchObject({ unchanged: true, remapsMostKeys: [], added: [], removed: [], reordered: false, epoch: { from: 4, to: 5 } });
    expect(describeTopologyDiff(diff)).toEqual(['epoch 4 → 5', 'no change']);
  });

  it('lists nodes added, removed, reweighted and moved to another address', () => {
    const next: Topology = {
      ...base,
      epoch: 5,
      nodes: [
        { id: 'a', url: 'redis://a:6379', weight: 2 },
        { id: 'c', url: 'redis://c2:6379', weight: 1 },
        { id: 'd', url: 'redis://d:6379', weight: 1 },
      ],
    };
    const diff = diffTopology(base, next);
    expect(diff.added).toEqual([next.nodes[2]]);
    expect(diff.removed).toEqual([base.nodes[1]]);
    expect(diff.reweighted).toEqual([{ id: 'a', from: 1, to: 2 }]);
    expect(diff.readdressed).toEqual([{ id: 'c', from: 'redis://c:6379', to: 'redis://c2:6379' }]);
    expect(diff.reordered).toBe(false);
    expect(diff.remapsMostKeys).toEqual([]);
    expect(describeTopologyDiff(diff)).toEqual([
      'epoch 4 → 5',
      '+ node d at redis://d:6379, weight 1',
      '- node b at redis://b:6379, weight 1',
      '~ node a weight 1 → 2',
      '~ node c address redis://c:6379 → redis://c2:6379',
    ]);
  });

  it('flags changes that move almost every key, without showing the seed', () => {
    const next: Topology = { ...base, epoch: 5, algorithm: 'maglev', hash: 'murmur3', hashTags: false, hashSeed: 'ab12', params: { tableSize: 65537 } };
    const diff = diffTopology(base, next);
    expect(diff.remapsMostKeys).toHaveLength(4);
    expect(diff.algorithm).toEqual({ from: 'ring', to: 'maglev' });
    expect(diff.hashSeedChanged).toBe(true);
    expect(diff.params).toEqual(['compat', 'tableSize', 'vnodes']);
    const lines = describeTopologyDiff(diff);
    expect(lines.filter((line) => line.startsWith('!'))).toHaveLength(4);
    expect(lines.join('\n')).not.toContain('ab12');
    expect(lines).toContain('~ params change: compat, tableSize, vnodes');
  });

  it('flags a modulo resize, a reorder, a renamed cluster and an epoch that does not advance', () => {
    const modulo: Topology = { ...base, algorithm: 'modulo', params: {} };
    const diff = diffTopology(modulo, { ...modulo, nodes: [base.nodes[2]!, base.nodes[0]!] });
    expect(diff.remapsMostKeys).toEqual(['modulo placement goes from 3 to 2 nodes']);
    expect(diff.reordered).toBe(true);
    const lines = describeTopologyDiff(diffTopology(base, { ...base, cluster: 'other' }));
    expect(lines).toContain('! the epoch does not advance: clients would ignore this topology');
    expect(lines.some((line) => line.startsWith('! cluster main → other'))).toBe(true);
  });
});

describe('redactTopology', () => {
  it('hides the seed, so the result can be printed but never stored', () => {
    const secret = { ...base, hashSeed: '00112233445566778899aabbccddeeff' };
    const shown = redactTopology(secret);
    expect(shown.hashSeed).toBe(REDACTED);
    expect(JSON.stringify(shown)).not.toContain('0011223344');
    expect(secret.hashSeed).toBe('00112233445566778899aabbccddeeff');
    expectInvalid(() => validateTopology(shown), 'hashSeed');
    expect(Object.isFrozen(shown)).toBe(true);
  });

  it('leaves a topology without secrets as it was, and redacts urls that slipped through', () => {
    expect(redactTopology(base)).toEqual(base);
    expect('hashSeed' in redactTopology(base)).toBe(false);
    const leaky = { ...base, nodes: [{ id: 'a', url: 'redis://u:hunter2@a:1', weight: 1 }] };
    expect(redactTopology(leaky).nodes[0]!.url).toBe('redis://***@a:1');
  });
});
