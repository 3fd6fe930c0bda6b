import { readFileSync } from 'node:fs';
import { MIN_TOPOLOGY_KEY_BYTES, topologyKeyId, type TopologyKey } from '@shardis/engine';
import { UsageError } from './errors.ts';
import { quote } from './parsers.ts';
import type { Secrets } from './secrets.ts';

/** The keys of signed topologies (SECURITY.md): the first signs, every one verifies. */
export interface TopologyKeys {
  /** For `ClusterAdmin` and `MigrationWorker`; undefined: states are neither signed nor verified. */
  readonly key: TopologyKey | undefined;
  /** Key ids, signing key first: all that is ever printed about the keys. */
  readonly ids: readonly string[];
}

/** Longer files are not keys (a key is 16 to a few hundred bytes); refused before anything else. */
const MAX_KEY_FILE_BYTES = 4096;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A key file: its first line when it is text (as `openssl rand -hex 32 > key` writes it: the
 * engine uses a string key as its UTF-8 bytes, hex not decoded), else its bytes.
 */
function readKeyFile(path: string, where: string): string | Buffer {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read ${where} ${quote(path, 80)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  if (bytes.length > MAX_KEY_FILE_BYTES) throw new UsageError(`${where} ${quote(path, 80)} holds ${bytes.length} bytes; a topology key file holds one key (16 to ${MAX_KEY_FILE_BYTES} bytes)`);
  try {
    const text = utf8.decode(bytes);
    if (!text.includes('\u0000')) return text.split(/\r?\n/)[0]!;
  } catch {
    // Not UTF-8: a binary key.
  }
  return bytes;
}

function checked(key: string | Buffer, where: string, secrets: Secrets): string | Buffer {
  // Registered before the length check: even a refused key is never printed.
  if (typeof key === 'string') secrets.add(key);
  else for (const form of [key.toString('hex'), key.toString('base64'), key.toString('latin1')]) secrets.add(form);
  const length = typeof key === 'string' ? Buffer.byteLength(key, 'utf8') : key.length;
  if (length < MIN_TOPOLOGY_KEY_BYTES) throw new UsageError(`${where}: a topology key must be at least ${MIN_TOPOLOGY_KEY_BYTES} bytes, this one has ${length} (make one with \`openssl rand -hex 32\`)`);
  return key;
}

/**
 * `--topology-key-file` (repeatable), else `SHARDIS_TOPOLOGY_KEY` (the key itself) or
 * `SHARDIS_TOPOLOGY_KEY_FILE` (comma-separated paths). Every key is a secret from the moment it
 * is read; messages name the file or the variable, never the key.
 */
export function resolveTopologyKeys(files: readonly string[] | undefined, env: Readonly<Record<string, string | undefined>>, secrets: Secrets): TopologyKeys {
  const inline = env['SHARDIS_TOPOLOGY_KEY'];
  secrets.add(inline);
  let keys: Array<string | Buffer>;
  if (files !== undefined && files.length > 0) {
    keys = files.map((path) => checked(readKeyFile(path, '--topology-key-file'), `--topology-key-file ${quote(path, 80)}`, secrets));
  } else {
    const envFiles = (env['SHARDIS_TOPOLOGY_KEY_FILE'] ?? '').split(',').map((path) => path.trim()).filter((path) => path !== '');
    if (inline !== undefined && inline !== '' && envFiles.length > 0) throw new UsageError('set SHARDIS_TOPOLOGY_KEY or SHARDIS_TOPOLOGY_KEY_FILE, not both (which one would sign?)');
    keys = inline !== undefined && inline !== '' ? [checked(inline, 'SHARDIS_TOPOLOGY_KEY', secrets)] : envFiles.map((path) => checked(readKeyFile(path, 'SHARDIS_TOPOLOGY_KEY_FILE'), `SHARDIS_TOPOLOGY_KEY_FILE ${quote(path, 80)}`, secrets));
  }
  if (keys.length === 0) return { key: undefined, ids: [] };
  return { key: keys.length === 1 ? keys[0]! : keys, ids: [...new Set(keys.map((key) => topologyKeyId(key)))] };
}
