/**
 * Helpers for the ring, rendezvous, maglev and modulo tests: key sets, load counts, the
 * random-assignment floor, and the contract checks every one of these placements must pass.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { resolveHasher } from '../../src/hash/registry.ts';
import { createPlacement } from '../../src/placement/registry.ts';
import type { Algorithm, NodeSpec, Placement, PlacementSpec } from '../../src/placement/placement.ts';

export const keysOf = (count: number, prefix = 'user:'): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}:profile`);

export function loads(placement: Placement, keys: readonly string[]): Map<string, number> {
  const counts = new Map(placement.nodes.map((node) => [node.id, 0]));
  for (const key of keys) {
    const owner = placement.locate(key);
    counts.set(owner, counts.get(owner)! + 1);
  }
  return counts;
}

/** Highest load over its weighted fair share. */
export function maxOverMean(counts: ReadonlyMap<string, number>, nodes: readonly NodeSpec[]): number {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const weightSum = nodes.reduce((sum, node) => sum + (node.weight ?? 1), 0);
  let worst = 0;
  for (const node of nodes) worst = Math.max(worst, counts.get(node.id)! / ((total * (node.weight ?? 1)) / weightSum));
  return worst;
}

/**
 * max/mean of a uniformly random weighted assignment of as many keys, the best any hash-based
 * placement can hope for. Averaged over a few draws (xorshift, fixed seed) so one lucky or unlucky
 * draw does not set the bar.
 */
export function randomFloor(nodes: readonly NodeSpec[], keyCount: number, draws = 5): number {
  const weights = nodes.map((node) => node.weight ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  let running = 0;
  const cumulative = weights.map((w) => (running += w / total));
  let state = 0x9e3779b9;
  let sum = 0;
  for (let d = 0; d < draws; d++) {
    const counts = new Map(nodes.map((node) => [node.id, 0]));
    for (let k = 0; k < keyCount; k++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const u = (state >>> 0) / 0x100000000;
      let i = cumulative.findIndex((c) => u < c);
      if (i === -1) i = nodes.length - 1;
      const id = nodes[i]!.id;
      counts.set(id, counts.get(id)! + 1);
    }
    sum += maxOverMean(counts, nodes);
  }
  return sum / draws;
}

/** The hasher a spec names, as the registry resolves it. */
export function hasherFor(spec: PlacementSpec) {
  return resolveHasher(spec.hash, { seed: spec.hashSeed });
}

/** The placement's spec through JSON and back: once by the algorithm, once by `createPlacement`. */
export function rebuild(algorithm: Algorithm, placement: Placement): Placement {
  const spec = JSON.parse(JSON.stringify(placement.toSpec())) as PlacementSpec;
  const direct = algorithm.fromSpec(spec, hasherFor(spec));
  expect(direct.toSpec()).toEqual(spec);
  return createPlacement(spec);
}

export const nodeIds = fc.uniqueArray(
  fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 6379, max: 6390 })).map(([host, port]) => `10.0.0.${host}:${port}`),
    fc.string({ minLength: 1, maxLength: 12 }),
  ),
  { minLength: 1, maxLength: 40 },
);

export const weightedNodes = nodeIds.chain((ids) =>
  fc.tuple(...ids.map((id) => fc.integer({ min: 1, max: 5 }).map((weight) => ({ id, weight })))),
);

export const someKey = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.nat().map((i) => `user:${i}`));

/** Checks a typed shardis error by `code` and the field it names. */
export function expectError(run: () => unknown, code: string, where?: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a throw').toBeInstanceOf(Error);
  const error = caught as Error & { code?: string; field?: string; argument?: string; node?: string };
  expect(error.code, error.message).toBe(code);
  if (where !== undefined) expect(error.field ?? error.argument ?? error.node).toBe(where);
}

export interface ContractOptions {
  /** Placement independent of the order nodes are given in. */
  readonly orderFree: boolean;
  /** Weights the algorithm accepts (modulo: integers only). */
  readonly fractionalWeights: boolean;
}

/**
 * The part of the Placement contract that is the same for every algorithm here: determinism,
 * order (in)dependence, replicas, immutability of `with`, spec round trip, and typed errors.
 */
