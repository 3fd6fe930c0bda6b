import { serverSuiteConfig } from '../../vitest.shared.ts';

export default serverSuiteConfig();
