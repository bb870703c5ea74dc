import { cocoWriter } from '../coco/coco-writer.js';
import { geojsonWriter } from '../geojson/geojson-writer.js';
import { maskWriter } from '../mask/mask-writer.js';
import { omeZarrWriter } from '../ome-zarr/ome-zarr-writer.js';
import type { WriterFactory } from '../writer.js';

/** The built-in writers by name, as `--writer NAME` resolves them. */
export const BUILTIN_WRITERS: Readonly<Record<string, WriterFactory<never>>> = Object.freeze({
  coco: cocoWriter as WriterFactory<never>,
  geojson: geojsonWriter as WriterFactory<never>,
  mask: maskWriter as WriterFactory<never>,
  'ome-zarr': omeZarrWriter as WriterFactory<never>,
});
