import type { TextSink } from './output.js';

/**
 * The outside world of one `cytorx` run, injectable so {@link main} can run in-process in tests.
 * Every field is optional; defaults are the real process's.
 */
export interface CliIo {
  /** Data goes here (default `process.stdout`). */
  stdout?: TextSink;
  /** Messages go here (default `process.stderr`). */
  stderr?: TextSink;
  /**
   * Where a typed confirmation is read from, only when it is a terminal (`isTTY`), e.g.
   * `upload --replace-scope user-terms` (default `process.stdin`).
   */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Environment (default `process.env`): `CYTOMINE_*`, `XDG_CONFIG_HOME`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home directory for the default config file (default `os.homedir()`). */
  home?: string;
  /** Working directory for relative paths (default `process.cwd()`). */
  cwd?: string;
  /**
   * Aborting it stops the running command (long-running `cytorx emulator` stops cleanly).
   * The real program aborts it on SIGINT/SIGTERM.
   */
  signal?: AbortSignal;
}

/** {@link CliIo} with the defaults filled in. @internal */
export interface ResolvedIo {
  stdout: TextSink;
  stderr: TextSink;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  home: string | undefined;
  cwd: string;
  signal: AbortSignal | undefined;
}

/** Fills in the defaults of a {@link CliIo}. @internal */
export function resolveIo(io: CliIo = {}): ResolvedIo {
  return {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    stdin: io.stdin ?? process.stdin,
    env: io.env ?? process.env,
    home: io.home,
    cwd: io.cwd ?? process.cwd(),
    signal: io.signal,
  };
}
