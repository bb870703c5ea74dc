#!/usr/bin/env node
// The `cytorx` binary: runs `main` on the process's arguments and exits with its code.
// SIGINT/SIGTERM abort the running command (a listing stops, `cytorx emulator` shuts down
// cleanly); a second signal exits at once.
import { hideBin } from 'yargs/helpers';
import { main } from './main.js';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error(`interrupted by ${signal}`));
  });
}
// `cytorx ... | head`: a closed pipe is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const code = await main(hideBin(process.argv), { signal: controller.signal });
process.exitCode = code;
