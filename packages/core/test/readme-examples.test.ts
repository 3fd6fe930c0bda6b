import { describe, expect, it } from 'vitest';
import { jump, keySlot, planMove, ring } from '../src/index.ts';

// The placement example in the root README, run as written: if an algorithm's output changes,
// the README must change with it.
describe('README examples', () => {
  it('ring in ketama mode and jump with an arbitrary removal', () => {
    const nodes = [{ id: 'cache-a' }, { id: 'cache-b' }, { id: 'cache-c', weight: 2 }];
    const placement = ring(nodes, { compat: 'ketama' });
    expect(placement.locate('user:42:profile')).toBe('cache-c');
    expect(placement.replicas('user:42:profile', 2)).toEqual(['cache-c', 'cache-b']);
    const next = jump(nodes).with({ remove: ['cache-b'] });
    expect(next.nodes.map((node) => node.id)).toEqual(['cache-a', 'cache-c']);
  });

  it('the core README: immutable with(), planMove, keySlot', () => {
    const nodes = [{ id: 'cache-a' }, { id: 'cache-b' }, { id: 'cache-c', weight: 2 }];
    const placement = ring(nodes, { compat: 'ketama' });
    const next = placement.with({ add: [{ id: 'cache-d' }] });
    expect(placement.nodes).toHaveLength(3);
    const move = planMove(placement, next).moveOf('user:42:profile');
    expect(move === undefined || (move.from === 'cache-c' && move.to === 'cache-d')).toBe(true);
    expect(keySlot('{user:42}:cart')).toBe(15880);
    expect(keySlot('{user:42}:cart')).toBe(keySlot('user:42'));
  });
});
