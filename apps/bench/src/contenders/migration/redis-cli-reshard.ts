import { spawn } from 'node:child_process';
import type { RedisServer } from '@shardis/testkit';
import { Cluster } from 'ioredis';
import { fillKeys } from '../../measure/fill.ts';
import { startRedisCluster } from '../../servers/redis-cluster.ts';
import type { MigrationContender } from './contract.ts';

function redisCli(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // redis-cli prints a line per key batch: discard stdout, keep stderr for the error message.
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-cli ${args.slice(0, 2).join(' ')} exited ${code}: ${stderr.slice(-500)}`))));
  });
}

/** Keys on one server, asked over a connection of its own (the Cluster client's node list may lag). */
async function dbsize(server: RedisServer): Promise<number> {
  const reply = await server.command('DBSIZE');
  const match = /^:(\d+)/.exec(reply);
  if (match === null) throw new Error(`DBSIZE on port ${server.port} answered ${JSON.stringify(reply)}`);
  return Number(match[1]);
}

/**
 * A three-master Redis Cluster holds the keys; `redis-cli --cluster reshard` moves every slot of
 * the first master (a third of the slots, so about a third of the keys) to the second.
 */
export function redisCliReshardContender(pipeline: number): MigrationContender {
  return {
    name: `redis-cli --cluster reshard (pipeline ${pipeline})`,
    description: `three masters: every slot of one master to another, \`--cluster-pipeline ${pipeline}\`${pipeline === 10 ? ' (the default)' : ''}; ioredis \`Cluster\` (auto-pipelined) for the load`,
    async prepare(sizes) {
      const cluster = await startRedisCluster(3);
      const redis = new Cluster(cluster.nodes.map(({ host, port }) => ({ host, port })), { enableAutoPipelining: true, lazyConnect: true });
      const client = { get: (key: string) => redis.get(key), set: (key: string, value: string) => redis.set(key, value), close: async () => void (await redis.quit()) };
      try {
        await redis.connect();
        await fillKeys(client, sizes.keys, 'v'.repeat(sizes.valueBytes));
      } catch (error) {
        await client.close().catch(() => undefined);
        await cluster.stop();
        throw error;
      }
      const from = cluster.servers[0]!;
      const slots = Math.round(16384 * sizes.share);
      return {
        client,
        async migrate() {
          const before = await dbsize(from);
          const args = ['--cluster', 'reshard', `127.0.0.1:${from.port}`, '--cluster-from', cluster.ids[0]!, '--cluster-to', cluster.ids[1]!];
          await redisCli([...args, '--cluster-slots', String(slots), '--cluster-yes', '--cluster-pipeline', String(pipeline)]);
          return { moved: before - (await dbsize(from)) };
        },
        async stop() {
          await client.close().catch(() => undefined);
          await cluster.stop();
        },
      };
    },
  };
}
