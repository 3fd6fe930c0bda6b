import { InvalidArgumentError, keyToBytes, pinField, pinned, planMove, topologyPlacement, type Key, type Pin, type PinMove, type Pins, type Placement, type Topology } from '@shardis/core';
import { EngineError } from '../errors.ts';
import { readLeases } from './barrier.ts';
import type { ClusterState } from '../topology/cluster-state.ts';
import { CONTROL_PREFIX, isControlKey } from '../topology/control-keys.ts';
import type { NodeConnection } from '../port.ts';
import { PinStore, placementWithPins } from '../topology/pin-store.ts';
import { replyInteger, replyText } from '../reply.ts';
import { ClusterAccess, type ClusterAccessOptions } from './cluster-access.ts';
import { progressKey } from './source-mover.ts';
import { nextTopology, withPinSet, type TopologyChange } from './topology-change.ts';

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

/** Pins and unpins made as one topology change. */
export interface PinChange {
  /** `[field, node]`: a key, or a `{tag}` (every key of that tag), and a node of the topology. */
  readonly pin?: Iterable<readonly [Key, string]>;
  /** Fields to unpin (each must be pinned): their keys go back to where the algorithm puts them. */
  readonly unpin?: Iterable<Key>;
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
  private readonly pinStore: PinStore;

  constructor(options: ClusterAccessOptions) {
    this.access = new ClusterAccess(options);
    this.hashers = options.hashers;
    this.pinStore = new PinStore(this.access.keys);
  }

  async init(topology: Topology, options: { force?: boolean } = {}): Promise<ClusterState> {
    if (topology.pins !== undefined) throw new MigrationStateError('init writes a topology without pins: pin keys afterwards (`pin`), so the pin set is written with it');
    const current = await this.access.read();
    if (current !== undefined && options.force !== true) throw new MigrationStateError(`cluster ${topology.cluster} already has a topology (revision ${current.revision}); use a change instead`);
    return this.access.write(current, { mode: 'stable', topology });
  }

  /**
   * Starts a change: writes MIGRATING(e → e+1). Only from a stable state. Removing a node that pins
   * point at throws `NodeHasPinsError` listing them; nothing is written.
   */
  async change(change: TopologyChange): Promise<ClusterState> {
    const current = await this.requireStable();
    const pins = await this.pinsOf(current.topology, current);
    const next = nextTopology(current.topology, change, this.hashers, pins);
    // Nodes joining need the pin set too: clients may read the state from them.
    if (pins.size > 0) await this.pinStore.write(this.access.connectionsFor(current, { ...current, topology: next }), pins, current.revision);
    return this.access.write(current, { mode: 'migrating', source: current.topology, topology: next });
  }

  /** The pins in force (the target's while a change runs), sorted by field bytes. */
  async pins(): Promise<Pin[]> {
    const state = await this.access.require();
    return (await this.pinsOf(state.topology, state)).list();
  }

  /** Where keys live once the cluster is stable: the target topology's placement, with its pins. */
  async placement(): Promise<Placement> {
    const state = await this.access.require();
    return placementWithPins(state.topology, this.hashers, await this.pinsOf(state.topology, state));
  }

  /** Pins `field` (a key, or a `{tag}`: every key of it) to `node`. See `changePins`. */
  async pin(field: Key, node: string): Promise<ClusterState> {
    return this.changePins({ pin: [[field, node]] });
  }

  /** Unpins `field`: its keys go back to where the algorithm puts them. See `changePins`. */
  async unpin(field: Key): Promise<ClusterState> {
    return this.changePins({ unpin: [field] });
  }

