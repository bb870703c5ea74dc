import type { Argv } from 'yargs';
import { AUTH_MODES } from './auth-modes.js';
import type { GlobalArgs } from './context.js';
import { checkNumbers, integerAtLeast } from './options.js';

const CONNECTION = 'Connection (flags beat CYTOMINE_* variables, which beat the config file):';
const CLIENT = 'Client:';
const OUTPUT = 'Output:';

/**
 * The option groups a command can take, so that `--help` lists only what it uses:
 * `connection` (host, keys, auth, config file), `requests` (timeout, retries), `paging`
 * (page size, parallel pages) and `output` (`--json`, `--ndjson`).
 */
export type OptionGroup = 'connection' | 'requests' | 'paging' | 'output';

/** Every group: the default of a command that does not say. */
export const ALL_OPTION_GROUPS: readonly OptionGroup[] = ['connection', 'requests', 'paging', 'output'];

function connection(y: Argv): Argv {
  return y
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
        'JSON config file {host, publicKey, privateKey, auth, token}, mode 600 (default, optional: $XDG_CONFIG_HOME/cytorx/config.json or ~/.config/cytorx/config.json)',
    });
}

function requests(y: Argv): Argv {
  return y
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
    .check(
      checkNumbers({
        timeout: [(n) => n > 0 && Number.isFinite(n), 'a number of seconds > 0'],
        retries: integerAtLeast(0),
      }),
    );
}

function paging(y: Argv): Argv {
  return y
    .option('page-size', { type: 'number', group: CLIENT, describe: 'items per list request (default 1000)' })
    .option('concurrency', {
      type: 'number',
      group: CLIENT,
      describe: 'list pages fetched in parallel once the total is known (default 4)',
    })
    .check(checkNumbers({ 'page-size': integerAtLeast(1), concurrency: integerAtLeast(1) }));
}

function output(y: Argv): Argv {
  return y
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
    .conflicts('json', 'ndjson');
}

const GROUPS: Record<OptionGroup, (y: Argv) => Argv> = { connection, requests, paging, output };

/**
 * Declares the options of the given groups on a command's yargs instance.
 * @internal
 */
export function withOptionGroups(yargs: Argv<GlobalArgs>, groups: readonly OptionGroup[]): Argv<GlobalArgs> {
  let y = yargs as unknown as Argv;
  for (const group of ALL_OPTION_GROUPS) if (groups.includes(group)) y = GROUPS[group](y);
  return y as unknown as Argv<GlobalArgs>;
}

/**
 * Declares the options every command takes (`--debug`); the others come with the command's
 * option groups ({@link withOptionGroups}).
 * @internal
 */
export function withGlobalOptions(yargs: Argv): Argv<GlobalArgs> {
  return yargs.option('debug', {
    type: 'boolean',
    group: OUTPUT,
    describe: 'log requests and show stack traces on stderr',
  }) as unknown as Argv<GlobalArgs>;
}
