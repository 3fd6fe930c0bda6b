import { jsonReplacer, type Output } from './io.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export type LogFields = Readonly<Record<string, unknown>>;

export interface LoggerOptions {
  readonly format: LogFormat;
  readonly level: LogLevel;
  /** Fields on every line (worker id, cluster). */
  readonly base?: LogFields;
  readonly now?: () => Date;
}

/**
 * Structured logs on stderr: one JSON object per line (`time`, `level`, `msg`, then fields) for
 * log shippers, or `time LEVEL msg key=value…` for people. Everything passes through the
 * output's secret scrubbing, and errors are logged as `{ code, message }`, never with a url's
 * credentials (urls reach here already redacted).
 */
export class Logger {
  private readonly output: Output;
  private readonly options: LoggerOptions;
  private readonly threshold: number;

  constructor(output: Output, options: LoggerOptions) {
    this.output = output;
    this.options = options;
    this.threshold = LOG_LEVELS.indexOf(options.level);
  }

  child(fields: LogFields): Logger {
    return new Logger(this.output, { ...this.options, base: { ...this.options.base, ...fields } });
  }

  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) >= this.threshold;
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }

  log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    if (!this.enabled(level)) return;
    const time = (this.options.now?.() ?? new Date()).toISOString();
    const all: Record<string, unknown> = { ...this.options.base, ...fields };
    for (const [key, value] of Object.entries(all)) if (value instanceof Error) all[key] = errorFields(value);
    if (this.options.format === 'json') {
      this.output.err(`${JSON.stringify({ time, level, msg, ...all }, jsonReplacer)}\n`);
      return;
    }
    const pairs = Object.entries(all).filter(([, value]) => value !== undefined).map(([key, value]) => `${key}=${textValue(value)}`);
    this.output.err(`${time} ${level.toUpperCase().padEnd(5)} ${msg}${pairs.length > 0 ? `  ${pairs.join(' ')}` : ''}\n`);
  }
}

function errorFields(error: Error): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? { code, message: error.message } : { message: error.message };
}

function textValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) return textValue(value.join(','));
  return JSON.stringify(value, jsonReplacer);
}
