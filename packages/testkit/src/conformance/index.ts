import { authGroup } from './auth.ts';
import { binaryGroup } from './binary.ts';
import { crossSlotGroup } from './crossslot.ts';
import { fanOutGroup } from './fan-out.ts';
import { invalidTopologyGroup } from './invalid-topology.ts';
import { keylessGroup } from './keyless.ts';
import { killedNodeGroup } from './killed-node.ts';
import { liveTopologyGroup } from './live-topology.ts';
import { pipelineGroup } from './pipeline.ts';
import { pubsubLossGroup } from './pubsub-loss.ts';
import { routingGroup } from './routing.ts';
import { scanGroup } from './scan.ts';
import { sentinelGroup } from './sentinel.ts';
import type { ConformanceFactory, ConformanceOptions, GroupContext, GroupName, TestApi } from './types.ts';

const GROUPS: ReadonlyArray<readonly [GroupName, (context: GroupContext) => void]> = [
  ['routing', routingGroup],
  ['fan-out', fanOutGroup],
  ['keyless', keylessGroup],
  ['pipeline', pipelineGroup],
  ['crossslot', crossSlotGroup],
  ['scan', scanGroup],
  ['binary', binaryGroup],
  ['live-topology', liveTopologyGroup],
  ['pubsub-loss', pubsubLossGroup],
  ['killed-node', killedNodeGroup],
  ['auth', authGroup],
  ['invalid-topology', invalidTopologyGroup],
  ['sentinel', sentinelGroup],
];

/**
 * The one conformance suite every adapter runs against real redis-server processes (keyv's
 * `storageTestSuite`, socket.io-redis-adapter's test runner). Each group starts its own servers
 * once and stops them afterwards. A group is skipped only with a reason, shown in the report;
 * the Sentinel group also skips itself when the adapter's driver says it cannot do Sentinel.
 */
export function runConformanceSuite(test: TestApi, factory: ConformanceFactory, options: ConformanceOptions = {}): void {
  const skip: Partial<Record<GroupName, string>> = { ...options.skip };
  if (skip.sentinel === undefined && !factory.driver().capabilities.sentinel) {
    skip.sentinel = `the ${factory.name} driver has no Sentinel support (capabilities.sentinel is false)`;
  }
  test.describe(`shardis conformance: ${factory.name}`, () => {
    for (const [name, group] of GROUPS) {
      const reason = skip[name];
      if (reason !== undefined) {
        test.describe.skip(`${name} (skipped: ${reason})`, () => {
          test.it('skipped', () => undefined);
        });
        continue;
      }
      group({ test, factory });
    }
  });
}

export type { Arg, ConformanceClient, ConformanceClientOptions, ConformanceFactory, ConformanceOptions, GroupName, TestApi } from './types.ts';
