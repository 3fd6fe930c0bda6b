#!/usr/bin/env node
// Bootstrap for the README's Quick start: works on a fresh machine with only Node.js 20 and git.
// It installs pnpm at the pinned version (without corepack, whose download fails signature checks
// on some machines), installs dependencies from the frozen lockfile, makes sure redis-server is
// there, builds, and then runs the task asked for: `demo`, `test` or `bench`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [task = 'test', ...rest] = process.argv.slice(2);
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

function say(message) {
  process.stderr.write(`\x1b[2m[shardis]\x1b[0m ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function versionOf(command) {
  try {
    return execFileSync(command, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function ensurePnpm() {
  if (versionOf('pnpm') === pinned) return 'pnpm';
  const local = join(root, '.cache', 'pnpm', 'node_modules', '.bin', 'pnpm');
  if (!existsSync(local) || versionOf(local) !== pinned) {
    say(`installing pnpm ${pinned} into .cache/pnpm`);
    run('npm', ['install', '--no-save', '--no-package-lock', '--prefix', join(root, '.cache', 'pnpm'), `pnpm@${pinned}`, '--silent']);
  }
  // turbo and pnpm's own scripts look for pnpm on PATH: put ours first.
  process.env.PATH = `${dirname(local)}${delimiter}${process.env.PATH ?? ''}`;
  return local;
}

function ensureRedis() {
  if (versionOf('redis-server')) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    say('redis-server is missing: installing it from Debian packages');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'redis-server'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    // The package starts a service on 6379 on some systems; shardis never uses it.
    return;
  }
  say('redis-server is not installed. Install it (Debian/Ubuntu: `sudo apt-get install redis-server`,');
  say('macOS: `brew install redis`) or put it on PATH, then run this command again.');
  process.exit(1);
}

const tasks = {
  demo: ['--filter', '@shardis/demo', 'start'],
  test: ['run', 'test:all'],
  bench: ['--filter', '@shardis/bench', 'start'],
};
if (!(task in tasks)) {
  say(`unknown task ${JSON.stringify(task)}; use one of: ${Object.keys(tasks).join(', ')}`);
  process.exit(2);
}

const pnpm = ensurePnpm();
ensureRedis();
run(pnpm, ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent']);
run(pnpm, ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
run(pnpm, [...tasks[task], ...rest]);
