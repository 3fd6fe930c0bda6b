import { waitFor } from '../wait.ts';
import { codeOf, keyOwnedBy, rejectionOf, text } from './checks.ts';
import { useFixture } from './fixture.ts';
import type { ConformanceClient, GroupContext } from './types.ts';

const VICTIM = 'node1';
/** A command for a dead node must fail within this, not hang until the OS gives up. */
const FAIL_WITHIN_MS = 5_000;
const RETRY_AFTER_MS = 1_000;

/** Counts the engine's node events, per type. */
function recordEvents(client: ConformanceClient): { ejected: string[]; restored: string[] } {
  const events = { ejected: [] as string[], restored: [] as string[] };
  client.engine.on('node-ejected', ({ node }) => events.ejected.push(node));
  client.engine.on('node-restored', ({ node }) => events.restored.push(node));
  return events;
}

/** A SIGKILLed node fails its own keys with a clear error; the rest of the cluster keeps serving. */
export function killedNodeGroup(context: GroupContext): void {
  const { describe, it, expect } = context.test;
  describe('killed node', () => {
    const fixture = useFixture(context, { cluster: 'conformance-killed', nodes: 3 });
    let ejecting: ConformanceClient;
    let events: ReturnType<typeof recordEvents>;
    const victimKey = () => keyOwnedBy(fixture.cluster, VICTIM, 'killed:victim:');
    const otherKeys = () => fixture.cluster.topology.nodes.filter((node) => node.id !== VICTIM).map((node) => keyOwnedBy(fixture.cluster, node.id, 'killed:other:'));

    it('commands for the killed node\'s keys fail with ERR_NODE_UNAVAILABLE naming the node', async () => {
      const { client, cluster } = fixture;
      ejecting = await fixture.newClient({ autoEject: { failures: 2, retryAfterMs: RETRY_AFTER_MS } });
      events = recordEvents(ejecting);
      for (const c of [client, ejecting]) await c.call('SET', victimKey(), 'before');
      await cluster.kill(VICTIM);
      const started = Date.now();
      const error = await rejectionOf(client.call('GET', victimKey()));
      expect(Date.now() - started).toBeLessThan(FAIL_WITHIN_MS);
      expect(codeOf(error), error.message).toBe('ERR_NODE_UNAVAILABLE');
      expect(error.message).toContain(VICTIM);
    });

    it('commands for other nodes\' keys keep working, split commands included', async () => {
      const { client } = fixture;
      const keys = otherKeys();
      for (const key of keys) {
        expect(text(await client.call('SET', key, 'v'))).toBe('OK');
        expect(text(await client.call('GET', key))).toBe('v');
      }
      expect(((await client.call('MGET', ...keys)) as unknown[]).map(text)).toEqual(keys.map(() => 'v'));
      const mixed = await rejectionOf(client.call('MGET', ...keys, victimKey()));
      expect(codeOf(mixed), mixed.message).toBe('ERR_NODE_UNAVAILABLE');
    });

    it('with autoEject the node is ejected (event), then fails fast', async () => {
      await waitFor(async () => {
        await ejecting.call('GET', victimKey()).catch(() => undefined);
        return events.ejected.includes(VICTIM);
      }, { timeoutMs: 2 * FAIL_WITHIN_MS, what: `a node-ejected event for ${VICTIM}` });
      const started = Date.now();
      const error = await rejectionOf(ejecting.call('GET', victimKey()));
      expect(Date.now() - started).toBeLessThan(100);
      expect(codeOf(error), error.message).toBe('ERR_NODE_UNAVAILABLE');
      expect(error.message).toMatch(/eject/i);
    });

    it('after a restart the node is restored (event) and serves its keys again', async () => {
      const { client, cluster } = fixture;
      await cluster.restart(VICTIM);
      for (const c of [client, ejecting]) {
        await waitFor(async () => text(await c.call('SET', victimKey(), 'after')) === 'OK', { timeoutMs: RETRY_AFTER_MS + FAIL_WITHIN_MS, what: 'the restarted node to serve again' });
        expect(text(await c.call('GET', victimKey()))).toBe('after');
      }
      expect(events.restored).toContain(VICTIM);
      expect(await cluster.inspect(VICTIM).send(['EXISTS', victimKey()])).toBe(1);
    });
  });
}
