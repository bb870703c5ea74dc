// Brute-force reference for the cytorx pixel rule (raster-coco.md §C), written independently of
// the scanline rasterizer: per pixel centre and per edge, the exact crossing predicate in BigInt.

/** q = floor(v·256 + ½) as a BigInt (test values stay far below 2^44 px, so v·256 is exact). */
function snap(v: number): bigint {
  return BigInt(Math.round(v * 256));
}

interface Edge {
  x0: bigint;
  y0: bigint;
  x1: bigint;
  y1: bigint;
}

/** The oracle's mask: 1 where the pixel centre is inside the even-odd union of `rings`. */
export function oracleMask(
  rings: ReadonlyArray<ReadonlyArray<number>>,
  width: number,
  height: number,
): Uint8Array {
  const edges: Edge[] = [];
  for (const ring of rings) {
    const n = ring.length / 2;
    if (n < 3) continue;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      let x0 = snap(ring[2 * i]!);
      let y0 = snap(ring[2 * i + 1]!);
      let x1 = snap(ring[2 * j]!);
      let y1 = snap(ring[2 * j + 1]!);
      if (y0 === y1) continue; // horizontal edges never take part
      if (y1 < y0) [x0, y0, x1, y1] = [x1, y1, x0, y0];
      edges.push({ x0, y0, x1, y1 });
    }
  }
  const mask = new Uint8Array(width * height);
  for (let py = 0; py < height; py++) {
    const cy = BigInt(py) * 256n + 128n;
    // half-open: min(y0,y1) <= cy < max(y0,y1)
    const active = edges.filter((e) => e.y0 <= cy && cy < e.y1);
    for (let px = 0; px < width; px++) {
      const cx = BigInt(px) * 256n + 128n;
      let inside = false;
      // crossing strictly right of the centre: (cy−y0)(x1−x0) > (cx−x0)(y1−y0), with y1 > y0
      for (const e of active) if ((cy - e.y0) * (e.x1 - e.x0) > (cx - e.x0) * (e.y1 - e.y0)) inside = !inside;
      if (inside) mask[py * width + px] = 1;
    }
  }
  return mask;
}
