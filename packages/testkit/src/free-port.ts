import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now. Ports are handed out from a
 * per-process range so two suites in one run never race for the same one; the kernel check
 * catches ports taken by anything else (6379 included).
 */
let next = 20_000 + ((process.pid * 97) % 20_000);

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = next;
    next = next >= 59_000 ? 20_000 : next + 1;
    // A cluster node also listens on port + 10000 for its bus.
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
  throw new Error('no free TCP port found on 127.0.0.1');
}
