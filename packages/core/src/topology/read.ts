import { InvalidTopologyError } from '../errors.ts';

/**
 * Reads `key` only as an own data property: never an inherited value (a polluted prototype could
 * supply one) and never a getter (it could run code, or answer differently on a second read).
 */
export function ownValue(object: object, key: string, field: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(object, key);
  if (descriptor === undefined) return undefined;
  if (!('value' in descriptor)) throw new InvalidTopologyError(field, 'must be a data property, not a getter or setter');
  return descriptor.value;
}

/** An object literal or `JSON.parse` result: no arrays, class instances, Maps or Dates (JSON would lose them). */
export function isPlainObject(value: unknown): value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Keys no topology object may have: assigning them on an ordinary object, or merging a value
 * holding them with a naive deep merge, reaches `Object.prototype`.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/** Rejects keys outside `allowed`: a misspelt field must fail loudly, not be dropped. */
export function checkKnownKeys(object: object, allowed: ReadonlySet<string>, base: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.has(key)) throw new InvalidTopologyError(memberPath(base, key), 'unknown field');
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_SHOWN_KEY = 64;

/**
 * `base.key`, or `base["odd key"]`; long keys are cut so a hostile key cannot bloat the error.
 * Members of the document itself (base `""` or `"$"`) are named bare: `epoch`, not `$.epoch`.
 */
export function memberPath(base: string, key: string): string {
  const root = base === '' || base === '$';
  const shown = key.length > MAX_SHOWN_KEY ? `${key.slice(0, MAX_SHOWN_KEY)}…` : key;
  if (IDENTIFIER.test(shown)) return root ? shown : `${base}.${shown}`;
  return `${root ? '' : base}[${JSON.stringify(shown)}]`;
}

export function indexPath(base: string, index: number): string {
  return `${base}[${index}]`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `text` has no lone surrogate. Ill-formed strings have no UTF-8 form: two different ids
 * would hash to the same bytes, and the canonical encoding (RFC 8785) forbids them.
 */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

const MAX_SHOWN_VALUE = 40;

/** A short, safe description of a rejected value for an error message. Never used for urls or seeds. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN_VALUE ? `${value.slice(0, MAX_SHOWN_VALUE)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
