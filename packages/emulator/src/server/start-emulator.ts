import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { generateDataset } from '../dataset/generate-dataset.js';
import { ListingCache } from '../routes/annotation-cache.js';
import { ping } from '../routes/resources.js';
import { WindowCache } from '../routes/window-cache.js';
import type {
  AuthMode,
  BatchStyle,
  Dataset,
  EmulatorStats,
  FaultOptions,
  GenerateOptions,
} from '../types.js';
import { authenticate } from './auth.js';
import type { EmulatorState, RequestContext, RouteResponse } from './context.js';
import { FaultInjector } from './faults.js';
import { BodyTooLarge, emptyStats, isDataset, readBody, sendResponse, sleep } from './http-io.js';
import { apiError, HttpAnswer, springError } from './respond.js';
import { matchRoute } from './router.js';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port; 0 (default) picks an ephemeral one. */
  port?: number;
  /** Interface to listen on, default `127.0.0.1`. */
  host?: string;
  /** A dataset to serve (used live, not copied) or options to generate one. Default `generateDataset({ seed: 42 })`. */
  dataset?: Dataset | GenerateOptions;
  /** Faults injected from the start (see {@link FaultOptions}). Default none. */
  faults?: FaultOptions;
  /** Accepted authentication modes, default all four. */
  authModes?: AuthMode[];
  /** Batch POST answer style, default `'spring'`. */
  batchStyle?: BatchStyle;
  /** Override the keys of the dataset's first user. */
  keys?: { publicKey?: string; privateKey?: string; token?: string };
  /** Largest accepted request body, default 10 MiB (larger bodies get 413). */
  maxBodyBytes?: number;
}

/** A running emulator. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** Public key of the dataset's first user. */
  readonly publicKey: string;
  /** Private key of the dataset's first user. */
  readonly privateKey: string;
  /** Bearer token of the dataset's first user. */
  readonly token: string;
  /**
   * The live dataset: writes land here. Listings are cached per filter set: after editing a
   * field the filters read of an existing annotation in place, replace the array
   * (`dataset.annotations = [...dataset.annotations]`) so that listings see it.
   */
  readonly dataset: Dataset;
  /** Replaces the fault options (and restarts the fault RNG). */
  setFaults(faults: FaultOptions): void;
  /** Changes the batch POST answer style. */
  setBatchStyle(style: BatchStyle): void;
  /** A snapshot of the request counters. */
  stats(): EmulatorStats;
  /** Zeroes the counters. */
  resetStats(): void;
  /** Stops listening and destroys open connections. */
  close(): Promise<void>;
}

