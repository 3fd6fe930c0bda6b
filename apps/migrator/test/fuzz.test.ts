import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_NAME_PATTERN } from '@shardis/core';
import { CONTROL_PREFIX } from '@shardis/engine';
import { startRedis, type RedisServer } from '@shardis/testkit';
import { checkAclPatterns, globReachesPrefix } from '../src/acl-patterns.ts';
import { paramsOf } from '../src/commands/init.ts';
import { resolveConnection } from '../src/connection.ts';
import { isUsageError } from '../src/errors.ts';
import { parseNodeSpec, parseWeightSpec } from '../src/node-spec.ts';
import { byteSize, duration, integer, nodeUrlProblem, parseWeight } from '../src/parsers.ts';
import { pinFieldArg } from '../src/pin-change.ts';
import { runCli } from '../src/program.ts';
import { Secrets } from '../src/secrets.ts';
import { resolveTopologyKeys } from '../src/topology-key.ts';
import { memoryIo } from './helpers.ts';

/**
 * Every parser of the CLI's input (arguments, node specs, urls, weights, durations, sizes, the
 * environment, key and password files) fuzzed in-process: each input gives a correct value or a
 * usage error (exit 2) with a one-line message of bounded length that quotes no secret — never
 * another exception. Then whole command lines, against a seed that cannot be reached (so nothing
 * can be written): exit 0, 1 or 2, never a crash or a hang.
 */

const RUNS = 2000;
const SECRET = 'Fuzz-Secret-7d1e';
let dir = '';
let redis: RedisServer;

const hostile = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 3, arbitrary: fc.constantFrom('', ' ', '0', '-1', '1e309', '-1e309', 'NaN', 'Infinity', '0x10', '1_000', '0b11', '1e3', '.5', '5.', '1.5m', '10MiB', '__proto__', 'constructor', 'a\u0000b', '\u202e', '\ud800', '%zz', '99999999999999999999', '9'.repeat(400), 'redis://127.0.0.1:1', `redis://u:${SECRET}@127.0.0.1:1`) },
  { weight: 2, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 2000, maxLength: 20_000 }) },
);

/** A usage error (exit 2): typed, one line, bounded, without the secret. */
function expectUsageError(error: unknown): void {
  expect(isUsageError(error), String(error)).toBe(true);
  const message = (error as Error).message;
  expect(message.length).toBeGreaterThan(10);
  expect(message.length).toBeLessThan(700);
  expect(message).not.toMatch(/[\n\r]/);
  // What the CLI prints: every output is scrubbed of credentials in urls (and of registered secrets).
  expect(new Secrets().scrub(message)).not.toContain(SECRET);
}

function outcome<T>(parse: () => T): { value: T } | { error: unknown } {
  try {
    return { value: parse() };
  } catch (error) {
    return { error };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shardis-fuzz-'));
  writeFileSync(join(dir, 'password'), `${SECRET}\n`);
  redis = await startRedis();
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await redis?.stop();
});

