import { describe, expect, it } from 'vitest';
import { InvalidTopologyError, UnknownNodeError } from '@shardis/core';
import { TopologyRejectedError } from '@shardis/engine';
import { describeError, EXIT_FAILURE, EXIT_USAGE, exitCodeOf, UsageError } from '../src/errors.ts';
import { Output, printableKey } from '../src/io.ts';
import { Logger } from '../src/logger.ts';
import { Registry } from '../src/metrics/registry.ts';
import { nameNodes, parseNodeSpec, parseWeightSpec } from '../src/node-spec.ts';
import { byteSize, duration, integer } from '../src/parsers.ts';
import { runCli } from '../src/program.ts';
import { Secrets, secretsInArgv } from '../src/secrets.ts';
import { MigrationTracker } from '../src/tracker.ts';
import { workerSettings, type WorkerFlags } from '../src/worker-options.ts';
import { eventJson, tlsMigrateHint } from '../src/worker-view.ts';
import { memoryIo } from './helpers.ts';

describe('Prometheus text format', () => {
  it('renders HELP, TYPE and escaped labels; counters never go down', () => {
    const registry = new Registry();
    const counter = registry.counter('x_total', 'Things\nwith a newline.');
    counter.inc(2, { source: 'a"b\\c' });
    counter.inc(-5, { source: 'a"b\\c' });
    registry.gauge('y', 'A gauge.', (gauge) => gauge.set(Infinity));
    expect(registry.render()).toBe('# HELP x_total Things\\nwith a newline.\n# TYPE x_total counter\nx_total{source="a\\"b\\\\c"} 2\n# HELP y A gauge.\n# TYPE y gauge\ny +Inf\n');
    expect(() => registry.gauge('y', 'again')).toThrow(/registered twice/);
    expect(() => registry.gauge('bad-name', 'x')).toThrow(/invalid metric name/);
  });
});

describe('secrets', () => {
  it('scrubs given secrets in any encoding and credentials in any url', () => {
    const secrets = new Secrets();
    secrets.add('p@ss/w"rd');
    secrets.add('ab'); // too short to scrub without garbling output
    const text = secrets.scrub('a p@ss/w"rd b p%40ss%2Fw%22rd c p@ss/w\\"rd redis://u:x@h:1 rediss://:y@h:2/0 ab');
    expect(text).toBe('a *** b *** c *** redis://***@h:1 rediss://***@h:2/0 ab');
    expect(secretsInArgv(['status', '--password', 'one', '--password=two', '--seed', 'x'])).toEqual(['one', 'two']);
  });

  it('Output scrubs every write, logs included', () => {
    const io = memoryIo();
    const secrets = new Secrets();
    secrets.add('hunter22');
    const output = new Output(io, secrets);
    output.line('pw=hunter22');
    new Logger(output, { format: 'json', level: 'info', now: () => new Date(0) }).error('failed', { error: new Error('AUTH hunter22 refused') });
    expect(io.out()).toBe('pw=***\n');
    expect(JSON.parse(io.err())).toEqual({ time: '1970-01-01T00:00:00.000Z', level: 'error', msg: 'failed', error: { message: 'AUTH *** refused' } });
  });
});

describe('logs', () => {
  it('text lines carry fields as key=value; levels below the threshold are dropped', () => {
    const io = memoryIo();
    const logger = new Logger(new Output(io, new Secrets()), { format: 'text', level: 'info', now: () => new Date(0) }).child({ worker: 'w1' });
    logger.debug('hidden');
    logger.info('moving keys', { sources: ['n1', 'n2'], note: 'two words', n: 3 });
    expect(io.err()).toBe('1970-01-01T00:00:00.000Z INFO  moving keys  worker=w1 sources=n1,n2 note="two words" n=3\n');
  });
});

