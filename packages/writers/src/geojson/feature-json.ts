import { createHash } from 'node:crypto';
import {
  type ClassMapping,
  type Feature,
  type Geometry,
  InvalidGeometryError,
  type Position,
} from '@cytorx/core';
import { asciiBytes, type JsonBytes } from '../json/json-bytes.js';
import { COORDINATE_DECIMALS } from '../json/round-coordinate.js';
import { previewPalette } from '../mask/preview-palette.js';

/** Which properties a GeoJSON feature carries: the ATrISys ones, or those plus QuPath's. */
export type GeojsonFlavor = 'default' | 'qupath';

/** The GeoJSON flavours. */
export const GEOJSON_FLAVORS: readonly GeojsonFlavor[] = ['default', 'qupath'];

const HEX = asciiBytes('0123456789abcdef');

/**
 * Encodes features as GeoJSON Feature objects straight into a {@link JsonBytes} buffer.
 * Properties as the ATrISys guide's script writes them (`image_id`, `annotation_id`,
 * `class_id`, `class_name`) plus `term_ids`, `term_names`, `user_id`, `created` (epoch ms, as
 * the server gives it); unknown values are `null`, and so are `term_ids`/`term_names` of a
 * feature without terms (never an empty array: some GDAL/fiona builds crash on empty list
 * fields, others drop the column). Coordinates are rounded to `precision` decimals (default 9,
 * i.e. 1e-9 px) and written as the shortest decimal of the rounded value.
 *
 * The QuPath flavour follows QuPath's GeoJSON importer (`PathObjectTypeAdapter` and
 * `PathClassTypeAdapter` in qupath-core): a UUID `id` derived from the feature id (the same
 * on every export), `objectType: "annotation"`, and `classification: {name, color: [r, g, b]}`
 * always with a colour (QuPath refuses a classification without one and then imports
 * nothing): the class name, and the class colour from the mapping, else the first term's,
 * else the colour the mask preview uses (`unlabeled` grey). Features without any class or term
 * get no classification (unclassified in QuPath). `isLocked` is never written (QuPath writes
 * it only when true). Internal to the GeoJSON writer.
 * @internal
 */
export class FeatureEncoder {
  private readonly decimals: number;
  private readonly names = new Map<string, Uint8Array>();
  private readonly classifications = new Map<string, Uint8Array>();
  private palette: Uint8Array | undefined;
  /** The feature being encoded (named in errors). */
  private current: Feature | undefined;

  constructor(
    /** The mapping the encoder was made for. */
    readonly classes: ClassMapping,
    private readonly options: { flavor: GeojsonFlavor; precision?: number | undefined },
  ) {
    this.decimals = options.precision ?? COORDINATE_DECIMALS;
  }

  /** Appends `feature` as one Feature object (no separator). */
  encode(feature: Feature, out: JsonBytes): void {
    const qupath = this.options.flavor === 'qupath';
    out.ascii('{"type":"Feature","id":');
    if (qupath) writeUuid(out, feature.id);
    else out.number(feature.id, 0);
    out.ascii(',"geometry":');
    this.current = feature;
    this.geometry(feature.geometry, out);
    out.ascii(',"properties":{"image_id":');
    out.integer(feature.image.id);
    out.ascii(',"annotation_id":');
    out.integer(feature.annotationId);
    out.ascii(',"class_id":');
    if (feature.classId === undefined) out.ascii('null');
    else out.integer(feature.classId);
    out.ascii(',"class_name":');
    this.nullableString(feature.className, out);
    out.ascii(',"term_ids":');
    const termIds = feature.termIds;
    if (termIds.length === 0) out.ascii('null');
    else {
      out.byte(91);
      for (let i = 0; i < termIds.length; i++) {
        if (i > 0) out.byte(44);
        out.integer(termIds[i]!);
      }
      out.byte(93);
    }
    out.ascii(',"term_names":');
    const terms = feature.terms ?? [];
    if (terms.length === 0) out.ascii('null');
    else {
      out.byte(91);
      for (let i = 0; i < terms.length; i++) {
        if (i > 0) out.byte(44);
        this.cachedString(terms[i]!.name, out);
      }
      out.byte(93);
    }
    out.ascii(',"user_id":');
    scalar(feature.annotation.user, out);
    out.ascii(',"created":');
    scalar(feature.annotation.created, out);
    if (qupath) {
      out.ascii(',"objectType":"annotation"');
      const classification = this.classification(feature);
      if (classification !== undefined) {
        out.ascii(',"classification":');
        out.raw(classification);
      }
    }
    out.ascii('}}');
  }

  private geometry(g: Geometry, out: JsonBytes): void {
    out.ascii('{"type":');
    out.string(g.type);
    if (g.type === 'GeometryCollection') {
      out.ascii(',"geometries":[');
      g.geometries.forEach((child, i) => {
        if (i > 0) out.byte(44);
        this.geometry(child, out);
      });
      out.ascii(']}');
      return;
    }
    out.ascii(',"coordinates":');
    this.coordinates(g.coordinates, out);
    out.byte(125);
  }

