import type { NodeConnection, NodeEndpoint, RedisDriver } from '../port.ts';

/**
 * The connections an operator or worker uses: one `control` connection per node, opened when a
 * node first appears in a state. Kept apart from client data connections so a long MIGRATE never
 * queues behind (or in front of) application traffic.
 */
export class ControlConnections {
  private readonly driver: RedisDriver;
  private readonly connections = new Map<string, { url: string; connection: NodeConnection }>();

  constructor(driver: RedisDriver) {
    this.driver = driver;
  }

  /** Connections for exactly these endpoints (opening new ones, keeping the rest open). */
  for(endpoints: Iterable<NodeEndpoint>): Map<string, NodeConnection> {
    const result = new Map<string, NodeConnection>();
    for (const endpoint of endpoints) result.set(endpoint.id, this.get(endpoint));
    return result;
  }

  get(endpoint: NodeEndpoint): NodeConnection {
    const known = this.connections.get(endpoint.id);
    if (known !== undefined && known.url === endpoint.url) return known.connection;
    if (known !== undefined) void known.connection.close().catch(() => known.connection.disconnect());
    const connection = this.driver.connect(endpoint, 'control');
    this.connections.set(endpoint.id, { url: endpoint.url, connection });
    return connection;
  }

  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map(({ connection }) => connection.close().catch(() => connection.disconnect())));
  }
}
