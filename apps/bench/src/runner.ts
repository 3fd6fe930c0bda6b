import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliOptions } from './args.ts';
import { describeMachine, machineLine } from './machine.ts';
import { updateMarkdownFile } from './report/benchmarks-md.ts';
import { renderTable } from './report/markdown.ts';
import { writeReport } from './report/write.ts';
import type { SuiteContext } from './suite.ts';
import { selectSuites } from './suites/index.ts';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = resolve(appDir, '..', '..');

function log(message: string): void {
  process.stderr.write(`\x1b[2m[bench]\x1b[0m ${message}\n`);
}

/**
 * Runs the chosen suites one after another and writes their results. A suite that throws is
 * reported and the others still run; the exit code is 1 if any failed. Slow figures never fail
 * a run: only errors (a crash, contenders that disagree) do.
 */
export async function runBench(options: CliOptions): Promise<number> {
  const selected = selectSuites(options.suites);
  const defaultOut = join(appDir, 'results', ...(options.quick ? ['quick'] : []));
  const outDir = options.out === undefined ? defaultOut : resolve(options.out);
  const docs = options.docs ?? (!options.quick && outDir === defaultOut);
  const machine = describeMachine();
  log(machineLine(machine));
  const sections = new Map<string, string>();
  const failed: string[] = [];
  for (const suite of selected) {
    const started = Date.now();
    log(`suite ${suite.name}${options.quick ? ' (quick)' : ''}`);
    const context: SuiteContext = {
      quick: options.quick,
      machine,
      ...(options.keys === undefined ? {} : { keys: options.keys }),
      ...(options.nodes === undefined ? {} : { nodes: options.nodes }),
      log: (message) => log(`  ${suite.name}: ${message}`),
    };
    try {
      const report = await suite.run(context);
      sections.set(suite.name, await writeReport(report, outDir, machine, repoRoot));
      for (const table of report.tables) process.stdout.write(`\n${renderTable(table)}\n`);
      log(`suite ${suite.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s → ${outDir}/${suite.name}.md`);
    } catch (error) {
      failed.push(suite.name);
      log(`suite ${suite.name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  const benchmarksMd = join(repoRoot, 'BENCHMARKS.md');
  if (docs && sections.size > 0 && existsSync(benchmarksMd)) {
    // The machine line at the top describes a run of every suite; a partial run leaves it alone.
    if (options.suites === undefined) sections.set('machine', machineLine(machine));
    updateMarkdownFile(benchmarksMd, sections);
    log(`updated ${benchmarksMd}`);
  }
  if (failed.length > 0) log(`failed suites: ${failed.join(', ')}`);
  return failed.length > 0 ? 1 : 0;
}
