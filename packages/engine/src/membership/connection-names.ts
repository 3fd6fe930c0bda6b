/**
 * Connection names that tie a server-side connection to a client's lease. A migration worker that
 * stops waiting for a client (its lease expired) closes that client's connections on every node,
 * so commands it sent before it was cut off, still unread in a socket buffer, are discarded and
 * can never be applied by an old route after the move has started.
 */
const PREFIX = 'shardis-client:';

export function clientConnectionName(clientId: string): string {
  // CLIENT SETNAME refuses spaces and newlines.
  return PREFIX + clientId.replace(/[^\x21-\x7e]/g, '_');
}

/** The client id in a connection name, or undefined for connections that are not a client's. */
export function clientIdOfConnection(name: string): string | undefined {
  return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : undefined;
}
