import type { Argv } from 'yargs';
import { AUTH_MODES } from './auth-modes.js';
import type { GlobalArgs } from './context.js';
import { UsageError } from './exit-codes.js';

const CONNECTION = 'Connection (flags beat CYTOMINE_* variables, which beat the config file):';
const CLIENT = 'Client:';
const OUTPUT = 'Output:';

/**
 * Declares the options shared by every command: connection, client tuning, output format.
 * @internal
 */
export function withGlobalOptions(yargs: Argv): Argv<GlobalArgs> {
  return yargs
    .option('host', {
      type: 'string',
      group: CONNECTION,
      describe: 'Cytomine server URL, e.g. https://cytomine.example.org [env CYTOMINE_HOST]',
    })
    .option('public-key', {
      type: 'string',
      group: CONNECTION,
      describe: 'API public key [env CYTOMINE_PUBLIC_KEY]',
    })
    .option('private-key', {
      type: 'string',
      group: CONNECTION,
      describe:
        'API private key [env CYTOMINE_PRIVATE_KEY]; visible to other users in `ps`: prefer the env or config file',
    })
    .option('auth', {
      type: 'string',
      choices: AUTH_MODES,
      group: CONNECTION,
      describe: 'auth mode (default hmac; hmac-pathless for the newest core) [env CYTOMINE_AUTH]',
    })
    .option('token', {
      type: 'string',
      group: CONNECTION,
      describe: 'token for --auth bearer [env CYTOMINE_TOKEN]',
    })
    .option('config', {
      type: 'string',
      group: CONNECTION,
      describe:
        'JSON config file {host, publicKey, privateKey, auth, token}, mode 600 (default $XDG_CONFIG_HOME/cytorx/config.json or ~/.config/cytorx/config.json)',
    })
    .option('timeout', {
      type: 'number',
      group: CLIENT,
      describe: 'per-request timeout in seconds (default 60)',
    })
    .option('retries', {
      type: 'number',
      group: CLIENT,
      describe: 'retries of a failed request (network, 5xx, 429) before giving up (default 5)',
    })
    .option('page-size', { type: 'number', group: CLIENT, describe: 'items per list request (default 1000)' })
    .option('concurrency', {
      type: 'number',
      group: CLIENT,
      describe: 'list pages fetched in parallel once the total is known (default 4)',
    })
    .option('json', {
      type: 'boolean',
      group: OUTPUT,
      describe: 'print a JSON array (an object for single results)',
    })
    .option('ndjson', {
      type: 'boolean',
      group: OUTPUT,
      describe: 'print one JSON object a line, as items arrive',
    })
    .option('debug', {
      type: 'boolean',
      group: OUTPUT,
      describe: 'log requests and show stack traces on stderr',
    })
    .conflicts('json', 'ndjson')
    .check((args) => {
      const check = (name: string, value: unknown, ok: (n: number) => boolean, what: string): void => {
        if (value === undefined) return;
        if (typeof value !== 'number' || !ok(value))
          throw new UsageError(`--${name} must be ${what}, got ${String(value)}`);
      };
      check('timeout', args.timeout, (n) => n > 0 && Number.isFinite(n), 'a number of seconds > 0');
      check('retries', args.retries, (n) => Number.isInteger(n) && n >= 0, 'an integer >= 0');
      check('page-size', args['page-size'], (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1');
      check('concurrency', args.concurrency, (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1');
      return true;
    }) as unknown as Argv<GlobalArgs>;
}
