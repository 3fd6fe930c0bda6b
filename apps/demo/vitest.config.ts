import { serverSuiteConfig } from '../../vitest.shared.ts';

export default serverSuiteConfig({ testTimeout: 120_000 });
