import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dataset, EmulatorStats, GenerateOptions } from '../types.js';
import type { RouteResponse } from './context.js';
import { JSON_CONTENT_TYPE } from './envelope.js';

/** Zeroed request counters. */
export function emptyStats(): EmulatorStats {
  return {
    requests: 0,
    byMethod: {},
    byRoute: {},
    writes: 0,
    failuresInjected: 0,
    resetsInjected: 0,
    authFailures: 0,
    clientAborts: 0,
  };
}

/** True when the `dataset` option is a Dataset rather than generate options. */
export function isDataset(d: Dataset | GenerateOptions): d is Dataset {
  return Array.isArray((d as Dataset).annotations) && Array.isArray((d as Dataset).users);
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Bytes and content type of a route response (JSON unless raw bytes). */
export function serialise(r: RouteResponse): { bytes: Buffer; contentType: string } {
  if (r.body instanceof Uint8Array) {
    return {
      bytes: Buffer.isBuffer(r.body)
        ? r.body
        : Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength),
      contentType: r.contentType ?? 'application/octet-stream',
    };
  }
  return {
    bytes: Buffer.from(JSON.stringify(r.body)),
    contentType: r.contentType ?? JSON_CONTENT_TYPE,
  };
}

/** Raised by {@link readBody} past the size limit. */
export class BodyTooLarge extends Error {}

/** Reads a request body up to `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Writes a response; with `resetMidBody`, sends the headers and half the body, then destroys the socket. */
export function sendResponse(res: ServerResponse, r: RouteResponse, resetMidBody: boolean): void {
  const { bytes, contentType } = serialise(r);
  const headers: Record<string, string | number> = {
    'content-type': contentType,
    'content-length': bytes.length,
    ...r.headers,
  };
  res.writeHead(r.status, headers);
  if (!resetMidBody) {
    res.end(bytes);
    return;
  }
  const socket = res.socket;
  res.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))), () => socket?.destroy());
  // In case the write callback never fires (socket already gone).
  setTimeout(() => socket?.destroy(), 50).unref();
}
