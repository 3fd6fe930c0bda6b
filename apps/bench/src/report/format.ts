import type { Spread } from '../measure/stats.ts';

/** Number formatting shared by all tables, so that every figure reads the same way. */

export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** Three significant digits, grouped thousands: 0.0123, 4.56, 789, 12,300. */
export function sig(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: Math.min(digits, 2) });
}

export function integer(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A median with its range across rounds: `12.3 (11.9–13.0)`. */
export function withRange(value: Spread, scale: (n: number) => number = (n) => n): string {
  if (value.samples.length <= 1) return sig(scale(value.median));
  const a = scale(value.min);
  const b = scale(value.max);
  return `${sig(scale(value.median))} (${sig(Math.min(a, b))}–${sig(Math.max(a, b))})`;
}

export function bytes(value: number | undefined): string {
  if (value === undefined) return 'n/a';
  if (value < 1024) return `${Math.round(value)} B`;
  if (value < 1024 ** 2) return `${sig(value / 1024)} KiB`;
  return `${sig(value / 1024 ** 2)} MiB`;
}

export function duration(ms: number): string {
  if (ms < 1) return `${sig(ms * 1000)} µs`;
  if (ms < 1000) return `${sig(ms)} ms`;
  return `${sig(ms / 1000)} s`;
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? `${sig(value)}×` : '—';
}
