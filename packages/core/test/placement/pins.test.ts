import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShardisError, NodeHasPinsError } from '../../src/errors.ts';
import { jump } from '../../src/placement/jump.ts';
import { isPinned, pinned } from '../../src/placement/pinned.ts';
import { MAX_PIN_FIELD_BYTES, pinField, Pins } from '../../src/placement/pins.ts';
import type { Placement } from '../../src/placement/placement.ts';
import { ring } from '../../src/placement/ring.ts';
import { planMove } from '../../src/plan/move-plan.ts';

const nodes = Array.from({ length: 6 }, (_, i) => ({ id: `n${i}` }));
const base = ring(nodes);
const latin1 = (key: string | Uint8Array): string => Buffer.from(typeof key === 'string' ? Buffer.from(key, 'utf8') : key).toString('latin1');

function thrown(run: () => unknown): Error & { code?: string; argument?: string; node?: string } {
  try {
    run();
  } catch (error) {
    expect(isShardisError(error)).toBe(true);
    return error as Error & { code?: string };
  }
  throw new Error('expected a throw');
}

/** Keys of every shape a lookup meets: plain, tagged, empty tags, unicode, lone surrogates, bytes. */
const anyKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.tuple(fc.string({ maxLength: 4 }), fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 4 })).map(([a, tag, b]) => `${a}{${tag}}${b}`),
  fc.constantFrom('{}', '{}x', 'a{}{b}', '{{x}}', 'x}{y}', 'ü{é}', '\uD800', 'a\uFFFD', '{\uDC00}'),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.uint8Array({ maxLength: 10 }),
);

describe('pinField: what a key is pinned by', () => {
  it.each([
    ['counter', 'counter'],
    ['cart:{user:42}', '{user:42}'],
    ['{user:42}', '{user:42}'],
    ['{user:42}:cart{x}', '{user:42}'],
    ['a{}{b}', 'a{}{b}'],
    ['{}', '{}'],
  ])('%s → %s', (key, field) => {
    expect(pinField(key)).toBe(field);
    expect(Buffer.from(pinField(Buffer.from(key))).toString()).toBe(field);
  });

  it('is the whole key when hash tags are off', () => {
    expect(pinField('cart:{user:42}', false)).toBe('cart:{user:42}');
  });
});

describe('Pins', () => {
  it('refuses empty and over-long fields, bad node ids and a field given twice (string and bytes alike)', () => {
    expect(thrown(() => Pins.of([['', 'n0']])).code).toBe('ERR_INVALID_ARGUMENT');
    expect(thrown(() => Pins.of([[new Uint8Array(0), 'n0']])).code).toBe('ERR_INVALID_ARGUMENT');
    expect(thrown(() => Pins.of([['x'.repeat(MAX_PIN_FIELD_BYTES + 1), 'n0']])).message).toMatch(/longer than 4096 bytes/);
    expect(() => Pins.of([['x'.repeat(MAX_PIN_FIELD_BYTES), 'n0']])).not.toThrow();
    expect(thrown(() => Pins.of([['k', '']])).argument).toBe('pins[0]');
    expect(thrown(() => Pins.of([['k', 7 as unknown as string]])).argument).toBe('pins[0]');
    expect(thrown(() => Pins.of([['é', 'n0'], [Buffer.from('é'), 'n1']])).message).toMatch(/pinned twice/);
  });

  it('lists pins sorted by bytes, text when UTF-8 and bytes otherwise; with/without are persistent', () => {
    const pins = Pins.of([['b', 'n1'], [Uint8Array.of(0xff, 0x00), 'n2'], ['{a}', 'n0']]);
    expect(pins.list()).toEqual([
      { field: 'b', node: 'n1' },
      { field: '{a}', node: 'n0' },
      { field: Uint8Array.of(0xff, 0x00), node: 'n2' },
    ]);
    const more = pins.with('b', 'n3').without('{a}');
    expect(more.get('b')).toBe('n3');
    expect(more.get('{a}')).toBeUndefined();
    expect(pins.get('b')).toBe('n1');
    expect(pins.without('absent')).toBe(pins);
    expect(more.equals(Pins.of([['b', 'n3'], [Uint8Array.of(0xff, 0x00), 'n2']]))).toBe(true);
    expect(more.equals(pins)).toBe(false);
  });
});

