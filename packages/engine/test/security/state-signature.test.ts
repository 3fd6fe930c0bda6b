import fc from 'fast-check';
import { createTopology, type Topology } from '@shardis/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TopologyRejectedError } from '../../src/errors.ts';
import { stateMessage, stateSigning } from '../../src/security/state-signature.ts';
import { TopologyKeyring } from '../../src/security/topology-key.ts';
import { stateToFields, type ClusterState } from '../../src/topology/cluster-state.ts';
import { StateStore } from '../../src/topology/state-store.ts';

const KEY = 'state-signature-test-key-0123456789';
const OLD_KEY = 'the-key-before-the-rotation-0123';
const SEED = '0123456789abcdef0123456789abcdef';

const nodes = (count: number) => Array.from({ length: count }, (_, i) => ({ id: `n${i}`, url: `redis://10.0.${i >> 8}.${i & 255}:6379` }));
const topology = (epoch = 1, count = 3): Topology => createTopology({ cluster: 'c1', algorithm: 'jump', hash: 'siphash24', hashSeed: SEED, nodes: nodes(count), epoch });
const stable = (revision: number, t = topology()): ClusterState => ({ revision, mode: 'stable', topology: t, updatedAt: 1_700_000_000_000 });
const migrating = (revision: number): ClusterState => ({ revision, mode: 'migrating', source: topology(1), topology: topology(2, 4), updatedAt: 1_700_000_000_000 });

const signer = new StateStore({ cluster: 'c1', topologyKey: KEY });
const reader = new StateStore({ cluster: 'c1', topologyKey: [KEY, OLD_KEY] });
const signed = (state: ClusterState, store = signer) => store.sign(stateToFields(state));

/** What decoding did: the state, or the kind of refusal; anything else thrown fails the test. */
function outcome(fields: Record<string, string>, store = reader): ClusterState | TopologyRejectedError {
  try {
    return store.decode(fields)!;
  } catch (error) {
    if (!(error instanceof TopologyRejectedError)) throw error;
    // Messages are logged: bounded, and never a secret.
    expect(error.message.length).toBeLessThan(600);
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain(SEED);
    return error;
  }
}

const kindOf = (result: ClusterState | TopologyRejectedError) => (result instanceof TopologyRejectedError ? result.kind : 'accepted');

let prototypeKeys: string;
beforeAll(() => {
  prototypeKeys = Object.getOwnPropertyNames(Object.prototype).join();
});
afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).join()).toBe(prototypeKeys);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
});

describe('the signed message', () => {
  it('is the documented golden vector: prefix + RFC 8785 JSON of every field but signature and writer', () => {
    const fields = {
      version: '1', cluster: 'c', epoch: '3', algorithm: 'jump', hash: 'xxh3', hashTags: 'true', params: '{}',
      nodes: '[{"id":"a","url":"redis://h:1","weight":1}]', revision: '7', mode: 'stable', updatedAt: '1700000000000',
      writer: 'ignored', signature: 'ignored',
    };
    expect(stateMessage(fields).toString('utf8')).toBe(
      'shardis/state/v1\n{"algorithm":"jump","cluster":"c","epoch":"3","hash":"xxh3","hashTags":"true","mode":"stable","nodes":"[{\\"id\\":\\"a\\",\\"url\\":\\"redis://h:1\\",\\"weight\\":1}]","params":"{}","revision":"7","updatedAt":"1700000000000","version":"1"}',
    );
    // Computed with `openssl dgst -sha256 -hmac golden-vector-key-0123456789abcdef` over those bytes.
    const { sign } = stateSigning(TopologyKeyring.from('golden-vector-key-0123456789abcdef'));
    expect(sign(fields)['signature']).toBe('v1:b65dc3bc:3a9cbfd9216e4c73d87fbddd8c42102d0ee9eb3b4055497f392e930373892d36');
    expect(sign(fields)['writer']).toBeUndefined();
  });

  it('covers every field a client acts on: any change to one is a bad signature', () => {
    const fields = signed(migrating(9));
    const names = Object.keys(fields).filter((name) => name !== 'signature');
    expect(names.sort()).toEqual(['algorithm', 'cluster', 'epoch', 'hash', 'hashSeed', 'hashTags', 'mode', 'nodes', 'params', 'revision', 'source', 'updatedAt', 'version']);
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.string({ maxLength: 40 }), fc.boolean(), (name, value, remove) => {
        fc.pre(remove || value !== fields[name]);
        const altered: Record<string, string> = { ...fields };
        if (remove) delete altered[name];
        else altered[name] = value;
        expect(kindOf(outcome(altered))).toBe('bad-signature');
      }),
      { numRuns: 1000 },
    );
    // A field added by someone else is covered too; only `writer` (the compare-and-set token) is not.
    expect(kindOf(outcome({ ...fields, pins: '{"count":1,"digest":"x"}' }))).toBe('bad-signature');
    expect(kindOf(outcome({ ...fields, writer: 'anyone' }))).toBe('accepted');
  });
});

