import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { topologyPlacement, type Topology } from '@shardis/core';
import { Redis, type RedisOptions } from 'ioredis';
import type { Io } from '../src/io.ts';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every byte any CLI run printed in this file, for the "no secret in any output" check. */
export const transcript: string[] = [];

function baseEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  // Only what the CLI needs: the outer environment's SHARDIS_* must not leak into a test.
  return { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1', ...env };
}

/** The CLI as a user runs it: the built binary (`dist/cli.js`, built by the global setup). */
export function startShardis(args: readonly string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<RunResult>; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, ['dist/cli.js', ...args], {
    cwd: APP_DIR,
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<RunResult>((resolve) => {
    child.on('close', (code, signal) => {
      transcript.push(stdout, stderr); // output only: the command line itself may hold a password
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done, stdout: () => stdout, stderr: () => stderr };
}

export function shardis(args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  return startShardis(args, env).done;
}

/** `shardis … --json` parsed; fails the test with the CLI's stderr when it did not exit 0. */
export async function shardisJson<T = Record<string, unknown>>(args: readonly string[], env: Record<string, string> = {}): Promise<T> {
  const result = await shardis([...args, '--json'], env);
  if (result.code !== 0) throw new Error(`shardis ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Writes `count` keys `user:<i>` straight to the node that owns each under `topology`. */
export async function fillKeys(topology: Topology, count: number, options: RedisOptions = {}): Promise<void> {
  const placement = topologyPlacement(topology);
  const clients = new Map(topology.nodes.map((node) => [node.id, new Redis(node.url, options)]));
  try {
    const pipelines = new Map([...clients].map(([id, client]) => [id, client.pipeline()]));
    for (let i = 0; i < count; i++) pipelines.get(placement.locate(`user:${i}`))!.set(`user:${i}`, `value-${i}`);
    await Promise.all([...pipelines.values()].map((pipeline) => pipeline.exec()));
  } finally {
    for (const client of clients.values()) client.disconnect();
  }
}

export async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response.text();
}

/** Value of one series in Prometheus text, summed over its label sets; undefined when absent. */
export function metric(text: string, name: string, labels = ''): number | undefined {
  let found: number | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-z_:]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name || (labels !== '' && !(match[2] ?? '').includes(labels))) continue;
    found = (found ?? 0) + Number(match[3]);
  }
  return found;
}

export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The CLI's outside world in memory, to run it in-process: no terminal, no signals. */
export function memoryIo(env: Record<string, string> = {}): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk) },
    stdin: new PassThrough(),
    env,
    onSignal: () => () => undefined,
    out: () => out,
    err: () => err,
  };
}
