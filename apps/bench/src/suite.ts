import type { TopLevelSpec } from 'vega-lite';
import type { MachineInfo } from './machine.ts';

/** A Markdown table: cells are already formatted text. */
export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Lines printed under the table: what a column means, skipped cells and why. */
  readonly notes?: readonly string[];
}

/** A chart: a Vega-Lite spec rendered to `<file>.svg` in the output folder. */
export interface Chart {
  readonly file: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

export interface SuiteReport {
  readonly suite: string;
  readonly title: string;
  /** The command that reproduces every figure of this report. */
  readonly reproduce: string;
  /** What is and is not measured, in a few sentences. */
  readonly method: readonly string[];
  readonly tables: readonly Table[];
  readonly charts: readonly Chart[];
  /** Raw figures, written to `<suite>.json` for anyone who wants to plot them differently. */
  readonly data: unknown;
}

export interface SuiteContext {
  readonly quick: boolean;
  readonly machine: MachineInfo;
  /** Overrides from the command line (`--keys`, `--nodes`), for trying sizes by hand. */
  readonly keys?: number;
  readonly nodes?: readonly number[];
  log(message: string): void;
}

export interface Suite {
  readonly name: string;
  readonly title: string;
  /** `redis` suites start redis-server processes (and stop every one they start). */
  readonly needs: 'nothing' | 'redis';
  run(context: SuiteContext): Promise<SuiteReport>;
}

/** Thrown when contenders that claim the same result disagree: the run must not publish timings. */
export class AgreementError extends Error {
  override readonly name = 'AgreementError';
}
