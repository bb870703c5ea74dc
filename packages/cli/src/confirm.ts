/** Typed confirmations on a terminal. @internal */
import { createInterface } from 'node:readline';
import type { ResolvedIo } from './io.js';

/** True when a person can answer: stdin and stderr are both terminals. */
export function canAsk(io: ResolvedIo): boolean {
  return io.stdin.isTTY === true && (io.stderr as { isTTY?: boolean }).isTTY === true;
}

/**
 * Shows `prompt` on stderr and reads one line from stdin; resolves true only when the line
 * is exactly `expected` (spaces around it and letter case ignored). End of input or an abort
 * of `io.signal` resolves false.
 */
export async function typedConfirmation(io: ResolvedIo, prompt: string, expected: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, terminal: false });
  try {
    io.stderr.write(prompt);
    const line = await new Promise<string | undefined>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(undefined));
      io.signal?.addEventListener('abort', () => resolve(undefined), { once: true });
    });
    return line !== undefined && line.trim().toLowerCase() === expected.toLowerCase();
  } finally {
    rl.close();
  }
}
