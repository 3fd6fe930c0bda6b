import { describe, expect, it } from 'vitest';
import { applicationAclRules, operatorAclRules, patternsOutside } from '../../src/security/acl-rules.ts';

describe('ACL rules', () => {
  it('patternsOutside: "same so far, then another character" at each position, plus each proper prefix', () => {
    expect(patternsOutside('ab:')).toEqual(['[^a]*', 'a[^b]*', 'ab[^:]*', '', 'a', 'ab']);
    expect(() => patternsOutside('a*')).toThrow(/glob/);
    expect(() => patternsOutside('')).toThrow(/non-empty/);
  });

  it('the application user reads its cluster\'s control keys, writes its leases, subscribes but never publishes on the topology channel', () => {
    const rules = applicationAclRules({ cluster: 'c1', keys: ['app:*'], channels: ['app:*'], clientIdPrefix: 'app-' });
    expect(rules).toEqual([
      'resetkeys', 'resetchannels', '-@all', '+@all', '-@dangerous', '+info', '-publish', '-spublish',
      '%R~__shardis__:c1:*', '~__shardis__:c1:client:app-*', '~app:*', '&__shardis__:c1:topology', '&app:*', '(+publish +spublish &app:*)',
    ]);
    // Nothing grants writes on the state hash or PUBLISH on its channel.
    expect(rules.filter((rule) => /^(%RW|%W|~)__shardis__:c1:(\*|topology)/.test(rule))).toEqual([]);
    expect(rules.at(-1)).not.toContain('__shardis__');
  });

  it('refuses cluster names and prefixes that would widen a pattern', () => {
    expect(() => applicationAclRules({ cluster: 'c*' })).toThrow(/options.cluster/);
    expect(() => applicationAclRules({ cluster: 'c1', clientIdPrefix: 'a*' })).toThrow(/clientIdPrefix/);
    expect(operatorAclRules()).toContain('+migrate');
  });
});
