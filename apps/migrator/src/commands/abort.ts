import { Command } from 'commander';
import { addCommonOptions, connectionFor, loggerFor, withSession, type Cli, type CommonFlags } from '../cli-context.ts';
import { addWorkerOptions, type WorkerFlags } from '../worker-options.ts';
import { stateSummary } from '../worker-view.ts';
import { finishWithWorker } from './change.ts';

interface AbortFlags extends CommonFlags, WorkerFlags {
  readonly wait?: boolean;
}

export function abortCommand(cli: Cli): Command {
  const command = new Command('abort')
    .summary('roll back the change under way (FROZEN, then keys move back)')
    .description('Rolls back the migration under way: writes FROZEN; a worker then waits until every client has stopped touching moving keys, undoes half-finished batches and moves the keys back. The result is STABLE with the old placement at a new epoch. Keys move back when a worker runs (`shardis migrate`, or --wait here).')
    .option('--wait', 'run a worker here until the rollback is done')
    .addHelpText('after', `
Examples:
  $ shardis abort --cluster cache --seed redis://10.0.0.1:6379
  $ shardis abort --wait --json`);
  addCommonOptions(command);
  addWorkerOptions(command);
  return command.action(async (flags: AbortFlags) => {
    const connection = connectionFor(cli, flags);
    const logger = loggerFor(cli, flags);
    cli.exitCode = await withSession(connection, async (session) => {
      await session.requireSigningKey(await session.state(), 'abort');
      const state = await session.admin.abort();
      logger.info('abort written', stateSummary(state));
      if (flags.wait !== true) {
        if (flags.json === true) cli.output.json({ written: true, state: stateSummary(state) });
        else cli.output.line(`written: revision ${state.revision} FROZEN; a worker moves the keys back: \`shardis migrate\` (or abort with --wait)`);
        return 0;
      }
      if (flags.json === true) cli.output.jsonLine({ type: 'written', time: new Date().toISOString(), state: stateSummary(state) });
      else cli.output.line(`written: revision ${state.revision} FROZEN; moving keys back…`);
      return finishWithWorker(cli, session, flags, logger);
    });
  });
}