export function placementContract(
  algorithm: Algorithm,
  create: (nodes: readonly NodeSpec[]) => Placement,
  { orderFree, fractionalWeights }: ContractOptions,
): void {
  it('is deterministic: two placements from the same input agree on every key', () => {
    fc.assert(
      fc.property(weightedNodes, fc.array(someKey, { maxLength: 50 }), (nodes, keys) => {
        const [a, b] = [create(nodes), create(nodes.map((node) => ({ ...node })))];
        for (const key of keys) expect(b.locate(key)).toBe(a.locate(key));
      }),
      { numRuns: 30 },
    );
  });

  if (orderFree) {
    it('does not depend on the order nodes are given in', () => {
      fc.assert(
        fc.property(weightedNodes.chain((nodes) => fc.tuple(fc.constant(nodes), fc.shuffledSubarray(nodes, { minLength: nodes.length }))), fc.array(someKey, { maxLength: 50 }), ([nodes, shuffled], keys) => {
          const [a, b] = [create(nodes), create(shuffled)];
          for (const key of keys) {
            expect(b.locate(key)).toBe(a.locate(key));
            expect(b.replicas(key, nodes.length)).toEqual(a.replicas(key, nodes.length));
          }
          expect(b.toSpec()).toEqual(a.toSpec());
        }),
        { numRuns: 30 },
      );
    });
  }

  it('replicas are distinct, start with locate, and extend each other', () => {
    fc.assert(
      fc.property(weightedNodes, someKey, (nodes, key) => {
        const placement = create(nodes);
        const all = placement.replicas(key, nodes.length);
        expect(new Set(all).size).toBe(nodes.length);
        expect(all[0]).toBe(placement.locate(key));
        for (let n = 1; n <= nodes.length; n++) expect(placement.replicas(key, n)).toEqual(all.slice(0, n));
      }),
      { numRuns: 40 },
    );
  });

  it('rejects a replica count outside [1, nodes] or not an integer', () => {
    const placement = create([{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
    for (const n of [0, 4, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expectError(() => placement.replicas('k', n), 'ERR_INVALID_ARGUMENT', 'replicas.n');
  });

  it('with() returns a new placement and leaves the old one untouched', () => {
    fc.assert(
      fc.property(weightedNodes, fc.array(someKey, { minLength: 1, maxLength: 40 }), (nodes, keys) => {
        const before = create(nodes);
        const owners = keys.map((key) => before.locate(key));
        const spec = JSON.stringify(before.toSpec());
        const after = before.with({ add: [{ id: '\u0000new', weight: 2 }], ...(nodes.length > 1 ? { remove: [nodes[0]!.id] } : {}) });
        expect(after).not.toBe(before);
        expect(after.nodes.map((node) => node.id)).toContain('\u0000new');
        expect(keys.map((key) => before.locate(key))).toEqual(owners);
        expect(JSON.stringify(before.toSpec())).toBe(spec);
      }),
      { numRuns: 20 },
    );
    const placement = create([{ id: 'a' }, { id: 'b' }]);
    expect(Object.isFrozen(placement.nodes)).toBe(true);
    expect(Object.isFrozen(placement.nodes[0])).toBe(true);
    expect(() => (placement.nodes as { id: string; weight: number }[]).push({ id: 'c', weight: 1 })).toThrow(TypeError);
  });

  it('rebuilds from its spec (through JSON) a placement that locates every key alike', () => {
    fc.assert(
      fc.property(weightedNodes, fc.array(someKey, { maxLength: 60 }), (nodes, keys) => {
        const placement = create(nodes);
        const rebuilt = rebuild(algorithm, placement);
        expect(rebuilt.toSpec()).toEqual(placement.toSpec());
        for (const key of keys) {
          expect(rebuilt.locate(key)).toBe(placement.locate(key));
          expect(rebuilt.replicas(key, nodes.length)).toEqual(placement.replicas(key, nodes.length));
        }
      }),
      { numRuns: 20 },
    );
  });

  it('hashes a string key and its UTF-8 bytes alike', () => {
    const placement = create([{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }]);
    fc.assert(fc.property(someKey, (key) => placement.locate(new TextEncoder().encode(key)) === placement.locate(key)), { numRuns: 200 });
  });

  it('rejects bad node lists and changes with typed errors', () => {
    expectError(() => create([]), 'ERR_INVALID_NODES', 'nodes');
    for (const weight of [Number.NaN, Number.POSITIVE_INFINITY, 0, -1]) expectError(() => create([{ id: 'a', weight }]), 'ERR_INVALID_NODES', 'nodes[0].weight');
    if (!fractionalWeights) expectError(() => create([{ id: 'a', weight: 1.5 }]), 'ERR_INVALID_NODES', 'nodes[0].weight');
    expectError(() => create([{ id: 'a' }, { id: 'a' }]), 'ERR_INVALID_NODES', 'nodes[1].id');
    expectError(() => create([{ id: '' }]), 'ERR_INVALID_NODES', 'nodes[0].id');
    const placement = create([{ id: 'a' }, { id: 'b' }]);
    expectError(() => placement.with({ remove: ['zz'] }), 'ERR_UNKNOWN_NODE', 'zz');
    expectError(() => placement.with({ weights: { zz: 2 } }), 'ERR_UNKNOWN_NODE', 'zz');
    expectError(() => placement.with({ weights: { a: 0 } }), 'ERR_INVALID_NODES');
    expectError(() => placement.with({ add: [{ id: 'a' }] }), 'ERR_INVALID_NODES', 'change.add[0].id');
    expectError(() => placement.with({ remove: ['a', 'b'] }), 'ERR_INVALID_NODES');
  });

  it('rejects spec params it does not know, naming them', () => {
    const spec = create([{ id: 'a' }]).toSpec();
    expectError(() => algorithm.fromSpec({ ...spec, params: { ...spec.params, bogus: 1 } }, hasherFor(spec)), 'ERR_INVALID_TOPOLOGY', 'params.bogus');
    expectError(() => algorithm.fromSpec({ ...spec, hashTags: 'yes' as unknown as boolean }, hasherFor(spec)), 'ERR_INVALID_TOPOLOGY', 'hashTags');
    expectError(() => algorithm.fromSpec({ ...spec, nodes: [{ id: 'a', weight: -2 }] }, hasherFor(spec)), 'ERR_INVALID_TOPOLOGY', 'nodes[0].weight');
  });
}