describe('verification before decoding', () => {
  it('accepts states signed with any key it holds, stable and migrating', () => {
    expect(outcome(signed(stable(3)))).toMatchObject({ revision: 3, mode: 'stable' });
    expect(outcome(signed(migrating(4)))).toMatchObject({ revision: 4, mode: 'migrating' });
    const rotatedOut = new StateStore({ cluster: 'c1', topologyKey: OLD_KEY });
    expect(outcome(signed(stable(5), rotatedOut))).toMatchObject({ revision: 5 });
  });

  it('refuses unsigned, unknown-key, replayed-with-a-new-revision and other-cluster documents', () => {
    expect(kindOf(outcome(stateToFields(stable(3))))).toBe('unsigned');
    const stranger = new StateStore({ cluster: 'c1', topologyKey: 'someone-else-entirely-0123456789' });
    expect(kindOf(outcome(signed(stable(3), stranger)))).toBe('unknown-key');
    // An old, correctly signed state copied back with a higher revision: the revision is signed.
    expect(kindOf(outcome({ ...signed(stable(3)), revision: '99' }))).toBe('bad-signature');
    // Signed with the same key for another cluster (shared key): valid signature, wrong cluster.
    const other = new StateStore({ cluster: 'c2', topologyKey: KEY });
    const foreign = other.sign(stateToFields(stable(3, createTopology({ cluster: 'c2', algorithm: 'jump', nodes: nodes(3) }))));
    expect(kindOf(outcome(foreign))).toBe('wrong-cluster');
  });

  it('a store without a key reads signed documents; one with a key refuses hooks beside it', () => {
    expect(outcome(signed(stable(3)), new StateStore({ cluster: 'c1' }))).toMatchObject({ revision: 3 });
    expect(() => new StateStore({ cluster: 'c1', topologyKey: KEY, verify: () => undefined })).toThrow(/either topologyKey/);
  });
});

/** Values an attacker may write into a field of the state hash. */
const hostileValue = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? ''),
  fc.constantFrom(
    '', ' ', 'NaN', 'Infinity', '-1', '0', '1e999', '9007199254740993', '0x10', ' 7', '__proto__',
    '[{"id":"n0","url":"redis://h:1","weight":NaN}]',
    '[{"id":"n0","url":"redis://h:1","weight":1e999}]',
    '[{"id":"n0","url":"redis://evil:6379","weight":1,"__proto__":{"polluted":1}}]',
    '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}',
    '['.repeat(100_000), '{"a":'.repeat(50_000), '"\ud800"', 'stable', 'migrating', 'frozen', 'chaos',
  ),
);
const fieldName = fc.oneof(
  fc.constantFrom('version', 'cluster', 'epoch', 'algorithm', 'hash', 'hashTags', 'hashSeed', 'params', 'nodes', 'pins', 'revision', 'mode', 'source', 'updatedAt', 'signature', 'writer'),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
  fc.string({ maxLength: 8 }),
);
const hostileFields = fc.tuple(fc.constantFrom('stable', 'migrating'), fc.array(fc.tuple(fieldName, hostileValue, fc.constantFrom('set', 'delete')), { minLength: 1, maxLength: 4 })).map(([mode, edits]) => {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  Object.assign(fields, stateToFields(mode === 'stable' ? stable(5) : migrating(5)));
  for (const [name, value, action] of edits) {
    if (action === 'delete') delete fields[name];
    else fields[name] = value;
  }
  return fields;
});

describe('hostile state documents: a ClusterState or a TopologyRejectedError, never a crash, a hang or a polluted prototype', () => {
  it('unsigned hostile documents are refused before they are decoded', () => {
    fc.assert(
      fc.property(hostileFields, (fields) => {
        delete fields['signature'];
        expect(['unsigned', 'invalid']).toContain(kindOf(outcome(fields)));
      }),
      { numRuns: 2000 },
    );
  });

  it('hostile documents signed with the key (a compromised writer) are still only decoded or refused', () => {
    const plain = new StateStore({ cluster: 'c1' });
    fc.assert(
      fc.property(hostileFields, (fields) => {
        const result = outcome(signer.sign(fields));
        expect(result instanceof TopologyRejectedError || Object.isFrozen(result.topology)).toBe(true);
        // Without a key the decoder alone sees the same documents.
        outcome(fields, plain);
      }),
      { numRuns: 2000 },
    );
  });

  it('size limits come before the HMAC: 300 fields, or 9 MB, are refused unread', () => {
    const many = signed(stable(5));
    for (let i = 0; i < 300; i++) many[`f${i}`] = 'x';
    expect(outcome(many)).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/more than 256/) });
    const huge = { ...signed(stable(5)), params: 'x'.repeat(9 * 1024 * 1024) };
    expect(outcome(huge)).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/larger than/) });
  });

  it('10,000 nodes signed are accepted; one more is refused; 1 MB of garbage in a field is refused', () => {
    const big = topology(1, 10_000);
    expect(outcome(signed(stable(6, big)))).toMatchObject({ revision: 6 });
    const tooMany = { ...stateToFields(stable(7, big)) };
    tooMany['nodes'] = JSON.stringify([...JSON.parse(tooMany['nodes']!), { id: 'extra', url: 'redis://extra:1', weight: 1 }]);
    expect(outcome(signer.sign(tooMany))).toMatchObject({ kind: 'invalid' });
    expect(outcome(signer.sign({ ...stateToFields(stable(8)), nodes: '\u00ff'.repeat(1024 * 1024) }))).toMatchObject({ kind: 'invalid' });
  });
});
