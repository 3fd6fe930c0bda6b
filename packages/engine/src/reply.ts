import type { RedisArg, Reply } from './port.ts';

/** A bulk or status reply as text (UTF-8). */
export function replyText(reply: Reply | undefined): string {
  if (typeof reply === 'string') return reply;
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  if (typeof reply === 'number') return String(reply);
  return '';
}

export function replyInteger(reply: Reply | undefined): number {
  if (typeof reply === 'number') return reply;
  const value = Number(replyText(reply));
  return Number.isFinite(value) ? value : 0;
}

/** RESP2 sends maps as flat [key, value, …] arrays. */
export function replyMap(reply: Reply | undefined): Map<string, Reply> {
  const map = new Map<string, Reply>();
  if (!Array.isArray(reply)) return map;
  for (let i = 0; i + 1 < reply.length; i += 2) map.set(replyText(reply[i]), reply[i + 1] ?? null);
  return map;
}

/** An argument as text, for command names and keywords. */
export function argText(arg: RedisArg | undefined): string {
  if (arg === undefined) return '';
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'number') return String(arg);
  return arg.toString('utf8');
}

/** An argument as the bytes Redis receives. */
export function argBuffer(arg: RedisArg): Buffer {
  if (Buffer.isBuffer(arg)) return arg;
  return Buffer.from(typeof arg === 'number' ? String(arg) : arg, 'utf8');
}

/** The server error's first word (`MOVED`, `TRYAGAIN`, `NOSCRIPT`…), or '' for non-server errors. */
export function errorCode(error: unknown): string {
  if (!(error instanceof Error)) return '';
  const message = error.message;
  const space = message.indexOf(' ');
  const word = space === -1 ? message : message.slice(0, space);
  return /^[A-Z]+$/.test(word) ? word : '';
}
