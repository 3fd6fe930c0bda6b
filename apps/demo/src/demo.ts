import { randomBytes } from 'node:crypto';
import { createTopology } from '@shardis/core';
import { ClusterAdmin, MigrationWorker, type ClusterState, type TopologyChange } from '@shardis/engine';
import { ShardedRedis, ioredisDriver } from '@shardis/ioredis';
import { checkDataset, keyName, writeDataset } from './dataset.ts';
import { LiveWriter } from './live-writer.ts';
import { expectMoves, type MoveExpectation } from './moves.ts';
import type { DemoOptions } from './options.ts';
import { bar, count, percent, StatusLine } from './progress.ts';
import type { DemoServers } from './servers.ts';

export interface StepResult {
  readonly step: string;
  readonly seconds: number;
  readonly moved: number;
  readonly expected: MoveExpectation;
  readonly writesDuringMove: number;
}

export interface DemoResult {
  readonly cluster: string;
  readonly algorithm: string;
  readonly keys: number;
  readonly nodesBefore: Record<string, number>;
  readonly nodesAfter: Record<string, number>;
  readonly steps: readonly StepResult[];
  readonly writesAcknowledged: number;
  readonly writesFailed: number;
  readonly writesLost: number;
  readonly datasetWrong: number;
  readonly misplaced: number;
  readonly ok: boolean;
}

type Say = (line: string) => void;

/** The whole story: cluster, data, a node added and one removed under live writes, the proof. */
export async function runDemo(options: DemoOptions, servers: DemoServers, say: Say): Promise<DemoResult> {
  const cluster = `demo-${randomBytes(3).toString('hex')}`;
  const urls = servers.urls;
  const initial = urls.slice(0, options.nodes).map((url, i) => ({ id: `node${i + 1}`, url }));
  const extra = { id: `node${options.nodes + 1}`, url: urls[options.nodes]! };
  const driver = ioredisDriver();
  const admin = new ClusterAdmin({ driver, cluster, seeds: initial.map((node) => node.url) });
  const status = new StatusLine(process.stdout, !options.json);
  let redis: ShardedRedis | undefined;
  let writer: LiveWriter | undefined;
  try {
    await admin.init(createTopology({ cluster, algorithm: options.algorithm, nodes: initial }));
    say(`cluster ${cluster}: ${initial.length} nodes, ${options.algorithm} placement, topology stored in Redis (revision 1)`);
    redis = new ShardedRedis({ cluster, seeds: initial.map((node) => node.url), pollIntervalMs: 500 });
    await redis.connect();
    const started = Date.now();
    await writeDataset(redis, options.keys, (written) => status.update(`writing ${bar(written, options.keys)} ${count(written)} / ${count(options.keys)} keys`));
    status.done(`wrote ${count(options.keys)} keys (strings, hashes, lists, sets, sorted sets) in ${((Date.now() - started) / 1000).toFixed(1)} s through @shardis/ioredis`);
    const nodesBefore = await keysPerNode(admin, say);

    writer = new LiveWriter(redis);
    writer.start();
    say('a writer now keeps writing fresh keys and counters while the cluster changes');
    const keys = Array.from({ length: options.keys }, (_, i) => keyName(i));
    const steps: StepResult[] = [];
    steps.push(await step(admin, `add ${extra.id}`, { add: [extra] }, keys, writer, status, say));
    steps.push(await step(admin, `remove ${initial[0]!.id}`, { remove: [initial[0]!.id] }, keys, writer, status, say));
    await writer.stop();

    say('reading every key back…');
    const wrong = await checkDataset(redis, options.keys);
    const lost = await writer.lost();
    const report = await admin.verify();
    const nodesAfter = await keysPerNode(admin, say);
    const ok = wrong.length === 0 && lost === 0 && report.misplaced.length === 0 && report.duplicated.length === 0;
    say('');
    say(`writes acknowledged during the moves: ${count(writer.acknowledged)}   failed: ${count(writer.failed)}   lost: ${count(lost)}`);
    say(`dataset keys wrong or missing: ${count(wrong.length)}   keys on the wrong node: ${count(report.misplaced.length + report.duplicated.length)} of ${count(report.checked)}`);
    say(ok ? 'verdict: OK, nothing lost, every key on its owner' : 'verdict: FAILED');
    return {
      cluster,
      algorithm: options.algorithm,
      keys: options.keys,
      nodesBefore,
      nodesAfter,
      steps,
      writesAcknowledged: writer.acknowledged,
      writesFailed: writer.failed,
      writesLost: lost,
      datasetWrong: wrong.length,
      misplaced: report.misplaced.length + report.duplicated.length,
      ok,
    };
  } finally {
    await writer?.stop();
    if (!servers.owned && redis !== undefined) await removeDemoKeys(redis, admin, options.keys, writer).catch(() => undefined);
    await redis?.quit().catch(() => undefined);
    await admin.close();
  }
}