/**
 * Starts a Cytomine-compatible HTTP server (node:http) on loopback, built from the API spec:
 * authentication in four modes, projects, ontologies, terms, images, the annotation listing
 * with its filters and quirks, annotation writes (single and batch), annotation-term links,
 * and image windows of a synthetic slide whose pixels encode their own coordinates. Faults
 * (failures, resets, latency, page cap) can be injected at start or later with `setFaults`.
 *
 * @param options - {@link EmulatorOptions}; defaults: `port` 0, `host` `127.0.0.1`,
 *   `dataset` `generateDataset({ seed: 42 })`, no faults, every auth mode, `batchStyle` `'spring'`.
 * @returns The running {@link Emulator}; call `close()` when done.
 * @throws Error (Node `EADDRINUSE`, ...) when the server cannot listen.
 * @example
 * ```ts
 * import { startEmulator } from '@cytorx/emulator';
 * const emu = await startEmulator({ faults: { failureRate: 0.2, seed: 1 } });
 * console.log(emu.url, emu.publicKey);
 * await emu.close();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const dataset =
    options.dataset && isDataset(options.dataset)
      ? options.dataset
      : generateDataset(options.dataset ?? { seed: 42 });
  let maxId = dataset.nextId - 1;
  for (const list of [dataset.users, dataset.ontologies, dataset.terms, dataset.projects, dataset.images]) {
    for (const x of list) maxId = Math.max(maxId, x.id);
  }
  for (const a of dataset.annotations) {
    maxId = Math.max(maxId, a.id);
    for (const l of a.terms) maxId = Math.max(maxId, l.id);
  }
  dataset.nextId = Math.max(maxId + 1, dataset.nextId);
  const me = dataset.users[0];
  if (!me) throw new Error('the dataset has no user');
  if (options.keys?.publicKey !== undefined) me.publicKey = options.keys.publicKey;
  if (options.keys?.privateKey !== undefined) me.privateKey = options.keys.privateKey;
  if (options.keys?.token !== undefined) me.token = options.keys.token;
  const modes = new Set<AuthMode>(options.authModes ?? ['hmac', 'hmac-pathless', 'headers', 'bearer']);
  const injector = new FaultInjector({ ...options.faults });
  const maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const state: EmulatorState = {
    dataset,
    batchStyle: options.batchStyle ?? 'spring',
    faults: injector.current,
    url: '',
    version: 0,
    listings: new ListingCache(),
    windows: new WindowCache(),
  };
  let stats = emptyStats();
  const sockets = new Set<Socket>();
  // Responses cut on purpose (injected resets, close()): not client aborts.
  const cutByServer = new WeakSet<ServerResponse>();
  let closing = false;

  const send = (res: ServerResponse, r: RouteResponse, resetMidBody: boolean): void => {
    if (resetMidBody) {
      stats.resetsInjected++;
      cutByServer.add(res);
    }
    sendResponse(res, r, resetMidBody);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const qIndex = rawUrl.indexOf('?');
    const path = qIndex < 0 ? rawUrl : rawUrl.slice(0, qIndex);
    const rawQuery = qIndex < 0 ? '' : rawUrl.slice(qIndex + 1);
    stats.requests++;
    stats.byMethod[method] = (stats.byMethod[method] ?? 0) + 1;

    if (/^\/server\/ping(\.json)?$/.test(path) && (method === 'GET' || method === 'POST')) {
      stats.byRoute['/server/ping.json'] = (stats.byRoute['/server/ping.json'] ?? 0) + 1;
      req.resume();
      send(res, ping({ state }), false);
      return;
    }
    const match = matchRoute(method, path);
    const routeName = match.route ? match.route.name : match.name;
    stats.byRoute[routeName] = (stats.byRoute[routeName] ?? 0) + 1;

    const isApi = path.startsWith('/api/');
    const plan = isApi ? injector.plan(method) : undefined;
    let body: Buffer;
    try {
      body = await readBody(req, maxBody);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        send(res, apiError(413, 'Request body too large'), false);
        return;
      }
      throw e;
    }
    if (plan && plan.delayMs > 0) await sleep(plan.delayMs);
    if (plan && plan.failure !== 0) {
      stats.failuresInjected++;
      send(res, injector.failureResponse(plan.failure), false);
      return;
    }
    if (!isApi && !match.route) {
      // Spring only guards /api/**: other unknown paths are plain 404s.
      send(res, springError(404, 'Not Found', path), false);
      return;
    }
    const user = authenticate(req, dataset.users, modes);
    if (!user) {
      stats.authFailures++;
      send(res, springError(401, 'Unauthorized', path), false);
      return;
    }
    if (!match.route) {
      if (match.allowed.length > 0) {
        send(
          res,
          { ...springError(405, 'Method Not Allowed', path), headers: { allow: match.allowed.join(', ') } },
          false,
        );
      } else send(res, springError(404, 'Not Found', path), false);
      return;
    }
    const query = new Map<string, string>();
    for (const [k, v] of new URLSearchParams(rawQuery)) {
      if (query.has(k)) {
        send(res, apiError(500, 'Method is not yet implemented'), false);
        return;
      }
      query.set(k, v);
    }
    const isWrite = method === 'POST' || method === 'PUT' || method === 'DELETE';
    if (plan?.reset && isWrite) {
      // The connection drops before the server processes the write.
      send(res, { status: 200, body: { message: 'interrupted before processing' } }, true);
      return;
    }
    let parsed: unknown;
    if (body.length > 0) {
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        send(res, apiError(400, 'The body cannot be parsed, is the body content in the good format?'), false);
        return;
      }
    }
    let writes = 0;
    const ctx: RequestContext = {
      req,
      method,
      path,
      query,
      params: match.params,
      body: parsed,
      user,
      state,
      wrote: (n = 1) => {
        writes += n;
        state.version++;
      },
    };
    let response: RouteResponse;
    try {
      response = await match.route.handler(ctx);
    } catch (e) {
      if (!(e instanceof HttpAnswer)) throw e;
      response = e.response;
    }
    stats.writes += writes;
    const reset = plan !== undefined && (plan.reset || (plan.resetAfterWrite && writes > 0));
    send(res, response, reset);
  };

  const server = createServer((req, res) => {
    res.on('close', () => {
      if (!res.writableFinished && !closing && !cutByServer.has(res)) stats.clientAborts++;
    });
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        cutByServer.add(res);
        res.destroy();
        return;
      }
      const message = e instanceof Error ? e.message : String(e);
      send(res, apiError(500, `Internal error: ${message}`), false);
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('unexpected server address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  state.url = `http://${host}:${address.port}`;

  return {
    url: state.url,
    get publicKey() {
      return me.publicKey;
    },
    get privateKey() {
      return me.privateKey;
    },
    get token() {
      return me.token;
    },
    dataset,
    setFaults(faults: FaultOptions): void {
      injector.set(faults);
      state.faults = injector.current;
    },
    setBatchStyle(style: BatchStyle): void {
      state.batchStyle = style;
    },
    stats(): EmulatorStats {
      return structuredClone(stats);
    },
    resetStats(): void {
      stats = emptyStats();
    },
    close(): Promise<void> {
      closing = true;
      return new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      });
    },
  };
}
