import type { ImageInstance, PipelineWarning } from '@cytorx/core';

/** A warning as the report keeps it (the image id is the record's). */
export interface RecordedWarning {
  code: PipelineWarning['code'];
  stage: string;
  message: string;
  annotationId?: number;
  skipped: boolean;
}

/**
 * What the export records about one complete image: persisted as `.cytorx/images/{id}.json`
 * once every writer committed the image's files (the proof that the image is complete), and
 * merged into report.json. Holds no timing, so a resumed run records the same bytes.
 */
export interface ImageRecordData {
  id: number;
  name: string | null;
  width: number;
  height: number;
  /** Canvas scale (2^-zoom). */
  scale: number;
  /** Annotations received from the server. */
  annotations: number;
  /** Features handed to the writers. */
  features: number;
  /** Features per class id. */
  classes: Record<string, number>;
  /** Batches written (1, or the number of tiles). */
  batches: number;
  /** Mask pixels claimed by more than one class. */
  contestedPixels: number;
  /** Files per writer, sorted. */
  files: Record<string, string[]>;
  /** Every warning about this image, sorted by stage then annotation id (stable). */
  warnings: RecordedWarning[];
}

/** Collects an image's record while it goes through the pipeline and the writers. @internal */
export class ImageRecord {
  annotations = 0;
  features = 0;
  batches = 0;
  private readonly classes = new Map<number, number>();
  private readonly warnings: RecordedWarning[] = [];
  private readonly files = new Map<string, string[]>();
  private contested = 0;

  constructor(
    readonly image: ImageInstance,
    readonly scale: number,
  ) {}

  warn(w: PipelineWarning): void {
    const r: RecordedWarning = { code: w.code, stage: w.stage, message: w.message, skipped: w.skipped };
    if (w.annotationId !== undefined) r.annotationId = w.annotationId;
    this.warnings.push(r);
    if (w.pixels !== undefined && w.stage === 'mask') this.contested += w.pixels;
  }

  /** The image's feature count and features per class id (`-1`: no class). */
  setFeatures(count: number, perClass: Iterable<readonly [number, number]>): void {
    this.features = count;
    this.classes.clear();
    for (const [id, n] of perClass) this.classes.set(id, n);
  }

  addFile(writer: string, rel: string): void {
    const list = this.files.get(writer);
    if (list) list.push(rel);
    else this.files.set(writer, [rel]);
  }

  toJSON(): ImageRecordData {
    const { image } = this;
    const name = image.instanceFilename ?? image.originalFilename ?? image.filename ?? null;
    const warnings = this.warnings
      .map((w, i) => ({ w, i }))
      .sort(
        (a, b) =>
          cmp(a.w.stage, b.w.stage) ||
          (a.w.annotationId ?? -1) - (b.w.annotationId ?? -1) ||
          cmp(a.w.code, b.w.code) ||
          a.i - b.i,
      )
      .map(({ w }) => w);
    return {
      id: image.id,
      name: typeof name === 'string' ? name : null,
      width: image.width,
      height: image.height,
      scale: this.scale,
      annotations: this.annotations,
      features: this.features,
      classes: Object.fromEntries(
        [...this.classes].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v]),
      ),
      batches: this.batches,
      contestedPixels: this.contested,
      files: Object.fromEntries(
        [...this.files].sort((a, b) => cmp(a[0], b[0])).map(([k, v]) => [k, [...v].sort(cmp)]),
      ),
      warnings,
    };
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
