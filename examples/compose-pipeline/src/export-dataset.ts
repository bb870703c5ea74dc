import {
  type CytomineClient,
  classMappingToJson,
  clipToImage,
  defaultClassMapping,
  getProject,
  groupByImage,
  listAnnotations,
  listImages,
  listTerms,
  mapClasses,
  type PipelineWarning,
  parseWkt,
  repair,
  resolveTerms,
  toImageSpace,
} from '@cytorx/core';
import {
  cocoWriter,
  createWriterContext,
  geojsonWriter,
  maskWriter,
  type Writer,
  writeTo,
} from '@cytorx/writers';
import { concatMap, filter, firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';

/** Writes what `cytorx export --format geojson,mask,coco` writes, plus what `extra` writers write. */
export async function exportDataset(
  client: CytomineClient,
  projectId: number,
  out: string,
  extra: Writer[] = [],
) {
  const project = await firstValueFrom(getProject(client, projectId));
  const terms = await lastValueFrom(listTerms(client, { project: project.id }).pipe(toArray()));
  const images = await lastValueFrom(listImages(client, project.id).pipe(toArray()));
  images.sort((a, b) => a.id - b.id); // the export's order
  const classes = defaultClassMapping(terms); // ontology terms by id -> 1..N, 255 unlabeled
  const warnings: PipelineWarning[] = []; // what was left out, and why
  const onWarning = (w: PipelineWarning) => warnings.push(w);
  // `project` names the COCO supercategory (its ontology) and description.
  const ctx = await createWriterContext({ out, classes, project, warn: onWarning });
  await ctx.out.writeFile('classes.json', classMappingToJson(classes));
  // One image at a time (groupByImage needs each image's features together), by annotation id.
  const features = from(images).pipe(
    concatMap((image) =>
      listAnnotations(client, { image: image.id }).pipe(
        toArray(),
        concatMap((annotations) => annotations.sort((a, b) => a.id - b.id)),
      ),
    ),
    parseWkt({ images: new Map(images.map((im) => [im.id, im])), onWarning }), // WKT -> GeoJSON
    toImageSpace(), // Cytomine's bottom-left origin -> image pixels, y down
    resolveTerms(terms, { onWarning }),
    mapClasses({ mapping: classes, onWarning }), // term -> class id
    repair({ onWarning }), // invalid rings made valid (even-odd)
    clipToImage({ onWarning }),
  );
  const done = await lastValueFrom(
    features.pipe(
      groupByImage({ images }), // one batch per image, images without annotations included
      writeTo(ctx, geojsonWriter(), maskWriter(), cocoWriter(), ...extra),
      filter((event) => event.type === 'done'),
    ),
  );
  return { summaries: done.summaries, complete: done.complete, warnings };
}
