import type { Hasher, Placement } from '@shardis/core';
import type { NodeEndpoint } from '../port.ts';
import { stateNodes, type ClusterMode, type ClusterState } from '../topology/cluster-state.ts';
import { placementWithPins, type StatePins } from '../topology/pin-store.ts';

/** A key's route: its owner, and where it comes from while it is moving. */
export interface KeyRoute {
  /** The node that owns the key under the target placement. */
  readonly to: string;
  /** The node the key is moving from; equal to `to` when it is not moving. */
  readonly from: string;
}

/**
 * An immutable snapshot of where keys live, built from one revision of the cluster state. The
 * engine swaps the whole table on a topology change, so a command routes by one revision from
 * start to end, and counting commands in flight per table tells when an old revision has drained.
 */
export class RoutingTable {
  readonly state: ClusterState;
  readonly revision: number;
  readonly mode: ClusterMode;
  readonly target: Placement;
  readonly source: Placement | undefined;
  /** Every node either placement names. */
  readonly endpoints: ReadonlyMap<string, NodeEndpoint>;
  /** Nodes of the target placement in a stable order (cluster-wide SCAN walks them in this order). */
  readonly targetNodes: readonly string[];
  /** The migration's id (the target epoch) while keys move. */
  readonly migrationId: number;
  /** Commands dispatched under this table that have not finished. */
  inflight = 0;
  private drainWaiters: Array<() => void> = [];
  /**
   * Moving keys the guard has answered "moved" for (see `markArrived`): string keys as given, so
   * a lookup allocates nothing, and Buffer keys apart, by their bytes, so the two never mix.
   */
  private readonly arrived = new Set<string>();
  private readonly arrivedBytes = new Set<string>();

  /**
   * `pins` are the loaded pin sets the state's topologies name (see `PinStore.forState`); a state
   * that names a set not given is refused, since pinned keys would be routed to the wrong node.
   */
  constructor(state: ClusterState, hashers?: readonly Hasher[], pins: StatePins = {}) {
    this.state = state;
    this.revision = state.revision;
    this.mode = state.mode;
    this.target = placementWithPins(state.topology, hashers, pins.target);
    this.source = state.source === undefined || state.mode === 'stable' ? undefined : placementWithPins(state.source, hashers, pins.source);
    this.endpoints = new Map(stateNodes(state).map((node) => [node.id, node]));
    this.targetNodes = state.topology.nodes.map((node) => node.id);
    this.migrationId = state.topology.epoch;
  }

  /** True when some keys may be away from their target owner. */
  get moving(): boolean {
    return this.source !== undefined;
  }

  /** The owner under the target placement (stable fast path). */
  owner(key: string | Buffer): string {
    return this.target.locate(key);
  }

  route(key: string | Buffer): KeyRoute {
    const to = this.target.locate(key);
    const from = this.source === undefined ? to : this.source.locate(key);
    return { to, from };
  }

  /**
   * The node a key lives on now, without asking its source: its owner when it is not moving, or
   * its target once `markArrived` has recorded it; undefined while it may still be on the source.
   */
  settledOwner(key: string | Buffer): string | undefined {
    const to = this.target.locate(key);
    if (this.source === undefined) return to;
    if (this.source.locate(key) === to) return to;
    return this.hasArrived(key) ? to : undefined;
  }

  /** True once `markArrived` has recorded the key (see there); says nothing of keys that do not move. */
  hasArrived(key: string | Buffer): boolean {
    if (typeof key === 'string') return this.arrived.size > 0 && this.arrived.has(key);
    return this.arrivedBytes.size > 0 && this.arrivedBytes.has(key.toString('latin1'));
  }

  /**
   * Records that the source's guard answered "moved" for a key. That answer is final for the life
   * of this table: the guard gives it only once the key is gone from the source and not in doubt,
   * and from then on every writer is sent to the target and the worker only moves keys away from
   * the source. An abort swaps the table (FROZEN) before anything moves back, so the record never
   * outlives the migration it is about. Bounded: past the cap, keys simply keep asking.
   */
  markArrived(key: string | Buffer): void {
    if (this.source === undefined || this.arrived.size + this.arrivedBytes.size >= MAX_ARRIVED) return;
    if (typeof key === 'string') this.arrived.add(key);
    else this.arrivedBytes.add(key.toString('latin1'));
  }

  begin(): void {
    this.inflight++;
  }

  end(): void {
    if (--this.inflight === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Resolves once every command dispatched under this table has finished. */
  drained(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }
}

const MAX_ARRIVED = 1_000_000;

