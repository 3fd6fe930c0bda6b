import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformanceSuite } from '../src/index.ts';
import { referenceFactory } from './reference-client.ts';

runConformanceSuite({ describe, it, expect, beforeAll, afterAll }, referenceFactory);
