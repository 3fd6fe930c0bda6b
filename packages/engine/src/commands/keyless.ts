import type { CommandSpec } from './command-table.ts';

/**
 * What to do with a command that names no key. Redis 7 says it in each command's tips
 * (`request_policy:all_shards`, `response_policy:agg_sum`…), the same hints Redis Cluster clients
 * follow, so nothing here is a hand-kept list of commands except the few that change connection
 * state, which a shared, sharded connection cannot honour.
 */
export type KeylessPolicy =
  | { readonly kind: 'reject'; readonly reason: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'all'; readonly combine: Combine };

export type Combine =
  | 'sum'
  | 'min'
  | 'max'
  | 'and'
  | 'or'
  | 'all-succeeded'
  | 'one-succeeded'
  | 'concat'
  | 'random'
  | 'per-node';

const CONNECTION_STATE: Readonly<Record<string, string>> = {
  select: 'set the database with the `db` option (or the node url); SELECT would change one shared connection',
  auth: 'give credentials in the client options; they apply to every node',
  hello: 'the protocol version is the client library option',
  multi: 'use multi() / the transaction API, which keeps a transaction on one node',
  exec: 'use multi() / the transaction API',
  discard: 'use multi() / the transaction API',
  watch: 'WATCH needs a dedicated connection; use the client library directly on the owning node',
  unwatch: 'WATCH needs a dedicated connection',
  subscribe: 'subscribe on a dedicated client; the sharded client routes data commands',
  psubscribe: 'subscribe on a dedicated client',
  ssubscribe: 'subscribe on a dedicated client',
  unsubscribe: 'subscribe on a dedicated client',
  punsubscribe: 'subscribe on a dedicated client',
  sunsubscribe: 'subscribe on a dedicated client',
  monitor: 'MONITOR takes over a connection; run it against one node',
  quit: 'use quit() on the client',
  reset: 'RESET would reset one shared connection',
  'client|setname': 'connection names are set per node by the adapter',
  'client|reply': 'CLIENT REPLY would desynchronise a shared connection',
  'client|tracking': 'client-side caching needs a dedicated connection',
};

export function keylessPolicy(spec: CommandSpec): KeylessPolicy {
  const reason = CONNECTION_STATE[spec.name];
  if (reason !== undefined) return { kind: 'reject', reason };
  let request = '';
  let response = '';
  for (const tip of spec.tips) {
    if (tip.startsWith('request_policy:')) request = tip.slice('request_policy:'.length);
    else if (tip.startsWith('response_policy:')) response = tip.slice('response_policy:'.length);
  }
  if (request !== 'all_shards' && request !== 'all_nodes') return { kind: 'any' };
  return { kind: 'all', combine: combineFor(response, spec) };
}

function combineFor(response: string, spec: CommandSpec): Combine {
  switch (response) {
    case 'agg_sum':
      return 'sum';
    case 'agg_min':
      return 'min';
    case 'agg_max':
      return 'max';
    case 'agg_logical_and':
      return 'and';
    case 'agg_logical_or':
      return 'or';
    case 'all_succeeded':
      return 'all-succeeded';
    case 'one_succeeded':
      return 'one-succeeded';
    case 'special':
      // RANDOMKEY is the one "special" whose combination is obvious; INFO, MEMORY STATS,
      // LATENCY… are per node by nature.
      return spec.name === 'randomkey' ? 'random' : 'per-node';
    default:
      // No response policy: Redis's guidance is to merge array replies (KEYS).
      return spec.tips.includes('nondeterministic_output_order') ? 'concat' : 'per-node';
  }
}
