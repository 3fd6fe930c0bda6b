import { describe, expect, it } from 'vitest';
import { TOPOLOGY_FIELD_NAMES, topologyFromFields, topologyToFields } from '../../src/topology/index.ts';
import { baseTopology, expectInvalid, prototypeSnapshot } from './helpers.ts';

describe('Redis hash fields', () => {
  it('writes every field as a string, params and nodes as canonical JSON', () => {
    const topology = baseTopology();
    const fields = topologyToFields(topology);
    expect(Object.keys(fields)).toEqual(['version', 'cluster', 'epoch', 'algorithm', 'hash', 'hashTags', 'params', 'nodes']);
    expect(fields).toMatchObject({ version: '1', cluster: 'main', epoch: '7', algorithm: 'jump', hashTags: 'true' });
    expect(fields['nodes']).toBe(
      '[{"id":"a","url":"redis://10.0.0.1:6379","weight":1},{"id":"b","url":"redis://10.0.0.2:6379","weight":2},' +
        '{"id":"c","url":"rediss://cache-3.internal:6380/1","weight":1}]',
    );
    expect(JSON.parse(fields['params']!)).toEqual(topology.params);
    expect(TOPOLOGY_FIELD_NAMES).toContain('hashSeed');
    expect(topologyFromFields(fields)).toEqual(topology);
  });

  it('ignores fields it does not know, never reading them', () => {
    const fields = { ...topologyToFields(baseTopology()), signature: 'abc', updatedAt: '2024' };
    Object.defineProperty(fields, 'trap', { enumerable: true, get: () => { throw new Error('read'); } });
    expect(topologyFromFields(fields)).toEqual(baseTopology());
  });

  it('accepts a null-prototype reply and ignores a __proto__ field', () => {
    const before = prototypeSnapshot();
    const fields = Object.assign(Object.create(null) as Record<string, string>, topologyToFields(baseTopology()));
    Object.defineProperty(fields, '__proto__', { value: '{"polluted":1}', enumerable: true });
    expect(topologyFromFields(fields)).toEqual(baseTopology());
    expect(prototypeSnapshot()).toBe(before);
  });

  const RULES: [string, Record<string, string | undefined>, string, RegExp?][] = [
    ['no version', { version: undefined }, 'version', /missing/],
    ['a future version', { version: '2' }, 'version', /upgrade/],
    ['a version with a sign', { version: '+1' }, 'version'],
    ['an epoch with a leading zero', { epoch: '07' }, 'epoch'],
    ['a negative epoch', { epoch: '-1' }, 'epoch'],
    ['an epoch in exponent form', { epoch: '1e3' }, 'epoch'],
    ['an empty epoch', { epoch: '' }, 'epoch'],
    ['an unsafe epoch', { epoch: '9007199254740992' }, 'epoch'],
    ['an epoch of 21 digits', { epoch: '1'.repeat(21) }, 'epoch'],
    ['hashTags of "yes"', { hashTags: 'yes' }, 'hashTags'],
    ['no cluster', { cluster: undefined }, 'cluster'],
    ['a bad cluster', { cluster: 'a b' }, 'cluster'],
    ['params that are not JSON', { params: '{vnodes:1}' }, 'params', /not valid JSON/],
    ['empty params', { params: '' }, 'params', /empty/],
    ['params as an array', { params: '[]' }, 'params'],
    ['deeply nested params', { params: '['.repeat(100_000) }, 'params', /deeper than 32/],
    ['nodes that are not JSON', { nodes: '[{"id":"a"' }, 'nodes', /not valid JSON/],
    ['deeply nested nodes', { nodes: `[${'{"a":'.repeat(100_000)}` }, 'nodes', /deeper than 32/],
    ['nodes with a bad weight', { nodes: '[{"id":"a","url":"redis://h:1","weight":0}]' }, 'nodes[0].weight'],
    ['a hashSeed that is not hex', { hashSeed: 'xyz!' }, 'hashSeed'],
  ];

  it.each(RULES)('rejects %s', (_, change, field, message) => {
    const fields: Record<string, string> = { ...topologyToFields(baseTopology()) };
    for (const [name, value] of Object.entries(change)) {
      if (value === undefined) delete fields[name];
      else fields[name] = value;
    }
    expectInvalid(() => topologyFromFields(fields), field, message);
  });

  it('rejects a field that is not a string, and a reply that is not an object', () => {
    const fields = { ...topologyToFields(baseTopology()), epoch: 7 } as unknown as Record<string, string>;
    expectInvalid(() => topologyFromFields(fields), 'epoch', /must be a string/);
    for (const reply of [null, [], new Map(), 'x']) {
      expectInvalid(() => topologyFromFields(reply as unknown as Record<string, string>), '$');
    }
    expectInvalid(() => topologyFromFields({}), 'version', /missing/);
  });

  it('limits the total size of the known fields', () => {
    const fields = topologyToFields(baseTopology());
    const size = Object.values(fields).reduce((sum, value) => sum + new TextEncoder().encode(value).length, 0);
    expect(topologyFromFields(fields, { maxBytes: size })).toEqual(baseTopology());
    expectInvalid(() => topologyFromFields(fields, { maxBytes: size - 1 }), '$', /larger than/);
    expectInvalid(() => topologyFromFields({ ...fields, params: ' '.repeat(5_000_000) }), '$', /larger than/);
  });
});
