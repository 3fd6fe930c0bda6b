import { DEFAULT_TOPOLOGY_LIMITS } from '@shardis/core';
import { TopologyRejectedError } from '../errors.ts';
import { TopologyKeyring, type SignatureCheck } from './topology-key.ts';

/** Starts every signed state message; a new message format gets a new prefix (and `v2:` signatures). */
export const STATE_MESSAGE_PREFIX = 'shardis/state/v1\n';

/**
 * Fields the signature does not cover: the signature itself, and `writer`, the compare-and-set
 * token the write script adds on the server (clients never act on it).
 */
export const UNSIGNED_STATE_FIELDS: ReadonlySet<string> = new Set(['signature', 'writer']);

/** More fields than any state has; a hash with more is refused before anything is hashed. */
const MAX_FIELDS = 256;
/** Target and source topologies at their size limit, plus the small fields. */
const MAX_STATE_CHARS = 2 * DEFAULT_TOPOLOGY_LIMITS.maxBytes + 64 * 1024;

/**
 * The exact bytes a state signature covers: the UTF-8 bytes of
 *
 *     "shardis/state/v1\n" + JCS({ field: value, … })
 *
 * where the object holds every field of the state hash except `signature` and `writer`, values as
 * the strings Redis stores (`params`, `nodes` and `source` are themselves canonical JSON text), and
 * JCS is RFC 8785: members sorted by the UTF-16 code units of their names, no whitespace, strings
 * escaped as `JSON.stringify` does. So the signature covers the whole document a client acts on —
 * revision, mode, cluster, target topology with its epoch, source topology — and any field a
 * later version adds; a field that is absent is absent from the object.
 */
export function stateMessage(fields: Readonly<Record<string, string>>): Buffer {
  const names = Object.keys(fields).filter((name) => !UNSIGNED_STATE_FIELDS.has(name)).sort();
  const members = names.map((name) => `${JSON.stringify(name)}:${JSON.stringify(fields[name])}`);
  return Buffer.from(`${STATE_MESSAGE_PREFIX}{${members.join(',')}}`, 'utf8');
}

const FAILURES: Record<Exclude<SignatureCheck, 'valid'>, string> = {
  unsigned: 'the document is not signed, and this process requires signed topologies (topologyKey)',
  malformed: 'the signature field is malformed (expected v1:<key id>:<64 hex digits>)',
  'unknown-key': 'the document is signed with a key this process does not hold',
  'bad-signature': 'the signature does not match the document (altered, forged, or an old document with a new revision)',
};

function checkSize(fields: Readonly<Record<string, string>>): void {
  const names = Object.keys(fields);
  if (names.length > MAX_FIELDS) throw new TopologyRejectedError(`the state hash has ${names.length} fields, more than ${MAX_FIELDS}`);
  let chars = 0;
  for (const name of names) {
    const value = fields[name];
    if (typeof value !== 'string') throw new TopologyRejectedError('a field of the state hash is not a string');
    chars += name.length + value.length;
    if (chars > MAX_STATE_CHARS) throw new TopologyRejectedError(`the state hash is larger than ${MAX_STATE_CHARS} characters`);
  }
}

/**
 * The verifier and signer of `topologyKey`. Verification runs before the document is decoded, so
 * an unsigned or forged document — a 10,000-node one included — costs one bounded HMAC, never a
 * placement build. Messages name key ids, never keys or field values.
 */
export function stateSigning(keyring: TopologyKeyring): {
  verify(fields: Readonly<Record<string, string>>): void;
  sign(fields: Readonly<Record<string, string>>): Record<string, string>;
} {
  return {
    verify(fields) {
      checkSize(fields);
      const signature = Object.hasOwn(fields, 'signature') ? fields['signature'] : undefined;
      const result = keyring.check(stateMessage(fields), signature);
      if (result === 'valid') return;
      const reason = result === 'unknown-key' ? `${FAILURES[result]} (it names key ${signature!.slice(3, 11)}; this process holds ${keyring.keyIds.join(', ')})` : FAILURES[result];
      throw new TopologyRejectedError(reason, { kind: result === 'malformed' ? 'bad-signature' : result });
    },
    sign(fields) {
      const unsigned = Object.fromEntries(Object.entries(fields).filter(([name]) => !UNSIGNED_STATE_FIELDS.has(name)));
      return { ...unsigned, signature: keyring.sign(stateMessage(unsigned)) };
    },
  };
}