describe('argument parsers', () => {
  it('integer: decimal digits in range, or a usage error', () => {
    const parse = integer(1, 100_000);
    fc.assert(fc.property(hostile, (text) => {
      const result = outcome(() => parse(text));
      if ('error' in result) {
        expectUsageError(result.error);
        return;
      }
      expect(text.trim()).toMatch(/^\d+$/);
      expect(result.value).toBe(Number(text.trim()));
      expect(result.value >= 1 && result.value <= 100_000).toBe(true);
    }), { numRuns: RUNS });
    fc.assert(fc.property(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('', ' '), (n, pad) => parse(`${pad}${n}${pad}`) === n), { numRuns: 200 });
  });

  it('weights: a finite decimal > 0 read exactly, or a usage error (NaN, Infinity, 1e309, 0x10 refused)', () => {
    fc.assert(fc.property(hostile, (text) => {
      const flag = outcome(() => parseWeight(text, '--weight'));
      const spec = outcome(() => parseWeightSpec(`n1=${text}`));
      if ('error' in flag) {
        expectUsageError(flag.error);
        expect((flag.error as Error).message).toMatch(/^--weight must be a finite number > 0, got "/);
        expect('error' in spec).toBe(true);
        return;
      }
      expect(Number.isFinite(flag.value) && flag.value > 0).toBe(true);
      expect(text.trim()).toMatch(/^[\d.]+(e[+-]?\d+)?$/i);
      expect(spec).toEqual({ value: ['n1', flag.value] });
    }), { numRuns: RUNS });
    fc.assert(fc.property(fc.double({ min: 5e-324, max: 1.7e308, noNaN: true }), (weight) => parseWeight(String(weight)) === weight), { numRuns: 500 });
  });

  it('durations and sizes: the grammar, exactly, within bounds; anything else a usage error', () => {
    fc.assert(fc.property(hostile, (text) => {
      const ms = outcome(() => duration(text));
      if ('error' in ms) expectUsageError(ms.error);
      else expect(Number.isSafeInteger(ms.value) && ms.value >= 1 && ms.value <= 2 ** 31 - 1).toBe(true);
      const bytes = outcome(() => byteSize(text));
      if ('error' in bytes) expectUsageError(bytes.error);
      else expect(Number.isSafeInteger(bytes.value) && bytes.value >= 1).toBe(true);
    }), { numRuns: RUNS });
    const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, '': 1 } as const;
    fc.assert(fc.property(fc.integer({ min: 1, max: 500 }), fc.constantFrom(...(Object.keys(units) as Array<keyof typeof units>)), (n, unit) => duration(`${n}${unit}`) === n * units[unit]), { numRuns: 200 });
  });

  it('node specs: id=url[,weight=N] read back exactly, or a usage error that quotes no password', () => {
    const id = fc.oneof(hostile, fc.constantFrom('n1', 'node-2', 'a=b', '__proto__', 'prototype'));
    const url = fc.oneof(hostile, fc.constantFrom('redis://127.0.0.1:6400', 'rediss://[::1]:6400/3', 'redis://h', 'http://h:1', `redis://:${SECRET}@h:1`, 'redis+sentinel://h1:1,h2:2/main', 'redis://h:1,wieght=2'));
    const weight = fc.option(hostile, { nil: undefined });
    fc.assert(fc.property(id, url, weight, (nodeId, nodeUrl, w) => {
      const spec = `${nodeId}=${nodeUrl}${w === undefined ? '' : `,weight=${w}`}`;
      const result = outcome(() => parseNodeSpec(spec));
      if ('error' in result) {
        expectUsageError(result.error);
        return;
      }
      const node = result.value;
      expect(nodeUrlProblem(node.url)).toBeUndefined();
      expect(node.url).not.toContain('@');
      expect(['__proto__', 'constructor', 'prototype']).not.toContain(node.id);
      expect(`${node.id}=${node.url}${node.weight === undefined ? '' : `,weight=${w}`}`).toBe(spec);
      if (node.weight !== undefined) expect(Number.isFinite(node.weight) && node.weight > 0).toBe(true);
    }), { numRuns: RUNS });
  });

  it('pin fields and algorithm parameters: bytes or text; parameters never touch a prototype', () => {
    fc.assert(fc.property(hostile, fc.boolean(), (text, hex) => {
      const field = outcome(() => pinFieldArg(text, hex));
      if ('error' in field) {
        expectUsageError(field.error);
        return;
      }
      expect(hex ? Buffer.from(field.value).toString('hex') : field.value).toBe(hex ? text.toLowerCase() : text);
    }), { numRuns: RUNS });
    fc.assert(fc.property(fc.array(fc.tuple(fc.oneof(hostile, fc.constantFrom('__proto__', 'constructor', 'vnodes')), hostile), { maxLength: 4 }), (pairs) => {
      const result = outcome(() => paramsOf({ algorithm: 'ring', param: pairs.map(([name, value]) => `${name}=${value}`) }));
      if ('error' in result) {
        expectUsageError(result.error);
        return;
      }
      expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>)['vnodes']).toBeUndefined();
    }), { numRuns: RUNS });
  });
});

