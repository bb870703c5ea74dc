import type { IncomingMessage } from 'node:http';
import type { ListingCache } from '../routes/annotation-cache.js';
import type { WindowCache } from '../routes/window-cache.js';
import type { BatchStyle, Dataset, DatasetUser, FaultOptions } from '../types.js';

/** Mutable state of a running emulator, shared by the route handlers. */
export interface EmulatorState {
  dataset: Dataset;
  batchStyle: BatchStyle;
  faults: FaultOptions;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Dataset version: incremented on every write (each `wrote()`), it invalidates cached listings. */
  version: number;
  /** Filtered, sorted annotation listings per filter set, and their serialised pages. */
  listings: ListingCache;
  /** Encoded image windows. */
  windows: WindowCache;
}

/** What a route handler receives. */
export interface RequestContext {
  req: IncomingMessage;
  method: string;
  path: string;
  /** Query parameters (each key at most once: repeated keys are refused before routing). */
  query: Map<string, string>;
  /** Captures of the route pattern. */
  params: string[];
  /** Parsed JSON body (`undefined` when there is none). */
  body: unknown;
  user: DatasetUser;
  state: EmulatorState;
  /** Count a data change (stats.writes) and bump the dataset version. */
  wrote(n?: number): void;
}

/** What a route handler returns; the server serialises it (and may inject a reset). */
export interface RouteResponse {
  status: number;
  /** A JSON value, or raw bytes with `contentType`. */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A route handler. */
export type Handler = (ctx: RequestContext) => RouteResponse | Promise<RouteResponse>;
