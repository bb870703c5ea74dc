// Runs the `cytorx` CLI in this process (main from @cytorx/cli), capturing stdout and stderr.
import path from 'node:path';
import { main } from '@cytorx/cli';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `cytorx ...argv` in-process with `env` only (HOME and XDG_CONFIG_HOME under `home`, so no
 * real config file is read), working directory `cwd` (default `home`).
 */
export async function runInProcess(
  argv: readonly string[],
  options: { env?: Record<string, string>; home: string; cwd?: string },
): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const code = await main([...argv], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { XDG_CONFIG_HOME: path.join(options.home, '.config'), ...options.env },
    home: options.home,
    cwd: options.cwd ?? options.home,
  });
  return { code, stdout, stderr };
}
