import { InvalidTopologyError } from '../errors.ts';
import type { JsonValue } from '../placement/placement.ts';
import { describeValue, indexPath, isForbiddenKey, isPlainObject, isWellFormed, memberPath, ownValue } from './read.ts';

/**
 * Copies an untrusted value into fresh, frozen JSON: the result shares nothing with the input, so
 * later changes to the input (or getters in it) cannot reach a topology. `depth` is the nesting
 * level the value would have inside a topology document (its top-level object is depth 1).
 */
export function copyJson(value: unknown, field: string, depth: number, maxDepth: number): JsonValue {
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidTopologyError(field, `must be a finite number, got ${String(value)}`);
      // -0 has no JSON form of its own: it would come back as 0 and break decode(encode(t)) = t.
      return value === 0 ? 0 : value;
    case 'string':
      if (!isWellFormed(value)) throw new InvalidTopologyError(field, 'contains a lone surrogate (not valid Unicode)');
      return value;
    case 'object':
      if (value === null) return null;
      if (depth + 1 > maxDepth) throw new InvalidTopologyError(field, `nested deeper than ${maxDepth} levels`);
      return Array.isArray(value) ? copyArray(value, field, depth + 1, maxDepth) : copyObject(value, field, depth + 1, maxDepth);
    default:
      throw new InvalidTopologyError(field, `${describeValue(value)} is not a JSON value`);
  }
}

function copyArray(array: readonly unknown[], field: string, depth: number, maxDepth: number): JsonValue[] {
  const length = array.length;
  const copy: JsonValue[] = new Array<JsonValue>(length);
  for (let i = 0; i < length; i++) {
    const at = indexPath(field, i);
    // A hole reads as undefined and is rejected at once, so a sparse array of length 2^32 - 1 costs nothing.
    copy[i] = copyJson(ownValue(array, String(i), at), at, depth, maxDepth);
  }
  return Object.freeze(copy) as JsonValue[];
}

function copyObject(object: object, field: string, depth: number, maxDepth: number): { [key: string]: JsonValue } {
  if (!isPlainObject(object)) throw new InvalidTopologyError(field, 'must be a plain object (JSON has no classes)');
  const copy: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(object)) {
    const at = memberPath(field, key);
    checkKey(key, at);
    copy[key] = copyJson(ownValue(object, key, at), at, depth, maxDepth);
  }
  return Object.freeze(copy);
}

export function checkKey(key: string, field: string): void {
  if (isForbiddenKey(key)) throw new InvalidTopologyError(field, `the key ${JSON.stringify(key)} is not allowed (prototype pollution)`);
  if (!isWellFormed(key)) throw new InvalidTopologyError(field, 'key contains a lone surrogate (not valid Unicode)');
}

/** Deeper than any value that passed `copyJson`: a guard against cycles in values that did not. */
const MAX_WRITE_DEPTH = 1000;

/**
 * RFC 8785 (JSON Canonicalization Scheme) text of a JSON value: object members sorted by the
 * UTF-16 code units of their names, no whitespace, numbers and strings as ECMAScript's
 * `JSON.stringify` writes them (shortest round-trip number form, minimal string escapes).
 * `JSON.stringify` gives exactly RFC 8785's output for well-formed strings and finite numbers,
 * which `copyJson` guarantees.
 */
export function canonicalJson(value: JsonValue, field = '$'): string {
  const parts: string[] = [];
  write(value, field, 0, parts);
  return parts.join('');
}

function write(value: unknown, field: string, depth: number, parts: string[]): void {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    parts.push(JSON.stringify(value));
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidTopologyError(field, `must be a finite number, got ${String(value)}`);
    parts.push(JSON.stringify(value));
  } else if (typeof value === 'object' && depth < MAX_WRITE_DEPTH) {
    if (Array.isArray(value)) writeArray(value, field, depth, parts);
    else writeObject(value, field, depth, parts);
  } else {
    throw new InvalidTopologyError(field, typeof value === 'object' ? 'nested too deeply (a cycle?)' : `${describeValue(value)} is not a JSON value`);
  }
}

function writeArray(array: readonly unknown[], field: string, depth: number, parts: string[]): void {
  parts.push('[');
  for (let i = 0; i < array.length; i++) {
    if (i > 0) parts.push(',');
    write(array[i], indexPath(field, i), depth + 1, parts);
  }
  parts.push(']');
}

function writeObject(object: object, field: string, depth: number, parts: string[]): void {
  // Default sort compares UTF-16 code units, which is RFC 8785's member order.
  const keys = Object.keys(object).sort();
  parts.push('{');
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0) parts.push(',');
    parts.push(JSON.stringify(key), ':');
    write((object as Record<string, unknown>)[key], memberPath(field, key), depth + 1, parts);
  }
  parts.push('}');
}
