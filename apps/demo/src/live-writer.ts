import type { ShardedRedis } from '@shardis/ioredis';

const COUNTERS = 100;

/**
 * Keeps writing while the cluster changes: a fresh key per write and increments on a few
 * counters, remembering every write that was acknowledged, so the end of the demo can prove
 * that none was lost.
 */
export class LiveWriter {
  acknowledged = 0;
  failed = 0;
  private readonly redis: ShardedRedis;
  private readonly increments = new Array<number>(COUNTERS).fill(0);
  private readonly written: number[] = [];
  private stopped = false;
  private loops: Promise<void>[] = [];

  constructor(redis: ShardedRedis) {
    this.redis = redis;
  }

  start(concurrency = 4): void {
    let next = 0;
    this.loops = Array.from({ length: concurrency }, async () => {
      while (!this.stopped) {
        const seq = next++;
        try {
          await this.redis.set(`demo:live:${seq}`, String(seq));
          this.written.push(seq);
          this.acknowledged++;
          await this.redis.incr(`demo:counter:${seq % COUNTERS}`);
          this.increments[seq % COUNTERS]!++;
          this.acknowledged++;
        } catch {
          this.failed++;
        }
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  /** Names of every key the writer touched (for cleaning up on servers the user owns). */
  keys(): string[] {
    return [...this.written.map((seq) => `demo:live:${seq}`), ...Array.from({ length: COUNTERS }, (_, i) => `demo:counter:${i}`)];
  }

  /** Acknowledged writes that are not there: every key read back, every counter compared. */
  async lost(): Promise<number> {
    let lost = 0;
    for (let start = 0; start < this.written.length; start += 1000) {
      const slice = this.written.slice(start, start + 1000);
      const values = await this.redis.mget(slice.map((seq) => `demo:live:${seq}`));
      values.forEach((value, i) => {
        if (value !== String(slice[i])) lost++;
      });
    }
    const counters = await this.redis.mget(Array.from({ length: COUNTERS }, (_, i) => `demo:counter:${i}`));
    counters.forEach((value, i) => {
      lost += Math.max(0, this.increments[i]! - Number(value ?? 0));
    });
    return lost;
  }
}
