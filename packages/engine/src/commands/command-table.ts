import type { Reply } from '../port.ts';
import { replyInteger, replyMap, replyText } from '../reply.ts';

/** How the first key of a key spec is found (Redis 7 key specs, `COMMAND DOCS`/`COMMAND INFO`). */
export type BeginSearch =
  | { readonly type: 'index'; readonly index: number }
  | { readonly type: 'keyword'; readonly keyword: string; readonly startFrom: number }
  | { readonly type: 'unknown' };

/** How the keys that follow the first are found. */
export type FindKeys =
  | { readonly type: 'range'; readonly lastKey: number; readonly keyStep: number; readonly limit: number }
  | { readonly type: 'keynum'; readonly keyNumIndex: number; readonly firstKey: number; readonly keyStep: number }
  | { readonly type: 'unknown' };

export interface KeySpec {
  readonly beginSearch: BeginSearch;
  readonly findKeys: FindKeys;
  /** Spec flags: `RO`, `RW`, `OW`, `RM`, `incomplete`, `not_key`, `variable_flags`… */
  readonly flags: ReadonlySet<string>;
}

/** One command (or subcommand) as the server describes itself. */
export interface CommandSpec {
  /** Lower case; subcommands as `container|sub`, e.g. `client|kill`. */
  readonly name: string;
  readonly arity: number;
  /** `readonly`, `write`, `noscript`, `blocking`, `movablekeys`, `pubsub`… */
  readonly flags: ReadonlySet<string>;
  readonly keySpecs: readonly KeySpec[];
  /** Legacy first/last/step, used when a server predates key specs (Redis < 7). */
  readonly legacyRange: { readonly first: number; readonly last: number; readonly step: number };
  readonly subcommands: ReadonlyMap<string, CommandSpec>;
  /** The server's tips (`request_policy:all_shards`, `response_policy:agg_sum`…). */
  readonly tips: readonly string[];
}

function parseBeginSearch(reply: Reply | undefined): BeginSearch {
  const map = replyMap(reply);
  const type = replyText(map.get('type'));
  const spec = replyMap(map.get('spec'));
  if (type === 'index') return { type, index: replyInteger(spec.get('index')) };
  if (type === 'keyword') {
    return { type, keyword: replyText(spec.get('keyword')).toLowerCase(), startFrom: replyInteger(spec.get('startfrom')) };
  }
  return { type: 'unknown' };
}

function parseFindKeys(reply: Reply | undefined): FindKeys {
  const map = replyMap(reply);
  const type = replyText(map.get('type'));
  const spec = replyMap(map.get('spec'));
  if (type === 'range') {
    return {
      type,
      lastKey: replyInteger(spec.get('lastkey')),
      keyStep: replyInteger(spec.get('keystep')),
      limit: replyInteger(spec.get('limit')),
    };
  }
  if (type === 'keynum') {
    return {
      type,
      keyNumIndex: replyInteger(spec.get('keynumidx')),
      firstKey: replyInteger(spec.get('firstkey')),
      keyStep: replyInteger(spec.get('keystep')),
    };
  }
  return { type: 'unknown' };
}

function parseKeySpec(reply: Reply): KeySpec {
  const map = replyMap(reply);
  const flags = map.get('flags');
  return {
    beginSearch: parseBeginSearch(map.get('begin_search')),
    findKeys: parseFindKeys(map.get('find_keys')),
    flags: new Set(Array.isArray(flags) ? flags.map((flag) => replyText(flag)) : []),
  };
}

function textList(reply: Reply | undefined): string[] {
  return Array.isArray(reply) ? reply.map((item) => replyText(item).toLowerCase()) : [];
}

/** Parses one entry of a `COMMAND` / `COMMAND INFO` reply. */
export function parseCommandEntry(entry: Reply): CommandSpec | undefined {
  if (!Array.isArray(entry) || entry.length < 6) return undefined;
  const name = replyText(entry[0]).toLowerCase();
  const keySpecs = Array.isArray(entry[8]) ? entry[8].map(parseKeySpec) : [];
  const subcommands = new Map<string, CommandSpec>();
  if (Array.isArray(entry[9])) {
    for (const sub of entry[9]) {
      const spec = parseCommandEntry(sub);
      // Redis names subcommands "container|sub"; index them by the part after the bar.
      if (spec !== undefined) subcommands.set(spec.name.slice(spec.name.indexOf('|') + 1), spec);
    }
  }
  return {
    name,
    arity: replyInteger(entry[1]),
    flags: new Set(textList(entry[2])),
    legacyRange: { first: replyInteger(entry[3]), last: replyInteger(entry[4]), step: replyInteger(entry[5]) },
    keySpecs,
    subcommands,
    tips: textList(entry[7]),
  };
}

/**
 * The server's command table, fetched once with `COMMAND` and shared by every node (all nodes of a
 * cluster run the same Redis). Lookups try the exact argument first, then its lower-case form,
 * and remember both so the hot path costs one Map lookup.
 */
export class CommandTable {
  private readonly commands = new Map<string, CommandSpec>();

  constructor(reply: Reply) {
    if (!Array.isArray(reply)) return;
    for (const entry of reply) {
      const spec = parseCommandEntry(entry);
      if (spec !== undefined) this.commands.set(spec.name, spec);
    }
  }

  get size(): number {
    return this.commands.size;
  }

  /** The spec for a command name as the user wrote it (any case), or undefined if unknown. */
  get(name: string): CommandSpec | undefined {
    const exact = this.commands.get(name);
    if (exact !== undefined) return exact;
    const lower = name.toLowerCase();
    const spec = this.commands.get(lower);
    if (spec !== undefined && lower !== name && this.commands.size < 4096) this.commands.set(name, spec);
    return spec;
  }

  /** The spec that applies to `args`: the subcommand's when the command is a container. */
  resolve(name: string, subcommand: string | undefined): CommandSpec | undefined {
    const spec = this.get(name);
    if (spec === undefined || spec.subcommands.size === 0 || subcommand === undefined) return spec;
    return spec.subcommands.get(subcommand.toLowerCase()) ?? spec;
  }
}
