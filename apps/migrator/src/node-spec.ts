import { redactUrl } from '@shardis/core';
import { UsageError } from './errors.ts';
import { nodeUrlProblem } from './parsers.ts';

export interface NodeInput {
  readonly id: string;
  readonly url: string;
  readonly weight?: number;
}

function weightOf(text: string, where: string): number {
  const weight = Number(text);
  if (text.trim() === '' || !Number.isFinite(weight) || weight <= 0) throw new UsageError(`${where}: weight must be a finite number > 0, got ${JSON.stringify(text)}`);
  return weight;
}

/** Checks a node's url as every client will (core's rules); the message never quotes a password. */
export function checkNodeUrl(id: string, url: string): void {
  if (url.includes('@')) throw new UsageError(`node ${JSON.stringify(id)}: the url must not carry credentials (${redactUrl(url)}); pass --password or SHARDIS_PASSWORD instead`);
  const problem = nodeUrlProblem(url);
  if (problem !== undefined) throw new UsageError(`node ${JSON.stringify(id)}: url ${redactUrl(url)} ${problem}`);
}

/** `id=redis://host:port[,weight=N]`, as `init --node` takes it. */
export function parseNodeSpec(spec: string): NodeInput {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UsageError(`--node ${redactUrl(spec)}: write id=redis://host:port[,weight=N]`);
  const id = spec.slice(0, eq);
  const [url = '', ...extras] = spec.slice(eq + 1).split(',');
  let weight: number | undefined;
  for (const extra of extras) {
    const match = /^weight=(.*)$/.exec(extra);
    if (match === null) throw new UsageError(`--node ${JSON.stringify(id)}: unknown setting ${JSON.stringify(extra.split('=')[0])}; only weight=N may follow the url`);
    weight = weightOf(match[1]!, `--node ${JSON.stringify(id)}`);
  }
  checkNodeUrl(id, url);
  return weight === undefined ? { id, url } : { id, url, weight };
}

/** `id=weight`, as `reweight` takes it. */
export function parseWeightSpec(spec: string): [string, number] {
  const eq = spec.lastIndexOf('=');
  if (eq <= 0) throw new UsageError(`reweight ${JSON.stringify(spec)}: write id=weight, e.g. node-1=2`);
  const id = spec.slice(0, eq);
  return [id, weightOf(spec.slice(eq + 1), `reweight ${JSON.stringify(id)}`)];
}

/**
 * Core names a bad field by its index (`nodes[2].url`); an operator thinks in node ids. Rewrites
 * the message of a validation error with the ids, keeping its code (so the exit code stays 2).
 */
export function nameNodes(error: unknown, ids: readonly string[]): unknown {
  if (!(error instanceof Error)) return error;
  const message = error.message.replace(/nodes\[(\d+)\]/g, (whole, index: string) => {
    const id = ids[Number(index)];
    return id === undefined ? whole : `node ${JSON.stringify(id)}`;
  });
  if (message === error.message) return error;
  const renamed = new Error(message, { cause: error });
  Object.assign(renamed, { code: (error as { code?: unknown }).code, name: error.name });
  return renamed;
}
