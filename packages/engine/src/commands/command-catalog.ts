import type { CommandArgs, Reply } from '../port.ts';
import { argText } from '../reply.ts';
import { CommandTable, type CommandSpec } from './command-table.ts';
import { keyPositions } from './key-positions.ts';
import { keylessPolicy, type KeylessPolicy } from './keyless.ts';

/** Sends a command to some node that answers; the catalog does not care which. */
export type AnyNodeSender = (args: CommandArgs) => Promise<Reply>;

/** What routing needs to know about one command. */
export interface CommandInfo {
  readonly spec: CommandSpec;
  readonly keyless: KeylessPolicy;
  readonly readonly: boolean;
  readonly blocking: boolean;
  /** Scripts (EVAL*, FCALL*) cannot be run inside the migration guard and are handled apart. */
  readonly script: boolean;
  /** MGET, MSET, DEL, UNLINK, EXISTS, TOUCH: split per node and merged. */
  readonly splittable: boolean;
  /**
   * Key positions that do not depend on the arguments (GET, SET, HSET… : one index spec with a
   * fixed range), valid whenever the command has more arguments than the last position. Saves
   * interpreting the key specs on every call of the hot path.
   */
  readonly fixedPositions: readonly number[] | undefined;
}

const SPLITTABLE: ReadonlySet<string> = new Set(['mget', 'mset', 'del', 'unlink', 'exists', 'touch']);
const SCRIPTS: ReadonlySet<string> = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

/**
 * Redis's own command metadata (`COMMAND`), loaded once from any node and shared by every routing
 * decision, so routing knows every command the server knows, module commands included.
 */
export class CommandCatalog {
  private table: CommandTable | undefined;
  private loading: Promise<void> | undefined;
  private readonly infos = new WeakMap<CommandSpec, CommandInfo>();
  private readonly sendAny: AnyNodeSender;

  constructor(sendAny: AnyNodeSender) {
    this.sendAny = sendAny;
  }

  get loaded(): boolean {
    return this.table !== undefined;
  }

  load(): Promise<void> {
    this.loading ??= this.sendAny(['COMMAND']).then(
      (reply) => {
        this.table = new CommandTable(reply);
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  /** The command's info, or undefined when the server does not know the command. */
  info(args: CommandArgs): CommandInfo | undefined {
    const table = this.table;
    if (table === undefined) throw new Error('command table not loaded');
    const spec = table.resolve(argText(args[0]), args.length > 1 ? argText(args[1]) : undefined);
    if (spec === undefined) return undefined;
    let info = this.infos.get(spec);
    if (info === undefined) {
      const container = spec.name.split('|')[0]!;
      info = {
        spec,
        keyless: keylessPolicy(spec),
        readonly: spec.flags.has('readonly'),
        blocking: spec.flags.has('blocking'),
        script: SCRIPTS.has(container),
        splittable: SPLITTABLE.has(spec.name),
        fixedPositions: fixedPositions(spec),
      };
      this.infos.set(spec, info);
    }
    return info;
  }

  /**
   * Positions of the keys in `args`: from the key specs when they suffice, otherwise from the
   * server (`COMMAND GETKEYS`), which is exact for every command including SORT … BY/GET.
   */
  keyPositions(info: CommandInfo, args: CommandArgs): readonly number[] | Promise<number[]> {
    const fixed = info.fixedPositions;
    if (fixed !== undefined && args.length > fixed[fixed.length - 1]!) return fixed;
    const positions = keyPositions(info.spec, args);
    if (positions !== undefined) return positions;
    return this.sendAny(['COMMAND', 'GETKEYS', ...args]).then(
      (reply) => matchPositions(args, Array.isArray(reply) ? reply : []),
      // "Invalid arguments" or "no keys": let the command itself report it.
      () => [],
    );
  }
}

/** GETKEYS answers with key names; turn them back into positions (first unused match wins). */
function matchPositions(args: CommandArgs, keys: Reply[]): number[] {
  const used = new Set<number>();
  const positions: number[] = [];
  for (const key of keys) {
    const name = argText(key as Buffer | string);
    for (let i = 1; i < args.length; i++) {
      if (!used.has(i) && argText(args[i]) === name) {
        used.add(i);
        positions.push(i);
        break;
      }
    }
  }
  return positions.sort((a, b) => a - b);
}

function fixedPositions(spec: CommandSpec): readonly number[] | undefined {
  const specs = spec.keySpecs.filter((keySpec) => !keySpec.flags.has('not_key'));
  if (specs.length !== 1 || spec.flags.has('movablekeys')) return undefined;
  const { beginSearch, findKeys, flags } = specs[0]!;
  if (flags.has('incomplete') || beginSearch.type !== 'index' || findKeys.type !== 'range' || findKeys.lastKey < 0 || findKeys.keyStep <= 0) return undefined;
  const positions: number[] = [];
  for (let i = beginSearch.index; i <= beginSearch.index + findKeys.lastKey; i += findKeys.keyStep) positions.push(i);
  return Object.freeze(positions);
}
