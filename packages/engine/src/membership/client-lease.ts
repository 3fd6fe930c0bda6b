import { hostname } from 'node:os';

/** What a client writes into its lease, read by migration workers waiting for acknowledgements. */
export interface LeaseRecord {
  /** The newest revision this client routes by, after every older command has finished. */
  readonly revision: number;
  readonly host: string;
  readonly pid: number;
  readonly driver: string;
  readonly since: number;
}

export function parseLease(text: string): LeaseRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object') return undefined;
    const revision = (value as { revision?: unknown }).revision;
    if (typeof revision !== 'number' || !Number.isSafeInteger(revision)) return undefined;
    return value as LeaseRecord;
  } catch {
    return undefined;
  }
}

export type LeaseWriter = (key: string, value: string, leaseMs: number) => Promise<boolean[]>;

export interface ClientLeaseOptions {
  readonly keyPrefix: string;
  readonly clientId: string;
  readonly driver: string;
  readonly leaseMs: number;
  /** Writes the lease on every node; resolves with which writes succeeded. */
  readonly write: LeaseWriter;
}

/**
 * A client's registration in Redis: a key per client on every node, with a TTL. A migration
 * starts only when every unexpired lease shows the migrating revision, so a client that has not
 * switched can never write to the wrong node. The client holds its lease only while renewals
 * succeed: `validUntil` is counted from when the last successful renewal was *sent*, minus a
 * margin, so the client stops serving before any server lets the key expire.
 */
export class ClientLease {
  private readonly options: ClientLeaseOptions;
  private readonly since = Date.now();
  private validUntil = 0;
  private revision = 0;

  constructor(options: ClientLeaseOptions) {
    this.options = options;
  }

  get key(): string {
    return this.options.keyPrefix + this.options.clientId;
  }

  get acknowledged(): number {
    return this.revision;
  }

  isValid(now = Date.now()): boolean {
    return now < this.validUntil;
  }

  /** Renews the lease, acknowledging `revision`. True when at least one node took it. */
  async renew(revision = this.revision): Promise<boolean> {
    const sentAt = Date.now();
    const record: LeaseRecord = { revision, host: hostname(), pid: process.pid, driver: this.options.driver, since: this.since };
    const results = await this.options.write(this.key, JSON.stringify(record), this.options.leaseMs);
    if (!results.some(Boolean)) return false;
    this.revision = Math.max(this.revision, revision);
    const margin = Math.max(500, this.options.leaseMs / 10);
    this.validUntil = Math.max(this.validUntil, sentAt + this.options.leaseMs - margin);
    return true;
  }

  /** Forget the lease (after it lapsed): the client must read the topology again before serving. */
  invalidate(): void {
    this.validUntil = 0;
  }
}
