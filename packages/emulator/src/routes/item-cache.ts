import type { DatasetAnnotation, DatasetImage, DatasetUser } from '../types.js';

/**
 * The JSON text of one listing item and everything it was made from: the request's layout
 * (groups, dropped columns, class, base URL) and the fields of the annotation, of its image and
 * of its creator that the item shows. The dataset is live (tests edit it in place), so a
 * fragment is only reused while all of these are unchanged.
 */
class Fragment {
  readonly id: number;
  readonly created: number;
  readonly updated: number | null;
  readonly image: number;
  readonly project: number;
  readonly user: number;
  readonly reviewed: boolean;
  readonly location: string;
  readonly terms: DatasetAnnotation['terms'];
  /** id, term, user of every term link, in order. */
  readonly links: number[];
  readonly slice: number | undefined;
  readonly filename: string | undefined;
  readonly physicalSizeX: number | null | undefined;
  readonly username: string | undefined;
  readonly firstname: string | undefined;
  readonly lastname: string | undefined;

  constructor(
    readonly layout: string,
    readonly json: string,
    a: DatasetAnnotation,
    readonly img: DatasetImage | undefined,
    readonly creator: DatasetUser | undefined,
  ) {
    this.id = a.id;
    this.created = a.created;
    this.updated = a.updated;
    this.image = a.image;
    this.project = a.project;
    this.user = a.user;
    this.reviewed = a.reviewed;
    this.location = a.location;
    this.terms = a.terms;
    this.links = [];
    for (const l of a.terms) this.links.push(l.id, l.term, l.user);
    this.slice = img?.slice;
    this.filename = img?.filename;
    this.physicalSizeX = img?.physicalSizeX;
    this.username = creator?.username;
    this.firstname = creator?.firstname;
    this.lastname = creator?.lastname;
  }

  holds(
    layout: string,
    a: DatasetAnnotation,
    img: DatasetImage | undefined,
    u: DatasetUser | undefined,
  ): boolean {
    if (
      layout !== this.layout ||
      a.id !== this.id ||
      a.created !== this.created ||
      a.updated !== this.updated ||
      a.image !== this.image ||
      a.project !== this.project ||
      a.user !== this.user ||
      a.reviewed !== this.reviewed ||
      a.location !== this.location ||
      a.terms !== this.terms ||
      a.terms.length * 3 !== this.links.length ||
      img !== this.img ||
      img?.slice !== this.slice ||
      img?.filename !== this.filename ||
      img?.physicalSizeX !== this.physicalSizeX ||
      u !== this.creator ||
      u?.username !== this.username ||
      u?.firstname !== this.firstname ||
      u?.lastname !== this.lastname
    ) {
      return false;
    }
    const links = this.links;
    for (let k = 0, j = 0; k < a.terms.length; k++, j += 3) {
      const l = a.terms[k]!;
      if (l.id !== links[j] || l.term !== links[j + 1] || l.user !== links[j + 2]) return false;
    }
    return true;
  }
}

/**
 * JSON text of listing items, per annotation, so that paging through a listing again (the
 * same client, another benchmark run) does not serialise the same items again. A fragment is
 * reused only when the request's layout and every field the item shows are unchanged. The
 * cache is emptied when it holds more than `maxChars` characters (default 64 Mi).
 */
export class ItemCache {
  private fragments = new WeakMap<DatasetAnnotation, Fragment>();
  private chars = 0;

  constructor(private readonly maxChars = 64 * 1024 * 1024) {}

  /**
   * The JSON of `a` in this `layout`, or `make()` stored for it.
   * @param layout - a string naming everything of the request the item depends on
   * @param img - the annotation's image (the item shows its slice, file name, calibration)
   * @param u - the annotation's creator (the item shows its names)
   */
  get(
    layout: string,
    a: DatasetAnnotation,
    img: DatasetImage | undefined,
    u: DatasetUser | undefined,
    make: () => string,
  ): string {
    const f = this.fragments.get(a);
    if (f?.holds(layout, a, img, u)) return f.json;
    const json = make();
    if (f) this.chars -= f.json.length;
    if (this.chars + json.length > this.maxChars) {
      this.fragments = new WeakMap();
      this.chars = 0;
    }
    this.fragments.set(a, new Fragment(layout, json, a, img, u));
    this.chars += json.length;
    return json;
  }
}
