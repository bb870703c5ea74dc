import type { Observable, SchedulerLike } from 'rxjs';
import type { CytorxError } from '../errors/cytorx-error.js';

/**
 * How the client authenticates:
 * - `hmac` (default): `authorization: CYTOMINE pub:sig`, HMAC-SHA1 over method, content type,
 *   date and the raw path + query (every released core, Python client 3.x);
 * - `hmac-pathless`: the same signature without the path (newest core line, Python client 4.x);
 * - `headers`: `X-Auth-Token: pub` and `X-Auth-Secret: priv` (the ATrISys guide's proxy);
 * - `bearer`: `Authorization: Bearer token` (JWT).
 */
export type AuthMode = 'hmac' | 'hmac-pathless' | 'headers' | 'bearer';

/** HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A query parameter value. Lists are sent comma-joined (`terms=1,2,3`), `undefined` is left out. */
export type QueryValue = string | number | boolean | readonly number[] | undefined;

/** Query parameters. Each key is sent at most once (Cytomine answers 500 to a repeated parameter). */
export type Query = Readonly<Record<string, QueryValue>>;

/** Retry policy for transient failures (network errors, 429, 502, 503, 504, and 500 on GET). */
export interface RetryOptions {
  /** Attempts in all, first one included. Default 6. */
  maxAttempts?: number;
  /** Backoff before the first retry, doubled on each further retry. Default 250 ms. */
  baseDelayMs?: number;
  /** Cap of one delay (also caps a server's `Retry-After`). Default 10_000 ms. */
  maxDelayMs?: number;
  /** Cap of the sum of all delays of one request; past it the request fails. Default 60_000 ms. */
  maxTotalDelayMs?: number;
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8080` (a trailing slash is tolerated, a path prefix kept). */
  host: string;
  /** API public key (`hmac`, `hmac-pathless`, `headers`). */
  publicKey?: string;
  /** API private key (`hmac`, `hmac-pathless`, `headers`). Never logged nor put in errors. */
  privateKey?: string;
  /** Bearer token (`bearer`). Never logged nor put in errors. */
  token?: string;
  /** Auth mode. Default `hmac`. */
  auth?: AuthMode;
  /** Timeout of one attempt (headers and body). Default 60_000 ms. */
  timeoutMs?: number;
  /** Retry policy. */
  retry?: RetryOptions;
  /** Maximum number of keep-alive connections to the host. Default 8. */
  connections?: number;
  /** Items asked per page (`max`). Default 1000; 0 asks for everything at once. */
  pageSize?: number;
  /** Pages fetched concurrently once the first page told the total. Default 4. */
  pageConcurrency?: number;
  /** Receives request/response/retry events for logs. Events never contain secrets. */
  onEvent?: (event: ClientEvent) => void;
  /** Scheduler for retry delays (tests pass a `TestScheduler`). Default: RxJS async scheduler. */
  scheduler?: SchedulerLike;
  /** Clock for the `date` header and `Retry-After` dates. Default `() => new Date()`. */
  now?: () => Date;
  /** Random source in [0, 1) for backoff jitter. Default `Math.random`. */
  random?: () => number;
}

/** Options of {@link CytomineClient.request}. */
export interface RequestOptions {
  /** Query parameters (see {@link Query}). */
  query?: Query;
  /** JSON body (POST/PUT/DELETE). */
  body?: unknown;
  /** Aborts the request (and any pending retry) with an `AbortedError`. */
  signal?: AbortSignal;
  /**
   * Retry transient failures. Default: on for GET/PUT/DELETE, and for POST only on 429
   * (a POST is not repeated after a network error or a 5xx unless `true`). `false` disables retries.
   */
  retry?: boolean;
  /** `json` (default) parses the body; `bytes` returns it as a `Uint8Array`. */
  responseType?: 'json' | 'bytes';
}

/** Options of {@link CytomineClient.paginate}. */
export interface PaginateOptions {
  /** Items asked per page (`max`). Default: the client's `pageSize`. */
  pageSize?: number;
  /** Pages fetched concurrently once the total is known. Default: the client's `pageConcurrency`. */
  concurrency?: number;
  /** Method of the list request. Default `GET` (`POST` for search endpoints taking a JSON body). */
  method?: 'GET' | 'POST';
  /** JSON body sent with every page request (with `method: 'POST'`). */
  body?: unknown;
  /** Aborts the listing with an `AbortedError`. */
  signal?: AbortSignal;
}

/** A request/response/retry event for logs. Holds no keys, signatures or tokens. */
export type ClientEvent =
  | { type: 'request'; method: HttpMethod; path: string; attempt: number }
  | {
      type: 'response';
      method: HttpMethod;
      path: string;
      attempt: number;
      status: number;
      durationMs: number;
    }
  | {
      type: 'retry';
      method: HttpMethod;
      path: string;
      attempt: number;
      delayMs: number;
      reason: string;
    }
  | { type: 'error'; method: HttpMethod; path: string; attempts: number; error: CytorxError };

/** A Cytomine API client. Made by {@link createClient}. */
export interface CytomineClient {
  /** The normalised base URL (no trailing slash). */
  readonly host: string;
  /** The auth mode in use. */
  readonly authMode: AuthMode;
  /**
   * One API call as a cold Observable: each subscription sends the request (with retries);
   * unsubscribing aborts it. Emits the parsed JSON (or bytes) once, then completes.
   */
  request<T = unknown>(method: HttpMethod, path: string, options?: RequestOptions): Observable<T>;
  /**
   * A paginated list as a cold Observable of its items, in server order. A bare JSON array
   * is one complete page. Unsubscribing (e.g. `take(n)`) stops paging and aborts requests.
   */
  paginate<T>(path: string, query?: Query, options?: PaginateOptions): Observable<T>;
  /** Closes the connection pool (waits for requests in flight). Idempotent. */
  close(): Promise<void>;
}
