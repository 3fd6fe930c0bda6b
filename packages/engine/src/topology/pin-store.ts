import { createHash, randomUUID } from 'node:crypto';
import { pinned, Pins, topologyPlacement, type Hasher, type Placement, type Topology, type TopologyPins } from '@shardis/core';
import { NodeUnavailableError, TopologyRejectedError } from '../errors.ts';
import type { CommandArgs, NodeConnection, Reply } from '../port.ts';
import { replyInteger, replyText } from '../reply.ts';
import type { ClusterState } from './cluster-state.ts';
import type { ControlKeys } from './control-keys.ts';

/**
 * Where pins live and how they are read back.
 *
 * A pin set is stored on every node as one Redis hash, field = key or `{tag}`, value = node id,
 * named by the set's content: `__shardis__:<cluster>:pins:<sha256>`. The topology refers to it by
 * `{ count, digest }`, so:
 * - a state is written only after the set it names is on the nodes, and a set never changes once
 *   written: a reader (HGETALL, or HSCAN for big sets) sees a complete, stable copy;
 * - a migration's source and target sets sit side by side, and a rollback, or a change that keeps
 *   the pins (add-node), refers to the set already there: nothing is copied per epoch;
 * - two operators racing to write sets write different keys (or the same bytes to the same key),
 *   so the loser's compare-and-set fails without ever corrupting the winner's set;
 * - a reader checks count and digest (SHA-256 over the canonical form below), so a partial or
 *   altered copy is rejected like any bad topology, and a signature over the topology covers the
 *   pins through the digest.
 *
 * Canonical form: the bytes of `shardis pins 1\n`, then for each pin in ascending byte order of its
 * field: the field's length (u32, big-endian), the field, the node id's UTF-8 length (u32 BE), the
 * node id.
 *
 * A sorted set `__shardis__:<cluster>:pinsets` indexes the sets with the state revision each was
 * last written at; once a change is committed and every client has moved on, the worker deletes
 * the sets that the stable state does not name and that are older than it (a set written at the
 * current revision may belong to a change about to be written).
 */

/** Pins of both sides of a state, as loaded. */
export interface StatePins {
  readonly target?: Pins;
  readonly source?: Pins;
}

const DOMAIN = Buffer.from('shardis pins 1\n', 'latin1');
/** Fields per HSET, pairs per HSCAN page. */
const CHUNK = 1000;
const SCAN_COUNT = 10_000;
/** Sets up to this size are read with one HGETALL (a few ms of server time); bigger ones page through HSCAN. */
const HGETALL_MAX = 10_000;
/** A set being written lives under a temporary name for at most this long if its writer dies. */
const TEMP_TTL_MS = 10 * 60_000;
/** Sets kept in memory per process: a migration needs two, a cached third saves a reload. */
const CACHED_SETS = 4;

/** Moves a fully written temporary set into place, unless a complete copy is there already; indexes it. */
const INSTALL_SCRIPT = `
if redis.call('HLEN', KEYS[1]) == tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[2])
else
  redis.call('RENAME', KEYS[2], KEYS[1])
  redis.call('PERSIST', KEYS[1])
end
local score = redis.call('ZSCORE', KEYS[3], ARGV[3])
if not score or tonumber(score) < tonumber(ARGV[2]) then redis.call('ZADD', KEYS[3], ARGV[2], ARGV[3]) end
return 1
`;

/** Deletes indexed sets older than revision ARGV[1], except those named in ARGV[2..]. Atomic with INSTALL. */
const COLLECT_SCRIPT = `
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local deleted = 0
for _, digest in ipairs(old) do
  local keep = false
  for i = 2, #ARGV do if ARGV[i] == digest then keep = true end end
  if not keep then
    redis.call('DEL', KEYS[2] .. digest)
    redis.call('ZREM', KEYS[1], digest)
    deleted = deleted + 1
  end
end
return deleted
`;

