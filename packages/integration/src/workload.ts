import { setTimeout as sleep } from 'node:timers/promises';

/** What the history checker needs from a sharded client, over each adapter's native API. */
export interface WorkloadClient {
  readonly name: string;
  incr(key: string): Promise<unknown>;
  rpush(key: string, value: string): Promise<unknown>;
  set(key: string, value: string, pxMs?: number): Promise<unknown>;
  hset(key: string, field: string, value: string): Promise<unknown>;
  sadd(key: string, member: string): Promise<unknown>;
  zadd(key: string, score: number, member: string): Promise<unknown>;
  xadd(key: string, field: string, value: string): Promise<string>;
  /** INCR on several keys in one MULTI/EXEC (the keys share a hash tag). */
  multiIncr(keys: readonly string[]): Promise<unknown>;
  quit(): Promise<void>;
}

/** Outcome of one operation, as the client saw it. */
export type Outcome = 'ok' | 'not-applied' | 'unknown';

export interface Op {
  readonly client: string;
  readonly kind: 'incr' | 'rpush' | 'set' | 'hset' | 'sadd' | 'zadd' | 'xadd' | 'multi';
  readonly key: string;
  readonly keys?: readonly string[];
  readonly value: string;
  /** For SET with a TTL: when it was sent and the TTL, to check the TTL survived. */
  readonly sentAt: number;
  /** When the reply (or error) arrived. */
  doneAt?: number;
  readonly pxMs?: number;
  /** For XADD: the id the server gave. */
  id?: string;
  outcome: Outcome;
  error?: string;
}

export interface WorkloadOptions {
  /** Distinct keys per data type. @default 40 */
  readonly keysPerType?: number;
  /** Pause between operations of one client, ms (0 = as fast as it goes). @default 0 */
  readonly pauseMs?: number;
}

const NOT_APPLIED: ReadonlySet<string> = new Set(['ERR_TRYAGAIN', 'ERR_LEASE_EXPIRED']);

function classify(error: unknown): Outcome {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && NOT_APPLIED.has(code) ? 'not-applied' : 'unknown';
}

/**
 * One client's share of the history: a loop of random operations over every data type, each
 * write unique so the checker can tell whether it is present exactly once. Runs until stopped.
 */
export async function runWorkload(client: WorkloadClient, history: Op[], stop: AbortSignal, options: WorkloadOptions = {}): Promise<void> {
  const n = options.keysPerType ?? 40;
  let seq = 0;
  while (!stop.aborted) {
    seq++;
    const value = `${client.name}:${seq}`;
    const pick = Math.floor(Math.random() * n);
    const roll = Math.random();
    let op: Op;
    let run: () => Promise<unknown>;
    if (roll < 0.2) {
      op = { client: client.name, kind: 'incr', key: `ctr:${pick}`, value, sentAt: Date.now(), outcome: 'unknown' };
      run = () => client.incr(op.key);
    } else if (roll < 0.35) {
      op = { client: client.name, kind: 'rpush', key: `list:${pick}`, value, sentAt: Date.now(), outcome: 'unknown' };
      run = () => client.rpush(op.key, value);
    } else if (roll < 0.5) {
      // Strings have one writer each, so "the last acknowledged version" is well defined.
      const ttl = pick % 4 === 0 ? 600_000 : undefined;
      op = { client: client.name, kind: 'set', key: `str:${client.name}:${pick}`, value, sentAt: Date.now(), outcome: 'unknown', ...(ttl === undefined ? {} : { pxMs: ttl }) };
      run = () => client.set(op.key, value, ttl);
    } else if (roll < 0.6) {
      op = { client: client.name, kind: 'hset', key: `hash:${pick}`, value, sentAt: Date.now(), outcome: 'unknown' };
      run = () => client.hset(op.key, value, String(seq));
    } else if (roll < 0.7) {
      op = { client: client.name, kind: 'sadd', key: `set:${pick}`, value, sentAt: Date.now(), outcome: 'unknown' };
      run = () => client.sadd(op.key, value);
    } else if (roll < 0.8) {
      op = { client: client.name, kind: 'zadd', key: `zset:${pick}`, value, sentAt: Date.now(), outcome: 'unknown' };
      run = () => client.zadd(op.key, seq, value);
    } else if (roll < 0.9) {
      op = { client: client.name, kind: 'xadd', key: `stream:${pick}`, value, sentAt: Date.now(), outcome: 'unknown' };
      run = async () => {
        op.id = await client.xadd(op.key, 'v', value);
      };
    } else {
      const keys = [`{acct:${pick}}:a`, `{acct:${pick}}:b`];
      op = { client: client.name, kind: 'multi', key: keys[0]!, keys, value, sentAt: Date.now(), outcome: 'unknown' };
      run = () => client.multiIncr(keys);
    }
    history.push(op);
    try {
      await run();
      op.outcome = 'ok';
    } catch (error) {
      op.outcome = classify(error);
      op.error = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
    }
    op.doneAt = Date.now();
    // A client that refuses commands (lease lapsed, node down) fails fast: don't spin.
    if (op.outcome !== 'ok') await sleep(20);
    else if (options.pauseMs !== undefined && options.pauseMs > 0) await sleep(options.pauseMs);
    else if (seq % 50 === 0) await sleep(0);
  }
}
