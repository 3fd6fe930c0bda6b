import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/demo.ts';
import { parseOptions, UsageError } from '../src/options.ts';
import { startLocalServers } from '../src/servers.ts';

describe('the demo, end to end with small sizes', () => {
  for (const algorithm of ['ring', 'jump'] as const) {
    it(`${algorithm}: adds and removes a node under live writes, loses nothing, moves within 10% of the ideal`, async () => {
      const options = parseOptions(['--nodes', '3', '--keys', '20000', '--algorithm', algorithm]);
      if (options === 'help') throw new Error('unexpected');
      const servers = await startLocalServers(options.nodes + 1);
      const lines: string[] = [];
      try {
        const result = await runDemo(options, servers, (line) => lines.push(line));
        expect(result.ok, lines.join('\n')).toBe(true);
        expect(result.writesLost).toBe(0);
        expect(result.datasetWrong).toBe(0);
        expect(result.misplaced).toBe(0);
        expect(result.writesAcknowledged).toBeGreaterThan(0);
        for (const step of result.steps) {
          // The demo's own keys: what moved against the least any algorithm could move.
          expect(step.expected.planned / step.expected.ideal, step.step).toBeGreaterThan(0.9);
          expect(step.expected.planned / step.expected.ideal, step.step).toBeLessThan(1.1);
          expect(step.expected.modulo, step.step).toBeGreaterThan(2 * step.expected.planned);
          // Live writes land on moving keys too, so the worker moves at least the planned keys.
          expect(step.moved, step.step).toBeGreaterThanOrEqual(step.expected.planned * 0.99);
        }
        expect(lines.some((line) => line.includes('verdict: OK'))).toBe(true);
      } finally {
        await servers.stop();
      }
    });
  }

  it('refuses bad options with a clear message', () => {
    expect(() => parseOptions(['--nodes', '1'])).toThrow(UsageError);
    expect(() => parseOptions(['--keys', 'many'])).toThrow(/--keys must be a whole number/);
    expect(() => parseOptions(['--algorithm', 'magic'])).toThrow(/--algorithm must be one of/);
    expect(() => parseOptions(['--seeds', 'localhost:6379'])).toThrow(/redis:\/\//);
    expect(() => parseOptions(['--nodes', '3', '--seeds', 'redis://a:1,redis://b:2'])).toThrow(/needs 4 servers/);
    expect(() => parseOptions(['--frobnicate'])).toThrow(UsageError);
    expect(parseOptions(['--help'])).toBe('help');
  });
});
