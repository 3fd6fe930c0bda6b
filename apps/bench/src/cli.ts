import { parseCliArgs, USAGE } from './args.ts';
import { runBench } from './runner.ts';

let code: number;
try {
  const options = parseCliArgs(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    code = 0;
  } else {
    code = await runBench(options);
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
  code = 2;
}
// Exit explicitly: a suite may leave a socket or timer behind, and CI must not hang on it.
process.exit(code);
