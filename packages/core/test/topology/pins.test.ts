import { describe, expect, it } from 'vitest';
import { createTopology } from '../../src/topology/create.ts';
import { decodeTopology, encodeTopology } from '../../src/topology/codec.ts';
import { describeTopologyDiff, diffTopology } from '../../src/topology/diff.ts';
import { topologyFromFields, topologyToFields } from '../../src/topology/fields.ts';
import { redactTopology } from '../../src/topology/redact.ts';
import { validateTopology } from '../../src/topology/validate.ts';
import { expectInvalid } from './helpers.ts';

const DIGEST = 'a'.repeat(64);
const base = createTopology({ cluster: 'c', algorithm: 'ring', nodes: [{ id: 'a', url: 'redis://h:1' }, { id: 'b', url: 'redis://h:2' }] });
const pinnedTopology = validateTopology({ ...base, pins: { count: 3, digest: DIGEST } });

describe('Topology.pins: a reference to the pin set, inside the canonical document', () => {
  it('round-trips through the document and the Redis fields, and is absent when nothing is pinned', () => {
    expect(pinnedTopology.pins).toEqual({ count: 3, digest: DIGEST });
    expect(decodeTopology(encodeTopology(pinnedTopology))).toEqual(pinnedTopology);
    expect(topologyFromFields(topologyToFields(pinnedTopology))).toEqual(pinnedTopology);
    expect(topologyToFields(pinnedTopology)['pins']).toBe(`{"count":3,"digest":"${DIGEST}"}`);
    expect('pins' in base).toBe(false);
    expect('pins' in topologyToFields(base)).toBe(false);
    expect(createTopology({ cluster: 'c', algorithm: 'jump', nodes: [{ id: 'a', url: 'redis://h:1' }], pins: { count: 1, digest: DIGEST } }).pins?.count).toBe(1);
  });

  it('is part of the signed bytes: the canonical text changes with the digest and the count', () => {
    const text = encodeTopology(pinnedTopology);
    expect(text).toContain(`"params":{`);
    expect(text).toMatch(/"pins":\{"count":3,"digest":"a{64}"\},"version":1\}$/);
    expect(encodeTopology(validateTopology({ ...base, pins: { count: 3, digest: 'b'.repeat(64) } }))).not.toBe(text);
    expect(encodeTopology(validateTopology({ ...base, pins: { count: 4, digest: DIGEST } }))).not.toBe(text);
  });

  it.each([
    ['pins', 'an array', []],
    ['pins', 'null', null],
    ['pins.count', 'zero (no pins means no field)', { count: 0, digest: DIGEST }],
    ['pins.count', 'a fraction', { count: 1.5, digest: DIGEST }],
    ['pins.count', 'more than MAX_PINS', { count: 1_000_001, digest: DIGEST }],
    ['pins.digest', 'uppercase hex', { count: 1, digest: 'A'.repeat(64) }],
    ['pins.digest', 'too short', { count: 1, digest: 'a'.repeat(63) }],
    ['pins.extra', 'an unknown member', { count: 1, digest: DIGEST, extra: 1 }],
  ])('refuses %s: %s', (field, _case, pins) => {
    expectInvalid(() => validateTopology({ ...base, pins }), field);
  });

  it('shows in a diff and stays visible when redacted (a count and a digest reveal no key)', () => {
    const diff = diffTopology(base, pinnedTopology);
    expect(diff.pins).toEqual({ from: 0, to: 3 });
    expect(diff.unchanged).toBe(false);
    expect(diff.remapsMostKeys).toEqual([]);
    expect(describeTopologyDiff(diff)).toContain('~ pins change: 0 → 3 pinned keys or tags');
    expect(diffTopology(pinnedTopology, pinnedTopology).pins).toBeUndefined();
    expect(redactTopology(pinnedTopology).pins).toEqual(pinnedTopology.pins);
  });
});
