import { describe, expect, it } from 'vitest';
import { createTopology, encodeTopology, topologyPlacement, validateTopology, type Topology } from '../../src/topology/index.ts';
import { BASE_INPUT, baseDocument, baseTopology, expectInvalid, invalid } from './helpers.ts';

type Doc = Record<string, any>;

/** [description, change to the base document, field, message] */
const RULES: [string, (doc: Doc) => void, string, RegExp?][] = [
  ['no version', (d) => delete d.version, 'version', /missing/],
  ['version as a string', (d) => (d.version = '1'), 'version'],
  ['version 0', (d) => (d.version = 0), 'version'],
  ['version 1.5', (d) => (d.version = 1.5), 'version'],
  ['a future version', (d) => (d.version = 2), 'version', /newer shardis; upgrade @shardis\/core/],
  ['a future version with other fields', (d) => Object.assign(d, { version: 3, shards: [] }), 'version', /upgrade/],
  ['an unknown field', (d) => (d.replicas = 2), 'replicas', /unknown field/],
  ['a misspelt field', (d) => (d.hashseed = 'ab'), 'hashseed', /unknown field/],
  ['an odd unknown field', (d) => (d['a b'] = 1), '["a b"]', /unknown field/],
  ['no cluster', (d) => delete d.cluster, 'cluster'],
  ['an empty cluster', (d) => (d.cluster = ''), 'cluster'],
  ['a cluster with a space', (d) => (d.cluster = 'a b'), 'cluster'],
  ['a cluster with a hash tag', (d) => (d.cluster = '{x}'), 'cluster'],
  ['a cluster with a glob', (d) => (d.cluster = 'a*'), 'cluster'],
  ['a cluster of 65 characters', (d) => (d.cluster = 'x'.repeat(65)), 'cluster'],
  ['a non-ASCII cluster', (d) => (d.cluster = 'café'), 'cluster'],
  ['a numeric cluster', (d) => (d.cluster = 5), 'cluster'],
  ['no epoch', (d) => delete d.epoch, 'epoch'],
  ['a negative epoch', (d) => (d.epoch = -1), 'epoch'],
  ['a fractional epoch', (d) => (d.epoch = 1.5), 'epoch'],
  ['an unsafe epoch', (d) => (d.epoch = 2 ** 53), 'epoch'],
  ['an epoch as a string', (d) => (d.epoch = '3'), 'epoch'],
  ['an epoch of NaN', (d) => (d.epoch = Number.NaN), 'epoch', /NaN/],
  ['an infinite epoch', (d) => (d.epoch = Number.POSITIVE_INFINITY), 'epoch', /Infinity/],
  ['no algorithm', (d) => delete d.algorithm, 'algorithm'],
  ['an unknown algorithm', (d) => (d.algorithm = 'consistent'), 'algorithm', /consistent/],
  ['an algorithm of the wrong type', (d) => (d.algorithm = ['ring']), 'algorithm'],
  ['no hash', (d) => delete d.hash, 'hash'],
  ['an unknown hash', (d) => (d.hash = 'sha3-512x'), 'hash', /sha3-512x/],
  ['a hash of the wrong type', (d) => (d.hash = {}), 'hash'],
  ['no hashTags', (d) => delete d.hashTags, 'hashTags'],
  ['hashTags as a string', (d) => (d.hashTags = 'true'), 'hashTags'],
  ['hashTags as 1', (d) => (d.hashTags = 1), 'hashTags'],
  ['a hashSeed that is not hex', (d) => (d.hashSeed = 'zz'), 'hashSeed'],
  ['a hashSeed of odd length', (d) => (d.hashSeed = 'abc'), 'hashSeed'],
  ['an empty hashSeed', (d) => (d.hashSeed = ''), 'hashSeed'],
  ['a hashSeed over 64 bytes', (d) => (d.hashSeed = 'ab'.repeat(65)), 'hashSeed'],
  ['a numeric hashSeed', (d) => (d.hashSeed = 1234), 'hashSeed'],
  ['no params', (d) => delete d.params, 'params'],
  ['params as an array', (d) => (d.params = []), 'params'],
  ['params as null', (d) => (d.params = null), 'params'],
  ['an unknown param', (d) => (d.params.bogus = 1), 'params.bogus', /not a parameter/],
  ['a __proto__ param', (d) => Object.defineProperty(d.params, '__proto__', { value: {}, enumerable: true }), 'params.__proto__', /not allowed/],
  ['a constructor param', (d) => (d.params.constructor = { prototype: { polluted: 1 } }), 'params.constructor', /not allowed/],
  ['a nested prototype key', (d) => (d.params.x = [{ prototype: 1 }]), 'params.x[0].prototype', /not allowed/],
  ['a lone surrogate in a param', (d) => (d.params.x = 'a\ud800'), 'params.x', /lone surrogate/],
  ['a lone surrogate in a param key', (d) => (d.params['\udc00'] = 1), 'params["\\udc00"]', /lone surrogate/],
  ['no nodes', (d) => delete d.nodes, 'nodes'],
  ['nodes as an object', (d) => (d.nodes = {}), 'nodes'],
  ['no node at all', (d) => (d.nodes = []), 'nodes', /at least one node/],
  ['a node that is not an object', (d) => (d.nodes[1] = 'b'), 'nodes[1]'],
  ['a node that is null', (d) => (d.nodes[2] = null), 'nodes[2]'],
  ['a node with an unknown field', (d) => (d.nodes[1].port = 6379), 'nodes[1].port', /unknown field/],
  ['a node with a __proto__ key', (d) => Object.defineProperty(d.nodes[0], '__proto__', { value: { id: 'x' }, enumerable: true }), 'nodes[0].__proto__'],
  ['a node without id', (d) => delete d.nodes[0].id, 'nodes[0].id'],
  ['an empty id', (d) => (d.nodes[0].id = ''), 'nodes[0].id'],
  ['a numeric id', (d) => (d.nodes[0].id = 5), 'nodes[0].id'],
  ['an id of 257 characters', (d) => (d.nodes[0].id = 'x'.repeat(257)), 'nodes[0].id'],
  ['an id with a newline', (d) => (d.nodes[0].id = 'a\nb'), 'nodes[0].id', /control/],
  ['an id with an escape', (d) => (d.nodes[0].id = 'a\u001b[31m'), 'nodes[0].id', /control/],
  ['an id with a C1 control', (d) => (d.nodes[0].id = 'a\u0085'), 'nodes[0].id', /control/],
  ['an id with a lone surrogate', (d) => (d.nodes[0].id = '\ud83d'), 'nodes[0].id', /lone surrogate/],
  ['a duplicate id', (d) => (d.nodes[2].id = 'a'), 'nodes[2].id', /duplicate node id "a" \(also nodes\[0\]\)/],
  ['a node without url', (d) => delete d.nodes[1].url, 'nodes[1].url'],
  ['a url with a password', (d) => (d.nodes[1].url = 'redis://:pw@h:1'), 'nodes[1].url', /credentials/],
  ['a url without port', (d) => (d.nodes[1].url = 'redis://h'), 'nodes[1].url', /port/],
  ['a duplicate url', (d) => (d.nodes[2].url = d.nodes[0].url), 'nodes[2].url', /same server as nodes\[0\]/],
  ['the same server over TLS', (d) => (d.nodes[1].url = 'rediss://10.0.0.1:6379'), 'nodes[1].url', /same server/],
  ['the same server as db 0', (d) => (d.nodes[1].url = 'redis://10.0.0.1:6379/0'), 'nodes[1].url', /same server/],
  ['the same server in capitals', (d) => (d.nodes[1].url = 'REDIS://10.0.0.1:6379'), 'nodes[1].url', /same server/],
  ['a node without weight', (d) => delete d.nodes[2].weight, 'nodes[2].weight'],
  ['a zero weight', (d) => (d.nodes[2].weight = 0), 'nodes[2].weight'],
  ['a negative weight', (d) => (d.nodes[2].weight = -1), 'nodes[2].weight'],
  ['a weight of -0', (d) => (d.nodes[2].weight = -0), 'nodes[2].weight'],
  ['a NaN weight', (d) => (d.nodes[2].weight = Number.NaN), 'nodes[2].weight', /NaN/],
  ['an infinite weight', (d) => (d.nodes[2].weight = Number.POSITIVE_INFINITY), 'nodes[2].weight', /Infinity/],
  ['a weight as a string', (d) => (d.nodes[2].weight = '1'), 'nodes[2].weight'],
  ['a weight of null', (d) => (d.nodes[2].weight = null), 'nodes[2].weight'],
];

