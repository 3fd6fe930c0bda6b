import { planMove, topologyPlacement, type Topology } from '@shardis/core';
import { EngineError } from '../errors.ts';
import { readLeases } from './barrier.ts';
import type { ClusterState } from '../topology/cluster-state.ts';
import { CONTROL_PREFIX, isControlKey } from '../topology/control-keys.ts';
import type { NodeConnection } from '../port.ts';
import { replyInteger, replyText } from '../reply.ts';
import { ClusterAccess, type ClusterAccessOptions } from './cluster-access.ts';
import { progressKey } from './source-mover.ts';
import { nextTopology, type TopologyChange } from './topology-change.ts';

/** The operation asked for does not fit the cluster's state (a change while another is running…). */
export class MigrationStateError extends EngineError {
  constructor(message: string) {
    super('ERR_MIGRATION_STATE', message, false);
    this.name = 'MigrationStateError';
  }
}

export interface NodeStatus {
  readonly id: string;
  readonly url: string;
  readonly reachable: boolean;
  readonly keys?: number;
  readonly usedMemory?: number;
  readonly error?: string;
}

export interface SourceProgress {
  readonly node: string;
  readonly moved: number;
  readonly bytes: number;
  readonly scanned: number;
  readonly done: boolean;
}

export interface ClusterStatus {
  readonly state: ClusterState;
  readonly nodes: readonly NodeStatus[];
  /** Live clients and the revision each acknowledged. */
  readonly clients: ReadonlyMap<string, number>;
  readonly progress: readonly SourceProgress[];
}

export interface VerifyReport {
  readonly checked: number;
  /** Keys found on a node that does not own them. */
  readonly misplaced: ReadonlyArray<{ readonly key: Buffer; readonly node: string; readonly owner: string }>;
  /** Keys found on more than one node. */
  readonly duplicated: ReadonlyArray<{ readonly key: Buffer; readonly nodes: readonly string[] }>;
}

async function countControlKeys(connection: NodeConnection): Promise<number> {
  let cursor = '0';
  let found = 0;
  do {
    const reply = await connection.send(['SCAN', cursor, 'MATCH', `${CONTROL_PREFIX}*`, 'COUNT', 1000]);
    if (!Array.isArray(reply)) break;
    cursor = replyText(reply[0]);
    found += Array.isArray(reply[1]) ? reply[1].length : 0;
  } while (cursor !== '0');
  return found;
}

/**
 * What an operator does to a cluster: create it, change it, abort a change, look at it, and
 * check that every key is where it belongs. A change only writes the next state; keys are moved
 * by `MigrationWorker`, which may run anywhere.
 */
export class ClusterAdmin {
  readonly access: ClusterAccess;
  private readonly hashers: ClusterAccessOptions['hashers'];

  constructor(options: ClusterAccessOptions) {
    this.access = new ClusterAccess(options);
    this.hashers = options.hashers;
  }

  async init(topology: Topology, options: { force?: boolean } = {}): Promise<ClusterState> {
    const current = await this.access.read();
    if (current !== undefined && options.force !== true) throw new MigrationStateError(`cluster ${topology.cluster} already has a topology (revision ${current.revision}); use a change instead`);
    return this.access.write(current, { mode: 'stable', topology });
  }

  /** Starts a change: writes MIGRATING(e → e+1). Only from a stable state. */
  async change(change: TopologyChange): Promise<ClusterState> {
    const current = await this.access.require();
    if (current.mode !== 'stable') throw new MigrationStateError(`a ${current.mode} change (revision ${current.revision}) is under way; wait for it or abort it`);
    const next = nextTopology(current.topology, change, this.hashers);
    return this.access.write(current, { mode: 'migrating', source: current.topology, topology: next });
  }

  /** Starts rolling back the change under way: FROZEN, then the worker reverses the moves. */
  async abort(): Promise<ClusterState> {
    const current = await this.access.require();
    if (current.mode !== 'migrating') throw new MigrationStateError(`nothing to abort: the cluster is ${current.mode}`);
    return this.access.write(current, { mode: 'frozen', source: current.source!, topology: current.topology });
  }

