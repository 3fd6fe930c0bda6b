import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { CLUSTER_NAME_PATTERN, redactUrl } from '@shardis/core';
import type { MigrateAuth } from '@shardis/engine';
import type { RedisOptions } from 'ioredis';
import { UsageError } from './errors.ts';
import { collect, duration, envFlag, nodeUrlProblem, quote } from './parsers.ts';
import type { Secrets } from './secrets.ts';
import { resolveTopologyKeys, type TopologyKeys } from './topology-key.ts';

/** Connection flags, as commander parses them (every command has them). */
export interface ConnectionFlags {
  readonly cluster?: string;
  readonly seed?: string[];
  readonly username?: string;
  readonly password?: string;
  readonly passwordFile?: string;
  readonly tls?: boolean;
  readonly tlsCa?: string;
  readonly tlsInsecure?: boolean;
  readonly connectTimeout?: number;
  readonly topologyKeyFile?: string[];
}

export interface Connection {
  readonly cluster: string;
  /** Seed urls without credentials. */
  readonly seeds: readonly string[];
  /** ioredis options for every node: credentials, TLS, timeouts. */
  readonly redisOptions: RedisOptions;
  /** What MIGRATE sends to a target that requires a password. */
  readonly migrateAuth: MigrateAuth | undefined;
  /** Keys that sign and verify the cluster state (SECURITY.md). */
  readonly topologyKeys: TopologyKeys;
  /** Whether nodes are reached over TLS (`--tls`, or `rediss://` seeds). */
  readonly tls: boolean;
  /** What the operator should know about these settings (`--tls-insecure`), logged once. */
  readonly warnings: readonly string[];
}

export function addConnectionOptions(command: Command): Command {
  return command
    .optionsGroup('Connection options:')
    .option('--cluster <name>', 'cluster name: part of every shardis key in Redis (env: SHARDIS_CLUSTER)')
    .option('--seed <url>', 'a node to read the topology from, redis://host:port; repeatable (env: SHARDIS_SEEDS, comma-separated)', collect)
    .option('--username <name>', 'ACL user for every node (env: SHARDIS_USERNAME)')
    .option('--password <password>', 'password for every node; prefer SHARDIS_PASSWORD or --password-file, argv is visible to ps (env: SHARDIS_PASSWORD)')
    .option('--password-file <path>', 'read the password from a file (its first line)')
    .option('--tls', 'connect with TLS (rediss:// urls always do) (env: SHARDIS_TLS=1)')
    .option('--tls-ca <path>', 'PEM file of the CA that signed the servers\' certificates')
    .option('--tls-insecure', 'do not verify server certificates (testing only)')
    .addOption(new Option('--connect-timeout <duration>', 'give up connecting to a node after this long').argParser(duration).default(5000, '5s'))
    .option('--topology-key-file <path>', 'key of signed topologies; repeatable: the first signs, all verify (env: SHARDIS_TOPOLOGY_KEY, SHARDIS_TOPOLOGY_KEY_FILE)', collect);
}

/**
 * Resolves flags and environment into what the driver needs. Credentials found anywhere (flags,
 * file, env, a seed url's `user:pass@`) are registered as secrets before anything is printed,
 * and stripped from seed urls.
 */
export function resolveConnection(flags: ConnectionFlags, env: Readonly<Record<string, string | undefined>>, secrets: Secrets, options: { seedsRequired: boolean }): Connection {
  const cluster = flags.cluster ?? env['SHARDIS_CLUSTER'];
  if (cluster === undefined || cluster === '') throw new UsageError('no cluster name: pass --cluster <name> or set SHARDIS_CLUSTER');
  if (!CLUSTER_NAME_PATTERN.test(cluster)) throw new UsageError(`cluster name ${quote(cluster)} must match ${String(CLUSTER_NAME_PATTERN)}`);
  let password = flags.password ?? (flags.passwordFile === undefined ? env['SHARDIS_PASSWORD'] : readPasswordFile(flags.passwordFile));
  secrets.add(password);
  let username = flags.username ?? env['SHARDIS_USERNAME'];
  const rawSeeds = flags.seed ?? (env['SHARDIS_SEEDS'] === undefined ? [] : [env['SHARDIS_SEEDS']]);
  const seeds: string[] = [];
  for (const raw of rawSeeds.flatMap((value) => value.split(/[\s,]+/)).filter((value) => value !== '')) {
    const seed = parseSeed(raw, secrets);
    password ??= seed.password;
    username ??= seed.username;
    seeds.push(seed.url);
  }
  if (options.seedsRequired && seeds.length === 0) throw new UsageError('no seed: pass --seed redis://host:port (any node of the cluster) or set SHARDIS_SEEDS');
  const topologyKeys = resolveTopologyKeys(flags.topologyKeyFile, env, secrets);
  const tls = flags.tls === true || envFlag(env, 'SHARDIS_TLS') || flags.tlsCa !== undefined || flags.tlsInsecure === true;
  const redisOptions: RedisOptions = {
    connectTimeout: flags.connectTimeout ?? 5000,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(tls ? { tls: { ...(flags.tlsCa === undefined ? {} : { ca: readCa(flags.tlsCa) }), ...(flags.tlsInsecure === true ? { rejectUnauthorized: false } : {}) } } : {}),
  };
  const migrateAuth = password === undefined ? undefined : username === undefined ? { password } : { username, password };
  const warnings = flags.tlsInsecure === true ? ['--tls-insecure: server certificates are not checked, so anyone on the path can pose as a node and read the passwords; for tests only'] : [];
  return { cluster, seeds, redisOptions, migrateAuth, topologyKeys, tls: tls || seeds.some((seed) => seed.startsWith('rediss:')), warnings };
}

function readCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read --tls-ca ${quote(path, 80)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --password-file ${quote(path, 80)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return text.split(/\r?\n/)[0] ?? '';
}

function parseSeed(raw: string, secrets: Secrets): { url: string; username?: string; password?: string } {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new UsageError(`--seed ${quote(redactUrl(raw), 80)} is not a url; write redis://host:port`);
  }
  secrets.add(parsed.password);
  let password: string | undefined;
  let username: string | undefined;
  try {
    password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
    username = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
  } catch {
    throw new UsageError(`--seed ${quote(redactUrl(raw), 80)}: the credentials are not valid percent-encoding (write %25 for %)`);
  }
  secrets.add(password);
  parsed.username = '';
  parsed.password = '';
  const url = parsed.toString().replace(/\/$/, '');
  const problem = nodeUrlProblem(url);
  if (problem !== undefined) throw new UsageError(`--seed ${quote(redactUrl(url), 80)}: ${problem}`);
  return { url, ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
}
