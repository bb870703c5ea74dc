import type { FaultOptions, GenerateOptions } from '@cytorx/emulator';
import { AUTH_MODES } from '../auth-modes.js';
import { defineCommand } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { checkNumbers, integerAtLeast } from '../options.js';

/** Resolves when `signal` aborts (the program aborts it on SIGINT/SIGTERM). */
function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise<void>(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true }));
}

/** `cytorx emulator`: serves a generated Cytomine dataset until interrupted. */
export const emulatorCommand = defineCommand({
  command: 'emulator',
  options: [],
  describe: 'run a Cytomine-compatible test server with a generated dataset (until Ctrl-C)',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 8080, describe: 'TCP port (0 = any free port)' })
      .option('listen', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
      .option('generate', { type: 'number', default: 42, describe: 'dataset seed' })
      .option('projects', { type: 'number', describe: 'number of projects (default 3)' })
      .option('images', { type: 'number', describe: 'images per project (default 3)' })
      .option('annotations', { type: 'number', describe: 'annotations per image (default 20)' })
      .option('batch-style', {
        type: 'string',
        choices: ['spring', 'grails'] as const,
        default: 'spring' as const,
        describe:
          'how a batch POST /api/annotation.json answers: spring (Spring cores: always HTTP 200, the status in the body) or grails (legacy core: HTTP 200/206/400)',
      })
      .option('auth-modes', {
        type: 'string',
        array: true,
        choices: AUTH_MODES,
        describe: 'accepted auth modes (default all)',
      })
      .option('failure-rate', { type: 'number', describe: 'fraction 0..1 of requests answered 503/500/502' })
      .option('latency', { type: 'number', describe: 'latency added to each request, ms' })
      .check(
        checkNumbers({
          port: [(n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a TCP port 0..65535'],
          generate: [Number.isSafeInteger, 'an integer seed'],
          projects: integerAtLeast(0),
          images: integerAtLeast(0),
          annotations: integerAtLeast(0),
          'failure-rate': [(n) => n >= 0 && n <= 1, 'a fraction between 0 and 1'],
          latency: [(n) => Number.isFinite(n) && n >= 0, 'a number of ms >= 0'],
        }),
      ),
  handler: async (args, ctx) => {
    const generate: GenerateOptions = { seed: args.generate };
    if (args.projects !== undefined) generate.projects = args.projects;
    if (args.images !== undefined) generate.imagesPerProject = args.images;
    if (args.annotations !== undefined) generate.annotationsPerImage = args.annotations;
    const faults: FaultOptions = {};
    if (args.failureRate !== undefined) faults.failureRate = args.failureRate;
    if (args.latency !== undefined) faults.latencyMs = args.latency;
    const { startEmulator } = await import('@cytorx/emulator');
    const emulator = await startEmulator({
      port: args.port,
      host: args.listen,
      dataset: generate,
      faults,
      batchStyle: args.batchStyle,
      ...(args.authModes !== undefined
        ? { authModes: args.authModes as Array<(typeof AUTH_MODES)[number]> }
        : {}),
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
        throw new UsageError(
          `cannot listen on ${args.listen}:${args.port} (${err.code}): pass another --port, or --port 0 for any free port`,
        );
      }
      throw err;
    });
    try {
      ctx.io.stdout.write(
        `CYTOMINE_HOST=${emulator.url}\nCYTOMINE_PUBLIC_KEY=${emulator.publicKey}\n` +
          `CYTOMINE_PRIVATE_KEY=${emulator.privateKey}\nCYTOMINE_TOKEN=${emulator.token}\n`,
      );
      ctx.message(
        `cytorx emulator listening on ${emulator.url} (dataset seed ${args.generate}); ` +
          'these are its own test keys: `export` the lines above to use them. Ctrl-C stops it.',
      );
      await untilAborted(ctx.io.signal);
    } finally {
      await emulator.close();
    }
    ctx.message('cytorx emulator stopped');
  },
});
