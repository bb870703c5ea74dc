// Two ways to run `cytorx` in tests, with the same arguments and results:
// - `runCli`: the BUILT binary (packages/cli/dist/cli.js) in a child process. Only for what
//   needs a real process: one run per command family, exit codes, signals, ESM interop.
// - `runInProcess`: the same entry function (`main` from @cytorx/cli) in this process, from
//   source. Everything else: no process start-up, no build needed.
// - `spawnCli`: the built binary started without waiting, to kill it part-way.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '@cytorx/cli';

/** packages/cli/dist/cli.js (built by `pnpm test`, or by test/global-setup.ts). */
export const CLI = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'packages',
  'cli',
  'dist',
  'cli.js',
);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Variables added to the minimal environment (PATH, HOME, XDG_CONFIG_HOME). */
  env?: Record<string, string>;
  /** HOME; XDG_CONFIG_HOME is `home/.config`, so the user's real config file is never read. */
  home: string;
  /** Working directory (default `home`). */
  cwd?: string;
  /** The run is killed (child) or aborted (in-process) after this long; default 60 s. */
  timeoutMs?: number;
  /** Child process only: run as this user and group (the test runner must be root). */
  uid?: number;
  gid?: number;
  /** In-process only: stderr is a terminal (`isTTY`), e.g. for a progress bar. */
  tty?: boolean;
  /**
   * In-process only: stdin and stderr are a terminal, and these lines are typed on stdin, one
   * each time stderr shows a prompt containing `confirm`.
   */
  typed?: string[];
}

/** A terminal stdin that types `lines`, one per `next()`. */
function typingStdin(lines: string[]): { stdin: PassThrough & { isTTY: true }; next: () => void } {
  const stdin = Object.assign(new PassThrough(), { isTTY: true as const });
  const queue = [...lines];
  return {
    stdin,
    next: () => {
      const line = queue.shift();
      if (line !== undefined) stdin.write(`${line}\n`);
    },
  };
}

function environment(options: RunOptions): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: options.home,
    XDG_CONFIG_HOME: join(options.home, '.config'),
    ...options.env,
  };
}

/** Runs `node dist/cli.js ...args` in a child process with a minimal environment plus `env`. */
export function runCli(args: readonly string[], options: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: options.cwd ?? options.home,
        env: environment(options),
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        ...(options.uid !== undefined ? { uid: options.uid } : {}),
        ...(options.gid !== undefined ? { gid: options.gid } : {}),
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`cytorx ${args.join(' ')} did not exit normally: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Runs `main(args)` in this process with the environment {@link runCli} would give the child. */
export async function runInProcess(args: readonly string[], options: RunOptions): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const typing = options.typed === undefined ? undefined : typingStdin(options.typed);
  const tty = options.tty === true || typing !== undefined;
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: {
      write: (s: string) => {
        stderr += s;
        if (typing && /confirm/i.test(s)) setImmediate(typing.next);
      },
      ...(tty ? { isTTY: true } : {}),
    },
    ...(typing ? { stdin: typing.stdin } : {}),
    env: environment(options),
    home: options.home,
    cwd: options.cwd ?? options.home,
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
  });
  return { code, stdout, stderr };
}

/** Starts `node dist/cli.js ...args` without waiting (to kill it part-way), no stdio. */
export function spawnCli(args: readonly string[], options: RunOptions): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? options.home,
    env: environment(options),
    stdio: 'ignore',
  });
}
