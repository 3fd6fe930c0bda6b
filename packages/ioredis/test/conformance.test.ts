import { runConformanceSuite, type ConformanceClient, type ConformanceFactory } from '@shardis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ioredisDriver, ShardedRedis } from '../src/index.ts';

async function collect(stream: NodeJS.ReadableStream): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of stream) keys.push(...(batch as unknown as string[]));
  return keys;
}

/** The suite's uniform view, made only of ioredis's own API on ShardedRedis. */
const factory: ConformanceFactory = {
  name: 'ioredis',
  driver: (credentials = {}) => ioredisDriver({ ...credentials }),
  async createClient(options): Promise<ConformanceClient> {
    const client = new ShardedRedis(options);
    await client.connect();
    const queue = (chain: ReturnType<ShardedRedis['pipeline']>, commands: ReadonlyArray<readonly (string | Buffer | number)[]>) => {
      for (const [name, ...args] of commands) chain.call(String(name), ...args);
      return chain.exec() as Promise<Array<[Error | null, unknown]>>;
    };
    return {
      engine: client.engine,
      call: (name, ...args) => client.call(String(name), ...args),
      callBuffer: (name, ...args) => client.callBuffer(String(name), ...args),
      pipeline: (commands) => queue(client.pipeline(), commands),
      multi: (commands) => queue(client.multi(), commands),
      scanAll: (scan = {}) => collect(client.scanStream(scan)),
      quit: async () => void (await client.quit()),
    };
  },
};

runConformanceSuite({ describe, it, expect, beforeAll, afterAll }, factory);
