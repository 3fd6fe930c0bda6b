import type { Combine } from '../commands/keyless.ts';
import { isControlKey } from '../topology/control-keys.ts';
import type { Reply } from '../port.ts';
import { replyInteger } from '../reply.ts';

/**
 * Replies of one keyless command sent to every node, combined as the command's response policy
 * says. Where there is no obvious combination the caller gets an object keyed by node id.
 */
export type PerNodeReplies = Record<string, Reply>;

export function combineReplies(combine: Combine, nodes: readonly string[], replies: ReadonlyArray<Reply | Error>): Reply | PerNodeReplies | Error {
  if (combine === 'per-node') {
    const result: PerNodeReplies = Object.create(null) as PerNodeReplies;
    for (let i = 0; i < nodes.length; i++) {
      const reply = replies[i];
      if (reply instanceof Error) return reply;
      result[nodes[i]!] = reply ?? null;
    }
    return result;
  }
  if (combine === 'one-succeeded') {
    const success = replies.find((reply) => !(reply instanceof Error));
    return success === undefined ? (replies[0] as Error) : success;
  }
  const failure = replies.find((reply): reply is Error => reply instanceof Error);
  if (failure !== undefined) return failure;
  const values = replies as readonly Reply[];
  switch (combine) {
    case 'sum':
      return values.reduce<number>((total, reply) => total + replyInteger(reply), 0);
    case 'min':
      return Math.min(...values.map((reply) => replyInteger(reply)));
    case 'max':
      return Math.max(...values.map((reply) => replyInteger(reply)));
    case 'and':
    case 'or':
      return elementwise(values, combine);
    case 'all-succeeded':
      return values[0] ?? null;
    case 'concat':
      return values.flatMap((reply) => (Array.isArray(reply) ? reply.filter((item) => !isKeyReply(item) || !isControlKey(item)) : []));
    case 'random': {
      const present = values.filter((reply) => reply !== null && !(isKeyReply(reply) && isControlKey(reply)));
      return present.length === 0 ? null : present[Math.floor(Math.random() * present.length)]!;
    }
  }
}

function isKeyReply(reply: Reply): reply is Buffer | string {
  return typeof reply === 'string' || Buffer.isBuffer(reply);
}

/** SCRIPT EXISTS: a script exists cluster-wide only if every node has it. */
function elementwise(values: readonly Reply[], combine: 'and' | 'or'): Reply {
  if (!Array.isArray(values[0])) {
    const bits = values.map((reply) => replyInteger(reply) !== 0);
    return Number(combine === 'and' ? bits.every(Boolean) : bits.some(Boolean));
  }
  const length = values[0].length;
  const result: number[] = [];
  for (let i = 0; i < length; i++) {
    const bits = values.map((reply) => Array.isArray(reply) && replyInteger(reply[i]) !== 0);
    result.push(Number(combine === 'and' ? bits.every(Boolean) : bits.some(Boolean)));
  }
  return result;
}
