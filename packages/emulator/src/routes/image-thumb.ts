import jpeg from 'jpeg-js';
import type { RequestContext, RouteResponse } from '../server/context.js';
import { parseLong } from '../server/params.js';
import { apiError, notFound } from '../server/respond.js';
import { MAX_WINDOW_SIDE } from './image-window.js';
import { slidePixel } from './slide-pixel.js';
import { rgbPng } from './slide-png.js';

/** Python's `round` (half to even), as PIMS rounds output sizes. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Size of a thumbnail whose longest side is `maxSize`, as PIMS computes it
 * (`get_thumb_output_dimensions` with `length`): the longer side (the height when the image
 * is square) becomes `maxSize`, the other `round(maxSize / longer · shorter)` (at least 1).
 * Upscaling is allowed, as in PIMS.
 */
export function thumbSize(width: number, height: number, maxSize: number): [number, number] {
  if (width > height) return [maxSize, Math.max(1, roundHalfEven((maxSize / width) * height))];
  return [Math.max(1, roundHalfEven((maxSize / height) * width)), maxSize];
}

/**
 * The RGB scanlines (filter byte 0, then 3·tw samples) of a `tw` x `th` thumbnail of a
 * `width` x `height` slide: pixel (i, j) is the slide pixel under the centre of its
 * footprint, `(floor((i + ½)·width/tw), floor((j + ½)·height/th))` (point sampling), so its
 * colour still encodes full-resolution top-left coordinates (modulo 4096).
 */
export function renderThumb(width: number, height: number, tw: number, th: number): Buffer {
  const stride = 3 * tw + 1;
  const raw = Buffer.alloc(stride * th);
  // R and B's high nibble depend on x only, G and B's low nibble on y only (slidePixel).
  const red = new Uint8Array(tw);
  const blueX = new Uint8Array(tw);
  for (let i = 0; i < tw; i++) {
    const [r, , b] = slidePixel(Math.floor(((i + 0.5) * width) / tw), 0);
    red[i] = r;
    blueX[i] = b;
  }
  for (let j = 0; j < th; j++) {
    const [, g, blueY] = slidePixel(0, Math.floor(((j + 0.5) * height) / th));
    let o = j * stride + 1;
    for (let i = 0; i < tw; i++) {
      raw[o++] = red[i]!;
      raw[o++] = g;
      raw[o++] = blueX[i]! | blueY;
    }
  }
  return raw;
}

/**
 * `GET|POST /api/imageinstance/{id}/thumb.{png|jpg}?maxSize=512` (and `preview.{fmt}`,
 * default 1024): the whole slide scaled so that its longest side is `maxSize` (CORE forwards
 * it to PIMS as `length`). Pixels are point samples of the synthetic slide (see
 * {@link renderThumb}). `maxSize` must be an integer 1..5000, else 400.
 */
export function imageThumb(defaultMaxSize: number): (ctx: RequestContext) => RouteResponse {
  return (ctx) => {
    const [idS, fmt] = ctx.params as [string, string];
    const image = ctx.state.dataset.images.find((i) => i.id === Number(idS));
    if (!image) return notFound('ImageInstance', idS);
    const format = fmt.toLowerCase();
    if (format !== 'png' && format !== 'jpg' && format !== 'jpeg') {
      return apiError(400, `Format ${fmt} is not supported`);
    }
    const maxSize = parseLong('maxSize', ctx.query.get('maxSize')) ?? defaultMaxSize;
    if (maxSize < 1 || maxSize > MAX_WINDOW_SIDE) {
      return apiError(400, `maxSize ${maxSize} is out of range (1..${MAX_WINDOW_SIDE})`);
    }
    const [tw, th] = thumbSize(image.width, image.height, maxSize);
    const key = `${image.width}x${image.height}:${tw}x${th}`;
    if (format === 'png') {
      const bytes = ctx.state.windows.get(`thumb-png:${key}`, () =>
        rgbPng(renderThumb(image.width, image.height, tw, th), tw, th),
      );
      return { status: 200, body: bytes, contentType: 'image/png' };
    }
    const bytes = ctx.state.windows.get(`thumb-jpeg:${key}`, () => {
      const raw = renderThumb(image.width, image.height, tw, th);
      const rgba = Buffer.alloc(tw * th * 4, 255);
      for (let j = 0, o = 0; j < th; j++) {
        let s = j * (3 * tw + 1) + 1;
        for (let i = 0; i < tw; i++, o += 4, s += 3) raw.copy(rgba, o, s, s + 3);
      }
      const { data } = jpeg.encode({ data: rgba, width: tw, height: th }, 90);
      return Buffer.isBuffer(data) ? data : Buffer.from(data);
    });
    return { status: 200, body: bytes, contentType: 'image/jpeg' };
  };
}
