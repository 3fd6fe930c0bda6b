import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { algorithmNames } from '../../src/placement/registry.ts';
import { canonicalJson } from '../../src/topology/json-value.ts';
import {
  createTopology,
  decodeTopology,
  encodeTopology,
  topologyFromFields,
  topologyToFields,
  validateTopology,
  type CreateTopologyInput,
  type Topology,
} from '../../src/topology/index.ts';
import { baseDocument, baseTopology, expectInvalid, textEncoder } from './helpers.ts';

/** The document with every object's keys in a random order, at every depth. */
function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, random));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = shuffleKeys((value as Record<string, unknown>)[key], random);
  return out;
}

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const hostArb = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((octets) => octets.join('.')),
  fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z0-9]{1,8}){0,3}$/).filter((host) => !/^[0-9.]+$/.test(host)),
  fc.constantFrom('[::1]', '[2001:db8::1]', '[::ffff:10.0.0.1]', '[fe80::a:b:c:d]'),
);
const idArb = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9:._-]{1,24}$/),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).filter((id) => !/[\u0000-\u001f\u007f-\u009f]/.test(id)),
);
const nodesArb = fc.uniqueArray(
  fc.record({ id: idArb, host: hostArb, scheme: fc.constantFrom('redis', 'rediss'), db: fc.option(fc.nat(15), { nil: undefined }), weight: fc.integer({ min: 1, max: 4 }) }),
  { selector: (node) => node.id, minLength: 1, maxLength: 10 },
).map((nodes) => nodes.map(({ id, host, scheme, db, weight }, i) => ({
  id,
  // A distinct port per node keeps addresses unique whatever hosts were drawn.
  url: `${scheme}://${host}:${6379 + i}${db === undefined ? '' : `/${db}`}`,
  weight,
})));

const inputArb: fc.Arbitrary<CreateTopologyInput> = fc.record({
  cluster: fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/),
  algorithm: fc.constantFrom(...algorithmNames()),
  nodes: nodesArb,
  hashTags: fc.boolean(),
  epoch: fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)),
});

