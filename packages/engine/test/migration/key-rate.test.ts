import { describe, expect, it } from 'vitest';
import { KeyRate } from '../../src/migration/key-rate.ts';

describe('KeyRate: the worker throttle', () => {
  it('spaces batches at the rate, shares it between callers, and gives no credit for idle time', () => {
    let now = 1_000;
    const rate = new KeyRate(100, () => now);
    expect(rate.book(50)).toBe(0); // the first batch goes at once
    expect(rate.book(50)).toBe(500); // a second source waits for the first one's share
    expect(rate.book(100)).toBe(1_000);
    now += 10_000; // idle: the next batch goes at once, and the one after waits its full share
    expect(rate.book(100)).toBe(0);
    expect(rate.book(1)).toBe(1_000);
  });

  it('refuses a rate that is not a finite number > 0', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => new KeyRate(bad)).toThrow(/maxKeysPerSecond: must be a finite number > 0/);
  });

  it('take() waits for the booked time', async () => {
    const rate = new KeyRate(1_000);
    const started = Date.now();
    for (let i = 0; i < 4; i++) await rate.take(50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145); // 3 × 50 ms after the first batch
  });
});
