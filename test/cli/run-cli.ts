// Helpers for end-to-end tests: run the BUILT `cytorx` binary in a child process.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/cli/dist/cli.js (built by test/global-setup.ts). */
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

/**
 * Runs `node dist/cli.js ...args` with a minimal environment (PATH, HOME and XDG_CONFIG_HOME
 * pointing at `home`, so the user's real config file is never read) plus `env`.
 */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; home: string; cwd?: string; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: options.cwd ?? options.home,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: options.home,
          XDG_CONFIG_HOME: join(options.home, '.config'),
          ...options.env,
        },
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
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
