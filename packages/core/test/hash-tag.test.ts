import { describe, expect, it } from 'vitest';
import { hashTag } from '../src/index.ts';

describe('hashTag (Redis Cluster rule)', () => {
  it.each([
    ['{user1000}.following', 'user1000'],
    ['foo{}{bar}', undefined],
    ['foo{{bar}}zap', '{bar'],
    ['foo{bar}{zap}', 'bar'],
    ['{}', undefined],
    ['no-tag', undefined],
    ['a{b', undefined],
    ['a}b{c}', 'c'],
    ['{é}x', 'é'],
  ])('%s → %s', (key, tag) => {
    expect(hashTag(key)).toBe(tag);
    const bytes = hashTag(new TextEncoder().encode(key));
    expect(bytes === undefined ? undefined : new TextDecoder().decode(bytes)).toBe(tag);
  });
});
