import { Pool } from 'undici';
import type { HttpMethod } from './types.js';

/** One HTTP exchange as the transport sees it. */
export interface TransportRequest {
  method: HttpMethod;
  /** Path and query exactly as sent (already prefixed with the host's base path). */
  path: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal: AbortSignal;
}

/** A complete response: status, headers (lower-case names) and the whole body. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

/** Sends requests over a keep-alive connection pool. */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
  close(): Promise<void>;
}

/**
 * The one module that talks to undici: a `Pool` of at most `connections` keep-alive
 * connections to `origin`. The whole body is read before resolving, so a connection cut
 * mid-body rejects (the caller retries it as a network error).
 */
export function createTransport(origin: string, connections: number): Transport {
  const pool = new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 60_000,
    // Our own per-attempt timer covers headers and body; these are backstops.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  let closing: Promise<void> | undefined;
  return {
    async send(request) {
      const response = await pool.request({
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: request.body ?? null,
        signal: request.signal,
      });
      const bytes = new Uint8Array(await response.body.arrayBuffer());
      return { status: response.statusCode, headers: response.headers, body: bytes };
    },
    close() {
      closing ??= pool.close();
      return closing;
    },
  };
}
