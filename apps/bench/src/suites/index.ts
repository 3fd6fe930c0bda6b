import type { Suite } from '../suite.ts';
import { algorithmsSuite } from './algorithms/index.ts';
import { clientSuite } from './client/index.ts';
import { hashesSuite } from './hashes/index.ts';
import { keyedSuite } from './keyed/index.ts';
import { migrationSuite } from './migration/index.ts';

/** Every suite, in the order a full run executes them. */
export const suites: readonly Suite[] = [algorithmsSuite, hashesSuite, keyedSuite, clientSuite, migrationSuite];

export function selectSuites(names: readonly string[] | undefined): Suite[] {
  if (names === undefined) return [...suites];
  return names.map((name) => {
    const suite = suites.find((s) => s.name === name);
    if (suite === undefined) throw new Error(`unknown suite ${JSON.stringify(name)}; known: ${suites.map((s) => s.name).join(', ')}`);
    return suite;
  });
}
