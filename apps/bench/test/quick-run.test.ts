import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'shardis-bench-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
// The client and migration suites start their own servers; without redis-server they cannot run.
const withRedis = hasRedisServer();

/**
 * The CI smoke run: the real CLI, as `pnpm bench --quick` starts it, on workspace sources (so no
 * build is needed first). It fails when a suite errors or contenders disagree, never because a
 * figure is slow: nothing here looks at a timing.
 */
function runQuick(suite: string): { status: number | null; stderr: string } {
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', '--conditions=@shardis/source', '--import', 'tsx', 'src/cli.ts', '--quick', '--suite', suite, '--out', out, '--no-docs'],
    { cwd: appDir, encoding: 'utf8', timeout: 140_000 },
  );
  return { status: result.status, stderr: result.stderr };
}

describe('pnpm bench --quick', () => {
  it('runs the algorithms suite and writes its tables and charts', () => {
    const { status, stderr } = runQuick('algorithms');
    expect(stderr).not.toContain('FAILED');
    expect(status).toBe(0);
    const markdown = readFileSync(join(out, 'algorithms.md'), 'utf8');
    expect(markdown).toContain('Targets from the issue');
    expect(markdown).toContain('floor max/mean');
    expect(markdown).toContain('ring (ketama) = hashring 3.2.0');
    for (const chart of ['algorithms-lookups', 'algorithms-load-n10', 'algorithms-disruption']) {
      expect(readFileSync(join(out, `${chart}.svg`), 'utf8')).toMatch(/^<svg/);
    }
    expect(JSON.parse(readFileSync(join(out, 'algorithms.json'), 'utf8')).machine.cores).toBeGreaterThan(0);
  });

  it('runs the hashes suite, natives included', () => {
    const { status, stderr } = runQuick('hashes');
    expect(stderr).not.toContain('FAILED');
    expect(status).toBe(0);
    const markdown = readFileSync(join(out, 'hashes.md'), 'utf8');
    expect(markdown).toContain('@node-rs/xxhash xxh64');
    expect(markdown).toContain('xxhash-wasm h64');
    expect(existsSync(join(out, 'hashes-by-length.svg'))).toBe(true);
  });

  it('runs the keyed suite: crafted keys pile up under the public hash, spread under a keyed one', () => {
    const { status, stderr } = runQuick('keyed');
    expect(stderr).not.toContain('FAILED');
    expect(status).toBe(0);
    const data = JSON.parse(readFileSync(join(out, 'keyed.json'), 'utf8')) as { data: { flooding: Array<{ publicMaxOverMean: number; keyedWorst: number }>; pins: unknown[] } };
    for (const row of data.data.flooding) {
      expect(row.publicMaxOverMean).toBe(10);
      expect(row.keyedWorst).toBeLessThan(2);
    }
    expect(data.data.pins.length).toBeGreaterThan(0);
  });

  it.runIf(withRedis)('runs the client suite against real servers it starts and stops', () => {
    const { status, stderr } = runQuick('client');
    expect(stderr).not.toContain('FAILED');
    expect(status).toBe(0);
    const markdown = readFileSync(join(out, 'client.md'), 'utf8');
    expect(markdown).toContain('@shardis/ioredis ×3');
    expect(markdown).toContain('ioredis Cluster ×3');
    expect(existsSync(join(out, 'client-throughput.svg'))).toBe(true);
  });

  it.runIf(withRedis)('runs the migration suite beside redis-cli --cluster reshard', () => {
    const { status, stderr } = runQuick('migration');
    expect(stderr).not.toContain('FAILED');
    expect(status).toBe(0);
    expect(readFileSync(join(out, 'migration.md'), 'utf8')).toContain('redis-cli --cluster reshard');
    expect(existsSync(join(out, 'migration-timeline.svg'))).toBe(true);
  });

  it('exits non-zero for an unknown suite', () => {
    expect(runQuick('nope').status).toBe(2);
  });
});
