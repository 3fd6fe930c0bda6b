import { createInterface } from 'node:readline/promises';
import { UsageError } from './errors.ts';
import type { Output } from './io.ts';

/**
 * Asks on the terminal (question on stderr, so stdout stays clean for --json). Without a
 * terminal there is nobody to ask: the change is refused unless --yes was given.
 */
export async function confirm(output: Output, question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!output.stdinIsTTY) throw new UsageError('stdin is not a terminal, so the change cannot be confirmed: pass --yes (or --dry-run to only preview)');
  const rl = createInterface({ input: output.io.stdin, output: output.io.stderr as NodeJS.WritableStream, terminal: true });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