describe('pinned placements', () => {
  it('locate: a pinned field wins, for its tag and for a string key and its bytes alike', () => {
    const placement = pinned(base, [['hot', 'n5'], ['{user:42}', 'n4'], ['ünï', 'n3']]);
    for (const key of ['hot', 'cart:{user:42}', '{user:42}', 'x{user:42}y{z}', 'ünï']) {
      const node = placement.pins.get(pinField(key));
      expect(placement.locate(key)).toBe(node);
      expect(placement.locate(Buffer.from(key))).toBe(node);
    }
    // Not pinned: the whole key `hot{x}` follows its tag, `{hot}` is another field, `{}hot` has no tag.
    for (const key of ['hot{x}', '{hot}', 'user:42', '{user:4}', 'hot ']) expect(placement.locate(key)).toBe(base.locate(key));
    expect(placement.pinOf('a{user:42}')).toBe('n4');
    expect(placement.pinOf('other')).toBeUndefined();
  });

  it('agrees with a plain map model on every kind of key, pinned or not, string or bytes (property)', () => {
    fc.assert(
      fc.property(fc.array(anyKey, { maxLength: 40 }), fc.array(anyKey, { maxLength: 40 }), fc.boolean(), (keys, probes, hashTags) => {
        const placement = ring(nodes, { hashTags });
        const model = new Map<string, string>();
        const entries: Array<[string | Uint8Array, string]> = [];
        keys.forEach((key, i) => {
          const field = pinField(key as never, hashTags) as string | Uint8Array;
          const id = latin1(field);
          if (id.length === 0 || model.has(id)) return;
          model.set(id, `n${i % 6}`);
          entries.push([field, `n${i % 6}`]);
        });
        const subject = pinned(placement, entries);
        for (const key of [...keys, ...probes]) {
          const pin = model.get(latin1(pinField(key as never, hashTags) as string | Uint8Array));
          const expected = pin ?? placement.locate(key);
          expect(subject.locate(key)).toBe(expected);
          const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
          expect(subject.locate(bytes)).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('meets a pin on U+FFFD with a string key holding a lone surrogate (both are the same Redis key)', () => {
    const placement = pinned(base, [['a\uFFFD', 'n2'], ['{\uFFFD}', 'n1']]);
    expect(placement.locate('a\uD800')).toBe('n2');
    expect(placement.locate('x{\uDC00}')).toBe('n1');
  });

  it('finds every one of 100,000 pins and misplaces no unpinned key (filter false positives are checked)', () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => [i % 2 === 0 ? `hot:${i}` : `{t${i}}`, `n${i % 6}`] as const);
    const placement = pinned(base, entries);
    for (let i = 0; i < 100_000; i += 7) expect(placement.locate(i % 2 === 0 ? `hot:${i}` : `k{t${i}}`)).toBe(`n${i % 6}`);
    for (let i = 0; i < 20_000; i++) {
      const key = i % 2 === 0 ? `hot:${i}:x` : `k{t${i}x}`;
      expect(placement.locate(key)).toBe(base.locate(key));
    }
  });

  it('refuses a pin to a node the placement does not have, naming the pin', () => {
    const error = thrown(() => pinned(base, [['ok', 'n0'], ['{hot}', 'n9']]));
    expect(error.code).toBe('ERR_UNKNOWN_NODE');
    expect(error.node).toBe('n9');
    expect(error.message).toContain('pins["{hot}"]');
  });

  it('refuses a key with a tag (its keys follow the tag) and says what to pin; accepts it without hash tags', () => {
    const error = thrown(() => pinned(base, [['cart:{user:42}', 'n0']]));
    expect(error.code).toBe('ERR_INVALID_ARGUMENT');
    expect(error.message).toMatch(/pin "\{user:42\}" instead/);
    expect(pinned(ring(nodes, { hashTags: false }), [['cart:{user:42}', 'n0']]).locate('cart:{user:42}')).toBe('n0');
  });

  it('replicas: the pinned node first, then the algorithm order without it', () => {
    const placement = pinned(base, [['hot', 'n5']]);
    for (const n of [1, 3, 6]) {
      const list = placement.replicas('hot', n);
      expect(list).toHaveLength(n);
      expect(list[0]).toBe('n5');
      expect(new Set(list).size).toBe(n);
    }
    expect(placement.replicas('cold', 3)).toEqual(base.replicas('cold', 3));
    expect(thrown(() => placement.replicas('hot', 7)).code).toBe('ERR_INVALID_ARGUMENT');
  });

  it('with: keeps pins; removing a node that pins point at is refused, listing them', () => {
    const placement = pinned(base, [['hot', 'n5'], ['{a}', 'n5'], ['{b}', 'n1']]);
    const error = thrown(() => placement.with({ remove: ['n5', 'n0'] })) as NodeHasPinsError;
    expect(error).toBeInstanceOf(NodeHasPinsError);
    expect(error.code).toBe('ERR_NODE_PINNED');
    expect(error.node).toBe('n5');
    expect(error.count).toBe(2);
    expect(error.pins).toEqual(['hot', '{a}']);
    expect(error.message).toContain('"hot", "{a}"');
    const next = placement.with({ remove: ['n0'], add: [{ id: 'n6' }] });
    expect(isPinned(next)).toBe(true);
    expect(next.locate('x{a}')).toBe('n5');
    expect(next.nodes.map((node) => node.id)).not.toContain('n0');
    expect(placement.nodes).toHaveLength(6);
    // A pin moved away first lets the node go.
    expect(() => placement.pin('hot', 'n1').pin('{a}', 'n2').with({ remove: ['n5'] })).not.toThrow();
    expect(thrown(() => placement.with({ remove: ['zz'] })).code).toBe('ERR_UNKNOWN_NODE');
  });

  it('toSpec is the algorithm alone; the pins travel beside it and rebuild the same placement', () => {
    const placement = pinned(jump(nodes), [['hot', 'n2']]);
    expect(placement.toSpec()).toEqual(jump(nodes).toSpec());
    const again = pinned(jump(nodes), placement.pins);
    for (const key of ['hot', 'a', 'b{c}']) expect(again.locate(key)).toBe(placement.locate(key));
  });
});

describe('planMove over pinned placements', () => {
  const keys = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? `k{t${i % 40}}:${i}` : `k:${i}`));

  function check(from: Placement, to: Placement): void {
    const plan = planMove(from, to);
    expect(plan.kind).toBe('pinned');
    if (plan.kind !== 'pinned') return;
    const sources = new Set(plan.sources());
    const targets = new Set(plan.targets());
    for (const key of keys) {
      const a = from.locate(key);
      const b = to.locate(key);
      const move = plan.moveOf(key);
      expect(move === undefined ? undefined : { from: move.from, to: move.to }).toEqual(a === b ? undefined : { from: a, to: b });
      if (a !== b) {
        expect(sources.has(a), `${key} leaves ${a}`).toBe(true);
        expect(targets.has(b), `${key} reaches ${b}`).toBe(true);
      }
    }
  }

  it('is exact per key and its sources cover every moving key, for pins and node changes together (property)', () => {
    const fields = fc.constantFrom('k:3', 'k:4', 'k:10', '{t1}', '{t2}', '{t3}', '{t4}', 'absent');
    const pinSet = fc.dictionary(fields, fc.constantFrom('n0', 'n1', 'n2', 'n3'), { maxKeys: 6 });
    fc.assert(
      fc.property(pinSet, pinSet, fc.boolean(), (before, after, addNode) => {
        const from = pinned(base, Object.entries(before));
        const next = addNode ? base.with({ add: [{ id: 'n6' }] }) : base;
        check(from, pinned(next, Object.entries(after)));
        check(base, pinned(next, Object.entries(after)));
      }),
      { numRuns: 60 },
    );
  });

  it('pinning one key or tag: only its node is a source, and the algorithm part moves nothing', () => {
    const plan = planMove(pinned(base, []), pinned(base, [['{t7}', 'n0']]));
    if (plan.kind !== 'pinned') throw new Error('expected a pinned plan');
    const owner = base.locate('{t7}');
    expect(plan.pinsOnly).toBe(true);
    expect(plan.pinMoves()).toEqual(owner === 'n0' ? [] : [{ field: '{t7}', from: owner, to: 'n0' }]);
    expect(plan.sources()).toEqual(owner === 'n0' ? [] : [owner]);
    // Unpinning sends the tag back to the algorithm's owner.
    const back = planMove(pinned(base, [['{t7}', 'n0']]), base);
    expect(back.moveOf('x{t7}')).toEqual(owner === 'n0' ? undefined : { from: 'n0', to: owner });
  });

  it('keeps the range plan of the algorithms underneath', () => {
    const plan = planMove(pinned(base, [['hot', 'n1']]), pinned(base.with({ add: [{ id: 'n6' }] }), [['hot', 'n1']]));
    if (plan.kind !== 'pinned') throw new Error('expected a pinned plan');
    expect(plan.base.kind).toBe('ranges');
    expect(plan.pinsOnly).toBe(false);
    expect(plan.sources()).toEqual(plan.base.kind === 'ranges' ? plan.base.sources() : []);
  });
});

describe('Pins.update: many changes in one copy', () => {
  it('unpins, then pins (adding or moving), and names the entry it refuses', () => {
    const pins = Pins.of([['a', 'n0'], ['b', 'n1']]);
    const next = pins.update({ unpin: ['a'], pin: [['b', 'n2'], ['c', 'n3']] });
    expect(next.list()).toEqual([{ field: 'b', node: 'n2' }, { field: 'c', node: 'n3' }]);
    expect(pins.size).toBe(2);
    expect(thrown(() => pins.update({ unpin: ['b', 'zz'] })).argument).toBe('unpin[1]');
    expect(thrown(() => pins.update({ pin: [['x', 'n0'], [Buffer.from('x'), 'n1']] })).argument).toBe('pin[1]');
    const many = Pins.empty.update({ pin: Array.from({ length: 50_000 }, (_, i) => [`k${i}`, 'n0'] as const) });
    expect(many.size).toBe(50_000);
  });
});
