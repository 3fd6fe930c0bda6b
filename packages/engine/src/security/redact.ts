import { redactTopology } from '@shardis/core';
import type { ClusterState } from '../topology/cluster-state.ts';

/**
 * A copy of a state that is safe to print or log: the `hashSeed` of both topologies becomes
 * `"[redacted]"` (see core's `redactTopology`). Engine events and `ClusterAdmin.status()` carry the
 * real state, which routing needs: pass it through this before it reaches a log.
 */
export function redactState(state: ClusterState): ClusterState {
  const redacted: ClusterState = { revision: state.revision, mode: state.mode, topology: redactTopology(state.topology), updatedAt: state.updatedAt };
  return state.source === undefined ? redacted : { ...redacted, source: redactTopology(state.source) };
}
