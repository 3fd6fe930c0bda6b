import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { Cli } from './cli-context.ts';
import { abortCommand } from './commands/abort.ts';
import { addNodeCommand } from './commands/add-node.ts';
import { initCommand } from './commands/init.ts';
import { migrateCommand } from './commands/migrate.ts';
import { removeNodeCommand } from './commands/remove-node.ts';
import { reweightCommand } from './commands/reweight.ts';
import { statusCommand } from './commands/status.ts';
import { verifyCommand } from './commands/verify.ts';
import { describeError, EXIT_OK, EXIT_USAGE, exitCodeOf } from './errors.ts';
import { Output, type Io } from './io.ts';
import { Secrets, secretsInArgv } from './secrets.ts';

function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function buildProgram(cli: Cli): Command {
  const program = new Command('shardis')
    .description('Operate a shardis cluster: keys spread over many Redis servers by consistent hashing, moved online without losing a write.')
    .version(cli.version, '-V, --version')
    .configureOutput({
      writeOut: (text) => cli.output.out(text),
      writeErr: (text) => cli.output.err(text),
      outputError: (text, write) => write(`shardis: ${text.replace(/^error: /, '')}`),
    })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText('after', `
Connection settings come from flags or the environment: SHARDIS_CLUSTER, SHARDIS_SEEDS,
SHARDIS_USERNAME, SHARDIS_PASSWORD, SHARDIS_TLS=1. Every command takes --help and --json.

Exit codes: 0 ok, 1 failure (or verify/status found a problem), 2 usage error (nothing written),
130 migrate stopped by a signal before the cluster was stable.`);
  // Subcommands inherit output, error handling and help settings from here.
  for (const make of [initCommand, statusCommand, addNodeCommand, removeNodeCommand, reweightCommand, migrateCommand, abortCommand, verifyCommand]) {
    program.addCommand(make(cli).configureOutput(program.configureOutput()).showHelpAfterError('(add --help for usage)').exitOverride());
  }
  return program;
}

/** Runs one command line; resolves with the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const secrets = new Secrets();
  for (const secret of secretsInArgv(argv)) secrets.add(secret);
  secrets.add(io.env['SHARDIS_PASSWORD']);
  const cli: Cli = { io, secrets, output: new Output(io, secrets), version: packageVersion(), exitCode: EXIT_OK, verbose: argv.includes('--verbose') || argv.includes('-v') };
  const program = buildProgram(cli);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return cli.exitCode;
  } catch (error) {
    if (error instanceof CommanderError || (error as { code?: unknown }).code === 'commander.helpDisplayed') {
      // commander printed the message (or the help) already.
      const code = (error as CommanderError).code;
      return code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help' ? EXIT_OK : EXIT_USAGE;
    }
    const exitCode = exitCodeOf(error);
    cli.output.err(`shardis: ${describeError(error, cli.verbose)}\n`);
    if (exitCode === EXIT_USAGE) cli.output.err('(nothing was written; add --help for usage)\n');
    return exitCode;
  }
}