describe('environment and files', () => {
  const vars = ['SHARDIS_CLUSTER', 'SHARDIS_SEEDS', 'SHARDIS_USERNAME', 'SHARDIS_PASSWORD', 'SHARDIS_TLS', 'SHARDIS_TOPOLOGY_KEY', 'SHARDIS_TOPOLOGY_KEY_FILE'] as const;

  it('connection settings from any flags and environment: a connection, or a usage error', () => {
    const paths = fc.oneof(hostile, fc.constant(join(tmpdir(), 'shardis-fuzz-missing')), fc.constant(dir), fc.constant(join(tmpdir(), 'shardis-fuzz-missing', 'x')));
    const flags = fc.record({
      cluster: fc.oneof(hostile, fc.constantFrom('c1', 'a.b:c-d')),
      seed: fc.array(fc.oneof(hostile, fc.constantFrom('redis://127.0.0.1:1', `redis://u:${SECRET}@127.0.0.1:1`, 'redis://:%E0%A4%A@127.0.0.1:1', 'rediss://127.0.0.1:1')), { maxLength: 3 }),
      password: hostile,
      passwordFile: paths,
      tlsCa: paths,
      tlsInsecure: fc.boolean(),
      topologyKeyFile: fc.array(paths, { maxLength: 2 }),
    }, { requiredKeys: [] });
    const env = fc.dictionary(fc.constantFrom(...vars), hostile, { maxKeys: 5 });
    fc.assert(fc.property(flags, env, (given, environment) => {
      const result = outcome(() => resolveConnection(given, environment, new Secrets(), { seedsRequired: true }));
      if ('error' in result) {
        expectUsageError(result.error);
        return;
      }
      const connection = result.value;
      expect(connection.cluster).toMatch(CLUSTER_NAME_PATTERN);
      expect(connection.seeds.length).toBeGreaterThan(0);
      for (const seed of connection.seeds) expect(nodeUrlProblem(seed)).toBeUndefined();
      for (const id of connection.topologyKeys.ids) expect(id).toMatch(/^[0-9a-f]{8}$/);
    }), { numRuns: RUNS });
  });

  it('topology key files of any content: a key (by id only), or a usage error that never quotes it', () => {
    const file = join(dir, 'key');
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), fc.string({ maxLength: 80 }).map((text) => Buffer.from(text)), fc.uint8Array({ minLength: 4097, maxLength: 5000 })), (bytes) => {
      writeFileSync(file, bytes);
      const result = outcome(() => resolveTopologyKeys([file], {}, new Secrets()));
      if ('error' in result) {
        expectUsageError(result.error);
        // (A short key could match a word of the message by chance: checked from 12 bytes on.)
        const text = Buffer.from(bytes).toString('utf8').split(/\r?\n/)[0]!;
        if (text.length >= 12) expect((result.error as Error).message).not.toContain(text);
        return;
      }
      expect(result.value.ids).toHaveLength(1);
      expect(Buffer.byteLength(typeof result.value.key === 'string' ? result.value.key : Buffer.from(result.value.key as Uint8Array))).toBeGreaterThanOrEqual(16);
    }), { numRuns: 500 });
  });
});

describe('ACL patterns', () => {
  it('a pattern judged not to reach __shardis__: matches none of its keys in Redis itself (SCAN MATCH)', async () => {
    const controlKeys = ['topology', 'c:moving', 'x:client:a', '', 'a*b', '[', ']', '\\', '^', '-', '__', 'ü'].map((suffix) => `${CONTROL_PREFIX}${suffix}`);
    await redis.command('MSET', ...controlKeys.flatMap((key) => [key, '1']));
    const alphabet = fc.constantFrom('_', 's', 'h', 'a', 'r', 'd', 'i', ':', '*', '?', '[', ']', '^', '\\', '-', 'x', 't');
    const pattern = fc.oneof(fc.array(alphabet, { minLength: 1, maxLength: 16 }).map((chars) => chars.join('')), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 16 }));
    await fc.assert(fc.asyncProperty(pattern, async (glob) => {
      const reaches = globReachesPrefix(glob, CONTROL_PREFIX);
      const checked = outcome(() => checkAclPatterns([glob], '--keys', CONTROL_PREFIX));
      if (reaches) expect('error' in checked).toBe(true);
      if (reaches) return;
      const reply = await redis.command('SCAN', '0', 'MATCH', glob, 'COUNT', '1000');
      expect(reply, glob).not.toMatch(/__shardis__:/);
    }), { numRuns: 1500 });
    for (const glob of ['*', '_*', '__*', '[_]*', '?_shardis__:*', '__shardis__:*', '\\_*']) expect(globReachesPrefix(glob, CONTROL_PREFIX), glob).toBe(true);
    for (const glob of ['app:*', '[^_]*', '_[^_]*', '__shardis__[^:]*', 'billing:*']) expect(globReachesPrefix(glob, CONTROL_PREFIX), glob).toBe(false);
  });
});

