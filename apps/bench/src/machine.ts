import { execFileSync } from 'node:child_process';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { gcAvailable } from './measure/memory.ts';

/** What every result file names: the figures mean nothing without the machine and the date. */
export interface MachineInfo {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly v8: string;
  /** 1-minute load average when the run started: a busy shared machine shows here. */
  readonly loadAtStart: number;
  readonly commit: string;
  /** Whether `@shardis/core` was loaded from its build (`dist`) or its TypeScript source. */
  readonly coreFrom: 'dist' | 'source' | 'unknown';
  readonly exposeGc: boolean;
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty === '' ? head : `${head} (uncommitted changes)`;
  } catch {
    return 'unknown';
  }
}

function coreOrigin(): MachineInfo['coreFrom'] {
  try {
    const url = import.meta.resolve('@shardis/core');
    return url.includes('/dist/') ? 'dist' : url.includes('/src/') ? 'source' : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function describeMachine(): MachineInfo {
  const cpuList = cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
    v8: process.versions.v8,
    loadAtStart: Number(loadavg()[0]!.toFixed(2)),
    commit: gitCommit(),
    coreFrom: coreOrigin(),
    exposeGc: gcAvailable(),
  };
}

export function machineLine(machine: MachineInfo): string {
  return (
    `${machine.date.slice(0, 10)} · ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB · ${machine.os} · ` +
    `Node ${machine.node} (V8 ${machine.v8}) · load ${machine.loadAtStart} at start · commit ${machine.commit} · ` +
    `@shardis/core from ${machine.coreFrom}${machine.exposeGc ? '' : ' · no --expose-gc (memory not measured)'}`
  );
}
