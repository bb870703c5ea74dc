/** A rasterizer workload (raster-coco.md §D format). */
export interface Workload {
  width: number;
  height: number;
  seed: number;
  grid: number;
  coords: string;
  /** Flat open rings `[x0, y0, x1, y1, ...]`: first outer, the rest holes; painted in list order. */
  annotations: { class_id: number; polygons: number[][] }[];
}
export declare const WORKLOAD_DIR: string;
export declare const WORKLOAD_SEED: number;
export declare function mulberry32(seed: number): () => number;
export declare function generateWorkload(options: {
  width: number;
  height: number;
  count: number;
  seed?: number;
}): Workload;
export declare function workloadDigest(workload: Workload): string;
export declare function committedDigests(): Record<string, string>;
export declare function loadWorkload(name: string): Workload;
export declare function paintWorkload(
  rasterizer: {
    spans(
      rings: ReadonlyArray<ArrayLike<number>>,
      width: number,
      height: number,
      onSpan: (y: number, x0: number, x1: number) => void,
    ): void;
  },
  workload: Pick<Workload, 'width' | 'height' | 'annotations'>,
  annotations?: Workload['annotations'],
): Uint8Array;