describe('validateTopology', () => {
  it('accepts the base document and returns an equal, frozen, fresh topology', () => {
    const doc = baseDocument();
    const topology = validateTopology(doc);
    expect(topology).toEqual(baseTopology());
    expect(Object.isFrozen(topology) && Object.isFrozen(topology.nodes) && Object.isFrozen(topology.nodes[0])).toBe(true);
    expect(Object.isFrozen(topology.params)).toBe(true);
    expect(topology.nodes).not.toBe(doc.nodes);
    expect(topology.params).not.toBe(doc.params);
    doc.nodes[0].id = 'changed';
    doc.params.x = 1;
    expect(topology.nodes[0]!.id).toBe('a');
  });

  it.each(RULES)('rejects %s', (_, change, field, message) => {
    const doc = baseDocument();
    change(doc);
    expectInvalid(() => validateTopology(doc), field, message);
  });

  it('never echoes a hash seed', () => {
    const doc = baseDocument();
    doc.hashSeed = 'secretsecretZZ';
    const error = expectInvalid(() => validateTopology(doc), 'hashSeed');
    expect(error.message).not.toContain('secret');
  });

  it('rejects a seed on a hash that takes none', () => {
    const doc = baseDocument();
    doc.hashSeed = '00112233445566778899aabbccddeeff';
    expectInvalid(() => validateTopology(doc), 'hashSeed', /not keyed|seed/);
  });

  it('accepts a param left out, keeps the document as written, and builds the same placement', () => {
    const full = baseTopology();
    for (const key of Object.keys(full.params)) {
      const doc = baseDocument();
      delete doc.params[key];
      const partial = validateTopology(doc);
      expect(Object.keys(partial.params)).not.toContain(key);
      expect(topologyPlacement(partial).toSpec()).toEqual(topologyPlacement(full).toSpec());
    }
  });

  it('rejects state not in the algorithm\'s canonical form, so equal placements have equal bytes', () => {
    const doc = JSON.parse(encodeTopology(createTopology({ ...BASE_INPUT, algorithm: 'slots' }))) as Doc;
    const [from, to, owner] = doc.params.ranges[0] as [number, number, number];
    // The same table written with one run split in two.
    doc.params.ranges.splice(0, 1, [from, from + 9, owner], [from + 10, to, owner]);
    expectInvalid(() => validateTopology(doc), 'params.ranges', /canonical form/);
  });

  it('rejects a param of the wrong shape, with a field under params', () => {
    const doc = baseDocument();
    for (const key of Object.keys(doc.params)) {
      const bad = baseDocument();
      bad.params[key] = { wrong: true };
      const error = invalid(() => validateTopology(bad));
      expect(error.field.startsWith(`params.${key}`)).toBe(true);
    }
  });

  it('normalises -0 and case where case means nothing', () => {
    const doc = baseDocument();
    doc.epoch = -0;
    doc.nodes[2].url = 'REDISS://Cache-3.INTERNAL:6380/1';
    const topology = validateTopology(doc);
    expect(Object.is(topology.epoch, 0)).toBe(true);
    expect(topology.nodes[2]!.url).toBe('rediss://cache-3.internal:6380/1');
  });

  it('treats hashSeed: undefined as absent', () => {
    const topology = validateTopology({ ...baseDocument(), hashSeed: undefined });
    expect('hashSeed' in topology).toBe(false);
  });

  it('applies maxNodes and maxDepth, and checks the options themselves', () => {
    expectInvalid(() => validateTopology(baseDocument(), { maxNodes: 2 }), 'nodes', /more than the limit of 2/);
    expect(validateTopology(baseDocument(), { maxNodes: 3 }).nodes).toHaveLength(3);
    expect(invalid(() => validateTopology(baseDocument(), { maxDepth: 2 })).message).toMatch(/deeper than 2 levels/);
    for (const options of [{ maxNodes: 0 }, { maxDepth: 1.5 }, { maxDepth: 1001 }, { maxNodes: Number.NaN }]) {
      expect(() => validateTopology(baseDocument(), options)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    }
  });
});

describe('validateTopology on hostile JavaScript values', () => {
  it.each([
    ['undefined', undefined], ['null', null], ['a number', 5], ['a string', '{}'], ['an array', []],
    ['a Date', new Date(0)], ['a Map', new Map()], ['a class instance', new (class Topology {})()],
    ['a function', () => 1], ['a symbol', Symbol('x')], ['a bigint', 1n],
  ])('rejects %s at $', (_, value) => {
    expectInvalid(() => validateTopology(value), '$');
  });

  it('accepts a null-prototype object (some Redis clients build those)', () => {
    const doc = Object.assign(Object.create(null) as Doc, baseDocument());
    expect(validateTopology(doc)).toEqual(baseTopology());
  });

  it('rejects getters instead of running them twice', () => {
    const doc = baseDocument();
    let reads = 0;
    Object.defineProperty(doc, 'epoch', { enumerable: true, get: () => ++reads });
    expectInvalid(() => validateTopology(doc), 'epoch', /getter/);
    expect(reads).toBe(0);
    const nodeGetter = baseDocument();
    Object.defineProperty(nodeGetter.nodes, '1', { enumerable: true, get: () => ({ id: 'z', url: 'redis://z:1', weight: 1 }) });
    expectInvalid(() => validateTopology(nodeGetter), 'nodes[1]', /getter/);
  });

  it('turns a throwing proxy into a typed error at $', () => {
    const trap = (): never => {
      throw new Error('trap');
    };
    for (const handler of [{ ownKeys: trap }, { getOwnPropertyDescriptor: trap }, { getPrototypeOf: trap }]) {
      const error = expectInvalid(() => validateTopology(new Proxy(baseDocument(), handler)), '$', /could not be read/);
      expect((error.cause as Error).message).toBe('trap');
    }
    const nodes = new Proxy(baseDocument().nodes as unknown[], { get: trap, getOwnPropertyDescriptor: trap });
    expectInvalid(() => validateTopology({ ...baseDocument(), nodes }), '$');
  });

  it('rejects non-JSON values in params with their path', () => {
    const cases: [unknown, string][] = [
      [Number.NaN, 'params.x'], [Number.NEGATIVE_INFINITY, 'params.x'], [undefined, 'params.x'], [1n, 'params.x'],
      [() => 1, 'params.x'], [new Date(0), 'params.x'], [new Map(), 'params.x'], [[1, Number.NaN], 'params.x[1]'],
      [{ a: [undefined] }, 'params.x.a[0]'], [[, 1], 'params.x[0]'], [Symbol('s'), 'params.x'],
    ];
    for (const [value, field] of cases) {
      const doc = baseDocument();
      doc.params.x = value;
      expectInvalid(() => validateTopology(doc), field);
    }
  });

  it('rejects a huge sparse array at once and a cycle at the depth limit', () => {
    const doc = baseDocument();
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    doc.params.x = sparse;
    expectInvalid(() => validateTopology(doc), 'params.x[0]');
    const cyclic: Doc = {};
    cyclic.a = cyclic;
    const again = baseDocument();
    again.params.x = cyclic;
    expectInvalid(() => validateTopology(again), /^params\.x(\.a)+$/, /deeper than 32/);
    const sparseNodes = baseDocument();
    sparseNodes.nodes = new Array(3);
    expectInvalid(() => validateTopology(sparseNodes), 'nodes[0]');
  });

  it('rejects 10^5 levels of nesting without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const doc = baseDocument();
    doc.params.x = deep;
    const error = expectInvalid(() => validateTopology(doc), /^params\.x/);
    expect(error.message).toMatch(/deeper than 32 levels/);
  });

  it('ignores symbol keys, which JSON cannot carry', () => {
    const doc: Doc = baseDocument();
    doc[Symbol('extra') as unknown as string] = 1;
    expect(validateTopology(doc)).toEqual(baseTopology());
  });

  it('keeps only known node fields and reads nothing inherited', () => {
    const node = Object.create({ weight: 5, url: 'redis://inherited:1' }) as Doc;
    node.id = 'a';
    const doc = baseDocument();
    doc.nodes[0] = node;
    // An inherited weight must not count: the node is not even a plain object.
    expectInvalid(() => validateTopology(doc), 'nodes[0]');
  });
});

describe('the topology type is what validation returns', () => {
  it('has exactly the known fields, in a readable order', () => {
    const topology: Topology = baseTopology();
    expect(Object.keys(topology)).toEqual(['version', 'cluster', 'epoch', 'algorithm', 'hash', 'hashTags', 'params', 'nodes']);
    expect(Object.keys(topology.nodes[0]!)).toEqual(['id', 'url', 'weight']);
  });
});
