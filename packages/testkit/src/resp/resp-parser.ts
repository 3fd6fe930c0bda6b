import type { Reply } from '@shardis/engine';

/** A server error reply (`-ERR …`), kept apart from connection errors by its class. */
export class RespServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RespServerError';
  }
}

/** Thrown inside the parser when the buffered bytes end before the reply does. */
const INCOMPLETE = Symbol('incomplete');

/**
 * An incremental RESP2 reader: feed it socket chunks, take complete replies out. Bulk strings stay
 * `Buffer` (binary safe), status replies become strings, error replies `RespServerError` values,
 * as the engine's `Reply` type says. Pushes (RESP3) are never requested, so never parsed.
 */
export class RespParser {
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;

  push(chunk: Buffer): void {
    this.buffer = this.offset === this.buffer.length ? chunk : Buffer.concat([this.buffer.subarray(this.offset), chunk]);
    this.offset = 0;
  }

  /** The next complete reply, or `undefined` when more bytes are needed. */
  next(): Reply | undefined {
    const start = this.offset;
    try {
      return this.read();
    } catch (error) {
      if (error !== INCOMPLETE) throw error;
      this.offset = start;
      return undefined;
    }
  }

  private line(): string {
    const end = this.buffer.indexOf('\r\n', this.offset, 'latin1');
    if (end === -1) throw INCOMPLETE;
    const text = this.buffer.toString('utf8', this.offset + 1, end);
    this.offset = end + 2;
    return text;
  }

  private read(): Reply {
    if (this.offset >= this.buffer.length) throw INCOMPLETE;
    const type = this.buffer[this.offset];
    const text = this.line();
    switch (type) {
      case 0x2b: // '+'
        return text;
      case 0x2d: // '-'
        return new RespServerError(text);
      case 0x3a: // ':'
        return Number(text);
      case 0x24: { // '$'
        const length = Number(text);
        if (length < 0) return null;
        if (this.offset + length + 2 > this.buffer.length) throw INCOMPLETE;
        const value = Buffer.from(this.buffer.subarray(this.offset, this.offset + length));
        this.offset += length + 2;
        return value;
      }
      case 0x2a: { // '*'
        const length = Number(text);
        if (length < 0) return null;
        const items: Reply[] = [];
        for (let i = 0; i < length; i++) items.push(this.read());
        return items;
      }
      default:
        throw new Error(`RESP protocol error: unexpected type byte ${String(type)}`);
    }
  }
}

/** One command in RESP: strings as UTF-8, Buffers byte for byte, numbers as decimal text. */
export function encodeCommand(args: readonly (string | Buffer | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg), 'utf8');
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}
