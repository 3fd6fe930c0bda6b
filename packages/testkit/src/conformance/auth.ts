import { waitFor } from '../wait.ts';
import { keysOnDifferentNodes, misplacedKeys, rejectionOf, text } from './checks.ts';
import { useFixture } from './fixture.ts';
import type { GroupContext } from './types.ts';

const USER = 'app';
const PASSWORD = 'conformance-secret';
/** An ACL user with every key, channel and command, and the default user switched off. */
const ACL_ARGS = ['--user', USER, 'on', `>${PASSWORD}`, '~*', '&*', '+@all', '--user', 'default', 'off'];

/** Servers that require an ACL user: the adapter passes `username`/`password` to every connection. */
export function authGroup(context: GroupContext): void {
  const { describe, it, expect } = context.test;
  describe('auth with an ACL user', () => {
    const fixture = useFixture(context, {
      cluster: 'conformance-auth',
      nodes: 3,
      redisArgs: ACL_ARGS,
      username: USER,
      password: PASSWORD,
      client: { pollIntervalMs: 60_000 },
    });

    /** A client with other credentials, closed whether it connects or not. */
    const pingWith = async (credentials: { username?: string | undefined; password?: string | undefined }) => {
      const { username, password } = { username: USER, ...credentials };
      const client = await context.factory.createClient({
        cluster: 'conformance-auth',
        seeds: fixture.cluster.seeds,
        ...(username === undefined ? {} : { username }),
        ...(password === undefined ? {} : { password }),
      });
      try {
        return await client.call('PING');
      } finally {
        await client.quit().catch(() => undefined);
      }
    };

    it('reads and writes on every node, split commands included', async () => {
      const { client, cluster } = fixture;
      const keys = keysOnDifferentNodes(cluster, 'auth:', 3);
      expect(text(await client.call('MSET', ...keys.flatMap((key) => [key, key])))).toBe('OK');
      expect(((await client.call('MGET', ...keys)) as unknown[]).map(text)).toEqual(keys);
      expect(await misplacedKeys(cluster, keys)).toEqual([]);
      expect(text(await cluster.inspect(cluster.owner(keys[0]!)).send(['ACL', 'WHOAMI']))).toBe(USER);
    });

    it('the topology subscriber authenticates too: a change arrives through pub/sub', async () => {
      const { client, cluster } = fixture;
      await cluster.writeTopology({ weights: { node0: 2 } });
      const revision = cluster.state.revision;
      await waitFor(() => client.engine.state?.revision === revision, { timeoutMs: 2_000, what: `revision ${revision} through pub/sub (polling is off)` });
    });

    it('a wrong password is refused with the server\'s WRONGPASS error', async () => {
      const error = await rejectionOf(pingWith({ password: 'wrong' }));
      expect(error.message).toMatch(/WRONGPASS|invalid username-password/);
    });

    it('no credentials at all are refused with NOAUTH', async () => {
      const error = await rejectionOf(pingWith({ username: undefined, password: undefined }));
      expect(error.message).toMatch(/NOAUTH|Authentication required|WRONGPASS/);
    });
  });
}
