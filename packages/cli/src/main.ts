import { readFileSync } from 'node:fs';
import type { ClientEvent, ClientOptions, CytomineClient } from '@cytorx/core';
import yargs from 'yargs';
import { commands } from './commands/index.js';
import type { CommandContext, ConnectionOverride, GlobalArgs } from './context.js';
import { cytorxCode, ExitCode, exitCodeFor, hintFor, UsageError } from './exit-codes.js';
import { withGlobalOptions } from './global-options.js';
import { type CliIo, type ResolvedIo, resolveIo } from './io.js';
import { explainNotFound } from './not-cytomine.js';
import { OptionValueError } from './option-value-error.js';
import { type OutputFormat, writeItems, writeObject } from './output.js';
import { Redactor, secretsInArgv } from './redact.js';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** One debug line per client event (events never hold secrets; the redactor masks anyway). */
function describeEvent(event: ClientEvent): string {
  switch (event.type) {
    case 'request':
      return `-> ${event.method} ${event.path} (attempt ${event.attempt})`;
    case 'response':
      return `<- ${event.status} ${event.method} ${event.path} (${Math.round(event.durationMs)} ms)`;
    case 'retry':
      return `retry ${event.method} ${event.path} in ${event.delayMs} ms (attempt ${event.attempt}: ${event.reason})`;
    case 'error':
      return `failed ${event.method} ${event.path} after ${event.attempts} attempts: ${event.error.message}`;
    default:
      return JSON.stringify(event);
  }
}

async function clientOptionsFor(
  args: GlobalArgs,
  io: ResolvedIo,
  redactor: Redactor,
  override?: ConnectionOverride,
): Promise<ClientOptions> {
  // Loaded on demand (it loads @cytorx/core): `cytorx --help` and usage errors stay fast.
  const { resolveConnection } = await import('./connection.js');
  const flags = {
    host: args.host,
    publicKey: args.publicKey,
    privateKey: args.privateKey,
    auth: args.auth,
    token: args.token,
  };
  const conn =
    override ??
    resolveConnection({
      flags,
      env: io.env,
      configFile: args.config,
      ...(io.home !== undefined ? { home: io.home } : {}),
    });
  redactor.add(conn.privateKey);
  redactor.add(conn.token);
  const options: ClientOptions = { host: conn.host, auth: conn.auth ?? 'hmac' };
  if (conn.publicKey !== undefined) options.publicKey = conn.publicKey;
  if (conn.privateKey !== undefined) options.privateKey = conn.privateKey;
  if (conn.token !== undefined) options.token = conn.token;
  if (args.timeout !== undefined) options.timeoutMs = Math.round(args.timeout * 1000);
  if (args.retries !== undefined) options.retry = { maxAttempts: args.retries + 1 };
  if (args.pageSize !== undefined) options.pageSize = args.pageSize;
  if (args.concurrency !== undefined) {
    options.pageConcurrency = args.concurrency;
    options.connections = Math.max(8, args.concurrency);
  }
  if (args.debug) {
    options.onEvent = (event) => io.stderr.write(`${redactor.redact(`debug: ${describeEvent(event)}`)}\n`);
  }
  return options;
}

/**
 * Runs the `cytorx` program in-process and resolves with its exit code (it never calls
 * `process.exit`). Data goes to `io.stdout`, messages to `io.stderr`; errors become one line on
 * stderr saying what to do, and an exit code (see `ExitCode`). Secrets are never printed.
 * @param argv - the arguments after the program name, e.g. `['projects', '--json']`.
 * @param io - stdout, stderr, env, home, cwd and an abort signal (defaults: the real process).
 * @returns 0 on success, else 1-5 as documented by `ExitCode`.
 * @example
 * ```ts
 * import { main } from '@cytorx/cli';
 * const code = await main(['projects', '--json'], { env: { CYTOMINE_HOST: 'http://127.0.0.1:8080' } });
 * ```
 */
export async function main(argv: readonly string[], io?: CliIo): Promise<number> {
  const rio = resolveIo(io);
  const redactor = new Redactor();
  redactor.add(rio.env.CYTOMINE_PRIVATE_KEY);
  redactor.add(rio.env.CYTOMINE_TOKEN);
  for (const secret of secretsInArgv(argv)) redactor.add(secret);
  const debug = argv.includes('--debug');

  const run = async (args: GlobalArgs, body: (ctx: CommandContext) => Promise<void>): Promise<void> => {
    const clients: CytomineClient[] = [];
    let host: string | undefined;
    const format: OutputFormat = args.ndjson ? 'ndjson' : args.json ? 'json' : 'table';
    const ctx: CommandContext = {
      io: rio,
      format,
      client: async (override) => {
        const options = await clientOptionsFor(args, rio, redactor, override);
        const { createClient } = await import('@cytorx/core');
        host = options.host;
        const client = createClient(options);
        clients.push(client);
        return client;
      },
      print: (source, columns, toJson) =>
        writeItems(source, {
          format,
          columns,
          out: rio.stdout,
          ...(toJson !== undefined ? { toJson } : {}),
          ...(rio.signal !== undefined ? { signal: rio.signal } : {}),
        }),
      printObject: (value, fields) =>
        writeObject(value, { format, out: rio.stdout, ...(fields !== undefined ? { fields } : {}) }),
      message: (text) => {
        rio.stderr.write(`${redactor.redact(text)}\n`);
      },
      addSecret: (secret) => redactor.add(secret),
    };
    try {
      await body(ctx);
    } catch (err) {
      if (host === undefined) throw err;
      const { ConfigError } = await import('@cytorx/core');
      throw explainNotFound(err, host, ConfigError);
    } finally {
      await Promise.allSettled(clients.map((c) => c.close()));
    }
  };

  let program = withGlobalOptions(yargs())
    .scriptName('cytorx')
    .usage('$0 <command> [options]\n\nStream a Cytomine server into training data.')
    .strict()
    .demandCommand(1, 'give a command (see the list above)')
    .recommendCommands()
    .showHelpOnFail(false)
    .version(readVersion())
    .help()
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .epilogue(
      'Credentials: prefer CYTOMINE_* variables or a chmod-600 config file over --private-key, which other users can see in `ps`.\n' +
        'Exit codes: 0 ok, 1 other error, 2 usage/config, 3 authentication/permission, 4 not found, 5 server or network failure.',
    )
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    });
  for (const command of commands) program = command.register(program, run);

  try {
    await program.parseAsync([...argv], {}, (_err, _args, output) => {
      if (output) rio.stdout.write(`${output}\n`);
    });
    return ExitCode.Ok;
  } catch (thrown) {
    const err = thrown instanceof OptionValueError ? thrown.withArgv(argv) : thrown;
    if (rio.signal?.aborted && (err === rio.signal.reason || cytorxCode(err) === 'CYTORX_ABORTED')) {
      rio.stderr.write('cytorx: interrupted\n');
      return ExitCode.Interrupted;
    }
    const code = exitCodeFor(err);
    const message = err instanceof Error ? err.message : String(err);
    const command = argv.find((a) => commands.some((c) => c.command === a));
    const hint =
      code === ExitCode.Usage && cytorxCode(err) === 'CYTORX_CONFIG' ? '' : ` -- ${hintFor(code, command)}`;
    rio.stderr.write(`${redactor.redact(`cytorx: ${message.replace(/\s*\n\s*/g, ' ')}${hint}`)}\n`);
    if (debug && err instanceof Error && err.stack) rio.stderr.write(`${redactor.redact(err.stack)}\n`);
    return code;
  }
}
