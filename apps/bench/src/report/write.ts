import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { MachineInfo } from '../machine.ts';
import type { SuiteReport } from '../suite.ts';
import { renderSvg } from './charts.ts';
import { renderReport } from './markdown.ts';

/**
 * Writes `<suite>.md`, `<suite>.json` and one SVG per chart into `outDir`, and returns the
 * Markdown section for BENCHMARKS.md (chart links relative to the repository root).
 */
export async function writeReport(report: SuiteReport, outDir: string, machine: MachineInfo, repoRoot: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  for (const chart of report.charts) writeFileSync(join(outDir, `${chart.file}.svg`), await renderSvg(chart.spec));
  writeFileSync(join(outDir, `${report.suite}.md`), `${renderReport(report, machine, (file) => `./${file}`, 1)}\n`);
  writeFileSync(join(outDir, `${report.suite}.json`), `${JSON.stringify({ machine, suite: report.suite, data: report.data }, null, 1)}\n`);
  const fromRoot = relative(repoRoot, outDir).split('\\').join('/');
  return renderReport(report, machine, (file) => `${fromRoot}/${file}`, 3);
}