describe('argument parsing', () => {
  it('parses durations, sizes and integers, refusing nonsense', () => {
    expect(duration('250')).toBe(250);
    expect(duration('10s')).toBe(10_000);
    expect(duration('1.5m')).toBe(90_000);
    expect(() => duration('soon')).toThrow(/duration like 500ms/);
    expect(byteSize('10MiB')).toBe(10 * 1024 * 1024);
    expect(byteSize('2kb')).toBe(2000);
    expect(() => byteSize('-1')).toThrow(/size like/);
    expect(integer(1, 10)('7')).toBe(7);
    expect(() => integer(1, 10)('0')).toThrow(/from 1 to 10/);
    expect(() => integer(1, 10)('2.5')).toThrow(/whole number/);
  });

  it('reads node specs and weights, naming what is wrong', () => {
    expect(parseNodeSpec('n1=redis://10.0.0.1:6379')).toEqual({ id: 'n1', url: 'redis://10.0.0.1:6379' });
    expect(parseNodeSpec('n1=redis://[::1]:6379/2,weight=2.5')).toEqual({ id: 'n1', url: 'redis://[::1]:6379/2', weight: 2.5 });
    expect(() => parseNodeSpec('redis://h:1')).toThrow(/write id=redis:\/\/host:port/);
    expect(() => parseNodeSpec('n1=redis://h:1,weight=0')).toThrow(/weight must be a finite number > 0, got "0"/);
    expect(() => parseNodeSpec('n1=redis://h:1,wieght=2')).toThrow(/unknown setting "wieght"/);
    expect(() => parseNodeSpec('n1=redis://h')).toThrow(/node "n1": url "redis:\/\/h" must name a port/);
    expect(() => parseNodeSpec('n1=redis://u:secret@h:1')).toThrow(/must not carry credentials \("redis:\/\/\*\*\*@h:1"\)/);
    expect(parseWeightSpec('node=a=3')).toEqual(['node=a', 3]);
    expect(() => parseWeightSpec('n1=Infinity')).toThrow(UsageError);
  });

  it('names nodes by id in core validation errors, keeping the code', () => {
    const renamed = nameNodes(new InvalidTopologyError('nodes[1].url', 'same server as nodes[0]'), ['a', 'b']) as Error & { code: string };
    expect(renamed.message).toBe('invalid topology at node "b".url: same server as node "a"');
    expect(renamed.code).toBe('ERR_INVALID_TOPOLOGY');
  });
});

describe('exit codes and error lines', () => {
  it('input errors exit 2, everything else 1; one line unless verbose', () => {
    expect(exitCodeOf(new UnknownNodeError('x', 'remove'))).toBe(EXIT_USAGE);
    expect(exitCodeOf(Object.assign(new Error('unknown option'), { code: 'commander.unknownOption' }))).toBe(EXIT_USAGE);
    expect(exitCodeOf(Object.assign(new Error('conflict'), { code: 'ERR_TOPOLOGY_CONFLICT' }))).toBe(EXIT_FAILURE);
    expect(exitCodeOf(new Error('ECONNREFUSED'))).toBe(EXIT_FAILURE);
    const error = new UnknownNodeError('x', 'remove');
    expect(describeError(error, false)).toBe('ERR_UNKNOWN_NODE: remove: no node with id "x"');
    expect(describeError(error, true)).toMatch(/^ERR_UNKNOWN_NODE: remove: no node with id "x"\n\s+at /);
  });

  it('runs in-process: --version, usage errors before any connection', async () => {
    const io = memoryIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
    const bad = memoryIo({ SHARDIS_CLUSTER: 'c', SHARDIS_SEEDS: 'redis://127.0.0.1:1' });
    expect(await runCli(['init', '--node', 'n1=redis://127.0.0.1:1', '--vnodes', '8', '--algorithm', 'maglev'], bad)).toBe(2);
    expect(bad.err()).toBe('shardis: --vnodes applies to --algorithm ring only\n(nothing was written; add --help for usage)\n');
  });

  it('warns once about --tls-insecure; reports a bad environment variable instead of exiting silently', async () => {
    const io = memoryIo({ SHARDIS_CLUSTER: 'c', SHARDIS_SEEDS: 'redis://127.0.0.1:1' });
    expect(await runCli(['status', '--tls-insecure', '--connect-timeout', '200ms'], io)).toBe(1);
    expect(io.err().match(/WARN  --tls-insecure: server certificates are not checked/g)).toHaveLength(1);
    const env = memoryIo({ SHARDIS_CLUSTER: 'c', SHARDIS_SEEDS: 'redis://127.0.0.1:1', SHARDIS_LOG_LEVEL: 'loud' });
    expect(await runCli(['status'], env)).toBe(2);
    expect(env.err()).toBe('shardis: SHARDIS_LOG_LEVEL must be one of debug, info, warn, error\n(nothing was written; add --help for usage)\n');
  });
});

