import { connect as connectTcp, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './free-port.ts';

export interface TcpProxyOptions {
  /** The server connections are forwarded to. */
  readonly targetPort: number;
  readonly targetHost?: string;
  /** Port to listen on; a free one by default. */
  readonly port?: number;
}

/**
 * A byte-for-byte TCP forwarder on 127.0.0.1 that a test can use to cut a client off from a node
 * without touching the node: clients are given the proxy's url instead of the server's.
 */
export interface TcpProxy {
  readonly port: number;
  readonly url: string;
  /** Connections open through the proxy now. */
  readonly connections: number;
  /**
   * A black hole: nothing is forwarded in either direction and nothing is closed, as in a network
   * partition. Bytes sent meanwhile wait (in the proxy and in the kernel) and arrive on `resume`,
   * as TCP retransmission would deliver them; new connections are accepted but not forwarded.
   */
  pause(): void;
  resume(): void;
  /** Closes every open connection (both sides at once), as a reset would; new ones are accepted. */
  dropConnections(): void;
  /** Points the proxy at another server (existing connections stay where they are). */
  retarget(port: number, host?: string): void;
  /** Closes the listener and every connection. */
  stop(): Promise<void>;
}

interface Link {
  readonly client: Socket;
  upstream: Socket | undefined;
}

export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  let target = { host: options.targetHost ?? '127.0.0.1', port: options.targetPort };
  let paused = false;
  const links = new Set<Link>();

  const forward = (link: Link): void => {
    const upstream = connectTcp(target);
    link.upstream = upstream;
    upstream.setNoDelay(true);
    link.client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => link.client.write(chunk));
    const close = () => {
      link.client.destroy();
      upstream.destroy();
      links.delete(link);
    };
    upstream.on('close', close);
    upstream.on('error', () => undefined);
    link.client.on('close', close);
    link.client.resume();
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    client.setNoDelay(true);
    client.on('error', () => undefined);
    const link: Link = { client, upstream: undefined };
    links.add(link);
    client.on('close', () => {
      if (link.upstream === undefined) links.delete(link);
    });
    if (!paused) forward(link);
  });
  const port = options.port ?? (await freePort());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => resolve());
  });

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get connections() {
      return links.size;
    },
    pause() {
      paused = true;
      // Paused sockets stop reading: nothing more is forwarded, and the senders' kernels buffer.
      for (const link of links) {
        link.client.pause();
        link.upstream?.pause();
      }
    },
    resume() {
      paused = false;
      for (const link of links) {
        if (link.upstream === undefined) forward(link);
        else {
          link.client.resume();
          link.upstream.resume();
        }
      }
    },
    dropConnections() {
      for (const link of [...links]) {
        link.client.destroy();
        link.upstream?.destroy();
        links.delete(link);
      }
    },
    retarget(nextPort: number, host = '127.0.0.1') {
      target = { host, port: nextPort };
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const link of links) {
        link.client.destroy();
        link.upstream?.destroy();
      }
      links.clear();
      await closed;
    },
  };
}
