import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

// Topology decoding reads untrusted text once per document, not per key: exempt.
const COLD = new Set(['strings.ts', join('topology', 'json-text.ts')]);

describe('string methods on the key path', () => {
  // Any `class … extends String` in the process (node-redis has one) makes V8's method lookup of
  // `text.charCodeAt(i)` 8× slower; src/strings.ts calls the cached builtins instead.
  it('core never calls charCodeAt or codePointAt as a method outside src/strings.ts', () => {
    const offenders = files(src)
      .filter((path) => !COLD.has(path.slice(src.length + 1)))
      .filter((path) => /\.(charCodeAt|codePointAt)\(/.test(readFileSync(path, 'utf8')))
      .map((path) => path.slice(src.length + 1));
    expect(offenders).toEqual([]);
  });
});
