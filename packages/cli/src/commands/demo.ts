import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ExportSummary } from '@cytorx/writers';
import { defineCommand } from '../context.js';
import { progressView, summaryLines } from '../export-progress.js';
import { checkNumbers, positiveInteger } from '../options.js';
import { overviewStep } from '../overview-step.js';

/**
 * `cytorx demo`: the README's main job, offline. Starts the embedded emulator and exports its
 * first project with every format (GeoJSON, masks, COCO) into `./demo-out`, builds its
 * overview page, then prints what was written and, last, the path of overview.html.
 */
export const demoCommand = defineCommand({
  command: 'demo',
  options: [],
  describe: "export the embedded emulator's demo project to ./demo-out (offline, no flags needed)",
  builder: (y) =>
    y
      .option('generate', { type: 'number', default: 42, describe: 'dataset seed' })
      .option('out', { type: 'string', default: 'demo-out', describe: 'output directory' })
      .option('max-size', {
        type: 'number',
        default: 4096,
        describe:
          'downsample slides by a power of two to fit N px (the demo slides are up to 100,000 px wide)',
      })
      .check(
        checkNumbers({
          generate: [Number.isSafeInteger, 'an integer seed'],
          'max-size': positiveInteger('number of px'),
        }),
      ),
  handler: async (args, ctx) => {
    const [{ listProjects }, { exportProject }, { startEmulator }, { lastValueFrom, tap, toArray }] =
      await Promise.all([
        import('@cytorx/core'),
        import('@cytorx/writers'),
        import('@cytorx/emulator'),
        import('rxjs'),
      ]);
    const emulator = await startEmulator({ port: 0, dataset: { seed: args.generate } });
    try {
      ctx.message(`cytorx demo: embedded Cytomine emulator at ${emulator.url}`);
      const client = await ctx.client({
        host: emulator.url,
        auth: 'hmac',
        publicKey: emulator.publicKey,
        privateKey: emulator.privateKey,
      });
      const projects = await lastValueFrom(listProjects(client).pipe(toArray()));
      const project = projects.reduce((a, b) => (b.id < a.id ? b : a));
      const out = resolve(ctx.io.cwd, args.out);
      ctx.message(`cytorx demo: exporting project ${project.id} "${project.name}" to ${out}`);
      const tty = (ctx.io.stderr as { isTTY?: boolean }).isTTY === true;
      const view = progressView(tty ? 'bar' : 'none', ctx.io);
      const started = performance.now();
      let summary: ExportSummary | undefined;
      try {
        await lastValueFrom(
          exportProject(client, {
            project: project.id,
            out,
            formats: ['geojson', 'mask', 'coco'],
            maxSize: args.maxSize,
            ...(ctx.io.signal !== undefined ? { signal: ctx.io.signal } : {}),
          }).pipe(
            tap((e) => {
              view.onEvent(e);
              if (e.type === 'done') summary = e.summary;
            }),
          ),
        );
      } finally {
        view.finish();
      }
      const seconds = (performance.now() - started) / 1000;
      const html = await overviewStep(out, client, ctx, { server: `${emulator.url} (embedded emulator)` });
      const files = (await readdir(out, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => resolve(e.parentPath, e.name).slice(out.length + 1))
        .sort();
      const folders = new Map<string, number>();
      for (const f of files) {
        const top = f.includes('/') ? `${f.slice(0, f.indexOf('/'))}/` : f;
        folders.set(top, (folders.get(top) ?? 0) + 1);
      }
      const stdout = ctx.io.stdout;
      stdout.write(`Wrote ${files.length} files to ${out}:\n`);
      for (const [name, n] of folders) {
        const count = `${n} file${n === 1 ? '' : 's'}`;
        stdout.write(`  ${name.endsWith('/') ? `${name.padEnd(18)}${count}` : name}\n`);
      }
      if (summary !== undefined) for (const line of summaryLines(summary, seconds)) stdout.write(`${line}\n`);
      ctx.message('cytorx demo: done. Try `cytorx emulator` to keep a server running, then `cytorx export`.');
      // The last line: the page to open.
      if (html !== undefined) stdout.write(`${html}\n`);
    } finally {
      await emulator.close();
    }
  },
});
