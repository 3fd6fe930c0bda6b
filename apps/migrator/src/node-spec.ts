import { redactUrl } from '@shardis/core';
import { UsageError } from './errors.ts';
import { nodeUrlProblem, quote, weightProblem } from './parsers.ts';

export interface NodeInput {
  readonly id: string;
  readonly url: string;
  readonly weight?: number;
}

/** Names that are an object's own machinery: a tool that keeps nodes in a plain object by id would break on them. */
const RESERVED_IDS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuses the ids no node should have; core checks the rest (length, control characters) with the topology. */
export function checkNodeId(id: string, where: string): void {
  if (RESERVED_IDS.has(id)) throw new UsageError(`${where}: node id ${quote(id)} is reserved (tools that keep nodes in plain objects break on it); pick another`);
}

function weightOf(text: string, where: string): number {
  const problem = weightProblem(text);
  if (problem !== undefined) throw new UsageError(`${where}: ${problem}`);
  return Number(text.trim());
}

/** Checks a node's url as every client will (core's rules); the message never quotes a password. */
export function checkNodeUrl(id: string, url: string): void {
  checkNodeId(id, `node ${quote(id)}`);
  if (url.includes('@')) throw new UsageError(`node ${quote(id)}: the url must not carry credentials (${quote(redactUrl(url), 80)}); pass --password or SHARDIS_PASSWORD instead`);
  const problem = nodeUrlProblem(url);
  if (problem !== undefined) throw new UsageError(`node ${quote(id)}: url ${quote(redactUrl(url), 80)} ${problem}`);
}

const WEIGHT_SUFFIX = /,weight=([^,]*)$/;
/** A trailing `,name=value` that is not part of a url (Sentinel urls have commas, but no `=` after them). */
const OTHER_SUFFIX = /,([^,=/:@]*)=[^,/]*$/;

/** `id=redis://host:port[,weight=N]`, as `init --node` takes it. */
export function parseNodeSpec(spec: string): NodeInput {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UsageError(`--node ${quote(redactUrl(spec))}: write id=redis://host:port[,weight=N]`);
  const id = spec.slice(0, eq);
  let url = spec.slice(eq + 1);
  let weight: number | undefined;
  const suffix = WEIGHT_SUFFIX.exec(url);
  if (suffix !== null) {
    weight = weightOf(suffix[1]!, `--node ${quote(id)}`);
    url = url.slice(0, suffix.index);
  }
  const other = OTHER_SUFFIX.exec(url);
  if (other !== null) throw new UsageError(`--node ${quote(id)}: unknown setting ${quote(other[1]!)}; only weight=N may follow the url`);
  checkNodeUrl(id, url);
  return weight === undefined ? { id, url } : { id, url, weight };
}

/** `id=weight`, as `reweight` takes it. */
export function parseWeightSpec(spec: string): [string, number] {
  const eq = spec.lastIndexOf('=');
  if (eq <= 0) throw new UsageError(`reweight ${quote(spec)}: write id=weight, e.g. node-1=2`);
  const id = spec.slice(0, eq);
  checkNodeId(id, 'reweight');
  return [id, weightOf(spec.slice(eq + 1), `reweight ${quote(id)}`)];
}

/**
 * Core names a bad field by its index (`nodes[2].url`); an operator thinks in node ids. Rewrites
 * the message of a validation error with the ids, keeping its code (so the exit code stays 2).
 */
export function nameNodes(error: unknown, ids: readonly string[]): unknown {
  if (!(error instanceof Error)) return error;
  const message = error.message.replace(/nodes\[(\d+)\]/g, (whole, index: string) => {
    const id = ids[Number(index)];
    return id === undefined ? whole : `node ${quote(id)}`;
  });
  if (message === error.message) return error;
  const renamed = new Error(message, { cause: error });
  Object.assign(renamed, { code: (error as { code?: unknown }).code, name: error.name });
  return renamed;
}
