import type { ClassMapping, ImageInstance } from '@cytorx/core';
import type { OverlapPolicy } from '../mask/composite.js';
import { previewPalette } from '../mask/preview-palette.js';
import type { PyramidLevel } from './pyramid-levels.js';

/** What the group attributes of one label image describe. @internal */
export interface LabelImageInfo {
  image: ImageInstance;
  levels: readonly PyramidLevel[];
  /** Scale of level 0 relative to the full-resolution image (the batch's `canvas.scale`). */
  canvasScale: number;
  classes: ClassMapping;
  overlap: OverlapPolicy;
}

/** `.zgroup` of a Zarr v2 group. @internal */
export const ZGROUP = `${JSON.stringify({ zarr_format: 2 })}\n`;

/**
 * `.zarray` of one level: 2-D uint8 (`|u1`), C order, `chunkSize`² chunks stored under
 * `{y}/{x}` (the nested layout of OME-NGFF), zlib-compressed (numcodecs `zlib`, which
 * zarr-python reads without plugins), `fill_value` 0 (chunks left out read as background).
 * @internal
 */
export function zarrayJson(level: PyramidLevel, chunkSize: number): string {
  const meta = {
    zarr_format: 2,
    shape: [level.height, level.width],
    chunks: [chunkSize, chunkSize],
    dtype: '|u1',
    // Decoders ignore the level; with the run-length strategy every level 1..9 gives the same bytes.
    compressor: { id: 'zlib', level: 1 },
    fill_value: 0,
    order: 'C',
    filters: null,
    dimension_separator: '/',
  };
  return `${JSON.stringify(meta, null, 2)}\n`;
}

/**
 * The image's pixel size in micrometres, `[y, x]`, from `physicalSizeY`/`physicalSizeX`
 * (µm per full-resolution pixel; Y defaults to X), or undefined when the image has none.
 * @internal
 */
export function pixelSizeOf(image: ImageInstance): [number, number] | undefined {
  const valid = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
  const x = image.physicalSizeX;
  if (!valid(x)) return undefined;
  const y = image.physicalSizeY;
  return [valid(y) ? y : x, x];
}

/**
 * The group attributes (`.zattrs`) of a label image: OME-NGFF 0.4 `multiscales` (axes y, x of
 * type space, in micrometres when the image has a pixel size; per level a `scale` = the size of
 * its pixel, and a `translation` that puts the centre of its pixel (0, 0) where it lies in the
 * level-0 frame) and `image-label` (`colors` from the classes' term colours as in the mask
 * preview, background transparent; `properties` naming each class). @internal
 */
export function labelImageAttrs(info: LabelImageInfo): Record<string, unknown> {
  const { image, levels, canvasScale, classes, overlap } = info;
  const size = pixelSizeOf(image);
  const unit = size === undefined ? {} : { unit: 'micrometer' };
  const [sy, sx] = size ?? [1, 1];
  const datasets = levels.map((level) => {
    // Full-resolution pixels per pixel of this level (exact: powers of two).
    const f = 1 / (canvasScale * level.factor);
    return {
      path: String(level.index),
      coordinateTransformations: [
        { type: 'scale', scale: [sy * f, sx * f] },
        { type: 'translation', translation: [(sy * (f - 1)) / 2, (sx * (f - 1)) / 2] },
      ],
    };
  });
  return {
    multiscales: [
      {
        version: '0.4',
        name: `image ${image.id} labels`,
        axes: [
          { name: 'y', type: 'space', ...unit },
          { name: 'x', type: 'space', ...unit },
        ],
        datasets,
        type: 'rasterized',
        metadata: {
          description:
            'each level rasterized from the annotations at its own scale under the cytorx pixel rule (a pixel is labelled when its centre is inside), not downsampled',
          overlap,
          imageId: image.id,
          ...(size === undefined ? {} : { physicalSizeYX: size }),
        },
      },
    ],
    'image-label': {
      version: '0.4',
      colors: labelColors(classes),
      properties: labelProperties(classes),
    },
  };
}

/** One RGBA colour per label value: 0 transparent, classes in their preview colour, unlabeled grey. */
function labelColors(classes: ClassMapping): Array<{ 'label-value': number; rgba: number[] }> {
  const lut = previewPalette(classes);
  const rgba = (v: number) => [lut[v * 3]!, lut[v * 3 + 1]!, lut[v * 3 + 2]!, 255];
  const out = new Map<number, number[]>([[0, [0, 0, 0, 0]]]);
  for (const v of labelValues(classes)) out.set(v, rgba(v));
  return [...out].sort((a, b) => a[0] - b[0]).map(([v, c]) => ({ 'label-value': v, rgba: c }));
}

/** Each class's name and Cytomine term ids; `unlabeled` named as such. */
function labelProperties(classes: ClassMapping): Array<Record<string, unknown>> {
  const out = new Map<number, Record<string, unknown>>();
  for (const c of classes.classes) {
    if (isLabel(c.id)) out.set(c.id, { 'label-value': c.id, class: c.name, termIds: [...c.termIds] });
  }
  if (isLabel(classes.unlabeled)) {
    out.set(classes.unlabeled, { 'label-value': classes.unlabeled, class: 'unlabeled', termIds: [] });
  }
  return [...out].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
}

function labelValues(classes: ClassMapping): number[] {
  return [...classes.classes.map((c) => c.id), classes.unlabeled].filter(isLabel);
}

function isLabel(v: number): boolean {
  return Number.isInteger(v) && v >= 1 && v <= 255;
}
