import { Command } from 'commander';
import { addCommonOptions, connectionFor, withSession, type Cli, type CommonFlags } from '../cli-context.ts';
import { EXIT_FAILURE, EXIT_OK } from '../errors.ts';
import { formatCount } from '../format.ts';
import { printableKey } from '../io.ts';
import { integer } from '../parsers.ts';
import { ProgressBlock } from '../progress.ts';

interface VerifyFlags extends CommonFlags {
  readonly limit: number;
}

export function verifyCommand(cli: Cli): Command {
  const command = new Command('verify')
    .summary('check that every key lives on its owner and on no other node')
    .description('Scans every node of a stable cluster: each data key must live on the node the placement names, and on no other. Exits 1 and lists the keys when any is misplaced or duplicated.')
    .option('--limit <n>', 'list at most this many problem keys of each kind', integer(0), 100)
    .addHelpText('after', `
Examples:
  $ shardis verify --cluster cache --seed redis://10.0.0.1:6379
  $ shardis verify --json --limit 1000 > report.json`);
  addCommonOptions(command);
  return command.action(async (flags: VerifyFlags) => {
    const connection = connectionFor(cli, flags);
    const out = cli.output;
    cli.exitCode = await withSession(connection, async (session) => {
      await session.requireReachable(await session.state(), 'verify');
      const progress = new ProgressBlock(out, flags.json !== true);
      const report = await session.admin.verify({ onProgress: (checked) => progress.update([`verifying… ${formatCount(checked)} keys checked`]) }).finally(() => progress.stop());
      const ok = report.misplaced.length === 0 && report.duplicated.length === 0;
      const misplaced = report.misplaced.slice(0, flags.limit).map((entry) => ({ key: printableKey(entry.key), node: entry.node, owner: entry.owner }));
      const duplicated = report.duplicated.slice(0, flags.limit).map((entry) => ({ key: printableKey(entry.key), nodes: entry.nodes }));
      if (flags.json === true) {
        out.json({ ok, checked: report.checked, misplacedCount: report.misplaced.length, duplicatedCount: report.duplicated.length, misplaced, duplicated });
      } else {
        out.line(`${ok ? 'OK' : 'PROBLEMS'}: ${formatCount(report.checked)} keys checked, ${formatCount(report.misplaced.length)} misplaced, ${formatCount(report.duplicated.length)} duplicated`);
        for (const entry of misplaced) out.line(`  misplaced  ${entry.key}  on ${entry.node}, owner ${entry.owner}`);
        for (const entry of duplicated) out.line(`  duplicated ${entry.key}  on ${entry.nodes.join(', ')}`);
        const hidden = report.misplaced.length - misplaced.length + report.duplicated.length - duplicated.length;
        if (hidden > 0) out.line(`  … and ${formatCount(hidden)} more (raise --limit)`);
      }
      return ok ? EXIT_OK : EXIT_FAILURE;
    });
  });
}