  async status(): Promise<ClusterStatus> {
    const state = await this.access.require();
    const connections = this.access.connectionsFor(state);
    const nodes = await Promise.all(
      [...connections].map(async ([id, connection]): Promise<NodeStatus> => {
        const url = [...state.topology.nodes, ...(state.source?.nodes ?? [])].find((node) => node.id === id)?.url ?? '';
        try {
          const [keys, info] = await connection.batch([['DBSIZE'], ['INFO', 'memory']]);
          const memory = /used_memory:(\d+)/.exec(replyText(info instanceof Error ? null : info ?? null));
          // DBSIZE counts shardis's own keys too (topology, leases, checkpoints): report data keys.
          const total = replyInteger(keys instanceof Error ? null : keys ?? null) - (await countControlKeys(connection));
          return { id, url, reachable: true, keys: Math.max(0, total), ...(memory === null ? {} : { usedMemory: Number(memory[1]) }) };
        } catch (error) {
          return { id, url, reachable: false, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const leases = await readLeases(connections, this.access.keys, state.revision).catch(() => ({ clients: new Map<string, number>() }));
    const progress: SourceProgress[] = [];
    if (state.mode !== 'stable') {
      for (const [id, connection] of connections) {
        const reply = await connection.send(['HGETALL', progressKey(this.access.keys, state.topology.epoch)]).catch(() => null);
        const fields = new Map<string, string>();
        if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) fields.set(replyText(reply[i]), replyText(reply[i + 1]));
        if (fields.size === 0) continue;
        progress.push({ node: id, moved: Number(fields.get('moved') ?? 0), bytes: Number(fields.get('bytes') ?? 0), scanned: Number(fields.get('scanned') ?? 0), done: fields.get('done') === '1' });
      }
    }
    return { state, nodes, clients: leases.clients, progress };
  }

  /** Scans every node: each key must live on its owner and nowhere else (stable clusters). */
  async verify(options: { onProgress?: (checked: number) => void } = {}): Promise<VerifyReport> {
    const state = await this.access.require();
    if (state.mode !== 'stable') throw new MigrationStateError('verify needs a stable cluster; a change is under way');
    const placement = topologyPlacement(state.topology, this.hashers);
    const connections = this.access.connectionsFor(state);
    const seen = new Map<string, string[]>();
    const misplaced: Array<{ key: Buffer; node: string; owner: string }> = [];
    let checked = 0;
    for (const [id, connection] of connections) {
      let cursor = '0';
      do {
        const reply = await connection.send(['SCAN', cursor, 'COUNT', 1000]);
        if (!Array.isArray(reply)) break;
        cursor = replyText(reply[0]);
        for (const key of (Array.isArray(reply[1]) ? reply[1] : []) as Buffer[]) {
          if (isControlKey(key)) continue;
          checked++;
          const owner = placement.locate(key);
          if (owner !== id) misplaced.push({ key, node: id, owner });
          const name = key.toString('latin1');
          const where = seen.get(name);
          if (where === undefined) seen.set(name, [id]);
          else if (!where.includes(id)) where.push(id);
        }
        options.onProgress?.(checked);
      } while (cursor !== '0');
    }
    const duplicated = [...seen].filter(([, nodes]) => nodes.length > 1).map(([name, nodes]) => ({ key: Buffer.from(name, 'latin1'), nodes }));
    return { checked, misplaced, duplicated };
  }

  /** How many of `sampleKeys` a change would move, before it is made. */
  async preview(change: TopologyChange, sampleKeys: readonly string[]): Promise<{ next: Topology; movedFraction: number }> {
    const current = await this.access.require();
    const next = nextTopology(current.topology, change, this.hashers);
    const plan = planMove(topologyPlacement(current.topology, this.hashers), topologyPlacement(next, this.hashers));
    return { next, movedFraction: plan.movedFraction(sampleKeys) };
  }

  async close(): Promise<void> {
    await this.access.close();
  }
}
