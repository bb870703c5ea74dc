import type { ImageInstance, Project, Term } from '@cytorx/core';
import { defineCommand } from '../context.js';
import type { Column } from '../output.js';
import { formatTable } from '../output.js';

const projectColumns: ReadonlyArray<Column<Project>> = [
  { header: 'ID', value: (p) => p.id, align: 'right' },
  { header: 'NAME', value: (p) => p.name },
  { header: 'ONTOLOGY', value: (p) => p.ontology, align: 'right' },
];
const imageColumns: ReadonlyArray<Column<ImageInstance>> = [
  { header: 'ID', value: (i) => i.id, align: 'right' },
  { header: 'NAME', value: (i) => i.instanceFilename ?? i.originalFilename ?? i.filename },
  { header: 'WIDTH', value: (i) => i.width, align: 'right' },
  { header: 'HEIGHT', value: (i) => i.height, align: 'right' },
];
const termColumns: ReadonlyArray<Column<Term>> = [
  { header: 'ID', value: (t) => t.id, align: 'right' },
  { header: 'NAME', value: (t) => t.name },
  { header: 'COLOR', value: (t) => t.color },
];

/**
 * `cytorx demo`: the README's main job, offline. Starts the embedded emulator, lists its
 * projects, and each project's images and terms, then stops it.
 */
export const demoCommand = defineCommand({
  command: 'demo',
  describe: 'run the main job against an embedded emulator (offline, no flags needed)',
  builder: (y) => y.option('generate', { type: 'number', default: 42, describe: 'dataset seed' }),
  handler: async (args, ctx) => {
    const [{ listImages, listProjects, listTerms }, { startEmulator }, { lastValueFrom, toArray }] =
      await Promise.all([import('@cytorx/core'), import('@cytorx/emulator'), import('rxjs')]);
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
      const out = ctx.io.stdout;
      const json = ctx.format !== 'table';
      const report: Array<{ project: Project; images: ImageInstance[]; terms: Term[] }> = [];
      if (!json) out.write(`Projects (${projects.length})\n${formatTable(projects, projectColumns)}`);
      for (const project of projects) {
        const [images, terms] = await Promise.all([
          lastValueFrom(listImages(client, project.id).pipe(toArray())),
          lastValueFrom(listTerms(client, { project: project.id }).pipe(toArray())),
        ]);
        report.push({ project, images, terms });
        if (json) continue;
        out.write(`\nProject ${project.id} "${project.name}": images (${images.length})\n`);
        out.write(formatTable(images, imageColumns));
        out.write(`\nProject ${project.id} "${project.name}": terms (${terms.length})\n`);
        out.write(formatTable(terms, termColumns));
      }
      if (ctx.format === 'json') out.write(`${JSON.stringify(report, null, 2)}\n`);
      else if (ctx.format === 'ndjson') for (const entry of report) out.write(`${JSON.stringify(entry)}\n`);
      await client.close();
      ctx.message(
        `cytorx demo: done (${projects.length} projects). Try \`cytorx emulator\` to keep a server running.`,
      );
    } finally {
      await emulator.close();
    }
  },
});