describe('whole command lines', () => {
  const COMMANDS = ['init', 'status', 'add-node', 'remove-node', 'reweight', 'pin', 'unpin', 'pins', 'migrate', 'abort', 'verify', 'resign', 'acl'];
  // --daemon and the metrics server are left out: they wait for a signal by design.
  const FLAGS = ['--cluster', '--seed', '--username', '--password', '--password-file', '--tls', '--tls-ca', '--tls-insecure', '--connect-timeout', '--topology-key-file', '--json', '--log-format', '--log-level', '--yes', '--dry-run', '--wait', '--sample', '--force', '--weight', '--batch-size', '--scan-count', '--migrate-timeout', '--big-key-bytes', '--max-keys-per-second', '--worker-id', '--worker-lease', '--poll-interval', '--retries', '--algorithm', '--node', '--hash', '--no-hash-tags', '--hash-seed', '--vnodes', '--param', '--limit', '--hex', '--accept-unsigned', '--keys', '--channels', '--client-id-prefix', '--app-user', '--format', '--frobnicate'];
  const values = fc.oneof(hostile, fc.constantFrom('redis://127.0.0.1:1', 'n1=redis://127.0.0.1:1', 'n1=2', '{tag}', 'n1', 'ring', 'json', SECRET));
  const token = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...FLAGS) }, { weight: 3, arbitrary: values });
  const argv = fc.tuple(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...COMMANDS) }, { weight: 1, arbitrary: hostile }), fc.array(token, { maxLength: 10 })).map(([command, rest]) => [command, ...rest]);
  const env = fc.dictionary(fc.constantFrom('SHARDIS_TLS', 'SHARDIS_LOG_FORMAT', 'SHARDIS_LOG_LEVEL', 'SHARDIS_TOPOLOGY_KEY', 'SHARDIS_SEEDS', 'SHARDIS_PASSWORD'), values, { maxKeys: 2 });

  it('exit 0, 1 or 2 with a bounded message, never a crash, a hang or a secret; nothing can be written', async () => {
    await fc.assert(fc.asyncProperty(argv, env, async (args, extra) => {
      const io = memoryIo({ SHARDIS_CLUSTER: 'fuzz', SHARDIS_SEEDS: 'redis://127.0.0.1:1', ...extra });
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('hang'), 10_000)));
      const code = await Promise.race([runCli(args, io), hang]).finally(() => clearTimeout(timer));
      const label = JSON.stringify(args).slice(0, 300);
      expect([0, 1, 2], `${label}\n${io.err()}`).toContain(code);
      expect(io.err()).not.toMatch(/internal error/);
      if (code === 2) expect(io.err().length, label).toBeGreaterThan(0);
      expect(io.err().length, label).toBeLessThan(4000);
      if (!args.includes('-v') && !args.includes('--verbose')) expect(io.err(), label).not.toMatch(/\n\s+at /);
      // Given as a password, it is a secret: scrubbed wherever it would appear.
      const given = extra['SHARDIS_PASSWORD'] === SECRET || args.some((arg, i) => arg === `--password=${SECRET}` || (arg === '--password' && args[i + 1] === SECRET));
      if (given) expect(io.out() + io.err()).not.toContain(SECRET);
    }), { numRuns: 400, interruptAfterTimeLimit: 30_000, markInterruptAsFailure: true });
  }, 60_000);
});
