import type { ConnectedClient } from '../clients/index.ts';

/**
 * The contract of the migration suite: a set-up that holds `keys` keys and can move about
 * `share` of them to another node, with a client for the load that runs during the move.
 */
export interface MigrationSizes {
  /** Keys written before the move, `bench:0`…, each `valueBytes` long. */
  readonly keys: number;
  readonly valueBytes: number;
  /** Share of the keys the move relocates: 1/3 (a third node joins two; one master's slots go to another). */
  readonly share: number;
}

export interface PreparedMigration {
  /** A client of this set-up for the concurrent load (auto-pipelined, the hard case for redirects). */
  readonly client: ConnectedClient;
  /** Runs the move to completion; resolves with the number of keys that changed node. */
  migrate(): Promise<{ readonly moved: number }>;
  /** Closes the client and stops every server this set-up started. */
  stop(): Promise<void>;
}

export interface MigrationContender {
  readonly name: string;
  /** One line: what moves, how. */
  readonly description: string;
  prepare(sizes: MigrationSizes): Promise<PreparedMigration>;
}
