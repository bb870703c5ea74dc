import type { CytorxErrorCode } from '@cytorx/core';

/**
 * Exit codes of the `cytorx` program. Stable: scripts may branch on them.
 *
 * - `Ok` (0): success.
 * - `Failure` (1): anything not listed below (a bug, a writer failure, a bad server answer).
 * - `Usage` (2): bad flags or arguments, missing or unsafe configuration (`CYTORX_CONFIG`).
 * - `Auth` (3): the server refused the credentials or the access (`CYTORX_AUTH`, 401/403).
 * - `NotFound` (4): a project, image or other resource does not exist (`CYTORX_NOT_FOUND`).
 * - `Unavailable` (5): the server failed (5xx) or could not be reached, after retries
 *   (`CYTORX_HTTP` with status >= 500, `CYTORX_NETWORK`).
 * - `Interrupted` (130): stopped by SIGINT/SIGTERM (as shells report Ctrl-C).
 * @example
 * ```ts
 * import { ExitCode } from '@cytorx/cli';
 * if (code === ExitCode.Auth) console.error('fix the keys');
 * ```
 */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  Auth: 3,
  NotFound: 4,
  Unavailable: 5,
  Interrupted: 130,
} as const;

/** One of the values of {@link ExitCode}. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * A command-line usage error (bad or missing flag). Maps to exit code 2. Internal to the CLI;
 * library code raises `ConfigError` (`CYTORX_CONFIG`), which maps to the same code.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The `CYTORX_*` code of an error, if it is a cytorx error (same test as `isCytorxError` from
 * `@cytorx/core`, without loading it: `cytorx --help` stays fast).
 * @internal
 */
export function cytorxCode(error: unknown): CytorxErrorCode | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('CYTORX_') ? (code as CytorxErrorCode) : undefined;
}

/**
 * The exit code for an error thrown while running a command (see {@link ExitCode}).
 * Recognises cytorx errors by their `code`, so errors from another copy of `@cytorx/core` work too.
 * @param error - whatever was thrown.
 * @returns the exit code, never 0.
 * @example
 * ```ts
 * import { exitCodeFor } from '@cytorx/cli';
 * process.exitCode = exitCodeFor(new Error('boom')); // 1
 * ```
 */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof UsageError) return ExitCode.Usage;
  const code = cytorxCode(error);
  if (code === undefined) return ExitCode.Failure;
  switch (code) {
    case 'CYTORX_CONFIG':
      return ExitCode.Usage;
    case 'CYTORX_AUTH':
      return ExitCode.Auth;
    case 'CYTORX_NOT_FOUND':
      return ExitCode.NotFound;
    case 'CYTORX_NETWORK':
      return ExitCode.Unavailable;
    case 'CYTORX_HTTP': {
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number' && (status === 401 || status === 403)) return ExitCode.Auth;
      if (typeof status === 'number' && status === 404) return ExitCode.NotFound;
      return typeof status === 'number' && status >= 500 ? ExitCode.Unavailable : ExitCode.Failure;
    }
    default:
      return ExitCode.Failure;
  }
}

/**
 * What the user should do next, for the error's exit code: appended to the one-line message.
 * @param code - the exit code.
 * @param command - the command that ran, if known (for the `--help` pointer).
 * @internal
 */
export function hintFor(code: ExitCodeValue, command?: string): string {
  switch (code) {
    case ExitCode.Usage:
      return `see \`cytorx ${command !== undefined ? `${command} ` : ''}--help\``;
    case ExitCode.Auth:
      return 'set CYTOMINE_PUBLIC_KEY and CYTOMINE_PRIVATE_KEY (or the config file) for this --host';
    case ExitCode.NotFound:
      return 'check the id: `cytorx projects` and `cytorx images --project ID` list what exists';
    case ExitCode.Unavailable:
      return 'the server is down or unreachable: check --host and the network, then retry (or raise --retries/--timeout)';
    default:
      return 'rerun with --debug for details';
  }
}
