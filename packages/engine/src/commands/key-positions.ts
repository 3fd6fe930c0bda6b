import type { CommandArgs } from '../port.ts';
import { argText } from '../reply.ts';
import type { CommandSpec, KeySpec } from './command-table.ts';

/**
 * Positions of the keys in `args`, found exactly as Redis finds them (`getKeysUsingKeySpecs` in
 * redis/src/db.c), or `undefined` when the specs cannot tell (an `unknown` or `incomplete` spec:
 * SORT with BY/GET, MIGRATE, module commands). The caller then asks the server with
 * `COMMAND GETKEYS`. A syntax error in the arguments gives `[]` and the server reports it.
 */
export function keyPositions(spec: CommandSpec, args: CommandArgs): number[] | undefined {
  const specs = spec.keySpecs;
  if (specs.length === 0) return spec.flags.has('movablekeys') ? undefined : legacyPositions(spec, args.length);
  const positions: number[] = [];
  for (const keySpec of specs) {
    if (keySpec.flags.has('not_key')) continue;
    const found = specPositions(keySpec, args);
    if (found === undefined) return undefined;
    if (found === 'invalid') return [];
    for (const position of found) positions.push(position);
    if (keySpec.flags.has('incomplete')) return undefined;
  }
  return positions;
}

/** Pre-7 servers: first/last/step from `COMMAND`, negative last counting from the end. */
function legacyPositions(spec: CommandSpec, argc: number): number[] {
  const { first, step } = spec.legacyRange;
  if (first <= 0 || step <= 0) return [];
  let last = spec.legacyRange.last;
  last = last < 0 ? argc + last : last;
  const positions: number[] = [];
  for (let i = first; i <= last && i < argc; i += step) positions.push(i);
  return positions;
}

function firstPosition(keySpec: KeySpec, args: CommandArgs): number | undefined | 'none' {
  const search = keySpec.beginSearch;
  if (search.type === 'index') return search.index;
  if (search.type === 'unknown') return undefined;
  const argc = args.length;
  const start = search.startFrom > 0 ? search.startFrom : argc + search.startFrom;
  const end = search.startFrom > 0 ? argc - 1 : 1;
  for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
    if (i >= argc || i < 1) break;
    if (argText(args[i]).toLowerCase() === search.keyword) return i + 1;
  }
  return 'none';
}

function specPositions(keySpec: KeySpec, args: CommandArgs): number[] | 'invalid' | undefined {
  const argc = args.length;
  const begin = firstPosition(keySpec, args);
  if (begin === undefined) return undefined;
  if (begin === 'none') return [];
  let first = begin;
  let last: number;
  let step: number;
  const find = keySpec.findKeys;
  if (find.type === 'range') {
    step = find.keyStep;
    if (find.lastKey >= 0) last = first + find.lastKey;
    else if (find.limit === 0) last = argc + find.lastKey;
    else last = first + (Math.floor((argc - first) / find.limit) + find.lastKey);
  } else if (find.type === 'keynum') {
    step = find.keyStep;
    const index = first + find.keyNumIndex;
    if (index >= argc || index < 0) return 'invalid';
    const count = Number(argText(args[index]));
    if (!Number.isSafeInteger(count) || count < 0) return 'invalid';
    first += find.firstKey;
    last = first + count - 1;
  } else {
    return undefined;
  }
  if (last >= argc || last < first || first >= argc) return last < first && last === first - 1 ? [] : 'invalid';
  if (step <= 0) return 'invalid';
  const positions: number[] = [];
  for (let i = first; i <= last; i += step) positions.push(i);
  return positions;
}
