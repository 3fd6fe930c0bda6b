import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { NodeConnection } from '@shardis/engine';
import { freePort, waitFor } from '@shardis/testkit';

/**
 * What an attacker with write access does to the state hash: replaces it on every node with these
 * fields as they are (DEL + HSET), then announces `announce` on the channel, unsigned.
 */
export async function overwriteState(connections: Iterable<NodeConnection>, key: string, fields: Readonly<Record<string, string>>, announce?: string): Promise<void> {
  for (const connection of connections) {
    await connection.send(['DEL', key]);
    if (Object.keys(fields).length > 0) await connection.send(['HSET', key, ...Object.entries(fields).flat()]);
    if (announce !== undefined) await connection.send(['PUBLISH', key, announce]);
  }
}

/** HGETALL as a record of strings. */
export async function readFields(connection: NodeConnection, key: string): Promise<Record<string, string>> {
  const reply = await connection.send(['HGETALL', key]);
  const fields: Record<string, string> = {};
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) fields[String(reply[i])] = String(reply[i + 1]);
  return fields;
}

/** How many times the server ran `command` (INFO commandstats), e.g. to count a client's re-reads. */
export async function commandCalls(connection: NodeConnection, command: string): Promise<number> {
  const info = String(await connection.send(['INFO', 'commandstats']));
  const match = new RegExp(`^cmdstat_${command.toLowerCase()}:calls=(\\d+)`, 'm').exec(info);
  return match === null ? 0 : Number(match[1]);
}

/** Every string in `text` that is one of `secrets` (for "never appears in output" checks). */
export function leakedSecrets(text: string, secrets: Readonly<Record<string, string>>): string[] {
  return Object.entries(secrets).filter(([, secret]) => text.includes(secret)).map(([name]) => name);
}

/** A JSON dump of anything (errors with their message and cause, Buffers as text) for leak checks. */
export function dump(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof Error) return { ...item, name: item.name, message: item.message, stack: item.stack, cause: item.cause };
    if (item instanceof Map) return [...item];
    if (typeof item === 'object' && item !== null && (item as { type?: unknown }).type === 'Buffer') return Buffer.from((item as { data: number[] }).data).toString('latin1');
    return item;
  });
}

export interface TestCertificates {
  readonly dir: string;
  readonly ca: Buffer;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  remove(): void;
}

/**
 * A throw-away CA and a server certificate for 127.0.0.1 and localhost, made with the `openssl`
 * command line (X.509 cannot be made with node:crypto alone). Undefined when openssl is missing.
 */
export function makeCertificates(): TestCertificates | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'shardis-tls-'));
  const file = (name: string) => join(dir, name);
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  run(['req', '-x509', '-new', '-nodes', '-newkey', 'rsa:2048', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=shardis test CA']);
  run(['req', '-new', '-nodes', '-newkey', 'rsa:2048', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(file('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'ext.cnf']);
  return {
    dir,
    ca: readFileSync(file('ca.crt')),
    caFile: file('ca.crt'),
    certFile: file('server.crt'),
    keyFile: file('server.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface TlsRedis {
  readonly port: number;
  /** `rediss://127.0.0.1:<port>`: the server has no plain-text port. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Answers PING over TLS, trusting `ca`. */
function tlsPing(port: number, ca: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => socket.write('PING\r\n'));
    socket.setTimeout(1000, () => socket.destroy());
    socket.once('data', (data) => {
      socket.end();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

/**
 * A redis-server that listens on TLS only (`--port 0 --tls-port …`), with `tls-cluster yes` so
 * that MIGRATE from it to another TLS node uses TLS too (see SECURITY.md).
 */
export async function startTlsRedis(certs: TestCertificates): Promise<TlsRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `shardis-tls-redis-${port}-`));
  const child = spawn('redis-server', [
    '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
    '--tls-cert-file', certs.certFile, '--tls-key-file', certs.keyFile, '--tls-ca-cert-file', certs.caFile,
    '--tls-auth-clients', 'no', '--tls-cluster', 'yes',
  ], { stdio: 'ignore' });
  // A failed run must not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    process.off('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(() => tlsPing(port, certs.ca), { timeoutMs: 10_000, what: `redis-server on TLS port ${port}` });
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, url: `rediss://127.0.0.1:${port}`, stop };
}
