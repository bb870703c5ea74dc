/** Options of `readPredictions`. All plain data except the callbacks. */
export interface PredictionOptions {
  /** The image of GeoJSON features that name none (`--image`). */
  imageId?: number;
  /**
   * Full-resolution width and height of an image, e.g. from the server (`getImage`). Needed
   * for masks (their zoom level and canvas) and tiled COCO.
   */
  imageSize: (imageId: number) => Promise<{ width: number; height: number }>;
  /**
   * Zoom level the masks or COCO were written at: coordinates are scaled by 2^zoom back to
   * full resolution. Default: the export's manifest.json, else (an untiled mask) the level
   * whose canvas has the mask's size, else 0.
   */
  zoom?: number;
  /** Pixels of one class touching at a corner are one region (8, default) or not (4). */
  connectivity?: 4 | 8;
  /** Mask values that are no class (default `[0, 255]`: background and unlabeled). */
  ignore?: readonly number[];
  /** Douglas–Peucker tolerance in full-resolution pixels for vectorised masks (default 0: exact). */
  simplify?: number;
  /** Called after each mask (or COCO file) is read, with the features it gave. */
  onFile?: (event: { file: string; features: number }) => void;
  /** Stops reading with an AbortedError. */
  signal?: AbortSignal;
}
