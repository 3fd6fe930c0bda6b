import { UsageError } from './errors.ts';
import { quote } from './parsers.ts';

type Token = { readonly kind: 'star' } | { readonly kind: 'one'; readonly test: (c: number) => boolean };

const ANY: Token = { kind: 'one', test: () => true };

/**
 * A Redis glob (the syntax of ACL key and channel patterns: `*`, `?`, `[abc]`, `[^a-z]`, `\x`) as
 * tokens over bytes. Where Redis's reading is unusual (an unclosed `[`), the token matches
 * anything: a check built on this errs on the side of refusing.
 */
function tokens(pattern: string): Token[] {
  const bytes = Buffer.from(pattern, 'utf8');
  const out: Token[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x2a /* * */) out.push({ kind: 'star' });
    else if (c === 0x3f /* ? */) out.push(ANY);
    else if (c === 0x5c /* \ */ && i + 1 < bytes.length) {
      const next = bytes[++i]!;
      out.push({ kind: 'one', test: (x) => x === next });
    } else if (c === 0x5b /* [ */) {
      const close = bytes.indexOf(0x5d, i + 2);
      if (close === -1) {
        out.push({ kind: 'star' });
        break;
      }
      const negate = bytes[i + 1] === 0x5e;
      const body = bytes.subarray(negate ? i + 2 : i + 1, close);
      const ranges: Array<[number, number]> = [];
      for (let j = 0; j < body.length; j++) {
        const lo = body[j] === 0x5c && j + 1 < body.length ? body[++j]! : body[j]!;
        if (body[j + 1] === 0x2d && j + 2 < body.length) {
          const hi = body[j + 2]!;
          ranges.push(lo <= hi ? [lo, hi] : [hi, lo]);
          j += 2;
        } else ranges.push([lo, lo]);
      }
      out.push({ kind: 'one', test: (x) => ranges.some(([lo, hi]) => x >= lo && x <= hi) !== negate });
      i = close;
    } else out.push({ kind: 'one', test: (x) => x === c });
  }
  return out;
}

/** Whether `pattern` matches some string that starts with `prefix` (an NFA run over the prefix). */
export function globReachesPrefix(pattern: string, prefix: string): boolean {
  const pattern_ = tokens(pattern);
  const closure = (states: Set<number>) => {
    for (const state of states) if (pattern_[state]?.kind === 'star') states.add(state + 1);
    return states;
  };
  let states = closure(new Set([0]));
  for (const c of Buffer.from(prefix, 'utf8')) {
    const next = new Set<number>();
    for (const state of states) {
      const token = pattern_[state];
      if (token === undefined) continue;
      if (token.kind === 'star') next.add(state);
      else if (token.test(c)) next.add(state + 1);
    }
    states = closure(next);
    if (states.size === 0) return false;
  }
  return states.size > 0;
}

/**
 * Checks the patterns an application user is given: one ACL argument each (no spaces, control
 * characters or parentheses, which would end a selector), and none that also matches shardis's
 * control keys or channels, which the application must not write or publish on.
 */
export function checkAclPatterns(patterns: readonly string[], option: string, controlPrefix: string): void {
  for (const pattern of patterns) {
    if (pattern === '' || pattern.length > 512) throw new UsageError(`${option} ${quote(pattern)}: a pattern is 1 to 512 characters`);
    // eslint-disable-next-line no-control-regex
    if (/[\s\x00-\x1f\x7f()]/.test(pattern)) throw new UsageError(`${option} ${quote(pattern)}: a pattern cannot hold spaces, control characters or parentheses (they split ACL rules)`);
    if (globReachesPrefix(pattern, controlPrefix)) {
      throw new UsageError(`${option} ${quote(pattern)} also matches shardis's own keys and channels (${controlPrefix}…), which the application user must not write or publish on; name your own prefixes (app:*), or leave ${option} out for everything outside ${controlPrefix}`);
    }
  }
}
