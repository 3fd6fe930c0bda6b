import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { rawCommand, startRedis, type RedisServer } from './redis-server.ts';
import { waitFor } from './wait.ts';

export interface SentinelGroupOptions {
  /** The master name Sentinel monitors. @default 'shardis' */
  readonly name?: string;
  /** Extra arguments for the primary and the replica. */
  readonly redisArgs?: readonly string[];
  /** Sentinel's `down-after-milliseconds`. @default 1000 */
  readonly downAfterMs?: number;
  /** Sentinel's `failover-timeout`. @default 3000 */
  readonly failoverTimeoutMs?: number;
}

/** A primary, its replica and one Sentinel (quorum 1) watching them, all on free ports. */
export interface SentinelGroup {
  readonly name: string;
  readonly primary: RedisServer;
  readonly replica: RedisServer;
  readonly sentinel: RedisServer;
  /** The node url a topology names this group by. */
  readonly url: string;
  /** The port Sentinel names as primary now. */
  primaryPort(): Promise<number>;
  /** Resolves once Sentinel names a primary other than the one on `oldPort`, and it accepts writes. */
  waitForFailover(oldPort: number, timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

export async function startSentinelGroup(options: SentinelGroupOptions = {}): Promise<SentinelGroup> {
  const name = options.name ?? 'shardis';
  const redisArgs = options.redisArgs ?? [];
  const primary = await startRedis({ args: redisArgs });
  const replica = await startRedis({ args: [...redisArgs, '--replicaof', '127.0.0.1', String(primary.port)] });
  const sentinelPort = await freePort();
  // Sentinel rewrites its config file as it learns the group: it must be a file of its own.
  const configDir = mkdtempSync(join(tmpdir(), `shardis-sentinel-${sentinelPort}-`));
  const configFile = join(configDir, 'sentinel.conf');
  writeFileSync(configFile, [
    `sentinel monitor ${name} 127.0.0.1 ${primary.port} 1`,
    `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1000}`,
    `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 3000}`,
    '',
  ].join('\n'));
  const sentinel = await startRedis({ port: sentinelPort, configFile, args: ['--sentinel'] });
  const servers = [primary, replica, sentinel];
  await waitFor(async () => /master_link_status:up/.test(await rawCommand(replica.port, ['INFO', 'replication'])), { timeoutMs: 10_000, what: 'the replica to sync with its primary' });

  const primaryPort = async (): Promise<number> => {
    const reply = await rawCommand(sentinel.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name]);
    const port = /\$\d+\r\n(\d+)\r\n$/.exec(reply)?.[1];
    if (port === undefined) throw new Error(`Sentinel does not know ${name}: ${reply}`);
    return Number(port);
  };

  return {
    name,
    primary,
    replica,
    sentinel,
    url: `redis+sentinel://127.0.0.1:${sentinel.port}/${name}`,
    primaryPort,
    async waitForFailover(oldPort, timeoutMs = 20_000) {
      let port = oldPort;
      await waitFor(async () => {
        port = await primaryPort();
        if (port === oldPort) return false;
        return (await rawCommand(port, ['ROLE'])).includes('master');
      }, { timeoutMs, what: `Sentinel to promote a new primary for ${name}` });
      return port;
    },
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
      rmSync(configDir, { recursive: true, force: true });
    },
  };
}
