import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import type { CytomineClient } from '../client/types.js';
import { listAnnotations } from '../resources/annotations.js';
import { currentUser } from '../resources/current-user.js';
import { getImage } from '../resources/images.js';
import type { Annotation, ImageInstance } from '../resources/types.js';
import { openLedger, type UploadLedger } from './ledger.js';
import { ReadWriteLock } from './rw-lock.js';

/** Options shared by the upload operators. */
export interface UploadSessionOptions {
  /** Ledger of created ids (default: a new in-memory ledger). */
  ledger?: UploadLedger;
  /** Id of the user the client authenticates as (default: fetched from `/api/user/current.json`). */
  userId?: number;
  /** Images already known (saves a `getImage` per image). */
  images?: ReadonlyMap<number, ImageInstance>;
  /** Aborts every request of the run. */
  signal?: AbortSignal;
}

/**
 * Per-run state of an upload: image and user caches, the ledger, and the lock that keeps a
 * reconciling listing from running while batches are in flight. Internal.
 */
export class UploadSession {
  readonly client: CytomineClient;
  readonly ledger: UploadLedger;
  readonly lock = new ReadWriteLock();
  readonly signal: AbortSignal;
  private readonly images = new Map<number, Promise<ImageInstance>>();
  private user: Promise<number> | undefined;

  constructor(client: CytomineClient, options: UploadSessionOptions, signal: AbortSignal) {
    this.client = client;
    this.ledger = options.ledger ?? openLedger();
    this.signal = signal;
    for (const [id, image] of options.images ?? []) this.images.set(id, Promise.resolve(image));
    if (options.userId !== undefined) this.user = Promise.resolve(options.userId);
  }

  /** The image (fetched once per run). */
  image(id: number): Promise<ImageInstance> {
    let p = this.images.get(id);
    if (!p) {
      p = firstValueFrom(getImage(this.client, id));
      this.images.set(id, p);
      p.catch(() => this.images.delete(id));
    }
    return p;
  }

  /** The current user's id (fetched once per run). */
  userId(): Promise<number> {
    this.user ??= firstValueFrom(currentUser(this.client)).then((u) => u.id);
    return this.user;
  }

  /**
   * The annotations of the image created by the current user, with WKT and terms; only those
   * intersecting `bbox` (`[minX, minY, maxX, maxY]`, Cytomine frame) when given.
   */
  async myAnnotations(
    imageId: number,
    bbox?: readonly [number, number, number, number],
  ): Promise<Annotation[]> {
    const user = await this.userId();
    return lastValueFrom(
      listAnnotations(
        this.client,
        {
          image: imageId,
          users: [user],
          showWKT: true,
          showTerm: true,
          showMeta: true,
          ...(bbox ? { bbox: [bbox[0], bbox[1], bbox[2], bbox[3]] as const } : {}),
        },
        { signal: this.signal },
      ).pipe(toArray()),
    );
  }
}
