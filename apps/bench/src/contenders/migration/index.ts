import type { MigrationContender } from './contract.ts';
import { redisCliReshardContender } from './redis-cli-reshard.ts';
import { shardisWorkerContender } from './shardis-worker.ts';

export type { MigrationContender, MigrationSizes, PreparedMigration } from './contract.ts';

export const migrationContenders: readonly MigrationContender[] = [shardisWorkerContender(), shardisWorkerContender(16_000), shardisWorkerContender(8_000), redisCliReshardContender(10), redisCliReshardContender(1000)];