  /**
   * Pins and unpins as one topology change, only from a stable state: writes the next pin set on
   * every node, then MIGRATING(e → e+1) with the same algorithm and the new pins. A worker then
   * moves the keys whose owner changes through the migration protocol, with its usual guarantees.
   * Returns the current state, unchanged, when the pins would not change (pinning a field to the
   * node it is pinned to).
   *
   * @throws UnknownNodeError naming the pin whose node the topology does not have;
   *   InvalidArgumentError for a field that cannot be pinned (empty, over 4 KiB, a key with a
   *   hash tag: pin the `{tag}`) or unpinned (not pinned); MigrationStateError while a change
   *   runs. Nothing is written when anything is thrown.
   */
  async changePins(change: PinChange): Promise<ClusterState> {
    const current = await this.requireStable();
    const before = await this.pinsOf(current.topology, current);
    const after = this.updated(before, change, current.topology);
    // Every pin checked against the topology (nodes, tag rule) before anything is written.
    pinned(topologyPlacement(current.topology, this.hashers), after);
    if (after.equals(before)) return current;
    const ref = await this.pinStore.write(this.access.connectionsFor(current), after, current.revision);
    return this.access.write(current, { mode: 'migrating', source: current.topology, topology: withPinSet(current.topology, ref, this.hashers) });
  }

  /**
   * What `changePins(change)` would do, without writing anything: the pins after it, and each
   * pinned key or `{tag}` whose node changes (every key of a tag moves with it). Throws what
   * `changePins` throws for bad pins.
   */
  async previewPins(change: PinChange): Promise<{ readonly pins: Pin[]; readonly moves: PinMove[] }> {
    const current = await this.access.require();
    const before = await this.pinsOf(current.topology, current);
    const base = topologyPlacement(current.topology, this.hashers);
    const after = pinned(base, this.updated(before, change, current.topology));
    const plan = planMove(pinned(base, before), after);
    return { pins: after.pins.list(), moves: plan.kind === 'pinned' ? plan.pinMoves() : [] };
  }

  /** Starts rolling back the change under way: FROZEN, then the worker reverses the moves. */
  /**
   * Writes the stable state in force again, unchanged, as the next revision: signed with the first
   * `topologyKey`. Step 2 of a key rotation (SECURITY.md), and the repair after a node held a bogus
   * state. Only from a stable state.
   */
  async resign(): Promise<ClusterState> {
    const current = await this.access.require();
    if (current.mode !== 'stable') throw new MigrationStateError(`a ${current.mode} change (revision ${current.revision}) is under way; re-sign once it is done`);
    return this.access.write(current, { mode: 'stable', topology: current.topology });
  }

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
    const placement = placementWithPins(state.topology, this.hashers, await this.pinsOf(state.topology, state));
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
    const pins = await this.pinsOf(current.topology, current);
    const next = nextTopology(current.topology, change, this.hashers, pins);
    const plan = planMove(placementWithPins(current.topology, this.hashers, pins), placementWithPins(next, this.hashers, pins));
    return { next, movedFraction: plan.movedFraction(sampleKeys) };
  }

  private async requireStable(): Promise<ClusterState> {
    const current = await this.access.require();
    if (current.mode !== 'stable') throw new MigrationStateError(`a ${current.mode} change (revision ${current.revision}) is under way; wait for it or abort it`);
    return current;
  }

  /** `pins.update(change)`; "not pinned" for a key with a hash tag most likely meant its tag: says which. */
  private updated(pins: Pins, change: PinChange, topology: Topology): Pins {
    const unpin = change.unpin === undefined ? [] : [...change.unpin];
    try {
      return pins.update({ ...change, unpin });
    } catch (error) {
      const at = /^unpin\[(\d+)\]$/.exec(String((error as { argument?: unknown }).argument));
      const field = at === null ? undefined : unpin[Number(at[1])];
      if (field === undefined || !topology.hashTags || pinField(keyToBytes(field)).length === keyToBytes(field).length) throw error;
      const tag = JSON.stringify(Buffer.from(pinField(keyToBytes(field))).toString('utf8'));
      throw new InvalidArgumentError(at![0], `${(error as Error).message.slice(at![0].length + 2)}; its keys follow the hash tag ${tag}: unpin that`, { cause: error });
    }
  }

  private pinsOf(topology: Topology, state: ClusterState): Promise<Pins> {
    return this.pinStore.forTopology(topology, [...this.access.connectionsFor(state).values()]);
  }


  async close(): Promise<void> {
    await this.access.close();
  }
}