describe('migration tracker', () => {
  it('counts only what this process moved, over the checkpoint it resumed from', () => {
    let now = 1_000_000;
    const tracker = new MigrationTracker(() => now);
    tracker.handle({ type: 'moving', migrationId: 7, sources: ['a', 'b'] });
    tracker.baseline('a', { moved: 500, bytes: 5000, scanned: 1000, done: false, keysNow: 1500 });
    now += 1000;
    tracker.handle({ type: 'progress', progress: { source: 'a', moved: 600, bytes: 6000, scanned: 1200, cursor: '9', done: false } });
    // No baseline for b: its first page sets one and counts nothing (never a previous run's keys).
    tracker.handle({ type: 'progress', progress: { source: 'b', moved: 50, bytes: 500, scanned: 100, cursor: '3', done: false } });
    tracker.handle({ type: 'progress', progress: { source: 'b', moved: 80, bytes: 800, scanned: 160, cursor: '0', done: true } });
    expect(tracker.movedBySource).toEqual(new Map([['a', 100], ['b', 30]]));
    expect(tracker.keysPerSecond()).toBeCloseTo(130, 5);
    expect(tracker.totals()).toMatchObject({ moved: 680, done: 1, pending: 1 });
    expect(tracker.sources.get('a')?.total).toBe(2000);
  });

  it('measures the wait for clients and the lag since the last page', () => {
    let now = 0;
    const tracker = new MigrationTracker(() => now);
    const state = { revision: 3, mode: 'migrating', topology: { epoch: 2, nodes: [] }, updatedAt: 0 } as never;
    tracker.handle({ type: 'state', state });
    tracker.handle({ type: 'waiting-for-clients', revision: 3, behind: ['c1'] });
    now = 2500;
    expect(tracker.barrierWaitMs()).toBe(2500);
    tracker.handle({ type: 'moving', migrationId: 2, sources: ['a'] });
    expect(tracker.barrierTotalMs).toBe(2500);
    expect(tracker.barrierSince).toBeUndefined();
    now = 4000;
    expect(tracker.lagSeconds()).toBe(1.5);
  });
});

describe('worker settings', () => {
  const flags: WorkerFlags = { batchSize: 1000, scanCount: 1000, migrateTimeout: 10_000, bigKeyBytes: 1 << 20, bigKeyTimeout: 60_000, workerLease: 10_000, pollInterval: 500, retries: 5, metricsHost: '127.0.0.1' };

  it('a throttle shrinks pages to fit a quarter of the worker lease', () => {
    expect(workerSettings(flags).adjustments).toEqual([]);
    const slow = workerSettings({ ...flags, maxKeysPerSecond: 100 });
    expect(slow.options).toMatchObject({ batchSize: 250, scanCount: 250 });
    expect(slow.adjustments[0]).toMatch(/--batch-size lowered from 1000 to 250/);
    // Four sources share the rate: each page must be four times smaller.
    expect(workerSettings({ ...flags, maxKeysPerSecond: 100 }, 4).options).toMatchObject({ batchSize: 62 });
  });
});

describe('worker view', () => {
  it('reports refused states by node and kind, and says once what MIGRATE needs between TLS nodes', () => {
    const rejected = { type: 'topology-rejected', node: 'n2', error: new TopologyRejectedError('the signature does not match', { kind: 'bad-signature' }) } as const;
    expect(eventJson(rejected)).toMatchObject({ type: 'topology-rejected', node: 'n2', kind: 'bad-signature', message: 'the signature does not match' });
    const failed = { type: 'batch-failed', source: 'n1', target: 'n2', error: new Error('IOERR error or timeout reading to target instance') } as const;
    expect(tlsMigrateHint(failed, true)).toMatch(/^MIGRATE from n1 to n2 failed with IOERR between TLS nodes\. .*`tls-cluster yes`/);
    expect(tlsMigrateHint(failed, false)).toBeUndefined();
    expect(tlsMigrateHint({ ...failed, error: new Error('NOAUTH') }, true)).toBeUndefined();
  });
});

it('prints binary keys as hex', () => {
  expect(printableKey(Buffer.from('user:1'))).toBe('user:1');
  expect(printableKey(Buffer.from([0xff, 0x00]))).toBe('hex:ff00');
  expect(printableKey(Buffer.from('a\nb'))).toBe('hex:610a62');
});
