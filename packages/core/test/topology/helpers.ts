import { expect } from 'vitest';
import { isShardisError } from '../../src/errors.ts';
import { createTopology, encodeTopology, type CreateTopologyInput, type Topology } from '../../src/topology/index.ts';

export interface TypedFailure {
  readonly code: string;
  readonly field: string;
  readonly message: string;
  readonly cause?: unknown;
}

/** Runs `run` and returns the InvalidTopologyError it throws; fails the test on any other outcome. */
export function invalid(run: () => unknown): TypedFailure {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) throw new Error('expected an InvalidTopologyError, but the call succeeded');
  if (!isShardisError(thrown) || thrown.code !== 'ERR_INVALID_TOPOLOGY') throw thrown;
  expect(thrown.name).toBe('InvalidTopologyError');
  return thrown as unknown as TypedFailure;
}

export function expectInvalid(run: () => unknown, field: string | RegExp, message?: RegExp): TypedFailure {
  const error = invalid(run);
  if (typeof field === 'string') expect(error.field).toBe(field);
  else expect(error.field).toMatch(field);
  if (message !== undefined) expect(error.message).toMatch(message);
  return error;
}

/**
 * Either a Topology or an InvalidTopologyError, never anything else: the guarantee every reader of
 * untrusted input gives. A wrapped algorithm error must itself be typed, so a bug in an algorithm
 * (a TypeError on odd params) shows up here instead of hiding behind the wrapper.
 */
export function outcome(run: () => Topology): 'valid' | 'invalid' {
  let result: Topology;
  try {
    result = run();
  } catch (error) {
    if (!isShardisError(error) || error.code !== 'ERR_INVALID_TOPOLOGY') throw error;
    const { field, cause } = error as unknown as TypedFailure;
    // Expected causes: the JSON parser's SyntaxError, TextDecoder's TypeError, a typed error.
    const expected = cause === undefined || cause instanceof SyntaxError || isShardisError(cause) || (field === '$' && cause instanceof TypeError);
    if (!expected) throw new Error(`untyped error behind ${field}: ${String(cause)}`, { cause });
    return 'invalid';
  }
  expect(Object.isFrozen(result)).toBe(true);
  return 'valid';
}

export const BASE_INPUT: CreateTopologyInput = {
  cluster: 'main',
  algorithm: 'jump',
  epoch: 7,
  nodes: [
    { id: 'a', url: 'redis://10.0.0.1:6379' },
    { id: 'b', url: 'redis://10.0.0.2:6379', weight: 2 },
    { id: 'c', url: 'rediss://cache-3.internal:6380/1' },
  ],
};

export function baseTopology(): Topology {
  return createTopology(BASE_INPUT);
}

const baseTexts = new Map<string, string>();

/** A fresh, mutable plain-JSON copy of the base topology's document, for any algorithm. */
export function baseDocument(algorithm: CreateTopologyInput['algorithm'] = BASE_INPUT.algorithm): Record<string, any> {
  let text = baseTexts.get(algorithm);
  if (text === undefined) {
    text = encodeTopology(createTopology({ ...BASE_INPUT, algorithm }));
    baseTexts.set(algorithm, text);
  }
  return JSON.parse(text) as Record<string, any>;
}

export const textEncoder = new TextEncoder();

/** A snapshot of what a pollution attempt would change. */
export function prototypeSnapshot(): string {
  const names = [Object.prototype, Array.prototype, Function.prototype].map((proto) => Object.getOwnPropertyNames(proto).sort().join(','));
  return names.join('|');
}
