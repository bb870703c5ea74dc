import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '@cytorx/core';
import { createOutputDir } from '../fs/output-dir.js';
import { checkShards } from './check-shards.js';
import type { CocoImage } from './coco-file.js';

interface CocoDoc {
  info?: unknown;
  licenses?: unknown[];
  images?: CocoImage[];
  annotations?: Array<{ id: number; image_id: number; [k: string]: unknown }>;
  categories?: Array<{ id: number; name: string; supercategory?: string; [k: string]: unknown }>;
}

/** What {@link mergeCoco} did. */
export interface MergeCocoResult {
  /** Absolute path of the merged file. */
  file: string;
  images: number;
  annotations: number;
  categories: number;
  /** Images and annotations seen in more than one input (kept once). */
  duplicates: number;
}

const CHUNK = 64 * 1024;

/**
 * Merges COCO files (e.g. the shards of an export run with `--shard I/N`) into one, written
 * atomically: images, categories and annotations deduplicated by id; images sorted by id,
 * annotations by image (then in their input order), categories by id; `info` and `licenses`
 * from the first input. The layout is the COCO writer's, so merging the shards of an export
 * gives the same bytes as the unsharded export. Tiled exports (images with
 * `cytomine_image_id`) number annotations per run, so their ids are renumbered 1..N in the
 * merged order, exactly as the unsharded export numbers them. Inputs are read whole (memory
 * grows with their size).
 *
 * @param inputs - COCO JSON files, or export output directories (their `coco/{fileName}`).
 * @param output - The merged file's path (its folder is created).
 * @param options - `fileName` (default `annotations.json`) picked inside directories, e.g. `train.json`.
 * Shards of an export (inputs whose `manifest.json` records a `shard`) must be exactly the
 * shards of one partition: all complete, cut from the same image set into the same count, each
 * once, none missing; otherwise the merge is refused naming the inputs and images concerned.
 *
 * @throws ConfigError `CYTORX_CONFIG` when an input is missing or not COCO JSON, when two inputs
 *   give one category id different names, or one id to two different images or annotations;
 *   when export shards saw different image sets, overlap, are incomplete or leave images out.
 * @example
 * ```ts
 * import { mergeCoco } from '@cytorx/writers';
 * await mergeCoco(['out-0', 'out-1', 'out-2', 'out-3'], 'merged/annotations.json');
 * ```
 */
export async function mergeCoco(
  inputs: readonly string[],
  output: string,
  options: { fileName?: string } = {},
): Promise<MergeCocoResult> {
  if (inputs.length === 0) throw new ConfigError('coco-merge: give at least one input');
  const fileName = options.fileName ?? 'annotations.json';
  const images = new Map<number, { image: CocoImage; json: string }>();
  const annotations: Array<{ a: NonNullable<CocoDoc['annotations']>[number]; json: string; seq: number }> =
    [];
  const annotationKeys = new Map<number | string, string>();
  const categories = new Map<
    number,
    { c: NonNullable<CocoDoc['categories']>[number]; json: string; from: string }
  >();
  let head: { info: unknown; licenses: unknown[] } | undefined;
  let duplicates = 0;
  let tiled: boolean | undefined;
  const located = await Promise.all(
    inputs.map(async (input) => ({ input, file: await locate(input, fileName) })),
  );
  await checkShards(located);
  for (const { file } of located) {
    let doc: CocoDoc;
    try {
      doc = JSON.parse(await readFile(file, 'utf8')) as CocoDoc;
    } catch (e) {
      throw new ConfigError(`coco-merge: ${file} is not JSON (${(e as Error).message})`, { cause: e });
    }
    if (!Array.isArray(doc.images) || !Array.isArray(doc.annotations) || !Array.isArray(doc.categories)) {
      throw new ConfigError(`coco-merge: ${file} is not a COCO file (images, annotations, categories)`);
    }
    head ??= { info: doc.info ?? {}, licenses: doc.licenses ?? [] };
    for (const c of doc.categories) {
      const json = JSON.stringify(c);
      const seen = categories.get(c.id);
      if (seen === undefined) categories.set(c.id, { c, json, from: file });
      else if (seen.c.name !== c.name || (seen.c.supercategory ?? null) !== (c.supercategory ?? null)) {
        throw new ConfigError(
          `coco-merge: category ${c.id} is "${seen.c.name}" in ${seen.from} but "${c.name}" in ${file}; the inputs were exported with different class mappings`,
        );
      }
    }
    const fileTiled = doc.images.some((im) => im.cytomine_image_id !== undefined);
    if (tiled !== undefined && fileTiled !== tiled) {
      throw new ConfigError(`coco-merge: ${file} mixes tiled and whole-image exports with the other inputs`);
    }
    tiled = fileTiled;
    for (const image of doc.images) {
      const json = JSON.stringify(image);
      const seen = images.get(image.id);
      if (seen === undefined) images.set(image.id, { image, json });
      else if (seen.json === json) duplicates++;
      else throw new ConfigError(`coco-merge: image ${image.id} differs between inputs (${file})`);
    }
    for (const a of doc.annotations) {
      const json = JSON.stringify(a);
      // Tile annotation ids are numbered per run (renumbered below): tell them apart by content.
      const key = tiled ? JSON.stringify({ ...a, id: 0 }) : a.id;
      const seen = annotationKeys.get(key);
      if (seen === undefined) {
        annotationKeys.set(key, json);
        annotations.push({ a, json, seq: annotations.length });
      } else if (tiled || seen === json) duplicates++;
      else throw new ConfigError(`coco-merge: annotation ${a.id} differs between inputs (${file})`);
    }
  }
  const sortedAnnotations = annotations.sort((x, y) => x.a.image_id - y.a.image_id || x.seq - y.seq);
  const dir = await createOutputDir(path.dirname(path.resolve(output)));
  const out = await dir.open(path.basename(output));
  try {
    let buffer = `{"info":${JSON.stringify(head!.info)},"licenses":${JSON.stringify(head!.licenses)},"annotations":[`;
    const emit = async (text: string) => {
      buffer += text;
      if (buffer.length >= CHUNK) {
        await out.write(buffer);
        buffer = '';
      }
    };
    let n = 0;
    for (const { a, json } of sortedAnnotations) {
      await emit((n++ === 0 ? '\n' : ',\n') + (tiled ? JSON.stringify({ ...a, id: n }) : json));
    }
    await emit('\n],"images":[');
    let i = 0;
    for (const [, { json }] of [...images].sort((x, y) => x[0] - y[0])) {
      await emit((i++ === 0 ? '\n' : ',\n') + json);
    }
    const cats = [...categories].sort((x, y) => x[0] - y[0]).map(([, { json }]) => json);
    await out.write(`${buffer}\n],"categories":[${cats.join(',')}]}\n`);
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
  return {
    file: path.resolve(output),
    images: images.size,
    annotations: sortedAnnotations.length,
    categories: categories.size,
    duplicates,
  };
}

async function locate(input: string, fileName: string): Promise<string> {
  const st = await stat(input).catch(() => undefined);
  if (st === undefined) throw new ConfigError(`coco-merge: ${input} does not exist`);
  if (!st.isDirectory()) return input;
  for (const candidate of [path.join(input, 'coco', fileName), path.join(input, fileName)]) {
    if (
      await stat(candidate).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return candidate;
  }
  throw new ConfigError(`coco-merge: ${input} has no coco/${fileName}`);
}
