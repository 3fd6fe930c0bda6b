/**
 * String methods for hot paths, called through references cached at load time. Once any
 * `class … extends String` exists in the process — node-redis defines one (`VerbatimString`) —
 * V8 stops taking its fast path for `text.charCodeAt(i)` and `text.indexOf(c)` on primitive
 * strings (measured here: 8× slower per character, 2.5× per indexOf), while the same builtins
 * called with `.call` keep it. So core never calls these as methods where it hashes keys.
 */
const charCodeAtBuiltin = String.prototype.charCodeAt;
const indexOfBuiltin = String.prototype.indexOf;

export function charCodeAt(text: string, index: number): number {
  return charCodeAtBuiltin.call(text, index);
}

export function indexOf(text: string, search: string, from: number): number {
  return indexOfBuiltin.call(text, search, from);
}
