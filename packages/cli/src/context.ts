import type { CytomineClient } from '@cytorx/core';
import type { Observable } from 'rxjs';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { ALL_OPTION_GROUPS, type OptionGroup, withOptionGroups } from './global-options.js';
import type { ResolvedIo } from './io.js';
import type { Column, OutputFormat } from './output.js';

/** Options every command accepts (see `global-options.ts`). */
export interface GlobalArgs {
  host?: string | undefined;
  publicKey?: string | undefined;
  privateKey?: string | undefined;
  auth?: string | undefined;
  token?: string | undefined;
  config?: string | undefined;
  timeout?: number | undefined;
  retries?: number | undefined;
  pageSize?: number | undefined;
  concurrency?: number | undefined;
  json?: boolean | undefined;
  ndjson?: boolean | undefined;
  debug?: boolean | undefined;
}

/**
 * What a command handler gets besides its arguments: the run's io, the output format, and a
 * lazily created client. Commands hold no business logic: they call library functions and print.
 */
export interface CommandContext {
  /** stdout (data only), stderr (messages), env, cwd, abort signal. */
  readonly io: ResolvedIo;
  /** `table` unless `--json` or `--ndjson`. */
  readonly format: OutputFormat;
  /**
   * A client for the resolved connection (flags > env > config file), closed when the command
   * ends. Async: `@cytorx/core` is loaded on first use, so `--help` stays fast. `overrides` replace resolved fields (e.g. the demo's own
   * emulator).
   * @throws ConfigError (`CYTORX_CONFIG`) when host or credentials are missing.
   */
  client(overrides?: ConnectionOverride): Promise<CytomineClient>;
  /** Streams items to stdout in the chosen format; resolves with the count. */
  print<T>(
    source: Observable<T>,
    columns: ReadonlyArray<Column<T>>,
    toJson?: (item: T) => unknown,
  ): Promise<number>;
  /** Prints one object (a FIELD/VALUE table, or one JSON line). */
  printObject(value: Record<string, unknown>, fields?: readonly string[]): void;
  /** Writes one message line to stderr. */
  message(text: string): void;
  /** Registers a secret: it is masked in every message and debug line from now on. */
  addSecret(secret: string | undefined): void;
}

/** Connection fields that replace the resolved ones. */
export interface ConnectionOverride {
  host: string;
  auth?: 'hmac' | 'hmac-pathless' | 'headers' | 'bearer';
  publicKey?: string;
  privateKey?: string;
  token?: string;
}

/** Runs a command body with a fresh {@link CommandContext}, then releases it. @internal */
export type RunWithContext = (
  args: GlobalArgs,
  body: (ctx: CommandContext) => Promise<void>,
) => Promise<void>;

/** A command as registered by `main`: one object per file under `src/commands/`. */
export interface CliCommand {
  /** The yargs command string, e.g. `images`. */
  readonly command: string;
  /** @internal Adds the command to the yargs instance. */
  register(yargs: Argv<GlobalArgs>, run: RunWithContext): Argv<GlobalArgs>;
}

/** The spec of a command: yargs builder for its own options, and a handler. */
export interface CommandSpec<A> {
  /** yargs command string (`images`, `window`). */
  command: string;
  /** One line for `--help`. */
  describe: string;
  /**
   * The shared option groups the command uses, listed in its `--help` (default: all of
   * `connection`, `requests`, `paging`, `output`). A command that never connects takes none.
   */
  options?: readonly OptionGroup[];
  /** Declares the command's own options (after the groups: it may redefine one). */
  builder: (yargs: Argv<GlobalArgs>) => Argv<A>;
  /** Does the work; throws cytorx errors (mapped to exit codes by `main`). */
  handler: (args: ArgumentsCamelCase<A>, ctx: CommandContext) => Promise<void>;
}

/**
 * Defines a `cytorx` command. Each file under `src/commands/` exports one, and
 * `src/commands/index.ts` lists them.
 * @param spec - command string, description, builder, handler.
 * @example
 * ```ts
 * import { defineCommand } from '@cytorx/cli';
 * export const helloCommand = defineCommand({
 *   command: 'hello',
 *   describe: 'say hello',
 *   builder: (y) => y.option('name', { type: 'string', default: 'world' }),
 *   handler: async (args, ctx) => {
 *     ctx.io.stdout.write(`hello ${args.name}\n`);
 *   },
 * });
 * ```
 */
export function defineCommand<A extends GlobalArgs>(spec: CommandSpec<A>): CliCommand {
  return {
    command: spec.command,
    register: (yargs, run) =>
      yargs.command(
        spec.command,
        spec.describe,
        (y) => spec.builder(withOptionGroups(y, spec.options ?? ALL_OPTION_GROUPS)),
        (args) => run(args, (ctx) => spec.handler(args, ctx)),
      ),
  };
}
