/**
 * Every byte the CLI prints goes through `scrub`: the secrets it was given (passwords, from flags,
 * files, env or seed urls) are replaced wherever they appear, and credentials in any url are
 * hidden. Printing paths also use core's `redactUrl` / `redactTopology`; this is the backstop for
 * text we do not control (a client library's error message, a server's reply).
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi;
/** Shorter secrets are still never printed by construction, but replacing every "ab" would garble output. */
const MIN_SCRUBBED_LENGTH = 3;

export class Secrets {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    if (value === undefined || value.length < MIN_SCRUBBED_LENGTH) return;
    this.values.add(value);
    // A secret may reach a message url-encoded (a seed url) or JSON-escaped.
    this.values.add(encodeURIComponent(value));
    this.values.add(JSON.stringify(value).slice(1, -1));
  }

  scrub(text: string): string {
    let result = text.replace(URL_CREDENTIALS, '$1***@');
    // Longest first, so a secret that contains another is replaced whole.
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) result = result.split(value).join('***');
    return result;
  }
}

const SECRET_FLAGS = ['--password', '--hash-seed'];

/** Finds `--password x` / `--password=x` (and `--hash-seed`) before parsing, so even a parse error cannot echo them. */
export function secretsInArgv(argv: readonly string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    for (const flag of SECRET_FLAGS) {
      if (arg === flag && argv[i + 1] !== undefined) found.push(argv[i + 1]!);
      else if (arg.startsWith(`${flag}=`)) found.push(arg.slice(flag.length + 1));
    }
  }
  return found;
}
