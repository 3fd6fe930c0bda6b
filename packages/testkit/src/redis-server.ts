import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { encodeCommand, RespParser } from './resp/resp-parser.ts';

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. `['--cluster-enabled', 'yes']`. */
  readonly args?: readonly string[];
  /** Port to listen on; a free one by default. */
  readonly port?: number;
  /** Executable; default `redis-server` on PATH. */
  readonly binary?: string;
  /**
   * A config file, passed first as redis-server wants it. Sentinel needs one it can rewrite;
   * `args` still apply on top of it.
   */
  readonly configFile?: string;
}

/** A redis-server process owned by the test that started it. */
export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  readonly dir: string;
  /** SIGSTOP: the process stops answering but keeps its sockets (a stalled node). */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** SIGKILL, without cleanup: a crashed node. `stop` still removes its folder. */
  kill(): Promise<void>;
  /** Starts the process again on the same port and folder after `kill` (data is gone: no persistence). */
  restart(): Promise<void>;
  /** Stops the process by PID and removes its folder. Idempotent. */
  stop(): Promise<void>;
  /** Runs one command over a fresh connection and returns the raw RESP reply text. */
  command(...args: (string | Buffer)[]): Promise<string>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A failed or interrupted test must not leave servers behind.
  const killAll = () => {
    for (const child of live) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitUntilReady(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited early:\n${output()}`);
    try {
      // A server with `requirepass` (or no default user) answers NOAUTH: it is up all the same.
      const reply = await rawCommand(port, ['PING']);
      if (reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s:\n${output()}`);
}

/**
 * Sends one command in RESP and resolves with its complete reply, as the raw RESP text. Buffer
 * arguments go on the wire byte for byte (binary keys); strings as UTF-8.
 */
export function rawCommand(port: number, args: readonly (string | Buffer)[], timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const parser = new RespParser();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply from 127.0.0.1:${port} to ${args[0]}`));
    }, timeoutMs);
    socket.on('connect', () => {
      socket.write(encodeCommand(args));
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      parser.push(chunk);
      if (parser.next() !== undefined) {
        clearTimeout(timer);
        socket.end();
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Starts `redis-server` on a free port with nothing persisted, and waits until it answers PING. */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  installExitHook();
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), `shardis-redis-${port}-`));
  const binary = options.binary ?? 'redis-server';
  const args = [
    ...(options.configFile === undefined ? [] : [options.configFile]),
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', 'no',
    '--dir', dir,
    '--daemonize', 'no',
    '--protected-mode', 'no',
    ...(options.args ?? []),
  ];
  let child!: ChildProcess;
  let output = '';
  let stopped = false;

  const launch = async () => {
    child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.once('error', (error) => (output += `\n${error.message}`));
    live.add(child);
    child.once('exit', () => live.delete(child));
    await waitUntilReady(port, child, () => output);
  };
  await launch();

  const server: RedisServer = {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child.pid ?? -1;
    },
    dir,
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async kill() {
      child.kill('SIGKILL');
      await waitForExit(child);
    },
    async restart() {
      if (child.exitCode === null && child.signalCode === null) await server.kill();
      await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await waitForExit(child);
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
    command: (...commandArgs: (string | Buffer)[]) => rawCommand(port, commandArgs),
  };
  return server;
}

/** Starts `count` servers in parallel. */
export function startRedisServers(count: number, options: RedisServerOptions = {}): Promise<RedisServer[]> {
  return Promise.all(Array.from({ length: count }, () => startRedis(options)));
}

export async function stopAll(servers: readonly (RedisServer | undefined)[]): Promise<void> {
  await Promise.all(servers.map((server) => server?.stop()));
}
