import { parseArgs } from 'node:util';

export interface CliOptions {
  readonly suites: readonly string[] | undefined;
  readonly quick: boolean;
  readonly out: string | undefined;
  /** Update BENCHMARKS.md; undefined means "yes for a full run into the default folder". */
  readonly docs: boolean | undefined;
  readonly keys: number | undefined;
  readonly nodes: readonly number[] | undefined;
  readonly help: boolean;
}

export const USAGE = `Usage: pnpm bench [--suite NAME[,NAME]] [--quick] [--out DIR] [--docs | --no-docs] [--keys N] [--nodes N,N]

  --suite   algorithms, hashes, client, migration (repeat or comma-separate; default: all)
  --quick   CI-sized run, well under 2 minutes for algorithms + hashes; writes to results/quick/
  --out     folder for the Markdown, SVG and JSON results (default results/, or results/quick/)
  --docs    update BENCHMARKS.md between its markers (default: only for a full run into results/)
  --keys    distinct keys for the algorithms suite (default 1,000,000; --quick 20,000)
  --nodes   node counts for the algorithms suite (default 3,10,100,1000; --quick 3,10,100)`;

function positiveIntegers(text: string, flag: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
  if (values.some((value) => !Number.isInteger(value) || value < 1)) throw new Error(`${flag} takes positive integers, got ${JSON.stringify(text)}`);
  return values;
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  // `pnpm start -- --quick` forwards the `--` itself; it separates nothing here.
  const args = argv.filter((arg) => arg !== '--');
  const { values } = parseArgs({
    args,
    options: {
      suite: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      docs: { type: 'boolean' },
      'no-docs': { type: 'boolean' },
      keys: { type: 'string' },
      nodes: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const suites = values.suite?.flatMap((value) => value.split(',')).map((name) => name.trim()).filter(Boolean);
  return {
    suites: suites === undefined || suites.length === 0 ? undefined : suites,
    quick: values.quick,
    out: values.out,
    docs: values['no-docs'] === true ? false : values.docs,
    keys: values.keys === undefined ? undefined : positiveIntegers(values.keys, '--keys')[0],
    nodes: values.nodes === undefined ? undefined : positiveIntegers(values.nodes, '--nodes'),
    help: values.help,
  };
}
