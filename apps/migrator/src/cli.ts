#!/usr/bin/env node
import { processIo } from './io.ts';
import { runCli } from './program.ts';

// Connections are closed by each command; exiting explicitly also ends a client library's
// reconnect timers. stdout/stderr writes to pipes and files are synchronous on Linux and macOS.
const argv = process.argv.slice(2);
// `pnpm shardis -- status` passes the `--` through; it is not an argument.
if (argv[0] === '--') argv.shift();
runCli(argv, processIo()).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`shardis: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
