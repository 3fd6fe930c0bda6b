import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { algorithmNames } from '../../src/placement/registry.ts';
import {
  decodeTopology,
  encodeTopology,
  topologyFromFields,
  topologyToFields,
  validateTopology,
  type Topology,
} from '../../src/topology/index.ts';
import { baseDocument, baseTopology, expectInvalid, outcome, prototypeSnapshot, textEncoder } from './helpers.ts';

const POLLUTERS = ['__proto__', 'constructor', 'prototype'];

let snapshot: string;
beforeAll(() => {
  snapshot = prototypeSnapshot();
});
afterAll(() => {
  // Nothing any test fed in reached a shared prototype.
  expect(prototypeSnapshot()).toBe(snapshot);
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
});

/** Where a mutation may land in the base document: the root, a node, params, or deeper. */
function containers(doc: Record<string, any>): Record<string, any>[] {
  const found: Record<string, any>[] = [];
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    found.push(value as Record<string, any>);
    for (const child of Object.values(value)) walk(child);
  };
  walk(doc);
  return found;
}

/** A valid document of any algorithm with one thing changed: a value replaced, a key removed, or a key added. */
const mutatedDocument = fc.tuple(
  fc.constantFrom(...algorithmNames()),
  fc.nat(),
  fc.oneof(fc.constantFrom(...POLLUTERS), fc.constantFrom('version', 'epoch', 'id', 'url', 'weight', 'nodes', 'params', 'hash', 'hashSeed'), fc.string({ maxLength: 6 })),
  fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -0, -1, 0.5, 2 ** 53, 'redis://h:1', 'redis://u:p@h:1', '', '\ud800', 'a\nb', { polluted: 1 }) },
  ),
  fc.constantFrom('replace', 'delete', 'add'),
).map(([algorithm, pick, key, value, action]) => {
  const doc = baseDocument(algorithm);
  const targets = containers(doc);
  const target = targets[pick % targets.length]!;
  const keys = Object.keys(target);
  const existing = keys.length === 0 ? key : keys[pick % keys.length]!;
  if (action === 'delete') delete target[existing];
  else if (action === 'replace') target[existing] = value;
  // defineProperty makes an own "__proto__" key, as JSON.parse does, instead of calling the setter.
  else Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return doc;
});

function expectSame(topology: Topology): void {
  expect(decodeTopology(encodeTopology(topology))).toEqual(topology);
  expect(Object.getPrototypeOf(topology)).toBe(Object.prototype);
  for (const name of POLLUTERS) expect(Object.hasOwn(topology, name)).toBe(false);
}

describe('hostile documents: only a Topology or an InvalidTopologyError, never a crash or a hang', () => {
  it('random JSON values, as values and as text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(outcome(() => validateTopology(value))).toBe('invalid');
        expect(outcome(() => decodeTopology(JSON.stringify(value) ?? ''))).toBe('invalid');
      }),
      { numRuns: 1000 },
    );
  });

  it('random JavaScript values, null prototypes, Maps, sparse arrays and boxed values included', () => {
    const anything = fc.anything({
      withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true,
      withObjectString: true, withSparseArray: true, withTypedArray: true, withUnicodeString: true,
    });
    fc.assert(fc.property(anything, (value) => {
      expect(outcome(() => validateTopology(value))).toBe('invalid');
    }), { numRuns: 500 });
  });

  it('valid documents with one mutation', () => {
    let valid = 0;
    fc.assert(
      fc.property(mutatedDocument, (doc) => {
        const text = JSON.stringify(doc);
        if (outcome(() => validateTopology(doc)) === 'valid') {
          valid++;
          expectSame(validateTopology(doc));
        }
        expect(outcome(() => decodeTopology(text))).toBe(outcome(() => validateTopology(JSON.parse(text))));
      }),
      { numRuns: 1500 },
    );
    // The mutations that keep a document valid (a new epoch, an equal value) still get exercised.
    expect(valid).toBeGreaterThan(0);
  });

  it('random text and random bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), (text, bytes) => {
        expect(outcome(() => decodeTopology(text))).toBe('invalid');
        expect(outcome(() => decodeTopology(bytes))).toBe('invalid');
      }),
      { numRuns: 1000 },
    );
  });

  it('valid documents with random bytes flipped', () => {
    const bytes = textEncoder.encode(encodeTopology(baseTopology()));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const copy = bytes.slice();
        for (const [at, value] of flips) copy[at % copy.length] = value;
        const result = outcome(() => decodeTopology(copy));
        if (result === 'valid') expectSame(decodeTopology(copy));
      }),
      { numRuns: 1000 },
    );
  });

  it('random Redis hash fields', () => {
    const names = ['version', 'cluster', 'epoch', 'algorithm', 'hash', 'hashTags', 'hashSeed', 'params', 'nodes', '__proto__', 'extra'];
    const base = topologyToFields(baseTopology());
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)))), (changes) => {
        const fields: Record<string, string> = { ...base };
        for (const [name, value] of Object.entries(changes)) Object.defineProperty(fields, name, { value, enumerable: true });
        const result = outcome(() => topologyFromFields(fields));
        if (result === 'valid') expectSame(topologyFromFields(fields));
      }),
      { numRuns: 500 },
    );
  });
});

describe('prototype pollution', () => {
  const attacks: [string, string, string][] = [
    ['at the top', '{"__proto__":{"polluted":1},', '__proto__'],
    ['as constructor.prototype', '{"constructor":{"prototype":{"polluted":1}},', 'constructor'],
    ['as prototype', '{"prototype":{"polluted":1},', 'prototype'],
  ];

  it.each(attacks)('rejects a %s key, and nothing is polluted', (_, prefix, field) => {
    const text = encodeTopology(baseTopology()).replace('{', prefix);
    expectInvalid(() => decodeTopology(text), field, /unknown field/);
    expectInvalid(() => validateTopology(JSON.parse(text)), field, /unknown field/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects them in nodes and params', () => {
    const text = encodeTopology(baseTopology());
    expectInvalid(() => decodeTopology(text.replace('{"id":"b"', '{"__proto__":{"weight":9},"id":"b"')), 'nodes[1].__proto__');
    expectInvalid(() => decodeTopology(text.replace('"params":{', '"params":{"__proto__":{"polluted":1},')), 'params.__proto__', /not allowed/);
    expectInvalid(() => decodeTopology(text.replace('"params":{', '"params":{"x":[{"constructor":{"prototype":{"polluted":1}}}],')), 'params.x[0].constructor', /not allowed/);
  });

  it('leaves no inherited junk in a result', () => {
    const topology = decodeTopology(encodeTopology(baseTopology()));
    expect(Object.getPrototypeOf(topology)).toBe(Object.prototype);
    for (const value of [topology, topology.params, ...topology.nodes]) {
      for (const name of POLLUTERS) expect(Object.hasOwn(value, name)).toBe(false);
    }
  });

  it('survives a polluted prototype: inherited values are never read from the input', () => {
    const proto = Object.prototype as Record<string, unknown>;
    const text = encodeTopology(baseTopology());
    const doc = JSON.parse(text) as { version?: number; nodes: { weight?: number }[] };
    delete doc.nodes[0]!.weight;
    delete doc.version;
    try {
      proto['weight'] = 5;
      proto['version'] = 1;
      expect(decodeTopology(text).nodes.map((node) => node.weight)).toEqual([1, 2, 1]);
      expectInvalid(() => validateTopology(doc), 'version', /missing/);
      doc.version = 1;
      expectInvalid(() => validateTopology(doc), 'nodes[0].weight');
    } finally {
      delete proto['weight'];
      delete proto['version'];
    }
  });
});
