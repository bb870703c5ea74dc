import { defer, Observable, tap } from 'rxjs';
import { ConfigError } from '../errors/config-error.js';
import { isCytorxError } from '../errors/cytorx-error.js';
import { abortable } from './abortable.js';
import { type FailureContext, networkFailure, retryScope } from './attempt-failure.js';
import { decodeResponse } from './decode-response.js';
import { type PageFetcher, paginateWith } from './paginate.js';
import { withQuery } from './query-string.js';
import { retryAttempts, retryPolicy } from './retry.js';
import { signRequest } from './sign-request.js';
import { createTransport } from './transport.js';
import type {
  AuthMode,
  ClientEvent,
  ClientOptions,
  CytomineClient,
  HttpMethod,
  PaginateOptions,
  Query,
  RequestOptions,
} from './types.js';

const AUTH_MODES: readonly AuthMode[] = ['hmac', 'hmac-pathless', 'headers', 'bearer'];

function positiveInt(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`option ${name} must be an integer >= ${min} (got ${value})`);
  }
  return value;
}

function parseHost(host: string): { origin: string; basePath: string; normalized: string } {
  let url: URL;
  try {
    url = new URL(host);
  } catch (cause) {
    throw new ConfigError(`host "${host}" is not a URL (expected e.g. https://cytomine.example.org)`, {
      cause,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`host "${host}" must use http or https`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new ConfigError('host must not contain credentials, a query or a fragment');
  }
  const basePath = url.pathname.replace(/\/+$/, '');
  return { origin: url.origin, basePath, normalized: `${url.origin}${basePath}` };
}

function validateCredentials(auth: AuthMode, options: ClientOptions): void {
  if (!AUTH_MODES.includes(auth)) {
    throw new ConfigError(`unknown auth mode "${String(auth)}" (expected one of ${AUTH_MODES.join(', ')})`);
  }
  if (auth === 'bearer') {
    if (!options.token) throw new ConfigError('auth mode "bearer" needs a token');
  } else if (!options.publicKey || !options.privateKey) {
    throw new ConfigError(`auth mode "${auth}" needs a public key and a private key`);
  }
}

/**
 * Creates a Cytomine API client over a keep-alive undici connection pool.
 *
 * Every request is a cold Observable: it is sent on subscribe, signed per {@link AuthMode},
 * retried with exponential backoff and jitter on transient failures, and aborted when the
 * subscriber unsubscribes. Errors are typed: `AuthError` (401/403, names the auth mode),
 * `NotFoundError` (404), `HttpError` (other statuses), `NetworkError` (no answer),
 * `BadResponseError` (a 2xx that is not the expected JSON), `AbortedError` (the signal).
 * No error or event ever contains the private key, a signature or a token.
 * @param options see {@link ClientOptions}; defaults: `auth` `hmac`, `timeoutMs` 60 000,
 *   `connections` 8, `pageSize` 1000, `pageConcurrency` 4, retry 6 attempts from 250 ms
 * @throws {ConfigError} `CYTORX_CONFIG` on a bad host, unknown auth mode, missing credentials
 *   or a bad numeric option
 * @example
 * ```ts
 * import { createClient, listProjects } from '@cytorx/core';
 * const client = createClient({ host: 'https://cytomine.example.org', publicKey, privateKey });
 * listProjects(client).subscribe((p) => console.log(p.id, p.name));
 * ```
 */
export function createClient(options: ClientOptions): CytomineClient {
  const auth = options.auth ?? 'hmac';
  validateCredentials(auth, options);
  const { origin, basePath, normalized } = parseHost(options.host);
  const timeoutMs = positiveInt('timeoutMs', options.timeoutMs, 60_000);
  const connections = positiveInt('connections', options.connections, 8);
  const defaultPageSize = positiveInt('pageSize', options.pageSize, 1000, 0);
  const defaultConcurrency = positiveInt('pageConcurrency', options.pageConcurrency, 4);
  const policy = retryPolicy(options.retry);
  const now = options.now ?? (() => new Date());
  const onEvent = options.onEvent;
  const emit = (event: ClientEvent): void => {
    try {
      onEvent?.(event);
    } catch {
      // a failing logger must not break requests
    }
  };
  const transport = createTransport(origin, connections);

  function attempt(
    ctx: FailureContext,
    wirePath: string,
    body: string | undefined,
    responseType: 'json' | 'bytes',
    counter: { attempt: number },
  ): Observable<unknown> {
    return new Observable<unknown>((subscriber) => {
      if (subscriber.closed) return;
      const attemptNo = ++counter.attempt;
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      const contentType = ctx.method === 'GET' ? undefined : 'application/json';
      const headers: Record<string, string> = {
        accept: responseType === 'json' ? 'application/json, */*' : '*/*',
        'x-requested-with': 'XMLHttpRequest',
        ...signRequest({
          auth,
          method: ctx.method,
          pathAndQuery: wirePath,
          contentType,
          date: now(),
          publicKey: options.publicKey,
          privateKey: options.privateKey,
          token: options.token,
        }),
      };
      if (contentType !== undefined) headers['content-type'] = contentType;
      emit({ type: 'request', method: ctx.method, path: ctx.path, attempt: attemptNo });
      const started = Date.now();
      transport.send({ method: ctx.method, path: wirePath, headers, body, signal: controller.signal }).then(
        (response) => {
          clearTimeout(timer);
          if (subscriber.closed) return;
          emit({
            type: 'response',
            method: ctx.method,
            path: ctx.path,
            attempt: attemptNo,
            status: response.status,
            durationMs: Date.now() - started,
          });
          try {
            subscriber.next(decodeResponse(ctx, response, responseType, now));
            subscriber.complete();
          } catch (error) {
            subscriber.error(error);
          }
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (subscriber.closed) return;
          subscriber.error(networkFailure(ctx, error, timedOut));
        },
      );
      return () => {
        clearTimeout(timer);
        controller.abort();
      };
    });
  }

  function request<T = unknown>(method: HttpMethod, path: string, opts: RequestOptions = {}): Observable<T> {
    return defer(() => {
      if (!path.startsWith('/')) throw new ConfigError(`request path must start with "/" (got "${path}")`);
      const shownPath = withQuery(path, opts.query);
      const wirePath = `${basePath}${shownPath}`;
      const ctx: FailureContext = {
        method,
        path: shownPath,
        authMode: auth,
        scope: retryScope(method, opts.retry),
      };
      const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
      const counter = { attempt: 0 };
      const call = attempt(ctx, wirePath, body, opts.responseType ?? 'json', counter).pipe(
        retryAttempts(policy, {
          scheduler: options.scheduler,
          random: options.random,
          onRetry: ({ attempt: n, delayMs, reason }) =>
            emit({ type: 'retry', method, path: shownPath, attempt: n, delayMs, reason }),
        }),
        tap({
          error: (error: unknown) => {
            if (isCytorxError(error)) {
              emit({ type: 'error', method, path: shownPath, attempts: counter.attempt, error });
            }
          },
        }),
      );
      return abortable(call, opts.signal, `${method} ${shownPath}`) as Observable<T>;
    });
  }

  function paginate<T>(path: string, query?: Query, opts: PaginateOptions = {}): Observable<T> {
    return defer(() => {
      const pageSize = positiveInt('pageSize', opts.pageSize, defaultPageSize, 0);
      const concurrency = positiveInt('concurrency', opts.concurrency, defaultConcurrency);
      const method = opts.method ?? 'GET';
      const pageQuery = (offset: number, max: number): Query => ({ ...query, max, offset });
      const fetchPage: PageFetcher = (offset, max) =>
        request(method, path, {
          query: pageQuery(offset, max),
          ...(opts.body === undefined ? {} : { body: opts.body }),
          // A listing is a read even when sent as POST (search endpoints): safe to retry.
          retry: true,
        });
      const listing = paginateWith<T>(fetchPage, {
        pageSize,
        concurrency,
        describe: (offset, max) => ({ method, path: withQuery(path, pageQuery(offset, max)) }),
      });
      return abortable(listing, opts.signal, `listing ${path}`);
    });
  }

  return {
    host: normalized,
    authMode: auth,
    request,
    paginate,
    close: () => transport.close(),
  };
}
