#!/usr/bin/env node
import { runDemo } from './demo.ts';
import { HELP, parseOptions, UsageError } from './options.ts';
import { killRunningServers, startLocalServers, userServers, type DemoServers } from './servers.ts';

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`shardis-demo: ${error.message}\n\n${HELP}`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const say = options.json ? () => undefined : (line: string) => process.stdout.write(`${line}\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killRunningServers();
      process.stderr.write(`\nshardis-demo: interrupted; local servers stopped\n`);
      process.exit(130);
    });
  }
  let servers: DemoServers;
  if (options.seeds.length > 0) {
    servers = userServers(options.seeds);
    say(`using your servers: ${options.seeds.join(', ')}`);
  } else {
    say(`starting ${options.nodes + 1} redis-server processes on free ports (nothing is persisted)…`);
    servers = await startLocalServers(options.nodes + 1);
  }
  try {
    const result = await runDemo(options, servers, say);
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return result.ok ? 0 : 1;
  } finally {
    await servers.stop();
    if (servers.owned) say('local servers stopped; nothing left behind');
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    killRunningServers();
    const code = (error as { code?: unknown }).code;
    process.stderr.write(`shardis-demo: ${typeof code === 'string' ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
