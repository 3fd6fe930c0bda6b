import { MigrationWorker } from '@shardis/engine';
import { ioredisDriver, ShardedRedis } from '@shardis/ioredis';
import { Redis } from 'ioredis';
import { fillKeys } from '../../measure/fill.ts';
import { startShardisServers } from '../../servers/shardis-cluster.ts';
import type { MigrationContender } from './contract.ts';

/**
 * Two shardis nodes (jump placement) hold the keys; a third joins and one MigrationWorker moves
 * the third of the keys the new topology gives it, while clients keep reading and writing.
 * `maxKeysPerSecond` runs the worker throttled: what clients keep when the move is paced.
 */
export function shardisWorkerContender(maxKeysPerSecond?: number): MigrationContender {
  return {
    name: maxKeysPerSecond === undefined ? 'shardis MigrationWorker' : `shardis MigrationWorker (maxKeysPerSecond ${maxKeysPerSecond.toLocaleString('en-US')})`,
    description: maxKeysPerSecond === undefined
      ? 'two nodes → three (jump): one MigrationWorker, SCAN + MIGRATE … KEYS in batches of 1,000 (default), clients rerouted without errors'
      : `the same, throttled with \`maxKeysPerSecond: ${maxKeysPerSecond}\``,
    async prepare(sizes) {
      if (Math.abs(sizes.share - 1 / 3) > 1e-9) throw new Error('the shardis set-up moves a third of the keys (2 → 3 nodes)');
      const servers = await startShardisServers(3, { initial: 2 });
      const redis = new ShardedRedis({ cluster: servers.cluster, seeds: [...servers.seeds], enableAutoPipelining: true });
      const client = { get: (key: string) => redis.get(key), set: (key: string, value: string) => redis.set(key, value), close: async () => void (await redis.quit()) };
      try {
        await redis.connect();
        await fillKeys(client, sizes.keys, 'v'.repeat(sizes.valueBytes));
      } catch (error) {
        await client.close().catch(() => undefined);
        await servers.stop();
        throw error;
      }
      return {
        client,
        async migrate() {
          const worker = new MigrationWorker({ driver: ioredisDriver(), cluster: servers.cluster, seeds: [...servers.seeds], ...(maxKeysPerSecond === undefined ? {} : { maxKeysPerSecond }) });
          try {
            await servers.admin.change({ add: [{ id: 'n2', url: servers.servers[2]!.url }] });
            await worker.runUntilStable();
          } finally {
            await worker.close();
          }
          // Every bench key on the new node came from the other two: count them there, not in events.
          return { moved: await countKeys(servers.servers[2]!.url) };
        },
        async stop() {
          await client.close().catch(() => undefined);
          await servers.stop();
        },
      };
    },
  };
}

async function countKeys(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    // SCAN may return a key twice while the table rehashes: count distinct keys.
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'bench:*', 'COUNT', 1000);
      cursor = next;
      for (const key of keys) seen.add(key);
    } while (cursor !== '0');
    return seen.size;
  } finally {
    await redis.quit();
  }
}
