import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { Cli } from './cli-context.ts';
import { abortCommand } from './commands/abort.ts';
import { aclCommand } from './commands/acl.ts';
import { addNodeCommand } from './commands/add-node.ts';
import { initCommand } from './commands/init.ts';
import { migrateCommand } from './commands/migrate.ts';
import { pinCommand } from './commands/pin.ts';
import { pinsCommand } from './commands/pins.ts';
import { removeNodeCommand } from './commands/remove-node.ts';
import { resignCommand } from './commands/resign.ts';
import { reweightCommand } from './commands/reweight.ts';
import { statusCommand } from './commands/status.ts';
import { unpinCommand } from './commands/unpin.ts';
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

/**
 * Commander quotes a bad argument whole: at most 40 characters of each reach the terminal, control
 * characters escaped (no terminal escape sequences from hostile input), and the message is capped.
 */
export function tameCommanderMessage(text: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const shortened = escaped.replace(/'([^']{41,}?)'(?=[ .,:;)\n]|$)/g, (_, value: string) => `'${value.slice(0, 40)}…'`);
  return shortened.length > 600 ? `${shortened.slice(0, 600)}…\n` : shortened;
}

export function buildProgram(cli: Cli, reported: { value: boolean } = { value: false }): Command {
  const program = new Command('shardis')
    .description('Operate a shardis cluster: keys spread over many Redis servers by consistent hashing, moved online without losing a write.')
    .version(cli.version, '-V, --version')
    .configureOutput({
      writeOut: (text) => cli.output.out(text),
      writeErr: (text) => cli.output.err(text),
      outputError: (text, write) => {
        reported.value = true;
        write(`shardis: ${tameCommanderMessage(text.replace(/^error: /, ''))}`);
      },
    })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText('after', `
Connection settings come from flags or the environment: SHARDIS_CLUSTER, SHARDIS_SEEDS,
SHARDIS_USERNAME, SHARDIS_PASSWORD, SHARDIS_TLS=1, SHARDIS_TOPOLOGY_KEY or SHARDIS_TOPOLOGY_KEY_FILE
(signed topologies). Every command takes --help and --json.

Exit codes: 0 ok, 1 failure (or verify/status found a problem), 2 usage error (nothing written),
130 migrate stopped by a signal before the cluster was stable.`);
  // Subcommands inherit output, error handling and help settings from here.
  const commands = [initCommand, statusCommand, addNodeCommand, removeNodeCommand, reweightCommand, pinCommand, unpinCommand, pinsCommand, migrateCommand, abortCommand, verifyCommand, resignCommand, aclCommand];
  for (const make of commands) {
    program.addCommand(make(cli).configureOutput(program.configureOutput()).showHelpAfterError('(add --help for usage)').exitOverride());
  }
  return program;
}

/** Runs one command line; resolves with the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const secrets = new Secrets();
  for (const secret of secretsInArgv(argv)) secrets.add(secret);
  for (const name of ['SHARDIS_PASSWORD', 'SHARDIS_TOPOLOGY_KEY', 'SHARDIS_HASH_SEED']) secrets.add(io.env[name]);
  const cli: Cli = { io, secrets, output: new Output(io, secrets), version: packageVersion(), exitCode: EXIT_OK, verbose: argv.includes('--verbose') || argv.includes('-v') };
  const reported = { value: false };
  const program = buildProgram(cli, reported);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return cli.exitCode;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return EXIT_OK;
    // commander printed its own parse errors; one thrown later (a parser used on the environment) is ours to print.
    if (error instanceof CommanderError && reported.value) return EXIT_USAGE;
    const exitCode = exitCodeOf(error);
    cli.output.err(`shardis: ${describeError(error, cli.verbose)}\n`);
    if (exitCode === EXIT_USAGE) cli.output.err('(nothing was written; add --help for usage)\n');
    return exitCode;
  }
}