async function step(admin: ClusterAdmin, name: string, change: TopologyChange, keys: readonly string[], writer: LiveWriter, status: StatusLine, say: Say): Promise<StepResult> {
  const before = await admin.access.require();
  const state = await admin.change(change);
  // Everything in the cluster right now: the data set and what the writer has written so far.
  const population = [...keys, ...writer.keys()];
  const expected = expectMoves(before.topology, state.topology, population);
  const writesBefore = writer.acknowledged;
  const moved = new Map<string, number>();
  const started = Date.now();
  const worker = new MigrationWorker({
    driver: ioredisDriver(),
    cluster: admin.access.cluster,
    seeds: state.topology.nodes.map((node) => node.url),
    onEvent: (event) => {
      if (event.type !== 'progress') return;
      moved.set(event.progress.source, event.progress.moved);
      const total = [...moved.values()].reduce((a, b) => a + b, 0);
      const rate = total / Math.max(0.001, (Date.now() - started) / 1000);
      status.update(`${name}: moving ${bar(total, expected.planned)} ${count(total)} keys  ${count(rate)} keys/s  writes acknowledged ${count(writer.acknowledged - writesBefore)}`);
    },
  });
  let final: ClusterState;
  try {
    final = await worker.runUntilStable();
  } finally {
    await worker.close();
  }
  const seconds = (Date.now() - started) / 1000;
  const total = [...moved.values()].reduce((a, b) => a + b, 0);
  status.done(
    `${name} (epoch ${final.topology.epoch}): ${count(total)} keys moved in ${seconds.toFixed(1)} s\n` +
      `    of the ${count(population.length)} keys present, ${count(expected.planned)} had to move: ` +
      `${percent(expected.planned / Math.max(1, expected.ideal))} of the ideal ${count(expected.ideal)}; ` +
      `hash mod n would have moved ${count(expected.modulo)} (${(expected.modulo / Math.max(1, expected.planned)).toFixed(1)}×)\n` +
      `    ${count(writer.acknowledged - writesBefore)} writes acknowledged during the move`,
  );
  void say;
  return { step: name, seconds, moved: total, expected, writesDuringMove: writer.acknowledged - writesBefore };
}

async function keysPerNode(admin: ClusterAdmin, say: Say): Promise<Record<string, number>> {
  const status = await admin.status();
  const result: Record<string, number> = {};
  for (const node of status.nodes) {
    if (!status.state.topology.nodes.some((n) => n.id === node.id)) continue;
    result[node.id] = node.keys ?? 0;
  }
  const total = Object.values(result).reduce((a, b) => a + b, 0);
  say(`keys per node: ${Object.entries(result).map(([id, keys]) => `${id} ${count(keys)} (${percent(keys / Math.max(1, total))})`).join('   ')}`);
  return result;
}

/** On the user's own servers, only the demo's keys and its cluster's control keys are removed. */
async function removeDemoKeys(redis: ShardedRedis, admin: ClusterAdmin, keys: number, writer: LiveWriter | undefined): Promise<void> {
  const names = [...Array.from({ length: keys }, (_, i) => keyName(i)), ...(writer?.keys() ?? [])];
  for (let start = 0; start < names.length; start += 1000) await redis.del(...names.slice(start, start + 1000));
  const state = await admin.access.require();
  for (const connection of admin.access.connectionsFor(state).values()) {
    let cursor = '0';
    do {
      const reply = (await connection.send(['SCAN', cursor, 'MATCH', `__shardis__:${admin.access.cluster}:*`, 'COUNT', 1000])) as [Buffer, Buffer[]];
      cursor = reply[0].toString();
      if (reply[1].length > 0) await connection.send(['DEL', ...reply[1]]);
    } while (cursor !== '0');
  }
}
