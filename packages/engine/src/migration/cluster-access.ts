import type { Hasher } from '@shardis/core';
import { TopologyNotFoundError, TopologyRejectedError } from '../errors.ts';
import type { NodeConnection, RedisDriver } from '../port.ts';
import type { TopologyKey } from '../security/topology-key.ts';
import { stateNodes, type ClusterState } from '../topology/cluster-state.ts';
import { StateStore, type StateSigner, type StateVerifier } from '../topology/state-store.ts';
import { ControlConnections } from './control-connections.ts';

export interface ClusterAccessOptions {
  readonly driver: RedisDriver;
  readonly cluster: string;
  /** Redis urls to read the state from at first (any data nodes). */
  readonly seeds: readonly string[];
  readonly hashers?: readonly Hasher[];
  /**
   * The shared secret of signed topologies: every state written is signed with the first key, and
   * a state that no key verifies is ignored as if the node held none. See SECURITY.md.
   */
  readonly topologyKey?: TopologyKey;
  readonly verifyTopology?: StateVerifier;
  readonly signTopology?: StateSigner;
  /** Called once per node and reason when a node holds a state that was refused (worker: `topology-rejected` event). */
  readonly onTopologyRejected?: (node: string, error: TopologyRejectedError) => void;
}

/**
 * How operators and workers see a cluster: the newest trusted state among the seeds and every node
 * the last state named, and one control connection per node.
 */
export class ClusterAccess {
  readonly store: StateStore;
  readonly cluster: string;
  private readonly options: Omit<ClusterAccessOptions, 'topologyKey'>;
  private readonly control: ControlConnections;
  private known: ClusterState | undefined;
  private readonly refused = new Map<string, string>();

  constructor(options: ClusterAccessOptions) {
    // The key goes to the store alone; these options may be inspected or logged.
    const { topologyKey: _key, ...kept } = options;
    this.options = kept;
    this.cluster = options.cluster;
    this.control = new ControlConnections(options.driver);
    this.store = new StateStore({
      cluster: options.cluster,
      ...(options.hashers === undefined ? {} : { hashers: options.hashers }),
      topologyKey: options.topologyKey,
      verify: options.verifyTopology,
      sign: options.signTopology,
    });
  }

  get keys(): StateStore['keys'] {
    return this.store.keys;
  }

  /** The newest state, or undefined when no node has one. */
  async read(): Promise<ClusterState | undefined> {
    const endpoints = new Map<string, string>(this.options.seeds.map((url) => [`seed:${url}`, url]));
    if (this.known !== undefined) for (const node of stateNodes(this.known)) endpoints.set(node.id, node.url);
    const reading = await this.store.read(this.control.for([...endpoints].map(([id, url]) => ({ id, url }))));
    this.report(reading.byNode);
    if (reading.state !== undefined && (this.known === undefined || reading.state.revision >= this.known.revision)) this.known = reading.state;
    return this.known;
  }

  async require(): Promise<ClusterState> {
    const state = await this.read();
    if (state === undefined) throw new TopologyNotFoundError(this.cluster, 'no seed holds a topology; run `shardis init` first');
    return state;
  }

  /** Control connections to every node a state names (source and target). */
  connectionsFor(...states: ReadonlyArray<ClusterState | undefined>): Map<string, NodeConnection> {
    const endpoints = new Map<string, string>();
    for (const state of states) if (state !== undefined) for (const node of stateNodes(state)) endpoints.set(node.id, node.url);
    return this.control.for([...endpoints].map(([id, url]) => ({ id, url })));
  }

  /** Writes the next state over `current` on every node either names. */
  async write(current: ClusterState | undefined, next: Omit<ClusterState, 'revision' | 'updatedAt'>): Promise<ClusterState> {
    const connections = this.connectionsFor(current, { ...next, revision: 0, updatedAt: 0 });
    const written = await this.store.write(connections, current?.revision ?? 0, next);
    this.known = written;
    return written;
  }

  /** Tells about refused states, once per node and reason; a node that recovers is forgotten. */
  private report(byNode: ReadonlyMap<string, { readonly state: ClusterState | undefined } | { readonly error: Error }>): void {
    for (const [id, reading] of byNode) {
      const error = 'error' in reading && reading.error instanceof TopologyRejectedError ? reading.error : undefined;
      if (error === undefined) {
        if ('state' in reading) this.refused.delete(id);
        continue;
      }
      if (this.refused.get(id) === error.message) continue;
      this.refused.set(id, error.message);
      this.options.onTopologyRejected?.(id, error);
    }
  }

  async close(): Promise<void> {
    await this.control.close();
  }
}
