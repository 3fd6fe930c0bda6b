import { waitFor } from '../wait.ts';
import { misplacedKeys } from './checks.ts';
import { useFixture } from './fixture.ts';
import type { ConformanceClient, GroupContext } from './types.ts';

const CLIENTS = 8;
const POLL_MS = 1000;
/** Time a switch may take beyond one poll interval: the check itself, a busy machine. */
const MARGIN_MS = 1500;

interface Load {
  readonly failures: string[];
  ops(): number;
  stop(): Promise<void>;
}

/** Every client loops INCR/SET/GET over its own keys until stopped, recording any failure. */
function startLoad(clients: readonly ConformanceClient[], tag: string): Load {
  const failures: string[] = [];
  let ops = 0;
  let running = true;
  const loops = clients.map(async (client, c) => {
    for (let i = 0; running; i++) {
      const key = `live:${tag}:${c}:${i % 64}`;
      try {
        await client.call('INCR', `${key}:n`);
        await client.call('SET', key, String(i));
        await client.call('GET', key);
        ops += 3;
      } catch (error) {
        failures.push(`client ${c} ${key}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  });
  return {
    failures,
    ops: () => ops,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Topology changes published while 8 clients work: nothing fails, every client follows at once. */
export function liveTopologyGroup(context: GroupContext): void {
  const { describe, it, expect } = context.test;
  describe(`live topology change while ${CLIENTS} clients run commands`, () => {
    const fixture = useFixture(context, { cluster: 'conformance-live', nodes: 3, client: { pollIntervalMs: POLL_MS } });
    let clients: ConformanceClient[] = [];

    const runChange = async (tag: string, change: () => Promise<unknown>) => {
      const { cluster } = fixture;
      const load = startLoad(clients, tag);
      try {
        await waitFor(() => load.ops() > 600, { timeoutMs: 10_000, what: 'the load to get going' });
        await change();
        const revision = cluster.state.revision;
        await waitFor(() => clients.every((client) => client.engine.state?.revision === revision), {
          timeoutMs: POLL_MS + MARGIN_MS,
          what: `all ${CLIENTS} clients to route by revision ${revision} (at: ${clients.map((client) => client.engine.state?.revision).join(', ')})`,
        });
        const switched = load.ops();
        await waitFor(() => load.ops() > switched + 600, { timeoutMs: 10_000, what: 'more commands after the switch' });
      } finally {
        await load.stop();
      }
      expect(load.failures.slice(0, 10)).toEqual([]);
    };

    const freshWritesLandOnOwners = async (tag: string) => {
      const { cluster } = fixture;
      const keys = clients.map((_, c) => Array.from({ length: 40 }, (_, i) => `live:${tag}:fresh:${c}:${i}`));
      const results = await Promise.all(clients.map((client, c) => client.pipeline(keys[c]!.map((key) => ['SET', key, 'v']))));
      expect(results.flat().filter(([error]) => error !== null)).toEqual([]);
      expect(await misplacedKeys(cluster, keys.flat())).toEqual([]);
      return keys.flat();
    };

    it('a node added under load: no command fails, all clients switch within one poll interval, new writes go to the new owners', async () => {
      clients = [fixture.client, ...(await Promise.all(Array.from({ length: CLIENTS - 1 }, () => fixture.newClient())))];
      let added = '';
      await runChange('add', async () => {
        added = (await fixture.cluster.addNode()).id;
      });
      const fresh = await freshWritesLandOnOwners('add');
      expect(fresh.some((key) => fixture.cluster.owner(key) === added)).toBe(true);
    }, 60_000);

    it('a node removed under load: no command fails, all clients switch, nothing new lands on the removed node', async () => {
      const { cluster } = fixture;
      const removed = cluster.topology.nodes[0]!.id;
      await runChange('remove', () => cluster.removeNode(removed));
      const fresh = await freshWritesLandOnOwners('remove');
      const stray = (await cluster.keysOn(removed)).filter((key) => fresh.includes(key));
      expect(stray).toEqual([]);
    }, 60_000);
  });
}
