// Helpers of the upload tests: run `cytorx` in-process and write inputs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '@cytorx/cli';

/** What one in-process run printed, and its exit code. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of {@link runInProcess}. */
export interface RunOptions {
  env: Record<string, string>;
  home: string;
  /** Lines typed on a terminal stdin (makes stdin and stderr look like a TTY). */
  typed?: string[];
  /** stderr looks like a terminal (a progress bar is drawn). */
  tty?: boolean;
}

/** Runs `cytorx ...argv` in-process (the `main` of @cytorx/cli) and collects its output. */
export async function runInProcess(argv: string[], options: RunOptions): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const tty = options.typed !== undefined || options.tty === true;
  const stdin = options.typed !== undefined ? Object.assign(new PassThrough(), { isTTY: true }) : undefined;
  if (stdin) {
    // Typed after the prompt is shown: each line once the previous prompt appeared.
    const lines = [...(options.typed ?? [])];
    stdin.setEncoding('utf8');
    const type = () => {
      const line = lines.shift();
      if (line !== undefined) stdin.write(`${line}\n`);
    };
    (stdin as PassThrough & { onPrompt?: () => void }).onPrompt = type;
  }
  const code = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: Object.assign(
      {
        write: (s: string) => {
          stderr += s;
          if (stdin && /confirm/i.test(s))
            setImmediate(() => (stdin as { onPrompt?: () => void }).onPrompt?.());
        },
      },
      tty ? { isTTY: true } : {},
    ),
    ...(stdin ? { stdin } : {}),
    env: options.env,
    home: options.home,
    cwd: options.home,
  });
  return { code, stdout, stderr };
}

/** An axis-aligned square polygon. */
export const square = (x: number, y: number, s: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ],
  ],
});

/** A GeoJSON feature. */
export const feature = (geometry: unknown, properties: Record<string, unknown>, id?: number) => ({
  type: 'Feature',
  ...(id === undefined ? {} : { id }),
  geometry,
  properties,
});

/** A FeatureCollection. */
export const collection = (features: unknown[]) => ({ type: 'FeatureCollection', features });

let n = 0;
/** Writes `value` as JSON to `{home}/case-N/{name}` and returns the path. */
export function writeJson(home: string, name: string, value: unknown): string {
  const dir = join(home, `case-${n++}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}
