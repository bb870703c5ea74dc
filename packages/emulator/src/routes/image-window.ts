import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RequestContext, RouteResponse } from '../server/context.js';
import { apiError, notFound } from '../server/respond.js';

/** Largest window side, as legacy IMS (`MAX_SIZE_WINDOW_REQUEST`). */
export const MAX_WINDOW_SIDE = 5000;

/**
 * The synthetic slide: the pixel at top-left coordinates (x, y) (y down) has
 * `R = x & 255`, `G = y & 255`, `B = ((x >> 8) & 15) << 4 | ((y >> 8) & 15)`.
 */
export function slidePixel(x: number, y: number): [number, number, number] {
  return [x & 255, y & 255, (((x >> 8) & 15) << 4) | ((y >> 8) & 15)];
}

/** Renders the RGBA pixels of the slide region `[x, x+w) x [y, y+h)`. */
export function renderRegion(x: number, y: number, w: number, h: number): Buffer {
  const data = Buffer.alloc(w * h * 4);
  let o = 0;
  for (let j = 0; j < h; j++) {
    const yy = y + j;
    const g = yy & 255;
    const by = (yy >> 8) & 15;
    for (let i = 0; i < w; i++) {
      const xx = x + i;
      data[o] = xx & 255;
      data[o + 1] = g;
      data[o + 2] = (((xx >> 8) & 15) << 4) | by;
      data[o + 3] = 255;
      o += 4;
    }
  }
  return data;
}

/**
 * `GET|POST /api/imageinstance/{id}/window-{x}-{y}-{w}-{h}.{png|jpg}`: a full-resolution
 * region in top-left pixel coordinates. A window partly outside the image is clipped to the
 * image (the answer is smaller; header `X-Cytorx-Window: x,y,w,h` gives the region actually
 * returned); a window entirely outside, empty, or larger than 5000x5000 is refused with 400.
 */
export function imageWindow(ctx: RequestContext): RouteResponse {
  const [idS, xS, yS, wS, hS, fmt] = ctx.params as [string, string, string, string, string, string];
  const image = ctx.state.dataset.images.find((i) => i.id === Number(idS));
  if (!image) return notFound('ImageInstance', idS);
  const format = fmt.toLowerCase();
  if (format !== 'png' && format !== 'jpg' && format !== 'jpeg') {
    return apiError(400, `Format ${fmt} is not supported`);
  }
  const x = Number(xS);
  const y = Number(yS);
  const w = Number(wS);
  const h = Number(hS);
  if (w <= 0 || h <= 0) return apiError(400, `Window ${w}x${h} is empty`);
  if (w > MAX_WINDOW_SIDE || h > MAX_WINDOW_SIDE) {
    return apiError(400, `Window ${w}x${h} is too large (maximum ${MAX_WINDOW_SIDE}x${MAX_WINDOW_SIDE})`);
  }
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(image.width, x + w);
  const y1 = Math.min(image.height, y + h);
  if (x1 <= x0 || y1 <= y0) return apiError(400, `Window ${x},${y},${w},${h} is outside the image`);
  const cw = x1 - x0;
  const ch = y1 - y0;
  const data = renderRegion(x0, y0, cw, ch);
  const headers = { 'x-cytorx-window': `${x0},${y0},${cw},${ch}` };
  if (format === 'png') {
    const png = new PNG({ width: cw, height: ch });
    png.data = data;
    const bytes = PNG.sync.write(png, { colorType: 2 });
    return { status: 200, body: bytes, contentType: 'image/png', headers };
  }
  const bytes = jpeg.encode({ data, width: cw, height: ch }, 90).data;
  return { status: 200, body: bytes, contentType: 'image/jpeg', headers };
}
