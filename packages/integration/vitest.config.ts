import { serverSuiteConfig } from '../../vitest.shared.ts';

// Each file runs a cluster of real servers and migrations under load.
export default serverSuiteConfig({ testTimeout: 240_000 });