describe('canonical encoding', () => {
  it('is RFC 8785 for the specification\'s own examples', () => {
    const numbers = [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001, -0, 1e21, 1e-7, 123456789012345680000];
    const doc = { numbers, string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/', literals: [null, true, false] };
    expect(canonicalJson(doc)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27,0,1e+21,1e-7,123456789012345680000],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
    const sorting = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    // Integer-like keys such as "1" come first in a JS object, but not in RFC 8785's order.
    expect(canonicalJson(sorting)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('writes a topology with sorted members, no whitespace, hashSeed only when present', () => {
    const topology: Topology = {
      version: 1, cluster: 'eu-1', epoch: 12, algorithm: 'ring', hash: 'xxhash64', hashTags: false,
      params: { vnodes: 160, compat: 'ketama', table: [[0, 1.5], { b: null, a: 'é\n' }] },
      nodes: [{ id: 'z', url: 'redis://h:1', weight: 0.5 }, { id: 'a', url: 'rediss://[::1]:2/3', weight: 2 }],
    };
    const expected = '{"algorithm":"ring","cluster":"eu-1","epoch":12,"hash":"xxhash64","hashTags":false,' +
      '"nodes":[{"id":"z","url":"redis://h:1","weight":0.5},{"id":"a","url":"rediss://[::1]:2/3","weight":2}],' +
      '"params":{"compat":"ketama","table":[[0,1.5],{"a":"é\\n","b":null}],"vnodes":160},"version":1}';
    expect(encodeTopology(topology)).toBe(expected);
    expect(encodeTopology({ ...topology, hashSeed: '0a0b' })).toBe(expected.replace('"hashTags"', '"hashSeed":"0a0b","hashTags"'));
  });

  it('rejects what has no JSON form instead of writing something else', () => {
    const broken = { ...baseTopology(), params: { x: Number.NaN } } as unknown as Topology;
    expectInvalid(() => encodeTopology(broken), 'params.x');
    expectInvalid(() => encodeTopology(null as unknown as Topology), '$');
  });

  it('round-trips: decode(encode(t)) and fromFields(toFields(t)) deep-equal t; bytes are stable', () => {
    fc.assert(
      fc.property(inputArb, fc.integer(), (input, seed) => {
        const topology = createTopology(input);
        const text = encodeTopology(topology);
        expect(decodeTopology(text)).toEqual(topology);
        expect(decodeTopology(textEncoder.encode(text))).toEqual(topology);
        expect(topologyFromFields(topologyToFields(topology))).toEqual(topology);
        expect(encodeTopology(decodeTopology(text))).toBe(text);
        // Key order and whitespace of the input never reach the bytes.
        const shuffled = shuffleKeys(JSON.parse(text), lcg(seed));
        expect(encodeTopology(validateTopology(shuffled))).toBe(text);
        expect(encodeTopology(decodeTopology(JSON.stringify(shuffled, null, 2)))).toBe(text);
      }),
      { numRuns: 150 },
    );
  });
});

describe('decodeTopology on hostile input', () => {
  const text = encodeTopology(baseTopology());

  it('checks the size before anything else, in UTF-8 bytes', () => {
    const size = textEncoder.encode(text).length;
    expect(decodeTopology(text, { maxBytes: size })).toEqual(baseTopology());
    expect(decodeTopology(`${text} `, { maxBytes: size + 1 })).toEqual(baseTopology());
    expectInvalid(() => decodeTopology(`${text} `, { maxBytes: size }), '$', /larger than the limit of/);
    expectInvalid(() => decodeTopology(textEncoder.encode(`${text} `), { maxBytes: size }), '$', /larger than/);
    // Two-byte characters count twice: the string is shorter than the limit, its bytes are not.
    const wide = text.replace('"cluster":"main"', '"cluster":"main"   ') + 'é'.repeat(10);
    expect(wide.length).toBeLessThan(size + 20);
    expectInvalid(() => decodeTopology(wide, { maxBytes: size + 19 }), '$', /larger than/);
    const big = ' '.repeat(4 * 1024 * 1024) + text;
    expectInvalid(() => decodeTopology(big), '$', /larger than the limit of 4194304 bytes/);
  });

  it('rejects deep nesting before JSON.parse can overflow the stack', () => {
    for (const deep of ['['.repeat(100_000), `${'['.repeat(100_000)}${']'.repeat(100_000)}`, `{"a":`.repeat(100_000) + '1' + '}'.repeat(100_000)]) {
      expectInvalid(() => decodeTopology(deep), '$', /deeper than 32 levels/);
      expectInvalid(() => decodeTopology(textEncoder.encode(deep)), '$', /deeper than 32 levels/);
    }
    const inParams = text.replace('"params":{', `"params":{"x":${'['.repeat(40)}${']'.repeat(40)},`);
    expectInvalid(() => decodeTopology(inParams), '$', /deeper than 32/);
  });

  it('does not count brackets inside strings', () => {
    const doc = baseDocument();
    doc.nodes[0].id = `x\\"${'['.repeat(200)}`;
    doc.nodes[1].id = 'y\\';
    doc.nodes[2].id = `"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"`;
    const decoded = decodeTopology(JSON.stringify(doc), { maxDepth: 4 });
    expect(decoded.nodes.map((node) => node.id)).toEqual([doc.nodes[0].id, 'y\\', doc.nodes[2].id]);
  });

  it('rejects syntax errors at $ with the parser message as the cause, never quoting the text', () => {
    for (const bad of ['{', '{"version":1,}', 'NaN', '{"epoch":Infinity}', '{"epoch":-Infinity}', "{'a':1}", '{"a":1}{', 'nul', '[1,]', '"\\x"', '\u0000']) {
      const error = expectInvalid(() => decodeTopology(bad), '$', /not valid JSON/);
      expect(error.cause).toBeInstanceOf(SyntaxError);
    }
    const leaky = '{"nodes":[{"url":"redis://:hunter2@h:1"}],';
    expect(expectInvalid(() => decodeTopology(leaky), '$').message).not.toContain('hunter2');
  });

  it('rejects empty input', () => {
    for (const empty of ['', '   \n\t', new Uint8Array(0), textEncoder.encode('  ')]) {
      expectInvalid(() => decodeTopology(empty), '$', /empty/);
    }
  });

  it('rejects invalid UTF-8 and a byte-order mark', () => {
    const prefix = textEncoder.encode(text.slice(0, 20));
    for (const bytes of [[0xff], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]]) {
      const input = new Uint8Array([...prefix, ...bytes, ...textEncoder.encode('"}')]);
      const error = expectInvalid(() => decodeTopology(input), '$', /not valid UTF-8/);
      expect(error.cause).toBeInstanceOf(TypeError);
    }
    expectInvalid(() => decodeTopology(new Uint8Array([0xef, 0xbb, 0xbf, ...textEncoder.encode(text)])), '$', /not valid JSON/);
    expectInvalid(() => decodeTopology(`\ufeff${text}`), '$', /not valid JSON/);
  });

  it('rejects lone surrogates, raw or escaped', () => {
    expectInvalid(() => decodeTopology(text.replace('"id":"a"', '"id":"a\ud800"')), 'nodes[0].id', /lone surrogate/);
    expectInvalid(() => decodeTopology(text.replace('"id":"a"', '"id":"a\\udfff"')), 'nodes[0].id', /lone surrogate/);
    expectInvalid(() => decodeTopology(text.replace('"cluster":"main"', '"cluster":"\\ud800"')), 'cluster');
    // A well-formed pair is fine, raw or escaped, and comes back raw.
    expect(decodeTopology(text.replace('"id":"a"', '"id":"\\ud83d\\ude00"')).nodes[0]!.id).toBe('😀');
  });

  it('rejects input that is neither text nor bytes', () => {
    for (const value of [5, null, undefined, {}, [1], new ArrayBuffer(4)]) {
      expectInvalid(() => decodeTopology(value as unknown as string), '$');
    }
  });

  it('accepts 10,000 nodes and rejects 10,001 with a typed error', () => {
    const input = (count: number): CreateTopologyInput => ({
      cluster: 'big',
      algorithm: 'jump',
      nodes: Array.from({ length: count }, (_, i) => ({ id: `n${i}`, url: `redis://10.${i >> 16}.${(i >> 8) & 255}.${i & 255}:6379` })),
    });
    const topology = createTopology(input(10_000));
    expect(decodeTopology(encodeTopology(topology)).nodes).toHaveLength(10_000);
    const over = encodeTopology(createTopology(input(10_001), { maxNodes: 10_001 }));
    expectInvalid(() => decodeTopology(over), 'nodes', /has 10001 nodes, more than the limit of 10000/);
    expectInvalid(() => validateTopology(JSON.parse(over)), 'nodes', /10001/);
    expectInvalid(() => createTopology(input(10_001)), 'nodes', /10001/);
    expect(decodeTopology(over, { maxNodes: 10_001 }).nodes).toHaveLength(10_001);
  });
});
