/**
 * Exit codes and the one-line error report. Errors are matched on `code`, never `instanceof`:
 * the engine and core may be loaded twice (source and dist) in one process.
 */
export const EXIT_OK = 0;
/** The operation failed, or `verify` / `status` found a problem. */
export const EXIT_FAILURE = 1;
/** Bad command line or bad input; nothing was written. */
export const EXIT_USAGE = 2;
/** A run-until-done worker was stopped by a signal before the cluster was stable (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** The command line or its input is wrong: exit 2, nothing written. */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure the CLI detected itself (a seed that does not answer, a refused change…): exit 1. */
export class CliError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
  }
}

/** Codes of core's input validation: the user's input is wrong, so these are usage errors. */
const USAGE_CODES: ReadonlySet<string> = new Set([
  'ERR_USAGE',
  'ERR_INVALID_ARGUMENT',
  'ERR_INVALID_NODES',
  'ERR_INVALID_TOPOLOGY',
  'ERR_UNKNOWN_ALGORITHM',
  'ERR_UNKNOWN_HASH',
  'ERR_UNKNOWN_NODE',
  'ERR_UNSUPPORTED',
  // A removal refused because pins point at the node: the command asked for what cannot be.
  'ERR_NODE_PINNED',
]);

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isUsageError(error: unknown): boolean {
  const code = errorCode(error);
  // commander's own parse errors (unknown option, missing argument, invalid value…).
  return code !== undefined && (USAGE_CODES.has(code) || code.startsWith('commander.'));
}

export function exitCodeOf(error: unknown): number {
  return isUsageError(error) ? EXIT_USAGE : EXIT_FAILURE;
}

/**
 * `ERR_UNKNOWN_NODE: remove: no node with id "x"` for typed errors; the stack and the cause
 * chain only when `verbose`. The caller scrubs secrets from the text.
 */
export function describeError(error: unknown, verbose: boolean): string {
  if (!(error instanceof Error)) return String(error);
  const code = errorCode(error);
  const plain = code === undefined || code === 'ERR_USAGE' || code.startsWith('commander.');
  const head = plain ? error.message : `${code}: ${error.message}`;
  if (!verbose) return head;
  // The stack's own first line repeats the message without the code.
  const lines = [head, ...(error.stack ?? '').split('\n').slice(1)];
  let cause = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    lines.push(`caused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return lines.join('\n');
}
