import { describe, expect, it } from 'vitest';
import type { PlacementContender } from '../src/contenders/placement/index.ts';
import { hashringContender } from '../src/contenders/placement/hashring.ts';
import { ringKetamaContender } from '../src/contenders/placement/ring-ketama.ts';
import { profileKeys } from '../src/keys.ts';
import { AgreementError } from '../src/suite.ts';
import { checkAgreement } from '../src/suites/algorithms/agreement.ts';

const keys = profileKeys(2000);

/** A contender that claims hashring's placement but puts every key on the first node. */
const impostor: PlacementContender = {
  name: 'impostor',
  origin: 'shardis',
  description: 'claims to be hashring',
  sameAs: 'hashring',
  removes: 'any',
  deterministic: true,
  build(nodes) {
    const built = { lookup: { locate: () => nodes[0]! }, add: () => built, remove: () => built };
    return built;
  },
};

describe('checkAgreement', () => {
  it('passes ring in ketama mode against hashring, including after add and remove', () => {
    const lines = checkAgreement([ringKetamaContender, hashringContender], [3, 7, 10], keys);
    expect(lines).toEqual([expect.stringContaining('ring (ketama) = hashring 3.2.0')]);
  });

  it('fails the run when a contender that claims the same placement disagrees', () => {
    expect(() => checkAgreement([hashringContender, impostor], [3], keys)).toThrow(AgreementError);
  });

  it('fails when a contender answers with a node it was not given', () => {
    const { sameAs: _claim, ...rest } = impostor;
    const stray: PlacementContender = { ...rest, build: (nodes) => impostor.build([`${nodes[0]}-typo`]) };
    expect(() => checkAgreement([stray], [3], keys)).toThrow(/not one of its nodes/);
  });
});
