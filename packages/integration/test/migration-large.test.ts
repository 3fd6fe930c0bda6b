import { topologyPlacement } from '@shardis/core';
import { afterAll, describe, expect, it } from 'vitest';
import { startCluster, worker, type ClusterUnderTest, type Run } from '../src/scenario.ts';

const KEYS = 1_000_000;
const ZSET_MEMBERS = 200_000;

describe('a large migration', () => {
  let cut: ClusterUnderTest | undefined;
  afterAll(async () => {
    await cut?.stop();
  });

  it(`moves its share of ${KEYS.toLocaleString('en')} keys, including a ${ZSET_MEMBERS.toLocaleString('en')}-element zset, and every key ends on its owner`, async () => {
    cut = await startCluster(4, 3);
    const before = await cut.admin.access.require();
    const placement = topologyPlacement(before.topology);
    const connections = cut.admin.access.connectionsFor(before);
    // Fill the nodes directly (each key on its owner), in large pipelines: this is set-up, not the test.
    const perNode = new Map<string, Array<[string, string, string]>>();
    const flush = async (node: string) => {
      const commands = perNode.get(node) ?? [];
      perNode.set(node, []);
      if (commands.length > 0) await connections.get(node)!.batch(commands);
    };
    for (let i = 0; i < KEYS; i++) {
      const key = `item:${i}`;
      const node = placement.locate(key);
      const list = perNode.get(node) ?? [];
      list.push(['SET', key, `v${i}`]);
      perNode.set(node, list);
      if (list.length >= 10_000) await flush(node);
    }
    for (const node of perNode.keys()) await flush(node);
    // A zset whose owner changes when n3 joins, so it has to travel as a big key.
    const change = { add: [{ id: 'n3', url: cut.nodeUrl(3) }] };
    const after = topologyPlacement((await import('@shardis/engine')).nextTopology(before.topology, change));
    const zsetKey = Array.from({ length: 1000 }, (_, i) => `leaderboard:${i}`).find((key) => after.locate(key) === 'n3')!;
    const zsetOwner = connections.get(placement.locate(zsetKey))!;
    for (let start = 0; start < ZSET_MEMBERS; start += 10_000) {
      const args: Array<string | number> = ['ZADD', zsetKey];
      for (let i = start; i < start + 10_000; i++) args.push(i, `player:${i}`);
      await zsetOwner.send(args);
    }

    const run: Run = { history: [], events: [], stopWorkload: async () => undefined };
    const mover = worker(cut, run);
    const started = Date.now();
    await cut.admin.change(change);
    await mover.runUntilStable();
    const seconds = (Date.now() - started) / 1000;
    await mover.close();

    const moved = run.events.flatMap((event) => (event.type === 'progress' && event.progress.done ? [event.progress.moved] : [])).reduce((a, b) => a + b, 0);
    console.log(`moved ${moved} keys in ${seconds.toFixed(1)} s (${Math.round(moved / seconds)} keys/s)`);
    // Adding a 4th node of equal weight should move about a quarter of the keys.
    expect(moved / (KEYS + 1)).toBeGreaterThan(0.15);
    expect(moved / (KEYS + 1)).toBeLessThan(0.35);
    expect(run.events.some((event) => event.type === 'big-key')).toBe(true);

    const state = await cut.admin.access.require();
    const final = cut.admin.access.connectionsFor(state);
    expect(await final.get('n3')!.send(['ZCARD', zsetKey])).toBe(ZSET_MEMBERS);
    expect(await final.get('n3')!.send(['ZSCORE', zsetKey, 'player:123456'])).toEqual(Buffer.from('123456'));
    const report = await cut.admin.verify();
    expect(report.checked).toBe(KEYS + 1);
    expect(report.misplaced).toEqual([]);
    expect(report.duplicated).toEqual([]);
  });
});
