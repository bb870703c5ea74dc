import type { ClassMapping } from '@cytorx/core';
import type { AtomicFile, OutputDir } from '../fs/output-dir.js';
import type { CompressedRle } from './rle.js';

/** A COCO `images` entry (extra keys for tiles). */
export interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  [extra: string]: unknown;
}

/** A COCO `annotations` entry as cytorx writes it. */
export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  segmentation: number[][] | CompressedRle;
  area: number;
  bbox: [number, number, number, number];
  iscrowd: 0;
  /** The feature id (Cytomine annotation id or derived multi-term id). */
  annotation_id: number;
}

const CHUNK = 64 * 1024;

/**
 * One COCO JSON file written as a stream: `{"info", "licenses", "annotations": [` then each
 * annotation as it comes (the COCO writer feeds it from the per-image part files), then at commit `], "images": [...], "categories": [...]}`. Key order
 * does not matter to JSON readers, and this order lets annotations stream while the (small)
 * image and category lists are completed at the end. Internal to the COCO writer.
 */
export class CocoFile {
  private buffer = '';
  private annotations = 0;
  private readonly images: CocoImage[] = [];
  private readonly imageIds = new Set<number>();
  private readonly used = new Map<number, string | undefined>();

  private constructor(
    private readonly file: AtomicFile,
    private readonly classes: ClassMapping,
    private readonly supercategory: string,
  ) {}

  static async open(
    out: OutputDir,
    rel: string,
    info: Record<string, unknown>,
    classes: ClassMapping,
    supercategory: string,
  ): Promise<CocoFile> {
    const file = await out.open(rel);
    await file.write(`{"info":${JSON.stringify(info)},"licenses":[],"annotations":[`);
    return new CocoFile(file, classes, supercategory);
  }

  get imageCount(): number {
    return this.images.length;
  }

  hasImage(id: number): boolean {
    return this.imageIds.has(id);
  }

  addImage(image: CocoImage): void {
    this.imageIds.add(image.id);
    this.images.push(image);
  }

  /** Records that `classId` is used (so `unlabeled` or an unmapped id gets a category); returns it. */
  useCategory(classId: number, className: string | undefined): number {
    if (!this.used.has(classId)) this.used.set(classId, className);
    return classId;
  }

  /** Appends one annotation, given as its JSON text (see {@link CocoAnnotation}). */
  async addAnnotationJson(json: string): Promise<void> {
    this.buffer += (this.annotations++ === 0 ? '\n' : ',\n') + json;
    if (this.buffer.length >= CHUNK) await this.flush();
  }

  /** Writes images and categories, publishes the file; returns its relative path. */
  async commit(): Promise<string> {
    try {
      await this.file.write(`${this.buffer}\n],"images":[`);
      this.buffer = '';
      for (let i = 0; i < this.images.length; i++) {
        this.buffer += (i === 0 ? '\n' : ',\n') + JSON.stringify(this.images[i]);
        if (this.buffer.length >= CHUNK) await this.flush();
      }
      await this.file.write(`${this.buffer}\n],"categories":${JSON.stringify(this.categories())}}\n`);
      this.buffer = '';
      await this.file.commit();
    } catch (e) {
      await this.file.abort();
      throw e;
    }
    return this.file.relPath;
  }

  abort(): Promise<void> {
    return this.file.abort();
  }

  /**
   * Every class of the mapping and `unlabeled` (the whole mapping, whether used or not), then
   * ids outside it that were used; sorted by id.
   */
  private categories(): { id: number; name: string; supercategory: string }[] {
    const out = new Map<number, string>();
    for (const c of this.classes.classes) if (c.id !== this.classes.unlabeled) out.set(c.id, c.name);
    out.set(this.classes.unlabeled, 'unlabeled');
    for (const [id, className] of this.used) {
      if (out.has(id)) continue;
      out.set(id, id === this.classes.unlabeled ? 'unlabeled' : (className ?? `class_${id}`));
    }
    return [...out.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([id, name]) => ({ id, name, supercategory: this.supercategory }));
  }

  private async flush(): Promise<void> {
    const chunk = this.buffer;
    this.buffer = '';
    await this.file.write(chunk);
  }
}
