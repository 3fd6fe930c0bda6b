import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topologyPlacement, type Topology } from '@shardis/core';
import { topologyKeyId } from '@shardis/engine';
import { startRedisServers, stopAll, type RedisServer } from '@shardis/testkit';
import { Redis } from 'ioredis';
import { shardis, shardisJson, transcript } from './helpers.ts';

/** Pins, signed topologies and ACL users, as an operator runs them. */

interface StatusDoc {
  revision: number;
  mode: string;
  topology: Topology;
  pins: { count: number; digest: string | null };
  signing: { state: string | null; keys: string[]; verified: boolean };
  refused: Array<{ node: string; kind: string }>;
}

let servers: RedisServer[] = [];
let clients: Redis[] = [];
let dir = '';
const env = { SHARDIS_CLUSTER: 'pins' };
const TEXT_KEY = randomBytes(32).toString('hex');
const BINARY_KEY = randomBytes(32);

/** Which servers hold `key`, by index. */
async function holders(key: string): Promise<number[]> {
  const found: number[] = [];
  for (const [i, client] of clients.entries()) if ((await client.exists(key)) === 1) found.push(i);
  return found;
}

beforeAll(async () => {
  servers = await startRedisServers(3);
  clients = servers.map((server) => new Redis(server.url));
  dir = mkdtempSync(join(tmpdir(), 'shardis-pins-'));
  writeFileSync(join(dir, 'text.key'), `${TEXT_KEY}\n`);
  writeFileSync(join(dir, 'binary.key'), BINARY_KEY);
  Object.assign(env, { SHARDIS_SEEDS: servers[0]!.url });
  const init = await shardis(['init', ...servers.flatMap((server, i) => ['--node', `n${i}=${server.url}`])], env);
  expect(init.code, init.stderr).toBe(0);
  const { topology } = await shardisJson<StatusDoc>(['status'], env);
  const placement = topologyPlacement(topology);
  for (const key of [...Array.from({ length: 50 }, (_, i) => `{hot}:${i}`), 'hot-plain']) await clients[Number(placement.locate(key).slice(1))]!.set(key, 'v');
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await stopAll(servers);
  rmSync(dir, { recursive: true, force: true });
});

describe('pins', () => {
  it('pin a tag (preview, dry run, --wait), list pins, refuse remove-node, unpin with the tag hint, unpin by hex', async () => {
    expect((await shardis(['pins'], env)).stdout).toMatch(/^no pins \(revision 1\)/);
    const before = await shardisJson<StatusDoc>(['status'], env);
    const owner = topologyPlacement(before.topology).locate('{hot}');
    const other = ['n0', 'n1', 'n2'].find((id) => id !== owner)!;

    const dry = await shardisJson<{ moves: unknown[]; written: boolean }>(['pin', '{hot}', other, '--dry-run'], env);
    expect(dry).toMatchObject({ written: false, moves: [{ field: '{hot}', from: owner, to: other }] });
    const pinned = await shardis(['pin', '{hot}', other, '--yes', '--wait'], env);
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.stdout).toContain(`move  {hot}  ${owner} → ${other}  (every key of the tag)`);
    expect(pinned.stdout).toMatch(/done: STABLE at revision 3, epoch 1; 50 keys moved/);
    for (const key of ['{hot}:0', '{hot}:49']) expect(await holders(key)).toEqual([Number(other.slice(1))]);

    const again = await shardis(['pin', '{hot}', other, '--yes'], env);
    expect(again.stdout).toMatch(/^already pinned there: pin \{hot\} to n\d changes nothing \(revision 3\); nothing written/);
    const binary = await shardis(['pin', '--hex', 'ff00', owner, '--yes', '--wait'], env);
    expect(binary.code, binary.stderr).toBe(0);

    const list = await shardisJson<{ count: number; digest: string; pins: unknown[] }>(['pins'], env);
    expect(list.count).toBe(2);
    expect(list.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(list.pins).toEqual([{ field: '{hot}', node: other }, { field: 'ff00', hex: true, node: owner }]);
    expect((await shardis(['pins'], env)).stdout).toMatch(new RegExp(`\\{hot\\}\\s+${other}\\n\\s+hex:ff00\\s+${owner}`));
    const status = await shardis(['status'], env);
    expect(status.stdout).toContain(`pins       2 (set ${list.digest.slice(0, 16)}…)`);

    const removal = await shardis(['remove-node', other, '--yes'], env);
    expect(removal.code).toBe(2);
    expect(removal.stderr).toMatch(new RegExp(`ERR_NODE_PINNED: node "${other}" cannot be removed: 1 pin points at it \\("\\{hot\\}"\\)`));
    const hint = await shardis(['unpin', 'cart:{hot}', '--yes'], env);
    expect(hint.code).toBe(2);
    expect(hint.stderr).toMatch(/"cart:\{hot\}" is not pinned; its keys follow the hash tag "\{hot\}": unpin that/);
    expect((await shardisJson<StatusDoc>(['status'], env)).revision).toBe(5);

    const unpin = await shardis(['unpin', '--hex', Buffer.from('{hot}').toString('hex'), 'ff00', '--yes', '--wait'], env);
    expect(unpin.code, unpin.stderr).toBe(0);
    expect((await shardis(['pins'], env)).stdout).toMatch(/^no pins \(revision 7\)/);
    expect(await holders('{hot}:0')).toEqual([Number(owner.slice(1))]);
    expect((await shardis(['verify'], env)).code).toBe(0);
  });
});

