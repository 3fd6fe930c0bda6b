import { Option, type Command } from 'commander';
import { addConnectionOptions, resolveConnection, type Connection, type ConnectionFlags } from './connection.ts';
import type { Io, Output } from './io.ts';
import { LOG_FORMATS, LOG_LEVELS, Logger, type LogFormat, type LogLevel } from './logger.ts';
import { oneOf } from './parsers.ts';
import type { Secrets } from './secrets.ts';
import { Session, type SessionOptions } from './session.ts';

/** Flags every command has. */
export interface CommonFlags extends ConnectionFlags {
  readonly json?: boolean;
  readonly verbose?: boolean;
  readonly logFormat?: LogFormat;
  readonly logLevel?: LogLevel;
}

/** What a command needs from the CLI around it. */
export interface Cli {
  readonly io: Io;
  readonly secrets: Secrets;
  readonly output: Output;
  readonly version: string;
  exitCode: number;
  /** `--verbose` of the command being run, for the error report. */
  verbose: boolean;
}

export function addCommonOptions(command: Command): Command {
  addConnectionOptions(command);
  return command
    .optionsGroup('Output options:')
    .option('--json', 'print JSON: one document, or one JSON line per event for long-running commands')
    .option('-v, --verbose', 'print stack traces with errors')
    .addOption(new Option('--log-format <format>', `log lines on stderr: ${LOG_FORMATS.join(' or ')} (env: SHARDIS_LOG_FORMAT)`).argParser(oneOf(LOG_FORMATS, '--log-format')))
    .addOption(new Option('--log-level <level>', `least severe log level shown: ${LOG_LEVELS.join(', ')} (env: SHARDIS_LOG_LEVEL; default info)`).argParser(oneOf(LOG_LEVELS, '--log-level')));
}

export function loggerFor(cli: Cli, flags: CommonFlags): Logger {
  const env = cli.io.env;
  const format = flags.logFormat ?? oneOf(LOG_FORMATS, 'SHARDIS_LOG_FORMAT')(env['SHARDIS_LOG_FORMAT'] ?? 'text');
  const level = flags.logLevel ?? oneOf(LOG_LEVELS, 'SHARDIS_LOG_LEVEL')(env['SHARDIS_LOG_LEVEL'] ?? 'info');
  return new Logger(cli.output, { format, level });
}

/** The connection settings of a command; warns (once) about unsafe ones. */
export function connectionFor(cli: Cli, flags: CommonFlags, seedsRequired = true): Connection {
  cli.verbose = flags.verbose === true;
  const connection = resolveConnection(flags, cli.io.env, cli.secrets, { seedsRequired });
  const logger = loggerFor(cli, flags);
  for (const warning of connection.warnings) logger.warn(warning);
  return connection;
}

/** Opens a session, runs `work`, and always closes the connections. */
export async function withSession<T>(connection: Connection, work: (session: Session) => Promise<T>, options: SessionOptions = {}): Promise<T> {
  const session = new Session(connection, options);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}
