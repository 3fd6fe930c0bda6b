import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, type Hasher } from '@shardis/core';
import { NodeUnavailableError, TopologyConflictError, TopologyRejectedError } from '../errors.ts';
import { formatAnnouncement, readAnnouncement } from '../security/announcement.ts';
import { stateSigning } from '../security/state-signature.ts';
import { TopologyKeyring, type TopologyKey } from '../security/topology-key.ts';
import type { NodeConnection, Reply } from '../port.ts';
import { replyInteger, replyText } from '../reply.ts';
import { stateFromFields, stateToFields, type ClusterState } from './cluster-state.ts';
import { controlKeys, type ControlKeys } from './control-keys.ts';

/**
 * Compare-and-set of the whole state hash. Strict mode (the arbitrating node) writes only over the
 * expected revision; repair mode (every other node) writes over anything older than the new
 * revision, which also brings a node that missed earlier writes up to date. Returns -1 when
 * written, else the revision found.
 */
const WRITE_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], 'revision') or '0')
local expected = tonumber(ARGV[1])
local revision = tonumber(ARGV[3])
if ARGV[2] == 'strict' then
  if current ~= expected then return current end
elseif current >= revision then
  if current == revision and redis.call('HGET', KEYS[1], 'writer') == ARGV[4] then return -1 end
  return current
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'writer', ARGV[4], unpack(ARGV, 5))
return -1
`;

export type StateVerifier = (fields: Readonly<Record<string, string>>) => void;
export type StateSigner = (fields: Record<string, string>) => Record<string, string>;

export interface StateStoreOptions {
  readonly cluster: string;
  readonly hashers?: readonly Hasher[];
  /**
   * Signs every document and announcement written, and refuses every document and announcement
   * read that is not signed by one of the keys (the first signs, all verify). See SECURITY.md.
   */
  readonly topologyKey?: TopologyKey | undefined;
  /** Throws `TopologyRejectedError` for a document that is not trusted (own signing schemes). */
  readonly verify?: StateVerifier | undefined;
  /** Adds a signature to a document before it is written. */
  readonly sign?: StateSigner | undefined;
}

/** What one node holds: its state, nothing (`undefined`), or why it could not be read or trusted. */
export type NodeReading = { readonly state: ClusterState | undefined } | { readonly error: Error };

export interface StateReading {
  /** The newest trusted state any node holds. */
  readonly state: ClusterState | undefined;
  readonly byNode: ReadonlyMap<string, NodeReading>;
}

function fieldsOf(reply: Reply): Record<string, string> {
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) fields[replyText(reply[i])] = replyText(reply[i + 1]);
  return fields;
}

/**
 * Reads and writes the cluster state kept on every data node. Redis is the source of truth; a
 * reader takes the newest trusted revision among the nodes it reaches, so no single node's loss
 * stops a client from learning the topology. A write reaches every node it can, and needs a
 * majority of them; the first reachable node in id order that holds a state arbitrates concurrent
 * writers (a node being added holds none).
 */
export class StateStore {
  readonly keys: ControlKeys;
  private readonly cluster: string;
  private readonly hashers: readonly Hasher[] | undefined;
  private readonly verifier: StateVerifier | undefined;
  private readonly signer: StateSigner | undefined;
  // Held here, not in the options: the key never sits in an object a caller may log.
  private readonly keyring: TopologyKeyring | undefined;

  constructor(options: StateStoreOptions) {
    this.cluster = options.cluster;
    this.hashers = options.hashers;
    this.keys = controlKeys(options.cluster);
    if (options.topologyKey !== undefined && (options.verify !== undefined || options.sign !== undefined)) {
      throw new InvalidArgumentError('options.topologyKey', 'give either topologyKey or your own verifyTopology/signTopology, not both');
    }
    this.keyring = options.topologyKey === undefined ? undefined : TopologyKeyring.from(options.topologyKey, 'options.topologyKey');
    const signing = this.keyring === undefined ? undefined : stateSigning(this.keyring);
    this.verifier = signing?.verify ?? options.verify;
    this.signer = signing?.sign ?? options.sign;
  }

  /** Verifies (when a key or verifier is configured), then decodes and validates; `undefined` for an empty hash. */
  decode(fields: Record<string, string>): ClusterState | undefined {
    if (Object.keys(fields).length === 0) return undefined;
    try {
      this.verifier?.(fields);
    } catch (error) {
      if (error instanceof TopologyRejectedError) throw error;
      throw new TopologyRejectedError(error instanceof Error ? error.message : String(error), { cause: error });
    }
    return stateFromFields(fields, this.hashers === undefined ? { cluster: this.cluster } : { cluster: this.cluster, hashers: this.hashers });
  }

  /** The fields of a state as they are to be written: signed when a key or signer is configured. */
  sign(fields: Record<string, string>): Record<string, string> {
    return this.signer === undefined ? fields : this.signer(fields);
  }

  /** The state hash of one node as raw fields; rejects only when the node cannot be read. */
  async fetch(connection: NodeConnection): Promise<Record<string, string>> {
    return fieldsOf(await connection.send(['HGETALL', this.keys.topology]));
  }

  async readNode(connection: NodeConnection): Promise<ClusterState | undefined> {
    return this.decode(await this.fetch(connection));
  }

  /** The revision an announcement names if it deserves a look (newer than `after`, signed when a key is set). */
  readAnnouncement(payload: Uint8Array, after: number): number | undefined {
    return readAnnouncement(payload, this.cluster, { keyring: this.keyring, after });
  }

  /**
   * The revision a node holds (0: none) and the token of the write that put it there: a new write
   * changes the token even at the same revision, so a refused state is read again only if it changed.
   */
  async stampOf(connection: NodeConnection): Promise<{ revision: number; writer: string }> {
    const reply = await connection.send(['HMGET', this.keys.topology, 'revision', 'writer']);
    const [revision, writer] = Array.isArray(reply) ? reply : [];
    return { revision: replyInteger(revision), writer: replyText(writer).slice(0, 64) };
  }

  /** The revision a node holds, 0 when it has none; cheap enough to poll. */
  async revisionOf(connection: NodeConnection): Promise<number> {
    return replyInteger(await connection.send(['HGET', this.keys.topology, 'revision']));
  }

  async read(connections: ReadonlyMap<string, NodeConnection>): Promise<StateReading> {
    const byNode = new Map<string, NodeReading>();
    let newest: ClusterState | undefined;
    await Promise.all(
      [...connections].map(async ([id, connection]) => {
        try {
          const state = await this.readNode(connection);
          byNode.set(id, { state });
          if (state !== undefined && (newest === undefined || state.revision > newest.revision)) newest = state;
        } catch (error) {
          byNode.set(id, { error: error instanceof Error ? error : new Error(String(error)) });
        }
      }),
    );
    return { state: newest, byNode };
  }

  /**
   * Writes `next` as revision `expected + 1` on every node in `connections` (which must include
   * every node of the old and new placements). Throws `TopologyConflictError` if another writer
   * got there first, `NodeUnavailableError` if fewer than a majority of nodes answer.
   */
  async write(connections: ReadonlyMap<string, NodeConnection>, expected: number, next: Omit<ClusterState, 'revision' | 'updatedAt'>): Promise<ClusterState> {
    const state: ClusterState = { ...next, revision: expected + 1, updatedAt: Date.now() };
    const fields = this.sign(stateToFields(state));
    // Validate what we are about to write exactly as readers will.
    this.decode({ ...fields });
    const flat = Object.entries(fields).flat();
    const writer = randomUUID();
    const ids = [...connections.keys()].sort();
    const held = await this.reachable(connections, ids);
    const reachable = [...held.keys()];
    if (reachable.length * 2 <= ids.length) {
      throw new NodeUnavailableError(ids.filter((id) => !reachable.includes(id)).join(','), `only ${reachable.length} of ${ids.length} nodes answer; a topology write needs a majority`);
    }
    // A node being added holds no state yet, so it cannot arbitrate a change over `expected`:
    // the arbiter is the first reachable node (id order) that holds some revision.
    const arbiter = (expected > 0 ? reachable.find((id) => held.get(id)! > 0) : undefined) ?? reachable[0]!;
    const others = reachable.filter((id) => id !== arbiter);
    const first = await this.writeNode(connections.get(arbiter)!, 'strict', expected, state.revision, writer, flat);
    if (first !== -1) throw new TopologyConflictError(expected, first, arbiter);
    const failures: string[] = [];
    await Promise.all(
      others.map(async (id) => {
        try {
          const result = await this.writeNode(connections.get(id)!, 'repair', expected, state.revision, writer, flat);
          if (result !== -1) failures.push(`${id} holds revision ${result}`);
        } catch (error) {
          failures.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    if (failures.length > 0 && (reachable.length - failures.length) * 2 <= ids.length) {
      throw new TopologyRejectedError(`revision ${state.revision} reached too few nodes: ${failures.join('; ')}`);
    }
    await this.announce(connections, state.revision);
    return state;
  }

  /** Publishes the new revision on every node: clients subscribe on one node each. A hint only, signed when a key is set. */
  async announce(connections: ReadonlyMap<string, NodeConnection>, revision: number): Promise<void> {
    const message = formatAnnouncement(this.cluster, revision, this.keyring);
    await Promise.all([...connections.values()].map((connection) => connection.send(['PUBLISH', this.keys.channel, message]).catch(() => undefined)));
  }

  /** The nodes that answer, in `ids` order, with the revision each holds (0: none). */
  private async reachable(connections: ReadonlyMap<string, NodeConnection>, ids: readonly string[]): Promise<Map<string, number>> {
    const answers = await Promise.all(ids.map((id) => this.revisionOf(connections.get(id)!).catch(() => -1)));
    return new Map(ids.flatMap((id, i) => (answers[i]! >= 0 ? [[id, answers[i]!] as const] : [])));
  }

  private async writeNode(connection: NodeConnection, mode: 'strict' | 'repair', expected: number, revision: number, writer: string, flat: string[]): Promise<number> {
    const reply = await connection.send(['EVAL', WRITE_SCRIPT, 1, this.keys.topology, expected, mode, revision, writer, ...flat]);
    return replyInteger(reply);
  }
}
