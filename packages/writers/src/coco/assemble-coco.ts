import { ConfigError } from '@cytorx/core';
import type { WriterContext } from '../writer.js';
import { CocoFile } from './coco-file.js';
import { listCocoParts, readCocoPart } from './coco-part.js';
import { describeSplit, type SplitPlan } from './split.js';

const ANNOTATIONS = 'annotations.json';
const ID_PLACEHOLDER = '{"id":0';

/** Where {@link assembleCoco} reads the parts and writes the COCO files. */
export interface AssembleCocoOptions {
  /** Folder of the COCO files under the output directory. */
  dir: string;
  /** Folder of the per-image part files under the output directory. */
  partsDir: string;
  /** The split plan (one file per part), or undefined for one `annotations.json`. */
  plan: SplitPlan | undefined;
  /** Supercategory of every category. Default: the ontology name, else the project name, else `cytomine`. */
  supercategory?: string | undefined;
  /** Stage named in warnings. Default `coco`. */
  name?: string | undefined;
}

/** What the assembled COCO files hold. */
export interface CocoStats {
  annotations: number;
  polygons: number;
  rle: number;
  skipped: number;
  images: number;
  /** With a split: Cytomine images per part. */
  splits?: Record<string, number>;
}

/**
 * Assembles the COCO files from every part in `partsDir`, in ascending COCO image id (so the
 * output never depends on the order or timing the parts were written in), streaming one
 * annotation line at a time. Tile annotations are numbered in that order. Writes
 * `{dir}/annotations.json`, or one file per split part and `{dir}/splits.json`, atomically:
 * on failure or cancellation (`ctx.signal`) nothing is published. Every file gets the same
 * categories (the whole mapping, plus any id used in any part). With a split, a part that gets
 * no image is reported through `ctx.warn`, saying how many images each part got and how they
 * are assigned. @internal
 */
export async function assembleCoco(
  ctx: WriterContext,
  options: AssembleCocoOptions,
): Promise<{ files: string[]; stats: CocoStats }> {
  const { dir, partsDir, plan } = options;
  const stats: CocoStats = { annotations: 0, polygons: 0, rle: 0, skipped: 0, images: 0 };
  const written: string[] = [];
  const info = {
    description: ctx.project ? `cytorx export of Cytomine project ${ctx.project.name}` : 'cytorx export',
    contributor: 'cytorx',
    version: '1.0',
  };
  const supercategory = options.supercategory ?? ctx.project?.ontologyName ?? ctx.project?.name ?? 'cytomine';
  const files = new Map<string, CocoFile>();
  try {
    for (const part of plan === undefined ? [ANNOTATIONS] : plan.names) {
      const rel = `${dir}/${plan === undefined ? part : `${part}.json`}`;
      files.set(part, await CocoFile.open(ctx.out, rel, info, ctx.classes, supercategory));
    }
    const assignment: Record<string, string> = {};
    let tileCounter = 0;
    for (const path of await listCocoParts(ctx.out.resolve(partsDir))) {
      ctx.signal.throwIfAborted();
      const part = await readCocoPart(path);
      const { image, split, tile } = part.header;
      const sink = files.get(split ?? ANNOTATIONS);
      if (sink === undefined) {
        throw new ConfigError(`COCO part ${path} is for split "${split}", not one of this writer's`);
      }
      if (split !== null) assignment[String(image.cytomine_image_id ?? image.id)] = split;
      sink.addImage(image);
      for await (const line of part.annotations()) {
        await sink.addAnnotationJson(
          tile ? `{"id":${++tileCounter}${line.slice(ID_PLACEHOLDER.length)}` : line,
        );
      }
      const t = part.trailer();
      // Every file gets every category used anywhere: split parts carry the same list.
      for (const [id, className] of t.categories) {
        for (const file of files.values()) file.useCategory(id, className ?? undefined);
      }
      stats.annotations += t.annotations;
      stats.polygons += t.polygons;
      stats.rle += t.rle;
      stats.skipped += t.skipped;
      stats.images++;
    }
    // Integer-like keys serialise in ascending numeric order, so splits.json is deterministic.
    for (const file of files.values()) written.push(await file.commit());
    if (plan !== undefined) {
      const { counts, note } = describeSplit(plan, assignment);
      stats.splits = counts;
      if (note !== undefined)
        ctx.warn({ code: 'OTHER', stage: options.name ?? 'coco', message: note, skipped: false });
      const rel = `${dir}/splits.json`;
      await ctx.out.writeFile(rel, `${JSON.stringify(assignment, null, 1)}\n`);
      written.push(rel);
    }
  } catch (e) {
    for (const file of files.values()) await file.abort();
    throw e;
  }
  return { files: written.sort(), stats };
}
