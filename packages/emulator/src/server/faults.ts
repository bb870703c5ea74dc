import { createRng, type Rng } from '../dataset/rng.js';
import type { FaultOptions } from '../types.js';
import type { RouteResponse } from './context.js';

/** The fault decisions for one request. */
export interface FaultPlan {
  delayMs: number;
  /** Injected failure status, or 0. */
  failure: number;
  /** Destroy the connection mid-body (write NOT applied on write methods). */
  reset: boolean;
  /** Apply the write, then destroy the connection mid-body. */
  resetAfterWrite: boolean;
}

const NONE: FaultPlan = { delayMs: 0, failure: 0, reset: false, resetAfterWrite: false };

/** Seeded fault injector; `set` replaces the options and restarts the RNG. */
export class FaultInjector {
  private rng: Rng;
  constructor(private options: FaultOptions) {
    this.rng = createRng(options.seed ?? 1);
  }

  get current(): FaultOptions {
    return this.options;
  }

  set(options: FaultOptions): void {
    this.options = { ...options };
    this.rng = createRng(options.seed ?? 1);
  }

  /** Draws the decisions for an API request with this method. */
  plan(method: string): FaultPlan {
    const o = this.options;
    if (o.methods && !o.methods.map((m) => m.toUpperCase()).includes(method)) return NONE;
    const delayMs = (o.latencyMs ?? 0) + (o.jitterMs ? this.rng() * o.jitterMs : 0);
    const codes = o.failureCodes && o.failureCodes.length > 0 ? o.failureCodes : [503, 500, 502];
    const failure =
      (o.failureRate ?? 0) > 0 && this.rng() < o.failureRate!
        ? codes[Math.floor(this.rng() * codes.length)]!
        : 0;
    const reset = failure === 0 && (o.resetRate ?? 0) > 0 && this.rng() < o.resetRate!;
    const isWrite = method === 'POST' || method === 'PUT' || method === 'DELETE';
    const resetAfterWrite =
      failure === 0 &&
      !reset &&
      isWrite &&
      (o.resetAfterWriteRate ?? 0) > 0 &&
      this.rng() < o.resetAfterWriteRate!;
    return { delayMs, failure, reset, resetAfterWrite };
  }

  /** The response of an injected failure. */
  failureResponse(status: number): RouteResponse {
    if (status === 502 || status === 504) {
      const text = status === 502 ? 'Bad Gateway' : 'Gateway Time-out';
      return {
        status,
        contentType: 'text/html',
        body: Buffer.from(
          `<html>\r\n<head><title>${status} ${text}</title></head>\r\n<body>\r\n<center><h1>${status} ${text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
        ),
      };
    }
    const headers: Record<string, string> = {};
    if (status === 503 || status === 429)
      headers['retry-after'] = String(this.options.retryAfterSeconds ?? 0);
    if (status === 503) {
      return {
        status,
        headers,
        contentType: 'text/html',
        body: Buffer.from(
          `<html><body><h1>503 Service Unavailable</h1>No server is available.</body></html>\n`,
        ),
      };
    }
    return { status, headers, body: { errors: { message: 'Internal error' } } };
  }
}
