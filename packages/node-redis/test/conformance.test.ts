import { MultiErrorReply, RESP_TYPES } from '@redis/client';
import { runConformanceSuite, type Arg, type ConformanceClient, type ConformanceFactory } from '@shardis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShardedClient, nodeRedisDriver } from '../src/index.ts';

const wire = (args: readonly Arg[]) => args.map((arg) => (typeof arg === 'number' ? String(arg) : arg));

/** node-redis's multi() rejects with MultiErrorReply when a command failed; the suite wants each outcome in place. */
async function outcomes(run: () => Promise<unknown[]>): Promise<Array<[Error | null, unknown]>> {
  try {
    return (await run()).map((reply) => [null, reply]);
  } catch (error) {
    if (!(error instanceof MultiErrorReply)) throw error;
    return error.replies.map((reply) => (reply instanceof Error ? [reply, null] : [null, reply]));
  }
}

const factory: ConformanceFactory = {
  name: 'node-redis',
  driver: (credentials = {}) => nodeRedisDriver({ ...credentials }),
  async createClient({ username, password, ...options }): Promise<ConformanceClient> {
    const defaults = { ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
    const client = await createShardedClient({ ...options, defaults }).connect();
    const buffers = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    return {
      engine: client.engine,
      call: (...args) => client.sendCommand(wire(args)),
      callBuffer: (...args) => buffers.sendCommand(wire(args)),
      pipeline: (commands) => outcomes(() => commands.reduce((multi, args) => multi.sendCommand(wire(args)), client.multi()).execAsPipeline()),
      multi: (commands) => outcomes(() => commands.reduce((multi, args) => multi.sendCommand(wire(args)), client.multi()).exec()),
      async scanAll({ match, count, type } = {}) {
        const keys: string[] = [];
        const options = { ...(match === undefined ? {} : { MATCH: match }), ...(count === undefined ? {} : { COUNT: count }), ...(type === undefined ? {} : { TYPE: type }) };
        for await (const batch of client.scanIterator(options)) keys.push(...batch);
        return keys;
      },
      quit: () => client.close(),
    };
  },
};

runConformanceSuite({ describe, it, expect, beforeAll, afterAll }, factory);
