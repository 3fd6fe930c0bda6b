import { defineConfig } from 'vitest/config';
import { serverSuiteConfig } from '../../vitest.shared.ts';

// End-to-end suites spawn the built CLI and redis-server processes: one file at a time.
const base = serverSuiteConfig({ testTimeout: 30_000 });
export default defineConfig({ ...base, test: { ...base.test, globalSetup: ['test/global-setup.ts'] } });
