import { machineLine, type MachineInfo } from '../machine.ts';
import type { SuiteReport, Table } from '../suite.ts';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Right-aligns columns whose cells all start like numbers, so figures line up. */
function isNumeric(rows: readonly (readonly string[])[], column: number): boolean {
  return rows.length > 0 && rows.every((row) => /^[-+]?[\d.,—]|^n\/a|^skipped/.test(row[column] ?? ''));
}

export function renderTable(table: Table): string {
  const header = `| ${table.columns.map(escapeCell).join(' | ')} |`;
  const rule = `|${table.columns.map((_, i) => (i > 0 && isNumeric(table.rows, i) ? '---:' : '---')).join('|')}|`;
  const body = table.rows.map((row) => `| ${table.columns.map((_, i) => escapeCell(row[i] ?? '')).join(' | ')} |`);
  const notes = (table.notes ?? []).map((note) => `\n${note}`);
  return [`**${table.title}**`, '', header, rule, ...body, ...notes].join('\n');
}

/**
 * The Markdown of one suite's report. `chartPath` maps an SVG file name to the link used:
 * results/<suite>.md links next to itself, BENCHMARKS.md links into apps/bench/results/.
 */
export function renderReport(report: SuiteReport, machine: MachineInfo, chartPath: (file: string) => string, level = 2): string {
  const h = '#'.repeat(level);
  const parts = [
    `${h} ${report.title}`,
    '',
    `Machine: ${machineLine(machine)}`,
    '',
    `Reproduce: \`${report.reproduce}\``,
    '',
    // A method line indented by two spaces is a sub-item of the line before it.
    ...report.method.map((line) => (line.startsWith('  ') ? `  - ${line.trim()}` : `- ${line}`)),
    '',
  ];
  for (const table of report.tables) parts.push(renderTable(table), '');
  for (const chart of report.charts) parts.push(`![${chart.title}](${chartPath(`${chart.file}.svg`)})`, '');
  return parts.join('\n');
}
