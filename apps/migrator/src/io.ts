import type { Secrets } from './secrets.ts';

export interface OutStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The outside world of one CLI run: injectable so commands can be driven in-process too. */
export interface Io {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Calls `listener` on SIGINT/SIGTERM until the returned function is called. */
  onSignal(listener: (signal: StopSignal) => void): () => void;
  /** Leaves at once (a second Ctrl-C); absent when the CLI runs in-process. */
  readonly exit?: (code: number) => void;
}

export function processIo(): Io {
  // `shardis status | head`: a closed pipe ends the run quietly, as for any Unix tool.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    exit: (code) => process.exit(code),
    onSignal(listener) {
      const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
        const handler = () => listener(signal);
        process.on(signal, handler);
        return [signal, handler] as const;
      });
      return () => {
        for (const [signal, handler] of handlers) process.off(signal, handler);
      };
    },
  };
}

/** Something drawn in place at the bottom of the terminal (a progress block) that other output must not tear. */
export interface Sticky {
  clear(): void;
  redraw(): void;
}

/**
 * The only way text leaves the CLI: every write is scrubbed of secrets, and a progress block is
 * cleared before and redrawn after any other line.
 */
export class Output {
  readonly io: Io;
  private readonly secrets: Secrets;
  private sticky: Sticky | undefined;

  constructor(io: Io, secrets: Secrets) {
    this.io = io;
    this.secrets = secrets;
  }

  get stdoutIsTTY(): boolean {
    return this.io.stdout.isTTY === true;
  }

  get stdinIsTTY(): boolean {
    return this.io.stdin.isTTY === true;
  }

  scrub(text: string): string {
    return this.secrets.scrub(text);
  }

  setSticky(sticky: Sticky | undefined): void {
    this.sticky = sticky;
  }

  /** Raw stdout write for the sticky block itself (no clear/redraw). */
  drawRaw(text: string): void {
    this.io.stdout.write(this.secrets.scrub(text));
  }

  out(text: string): void {
    this.around(() => this.io.stdout.write(this.secrets.scrub(text)));
  }

  line(text = ''): void {
    this.out(`${text}\n`);
  }

  lines(lines: readonly string[]): void {
    if (lines.length > 0) this.out(`${lines.join('\n')}\n`);
  }

  err(text: string): void {
    this.around(() => this.io.stderr.write(this.secrets.scrub(text)));
  }

  /** One JSON document (commands that finish). */
  json(value: unknown): void {
    this.line(JSON.stringify(value, jsonReplacer, 2));
  }

  /** One JSON line (events of long-running commands). */
  jsonLine(value: unknown): void {
    this.line(JSON.stringify(value, jsonReplacer));
  }

  private around(write: () => void): void {
    const sticky = this.sticky;
    sticky?.clear();
    write();
    sticky?.redraw();
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The key as text when it is printable UTF-8 (no control characters), else undefined. */
export function printableText(key: Buffer | Uint8Array): string | undefined {
  try {
    const text = utf8.decode(key);
    // eslint-disable-next-line no-control-regex
    return /[\x00-\x1f\x7f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

/** A key as text: itself when it is printable UTF-8, else `hex:…`. Long keys are cut. */
export function printableKey(key: Buffer | Uint8Array | string, max = 200): string {
  const text = typeof key === 'string' ? key : (printableText(key) ?? `hex:${Buffer.from(key).toString('hex')}`);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function jsonReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries(value);
  if (typeof value === 'bigint') return value.toString();
  // Buffer.toJSON runs before the replacer sees the value.
  if (value !== null && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return printableKey(Buffer.from((value as { data: number[] }).data));
  }
  return value;
}
