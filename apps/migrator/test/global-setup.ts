import { fileURLToPath } from 'node:url';
import { build } from 'tsdown';

/**
 * The end-to-end suites spawn the built binary, as a user runs it: `tsdown` bundles the CLI with
 * the workspace packages from their source (~0.1 s), and a bundled start costs ~0.2 s where
 * running the TypeScript sources through a loader costs ~0.9 s per process.
 */
export default async function setup(): Promise<void> {
  await build({ cwd: fileURLToPath(new URL('..', import.meta.url)), logLevel: 'warn' });
}
