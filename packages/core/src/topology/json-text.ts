import { InvalidTopologyError } from '../errors.ts';

/** `ignoreBOM` keeps a byte-order mark in the text, so JSON.parse rejects it as it does in a string. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 length of `text` without encoding it; a lone surrogate counts as the 3 bytes of U+FFFD. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Turns bytes into text, checking the size first so a huge buffer is never decoded. */
export function textOf(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    // Every UTF-16 code unit is at least one UTF-8 byte: the cheap test first, the exact one after.
    if (input.length > maxBytes || utf8Length(input) > maxBytes) throw tooLarge(maxBytes);
    return input;
  }
  if (!(input instanceof Uint8Array)) throw new InvalidTopologyError('$', 'must be a string or a Uint8Array');
  if (input.byteLength > maxBytes) throw tooLarge(maxBytes);
  try {
    return utf8.decode(input);
  } catch (error) {
    throw new InvalidTopologyError('$', 'is not valid UTF-8', { cause: error });
  }
}

function tooLarge(maxBytes: number): InvalidTopologyError {
  return new InvalidTopologyError('$', `larger than the limit of ${maxBytes} bytes (raise maxBytes if this is expected)`);
}

/**
 * Rejects nesting deeper than `maxDepth` before `JSON.parse` sees the text: V8's parser recurses
 * per level and overflows the stack at a few thousand levels. Brackets inside strings are skipped;
 * the scan agrees with the parser on every prefix that is valid JSON, and the parser stops at the
 * first byte that is not. `baseDepth` is the depth at which the text sits inside a document.
 */
export function checkDepth(text: string, maxDepth: number, field: string, baseDepth = 0): void {
  let depth = baseDepth;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c /* \ */) i++;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (++depth > maxDepth) throw new InvalidTopologyError(field, `nested deeper than ${maxDepth} levels`);
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      depth--;
    }
  }
}

/** `JSON.parse` with the depth check first and a typed error; the parser's own message is the cause. */
export function parseJson(text: string, maxDepth: number, field: string, baseDepth = 0): unknown {
  if (text.trim() === '') throw new InvalidTopologyError(field, 'is empty');
  checkDepth(text, maxDepth, field, baseDepth);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // The parser quotes part of the text; it stays in `cause` and out of the message, which is logged.
    throw new InvalidTopologyError(field, 'is not valid JSON', { cause: error });
  }
}
