import { startRedisServers, type RedisServer } from '@shardis/testkit';

/** The servers the demo runs on: its own redis-server processes, or the user's. */
export interface DemoServers {
  readonly urls: readonly string[];
  readonly owned: boolean;
  stop(): Promise<void>;
}

let running: RedisServer[] = [];

/**
 * Starts `count` redis-server processes on free ports (nothing persisted). They are stopped by
 * `stop()`, and also on Ctrl-C or any exit, so the demo never leaves a server behind.
 */
export async function startLocalServers(count: number): Promise<DemoServers> {
  running = await startRedisServers(count);
  const servers = running;
  return {
    urls: servers.map((server) => server.url),
    owned: true,
    stop: async () => {
      await Promise.all(servers.map((server) => server.stop()));
      running = running.filter((server) => !servers.includes(server));
    },
  };
}

export function userServers(urls: readonly string[]): DemoServers {
  return { urls, owned: false, stop: async () => undefined };
}

/** Kills whatever is still running; for signal handlers, which cannot wait for a graceful stop. */
export function killRunningServers(): void {
  for (const server of running) void server.kill();
  running = [];
}
