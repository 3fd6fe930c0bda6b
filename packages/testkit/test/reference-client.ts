import { ShardedEngine, type EngineReply } from '@shardis/engine';
import { createRespDriver, type ConformanceClient, type ConformanceFactory } from '../src/index.ts';

/** Bulk replies as text, recursively; per-node replies keep their node ids. */
function toText(reply: unknown): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  if (Array.isArray(reply)) return reply.map(toText);
  if (reply !== null && typeof reply === 'object' && !(reply instanceof Error)) {
    return Object.fromEntries(Object.entries(reply).map(([node, value]) => [node, toText(value)]));
  }
  return reply;
}

const pair = (reply: EngineReply | Error): [Error | null, unknown] => (reply instanceof Error ? [reply, null] : [null, toText(reply)]);

/**
 * The suite run on the engine itself over testkit's RESP driver: no client library in between,
 * so a failure here is the engine's or the suite's, never an adapter's.
 */
export const referenceFactory: ConformanceFactory = {
  name: 'engine + resp driver',
  driver: (options = {}) => createRespDriver(options),
  async createClient({ username, password, ...options }) {
    const engine = new ShardedEngine({
      ...options,
      driver: createRespDriver({ ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) }),
    });
    await engine.connect();
    const client: ConformanceClient = {
      engine,
      call: async (...args) => toText(await engine.command(args)),
      callBuffer: (...args) => engine.command(args),
      pipeline: async (commands) => (await engine.pipeline(commands)).map(pair),
      multi: async (commands) => (await engine.transaction(commands)).map(pair),
      async scanAll(scanOptions = {}) {
        const keys: string[] = [];
        for await (const batch of engine.scan(scanOptions)) keys.push(...batch.map((key) => key.toString('utf8')));
        return keys;
      },
      quit: () => engine.quit(),
    };
    return client;
  },
};
