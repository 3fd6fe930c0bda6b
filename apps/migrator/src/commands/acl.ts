import { Command, Option } from 'commander';
import { CLUSTER_NAME_PATTERN } from '@shardis/core';
import { applicationAclRules, CONTROL_PREFIX, operatorAclRules } from '@shardis/engine';
import { checkAclPatterns } from '../acl-patterns.ts';
import type { Cli } from '../cli-context.ts';
import { UsageError } from '../errors.ts';
import { collect, quote } from '../parsers.ts';

interface AclFlags {
  readonly cluster?: string;
  readonly keys?: string[];
  readonly channels?: string[];
  readonly clientIdPrefix?: string;
  readonly appUser: string;
  readonly operatorUser: string;
  readonly format: 'acl-file' | 'redis-cli';
  readonly json?: boolean;
}

const USER_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

/** `'…'` for a POSIX shell, only where needed. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_+@.:,/=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function aclCommand(cli: Cli): Command {
  const command = new Command('acl')
    .summary('print least-privilege Redis ACL users: the application and the operator')
    .description(`Prints Redis 7 ACL users for a cluster (SECURITY.md): the application user reads and writes its data keys, reads the cluster state, keeps its own lease keys and subscribes to the topology channel, but cannot write the state, publish on its channel, or run MIGRATE, CONFIG, FLUSHALL, CLIENT KILL…; the operator (this CLI and its workers) can do what a migration needs. Passwords are placeholders (>APP_PASSWORD): put in your own. Connects to nothing.

--keys and --channels narrow the application to your own prefixes; a pattern that also matches shardis's keys (\`*\`, \`_*\`) is refused.`)
    .option('--cluster <name>', 'cluster name (env: SHARDIS_CLUSTER)')
    .option('--keys <pattern>', 'keys the application may use, a Redis glob such as app:*; repeatable (default: every key outside __shardis__:)', collect)
    .option('--channels <pattern>', 'pub/sub channels it may use; repeatable (default: every channel outside __shardis__:)', collect)
    .option('--client-id-prefix <prefix>', 'its clients use clientId <prefix>…: it may write only their leases')
    .option('--app-user <name>', 'name of the application user', 'app')
    .option('--operator-user <name>', 'name of the operator user', 'shardis-operator')
    .addOption(new Option('--format <format>', 'lines of an aclfile, or redis-cli ACL SETUSER commands').choices(['acl-file', 'redis-cli']).default('acl-file'))
    .option('--json', 'print the users and their rules as JSON')
    .addHelpText('after', `
Examples:
  $ shardis acl --cluster cache > users.acl
  $ shardis acl --cluster cache --keys 'billing:*' --channels 'billing:*' --client-id-prefix billing- --app-user billing --format redis-cli`);
  return command.action((flags: AclFlags) => {
    const cluster = flags.cluster ?? cli.io.env['SHARDIS_CLUSTER'];
    if (cluster === undefined || cluster === '') throw new UsageError('no cluster name: pass --cluster <name> or set SHARDIS_CLUSTER');
    if (!CLUSTER_NAME_PATTERN.test(cluster)) throw new UsageError(`cluster name ${quote(cluster)} must match ${String(CLUSTER_NAME_PATTERN)}`);
    for (const [option, name] of [['--app-user', flags.appUser], ['--operator-user', flags.operatorUser]] as const) {
      if (!USER_NAME.test(name) || name === 'default') throw new UsageError(`${option} ${quote(name)}: a user name is 1 to 64 letters, digits or . _ @ -, and not "default"`);
    }
    if (flags.appUser === flags.operatorUser) throw new UsageError('--app-user and --operator-user must differ');
    if (flags.keys !== undefined) checkAclPatterns(flags.keys, '--keys', CONTROL_PREFIX);
    if (flags.channels !== undefined) checkAclPatterns(flags.channels, '--channels', CONTROL_PREFIX);
    const app = applicationAclRules({
      cluster,
      ...(flags.keys === undefined ? {} : { keys: flags.keys }),
      ...(flags.channels === undefined ? {} : { channels: flags.channels }),
      ...(flags.clientIdPrefix === undefined ? {} : { clientIdPrefix: flags.clientIdPrefix }),
    });
    const users = [
      { name: flags.operatorUser, password: 'OPERATOR_PASSWORD', rules: operatorAclRules() },
      { name: flags.appUser, password: `${flags.appUser.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_PASSWORD`, rules: app },
    ];
    const out = cli.output;
    if (flags.json === true) {
      out.json({ cluster, users });
    } else if (flags.format === 'acl-file') {
      out.lines(['user default off', ...users.map((user) => `user ${user.name} on >${user.password} ${user.rules.join(' ')}`)]);
    } else {
      out.lines([
        '# On every node, as a user that may run ACL (add -h, -p, --user, --pass, --tls as usual):',
        ...users.map((user) => ['redis-cli', 'ACL', 'SETUSER', user.name, 'on', `>${user.password}`, ...user.rules].map(shellWord).join(' ')),
        '# Once both users work: redis-cli ACL SETUSER default off; then ACL SAVE if the server has an aclfile.',
      ]);
    }
    cli.exitCode = 0;
  });
}