  /** Nested coordinate arrays of any depth; a position is an array of numbers. */
  private coordinates(c: unknown, out: JsonBytes): void {
    const a = c as ReadonlyArray<unknown>;
    if (a.length > 0 && !Array.isArray(a[0])) {
      // A single position (a Point): as a list of one, without the outer brackets.
      const start = out.length;
      if (!out.positions([a as Position], this.decimals)) this.badCoordinate(a);
      out.length = start; // rewrite without the list brackets
      out.byte(91);
      for (let i = 0; i < a.length; i++) {
        if (i > 0) out.byte(44);
        out.number(a[i] as number, this.decimals);
      }
      out.byte(93);
      return;
    }
    if (a.length > 0 && !Array.isArray((a[0] as unknown[])[0])) {
      // A list of positions (a ring or a line): one bulk write.
      if (!out.positions(a as Position[], this.decimals)) this.badCoordinate(a);
      return;
    }
    out.byte(91);
    for (let i = 0; i < a.length; i++) {
      if (i > 0) out.byte(44);
      this.coordinates(a[i], out);
    }
    out.byte(93);
  }

  /** Throws for the first value of `positions` (a position or a list of them) that is not a finite number. */
  private badCoordinate(positions: ReadonlyArray<unknown>): never {
    const values = positions.flat(2) as unknown[];
    const v = values.find((x) => typeof x !== 'number' || !Number.isFinite(x));
    const f = this.current;
    throw new InvalidGeometryError({
      reason: `coordinate ${typeof v === 'bigint' ? `${v}n` : String(v)} is not a finite number; GeoJSON cannot hold it`,
      ...(f === undefined ? {} : { annotationId: f.annotationId, imageId: f.image.id }),
    });
  }

  private nullableString(s: string | undefined, out: JsonBytes): void {
    if (s === undefined) out.ascii('null');
    else this.cachedString(s, out);
  }

  /** Class and term names repeat on every feature: encoded once each. */
  private cachedString(s: string, out: JsonBytes): void {
    let bytes = this.names.get(s);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(s), 'utf8');
      if (this.names.size < 10_000) this.names.set(s, bytes);
    }
    out.raw(bytes);
  }

  /** `{"name":...,"color":[r,g,b]}` of the feature's class (or first term), or undefined. */
  private classification(feature: Feature): Uint8Array | undefined {
    const term = feature.terms?.[0];
    const name = feature.className ?? term?.name;
    if (name === undefined) return undefined;
    const key = `${feature.classId ?? ''}\u0000${name}\u0000${term?.color ?? ''}`;
    let bytes = this.classifications.get(key);
    if (bytes === undefined) {
      const def =
        feature.classId === undefined
          ? undefined
          : this.classes.classes.find((c) => c.id === feature.classId);
      const color = rgb(def?.color) ?? rgb(term?.color) ?? this.paletteColor(feature.classId);
      bytes = Buffer.from(JSON.stringify({ name, color }), 'utf8');
      this.classifications.set(key, bytes);
    }
    return bytes;
  }

  /** The mask preview's colour of a class id (grey for `unlabeled` and ids outside 1..255). */
  private paletteColor(classId: number | undefined): [number, number, number] {
    if (classId === undefined || !Number.isInteger(classId) || classId < 1 || classId > 255) {
      return [128, 128, 128];
    }
    this.palette ??= previewPalette(this.classes);
    const p = this.palette;
    return [p[classId * 3]!, p[classId * 3 + 1]!, p[classId * 3 + 2]!];
  }
}

/** A property value that is a number, a string or absent (`null`). */
function scalar(v: unknown, out: JsonBytes): void {
  if (typeof v === 'number') out.number(v, 9);
  else if (typeof v === 'string') out.string(v);
  else out.ascii('null');
}

/**
 * A stable RFC 4122-shaped UUID (version 5 layout, SHA-1 of `cytorx:feature:{id}`), so the
 * same annotation gets the same QuPath object id on every export.
 * @internal
 */
export function featureUuid(id: number): string {
  const h = uuidBytes(id);
  const hex = Buffer.from(h).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function uuidBytes(id: number): Uint8Array {
  const h = createHash('sha1').update(`cytorx:feature:${id}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  return h.subarray(0, 16);
}

/** `"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"` of {@link featureUuid}, written as bytes. */
function writeUuid(out: JsonBytes, id: number): void {
  const h = uuidBytes(id);
  out.byte(34);
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out.byte(45);
    out.byte(HEX[h[i]! >> 4]!);
    out.byte(HEX[h[i]! & 15]!);
  }
  out.byte(34);
}

/** `#RRGGBB` (or `#RGB`) to `[r, g, b]`, as QuPath reads `classification.color`. */
function rgb(hex: string | undefined): [number, number, number] | undefined {
  if (typeof hex !== 'string') return undefined;
  let m = /^#?([0-9a-f]{6})$/i.exec(hex.trim())?.[1];
  if (m === undefined) {
    const short = /^#?([0-9a-f]{3})$/i.exec(hex.trim())?.[1];
    if (short === undefined) return undefined;
    m = [...short].map((c) => c + c).join('');
  }
  const n = Number.parseInt(m, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
