import { InvalidArgumentError } from 'commander';
import { createTopology } from '@shardis/core';
import { UsageError } from './errors.ts';

/**
 * Argument parsers for commander. They throw commander's `InvalidArgumentError`, which commander
 * reports as `option '--x <n>' argument 'y' is invalid. <why>` and the CLI turns into exit 2.
 * Numbers are decimal only: `0x10`, `1_000` or `Infinity` are refused, not read some other way.
 */

/** A value for a message: JSON-quoted and cut to `max` characters, so hostile input is never echoed whole. */
export function quote(value: string, max = 40): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

const WHOLE = /^\d{1,16}$/;

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const text = value.trim();
    const n = Number(text);
    if (!WHOLE.test(text) || !Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    return n;
  };
}

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/** Why `text` is not a weight (a finite decimal number > 0), or undefined when it is one. */
export function weightProblem(text: string): string | undefined {
  const trimmed = text.trim();
  const n = Number(trimmed);
  if (trimmed.length > 64 || !DECIMAL.test(trimmed) || !Number.isFinite(n) || n <= 0) return `weight must be a finite number > 0, got ${quote(text)}`;
  return undefined;
}

/** A weight: a finite decimal number > 0. */
export function parseWeight(value: string, what = 'weight'): number {
  const problem = weightProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(`${what}${problem.slice('weight'.length)}`);
  return Number(value.trim());
}

const DURATION = /^(\d{1,16}(?:\.\d{1,16})?)(ms|s|m|h)?$/;
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `10s`, `2m`, `1h`, or a plain number of milliseconds. */
export function duration(value: string): number {
  const match = DURATION.exec(value.trim());
  if (match === null) throw new InvalidArgumentError('must be a duration like 500ms, 10s, 2m (a plain number is milliseconds)');
  const ms = Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms']!;
  if (!Number.isFinite(ms) || ms < 1 || ms > 2 ** 31 - 1) throw new InvalidArgumentError('must be between 1ms and about 24 days');
  return Math.round(ms);
}

const SIZE = /^(\d{1,16}(?:\.\d{1,16})?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

/** `512kib`, `10MiB`, `1gb`, or a plain number of bytes. */
export function byteSize(value: string): number {
  const match = SIZE.exec(value.trim());
  if (match === null) throw new InvalidArgumentError('must be a size like 10MiB, 512kb (a plain number is bytes)');
  const bytes = Math.round(Number(match[1]) * SIZE_UNITS[(match[2] ?? 'b').toLowerCase()]!);
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new InvalidArgumentError('must be from 1 byte to 8 PiB');
  return bytes;
}

/** Collects a repeatable option. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function oneOf<T extends string>(choices: readonly T[], what: string): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`${what} must be one of ${choices.join(', ')}`);
    return value as T;
  };
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['', '0', 'false', 'no', 'off']);

/** A boolean environment variable; anything unexpected is refused rather than read as "off" (a typo must not turn TLS off). */
export function envFlag(env: Readonly<Record<string, string | undefined>>, name: string): boolean {
  const value = env[name];
  if (value === undefined) return false;
  const word = value.trim().toLowerCase();
  if (TRUE.has(word)) return true;
  if (FALSE.has(word)) return false;
  throw new UsageError(`${name} must be 1 or 0 (or true/false, yes/no, on/off), got ${quote(value)}`);
}

/**
 * Why a node url is not acceptable, in core's own words (the same checks every client applies
 * when it reads the topology), or undefined when it is fine. Never quotes the url.
 */
export function nodeUrlProblem(url: string): string | undefined {
  try {
    createTopology({ cluster: 'check', algorithm: 'modulo', nodes: [{ id: 'check', url }] });
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/^invalid topology at nodes\[0\]\.url: /, '');
  }
}
