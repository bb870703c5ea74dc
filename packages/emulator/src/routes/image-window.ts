import jpeg from 'jpeg-js';
import type { RequestContext, RouteResponse } from '../server/context.js';
import { apiError, notFound } from '../server/respond.js';
import { renderRegion, SLIDE_PERIOD } from './slide-pixel.js';
import { slidePng } from './slide-png.js';

/** Largest window side, as legacy IMS (`MAX_SIZE_WINDOW_REQUEST`). */
export const MAX_WINDOW_SIDE = 5000;

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
  const headers = { 'x-cytorx-window': `${x0},${y0},${cw},${ch}` };
  // The slide is the same for every image and repeats every SLIDE_PERIOD px.
  const region = `${x0 % SLIDE_PERIOD},${y0 % SLIDE_PERIOD},${cw},${ch}`;
  if (format === 'png') {
    const bytes = ctx.state.windows.get(`png:${region}`, () => slidePng(x0, y0, cw, ch));
    return { status: 200, body: bytes, contentType: 'image/png', headers };
  }
  const bytes = ctx.state.windows.get(`jpeg:${region}`, () => {
    const data = renderRegion(x0, y0, cw, ch);
    const { data: jpg } = jpeg.encode({ data, width: cw, height: ch }, 90);
    return Buffer.isBuffer(jpg) ? jpg : Buffer.from(jpg);
  });
  return { status: 200, body: bytes, contentType: 'image/jpeg', headers };
}
