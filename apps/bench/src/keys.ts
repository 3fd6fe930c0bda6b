/**
 * The keys every suite uses: `user:<i>:profile`, the shape the issue (and FIELD-NOTES) measured
 * hashring with, so figures compare with those notes.
 */
export function profileKeys(count: number): string[] {
  const keys = new Array<string>(count);
  let checksum = 0;
  for (let i = 0; i < count; i++) {
    const key = `user:${i}:profile`;
    // Template results can be cons-strings that V8 flattens on first character access; touching
    // them here makes every contender see flat strings, not just the ones that run later.
    checksum += key.charCodeAt(key.length - 1);
    keys[i] = key;
  }
  if (checksum === 0 && count > 0) throw new Error('unreachable');
  return keys;
}

/** Node ids as a user would name them; `node-<i>` sorts differently from insertion order on purpose. */
export function nodeIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `node-${i}`);
}
