import { Command } from 'commander';
import { addCommonOptions, connectionFor, loggerFor, withSession, type Cli, type CommonFlags } from '../cli-context.ts';
import { formatCount } from '../format.ts';
import { addWorkerOptions, type WorkerFlags } from '../worker-options.ts';
import { runWorker } from '../worker-runner.ts';
import { stateSummary } from '../worker-view.ts';

interface MigrateFlags extends CommonFlags, WorkerFlags {
  readonly daemon?: boolean;
}

export function migrateCommand(cli: Cli): Command {
  const command = new Command('migrate')
    .summary('run a migration worker until the cluster is stable (--daemon: forever)')
    .description(`Runs a migration worker: waits until every live client has acknowledged the change, moves the keys that change owner (SCAN + MIGRATE in batches, a checkpoint per page), and commits STABLE. With --daemon it then waits for the next change. Several workers may run at once: they share the source nodes through leases.

SIGINT/SIGTERM stop the worker after the current page; everything is checkpointed in Redis, so the next \`shardis migrate\` resumes there. A second signal leaves at once (still safe).

Exit codes: 0 when the cluster is stable (or a daemon was stopped), 130 when stopped before it was, 1 on failure.`)
    .option('--daemon', 'keep running: wait for the next change after each one')
    .addHelpText('after', `
Examples:
  $ shardis migrate --cluster cache --seed redis://10.0.0.1:6379
  $ shardis migrate --daemon --metrics-port 9464 --log-format json --max-keys-per-second 50000`);
  addCommonOptions(command);
  addWorkerOptions(command);
  return command.action(async (flags: MigrateFlags) => {
    const connection = connectionFor(cli, flags);
    const logger = loggerFor(cli, flags);
    cli.exitCode = await withSession(connection, async (session) => {
      // Fails with a clear message when the seeds are unreachable or hold no topology;
      // a daemon may start before `shardis init`, and then waits for it.
      if (flags.daemon !== true) await session.state();
      const started = Date.now();
      const result = await runWorker({ session, output: cli.output, logger, flags, json: flags.json === true, daemon: flags.daemon === true, version: cli.version });
      const moved = [...result.tracker.movedBySource.values()].reduce((sum, n) => sum + n, 0);
      if (flags.json === true) {
        cli.output.jsonLine({ type: result.interrupted ? 'stopped' : 'done', time: new Date().toISOString(), movedHere: moved, elapsedMs: Date.now() - started, ...(result.state === undefined ? {} : { state: stateSummary(result.state) }) });
      } else if (result.state?.mode === 'stable') {
        cli.output.line(`${result.interrupted ? 'stopped' : 'done'}: STABLE at revision ${result.state.revision}, epoch ${result.state.topology.epoch}; this worker moved ${formatCount(moved)} keys`);
      } else {
        cli.output.line(`stopped: this worker moved ${formatCount(moved)} keys; progress is checkpointed, run \`shardis migrate\` to resume`);
      }
      return result.exitCode;
    });
  });
}