describe('signed topologies', () => {
  const key = (name: string) => ['--topology-key-file', join(dir, name)];
  const textId = topologyKeyId(TEXT_KEY);
  const binaryId = topologyKeyId(BINARY_KEY);

  it('turn signing on, refuse unsigned writes, show refused nodes, rotate keys; never print a key', async () => {
    const refused = await shardis(['status', ...key('text.key')], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ERR_TOPOLOGY_REJECTED: no node holds a state this command trusts \(seed redis:\/\/127\.0\.0\.1:\d+: unsigned\).*shardis resign --accept-unsigned/);

    const signed = await shardisJson<{ signedWith: string; previous: { signedWith: string | null } }>(['resign', '--accept-unsigned', '--yes', ...key('text.key')], env);
    expect(signed).toMatchObject({ signedWith: textId, previous: { signedWith: null } });
    expect(await shardisJson<StatusDoc>(['status'], env)).toMatchObject({ signing: { state: textId, keys: [], verified: false } });
    const revision = (await shardisJson<StatusDoc>(['status', ...key('text.key')], env)).revision;

    // Without the key a write would strand every client that holds it: refused, nothing written.
    for (const args of [['reweight', 'n0=2', '--yes'], ['migrate'], ['pin', 'k', 'n0', '--yes']]) {
      const result = await shardis(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(`the cluster's state is signed (key ${textId})`);
    }
    expect((await shardisJson<StatusDoc>(['status'], env)).revision).toBe(revision);

    const change = await shardis(['reweight', 'n0=2', '--yes', '--wait'], { ...env, SHARDIS_TOPOLOGY_KEY_FILE: join(dir, 'text.key') });
    expect(change.code, change.stderr).toBe(0);
    expect(await clients[1]!.hget('__shardis__:pins:topology', 'signature')).toMatch(new RegExp(`^v1:${textId}:[0-9a-f]{64}$`));

    // A node whose state was altered: refused, shown by status (exit 1), reported by a worker.
    await clients[2]!.hset('__shardis__:pins:topology', 'mode', 'frozen');
    const text = await shardis(['status', ...key('text.key')], env);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`signing    signed with key ${textId}; verified with key ${textId}`));
    expect(text.stdout).toMatch(/REFUSED    n2 holds a state that was refused \(bad-signature\)/);
    // A worker reads every seed at once: given all three, it meets n2's state on its first read.
    const worker = await shardis(['migrate', '--json', ...key('text.key'), ...servers.flatMap((server) => ['--seed', server.url])], env);
    expect(worker.code, worker.stderr).toBe(0);
    expect(worker.stdout).toMatch(/"type":"topology-rejected","time":"[^"]+","node":"seed:redis:\/\/127\.0\.0\.1:\d+","kind":"bad-signature"/);
    expect(worker.stderr).toMatch(/WARN  refused the state a node holds .*node=seed:redis:\/\/127\.0\.0\.1:\d+ kind=bad-signature/);

    // Rotation: the new (binary) key signs, both verify; the rewrite also repairs n2.
    const rotated = await shardisJson<{ signedWith: string }>(['resign', '--yes', ...key('binary.key'), ...key('text.key')], env);
    expect(rotated.signedWith).toBe(binaryId);
    const both = await shardisJson<StatusDoc>(['status', ...key('text.key'), ...key('binary.key')], env);
    expect(both).toMatchObject({ signing: { state: binaryId, keys: [textId, binaryId], verified: true }, refused: [] });
    const old = await shardis(['status', ...key('text.key')], env);
    expect(old.stderr).toMatch(/unknown-key\); keys held: [0-9a-f]{8}/);

    const everything = transcript.join('\n');
    for (const secret of [TEXT_KEY, BINARY_KEY.toString('hex'), BINARY_KEY.toString('base64')]) expect(everything).not.toContain(secret);
  });

  it('refuses keys that are too short, naming the file, never the key', async () => {
    writeFileSync(join(dir, 'short.key'), 'short-key\n');
    writeFileSync(join(dir, 'nul.key'), Buffer.alloc(8));
    for (const name of ['short.key', 'nul.key']) {
      const result = await shardis(['status', ...key(name)], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`--topology-key-file ".*${name}": a topology key must be at least 16 bytes`));
      expect(result.stderr).not.toContain('short-key');
    }
    const inline = await shardis(['status'], { ...env, SHARDIS_TOPOLOGY_KEY: 'tiny-key', SHARDIS_TOPOLOGY_KEY_FILE: join(dir, 'text.key') });
    expect(inline.stderr).toMatch(/set SHARDIS_TOPOLOGY_KEY or SHARDIS_TOPOLOGY_KEY_FILE, not both/);
  });
});

