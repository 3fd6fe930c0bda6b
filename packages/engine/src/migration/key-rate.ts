import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError } from '@shardis/core';

/**
 * The worker's throttle (`maxKeysPerSecond`), shared by every source it moves at once and taken
 * before each MIGRATE batch. Virtual scheduling: a batch of `n` keys may start at `next` and pushes
 * `next` on by `n / rate` seconds. Time spent idle earns no credit, so over any span the worker
 * starts at most `rate × span` keys plus one batch, and a lone source runs at the full rate.
 */
export class KeyRate {
  private readonly keysPerSecond: number;
  private readonly now: () => number;
  private next = 0;

  constructor(keysPerSecond: number, now: () => number = Date.now) {
    if (typeof keysPerSecond !== 'number' || !Number.isFinite(keysPerSecond) || keysPerSecond <= 0) {
      throw new InvalidArgumentError('maxKeysPerSecond', 'must be a finite number > 0');
    }
    this.keysPerSecond = keysPerSecond;
    this.now = now;
  }

  /** How long a batch of `keys` taken now has to wait, in ms; books its share of the rate. */
  book(keys: number): number {
    const now = this.now();
    const start = Math.max(now, this.next);
    this.next = start + (keys * 1000) / this.keysPerSecond;
    return start - now;
  }

  /** Waits until a batch of `keys` may start. */
  async take(keys: number): Promise<void> {
    const wait = this.book(keys);
    if (wait > 0) await sleep(wait);
  }
}
