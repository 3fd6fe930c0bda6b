import { describe, expect, it } from 'vitest';
import { randomAssignmentFloor, spread } from '../src/measure/stats.ts';
import { replaceBetweenMarkers } from '../src/report/benchmarks-md.ts';
import { withRange } from '../src/report/format.ts';
import { renderTable } from '../src/report/markdown.ts';

describe('replaceBetweenMarkers', () => {
  const doc = 'intro\n<!-- bench:hashes:start -->\nold\n<!-- bench:hashes:end -->\noutro\n';

  it('replaces only what lies between the markers', () => {
    expect(replaceBetweenMarkers(doc, 'hashes', 'new table')).toBe('intro\n<!-- bench:hashes:start -->\nnew table\n<!-- bench:hashes:end -->\noutro\n');
  });

  it('refuses to guess where missing markers belong', () => {
    expect(() => replaceBetweenMarkers(doc, 'client', 'x')).toThrow(/bench:client:start/);
  });
});

describe('renderTable', () => {
  it('right-aligns numeric columns and escapes pipes', () => {
    const text = renderTable({ title: 'T', columns: ['name', 'value'], rows: [['a|b', '1.5'], ['c', '2,000']] });
    expect(text).toContain('|---|---:|');
    expect(text).toContain('| a\\|b | 1.5 |');
  });
});

describe('statistics', () => {
  it('puts the random floor where theory says: max/mean ≈ 1 + σ·√(2 ln N)', () => {
    const floor = randomAssignmentFloor(100_000, 10);
    const sigma = Math.sqrt(9 / 100_000);
    expect(floor.stddevOverMean).toBeGreaterThan(0.6 * sigma);
    expect(floor.stddevOverMean).toBeLessThan(1.4 * sigma);
    expect(floor.maxOverMean).toBeGreaterThan(1);
    expect(floor.maxOverMean).toBeLessThan(1 + 3 * sigma * Math.sqrt(2 * Math.log(10)));
  });

  it('reports a median with its range', () => {
    expect(withRange(spread([3, 1, 2]))).toBe('2.00 (1.00–3.00)');
  });
});