/** SHA-256 of the canonical form, lowercase hex. */
export function pinsDigest(pins: Pins): string {
  const hash = createHash('sha256').update(DOMAIN);
  const entries = [...pins.binaryEntries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const length = Buffer.alloc(4);
  for (const [field, node] of entries) {
    length.writeUInt32BE(field.length);
    hash.update(length).update(Buffer.from(field, 'latin1'));
    const id = Buffer.from(node, 'utf8');
    length.writeUInt32BE(id.length);
    hash.update(length).update(id);
  }
  return hash.digest('hex');
}

/** A bulk reply as a binary string (one character per byte). */
function binaryOf(reply: Reply | undefined): string {
  if (Buffer.isBuffer(reply)) return reply.toString('latin1');
  return Buffer.from(replyText(reply), 'utf8').toString('latin1');
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The placement a topology describes, with its pins. A topology that names a pin set needs it
 * loaded: routing without it would send pinned keys to the wrong node.
 * @throws TopologyRejectedError when the set is missing; what `pinned` throws when it names a
 *   node the topology does not have.
 */
export function placementWithPins(topology: Topology, hashers: readonly Hasher[] | undefined, pins: Pins | undefined): Placement {
  const placement = topologyPlacement(topology, hashers);
  if (topology.pins === undefined) return placement;
  if (pins === undefined || pins.size !== topology.pins.count) {
    throw new TopologyRejectedError(`epoch ${topology.epoch} names a pin set (${topology.pins.count} pins) that was not loaded`);
  }
  return pinned(placement, pins);
}

/** Reads and writes pin sets; one per process role (client, admin, worker), with a small cache. */
export class PinStore {
  private readonly keys: ControlKeys;
  private readonly cache = new Map<string, Pins>();

  constructor(keys: ControlKeys) {
    this.keys = keys;
  }

  keyOf(digest: string): string {
    return `${this.keys.pinsPrefix}${digest}`;
  }

  /** The pins of both sides of `state`, each read from the first of `candidates` that holds a whole, verified copy. */
  async forState(state: ClusterState, candidates: readonly NodeConnection[]): Promise<StatePins> {
    const target = state.topology.pins === undefined ? undefined : await this.load(candidates, state.topology.pins);
    const source = state.mode === 'stable' || state.source?.pins === undefined ? undefined : await this.load(candidates, state.source.pins);
    return { ...(target === undefined ? {} : { target }), ...(source === undefined ? {} : { source }) };
  }

  /** The pins of one topology (none: the empty set). */
  async forTopology(topology: Topology, candidates: readonly NodeConnection[]): Promise<Pins> {
    return topology.pins === undefined ? Pins.empty : this.load(candidates, topology.pins);
  }

  /**
   * @throws TopologyRejectedError when no candidate holds a copy with the right count and digest.
   */
  async load(candidates: readonly NodeConnection[], ref: TopologyPins): Promise<Pins> {
    const cached = this.cache.get(ref.digest);
    if (cached !== undefined) return cached;
    const failures: string[] = [];
    for (const connection of candidates) {
      try {
        const pins = await this.readCopy(connection, ref);
        this.remember(ref.digest, pins);
        return pins;
      } catch (error) {
        failures.push(message(error));
      }
    }
    const detail = failures.length === 0 ? 'no node to read it from' : failures.slice(0, 3).join('; ');
    throw new TopologyRejectedError(`pin set ${ref.digest.slice(0, 12)}… (${ref.count} pins) could not be read whole: ${detail}`);
  }

  /**
   * Writes `pins` on every node of `connections` (a majority must succeed; readers fall back to
   * other nodes) and returns the reference a topology stores, or `undefined` for no pins.
   * `revision` is the state revision the change will be written over.
   */
  async write(connections: ReadonlyMap<string, NodeConnection>, pins: Pins, revision: number): Promise<TopologyPins | undefined> {
    if (pins.size === 0) return undefined;
    const ref: TopologyPins = { count: pins.size, digest: pinsDigest(pins) };
    const failures: string[] = [];
    await Promise.all(
      [...connections].map(async ([id, connection]) => {
        try {
          await this.writeCopy(connection, pins, ref, revision);
        } catch (error) {
          failures.push(`${id}: ${message(error)}`);
        }
      }),
    );
    if (failures.length > 0 && failures.length * 2 >= connections.size) {
      throw new NodeUnavailableError(failures.map((f) => f.split(':')[0]).join(','), `the pin set reached too few nodes: ${failures.join('; ')}`);
    }
    this.remember(ref.digest, pins);
    return ref;
  }

  /** Deletes, on one node, the sets older than `revision` that none of `keep` names. Returns how many. */
  async collect(connection: NodeConnection, revision: number, keep: readonly string[]): Promise<number> {
    return replyInteger(await connection.send(['EVAL', COLLECT_SCRIPT, 2, this.keys.pinSets, this.keys.pinsPrefix, revision, ...keep]));
  }

  private async readCopy(connection: NodeConnection, ref: TopologyPins): Promise<Pins> {
    const key = this.keyOf(ref.digest);
    // HSCAN may return a field twice; a set never changes, so a repeat carries the same node.
    const entries = new Map<string, string>();
    const take = (flat: Reply | undefined) => {
      if (!Array.isArray(flat)) return;
      for (let i = 0; i + 1 < flat.length; i += 2) entries.set(binaryOf(flat[i]), replyText(flat[i + 1]));
    };
    if (ref.count <= HGETALL_MAX) {
      take(await connection.send(['HGETALL', key]));
    } else {
      let cursor = '0';
      do {
        const page = await connection.send(['HSCAN', key, cursor, 'COUNT', SCAN_COUNT]);
        if (!Array.isArray(page)) throw new Error('unexpected HSCAN reply');
        cursor = replyText(page[0]);
        take(page[1]);
        if (entries.size > ref.count) break;
      } while (cursor !== '0');
    }
    if (entries.size !== ref.count) throw new Error(`a node holds ${entries.size} of its ${ref.count} pins`);
    const pins = Pins.fromBinary(entries);
    if (pinsDigest(pins) !== ref.digest) throw new Error('a node holds a copy whose digest differs');
    return pins;
  }

  private async writeCopy(connection: NodeConnection, pins: Pins, ref: TopologyPins, revision: number): Promise<void> {
    const key = this.keyOf(ref.digest);
    const args = [ref.count, revision, ref.digest];
    // A complete copy is already there (the set is unchanged since an earlier epoch): index it only.
    if (replyInteger(await connection.send(['HLEN', key])) !== ref.count) {
      // Written aside and renamed into place, so no reader ever sees a partial set under its name.
      const temporary = `${key}:tmp:${randomUUID()}`;
      const commands: CommandArgs[] = [];
      let chunk: Array<string | Buffer> = [];
      for (const [field, node] of pins.binaryEntries()) {
        chunk.push(Buffer.from(field, 'latin1'), node);
        if (chunk.length === 2 * CHUNK) {
          commands.push(['HSET', temporary, ...chunk]);
          chunk = [];
        }
      }
      if (chunk.length > 0) commands.push(['HSET', temporary, ...chunk]);
      commands.push(['PEXPIRE', temporary, TEMP_TTL_MS]);
      const replies = await connection.batch(commands);
      const failed = replies.find((reply) => reply instanceof Error);
      if (failed instanceof Error) throw failed;
      await connection.send(['EVAL', INSTALL_SCRIPT, 3, key, temporary, this.keys.pinSets, ...args]);
      return;
    }
    await connection.send(['EVAL', INSTALL_SCRIPT, 3, key, `${key}:tmp:none`, this.keys.pinSets, ...args]);
  }

  private remember(digest: string, pins: Pins): void {
    this.cache.delete(digest);
    this.cache.set(digest, pins);
    if (this.cache.size > CACHED_SETS) this.cache.delete(this.cache.keys().next().value!);
  }
}
