import { setTimeout as sleep } from 'node:timers/promises';
import { parseLease } from '../membership/client-lease.ts';
import { clientIdOfConnection } from '../membership/connection-names.ts';
import type { NodeConnection } from '../port.ts';
import { replyText } from '../reply.ts';
import type { ControlKeys } from '../topology/control-keys.ts';

export interface LeaseView {
  /** Client id → the newest revision it acknowledged on any node. */
  readonly clients: ReadonlyMap<string, number>;
  /** Clients still below the revision asked for. */
  readonly behind: readonly string[];
}

async function leasesOn(connection: NodeConnection, keys: ControlKeys): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  let cursor = '0';
  do {
    const reply = await connection.send(['SCAN', cursor, 'MATCH', `${keys.clientLeasePrefix}*`, 'COUNT', 1000]);
    if (!Array.isArray(reply)) break;
    cursor = replyText(reply[0]);
    const names = Array.isArray(reply[1]) ? reply[1] : [];
    if (names.length === 0) continue;
    const values = await connection.send(['MGET', ...(names as Buffer[])]);
    names.forEach((name, i) => {
      const record = Array.isArray(values) ? parseLease(replyText(values[i])) : undefined;
      if (record === undefined) return;
      const id = replyText(name).slice(keys.clientLeasePrefix.length);
      found.set(id, Math.max(found.get(id) ?? 0, record.revision));
    });
  } while (cursor !== '0');
  return found;
}

/**
 * Reads every live client lease on every node. A client counts once, with the newest revision it
 * acknowledged anywhere: a renewal that reached one node proves it switched. Every node must
 * answer: a lease on a node we cannot read could belong to a client that has not switched.
 */
export async function readLeases(connections: ReadonlyMap<string, NodeConnection>, keys: ControlKeys, revision: number): Promise<LeaseView> {
  const clients = new Map<string, number>();
  for (const found of await Promise.all([...connections.values()].map((connection) => leasesOn(connection, keys)))) {
    for (const [id, acked] of found) clients.set(id, Math.max(clients.get(id) ?? 0, acked));
  }
  const behind = [...clients].filter(([, acked]) => acked < revision).map(([id]) => id);
  return { clients, behind };
}

export interface BarrierOptions {
  readonly pollMs?: number;
  /** Called while waiting, e.g. to re-announce the revision for clients that missed it. */
  readonly onWait?: (view: LeaseView) => Promise<void> | void;
  readonly signal?: AbortSignal;
}

/**
 * Waits until every live client has acknowledged `revision`. A client that died stops blocking
 * when its lease expires; one that is partitioned stops serving before its lease expires.
 */
export async function waitForAcknowledgements(connections: ReadonlyMap<string, NodeConnection>, keys: ControlKeys, revision: number, options: BarrierOptions = {}): Promise<LeaseView> {
  const pollMs = options.pollMs ?? 50;
  let lastNudge = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    let view: LeaseView | undefined;
    try {
      view = await readLeases(connections, keys, revision);
    } catch {
      // A node that does not answer: wait for it, never guess.
    }
    if (view !== undefined && view.behind.length === 0) return view;
    if (view !== undefined && Date.now() - lastNudge > 1000) {
      lastNudge = Date.now();
      await options.onWait?.(view);
    }
    await sleep(pollMs);
  }
}

/**
 * Closes, on every node, the connections of clients that hold no lease any more: a client cut
 * off past its lease may still have commands in flight, routed by an old revision. Closing the
 * connection discards whatever the server has not read yet; the client itself refuses to send
 * more until it has re-read the topology. Returns how many connections were closed.
 */
export async function fenceLapsedClients(connections: ReadonlyMap<string, NodeConnection>, live: ReadonlyMap<string, number>): Promise<number> {
  let closed = 0;
  await Promise.all(
    [...connections.values()].map(async (connection) => {
      const list = replyText(await connection.send(['CLIENT', 'LIST', 'TYPE', 'normal']));
      for (const line of list.split('\n')) {
        const id = /(?:^|\s)id=(\d+)/.exec(line)?.[1];
        const name = /(?:^|\s)name=(\S*)/.exec(line)?.[1] ?? '';
        const client = clientIdOfConnection(name);
        if (id === undefined || client === undefined || live.has(client)) continue;
        await connection.send(['CLIENT', 'KILL', 'ID', id]).catch(() => undefined);
        closed++;
      }
    }),
  );
  return closed;
}