describe('acl', () => {
  it('prints exactly the users SECURITY.md documents, and the rules load into a real server', async () => {
    const block = /```acl\n([\s\S]*?)```/.exec(readFileSync(new URL('../../../SECURITY.md', import.meta.url), 'utf8'))![1]!.trim().split('\n');
    const file = await shardis(['acl', '--cluster', 'mycluster']);
    expect(file.code, file.stderr).toBe(0);
    expect(file.stdout.trim().split('\n')).toEqual(block.slice(0, 3));
    const billing = await shardis(['acl', '--cluster', 'mycluster', '--keys', 'billing:*', '--channels', 'billing:*', '--client-id-prefix', 'billing-', '--app-user', 'billing']);
    expect(billing.stdout.trim().split('\n')[2]).toBe(block[3]);

    const doc = await shardisJson<{ users: Array<{ name: string; rules: string[] }> }>(['acl', '--keys', 'app:*'], env);
    for (const user of doc.users) expect(await clients[0]!.call('ACL', 'SETUSER', `${user.name}-check`, 'on', '>pw', ...user.rules)).toBe('OK');
    const cli = await shardis(['acl', '--format', 'redis-cli'], env);
    expect(cli.stdout).toMatch(/^redis-cli ACL SETUSER app on '>APP_PASSWORD' resetkeys .* '\(\+publish \+spublish &\[\^_\]\* /m);

    const wide = await shardis(['acl', '--keys', '_*'], env);
    expect(wide.code).toBe(2);
    expect(wide.stderr).toMatch(/--keys "_\*" also matches shardis's own keys/);
  });
});
