import { InvalidArgumentError, UnknownHashError } from '../errors.ts';
import { fnv1a } from './fnv1a.ts';
import type { Hasher } from './hasher.ts';

/**
 * Hashers a topology can name. Built-ins are registered here; a user's own hasher is passed as an
 * object (and, for topologies read from Redis, given to the decoder so the name resolves).
 */
const builtins = new Map<string, Hasher>([[fnv1a.name, fnv1a]]);

/** Name of the hasher used when none is given. */
export const DEFAULT_HASH = 'fnv1a';

export function builtinHashNames(): string[] {
  return [...builtins.keys()];
}

/** Resolves a name or a Hasher; `extra` holds user hashers that names may refer to. */
export function resolveHasher(hash: string | Hasher | undefined, extra?: ReadonlyMap<string, Hasher> | readonly Hasher[]): Hasher {
  if (hash === undefined) return builtins.get(DEFAULT_HASH)!;
  if (typeof hash === 'string') {
    const found = builtins.get(hash) ?? findExtra(hash, extra);
    if (found === undefined) throw new UnknownHashError(hash, [...builtins.keys()]);
    return found;
  }
  if (hash === null || typeof hash !== 'object' || typeof hash.hash32 !== 'function' || typeof hash.hash64 !== 'function' || typeof hash.name !== 'string' || hash.name.length === 0) {
    throw new InvalidArgumentError('options.hash', 'must be a hash name or a Hasher { name, hash32, hash64 }');
  }
  return hash;
}

function findExtra(name: string, extra: ReadonlyMap<string, Hasher> | readonly Hasher[] | undefined): Hasher | undefined {
  if (extra === undefined) return undefined;
  if (Array.isArray(extra)) return (extra as readonly Hasher[]).find((hasher) => hasher.name === name);
  return (extra as ReadonlyMap<string, Hasher>).get(name);
}
