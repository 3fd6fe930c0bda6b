export { ShardedEngine } from './engine.ts';
export type { EngineEventMap } from './engine.ts';
export type { EngineOptions } from './engine-options.ts';
export type {
  CommandArgs,
  ConnectionEvent,
  ConnectionRole,
  DriverCapabilities,
  NodeConnection,
  NodeEndpoint,
  RedisArg,
  RedisDriver,
  Reply,
  Subscription,
} from './port.ts';
export type { EngineReply } from './execution/plan.ts';
export type { PerNodeReplies } from './execution/combine.ts';
export type { ScanOptions } from './execution/scan.ts';
export type { AutoEjectOptions, DirectRoute } from './nodes/node-pool.ts';
export {
  EngineError,
  CrossSlotError,
  NodeUnavailableError,
  TryAgainError,
  LeaseExpiredError,
  TopologyConflictError,
  TopologyNotFoundError,
  TopologyRejectedError,
  UnsupportedCommandError,
  ClientClosedError,
  isRetryable,
} from './errors.ts';
export type { TopologyRejectionKind } from './errors.ts';
export type { ClusterMode, ClusterState } from './topology/cluster-state.ts';
export { stateFromFields, stateToFields, stateNodes } from './topology/cluster-state.ts';
export { StateStore } from './topology/state-store.ts';
export type { StateReading, StateSigner, StateVerifier, NodeReading } from './topology/state-store.ts';
export { PinStore, pinsDigest, placementWithPins } from './topology/pin-store.ts';
export type { StatePins } from './topology/pin-store.ts';
export { controlKeys, isControlKey, CONTROL_PREFIX } from './topology/control-keys.ts';
export type { ControlKeys } from './topology/control-keys.ts';
export { parseLease } from './membership/client-lease.ts';
export type { LeaseRecord } from './membership/client-lease.ts';
export { GUARD_SCRIPT } from './routing/migration-guard.ts';
export { ClusterAdmin, MigrationStateError } from './migration/cluster-admin.ts';
export type { ClusterStatus, NodeStatus, PinChange, SourceProgress, VerifyReport } from './migration/cluster-admin.ts';
export { ClusterAccess } from './migration/cluster-access.ts';
export type { ClusterAccessOptions } from './migration/cluster-access.ts';
export { MigrationWorker } from './migration/worker.ts';
export type { WorkerEvent, WorkerOptions } from './migration/worker.ts';
export type { MoverEvent, MoverProgress } from './migration/source-mover.ts';
export type { MigrateAuth } from './migration/move-batch.ts';
export { nextTopology, withPinSet } from './migration/topology-change.ts';
export type { TopologyChange } from './migration/topology-change.ts';
export { MIN_TOPOLOGY_KEY_BYTES, TopologyKeyring, topologyKeyId } from './security/topology-key.ts';
export type { SignatureCheck, TopologyKey } from './security/topology-key.ts';
export { STATE_MESSAGE_PREFIX, UNSIGNED_STATE_FIELDS, stateMessage, stateSigning } from './security/state-signature.ts';
export { ANNOUNCE_MESSAGE_PREFIX, MAX_ANNOUNCEMENT_BYTES, formatAnnouncement, readAnnouncement } from './security/announcement.ts';
export { applicationAclRules, operatorAclRules, patternsOutside } from './security/acl-rules.ts';
export type { ApplicationAclOptions } from './security/acl-rules.ts';
export { redactState } from './security/redact.ts';
